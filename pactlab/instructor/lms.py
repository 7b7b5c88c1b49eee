"""Grades an LMS imports: the gradebook grades.csv (written by `pactlab grade`) rewritten in the
CSV layout each LMS imports, one row per roster student, keyed by the roster's ids.

One grade column per lesson (its `total_<lesson>` points), plus the overall total. Students on
the roster with nothing handed in get an empty cell (the LMS leaves their grade as it is; enter
0 there yourself if missing work scores 0).

- canvas: Canvas's gradebook CSV: `Student, ID, SIS User ID, SIS Login ID, Section`, then one
  column per assignment, and a `Points Possible` row first. Canvas matches a student on the SIS
  User ID or SIS Login ID and makes a new assignment of each column it does not know.
- moodle: a CSV for Moodle's "Import > CSV file": a user column (`ID number`, `Username`,
  `Email address`), then one column per grade item; on import you map one user column
  ("Identify user by") and each grade column to a grade item.
- google: for Google Classroom (which matches students by their e-mail address):
  `Email Address, First Name, Last Name`, then one column per assignment, and a
  `Points Possible` row first.
"""
from __future__ import annotations

import csv
from pathlib import Path

from .results import SafeWriter, _uncell
from .roster import Student
from .submissions import POINTS_ROW, student_key

FORMATS = ("canvas", "moodle", "google")


def read_gradebook(path: Path | str) -> tuple[list[str], dict[str, str], dict[str, dict]]:
    """(grade columns, points possible per column, rows by student key) of a grades.csv written
    by `pactlab grade`: the columns `total_<lesson>` and `total`."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [[_uncell(c) for c in row] for row in csv.reader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from None
    if len(rows) < 2 or rows[0][:1] != ["student"] or rows[1][:1] != [POINTS_ROW]:
        raise ValueError(f"{path} is not a grades file written by `pactlab grade` (its first "
                         f"column must be 'student' and its second row {POINTS_ROW!r})")
    header = rows[0]
    columns = [h for h in header if h.startswith("total_") or h == "total"]
    index = {h: header.index(h) for h in columns}
    possible = {h: rows[1][index[h]] for h in columns}
    by_student = {}
    for row in rows[2:]:
        if row and row[0]:
            by_student[student_key(row[0])] = {h: row[index[h]] if index[h] < len(row) else ""
                                               for h in columns}
    return columns, possible, by_student


def column_title(column: str, course: str | None) -> str:
    label = "Total" if column == "total" else column[len("total_"):]
    return f"{course} {label}" if course else f"pactlab {label}"


def write_lms(fmt: str, grades: Path | str, roster: list[Student], out: Path | str,
              course: str | None = None) -> dict:
    """Write the LMS file; returns counts (students, with grades, unknown to the roster)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown LMS format {fmt!r}: use one of {', '.join(FORMATS)}")
    columns, possible, by_student = read_gradebook(grades)
    titles = [column_title(c, course) for c in columns]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    on_roster = {s.key for s in roster}
    graded = 0
    with open(out, "w", newline="", encoding="utf-8") as fh:
        wr = SafeWriter(fh)
        if fmt == "canvas":
            wr.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + titles)
            wr.writerow(["Points Possible", "", "", "", ""] + [possible[c] for c in columns])
        elif fmt == "moodle":
            wr.writerow(["ID number", "Username", "Email address", "Full name"] + titles)
        else:
            wr.writerow(["Email Address", "First Name", "Last Name"] + titles)
            wr.writerow(["Points Possible", "", ""] + [possible[c] for c in columns])
        for s in roster:
            mine = by_student.get(s.key, {})
            graded += bool(mine)
            cells = [mine.get(c, "") for c in columns]
            if fmt == "canvas":
                wr.writerow([s.name or s.student, "", s.id, s.login or s.student, s.section]
                            + cells)
            elif fmt == "moodle":
                wr.writerow([s.id, s.login or s.student, s.email, s.name] + cells)
            else:
                first, last = s.names()
                wr.writerow([s.email, first, last] + cells)
    unknown = sorted(k for k in by_student if k not in on_roster)
    return {"students": len(roster), "graded": graded, "unknown": unknown, "out": out,
            "columns": titles}
