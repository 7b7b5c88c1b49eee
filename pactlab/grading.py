"""Submissions and grading.

A student hands in one submission file per notebook (format "pactlab-submission/1", described by
`schemas/submission.schema.json`), exported from the answer store by the **Export submission**
button of the progress box or by `pactlab submit LESSON`. Its name is
`<lesson>__<student>.pactlab.json`.

`pactlab grade SUBMISSIONS... --out grades.csv [--report DIR]` grades them. Submissions are
treated as data, never as code: a file is size-checked before it is read, decoded as UTF-8,
parsed with `json.loads` and its structure checked field by field; nothing in it is imported,
executed or evaluated. Every answer is scored by `Question.check` of the course's own question
bank (`questions/<lesson>.json`, with keys), the same function the widgets use, so partial credit
is what `pactlab.questions` defines. Whatever a submission claims about its own score is ignored.

Files that cannot be graded (malformed, truncated, oversized, not UTF-8, not a submission,
unknown lesson, older duplicate) are reported with the reason on stderr and in
`<out>.errors.csv`; the rest are graded and the exit code is 1. Problems inside a graded file
(an unknown question id, an answer that does not fit its question, a newer course version) are
reported as warnings in the same file.

This module imports no widgets and no pandas; matplotlib only for the report.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import json
import math
import os
import re
import stat
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bank import Bank, load_bank
from .questions import AnswerError, Question
from .store import AnswerStore, now_iso, safe_name

FORMAT = "pactlab-submission/1"
ANSWERS_FORMAT = "pactlab-answers/1"
SUFFIX = ".pactlab.json"
MAX_BYTES = 1_000_000
MAX_ANSWERS = 1000
MAX_STUDENT_CHARS = 1000
MAX_ATTEMPTS = 10**9
LESSON_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
VERSION = re.compile(r"^(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?:[.+-]?[A-Za-z0-9.+-]{0,40})?$")
PROGRESS_THRESHOLD = 50
# the label of the grades file's second row: no student may be called that
POINTS_ROW = "POINTS POSSIBLE"
FUTURE_SLACK = _dt.timedelta(minutes=10)


def term(text: Any) -> str:
    """Text made safe to print on a terminal: control and invisible format characters (escape
    sequences, bidi overrides, zero-width marks) are shown as escapes, never sent raw."""
    import unicodedata

    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf") or c == " "
                   else (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
                   for c in str(text))


def student_key(name: str) -> str:
    """How the grader tells students apart: the file-safe form of the name (the rule of
    `pactlab.store.safe_name`, also used for answer folders and file names), case-folded."""
    return safe_name(name).casefold()


# --------------------------------------------------------------------------------------------
# Submitting
def submission_filename(lesson: str, student: str) -> str:
    return f"{lesson}__{safe_name(student)}{SUFFIX}"


def make_submission(store: AnswerStore, student: str | None = None) -> dict:
    """The submission document of one student's answers to one lesson. `student` (the name
    written into it) defaults to the name the answers were saved under."""
    from . import __version__

    answers = {}
    for qid, rec in store.answers.items():
        answers[qid] = {"answer": rec.get("answer"), "saved_at": rec.get("saved_at") or now_iso(),
                        "attempts": int(rec.get("attempts", 1))}
    doc = {"format": FORMAT, "student": safe_name(student) if student else store.student,
           "lesson": store.lesson,
           "course_version": __version__, "created_at": now_iso(), "answers": answers}
    if store.assessment:
        doc["assessment"] = True
    return doc


def write_submission(store: AnswerStore, out: Path | str | None = None,
                     student: str | None = None) -> Path:
    """Write the submission file into a folder (default: the current one) or to a file path."""
    doc = make_submission(store, student)
    out = Path(out) if out is not None else Path.cwd()
    if out.is_dir() or out.suffix.lower() != ".json":
        out.mkdir(parents=True, exist_ok=True)
        out = out / submission_filename(store.lesson, doc["student"])
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return out


def submit_cli(args) -> int:
    """`pactlab submit LESSON [--student NAME] [--out FILE_OR_FOLDER]`."""
    from .bank import bank_path

    lesson = args.lesson
    if lesson.endswith(".ipynb"):
        lesson = Path(lesson).stem
    if not bank_path(lesson).exists():
        load_bank(lesson)  # raises FileNotFoundError naming the known lessons
    from .bank import course_root
    from .store import hub_user

    hub = hub_user()
    if hub and args.student and safe_name(args.student) != safe_name(hub):
        raise ValueError(f"on this JupyterHub you are {hub!r}: submissions carry your hub user "
                         "name; leave out --student")
    print(f"Course: {term(course_root())}")
    store = AnswerStore(lesson, student=args.student)
    note = ""
    if not store.path.exists() and args.student:
        # Shared logins (Binder, many hubs: everyone is "jovyan") save answers under the login
        # name: read those, and write the name given into the submission.
        default = AnswerStore(lesson)
        if default.path.exists():
            store, note = default, f" (read from the answers saved as {default.student!r})"
    if not store.path.exists():
        raise ValueError(f"no saved answers for lesson {lesson!r} as student {store.student!r} "
                         f"(looked for {store.path}). Use --student with the name your notebooks "
                         "used (the PACTLAB_STUDENT setting, or your login name), or answer a "
                         "question first.")
    path = write_submission(store, args.out, student=args.student)
    print(f"Wrote {term(path)}: {len(store.answers)} answers to {lesson} by "
          f"{term(safe_name(args.student) if args.student else store.student)}{term(note)}. "
          "Hand this file to your instructor.")
    return 0


# --------------------------------------------------------------------------------------------
# Reading submissions: data only.
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
        raise Rejected(f"malformed JSON: {exc if isinstance(exc, ValueError) else 'nested too deeply'}"
                       ) from None
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


# --------------------------------------------------------------------------------------------
# Scoring
@dataclass
class Item:
    """One question of one graded submission."""

    student: str
    lesson: str
    question: str
    kind: str
    status: str          # correct partial wrong invalid unanswered written
    score: float | None  # fraction 0..1; None for written answers
    points: float | None
    possible: float
    answer: Any = None
    saved_at: str = ""
    attempts: int = 0
    file: str = ""


@dataclass
class Graded:
    submission: Submission
    items: list[Item]

    @property
    def points(self) -> float:
        return round(sum(i.points or 0 for i in self.items), 4)


@dataclass
class GradingRun:
    graded: list[Graded] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    banks: dict[str, Bank] = field(default_factory=dict)
    files_seen: int = 0

    @property
    def failed_files(self) -> list[str]:
        return sorted({i.file for i in self.issues if i.level == "error"})


class GradeBank:
    """A lesson's questions, built once, for scoring many submissions."""

    def __init__(self, bank: Bank):
        self.bank = bank
        # the exercise set is graded; a lesson notebook's self-checks (part: lesson) are practice
        self.questions: list[Question] = bank.part("exercises")
        missing = [q.id for q in self.questions if not q.graded and q.auto_scored]
        if missing:
            raise ValueError(f"{bank.path} has no answer keys (questions {', '.join(missing[:3])}"
                             "...): it is an assessment release; grade from the course "
                             "repository, whose questions/ has the keys")

    def score(self, sub: Submission, issues: list[Issue]) -> Graded:
        items = []
        for q in self.questions:
            rec = sub.answers.get(q.id)
            base = dict(student=sub.student, lesson=sub.lesson, question=q.id, kind=q.kind,
                        possible=q.points, file=sub.file)
            if rec is None:
                auto = q.auto_scored
                items.append(Item(status="unanswered" if auto else "written",
                                  score=0.0 if auto else None, points=0.0 if auto else None,
                                  **base))
                continue
            extra = dict(answer=rec["answer"], saved_at=rec["saved_at"],
                         attempts=rec["attempts"])
            if not q.auto_scored:
                items.append(Item(status="written", score=None, points=None, **base, **extra))
                if not isinstance(rec["answer"], str):
                    issues.append(Issue(sub.file, "warning", f"the written answer is "
                                        f"{_type(rec['answer'])}, not text", q.id))
                continue
            try:
                result = q.check(rec["answer"])
            except AnswerError as exc:  # an answer that does not fit: 0 points, reported
                items.append(Item(status="invalid", score=0.0, points=0.0, **base, **extra))
                issues.append(Issue(sub.file, "warning", f"answer scored 0: it does not fit the "
                                    f"question ({str(exc)[:200]})", q.id))
                continue
            extra["answer"] = result.answer
            items.append(Item(status=result.status, score=result.score, points=result.points,
                              **base, **extra))
        known = self.bank.questions
        for qid in sub.answers:
            if qid not in known:
                issues.append(Issue(sub.file, "warning", f"unknown question id {qid[:80]!r}: not "
                                    f"in {self.bank.path.name}, so it was ignored", qid[:80]))
        return Graded(sub, items)


