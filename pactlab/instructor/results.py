"""The grades files: grades.csv (wide, for people and an LMS: two decimals), grades.long.csv
(one row per answer, full precision), grades.written.csv (the written answers, with the scores
and comments a teacher typed carried over), grades.rubric.md (each written question's rubric,
once) and grades.errors.csv. Every cell is neutralised against spreadsheet formulas; the files
people open in a spreadsheet are UTF-8 with a byte-order mark, so Excel reads names like "Zoë"
right."""
from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import re
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
    """A number for people: rounded to two decimals, without trailing zeros (0.67, 7.5, 8)."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _full(value: float | None) -> str:
    """A number at full precision (the long file): the shortest text that reads back exactly."""
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


# the files a person opens in a spreadsheet: a byte-order mark tells Excel they are UTF-8
PEOPLE_ENCODING = "utf-8-sig"


def _answer_text(answer: Any) -> str:
    if answer is None:
        return ""
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def output_paths(out: Path) -> dict[str, Path]:
    stem = out.name[:-4] if out.name.lower().endswith(".csv") else out.name
    return {"grades": out, "long": out.with_name(f"{stem}.long.csv"),
            "written": out.with_name(f"{stem}.written.csv"),
            "rubric": out.with_name(f"{stem}.rubric.md"),
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


WRITTEN_COLUMNS = ["student", "lesson", "question", "points_possible", "score", "comment",
                   "answer", "file", "note"]


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
            answer = _answer_text(i.answer)
            old = previous.pop((student_key(i.student), i.lesson, i.question), None) or {}
            score, comment = old.get("score", "").strip(), old.get("comment", "").strip()
            note = ""
            if (score or comment) and old.get("answer", "") != answer:
                note = "the answer changed since this score was entered: check the score"
            rows.append({"student": i.student, "lesson": i.lesson, "question": i.question,
                         "points_possible": _num(i.possible), "score": score,
                         "comment": comment, "answer": answer, "file": i.file, "note": note})
    for old in previous.values():
        if old.get("score", "").strip() or old.get("comment", "").strip():
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


def written_status(graded: int, total: int, counted: bool) -> str:
    """The written part of one student's lesson, in words: `all graded`, `1 of 2 graded`,
    `not graded`; `not counted` when the totals leave written answers out."""
    if not total:
        return ""
    if not counted:
        return f"not counted ({graded} of {total} graded)"
    if graded == total:
        return "all graded"
    return "not graded" if not graded else f"{graded} of {total} graded"


def rubric_levels(rubric: str) -> list[str]:
    """A rubric's score levels, one string each: a level starts with "N point(s):" (or a
    "-" bullet); the lines a bank wraps a level over are joined back."""
    levels: list[str] = []
    for line in str(rubric).splitlines():
        text = line.strip()
        if not text:
            continue
        starts = re.match(r"^(-\s+|\d+(\.\d+)?\s+points?\b)", text)
        if starts or not levels:
            levels.append(text[2:].strip() if text.startswith("- ") else text)
        else:
            levels[-1] += " " + text
    return levels


def write_rubrics(banks: dict[str, Bank], path: Path) -> Path | None:
    """Each written question's prompt and rubric, once (not in every row of the written file)."""
    written = [(lesson, q) for lesson in sorted(banks) for q in banks[lesson].part("exercises")
               if not q.auto_scored]
    if not written:
        return None
    lines = ["# Rubrics for the written answers", "",
             "Score each answer in the `score` column of the written-answers file (0 up to the "
             "question's points; half points are fine) and write the student a line in "
             "`comment`: `pactlab feedback` returns it to them.", ""]
    for lesson, q in written:
        rubric = ((q.secret or {}).get("rubric") or "(no rubric in the bank)").strip()
        lines += [f"## {lesson} · `{q.id}` ({_num(q.points)} points)", "",
                  f"**Question.** {' '.join(q.prompt.split())}", "", "**Rubric.**", ""]
        lines += [f"- {level}" for level in rubric_levels(rubric)]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_results(run: GradingRun, out: Path, lessons: list[str] | None = None,
                  with_written: bool = False) -> dict[str, Path]:
    """grades.csv (wide), grades.long.csv, grades.written.csv, grades.rubric.md and
    grades.errors.csv.

    grades.csv has one row per student: a column per question, then per lesson `total_<lesson>`
    (auto-scored points, plus the written scores when `with_written`) and `written_<lesson>`
    (the written part's status), and `total` over `lessons` (default: `default_total_lessons`).
    Its numbers are rounded to two decimals, from full-precision sums; grades.long.csv keeps
    full precision. Written answers count only `with_written`: then the scores typed into
    grades.written.csv are added in."""
    paths = output_paths(Path(out))
    paths["grades"].parent.mkdir(parents=True, exist_ok=True)
    graded_lessons = sorted(run.banks)
    counted = default_total_lessons(run.banks) if lessons is None else list(lessons)
    columns = [(lesson, q) for lesson in graded_lessons
               for q in run.banks[lesson].part("exercises")]

    rows, paths["written"] = written_rows(run, paths["written"])
    # scores typed so far give the written part's status; a bad one is reported when it counts
    typed = written_points(rows, paths["written"], run if with_written else GradingRun())

    def counts(q: Question) -> bool:
        return q.auto_scored or with_written

    students: dict[str, str] = {}
    cells: dict[str, dict[str, Any]] = {}
    per_lesson: dict[str, dict[str, float]] = {}
    status: dict[str, dict[str, str]] = {}
    for g in run.graded:
        key = student_key(g.submission.student)
        students.setdefault(key, g.submission.student)
        row = cells.setdefault(key, {})
        lesson_total, scored, to_score = 0.0, 0, 0
        for item in g.items:
            if item.status == "written":
                to_score += 1
                points = typed.get((key, item.question))
                scored += points is not None
                if not with_written:
                    points = None
            else:
                points = (item.score or 0.0) * item.possible
            row[item.question] = _num(points)
            lesson_total += points or 0.0
        per_lesson.setdefault(key, {})[g.submission.lesson] = lesson_total
        status.setdefault(key, {})[g.submission.lesson] = written_status(scored, to_score,
                                                                         with_written)
    possible = {lesson: sum(q.points for q in run.banks[lesson].part("exercises") if counts(q))
                for lesson in graded_lessons}
    for lesson in counted:
        if lesson not in possible:
            possible[lesson] = sum(q.points for q in load_bank(lesson).part("exercises")
                                   if counts(q))
    with open(paths["grades"], "w", newline="", encoding=PEOPLE_ENCODING) as fh:
        wr = SafeWriter(fh)
        wr.writerow(["student"] + [q.id for _, q in columns]
                    + [f"{kind}_{lesson}" for lesson in graded_lessons
                       for kind in ("total", "written")] + ["total"])
        wr.writerow([POINTS_ROW] + [_num(q.points) for _, q in columns]
                    + [cell for lesson in graded_lessons
                       for cell in (_num(possible[lesson]), "")]
                    + [_num(sum(possible[lesson] for lesson in counted))])
        for key in sorted(students, key=lambda k: (k, students[k])):
            row, mine = cells[key], per_lesson[key]
            wr.writerow([students[key]] + [row.get(q.id, "") for _, q in columns]
                        + [cell for lesson in graded_lessons
                           for cell in ((_num(mine[lesson]), status[key][lesson])
                                        if lesson in mine else ("", ""))]
                        + [_num(sum(mine.get(lesson, 0.0) for lesson in counted))])
    with open(paths["long"], "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        wr.writerow(["student", "lesson", "question", "type", "status", "score", "points",
                     "points_possible", "answer", "saved_at", "attempts", "file"])
        for g in run.graded:
            for i in g.items:
                points = None if i.score is None else i.score * i.possible
                wr.writerow([i.student, i.lesson, i.question, i.kind, i.status,
                             _full(i.score), _full(points), _full(i.possible),
                             _answer_text(i.answer), i.saved_at, i.attempts, i.file])
    with open(paths["written"], "w", newline="", encoding=PEOPLE_ENCODING) as fh:
        wr = SafeWriter(fh)
        wr.writerow(WRITTEN_COLUMNS)
        for row in rows:
            wr.writerow([row[c] for c in WRITTEN_COLUMNS])
    if write_rubrics(run.banks, paths["rubric"]) is None:
        del paths["rubric"]
    with open(paths["errors"], "w", newline="", encoding=PEOPLE_ENCODING) as fh:
        wr = SafeWriter(fh)
        wr.writerow(["file", "level", "question", "reason"])
        for issue in run.issues:
            wr.writerow([issue.file, issue.level, issue.question, issue.reason])
    return paths
