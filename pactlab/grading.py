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

import csv
import datetime as _dt
import json
import math
import os
import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bank import Bank, load_bank
from .questions import Question
from .store import AnswerStore, now_iso, safe_name

FORMAT = "pactlab-submission/1"
ANSWERS_FORMAT = "pactlab-answers/1"
SUFFIX = ".pactlab.json"
MAX_BYTES = 1_000_000
MAX_ANSWERS = 1000
MAX_STUDENT_CHARS = 200
LESSON_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-]?[A-Za-z0-9.+-]*)?$")
PROGRESS_THRESHOLD = 50


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
    return {"format": FORMAT, "student": safe_name(student) if student else store.student,
            "lesson": store.lesson,
            "course_version": __version__, "created_at": now_iso(), "answers": answers}


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
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out


def submit_cli(args) -> int:
    """`pactlab submit LESSON [--student NAME] [--out FILE_OR_FOLDER]`."""
    from .bank import bank_path

    lesson = args.lesson
    if lesson.endswith(".ipynb"):
        lesson = Path(lesson).stem
    if not bank_path(lesson).exists():
        load_bank(lesson)  # raises FileNotFoundError naming the known lessons
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
    print(f"Wrote {path}: {len(store.answers)} answers to {lesson} by "
          f"{safe_name(args.student) if args.student else store.student}{note}. "
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
        size = path.stat().st_size
    except OSError as exc:
        raise Rejected(f"cannot be read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise Rejected(f"oversized: {size:,} bytes, more than the {max_bytes:,}-byte limit of "
                       "a submission (is it really a submission file?)")
    if size == 0:
        raise Rejected("empty file (0 bytes): ask the student to export the submission again")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Rejected(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise Rejected(f"oversized: more than the {max_bytes:,}-byte limit of a submission")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}): "
                       "not a submission file, or one damaged by an editor") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
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
    return check_submission(data, str(path))


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
    lesson = need("lesson", str, "a string")
    if not LESSON_NAME.match(lesson):
        raise Rejected(f"field 'lesson' ({lesson[:40]!r}) is not a lesson name")
    version = need("course_version", str, "a string")
    if version_tuple(version) is None:
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
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
            raise Rejected(f"answers[{qid[:60]!r}].attempts must be a whole number 0 or more")
        # Only these three fields are read: anything else (a claimed score...) is ignored.
        clean[qid] = {"answer": rec["answer"], "saved_at": saved_at, "attempts": attempts}
    return Submission(file, student, lesson, version, created_at, clean)


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
        missing = [q.id for q in self.questions if not q.graded and q.kind != "written"]
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
                items.append(Item(status="unanswered" if q.kind != "written" else "written",
                                  score=0.0 if q.kind != "written" else None,
                                  points=0.0 if q.kind != "written" else None, **base))
                continue
            extra = dict(answer=rec["answer"], saved_at=rec["saved_at"],
                         attempts=rec["attempts"])
            if q.kind == "written":
                items.append(Item(status="written", score=None, points=None, **base, **extra))
                if not isinstance(rec["answer"], str):
                    issues.append(Issue(sub.file, "warning", f"the written answer is "
                                        f"{_type(rec['answer'])}, not text", q.id))
                continue
            try:
                result = q.check(rec["answer"])
            except Exception as exc:  # an answer that does not fit: 0 points, reported
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
    """Files named, and the *.json files under folders named (sorted, each once)."""
    files, issues, seen = [], [], set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                issues.append(Issue(str(path), "error", "folder without any .json file"))
        elif path.exists():
            found = [path]
        else:
            issues.append(Issue(str(path), "error", "no such file or folder"))
            found = []
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(p)
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
            subs.append(read_submission(path, max_bytes))
        except Rejected as exc:
            run.issues.append(Issue(str(path), "error", str(exc)))
        progress.update(n)
    # duplicates: one student, one lesson, several files -> keep the newest created_at
    newest: dict[tuple[str, str], Submission] = {}
    for sub in subs:
        key = (sub.student.casefold(), sub.lesson)
        other = newest.get(key)
        if other is None:
            newest[key] = sub
            continue
        keep, drop = (sub, other) if sub.created_at >= other.created_at else (other, sub)
        newest[key] = keep
        which = ("the newer file" if keep.created_at != drop.created_at
                 else "the file named last (both have the same creation time)")
        run.issues.append(Issue(drop.file, "error", f"duplicate: {drop.student!r} handed in "
                                f"{drop.lesson} more than once; only {which}, {keep.file} "
                                f"(created {keep.created_at.isoformat()}), was graded, not this "
                                f"one (created {drop.created_at.isoformat()})"))
    ours = version_tuple(__version__)
    grade_banks: dict[str, GradeBank | Exception] = {}
    for sub in sorted(newest.values(), key=lambda s: (s.lesson, s.student.casefold(), s.file)):
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


