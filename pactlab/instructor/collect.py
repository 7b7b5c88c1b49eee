"""`pactlab collect`: the latest hand-in of each student and lesson, into the teacher's folder.

From the exchange (`<exchange>/<course>/inbound/`), or, as root on a single server, straight
from each student's answers folder (`~/.local/share/pactlab/answers/` in every home). The
student is always the one the file was collected from (its owner, its per-user folder, or the
home it sits in), never the name written in the file or its file name: a file that claims
another student's name is collected as its owner's and reported.

Written into the output folder: `<student>/<lesson>.pactlab.json` (ready for `pactlab grade`),
`collected.csv` (what was taken from where, with notes) and `missing.csv` (students on the
roster with nothing handed in for a lesson).
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import pwd
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..store import FORMAT as ANSWERS_FORMAT
from ..store import atomic_write_text, record_problem, safe_name
from ..submission import FORMAT
from .exchange import HandIn, scan_inbound, unix_to_student
from .results import SafeWriter
from .submissions import (LESSON_NAME, MAX_BYTES, Rejected, check_submission, parse_submission,
                          student_key)

ANSWERS_SUBDIR = Path(".local/share/pactlab/answers")


@dataclass
class Collected:
    student: str
    lesson: str
    path: Path              # the file written for grading
    source: str             # where it came from
    when: str
    note: str = ""


@dataclass
class CollectResult:
    out: Path
    collected: list[Collected] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    superseded: int = 0


def _read_regular(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, never following a link, at most `max_bytes`."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise Rejected("not a regular file")
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise Rejected(f"more than {max_bytes:,} bytes")
    return raw


def _doc(sub, student: str) -> dict:
    return {"format": FORMAT, "student": student, "lesson": sub.lesson,
            "course_version": sub.course_version, "created_at": sub.created_at.isoformat(),
            "answers": sub.answers}


def from_exchange(inbound: Path, user_prefix: str = "") -> tuple[list[tuple], list[str]]:
    """(student, lesson, when, source, submission, note) of the latest good hand-in of each
    student and lesson in the exchange, and the problems found."""
    hand_ins, problems = scan_inbound(inbound, user_prefix)
    groups: dict[tuple[str, str], list[HandIn]] = {}
    for h in hand_ins:
        groups.setdefault((h.student, h.lesson), []).append(h)
    picked = []
    for (student, lesson), items in sorted(groups.items()):
        items.sort(key=lambda h: (h.stamp, h.path.name), reverse=True)
        for h in items:
            try:
                sub = parse_submission(_read_regular(h.path), str(h.path))
            except (Rejected, OSError) as exc:
                problems.append(f"{h.path}: {exc}; an earlier hand-in of {student}'s is used "
                                "if there is one")
                continue
            if sub.lesson != lesson:
                problems.append(f"{h.path}: its name says lesson {lesson} but it holds "
                                f"{sub.lesson}: skipped")
                continue
            notes = []
            for claimed in dict.fromkeys([h.claimed, sub.student]):
                if safe_name(claimed).casefold() != student.casefold():
                    notes.append(f"it claims to be {claimed[:60]!r}'s, but {student} handed it "
                                 f"in: collected as {student}'s")
            source = (f"inbound folder {h.path.parent.name}/" if h.source == "folder"
                      else f"owner {student}")
            picked.append((student, lesson, h.stamp, f"{source}: {h.path.name}", sub,
                           "; ".join(notes), len(items) - 1))
            break
    return picked, problems


def from_homes(user_prefix: str = "", users: list[str] | None = None,
               assessment: bool = False) -> tuple[list[tuple], list[str]]:
    """The same, straight from every student's answers folder (needs root to read them)."""
    problems: list[str] = []
    picked = []
    suffix = ".assessment.json" if assessment else ".json"
    for pw in sorted(pwd.getpwall(), key=lambda p: p.pw_name):
        if pw.pw_uid < 1000 or pw.pw_uid == 65534 or (users and pw.pw_name not in users):
            continue
        base = Path(pw.pw_dir) / ANSWERS_SUBDIR
        if not base.is_dir() or base.is_symlink():
            continue
        student = safe_name(unix_to_student(pw.pw_name, user_prefix))
        merged: dict[str, dict] = {}
        newest: dict[str, float] = {}
        try:
            folders = sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError as exc:
            problems.append(f"{base}: cannot be listed ({exc.strerror or exc}): run as root")
            continue
        for folder in folders:
            for path in sorted(folder.glob(f"*{suffix}")):
                lesson = path.name[:-len(suffix)]
                if not LESSON_NAME.match(lesson) or (not assessment and "." in lesson):
                    continue
                try:
                    data = json.loads(_read_regular(path, 5_000_000).decode("utf-8"))
                    if not isinstance(data, dict) or data.get("format") != ANSWERS_FORMAT \
                            or not isinstance(data.get("answers"), dict):
                        raise Rejected("not a pactlab answers file")
                except (Rejected, OSError, UnicodeDecodeError, ValueError) as exc:
                    problems.append(f"{path}: cannot be read ({exc}): skipped")
                    continue
                answers = merged.setdefault(lesson, {})
                for qid, rec in data["answers"].items():
                    if record_problem(rec):
                        continue
                    old = answers.get(qid)
                    if old is None or str(rec.get("saved_at")) > str(old.get("saved_at")):
                        answers[qid] = rec
                newest[lesson] = max(newest.get(lesson, 0.0), path.stat().st_mtime)
        for lesson, answers in sorted(merged.items()):
            when = _dt.datetime.fromtimestamp(newest[lesson], _dt.timezone.utc)
            doc = {"format": FORMAT, "student": student, "lesson": lesson,
                   "course_version": str(data.get("course_version") or "0.0.0"),
                   "created_at": when.isoformat(),
                   "answers": {q: {"answer": r["answer"], "saved_at": str(r.get("saved_at", "")),
                                   "attempts": int(r.get("attempts", 1))}
                               for q, r in answers.items()}}
            try:
                sub = check_submission(doc, str(base))
            except Rejected as exc:
                problems.append(f"{base} ({lesson}): {exc}: skipped")
                continue
            picked.append((student, lesson, when.strftime("%Y%m%dT%H%M%SZ"),
                           f"answers of Unix user {pw.pw_name}", sub, "", 0))
    return picked, problems


