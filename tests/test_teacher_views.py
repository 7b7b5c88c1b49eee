"""What a teacher reads after grading: the grades files as a spreadsheet opens them, the report's
students section and problems, and the feedback pages `pactlab feedback` writes."""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from pactlab.instructor import feedback, report, scoring
from pactlab.instructor.cli import main
from pactlab.instructor.submissions import Issue
from test_grading import KEY, LESSON, WRONG, read_csv, student_row, submission, write


def grade(*args) -> int:
    return main(["grade", *map(str, args)])


def type_written(student: str, score: str, comment: str = "") -> None:
    """The teacher fills in the written-answers file, as a spreadsheet saves it (with a BOM)."""
    path = Path("out/grades.written.csv")
    rows = read_csv("grades.written.csv")
    for row in rows:
        if row["student"] == student:
            row["score"], row["comment"] = score, comment
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)


# ---- grades files ---------------------------------------------------------------------------
def test_people_facing_csv_files_open_in_excel_with_names_as_written(course, tmp_path):
    name = "Zoë Ağaoğlu-Núñez"
    write(tmp_path / "subs", "z.pactlab.json", submission(student=name))
    assert grade(tmp_path / "subs", "--out", "out/grades.csv") == 0
    for people in ("grades.csv", "grades.written.csv", "grades.errors.csv"):
        assert Path("out", people).read_bytes().startswith(b"\xef\xbb\xbf"), people
    assert not Path("out/grades.long.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert student_row(name)["total"] == "8"  # the name exactly as the student wrote it
    assert read_csv("grades.written.csv")[0]["student"] == name


def test_one_total_per_lesson_with_the_written_part_and_its_status(course, tmp_path):
    write(tmp_path / "subs", "a.pactlab.json", submission(student="ana"))
    write(tmp_path / "subs", "b.pactlab.json", submission(student="ben", answers=WRONG))
    assert grade(tmp_path / "subs", "--out", "out/grades.csv") == 0
    header = list(read_csv("grades.csv")[0])
    assert header[-3:] == [f"total_{LESSON}", f"written_{LESSON}", "total"]
    assert student_row("ana")[f"written_{LESSON}"] == "not counted (0 of 1 graded)"
    type_written("ana", "1.5", "A clear question; say why you would trust the text.")
    assert grade(tmp_path / "subs", "--out", "out/grades.csv", "--with-written") == 0
    ana, ben = student_row("ana"), student_row("ben")
    assert ana[f"total_{LESSON}"] == "9.5" and ana["total"] == "9.5"
    assert ana[f"written_{LESSON}"] == "all graded"
    assert ben[f"written_{LESSON}"] == "not graded" and ben["total"] == "0"
    assert student_row("POINTS POSSIBLE")[f"total_{LESSON}"] == "10"
    # the comment is carried over when grading again, like the score
    assert grade(tmp_path / "subs", "--out", "out/grades.csv") == 0
    kept = {r["student"]: r for r in read_csv("grades.written.csv")}
    assert kept["ana"]["comment"].startswith("A clear question") and kept["ana"]["score"] == "1.5"


# ---- the report -----------------------------------------------------------------------------
def test_report_flags_shared_logins_and_look_alike_names_and_uses_a_roster(course, tmp_path):
    folder = tmp_path / "subs"
    for n, name in enumerate(["jovyan", "Ana Lopez", "ana.lopez", "Ben", "Student3", "Cleo"]):
        write(folder, f"{n}.pactlab.json", submission(student=name))
    assert grade(folder, "--out", "out/grades.csv") == 0
    run = scoring.grade_files([folder])
    view = {r.name: r for r in report.students_view(run, roster=["Ben", "Cleo", "Dan Ito"])}
    assert any("shared login" in f for f in view["jovyan"].flags)
    assert any("shared login" in f for f in view["Student3"].flags)
    assert any("case, accents or punctuation" in f and "ana.lopez" in f
               for f in view["Ana Lopez"].flags)
    assert not view["Ben"].flags and not view["Cleo"].flags
    assert view["Dan Ito"].flags == ["nothing handed in"] and not view["Dan Ito"].lessons
    assert "not on the roster" in view["jovyan"].flags
    path = report.write_report(run, Path("out/report"), roster=["Ben", "Cleo", "Dan Ito"])
    text = path.read_text(encoding="utf-8")
    assert "## Students: who handed in what" in text
    assert "1 handed in nothing (Dan Ito)" in text
    dan = next(line for line in text.splitlines() if line.startswith("| Dan Ito |"))
    assert "| – |" in dan and "nothing handed in" in dan
    ben = next(line for line in text.splitlines() if line.startswith("| Ben |"))
    assert "8 / 8 *w*" in ben  # auto points of possible; the written answer still to grade


def test_a_repeated_problem_is_said_once(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    for n in range(5):
        write(folder, f"bad{n}.pactlab.json", '{"format": "pactlab-submission/1", "student": 1')
    write(folder, "ok.pactlab.json", submission(student="ok", answers={**KEY,
                                                                       "start-choice": "z"}))
    capsys.readouterr()
    assert grade(folder, "--out", "out/grades.csv", "--report", "out/report") == 1
    err = capsys.readouterr().err
    assert err.count("truncated") == 1 and "5 files bad0.pactlab.json" in err
    assert len([r for r in read_csv("grades.errors.csv") if "truncated" in r["reason"]]) == 5
    text = Path("out/report/report.md").read_text(encoding="utf-8")
    problems = text.split("## Problems")[1].split("\n## ")[0]
    assert problems.count("truncated") == 1 and "5 files" in problems
    assert "and 2 more" in problems


def test_issue_groups_ignore_names_and_numbers_but_not_the_kind():
    issues = [Issue("a.json", "error", "duplicate: 'ana' handed in 00 more than once (created 1)"),
              Issue("b.json", "error", "duplicate: 'ben' handed in 00 more than once (created 2)"),
              Issue("c.json", "warning", "dated in the future (created_at 2031-01-01)"),
              Issue("d.json", "error", "empty file (0 bytes): ask for a new export")]
    groups = report.group_issues(issues)
    assert [len(g.files) for g in groups] == [2, 1, 1]
    assert groups[0].reason.startswith("duplicate: 'ana'")


def test_wrong_answers_are_named_by_their_text(course, tmp_path):
    folder = tmp_path / "subs"
    for n in range(3):
        write(folder, f"{n}.pactlab.json", submission(student=f"s{n}", answers=WRONG))
    run = scoring.grade_files([folder])
    bank = run.banks[LESSON]
    order, match = bank["start-order"], bank["start-match"]
    assert report.wrong_words(bank["start-choice"], "a") == "“notebooks/” (a)"
    assert report.wrong_words(order, "force in place 1") == (
        "“It entered into force when the two governments exchanged ratification documents.” "
        "put in place 1")
    assert report.wrong_words(match, "reuters → primary") == (
        "“A Reuters report on the signing ceremony” → primary source")
    assert report.wrong_words(bank["start-number"], "12") == "“12”"
    text = report.write_report(run, tmp_path / "r").read_text(encoding="utf-8")
    misconceptions = text.split("**Misconceptions to discuss**")[1].split("\n\n")[0]
    assert "“notebooks/” (a)" in misconceptions and "`start-choice`: 100% chose" in misconceptions
    assert "Facility" in text and "Difficulty |" not in text


# ---- feedback pages -------------------------------------------------------------------------
def test_feedback_pages_show_answers_scores_explanations_and_comments(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    write(folder, "a.pactlab.json", submission(student="Ana López", answers={
        **WRONG, "start-multi": ["kcna", "tass"], "start-written": "<script>alert(1)</script> "
        "I would like to know what the treaty says and I trust the text itself."}))
    write(folder, "b.pactlab.json", submission(student="ben"))
    assert grade(folder, "--out", "out/grades.csv") == 0
    type_written("Ana López", "1", "Say which source you would trust, & why <b>exactly</b>.")
    assert main(["feedback", str(folder), "--grades", "out/grades.csv", "--out", "fb"]) == 0
    assert "Wrote 2 feedback pages" in capsys.readouterr().out
    page = Path("fb/Ana_López.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Feedback for Ana López" in page
    # a wrong choice: the option's text, 0 points, the feedback for that option, the answer, why
    choice = re.search(r"<li class='question wrong'>.*?</li>", page, re.S)[0]
    assert "notebooks/" in choice and "0 of 1 point" in choice
    assert "holds the lessons (reading, charts and a few self-checks)" in choice
    assert "<h4>The answer</h4>" in choice and "<h4>Why</h4>" in choice
    assert "0.67 of 1 point" in page  # partial credit on start-multi
    # the written answer: the teacher's score and comment, escaped; the rubric
    assert "1 of 2 points" in page
    assert html.escape("Say which source you would trust, & why <b>exactly</b>.") in page
    assert "What the rubric looks for" in page
    assert "1.67 of 10 points" in page  # the lesson: 0.67 auto + 1 written
    ben = Path("fb/ben.html").read_text(encoding="utf-8")
    assert "not graded yet" in ben and "8 of 8 points, with 1 written answer not graded yet" in ben
    assert "<h4>The answer</h4>" not in ben  # all right: no key repeated, only the why


def test_feedback_without_grades_and_with_a_changed_answer(course, tmp_path):
    folder = tmp_path / "subs"
    write(folder, "a.pactlab.json", submission(student="ana"))
    assert grade(folder, "--out", "out/grades.csv") == 0
    type_written("ana", "2", "Good.")
    changed = {**KEY, "start-written": "A new answer that the teacher has not read yet, at all."}
    write(folder, "a.pactlab.json", submission(student="ana", answers=changed))
    run = scoring.grade_files([folder])
    (page,) = feedback.write_feedback(run, tmp_path / "fb", Path("out/grades.csv"))
    text = page.read_text(encoding="utf-8")
    assert "not graded yet" in text and "2 of 2 points" not in text
    assert any("changed after it was scored" in i.reason for i in run.issues)
    (page,) = feedback.write_feedback(scoring.grade_files([folder]), tmp_path / "fb2")
    assert "not graded yet" in page.read_text(encoding="utf-8")


def test_rubric_levels_join_the_lines_a_bank_wraps():
    from pactlab.instructor.results import rubric_levels

    text = ("3 points: states a fact,\n  with a source id;\n2 points: a fact only.\n"
            "1 point: an opinion.\n0 points: blank.\n")
    assert rubric_levels(text) == ["3 points: states a fact, with a source id;",
                                   "2 points: a fact only.", "1 point: an opinion.",
                                   "0 points: blank."]
    assert rubric_levels("- names a source\n- says why") == ["names a source", "says why"]
