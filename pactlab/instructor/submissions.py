"""Reading submission files for grading: data only, never code.

A file is size-checked before it is read, decoded as UTF-8, parsed with `json.loads` and its
structure checked field by field; nothing in it is imported, executed or evaluated. Only regular
files are read; anything else named like a submission is reported as skipped.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store import FORMAT as ANSWERS_FORMAT
from ..store import safe_name
from ..submission import FORMAT

MAX_BYTES = 1_000_000
MAX_ANSWERS = 1000
MAX_STUDENT_CHARS = 1000
MAX_ATTEMPTS = 10**9
LESSON_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
VERSION = re.compile(r"^(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?:[.+-]?[A-Za-z0-9.+-]{0,40})?$")
# the label of the grades file's second row: no student may be called that
POINTS_ROW = "POINTS POSSIBLE"
FUTURE_SLACK = _dt.timedelta(minutes=10)


def student_key(name: str) -> str:
    """How the grader tells students apart: the file-safe form of the name (the rule of
    `pactlab.store.safe_name`, also used for answer folders and file names), case-folded."""
    return safe_name(name).casefold()


class Rejected(Exception):
    """A file that cannot be graded; the message is the reason."""


@dataclass
class Issue:
    file: str
    level: str          # "error": the file was not graded; "warning": graded, with this note
    reason: str
    question: str = ""


@dataclass
class Submission:
    file: str
    student: str
    lesson: str
    course_version: str
    created_at: _dt.datetime
    answers: dict
    notes: list = field(default_factory=list)   # warnings about the file itself


def version_tuple(text: str) -> tuple[int, int, int] | None:
    m = VERSION.match(text)
    return (int(m[1]), int(m[2]), int(m[3] or 0)) if m else None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def _type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), "a value")


def read_submission(path: Path, max_bytes: int = MAX_BYTES) -> Submission:
    """Read and check one submission file. Raises Rejected with the reason."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise Rejected(f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Rejected("not a regular file: skipped")
    check_size(info.st_size, max_bytes)
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in never blocks the run
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | nonblocking)) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise Rejected("not a regular file: skipped")
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Rejected(f"cannot be read ({exc.strerror or exc})") from None
    return parse_submission(raw, str(path), max_bytes)


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Rejected(f"oversized: {size:,} bytes, more than the {max_bytes:,}-byte limit of "
                       "a submission (is it really a submission file?)")
    if size == 0:
        raise Rejected("empty file (0 bytes): ask the student to export the submission again")