def collect(out: Path | str, inbound: Path | None = None, homes: bool = False,
            roster: list[str] | None = None, lessons: list[str] | None = None,
            user_prefix: str = "") -> CollectResult:
    out = Path(out)
    if inbound is None and not homes:
        raise ValueError("nothing to collect from: give the exchange (--exchange/--course, or "
                         "course.json) or --from-homes")
    picked, problems = (from_homes(user_prefix, users=None) if homes
                        else from_exchange(Path(inbound), user_prefix))
    result = CollectResult(out, problems=problems)
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    on_roster = {student_key(s) for s in roster} if roster is not None else None
    for student, lesson, when, source, sub, note, older in picked:
        if lessons and lesson not in lessons:
            continue
        if on_roster is not None and student_key(student) not in on_roster:
            note = "; ".join(filter(None, [note, "not on the roster"]))
        folder = out / student
        folder.mkdir(exist_ok=True, mode=0o700)
        path = folder / f"{lesson}.pactlab.json"
        atomic_write_text(path, json.dumps(_doc(sub, student), ensure_ascii=False, indent=1)
                          + "\n")
        result.collected.append(Collected(student, lesson, path, source, when, note))
        result.superseded += older
    seen_lessons = sorted(lessons or {c.lesson for c in result.collected})
    if roster is not None:
        have = {(student_key(c.student), c.lesson) for c in result.collected}
        result.missing = [(s, lesson) for s in roster for lesson in seen_lessons
                          if (student_key(s), lesson) not in have]
    with open(out / "collected.csv", "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(["student", "lesson", "handed_in", "from", "file", "note"])
        for c in result.collected:
            wr.writerow([c.student, c.lesson, c.when, c.source, str(c.path), c.note])
        for p in result.problems:
            wr.writerow(["", "", "", "", "", p])
    with open(out / "missing.csv", "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["student", "lesson"])
        wr.writerows(result.missing)
    return result
