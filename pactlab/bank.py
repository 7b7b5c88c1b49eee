"""Question banks: where questions are defined, and how their keys are hidden.

Authors write one master bank per lesson, in YAML, in `solutions/questions/<lesson>.yaml`
(instructor material, like the solution notebooks). `pactlab assign` compiles each master into
`questions/<lesson>.json`, the bank that notebooks, exercises and the grader load. In the compiled
bank the answer-bearing fields (answer, explanation, feedback, rubric) are packed into one encoded
`secret` string, so a glance at the file does not show the key. It is an encoding, not
encryption: `pactlab release --assessment` leaves the secrets out altogether.

Master format (see questions/README.md for every type):

    lesson: 01_summit
    title: The summit
    questions:
      - id: summit-arrival          # stable, unique across the course
        type: choice                # choice multi order match number date text data written
        part: exercises             # lesson | exercises (which notebook shows it)
        points: 1
        prompt: When did Putin's plane land in Pyongyang?
        options: {a: ..., b: ...}
        hints: [...]
        answer: b                   # these four go into the secret
        explanation: ...
        feedback: {a: why a is wrong, ...}
        rubric: ...                 # written answers only
"""
from __future__ import annotations

import base64
import json
import os
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from .questions import Question, make_question

FORMAT = "pactlab-bank/1"
SECRET_FIELDS = ("answer", "explanation", "feedback", "rubric")
SECRET_PREFIX = "pk1:"


class UnknownQuestion(KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; we want a sentence
        return str(self.args[0])


def course_root() -> Path:
    """The folder holding data/ and questions/ of the course a notebook or command belongs to.

    $PACTLAB_ROOT if set; else the nearest folder, from the working directory up, that has both
    questions/ and data/ (so a released bundle's notebooks read the bundle's own banks and data,
    even where pactlab is installed from a checkout); else the folder this package sits in.
    """
    env = os.environ.get("PACTLAB_ROOT")
    if env:
        return Path(env).expanduser()
    cwd = Path.cwd()
    for folder in [cwd, *cwd.parents]:
        if (folder / "questions").is_dir() and (folder / "data").is_dir():
            return folder
    return Path(__file__).resolve().parent.parent


def encode_secret(secret: dict) -> str:
    raw = json.dumps(secret, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return SECRET_PREFIX + base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode_secret(text: str, where: str = "") -> dict:
    if not isinstance(text, str) or not text.startswith(SECRET_PREFIX):
        raise ValueError(f"{where}: secret is not a {SECRET_PREFIX} string")
    try:
        return json.loads(zlib.decompress(base64.b64decode(text[len(SECRET_PREFIX):])))
    except (ValueError, zlib.error) as exc:
        raise ValueError(f"{where}: secret cannot be decoded ({exc}); "
                         "rebuild the bank with `pactlab assign`") from None


# --------------------------------------------------------------------------------------------
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
    seen = set()
    for n, q in enumerate(master["questions"], start=1):
        where = f"{source}, question {n} ({q.get('id', 'no id')})"
        if q["id"] in seen:
            raise ValueError(f"{where}: duplicate id {q['id']!r}")
        seen.add(q["id"])
        public = {k: v for k, v in q.items() if k not in SECRET_FIELDS}
        secret = {k: q[k] for k in SECRET_FIELDS if k in q}
        try:
            make_question(public, secret).check_key()  # definition, key shape, key scores 1
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        public["secret"] = encode_secret(secret)
        compiled["questions"].append(public)
    return compiled


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
            if field not in q and not (field == "answer" and q.get("type") == "written"):
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
    schema_path = Path(__file__).resolve().parent.parent / "schemas" / "master.schema.json"
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
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None


def dump_bank(compiled: dict) -> str:
    return json.dumps(compiled, ensure_ascii=False, indent=1) + "\n"


def is_assessed(spec: dict) -> bool:
    """Whether a question is a graded exercise question (part: exercises), whose key an
    assessment release leaves out."""
    return spec.get("part") == "exercises"


def strip_secrets(compiled: dict) -> dict:
    """The bank of an assessment release: the graded exercise questions (part: exercises) have
    no answers, explanations or feedback at all; the tutorial's questions and a lesson's
    self-checks keep theirs (they are practice). The bank records that it is an assessment, so
    its answers are saved apart from practice answers."""
    return {**compiled, "assessment": True,
            "questions": [{k: v for k, v in q.items()
                           if k != "secret" or not is_assessed(q)}
                          for q in compiled["questions"]]}


# --------------------------------------------------------------------------------------------
class Bank:
    """A compiled bank, loaded: the questions of one lesson, by id."""

    def __init__(self, data: dict, path: Path):
        self.path = path
        self.lesson: str = data["lesson"]
        self.title: str = data["title"]
        self.assessment: bool = bool(data.get("assessment", False))
        self.questions: dict[str, Question] = {}
        for spec in data["questions"]:
            secret = spec.get("secret")
            public = {k: v for k, v in spec.items() if k != "secret"}
            where = f"{path}, question {spec.get('id')!r}"
            self.questions[spec["id"]] = make_question(
                public, decode_secret(secret, where) if secret is not None else None)

    def __getitem__(self, qid: str) -> Question:
        try:
            return self.questions[qid]
        except KeyError:
            known = ", ".join(self.questions) or "none"
            raise UnknownQuestion(f"No question {qid!r} in the bank {self.path} "
                                  f"(lesson {self.lesson!r}). Known ids: {known}.") from None

    def part(self, part: str | None) -> list[Question]:
        return [q for q in self.questions.values() if part is None or q.part in (None, part)]

    @property
    def graded(self) -> bool:
        return all(q.graded for q in self.questions.values())


def bank_path(lesson: str, root: Path | None = None) -> Path:
    return (root or course_root()) / "questions" / f"{lesson}.json"


@lru_cache(maxsize=None)
def _load(path: str, mtime: float) -> Bank:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: the question bank is not valid JSON (line {exc.lineno}): "
                         "rebuild it with `pactlab assign`") from None
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} bank (format {data.get('format')!r})")
    return Bank(data, Path(path))


def load_bank(lesson: str, root: Path | None = None) -> Bank:
    path = bank_path(lesson, root)
    if not path.exists():
        folder = path.parent
        known = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        raise FileNotFoundError(f"No question bank for lesson {lesson!r}: looked for {path}. "
                                f"Banks there: {', '.join(known) or 'none'}.")
    return _load(str(path), path.stat().st_mtime)
