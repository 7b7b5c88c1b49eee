"""Question banks: where questions are defined, and how their keys are hidden.

Authors write one master bank per lesson, in YAML, in `solutions/questions/<lesson>.yaml`
(instructor material, like the solution notebooks). `pactlab assign` compiles each master into
`questions/<lesson>.json` (`pactlab.instructor.masters`), the bank that notebooks, exercises and
the grader load with this module. In the compiled
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

from .questions import Question, make_question
from .store import in_browser

FORMAT = "pactlab-bank/1"
SECRET_FIELDS = ("answer", "explanation", "feedback", "rubric", "credit")
SECRET_PREFIX = "pk1:"


class UnknownQuestion(KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; we want a sentence
        return str(self.args[0])


def course_root() -> Path:
    """The folder holding data/ and questions/ of the course a notebook or command belongs to.

    $PACTLAB_ROOT if set; in the browser edition (Pyodide), the banks and data installed with the
    site (package `pactlab_course`), never a copy on the drive that a student could edit; else
    the nearest folder, from the working directory up, that has both questions/ and data/ (so a
    released bundle's notebooks read the bundle's own banks and data, even where pactlab is
    installed from a checkout); else the folder this package sits in.
    """
    env = os.environ.get("PACTLAB_ROOT")
    if env:
        return Path(env).expanduser()
    if in_browser():
        site = site_course()
        if site is not None:
            return site
    cwd = Path.cwd()
    for folder in [cwd, *cwd.parents]:
        if (folder / "questions").is_dir() and (folder / "data").is_dir():
            return folder
    return Path(__file__).resolve().parent.parent


def site_course() -> Path | None:
    """The browser edition's course folder: the installed package `pactlab_course` (its
    questions/ and data/), or None where it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("pactlab_course")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0])
    return folder if (folder / "questions").is_dir() and (folder / "data").is_dir() else None


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


def is_assessed(spec: dict) -> bool:
    """Whether a question is a graded exercise question (part: exercises), whose key an
    assessment release leaves out."""
    return spec.get("part") == "exercises"


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
