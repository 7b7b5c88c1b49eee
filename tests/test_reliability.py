"""Answers that are never lost, keys that never leak, grading that cannot be fooled or stopped.

Each test is one ordinary situation that used to lose answers, leak keys or stop a class's
grading: two kernels on one lesson, Run All after clicking, a damaged answers file, a shared
machine, a hub, a checkout installed in editable mode, hostile submission files.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pactlab
from course_factory import LESSON, REPO
from pactlab.bank import compile_master
from pactlab.cli import main
from pactlab.store import AnswerStore, StoreWarning, safe_name

REAL = REPO  # the course's own banks: 01_summit has lesson self-checks and exercises


def record_answers(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


# ---- the answer store: nothing is ever lost -------------------------------------------------
def test_a_lesson_and_its_exercises_open_together_keep_every_answer(answers_dir):
    exercises = pactlab.start("01_summit", part="exercises")
    lesson = pactlab.start("01_summit", part="lesson")  # a second kernel, same file
    assert exercises.store.path == lesson.store.path
    exercises.question("summit-quote-source").answer("a")
    exercises.question("summit-days").answer(168)
    lesson_qid = lesson.bank.part("lesson")[0].id
    lesson_q = lesson.bank[lesson_qid]
    lesson.question(lesson_qid).answer(lesson_q.key_answer())
    saved = record_answers(lesson.store.path)
    assert {"summit-quote-source", "summit-days", lesson_qid} <= set(saved)
    # and the exercises kernel, asked again, sees the lesson's answer too
    assert exercises.question("summit-symbol") is not None
    assert lesson_qid in exercises.store.answers


WORKER = textwrap.dedent("""
    import sys
    from pactlab.store import AnswerStore
    prefix, lesson, folder = sys.argv[1], sys.argv[2], sys.argv[3]
    for n in range(100):
        AnswerStore(lesson, student="ada", directory=folder).save(f"{prefix}-{n}", n, "code")