def write_results(run: GradingRun, out: Path) -> dict[str, Path]:
    """grades.csv (wide), grades.long.csv, grades.written.csv, grades.errors.csv."""
    paths = output_paths(Path(out))
    paths["grades"].parent.mkdir(parents=True, exist_ok=True)
    lessons = sorted(run.banks)
    columns = [(lesson, q) for lesson in lessons for q in run.banks[lesson].part("exercises")]
    students: dict[str, str] = {}
    cells: dict[str, dict[str, Any]] = {}
    totals: dict[str, float] = {}
    for g in run.graded:
        key = g.submission.student.casefold()
        students.setdefault(key, g.submission.student)
        row = cells.setdefault(key, {})
        for item in g.items:
            row[item.question] = _num(item.points)
        totals[key] = totals.get(key, 0.0) + g.points
    with open(paths["grades"], "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["student"] + [q.id for _, q in columns] + ["total"])
        possible = sum(q.points for _, q in columns if q.kind != "written")
        wr.writerow(["POINTS POSSIBLE"] + [_num(q.points) for _, q in columns] + [_num(possible)])
        for key in sorted(students, key=lambda k: (k, students[k])):
            row = cells[key]
            wr.writerow([_cell(students[key])] + [row.get(q.id, "") for _, q in columns]
                        + [_num(totals[key])])
    with open(paths["long"], "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["student", "lesson", "question", "type", "status", "score", "points",
                     "points_possible", "answer", "saved_at", "attempts", "file"])
        for g in run.graded:
            for i in g.items:
                wr.writerow([_cell(i.student), i.lesson, i.question, i.kind, i.status,
                             _num(i.score), _num(i.points), _num(i.possible),
                             _cell(_answer_text(i.answer)), _cell(i.saved_at), i.attempts,
                             i.file])
    with open(paths["written"], "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["student", "lesson", "question", "points_possible", "score", "answer",
                     "rubric", "file"])
        for g in run.graded:
            for i in g.items:
                if i.kind == "written":
                    rubric = (run.banks[i.lesson][i.question].secret or {}).get("rubric", "")
                    wr.writerow([_cell(i.student), i.lesson, i.question, _num(i.possible), "",
                                 _cell(_answer_text(i.answer)), rubric, i.file])
    with open(paths["errors"], "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["file", "level", "question", "reason"])
        for issue in run.issues:
            wr.writerow([issue.file, issue.level, _cell(issue.question), _cell(issue.reason)])
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
    """`pactlab grade SUBMISSIONS... --out grades.csv [--report DIR]`."""
    run = grade_files(args.submissions)
    if not run.files_seen and not run.graded:
        for issue in run.issues:
            print(f"pactlab grade: {issue.file}: {issue.reason}", file=sys.stderr)
        raise ValueError("no submission files found: name .pactlab.json files or folders "
                         "holding them")
    paths = write_results(run, Path(args.out))
    for issue in run.issues:
        where = f"{issue.file} [{issue.question}]" if issue.question else issue.file
        print(f"pactlab grade: {issue.level}: {where}: {issue.reason}", file=sys.stderr)
    students = len({g.submission.student.casefold() for g in run.graded})
    failed = run.failed_files
    print(f"Graded {_n(len(run.graded), 'submission file')} from {_n(students, 'student')} "
          f"({', '.join(sorted(run.banks)) or 'no lessons'}).")
    print(f"Wrote {paths['grades']} (one row per student), {paths['long'].name} (one row per "
          f"answer), {paths['written'].name} (written answers to grade) and "
          f"{paths['errors'].name} ({_n(len(run.issues), 'problem')}).")
    if getattr(args, "report", None):
        import matplotlib

        matplotlib.use("Agg")  # files only, never a window
        report = write_report(run, Path(args.report), paths)
        print(f"Wrote the report {report} and {len(run.banks)} chart(s).")
    if failed:
        print(f"{_n(len(failed), 'file')} could not be graded: see {paths['errors']}",
              file=sys.stderr)
        return 1
    return 0