def parse_submission(raw: bytes, path: str, max_bytes: int = MAX_BYTES) -> Submission:
    """Decode and check the bytes of one submission file. Raises Rejected with the reason."""
    if len(raw) > max_bytes:
        raise Rejected(f"oversized: more than the {max_bytes:,}-byte limit of a submission")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}): "
                       "not a submission file, or one damaged by an editor") from None
    repeated: list[str] = []

    def pairs(items):
        out = {}
        for key, value in items:
            if key in out:
                repeated.append(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise Rejected(f"truncated: the JSON stops before it is complete (line {exc.lineno}, "
                           f"column {exc.colno}); the file was cut off while being saved or "
                           "copied: ask for it again") from None
        raise Rejected(f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
                       "the file was edited or damaged: ask for it again") from None
    except (ValueError, RecursionError) as exc:
        reason = exc if isinstance(exc, ValueError) else "nested too deeply"
        raise Rejected(f"malformed JSON: {reason}") from None
    sub = check_submission(data, path)
    for key in dict.fromkeys(repeated):
        where = "question" if key in sub.answers else "field"
        sub.notes.append((key[:80] if where == "question" else "",
                          f"the {where} {key[:80]!r} appears more than once in the file: only "
                          "its last value was read (a file edited by hand?)"))
    return sub


def check_submission(data: Any, file: str = "") -> Submission:
    """Check the structure of a parsed submission, field by field (see the JSON Schema)."""
    if not isinstance(data, dict):
        raise Rejected(f"foreign file: JSON {_type(data)}, not a pactlab submission object")
    fmt = data.get("format")
    if fmt != FORMAT:
        if fmt == ANSWERS_FORMAT:
            raise Rejected("this is a saved-answers file, not a submission: the student should "
                           "press Export submission or run `pactlab submit`")
        if isinstance(fmt, str) and fmt.startswith("pactlab-submission/"):
            raise Rejected(f"submission format {fmt!r} is newer than this pactlab reads "
                           f"({FORMAT}): upgrade pactlab to grade it")
        raise Rejected(f"foreign file: not a pactlab submission (its 'format' is {fmt!r}, "
                       f"expected {FORMAT!r})")

    def need(name: str, kind: type, what: str):
        if name not in data:
            raise Rejected(f"not a complete submission: the field {name!r} is missing")
        value = data[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise Rejected(f"field {name!r} must be {what}, not {_type(value)}")
        return value

    student = need("student", str, "a string").strip()
    if not student or len(student) > MAX_STUDENT_CHARS or any(ord(c) < 32 for c in student):
        raise Rejected(f"field 'student' must be a name or id of 1 to {MAX_STUDENT_CHARS} "
                       "printable characters")
    if student_key(student) == student_key(POINTS_ROW):
        raise Rejected(f"the student name {student[:60]!r} is the label of the grades file's "
                       "points row, so it cannot be a student's: ask the student to export "
                       "again under their own name")
    lesson = need("lesson", str, "a string")
    if not LESSON_NAME.match(lesson):
        raise Rejected(f"field 'lesson' ({lesson[:40]!r}) is not a lesson name")
    version = need("course_version", str, "a string")
    if len(version) > 60 or version_tuple(version) is None:
        raise Rejected(f"field 'course_version' ({version[:40]!r}) is not a version number "
                       "like 0.1.0")
    created = need("created_at", str, "a string")
    try:
        created_at = _dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(f"field 'created_at' ({created[:40]!r}) is not an ISO date and time "
                       "like 2024-06-19T09:30:00+00:00") from None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=_dt.timezone.utc)
    answers = need("answers", dict, "an object of question id to answer record")
    if len(answers) > MAX_ANSWERS:
        raise Rejected(f"{len(answers)} answers: more than any lesson has ({MAX_ANSWERS} max)")
    clean = {}
    for qid, rec in answers.items():
        if not isinstance(rec, dict) or "answer" not in rec:
            raise Rejected(f"answers[{qid[:60]!r}] must be an object with an 'answer' field")
        saved_at = rec.get("saved_at")
        attempts = rec.get("attempts")
        if not isinstance(saved_at, str):
            raise Rejected(f"answers[{qid[:60]!r}].saved_at must be a string, not "
                           f"{_type(saved_at)}")
        if not isinstance(attempts, int) or isinstance(attempts, bool) \
                or not 0 <= attempts <= MAX_ATTEMPTS:
            raise Rejected(f"answers[{qid[:60]!r}].attempts must be a whole number from 0 to "
                           f"{MAX_ATTEMPTS:,}")
        # Only these three fields are read: anything else (a claimed score...) is ignored.
        clean[qid] = {"answer": rec["answer"], "saved_at": saved_at, "attempts": attempts}
    sub = Submission(file, student, lesson, version, created_at, clean)
    if created_at > _dt.datetime.now(_dt.timezone.utc) + FUTURE_SLACK:
        sub.notes.append(("", f"dated in the future (created_at {created[:40]}): check the "
                              "clock of the student's computer, or whether the file was edited"))
    return sub


def expand_paths(inputs: list[str | Path]) -> tuple[list[Path], list[Issue]]:
    """Files named, and the *.json files under folders named (sorted, each once).

    Only regular files are read. Anything else named like a submission (a FIFO, a device, a
    folder, a broken symbolic link, a link to a file outside the folder it sits in, or outside
    the folder given) is reported as skipped, with the reason; links are never followed out.
    """
    files: list[Path] = []
    issues: list[Issue] = []
    seen: set[Path] = set()

    def consider(path: Path, boundary: Path) -> None:
        try:
            info = os.lstat(path)
        except OSError as exc:
            issues.append(Issue(str(path), "error", f"cannot be read ({exc.strerror or exc})"))
            return
        if stat.S_ISLNK(info.st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                issues.append(Issue(str(path), "skipped", "a broken symbolic link: skipped"))
                return
            if boundary != target.parent and boundary not in target.parents:
                issues.append(Issue(str(path), "skipped", "a symbolic link to a file outside "
                                    f"{boundary}: not followed, skipped"))
                return
            info = os.stat(path)
        else:
            target = path.resolve()
        if stat.S_ISDIR(info.st_mode):
            issues.append(Issue(str(path), "skipped", "a folder named like a submission file: "
                                "skipped"))
        elif not stat.S_ISREG(info.st_mode):
            kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                    "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            issues.append(Issue(str(path), "skipped", f"{kind}, not a file: skipped"))
        elif target not in seen:
            seen.add(target)
            files.append(path)

    for item in inputs:
        path = Path(item)
        if not os.path.lexists(path):
            issues.append(Issue(str(path), "error", "no such file or folder"))
        elif path.is_dir() and not path.is_symlink():
            boundary = path.resolve()
            found = []
            for folder, dirs, names in os.walk(path, followlinks=False):
                dirs.sort()
                found += [Path(folder) / n for n in names + dirs
                          if n.lower().endswith(".json")]
            if not found:
                issues.append(Issue(str(path), "error", "folder without any .json file"))
            for p in sorted(found):
                consider(p, boundary)
        else:
            consider(path, Path(os.path.abspath(path)).parent.resolve())
    return files, issues
