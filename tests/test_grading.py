"""Submissions and `pactlab grade`: scoring from the keys only, every bad file reported."""
from __future__ import annotations

import ast
import csv
import json
import math
import random
from pathlib import Path

import pytest
import yaml

from course_factory import LESSON, REPO
from pactlab.instructor import scoring, submissions
from pactlab.instructor.report import item_analysis
from pactlab.instructor.cli import main

KEY = {"start-choice": "b", "start-multi": ["kcna", "tass", "rodong"],
       "start-order": ["sign", "duma", "putin", "force"],
       "start-match": {"text": "primary", "reuters": "secondary", "decree": "primary",
                       "analysis": "secondary"},
       "start-number": 23, "start-date": "2024-12-04", "start-text": "Pyongyang",
       "start-data": 180,
       "start-written": "I want to know what the treaty commits each side to, and I would "
                        "trust the published text more than any commentary."}
WRONG = {"start-choice": "a", "start-multi": ["reuters"], "start-order": ["force", "putin",
                                                                          "duma", "sign"],
         "start-match": {"text": "secondary", "reuters": "primary", "decree": "secondary",
                         "analysis": "primary"},
         "start-number": 12, "start-date": "2024-06-19", "start-text": "Moscow",
         "start-data": 45}
AUTO_POSSIBLE = 8  # eight auto-scored questions of 1 point; start-written (2 points) by hand


def submission(student="ana", answers=None, created="2024-06-20T10:00:00+00:00", **extra):
    answers = KEY if answers is None else answers
    doc = {"format": "pactlab-submission/1", "student": student, "lesson": LESSON,
           "course_version": "0.1.0", "created_at": created,
           "answers": {qid: {"answer": a, "saved_at": "2024-06-20T09:00:00+00:00",
                             "attempts": 1} for qid, a in answers.items()}}
    doc.update(extra)
    return doc


def write(folder: Path, name: str, doc) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def grade(*paths, report=None):
    args = ["grade", *map(str, paths), "--out", "out/grades.csv"]
    if report:
        args += ["--report", report]
    return main(args)


