"""Master question banks (YAML, instructor material) and their compilation into the banks that
notebooks and the grader load (`pactlab.bank`). Needs PyYAML; checks masters against
`schemas/master.schema.json` where jsonschema is installed."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..bank import FORMAT, SECRET_FIELDS, encode_secret, is_assessed
from ..questions import TYPES, Question, make_question


def compile_master(master: Any, source: str = "master") -> dict:
    """Master bank (parsed YAML) -> compiled bank (JSON-ready dict).

    Checks the master's structure (the JSON Schema `schemas/master.schema.json`, where jsonschema
    is installed, and the same essentials by hand where it is not), every question's definition
    against its key, and that each key scores full marks against itself. Every problem is a
    ValueError naming the file, the question and the field.
    """
    check_master_structure(master, source)
    compiled = {"format": FORMAT, "lesson": master["lesson"], "title": master["title"],
                "questions": []}
    objectives = master.get("objectives") or {}
    if objectives:
        compiled["objectives"] = {str(k): v for k, v in objectives.items()}
    seen = set()
    for n, q in enumerate(master["questions"], start=1):
        where = f"{source}, question {n} ({q.get('id', 'no id')})"
        if q["id"] in seen:
            raise ValueError(f"{where}: duplicate id {q['id']!r}")
        seen.add(q["id"])
        check_objective(q, objectives, where)
        public = {k: v for k, v in q.items() if k not in SECRET_FIELDS}
        secret = {k: q[k] for k in SECRET_FIELDS if k in q}
        try:
            make_question(public, secret).check_key()  # definition, key shape, key scores 1
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        public["secret"] = encode_secret(secret)
        compiled["questions"].append(public)
    return compiled


def question_objectives(q: dict) -> list[str]:
    """The objective ids a question (master or compiled) says it assesses: [] when none."""
    value = q.get("objective")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check_objective(q: dict, objectives: dict, where: str) -> None:
    """A question's `objective` must name one of the bank's `objectives`."""
    for oid in question_objectives(q):
        if oid not in objectives:
            known = ", ".join(map(str, objectives)) or "none: add an objectives: mapping"
            raise ValueError(f"{where}: field 'objective' names {oid!r}, which is not one of the "
                             f"lesson's objectives ({known})")


def check_master_structure(master: Any, source: str) -> None:
    """The essentials of the master format, with a message naming file, question and field."""
    if master is None:
        raise ValueError(f"{source}: the file is empty; a master bank starts with lesson:, "
                         "title: and questions: (see questions/README.md)")
    if not isinstance(master, dict):
        raise ValueError(f"{source}: the file holds {type(master).__name__}, not a mapping with "
                         "lesson:, title: and questions:")
    for field in ("lesson", "title", "questions"):
        if field not in master:
            raise ValueError(f"{source}: missing top-level field '{field}'")
    if not isinstance(master["questions"], list) or not master["questions"]:
        raise ValueError(f"{source}: 'questions' must be a list of questions, not "
                         f"{master['questions']!r:.60}")
    for n, q in enumerate(master["questions"], start=1):
        if not isinstance(q, dict):
            raise ValueError(f"{source}, question {n}: a question must be a mapping of fields "
                             f"(id:, type:, prompt: ...), not {type(q).__name__} {q!r:.60}")
        where = f"{source}, question {n} ({q.get('id', 'no id')})"
        for field in ("id", "type", "prompt", "answer"):
            if field not in q and not (field == "answer" and not TYPES.get(q.get("type"),
                                                                             Question).auto_scored):
                raise ValueError(f"{where}: missing field '{field}'")
    schema_errors = master_schema_errors(master)
    if schema_errors:
        raise ValueError(f"{source}, " + schema_errors[0])


def master_schema_errors(master: dict) -> list[str]:
    """Messages for what the JSON Schema of master banks finds (empty without jsonschema)."""
    try:
        import jsonschema
    except ImportError:
        return []
    schema_path = Path(__file__).resolve().parents[2] / "schemas" / "master.schema.json"
    if not schema_path.exists():
        return []
    schema = _schema(str(schema_path))
    out = []
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(master), key=lambda e: list(map(str, e.path))):
        path = list(err.path)
        if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
            q = master["questions"][path[1]]
            place = f"question {path[1] + 1} ({q.get('id', 'no id')})"
            field = ".".join(map(str, path[2:])) or "the question"
        else:
            place, field = "top level", ".".join(map(str, path)) or "the file"
        out.append(f"{place}, field '{field}': {err.message[:300]}")
    return out


@lru_cache(maxsize=None)
def _schema(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_master(path: Path) -> dict:
    try:
        import yaml
    except ImportError:
        raise ValueError(f"{path}: reading master banks needs PyYAML, one of the instructor "
                         "tools' dependencies: pip install -e \".[instructor]\" (or make "
                         "test)") from None

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None


def dump_bank(compiled: dict) -> str:
    return json.dumps(compiled, ensure_ascii=False, indent=1) + "\n"


def strip_secrets(compiled: dict) -> dict:
    """The bank of an assessment release: the graded exercise questions (part: exercises) have
    no answers, explanations or feedback at all; the tutorial's questions and a lesson's
    self-checks keep theirs (they are practice). The bank records that it is an assessment, so
    its answers are saved apart from practice answers."""
    return {**compiled, "assessment": True,
            "questions": [{k: v for k, v in q.items()
                           if k != "secret" or not is_assessed(q)}
                          for q in compiled["questions"]]}
