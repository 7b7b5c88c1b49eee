"""Scoring submissions from the course's own answer keys, with the function the widgets use.

Every answer is scored by `Question.check` of the course's question bank, so partial credit is
what `pactlab.questions` defines; whatever a submission claims about its own score is ignored.
Only answer errors (`AnswerError`) are caught: an answer that does not fit scores 0, reported.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bank import Bank, load_bank
from ..questions import AnswerError, Question
from .submissions import (Issue, Rejected, Submission, _type, expand_paths, read_submission,
                          student_key, version_tuple, MAX_BYTES)

PROGRESS_THRESHOLD = 50


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


def grade_files(inputs: list[str | Path], root: Path | None = None,
                progress: ProgressBar | None = None, max_bytes: int = MAX_BYTES) -> GradingRun:
    """Read, check and score submission files. Never raises for a bad file: it is reported."""
    from .. import __version__

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