def read_csv(name: str) -> list[dict]:
    with open(Path("out") / name, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def errors() -> list[dict]:
    return read_csv("grades.errors.csv")


def student_row(name: str) -> dict:
    return next(r for r in read_csv("grades.csv") if r["student"] == name)


# ---- scoring ---------------------------------------------------------------------------------
def test_all_correct_scores_every_auto_point(course, tmp_path):
    write(tmp_path / "subs", "a.pactlab.json", submission())
    assert grade(tmp_path / "subs") == 0
    rows = read_csv("grades.csv")
    assert list(rows[0])[:2] == ["student", "start-choice"] and list(rows[0])[-1] == "total"
    possible = rows[0]
    assert possible["student"] == "POINTS POSSIBLE"
    assert possible["total"] == str(AUTO_POSSIBLE) and possible["start-written"] == "2"
    ana = student_row("ana")
    assert ana["total"] == str(AUTO_POSSIBLE)
    assert ana["start-written"] == ""  # left for the instructor
    written = read_csv("grades.written.csv")
    assert [w["question"] for w in written] == ["start-written"]
    assert written[0]["answer"] == KEY["start-written"] and written[0]["score"] == ""
    assert "rubric" not in written[0] and written[0]["comment"] == ""
    rubric = Path("out/grades.rubric.md").read_text(encoding="utf-8")
    assert rubric.count("2 points: a clear question") == 1 and "`start-written`" in rubric
    long = read_csv("grades.long.csv")
    assert len(long) == 9 and {r["status"] for r in long} == {"correct", "written"}
    assert errors() == []


@pytest.mark.parametrize("qid, answer, points", [
    ("start-multi", ["kcna", "tass"], 2 / 3),                    # (2 right - 0 wrong) / 3
    ("start-multi", ["kcna", "tass", "rodong", "nhk"], 2 / 3),   # (3 - 1) / 3
    ("start-multi", ["kcna", "reuters"], 0),                     # (1 - 1) / 3
    ("start-multi", ["reuters", "nhk"], 0),                      # floor at 0
    ("start-order", ["sign", "putin", "duma", "force"], 0.5),    # 2 of 4 in place
    ("start-order", ["sign", "duma", "force", "putin"], 0.5),
    ("start-match", {"text": "primary", "reuters": "secondary", "decree": "secondary",
                     "analysis": "secondary"}, 0.75),            # 3 of 4 placed right
    ("start-number", 22, 0), ("start-number", "23", 1),          # within tolerance 0
    ("start-date", "4 December 2024", 1), ("start-date", "2024-12-05", 0),
    ("start-text", "  pyongyang. ", 1), ("start-text", "Moscow", 0),
    ("start-data", 180.0, 1),
])
def test_partial_credit_follows_the_question_types(course, tmp_path, qid, answer, points):
    write(tmp_path / "subs", "a.pactlab.json", submission(answers={qid: answer}))
    assert grade(tmp_path / "subs") == 0
    # two decimals for people, full precision in the long file
    assert student_row("ana")[qid] == f"{points:.2f}".rstrip("0").rstrip(".")
    assert math.isclose(float(student_row("ana")["total"]), points, abs_tol=0.005)
    long = {r["question"]: r for r in read_csv("grades.long.csv")}
    assert math.isclose(float(long[qid]["points"]), points, rel_tol=1e-12, abs_tol=1e-12)


def test_tampered_submission_scores_only_what_its_answers_earn(course, tmp_path):
    doc = submission(answers=WRONG, total=8, score=8, grade="A",
                     results={qid: {"correct": True, "points": 1} for qid in WRONG})
    for rec in doc["answers"].values():
        rec.update({"correct": True, "score": 1.0, "points": 100, "status": "correct",
                    "feedback": "✔ Correct."})
    doc["answers"]["start-multi"]["answer"] = ["kcna", "tass"]  # genuinely worth 2/3
    write(tmp_path / "subs", "a.pactlab.json", doc)
    assert grade(tmp_path / "subs") == 0
    ana = student_row("ana")
    assert ana["total"] == "0.67"  # two decimals for people
    assert ana["start-choice"] == "0" and ana["start-multi"] == "0.67"
    statuses = {r["question"]: r["status"] for r in read_csv("grades.long.csv")}
    assert statuses["start-choice"] == "wrong" and statuses["start-multi"] == "partial"


def test_submission_from_the_widgets_grades_like_the_widgets_score(course, tmp_path):
    import pactlab

    lesson = pactlab.start(LESSON, student="Ana Lopez")
    rng = random.Random(6)
    for qid in KEY:
        lesson.question(qid).answer(rng.choice([KEY, WRONG])[qid] if qid in WRONG else KEY[qid])
    out = tmp_path / "handed_in"
    assert main(["submit", LESSON, "--student", "Ana Lopez", "--out", str(out)]) == 0
    path = out / f"{LESSON}__Ana_Lopez.pactlab.json"
    assert path.exists()
    assert grade(path) == 0
    assert float(student_row("Ana_Lopez")["total"]) == pytest.approx(lesson.summary()["points"],
                                                                     abs=0.005)


# ---- the submission format --------------------------------------------------------------------
def schema_validator():
    import jsonschema

    schema = json.loads((REPO / "schemas" / "submission.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_submit_writes_a_file_the_schema_accepts(course, tmp_path, capsys):
    import pactlab

    lesson = pactlab.start(LESSON, student="ben")
    lesson.question("start-choice").answer("c")
    lesson.question("start-match").answer(KEY["start-match"])
    assert main(["submit", LESSON, "--student", "ben"]) == 0
    path = tmp_path / f"{LESSON}__ben.pactlab.json"
    assert str(path.name) in capsys.readouterr().out
    doc = json.loads(path.read_text(encoding="utf-8"))
    schema_validator().validate(doc)
    assert doc["student"] == "ben" and doc["lesson"] == LESSON
    assert doc["answers"]["start-choice"]["answer"] == "c"
    assert doc["answers"]["start-choice"]["attempts"] == 1
    for example in json.loads((REPO / "schemas" / "submission.schema.json")
                              .read_text(encoding="utf-8"))["examples"]:
        submissions.check_submission(example)


def test_submit_without_saved_answers_says_what_to_do(course, capsys):
    assert main(["submit", LESSON, "--student", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "no saved answers" in err and "--student" in err and "Traceback" not in err
    assert main(["submit", "99_nope", "--student", "nobody"]) == 2
    assert "No question bank for lesson '99_nope'" in capsys.readouterr().err


@pytest.mark.parametrize("change", [
    lambda d: d.pop("student"), lambda d: d.update(student=7), lambda d: d.update(student=""),
    lambda d: d.update(format="something/1"), lambda d: d.update(answers=[]),
    lambda d: d.update(course_version="latest"), lambda d: d.update(created_at="yesterday"),
    lambda d: d["answers"]["start-choice"].pop("answer"),
    lambda d: d["answers"]["start-choice"].update(attempts=-1),
    lambda d: d["answers"]["start-choice"].update(saved_at=3),
    lambda d: d.update(lesson="../../etc"),
])
def test_schema_and_grader_reject_the_same_documents(change):
    doc = submission()
    schema_validator().validate(doc)
    submissions.check_submission(doc)
    change(doc)
    assert not schema_validator().is_valid(doc)
    with pytest.raises(submissions.Rejected):
        submissions.check_submission(doc)


def test_export_button_writes_the_submission_into_the_current_folder(course, tmp_path):
    import pactlab

    lesson = pactlab.start(LESSON, student="cleo")
    lesson.question("start-number").answer(23)
    progress = lesson.progress()
    assert repr(progress) == "Progress for 00_start_here"
    assert progress._repr_mimebundle_()["text/plain"] == "Progress for 00_start_here"
    assert progress.export_button.description == "Export submission"
    progress.export_button.click()
    path = tmp_path / f"{LESSON}__cleo.pactlab.json"
    assert path.exists()
    assert path.name in progress.export_status.value
    assert "Hand in that file" in progress.export_status.value
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["answers"]["start-number"]["answer"] == 23
    schema_validator().validate(doc)


def test_export_uses_the_name_typed_in_the_progress_box(course, tmp_path, monkeypatch):
    import pactlab

    monkeypatch.setenv("PACTLAB_STUDENT", "jovyan")  # a shared login, as on Binder
    lesson = pactlab.start(LESSON)
    lesson.question("start-choice").answer("b")
    progress = lesson.progress()
    assert progress.export_name.value == "jovyan"
    progress.export_name.value = "  Ana López "
    progress.export_button.click()
    path = tmp_path / f"{LESSON}__Ana_López.pactlab.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["student"] == "Ana_López" and doc["answers"]["start-choice"]["answer"] == "b"
    assert not (tmp_path / f"{LESSON}__jovyan.pactlab.json").exists()


def test_submit_names_answers_saved_under_a_shared_login(course, tmp_path, monkeypatch, capsys):
    import pactlab

    monkeypatch.setenv("PACTLAB_STUDENT", "jovyan")
    pactlab.start(LESSON).question("start-number").answer(23)
    assert main(["submit", LESSON, "--student", "Ben Okafor"]) == 0
    assert "read from the answers saved as 'jovyan'" in capsys.readouterr().out
    doc = json.loads((tmp_path / f"{LESSON}__Ben_Okafor.pactlab.json").read_text("utf-8"))
    assert doc["student"] == "Ben_Okafor" and doc["answers"]["start-number"]["answer"] == 23


def test_export_button_reports_a_folder_it_cannot_write(course, tmp_path):
    import pactlab

    lesson = pactlab.start(LESSON, student="cleo")
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x", encoding="utf-8")
    assert lesson.progress().export(blocker / "sub") is None
    assert "could not be written" in lesson.progress().export_status.value


# ---- bad input: each reported with its reason, the rest graded, exit code 1 ------------------
def run_with_bad(course, tmp_path, name, content, capsys):
    folder = tmp_path / "subs"
    write(folder, "good.pactlab.json", submission(student="good"))
    bad = write(folder, name, content)
    capsys.readouterr()
    code = grade(folder)
    err = capsys.readouterr().err
    assert code == 1
    assert float(student_row("good")["total"]) == AUTO_POSSIBLE  # the rest is graded
    rows = [r for r in errors() if r["file"] == str(bad)]
    assert rows and rows[0]["level"] == "error"
    assert str(bad) in err
    return rows[0]["reason"], err


def test_malformed_json_is_reported(course, tmp_path, capsys):
    text = json.dumps(submission(student="x")).replace('"lesson"', '"lesson",,', 1)
    reason, err = run_with_bad(course, tmp_path, "bad.pactlab.json", text, capsys)
    assert reason.startswith("malformed JSON") and "line 1" in reason
    assert reason in err


def test_truncated_file_is_reported(course, tmp_path, capsys):
    text = json.dumps(submission(student="x"), indent=1)
    reason, _ = run_with_bad(course, tmp_path, "cut.pactlab.json", text[:len(text) // 2], capsys)
    assert reason.startswith("truncated")


def test_oversized_file_is_rejected_before_it_is_read(course, tmp_path, capsys, monkeypatch):
    doc = submission(student="big", answers={"start-written": "word " * 250_000})
    path = write(tmp_path / "big", "big.pactlab.json", doc)
    assert path.stat().st_size > submissions.MAX_BYTES
    opened = []
    real_open = open
    monkeypatch.setattr(submissions, "open", lambda p, *a, **k: opened.append(str(p))
                        or real_open(p, *a, **k), raising=False)
    reason, _ = run_with_bad(course, tmp_path, "big.pactlab.json", path.read_bytes(), capsys)
    assert reason.startswith("oversized") and "1,000,000-byte limit" in reason
    assert not any(p.endswith("subs/big.pactlab.json") for p in opened)
    assert any(p.endswith("good.pactlab.json") for p in opened)


def test_non_utf8_file_is_reported(course, tmp_path, capsys):
    data = json.dumps(submission(student="Zoë"), ensure_ascii=False).encode("latin-1")
    reason, _ = run_with_bad(course, tmp_path, "latin.pactlab.json", data, capsys)
    assert reason.startswith("not UTF-8") and "0xeb" in reason


def test_empty_file_is_reported(course, tmp_path, capsys):
    reason, _ = run_with_bad(course, tmp_path, "empty.pactlab.json", b"", capsys)
    assert reason.startswith("empty file")


@pytest.mark.parametrize("content, expected", [
    ('{"name": "some-package", "version": "1.0.0"}', "foreign file: not a pactlab submission"),
    ("[1, 2, 3]", "foreign file: JSON a list"),
    ('"just text"', "foreign file: JSON a string"),
    ('{"format": "pactlab-answers/1", "student": "x", "lesson": "00_start_here", '
     '"answers": {}}', "this is a saved-answers file, not a submission"),
    ('{"format": "pactlab-submission/2"}', "newer than this pactlab reads"),
    ('{"format": "pactlab-submission/1", "student": "x"}', "the field 'lesson' is missing"),
    ("[" * 100_000 + "]" * 100_000, "malformed JSON"),
    ('{"format": "pactlab-submission/1", "x": NaN}', "malformed JSON"),
])
def test_foreign_files_are_reported(course, tmp_path, capsys, content, expected):
    reason, _ = run_with_bad(course, tmp_path, "other.json", content, capsys)
    assert expected in reason


def test_unknown_lesson_is_reported(course, tmp_path, capsys):
    doc = submission(student="x")
    doc["lesson"] = "07_unknown"
    reason, _ = run_with_bad(course, tmp_path, "x.pactlab.json", doc, capsys)
    assert "unknown lesson '07_unknown'" in reason


def test_duplicate_keeps_the_newest_and_reports_the_other(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    old = write(folder, "first.pactlab.json", submission(created="2024-06-20T10:00:00+00:00"))
    new = write(folder, "second.pactlab.json",
                submission(answers=WRONG, created="2024-06-21T08:00:00Z"))
    older_named_last = write(folder, "third.pactlab.json",
                             submission(created="2024-06-19T08:00:00+00:00"))
    assert grade(folder) == 1
    assert student_row("ana")["total"] == "0"  # the newest file's (wrong) answers
    rows = {r["file"]: r for r in errors()}
    assert set(rows) == {str(old), str(older_named_last)}
    for row in rows.values():
        assert row["reason"].startswith("duplicate:") and str(new) in row["reason"]
        assert "the newer file" in row["reason"]
    assert len([r for r in read_csv("grades.csv") if r["student"] == "ana"]) == 1


def test_same_file_named_twice_is_graded_once(course, tmp_path):
    path = write(tmp_path / "subs", "a.pactlab.json", submission())
    assert grade(path, tmp_path / "subs") == 0
    assert len(read_csv("grades.csv")) == 2 and errors() == []


def test_unknown_question_id_is_reported_and_the_rest_graded(course, tmp_path, capsys):
    doc = submission(answers={**KEY, "start-nonexistent": "b", "x" * 500: 1})
    write(tmp_path / "subs", "a.pactlab.json", doc)
    assert grade(tmp_path / "subs") == 0  # graded: a warning, not a failed file
    assert student_row("ana")["total"] == str(AUTO_POSSIBLE)
    warnings = [r for r in errors() if r["level"] == "warning"]
    assert {w["question"] for w in warnings} == {"start-nonexistent", "x" * 80}
    assert "unknown question id 'start-nonexistent'" in warnings[0]["reason"]
    assert "start-nonexistent" in capsys.readouterr().err


def test_future_course_version_is_graded_with_a_warning(course, tmp_path, capsys):
    doc = submission(course_version="9.3.0")
    write(tmp_path / "subs", "a.pactlab.json", doc)
    assert grade(tmp_path / "subs") == 0
    assert student_row("ana")["total"] == str(AUTO_POSSIBLE)
    (warning,) = errors()
    assert warning["level"] == "warning" and "9.3.0, newer than this pactlab" in warning["reason"]
    assert "9.3.0" in capsys.readouterr().err


def test_answers_that_do_not_fit_score_zero_with_a_warning(course, tmp_path):
    answers = {**KEY, "start-choice": "z", "start-number": {"value": 23},
               "start-order": ["sign"], "start-date": "31/02/2024", "start-data": [1, 2, 3],
               "start-text": "x" * 300, "start-match": "primary"}
    write(tmp_path / "subs", "a.pactlab.json", submission(answers=answers))
    assert grade(tmp_path / "subs") == 0
    ana = student_row("ana")
    assert ana["total"] == "1"  # only start-multi is right
    warned = {r["question"] for r in errors() if r["level"] == "warning"}
    assert warned == set(answers) - {"start-multi", "start-written"}


def test_missing_paths_and_empty_folders_are_reported(course, tmp_path, capsys):
    write(tmp_path / "subs", "a.pactlab.json", submission())
    (tmp_path / "empty").mkdir()
    assert grade(tmp_path / "subs", tmp_path / "nope.json", tmp_path / "empty") == 1
    reasons = {r["file"]: r["reason"] for r in errors()}
    assert reasons[str(tmp_path / "nope.json")] == "no such file or folder"
    assert "without any .json" in reasons[str(tmp_path / "empty")]
    assert main(["grade", str(tmp_path / "nope.json"), "--out", "x.csv"]) == 2
    assert "no submission files found" in capsys.readouterr().err


def test_grading_needs_the_banks_with_keys(course, tmp_path):
    from pactlab.instructor.authoring import release

    release(tmp_path / "assessment", assessment=True)
    write(tmp_path / "subs", "a.pactlab.json", submission())
    code = scoring.grade_files([tmp_path / "subs"], root=tmp_path / "assessment")
    (issue,) = code.issues
    assert "has no answer keys" in issue.reason and not code.graded


def test_spreadsheet_formulas_in_submissions_are_neutralised(course, tmp_path):
    write(tmp_path / "subs", "a.pactlab.json",
          submission(student="=HYPERLINK(\"http://x\")", answers={"start-text": "=1+1"}))
    assert grade(tmp_path / "subs") == 0
    rows = read_csv("grades.csv")
    assert rows[1]["student"].startswith("'=")
    long = {r["question"]: r for r in read_csv("grades.long.csv")}
    assert long["start-text"]["answer"] == "'=1+1"


def test_submissions_are_never_executed(course, tmp_path):
    marker = tmp_path / "PWNED"
    payload = f"__import__('os').system('touch {marker}')"
    answers = {qid: payload for qid in KEY}
    answers["start-data"] = {"__class__": payload}
    doc = submission(answers=answers, student=payload[:100])
    doc["__reduce__"] = payload
    write(tmp_path / "subs", "a.pactlab.json", doc)
    assert grade(tmp_path / "subs") == 0
    assert not marker.exists()
    assert student_row(payload[:100])["total"] == "0"


@pytest.mark.parametrize("module", ["submissions", "scoring", "results", "report", "feedback"])
def test_grading_modules_have_no_code_execution(module):
    tree = ast.parse((REPO / "pactlab" / "instructor" / f"{module}.py").read_text("utf-8"))
    banned_calls = {"eval", "exec", "compile", "__import__", "import_module", "system",
                    "popen", "run", "Popen", "load", "loads"}
    banned_modules = {"pickle", "marshal", "shelve", "subprocess", "importlib", "runpy"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not banned_modules & {n.split(".")[0] for n in names}, names
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in banned_calls:
                # allowed: json.loads on the decoded text, re.compile of the module's patterns
                owner = getattr(getattr(func, "value", None), "id", "")
                assert (owner, name) in {("json", "loads"), ("re", "compile")}, ast.dump(node)


# ---- progress, report -------------------------------------------------------------------------
def make_class(folder: Path, n: int, seed: int = 1) -> list[dict]:
    """n students who each know the answer with their own probability."""
    rng = random.Random(seed)
    docs = []
    for s in range(n):
        skill = rng.random()
        answers = {qid: (KEY[qid] if qid not in WRONG or rng.random() < skill else WRONG[qid])
                   for qid in KEY}
        doc = submission(student=f"s{s:03d}", answers=answers)
        write(folder, f"{LESSON}__s{s:03d}.pactlab.json", doc)
        docs.append(doc)
    return docs


def test_progress_bar_on_long_runs_only(course, tmp_path, capsys):
    make_class(tmp_path / "many", 60)
    assert grade(tmp_path / "many") == 0
    err = capsys.readouterr().err
    assert "grading: 60/60 files (100%)" in err and "grading: 6/60" in err
    make_class(tmp_path / "few", 3)
    assert grade(tmp_path / "few") == 0
    assert "grading:" not in capsys.readouterr().err


def test_report_item_statistics_and_chart(course, tmp_path):
    docs = make_class(tmp_path / "class", 40)
    assert grade(tmp_path / "class", report="out/report") == 0
    report = Path("out/report/report.md").read_text(encoding="utf-8")
    png = Path(f"out/report/{LESSON}.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert f"![Facility of each question in {LESSON}]({LESSON}.png)" in report
    assert "## Summary" in report and "**40 submission files** graded" in report
    for qid in KEY:
        assert f"| `{qid}` |" in report

    # recompute the statistics of start-choice independently
    import numpy as np

    scores = np.array([1.0 if d["answers"]["start-choice"]["answer"] == "b" else 0.0
                       for d in docs])
    totals = []
    for d in docs:
        totals.append(sum(1.0 for qid in WRONG if d["answers"][qid]["answer"] == KEY[qid]))
    totals = np.array(totals)
    run = scoring.grade_files([tmp_path / "class"])
    analysis = item_analysis(run)[LESSON]
    item = next(i for i in analysis["items"] if i["question"].id == "start-choice")
    assert item["facility"] == pytest.approx(scores.mean())
    assert item["point_biserial"] == pytest.approx(np.corrcoef(scores, totals - scores)[0, 1])
    k = round(0.27 * len(docs))
    order = np.argsort(totals - scores, kind="stable")  # ranked on the rest of the lesson
    assert item["upper_lower"] == pytest.approx(scores[order[-k:]].mean()
                                                - scores[order[:k]].mean())
    row = next(line for line in report.splitlines() if line.startswith("| `start-choice`"))
    assert f"{scores.mean():.0%}" in row and f"{item['point_biserial']:+.2f}" in row
    wrong_a = int((scores == 0).sum())
    assert item["wrong"][0] == ("a", wrong_a)
    assert f"“notebooks/” (a) ×{wrong_a}" in row  # the option's text, not only its id


def test_report_escapes_student_text(course, tmp_path):
    answers = {**KEY, "start-text": "<script>x</script> | `rm` [link](http://x)"}
    write(tmp_path / "subs", "a.pactlab.json", submission(answers=answers))
    assert grade(tmp_path / "subs", report="out/report") == 0
    report = Path("out/report/report.md").read_text(encoding="utf-8")
    assert "<script>" not in report and "[link](" not in report
    row = next(line for line in report.splitlines() if line.startswith("| `start-text`"))
    assert row.count(" | ") == 7  # the student's "|" did not add a column


def test_lesson_self_checks_are_saved_but_not_graded(course, tmp_path):
    # a question shown in the lesson notebook (part: lesson) is practice, not part of the grade
    bank_file = course / "solutions" / "questions" / f"{LESSON}.yaml"
    master = yaml.safe_load(bank_file.read_text(encoding="utf-8"))
    next(q for q in master["questions"] if q["id"] == "start-text")["part"] = "lesson"
    bank_file.write_text(yaml.safe_dump(master, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    assert main(["assign"]) == 0
    assert grade(write(tmp_path / "in", "ana.pactlab.json", submission())) == 0
    header = read_csv("grades.csv")[0]
    assert "start-text" not in header and "start-choice" in header
    assert float(header["total"]) == AUTO_POSSIBLE - 1
    assert float(student_row("ana")["total"]) == AUTO_POSSIBLE - 1
    assert not any("start-text" in (row.get("question") or "") for row in errors())