""")


def test_two_processes_answering_one_lesson_lose_nothing(tmp_path):
    folder = tmp_path / "answers"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, prefix, "01_summit", str(folder)],
                              env=env) for prefix in ("left", "right")]
    for p in procs:
        assert p.wait(timeout=120) == 0
    saved = record_answers(folder / "ada" / "01_summit.json")
    assert len(saved) == 200
    assert all(saved[f"{side}-{n}"]["answer"] == n for side in ("left", "right")
               for n in range(100))
    # nothing temporary is left behind
    assert sorted(p.name for p in (folder / "ada").iterdir()) == ["01_summit.json",
                                                                  "01_summit.json.lock"]


def test_two_stores_in_one_process_interleaved_keep_every_answer(tmp_path):
    one = AnswerStore("01_summit", student="ada", directory=tmp_path)
    two = AnswerStore("01_summit", student="ada", directory=tmp_path)
    for n in range(100):
        one.save(f"one-{n}", n)
        two.save(f"two-{n}", n)
    assert len(record_answers(one.path)) == 200


def test_the_newest_record_of_a_question_wins_across_kernels(tmp_path):
    one = AnswerStore("01_summit", student="ada", directory=tmp_path)
    two = AnswerStore("01_summit", student="ada", directory=tmp_path)
    one.save("q", "old")
    two.save("q", "new")   # two re-reads the file: it knows one's answer, and replaces it
    one.save("other", 1)   # one's memory still says "old": the merge keeps the newer "new"
    saved = record_answers(one.path)
    assert saved["q"]["answer"] == "new" and saved["q"]["attempts"] == 2
    assert saved["other"]["answer"] == 1


def test_a_partly_damaged_file_keeps_its_good_records(answers_dir):
    folder = answers_dir / "test-student"
    folder.mkdir(parents=True)
    path = folder / f"{LESSON}.json"
    good = {"answer": "b", "saved_at": "2026-01-01T10:00:00+00:00", "attempts": 1}
    path.write_text(json.dumps({"format": "pactlab-answers/1", "answers": {
        "start-choice": good,
        "start-text": "Pyongyang",                                  # wrong shape
        "start-number": {"answer": int("9" * 400), "saved_at": "2026-01-01T10:00:00+00:00",
                         "attempts": 1},                            # a 400-digit number
        "start-date": {"answer": "2024-12-04", "saved_at": "2026-01-01T10:00:00+00:00",
                       "attempts": 1}}}), encoding="utf-8")
    original = path.read_bytes()
    with pytest.warns(StoreWarning) as caught:
        course = pactlab.start(LESSON)
    assert len(caught) == 1  # warned once
    message = str(caught[0].message)
    assert str(path) in message and "2 damaged records" in message
    assert set(course.store.answers) == {"start-choice", "start-date"}
    aside = list(folder.glob(f"{LESSON}.unreadable-*.json"))
    assert len(aside) == 1 and aside[0].read_bytes() == original
    assert set(record_answers(path)) == {"start-choice", "start-date"}  # written back clean
    progress = course.progress()  # the progress box renders, with the warning
    assert "2 of 9 answered" in progress.html.value and "damaged" in progress.html.value
    assert course.summary()["answered"] == 2
    with _no_warning():
        pactlab.start(LESSON)  # the next start finds a clean file: no second warning


class _no_warning:
    def __enter__(self):
        import warnings
        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("error", StoreWarning)

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        return False


def test_moved_aside_copies_never_overwrite_each_other(answers_dir):
    folder = answers_dir / "test-student"
    folder.mkdir(parents=True)
    for content in (b"{broken one", b"{broken two"):
        (folder / f"{LESSON}.json").write_bytes(content)
        with pytest.warns(StoreWarning):
            AnswerStore(LESSON)
    kept = sorted(p.read_bytes() for p in folder.glob(f"{LESSON}.unreadable-*.json"))
    assert kept == [b"{broken one", b"{broken two"]


def test_run_all_never_overwrites_a_newer_click(answers_dir):
    course = pactlab.start("00_start_here")
    view = course.question("start-data")
    view.answer(4)                      # the code cell, first run
    view.text.value = "180"
    view.click()                        # later: the right answer, by clicking
    for _ in range(3):                  # Run All, three times
        again = pactlab.start("00_start_here").question("start-data")
        result = again.answer(4)
        assert result.status == "correct" and "is kept" in again.feedback.value
    record = AnswerStore("00_start_here").get("start-data")
    assert record["answer"] == 180 and record["attempts"] == 2
    # a new value typed into the code cell is a new answer, and counts
    pactlab.start("00_start_here").question("start-data").answer(179)
    assert AnswerStore("00_start_here").get("start-data")["answer"] == 179


def test_an_unchanged_answer_is_not_saved_again_or_counted(answers_dir):
    for _ in range(5):
        pactlab.start("00_start_here").question("start-choice").answer("b")
    record = AnswerStore("00_start_here").get("start-choice")
    assert record["attempts"] == 1


def test_every_exercise_set_uses_one_code_pattern():
    """Code answers name their question: `course.question("id").answer(...)`, never a
    variable `q` that Run All leaves pointing at the last question."""
    import re

    for folder in ("solutions", "exercises", "notebooks"):
        for path in sorted((REAL / folder).glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                if cell["cell_type"] != "code":
                    continue
                text = "".join(cell["source"])
                assert not re.search(r"^\s*q\s*=", text, re.M), f"{path.name}: {text[:80]}"
                assert not re.search(r"(?<![\w)])q\.answer\(", text), f"{path.name}: {text[:80]}"
                for call in re.findall(r"\.answer\(", text):
                    assert 'course.question("' in text, f"{path.name}: {text[:80]}"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_answers_are_private_whatever_the_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    answers = home / "answers"
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(answers))
    old = os.umask(0o022)
    try:
        pactlab.start(LESSON).question("start-choice").answer("b")
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(answers) == 0o700
    assert mode(answers / "test-student") == 0o700
    assert mode(answers / "test-student" / f"{LESSON}.json") == 0o600


def test_names_long_and_odd_are_one_rule_everywhere(course, tmp_path, monkeypatch, capsys):
    name = "Zoë " + "ü" * 150 + " " + "x" * 145  # 300 characters
    assert len(name) == 300
    other = name[:-1] + "y"
    safe = safe_name(name)
    assert len(safe.encode()) <= 64 and safe != safe_name(other) and safe == safe_name(safe)
    assert safe_name("Ana\u200b López\u202e") == "Ana_López"
    assert safe_name("../..") == "student"
    lesson = pactlab.start(LESSON, student=name)
    lesson.question("start-choice").answer("b")
    assert lesson.store.path.parent.name == safe
    monkeypatch.setenv("PACTLAB_STUDENT", name)
    assert main(["submit", LESSON, "--out", str(tmp_path / "subs")]) == 0
    files = list((tmp_path / "subs").iterdir())
    assert [f.name for f in files] == [f"{LESSON}__{safe}.pactlab.json"]
    capsys.readouterr()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "g.csv")]) == 0
    rows = list(csv.DictReader(open(tmp_path / "g.csv", encoding="utf-8")))
    assert rows[1]["student"] == safe and rows[1]["start-choice"] == "1"


def test_on_a_hub_the_student_is_the_hub_user(course, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    monkeypatch.setenv("PACTLAB_STUDENT", "jovyan")
    lesson = pactlab.start(LESSON)
    assert lesson.store.student == "ana"
    lesson.question("start-choice").answer("b")
    progress = lesson.progress()
    assert progress.export_name.value == "ana" and progress.export_name.disabled
    progress.export_name.value = "ben"  # even if the box is changed
    path = progress.export(tmp_path / "out")
    assert path.name == f"{LESSON}__ana.pactlab.json"
    assert json.loads(path.read_text(encoding="utf-8"))["student"] == "ana"
    assert main(["submit", LESSON, "--student", "ben"]) == 2
    assert "you are 'ana'" in capsys.readouterr().err


def test_practice_and_assessment_answers_are_kept_apart(course, tmp_path, monkeypatch):
    pactlab.start(LESSON, part="exercises").question("start-choice").answer("a")
    out = tmp_path / "exam"
    assert main(["release", "--out", str(out), "--assessment"]) == 0
    monkeypatch.setenv("PACTLAB_ROOT", str(out))
    exam = pactlab.start(LESSON, part="exercises")
    assert exam.store.get("start-choice") is None  # not pre-filled with practice answers
    exam.question("start-choice").answer("b")
    assert exam.store.get("start-choice")["attempts"] == 1
    monkeypatch.setenv("PACTLAB_ROOT", str(course))
    assert pactlab.start(LESSON).store.get("start-choice")["answer"] == "a"
    from pactlab.grading import make_submission

    assert make_submission(exam.store)["assessment"] is True


def test_the_tutorial_keeps_its_feedback_in_an_assessment_release(tmp_path, monkeypatch):
    out = tmp_path / "exam"
    monkeypatch.setenv("PACTLAB_ROOT", str(REAL))
    from pactlab.authoring import release

    release(out, assessment=True)
    monkeypatch.setenv("PACTLAB_ROOT", str(out))
    result = pactlab.start("00_start_here").question("start-choice").answer("a")
    assert result.status == "wrong" and "Saved. Feedback comes after" not in result.feedback
    lesson = pactlab.start("01_summit", part="lesson")
    check = lesson.bank.part("lesson")[0]
    assert check.graded  # a lesson's self-check keeps its feedback
    exam = pactlab.start("01_summit", part="exercises")
    assert not any(q.graded for q in exam.bank.part("exercises") if q.part == "exercises")


# ---- the course a notebook belongs to -------------------------------------------------------
def test_an_assessment_bundle_never_loads_the_checkouts_keys(tmp_path, monkeypatch):
    """pactlab installed editable from this checkout (as `make` installs it), an assessment
    release elsewhere: its notebook must read the bundle's banks, without keys."""
    import importlib.metadata

    installs = [json.loads(d.read_text("direct_url.json"))
                for d in importlib.metadata.distributions(name="pactlab")
                if d.read_text("direct_url.json")]
    assert any(i.get("dir_info", {}).get("editable") for i in installs), \
        "this test needs pactlab installed editable from the checkout (make installs it so)"
    out = tmp_path / "exam"
    monkeypatch.setenv("PACTLAB_ROOT", str(REAL))
    from pactlab.authoring import release

    release(out, assessment=True)
    monkeypatch.delenv("PACTLAB_ROOT")
    import nbformat
    from nbclient import NotebookClient

    path = out / "exercises" / "01_summit.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'from pactlab.bank import course_root\n'
        'print("PKG", pactlab.__file__)\n'
        'print("ROOT", course_root())\n'
        'r = course.question("summit-quote-source").answer("a")\n'
        'print("STATUS", r.status)\n'
        'print("FEEDBACK", r.feedback)'))
    env_dir = tmp_path / "kernel-answers"
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(env_dir))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert f"PKG {REPO / 'pactlab' / '__init__.py'}" in text  # the checkout's package, with keys
    assert f"ROOT {out}" in text
    assert "STATUS saved" in text and "Correct" not in text and "✔" not in text
    assert "Feedback comes after your instructor has graded the work" in text


