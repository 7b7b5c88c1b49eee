"""The grades files: grades.csv (wide, for an LMS), grades.long.csv, grades.written.csv (the
written answers, with the scores a teacher typed carried over) and grades.errors.csv. Every cell
is neutralised against spreadsheet formulas."""
from __future__ import annotations

import csv
import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any

from ..bank import Bank, load_bank
from ..questions import Question
from .scoring import GradingRun
from .submissions import POINTS_ROW, Issue, student_key


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
            if i.status != "written":
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
            points = item.points if item.status != "written" else typed.get((key, item.question))
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
