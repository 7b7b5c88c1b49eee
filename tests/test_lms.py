"""Grades an LMS imports: `pactlab grade --format` and `pactlab export` rewrite the gradebook
that `pactlab grade` writes in each LMS's import layout, one row per roster student."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from course_factory import LESSON
from pactlab.instructor.cli import main


def handed_in(folder: Path, student: str, choice: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"format": "pactlab-submission/1", "student": student, "lesson": LESSON,
           "course_version": "0.1.0", "created_at": "2026-01-10T10:00:00+00:00",
           "answers": {"start-choice": {"answer": choice, "saved_at": "2026-01-10T09:00:00Z",
                                        "attempts": 1},
                       "start-data": {"answer": 180, "saved_at": "2026-01-10T09:00:00Z",
                                      "attempts": 1}}}
    (folder / f"{student}.pactlab.json").write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def graded(course, tmp_path):
    subs = tmp_path / "in"
    handed_in(subs, "ana", "b")      # both right
    handed_in(subs, "ben", "a")      # one right
    handed_in(subs, "zed", "b")      # not on the roster
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,id,login,email,section\n"
                      "ana,Ana Lopez,S1001,alopez,ana@school.example,9A\n"
                      "ben,Ben Okafor,S1002,bokafor,ben@school.example,9A\n"
                      "carla,Carla Diaz,S1003,cdiaz,carla@school.example,9B\n",
                      encoding="utf-8")
    assert main(["grade", str(subs), "--out", str(tmp_path / "g" / "grades.csv")]) == 0
    return tmp_path / "g" / "grades.csv", roster


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_canvas_gradebook_csv(graded, tmp_path, capsys):
    grades, roster = graded
    out = tmp_path / "canvas.csv"
    assert main(["export", "canvas", "--grades", str(grades), "--roster", str(roster),
                 "--out", str(out), "--course", "hist-9a"]) == 0
    assert "zed" in capsys.readouterr().err  # graded but not on the roster: left out, said so
    table = rows(out)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        f"hist-9a {LESSON}", "hist-9a Total"]
    # the exercise set has 8 auto-scored points; ana has 2 of them right, ben 1
    assert table[1] == ["Points Possible", "", "", "", "", "8", "8"]
    assert table[2] == ["Ana Lopez", "", "S1001", "alopez", "9A", "2", "2"]
    assert table[3] == ["Ben Okafor", "", "S1002", "bokafor", "9A", "1", "1"]
    assert table[4] == ["Carla Diaz", "", "S1003", "cdiaz", "9B", "", ""]
    assert len(table) == 5


def test_moodle_grade_import_csv(graded, tmp_path):
    grades, roster = graded
    out = tmp_path / "moodle.csv"
    assert main(["export", "moodle", "--grades", str(grades), "--roster", str(roster),
                 "--out", str(out)]) == 0
    table = rows(out)
    assert table[0][:4] == ["ID number", "Username", "Email address", "Full name"]
    assert table[1][:5] == ["S1001", "alopez", "ana@school.example", "Ana Lopez", "2"]
    assert [r[0] for r in table[1:]] == ["S1001", "S1002", "S1003"]  # no points row


def test_google_classroom_csv_from_pactlab_grade_format(course, tmp_path):
    subs = tmp_path / "in"
    handed_in(subs, "ana", "b")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,first_name,last_name,email\nana,Ana,Lopez,ana@s.example\n",
                      encoding="utf-8")
    assert main(["grade", str(subs), "--out", str(tmp_path / "g" / "grades.csv"),
                 "--format", "google", "--roster", str(roster)]) == 0
    table = rows(tmp_path / "g" / "grades.google.csv")
    assert table[0][:3] == ["Email Address", "First Name", "Last Name"]
    assert table[1][:4] == ["Points Possible", "", "", "8"]
    assert table[2][:4] == ["ana@s.example", "Ana", "Lopez", "2"]


def test_export_refuses_a_file_that_is_not_a_gradebook(course, tmp_path, capsys):
    bad = tmp_path / "x.csv"
    bad.write_text("name,score\nana,3\n", encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text("student\nana\n", encoding="utf-8")
    assert main(["export", "canvas", "--grades", str(bad), "--roster", str(roster),
                 "--out", str(tmp_path / "o.csv")]) == 2
    assert "not a grades file written by `pactlab grade`" in capsys.readouterr().err


def test_grade_format_without_a_roster_stops_before_writing(course, tmp_path, capsys):
    handed_in(tmp_path / "in", "ana", "b")
    out = tmp_path / "g" / "grades.csv"
    assert main(["grade", str(tmp_path / "in"), "--out", str(out), "--format", "moodle"]) == 2
    assert "name the roster" in capsys.readouterr().err
    assert not out.exists()