def test_commands_say_which_course_they_use(course, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PACTLAB_ROOT")
    monkeypatch.chdir(course / "notebooks")  # anywhere inside the course
    pactlab.start(LESSON).question("start-choice").answer("b")
    assert main(["submit", LESSON, "--out", str(tmp_path / "s")]) == 0
    assert f"Course: {course}" in capsys.readouterr().out
    assert main(["grade", str(tmp_path / "s"), "--out", str(tmp_path / "g.csv")]) == 0
    assert f"Course: {course}" in capsys.readouterr().out


# ---- question banks that cannot be wrong silently --------------------------------------------
@pytest.mark.parametrize("question, message", [
    (dict(type="number", answer=397), r"'answer' must be a mapping like \{value: 23"),
    (dict(type="date", answer="2024-12-04"), r"'answer' must be a mapping"),
    (dict(type="date", answer={"value": "4 Dec 2024"}), r"YYYY-MM-DD"),
    (dict(type="data", answer=5), r"'answer' must be a mapping"),
    (dict(type="data", answer_type="list", answer={"value": 3}), r"does not fit"),
    (dict(type="text", answer="Pyongyang"), r"list of accepted variants"),
    (dict(type="choice", options={"a": "A", "b": "B"}, answer=["a"]), r"not an option"),
    (dict(type="match", items={"x": "X"}, categories={"c": "C", "d": "D"}, answer=["c"]),
     r"must place every item"),
])
def test_a_key_of_the_wrong_shape_fails_compilation(question, message):
    from pactlab.questions import make_question

    spec = {"id": "b1", "prompt": "P?", **question}
    master = {"lesson": "x", "title": "X", "questions": [spec]}
    # the master schema names file, question and field ...
    with pytest.raises(ValueError, match=r"m\.yaml, question 1 \(b1\).*answer"):
        compile_master(master, "m.yaml")
    # ... and the question type's own class finds it too (where jsonschema is not installed)
    public = {k: v for k, v in spec.items() if k != "answer"}
    with pytest.raises(ValueError, match=message):
        make_question(public, {"answer": spec["answer"]}).check_key()


def test_a_key_that_does_not_score_full_marks_fails_compilation():
    master = {"lesson": "x", "title": "X", "questions": [
        {"id": "b1", "type": "data", "prompt": "P?", "answer_type": "number",
         "answer": {"value": 3, "tolerance": 0}},
        {"id": "b2", "type": "text", "prompt": "P?", "answer": ["  "]}]}
    compile_master({**master, "questions": master["questions"][:1]}, "m.yaml")
    with pytest.raises(ValueError, match=r"question 2 \(b2\)"):
        compile_master(master, "m.yaml")


def test_every_key_of_the_course_scores_full_marks_against_itself():
    from pactlab.bank import load_bank

    checked = 0
    for path in sorted((REAL / "questions").glob("*.json")):
        for q in load_bank(path.stem, REAL).questions.values():
            q.check_key()
            checked += q.auto_scored
    assert checked > 50


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("lesson: x\ntitle: X\nquestions: null\n", "'questions' must be a list"),
    ("lesson: x\ntitle: X\nquestions:\n  - just a string\n", "question 1: a question must be a "
                                                              "mapping"),
    ("lesson: x\ntitle: X\nquestions:\n  - {id: q1, type: choice, prompt: P, options: [a, b], "
     "answer: a}\n", "question 1 \\(q1\\)"),
    ("lesson: x\ntitle: X\nquestions:\n  - {id: q1, type: choice, prompt: P, optoins: {a: A}, "
     "answer: a}\n", "optoins"),
    ("- a\n- b\n", "not a mapping"),
])
def test_a_malformed_master_gets_a_message_not_a_traceback(course, text, message, capsys):
    (course / "solutions" / "questions" / "x.yaml").write_text(text, encoding="utf-8")
    assert main(["assign", "--check"]) == 2
    err = capsys.readouterr().err
    assert "x.yaml" in err and "Traceback" not in err
    assert __import__("re").search(message, err), err


def test_the_master_schema_accepts_every_master_of_the_course():
    import jsonschema
    import yaml

    schema = json.loads((REAL / "schemas" / "master.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted((REAL / "solutions" / "questions").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


# ---- install: the pins install on every Python the README promises ----------------------------
PROMISED = ("3.10.12", "3.11.2", "3.12.3")  # Ubuntu 22.04, Debian 12, Ubuntu 24.04


def test_each_pin_installs_on_every_promised_python():
    import importlib.metadata

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    checked, wrong = 0, []
    for line in (REAL / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        version = next(iter(req.specifier)).version
        try:
            dist = importlib.metadata.distribution(req.name)
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here: its requires-python cannot be read offline
        if dist.version != version:
            continue
        needs = dist.metadata.get("Requires-Python")
        checked += 1
        for python in PROMISED:
            env = {"python_version": python.rsplit(".", 1)[0], "python_full_version": python}
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            if needs and not SpecifierSet(needs).contains(python):
                wrong.append(f"{req.name}=={version} (Requires-Python {needs}) is pinned for "
                             f"Python {python}")
    assert checked > 50
    assert not wrong, "\n".join(wrong)