class ProgressBar:
    """A plain-text progress bar on stderr (no dependency)."""

    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.tty = tty
        self.enabled = (total > PROGRESS_THRESHOLD or tty) if enabled is None else enabled
        self.shown = -1

    def update(self, done: int) -> None:
        if not self.enabled or not self.total:
            return
        step = done * 100 // self.total
        if self.tty:
            if step == self.shown and done != self.total:
                return
            bar = "#" * (step // 4) + "-" * (25 - step // 4)
            self.stream.write(f"\rgrading [{bar}] {done}/{self.total} files")
            if done == self.total:
                self.stream.write("\n")
        else:
            step = step // 10 * 10
            if step == self.shown:
                return
            self.stream.write(f"grading: {done}/{self.total} files ({step}%)\n")
        self.shown = step
        self.stream.flush()


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


def grade_files(inputs: list[str | Path], root: Path | None = None,
                progress: ProgressBar | None = None, max_bytes: int = MAX_BYTES) -> GradingRun:
    """Read, check and score submission files. Never raises for a bad file: it is reported."""
    from . import __version__

    files, issues = expand_paths(inputs)
    run = GradingRun(issues=issues, files_seen=len(files))
    progress = progress or ProgressBar(len(files))
    progress.total = len(files)
    subs: list[Submission] = []
    for n, path in enumerate(files, start=1):
        try:
            sub = read_submission(path, max_bytes)
        except Rejected as exc:
            run.issues.append(Issue(str(path), "error", str(exc)))
        else:
            subs.append(sub)
            run.issues += [Issue(sub.file, "warning", reason, qid) for qid, reason in sub.notes]
        progress.update(n)
    # duplicates: one student, one lesson, several files -> keep the newest created_at
    newest: dict[tuple[str, str], Submission] = {}
    for sub in subs:
        key = (student_key(sub.student), sub.lesson)
        other = newest.get(key)
        if other is None:
            newest[key] = sub
            continue
        keep, drop = (sub, other) if sub.created_at >= other.created_at else (other, sub)
        newest[key] = keep
        which = ("the newer file" if keep.created_at != drop.created_at
                 else "the file named last (both have the same creation time)")
        alike = ("" if keep.student == drop.student else
                 f" (possible duplicate: the names {keep.student[:60]!r} and "
                 f"{drop.student[:60]!r} differ only by case, invisible or look-alike "
                 "characters: check that they are one student)")
        run.issues.append(Issue(drop.file, "error", f"duplicate: {drop.student!r} handed in "
                                f"{drop.lesson} more than once{alike}; only {which}, {keep.file} "
                                f"(created {keep.created_at.isoformat()}), was graded, not this "
                                f"one (created {drop.created_at.isoformat()})"))
    ours = version_tuple(__version__)
    grade_banks: dict[str, GradeBank | Exception] = {}
    for sub in sorted(newest.values(), key=lambda s: (s.lesson, student_key(s.student), s.file)):
        if sub.lesson not in grade_banks:
            try:
                bank = load_bank(sub.lesson, root)
                grade_banks[sub.lesson] = GradeBank(bank)
                run.banks[sub.lesson] = bank
            except (OSError, ValueError) as exc:
                grade_banks[sub.lesson] = exc
        gb = grade_banks[sub.lesson]
        if isinstance(gb, Exception):
            reason = (f"unknown lesson {sub.lesson!r}: {gb}" if isinstance(gb, FileNotFoundError)
                      else str(gb))
            run.issues.append(Issue(sub.file, "error", reason))
            continue
        if version_tuple(sub.course_version) > ours:
            run.issues.append(Issue(sub.file, "warning", f"made with course version "
                                    f"{sub.course_version}, newer than this pactlab "
                                    f"({__version__}): graded with this version's questions; "
                                    "upgrade pactlab if answers were marked invalid"))
        run.graded.append(gb.score(sub, run.issues))
    return run


# --------------------------------------------------------------------------------------------
# Writing the results
def _cell(value: Any) -> Any:
    """A CSV cell safe to open in a spreadsheet: text from a submission never starts a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _num(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def _answer_text(answer: Any) -> str:
    if answer is None:
        return ""
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def output_paths(out: Path) -> dict[str, Path]:
    stem = out.name[:-4] if out.name.lower().endswith(".csv") else out.name
    return {"grades": out, "long": out.with_name(f"{stem}.long.csv"),
            "written": out.with_name(f"{stem}.written.csv"),
            "errors": out.with_name(f"{stem}.errors.csv")}


class SafeWriter:
    """A csv writer whose every cell is neutralised against spreadsheet formulas."""

    def __init__(self, fh):
        self.writer = csv.writer(fh)

    def writerow(self, row: list) -> None:
        self.writer.writerow([_cell(c) for c in row])


def _uncell(value: str) -> str:
    """A cell read back from a file this grader wrote: the neutralising quote taken off."""
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value


WRITTEN_COLUMNS = ["student", "lesson", "question", "points_possible", "score", "answer",
                   "rubric", "file", "note"]


def read_written_scores(path: Path) -> dict[tuple[str, str, str], dict]:
    """The rows of an earlier written-answers file, by (student, lesson, question). Raises
    ValueError when the file is not one this grader wrote."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        needed = {"student", "lesson", "question", "score", "answer"}
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise ValueError(f"{path} has no columns {', '.join(sorted(needed))}")
        rows = {}
        for n, row in enumerate(reader, start=2):
            row = {k: _uncell(v or "") for k, v in row.items() if k}
            row["line"] = n
            rows[(student_key(row["student"]), row["lesson"], row["question"])] = row
        return rows


def written_rows(run: GradingRun, path: Path) -> tuple[list[dict], Path]:
    """The written-answers rows of this run, with every score typed into an earlier file at
    `path` carried over (by student, lesson and question), and the file to write them to.
    A score whose answer has changed since is kept and flagged; a scored row with no answer in
    this run is kept too. If the earlier file cannot be read, it is left alone and the rows go
    to a new file beside it."""
    previous: dict = {}
    target = path
    if path.exists():
        try:
            previous = read_written_scores(path)
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = path.with_name(f"{path.name[:-4]}.{stamp}.csv")
            run.issues.append(Issue(str(path), "warning", f"could not read the scores in it "
                                    f"({exc}); it was left as it is and this run's written "
                                    f"answers went to {target.name}"))
    rows = []
    for g in run.graded:
        for i in g.items:
            if i.kind != "written":
                continue
            rubric = (run.banks[i.lesson][i.question].secret or {}).get("rubric", "")
            answer = _answer_text(i.answer)
            old = previous.pop((student_key(i.student), i.lesson, i.question), None)
            score, note = "", ""
            if old and old.get("score", "").strip():
                score = old["score"].strip()
                if old.get("answer", "") != answer:
                    note = "the answer changed since this score was entered: check the score"
            rows.append({"student": i.student, "lesson": i.lesson, "question": i.question,
                         "points_possible": _num(i.possible), "score": score, "answer": answer,
                         "rubric": rubric, "file": i.file, "note": note})
    for old in previous.values():
        if old.get("score", "").strip():
            rows.append({**{k: old.get(k, "") for k in WRITTEN_COLUMNS},
                         "note": "kept from the earlier file: no answer to it in this run"})
    return rows, target


def written_points(rows: list[dict], path: Path, run: GradingRun) -> dict[tuple, float]:
    """Scores typed by the teacher, by (student key, question); bad cells are reported."""
    out = {}
    for n, row in enumerate(rows, start=2):
        text = str(row.get("score", "")).strip()
        if not text or row.get("note", "").startswith("kept from"):
            continue
        try:
            possible = float(row["points_possible"])
            value = float(text)
            ok = math.isfinite(value) and 0 <= value <= possible
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            run.issues.append(Issue(str(path), "error", f"line {n}: the score {text[:20]!r} for "
                                    f"{row['student'][:60]!r} is not a number from 0 to "
                                    f"{row['points_possible']}: correct it in this file and run "
                                    "pactlab grade again (it counted 0)", row["question"]))
            continue
        out[(student_key(row["student"]), row["question"])] = value
    return out


def default_total_lessons(banks: dict[str, Bank]) -> list[str]:
    """The lessons that count in `total` unless --lessons names them: those with graded
    exercise questions (part: exercises), so the start-here tutorial does not count."""
    return sorted(name for name, bank in banks.items()
                  if any(q.part == "exercises" for q in bank.questions.values()))


def write_results(run: GradingRun, out: Path, lessons: list[str] | None = None,
                  with_written: bool = False) -> dict[str, Path]:
    """grades.csv (wide), grades.long.csv, grades.written.csv, grades.errors.csv.

    grades.csv has one row per student: a column per question, `total_<lesson>` per lesson,
    and `total` over `lessons` (default: `default_total_lessons`). Written answers count only
    `with_written`: then the scores typed into grades.written.csv are added in."""
    paths = output_paths(Path(out))
    paths["grades"].parent.mkdir(parents=True, exist_ok=True)
    graded_lessons = sorted(run.banks)
    counted = default_total_lessons(run.banks) if lessons is None else list(lessons)
    columns = [(lesson, q) for lesson in graded_lessons
               for q in run.banks[lesson].part("exercises")]

    rows, paths["written"] = written_rows(run, paths["written"])
    typed = written_points(rows, paths["written"], run) if with_written else {}

    def counts(q: Question) -> bool:
        return q.auto_scored or with_written

    students: dict[str, str] = {}
    cells: dict[str, dict[str, Any]] = {}
    per_lesson: dict[str, dict[str, float]] = {}
    for g in run.graded:
        key = student_key(g.submission.student)
        students.setdefault(key, g.submission.student)
        row = cells.setdefault(key, {})
        lesson_total = 0.0
        for item in g.items:
            points = item.points if item.kind != "written" else typed.get((key, item.question))
            row[item.question] = _num(points)
            lesson_total += points or 0.0
        per_lesson.setdefault(key, {})[g.submission.lesson] = round(lesson_total, 4)
    possible = {lesson: sum(q.points for q in run.banks[lesson].part("exercises") if counts(q))
                for lesson in graded_lessons}
    for lesson in counted:
        if lesson not in possible:
            possible[lesson] = sum(q.points for q in load_bank(lesson).part("exercises")
                                   if counts(q))
    with open(paths["grades"], "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(["student"] + [q.id for _, q in columns]
                    + [f"total_{lesson}" for lesson in graded_lessons] + ["total"])
        wr.writerow([POINTS_ROW] + [_num(q.points) for _, q in columns]
                    + [_num(possible[lesson]) for lesson in graded_lessons]
                    + [_num(sum(possible[lesson] for lesson in counted))])
        for key in sorted(students, key=lambda k: (k, students[k])):
            row, mine = cells[key], per_lesson[key]
            wr.writerow([students[key]] + [row.get(q.id, "") for _, q in columns]
                        + [_num(mine[lesson]) if lesson in mine else ""
                           for lesson in graded_lessons]
                        + [_num(sum(mine.get(lesson, 0.0) for lesson in counted))])
    with open(paths["long"], "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(["student", "lesson", "question", "type", "status", "score", "points",
                     "points_possible", "answer", "saved_at", "attempts", "file"])
        for g in run.graded:
            for i in g.items:
                wr.writerow([i.student, i.lesson, i.question, i.kind, i.status,
                             _num(i.score), _num(i.points), _num(i.possible),
                             _answer_text(i.answer), i.saved_at, i.attempts, i.file])
    with open(paths["written"], "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(WRITTEN_COLUMNS)
        for row in rows:
            wr.writerow([row[c] for c in WRITTEN_COLUMNS])
    with open(paths["errors"], "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(["file", "level", "question", "reason"])
        for issue in run.issues:
            wr.writerow([issue.file, issue.level, issue.question, issue.reason])
    return paths


# --------------------------------------------------------------------------------------------
# Item analysis
def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation; None when either variable does not vary or n < 3."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def upper_lower(scores: list[float], rest: list[float], share: float = 0.27) -> float | None:
    """Upper-lower discrimination index: mean item score of the top 27% of students minus that
    of the bottom 27%, the groups formed by the score on the rest of the lesson (so that the item
    does not select its own groups, which matters in a short lesson)."""
    n = len(scores)
    if n < 4:
        return None
    k = max(1, round(share * n))
    order = sorted(range(n), key=lambda i: rest[i])
    low, high = order[:k], order[-k:]
    return _mean([scores[i] for i in high]) - _mean([scores[i] for i in low])


def wrong_label(q: Question, answer: Any) -> list[str]:
    """How a wrong answer is counted: the option(s) chosen wrongly, or the value given."""
    kind = q.kind
    key = q.key
    if kind == "choice":
        return [answer] if answer != key else []
    if kind == "multi":
        return [a for a in answer if a not in key]
    if kind == "order":
        return [f"{a} in place {n}" for n, (a, k) in enumerate(zip(answer, key), start=1)
                if a != k]
    if kind == "match":
        return [f"{i} → {c}" for i, c in answer.items() if key.get(i) != c]
    return [_answer_text(answer)]


def item_analysis(run: GradingRun) -> dict[str, dict]:
    """Per lesson: students, totals and, per auto-scored question, the item statistics."""
    out = {}
    for lesson, bank in sorted(run.banks.items()):
        graded = [g for g in run.graded if g.submission.lesson == lesson]
        questions = [q for q in bank.part("exercises") if q.kind != "written"]
        possible = sum(q.points for q in questions)
        totals = [g.points for g in graded]
        by_id = {id(g): {i.question: i for i in g.items} for g in graded}
        items = []
        for q in questions:
            scores, answered, wrong = [], 0, Counter()
            for g in graded:
                item = by_id[id(g)][q.id]
                scores.append(item.score or 0.0)
                if item.status != "unanswered":
                    answered += 1
                if item.status in ("wrong", "partial"):
                    wrong.update(wrong_label(q, item.answer))
            rest = [t - (s * q.points) for t, s in zip(totals, scores)]
            items.append({
                "question": q, "n": len(scores), "answered": answered,
                "difficulty": _mean(scores) if scores else None,
                "point_biserial": pearson(scores, rest),
                "upper_lower": upper_lower(scores, rest),
                "wrong": wrong.most_common(3),
            })
        out[lesson] = {"bank": bank, "n": len(graded), "totals": totals, "possible": possible,
                       "items": items,
                       "written": [q for q in bank.part("exercises") if q.kind == "written"]}
    return out


def _md_text(value: Any, limit: int = 60) -> str:
    """Text from a submission, made harmless in a Markdown table."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("`", "'").replace("*", "\\*").replace("_", "\\_")
            .replace("[", "\\[").replace("]", "\\]"))


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0%}" if pct else f"{value:+.2f}"


def _wrong_text(q: Question, label: str) -> str:
    options = getattr(q, "options", None) if q.kind in ("choice", "multi") else None
    if options and label in options:
        return f"{label} ({_md_text(options[label], 40)})"
    return _md_text(label)


def chart_lesson(lesson: str, info: dict, path: Path) -> Path:
    """A bar per question: the share of points earned, hardest highlighted (course style)."""
    import matplotlib.pyplot as plt

    from .charts import OKABE_ITO, finish, new_figure

    items = [i for i in info["items"] if i["difficulty"] is not None]
    names = [i["question"].id for i in items]
    values = [i["difficulty"] * 100 for i in items]
    height = max(2.5, 0.45 * len(items) + 1.2)
    fig, ax = new_figure(figsize=(8, height))
    colours = [OKABE_ITO["vermillion"] if v < 40 else OKABE_ITO["orange"] if v < 70
               else OKABE_ITO["blue"] for v in values]
    ax.barh(names, values, color=colours)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    for y, v in enumerate(values):
        ax.text(v + 1, y, f"{v:.0f}%", va="center", fontsize=9)
    if items:
        hardest = min(items, key=lambda i: i["difficulty"])
        title = (f"{lesson}: {hardest['question'].id} was the hardest "
                 f"({hardest['difficulty']:.0%} of points earned)")
    else:
        title = f"{lesson}: no auto-scored questions"
    title = textwrap.fill(title, 60)  # long question ids must not run off the figure
    ax.set_xticks(range(0, 101, 20))
    finish(fig, ax, title, xlabel=f"Share of points earned (%), {_n(info['n'], 'student')}",
           ylabel="")
    ax.text(0, -0.16 - 0.3 / height, "Red: under 40% · orange: 40–69% · blue: 70% or more",
            transform=ax.transAxes, fontsize=8, color="#555555")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_report(run: GradingRun, folder: Path, paths: dict[str, Path] | None = None) -> Path:
    """report.md (summary, item table, common wrong answers) and one PNG chart per lesson."""
    from . import __version__

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    analysis = item_analysis(run)
    students = {g.submission.student.casefold() for g in run.graded}
    failed = run.failed_files
    warnings = [i for i in run.issues if i.level == "warning"]
    errors_name = paths["errors"].name if paths else "the errors file"
    lines = ["# Grading report", "",
             f"Graded with pactlab {__version__} on "
             f"{_dt.datetime.now().strftime('%d %B %Y, %H:%M')}.", "", "## Summary", ""]
    lines.append(f"- **{_n(len(run.graded), 'submission file')}** graded, from "
                 f"**{_n(len(students), 'student')}**, in {_n(len(analysis), 'lesson')}.")
    if failed:
        lines.append(f"- **{_n(len(failed), 'file')} could not be graded**: the reason for each "
                     f"is in `{errors_name}`. Ask those students for a new export.")
    if warnings:
        lines.append(f"- {_n(len(warnings), 'warning')} about graded files (unknown question ids, "
                     f"answers that did not fit, newer course versions): see `{errors_name}`.")
    flagged_hard, flagged_disc, misconceptions = [], [], []
    for lesson, info in analysis.items():
        if not info["n"]:
            continue
        totals, possible = info["totals"], info["possible"] or 1
        mean = _mean(totals)
        lines.append(f"- **{lesson}** ({info['bank'].title}): {_n(info['n'], 'student')}; "
                     f"mean {mean:.1f} of {possible:g} points ({mean / possible:.0%}), median "
                     f"{_median(totals):.1f}, range {min(totals):.1f}–{max(totals):.1f}.")
        for it in info["items"]:
            q = it["question"]
            if it["difficulty"] is not None and it["difficulty"] < 0.4:
                flagged_hard.append(f"`{q.id}` ({it['difficulty']:.0%})")
            pb = it["point_biserial"]
            if pb is not None and pb < 0.1 and info["n"] >= 10:
                flagged_disc.append(f"`{q.id}` ({pb:+.2f})")
            if it["wrong"] and q.kind in ("choice", "multi"):
                label, count = it["wrong"][0]
                share = count / info["n"]
                if share >= 0.2:
                    fb = q.feedback_map.get(label, "")
                    misconceptions.append(f"`{q.id}`: {share:.0%} chose "
                                          f"{_wrong_text(q, label)}" + (f". {fb}" if fb else ""))
        if info["written"]:
            lines.append(f"- {len(info['written'])} written question(s) in {lesson} to grade "
                         "by hand: answers and rubric are in "
                         f"`{paths['written'].name if paths else 'the written answers file'}`.")
    if flagged_hard:
        lines.append(f"- **Hard questions** (under 40% of points earned): "
                     f"{', '.join(flagged_hard)}. Worth going over in class.")
    if flagged_disc:
        lines.append(f"- **Check these questions** (they hardly separate stronger from weaker "
                     f"students, item–rest correlation under 0.10): {', '.join(flagged_disc)}. "
                     "Look at the wording and the key.")
    if misconceptions:
        lines.append("- **Misconceptions to discuss** (a wrong option chosen by 20% or more):")
        lines += [f"  - {m}" for m in misconceptions]
    if any(0 < info["n"] < 20 for info in analysis.values()):
        lines.append("- With fewer than 20 students, difficulty and discrimination are rough "
                     "guides only.")
    lines.append("")
    for lesson, info in analysis.items():
        lines += [f"## {lesson}: {info['bank'].title}", ""]
        if info["items"] and info["n"]:
            png = chart_lesson(lesson, info, folder / f"{lesson}.png")
            lines += [f"![Share of points earned per question in {lesson}]({png.name})", "",
                      f"*Share of the points earned on each question of {lesson}, by "
                      f"{_n(info['n'], 'student')}: the lower the bar, the harder the question.*", ""]
        lines += ["| Question | Type | Points | Answered | Difficulty | Item–rest r "
                  "| Upper–lower | Most chosen wrong answers |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for it in info["items"]:
            q = it["question"]
            wrong = "; ".join(f"{_wrong_text(q, label)} ×{count}" for label, count in it["wrong"])
            lines.append(f"| `{q.id}` | {q.kind} | {q.points:g} | {it['answered']}/{it['n']} "
                         f"| {_fmt(it['difficulty'], True)} | {_fmt(it['point_biserial'])} "
                         f"| {_fmt(it['upper_lower'])} | {wrong or '–'} |")
        for q in info["written"]:
            lines.append(f"| `{q.id}` | written | {q.points:g} | – | graded by hand | – | – | – |")
        lines.append("")
    lines += ["## How to read the numbers", "",
              "- **Difficulty** is the mean share of the question's points earned (partial "
              "credit counts): 90% is an easy question, 30% a hard one.",
              "- **Item–rest r** is the correlation between the score on the question and the "
              "score on the rest of the lesson (the point-biserial correlation for right/wrong "
              "questions). Above 0.3 the question separates stronger from weaker students well; "
              "near 0 or negative, check its wording and its key.",
              "- **Upper–lower** is the difficulty among the best 27% of students minus the "
              "difficulty among the weakest 27% (ranked on the rest of the lesson): the same "
              "idea, easier to explain. Above 0.3 is good; near 0 or negative, check the "
              "question.",
              "- **Most chosen wrong answers** count wrong options (single and multiple choice), "
              "misplaced items (ordering: item in place n; matching: item → category) or the "
              "wrong values typed, with how many students gave each.",
              "- Unanswered questions count as 0. Written answers are not in these numbers.",
              ""]
    report = folder / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report


# --------------------------------------------------------------------------------------------
def grade_cli(args) -> int:
    """`pactlab grade SUBMISSIONS... --out grades.csv [--report DIR] [--lessons L1,L2]
    [--with-written]`."""
    from .bank import course_root

    print(f"Course: {term(course_root())} (its questions/ hold the keys the scores come from)")
    run = grade_files(args.submissions)
    if not run.files_seen and not run.graded:
        for issue in run.issues:
            print(f"pactlab grade: {term(issue.file)}: {term(issue.reason)}", file=sys.stderr)
        raise ValueError("no submission files found: name .pactlab.json files or folders "
                         "holding them")
    lessons = None
    if getattr(args, "lessons", None):
        lessons = sorted({name.strip() for part in args.lessons for name in part.split(",")
                          if name.strip()})
    paths = write_results(run, Path(args.out), lessons=lessons,
                          with_written=getattr(args, "with_written", False))
    for issue in run.issues:
        where = f"{issue.file} [{issue.question}]" if issue.question else issue.file
        print(f"pactlab grade: {issue.level}: {term(where)}: {term(issue.reason)}",
              file=sys.stderr)
    students = len({student_key(g.submission.student) for g in run.graded})
    failed = run.failed_files
    counted = lessons if lessons is not None else default_total_lessons(run.banks)
    print(f"Graded {_n(len(run.graded), 'submission file')} from {_n(students, 'student')} "
          f"({', '.join(sorted(run.banks)) or 'no lessons'}).")
    print(f"Wrote {term(paths['grades'])} (one row per student; total over "
          f"{', '.join(counted) or 'no lesson'}"
          f"{', written answers included' if getattr(args, 'with_written', False) else ''}), "
          f"{term(paths['long'].name)} (one row per answer), {term(paths['written'].name)} "
          f"(written answers to grade) and {term(paths['errors'].name)} "
          f"({_n(len(run.issues), 'problem')}).")
    if getattr(args, "report", None):
        import matplotlib

        matplotlib.use("Agg")  # files only, never a window
        report = write_report(run, Path(args.report), paths)
        print(f"Wrote the report {term(report)} and {len(run.banks)} chart(s).")
    if failed:
        print(f"{_n(len(failed), 'file')} could not be graded: see {term(paths['errors'])}",
              file=sys.stderr)
        return 1
    return 0
