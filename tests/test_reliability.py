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
from pactlab.instructor.masters import compile_master
from pactlab.instructor.cli import main
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
    rows = list(csv.DictReader(open(tmp_path / "g.csv", encoding="utf-8-sig")))
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
    from pactlab.submission import make_submission

    assert make_submission(exam.store)["assessment"] is True


def test_the_tutorial_keeps_its_feedback_in_an_assessment_release(tmp_path, monkeypatch):
    out = tmp_path / "exam"
    monkeypatch.setenv("PACTLAB_ROOT", str(REAL))
    from pactlab.instructor.authoring import release

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
    from pactlab.instructor.authoring import release

    release(out, assessment=True)
    monkeypatch.delenv("PACTLAB_ROOT")
    import nbformat
    from nbclient import NotebookClient

    path = out / "exercises" / "01_summit_exercises.ipynb"
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


# ---- grading: only what the answers earn, every file named, never stopped -------------------
from test_grading import KEY, submission, write  # noqa: E402


def run_grade(*args) -> int:
    return main(["grade", *map(str, args)])


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_numbers_with_thousands_of_digits_never_stop_the_run(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    write(folder, "good.pactlab.json", submission(student="good"))
    write(folder, "version.pactlab.json",
          json.dumps(submission(student="v")).replace('"0.1.0"', '"' + "9" * 4000 + '.0"'))
    big = submission(student="big", answers={**KEY, "start-number": 1})
    write(folder, "big.pactlab.json",
          json.dumps(big).replace('"answer": 1,', '"answer": ' + "9" * 4000 + ","))
    write(folder, "huge.pactlab.json",
          json.dumps(submission(student="huge")).replace('"attempts": 1', '"attempts": '
                                                         + "1" * 5000, 1))
    assert run_grade(folder, "--out", tmp_path / "out" / "g.csv") == 1
    grades = {r["student"]: r for r in rows_of(tmp_path / "out" / "g.csv")}
    assert grades["good"]["total"] == "8" and grades["big"]["start-number"] == "0"
    errors = {Path(r["file"]).name: r for r in rows_of(tmp_path / "out" / "g.errors.csv")}
    assert "course_version" in errors["version.pactlab.json"]["reason"]
    assert errors["huge.pactlab.json"]["level"] == "error"
    assert "far too large" in errors["big.pactlab.json"]["reason"]


def test_every_csv_cell_is_neutralised_file_names_included(course, tmp_path, monkeypatch):
    folder = tmp_path / "subs"
    write(folder, '=HYPERLINK(1,2).json', submission(student="=cmd"))
    write(folder, "@sum.json", b"not json")
    monkeypatch.chdir(folder)
    assert run_grade(".", "--out", tmp_path / "out" / "g.csv") == 1
    for name in ("g.csv", "g.long.csv", "g.written.csv", "g.errors.csv"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8-sig")
        for row in csv.reader(text.splitlines()):
            for cell in row:
                assert cell[:1] not in ("=", "+", "@") or cell[1:2] == "", (name, cell)
                if cell[:1] == "-":
                    float(cell)  # only numbers start with a minus
    long = rows_of(tmp_path / "out" / "g.long.csv")
    assert long[0]["file"].startswith("'") and "HYPERLINK" in long[0]["file"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX file types")
def test_files_that_are_not_regular_are_skipped_with_the_reason(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    good = write(folder, "good.pactlab.json", submission(student="good"))
    outside = write(tmp_path / "elsewhere", "secret.json", submission(student="outsider"))
    os.mkfifo(folder / "fifo.pactlab.json")
    os.symlink("/dev/zero", folder / "device.pactlab.json")
    os.symlink(outside, folder / "outside.pactlab.json")
    os.symlink(folder / "gone.json", folder / "broken.pactlab.json")
    (folder / "folder.pactlab.json").mkdir()
    os.symlink(good, folder / "inside.pactlab.json")  # inside the folder: the same file, once
    code = run_grade(folder, "--out", tmp_path / "out" / "g.csv")
    assert code == 0  # skipped files are reported, not failures
    students = [r["student"] for r in rows_of(tmp_path / "out" / "g.csv")[1:]]
    assert students == ["good"]
    reasons = {Path(r["file"]).name: (r["level"], r["reason"])
               for r in rows_of(tmp_path / "out" / "g.errors.csv")}
    assert reasons["fifo.pactlab.json"] == ("skipped", "a named pipe (FIFO), not a file: skipped")
    assert "device" in reasons["device.pactlab.json"][1] or \
        "outside" in reasons["device.pactlab.json"][1]
    assert "outside" in reasons["outside.pactlab.json"][1]
    assert "broken symbolic link" in reasons["broken.pactlab.json"][1]
    assert "folder" in reasons["folder.pactlab.json"][1]
    assert "inside.pactlab.json" not in reasons
    err = capsys.readouterr().err
    assert "fifo.pactlab.json" in err and "outside.pactlab.json" in err


def test_file_names_that_look_like_options_are_files(course, tmp_path, monkeypatch):
    folder = tmp_path / "subs"
    write(folder, "-x.json", submission(student="dash"))
    write(folder, "--report=..", submission(student="report"))
    write(folder, "--out=evil.csv", submission(student="out"))
    monkeypatch.chdir(folder)
    before = sorted(os.listdir(tmp_path))
    names = sorted(os.listdir("."))  # what `pactlab grade *` passes
    assert run_grade(*names, "--out", tmp_path / "out" / "g.csv") == 0
    students = sorted(r["student"] for r in rows_of(tmp_path / "out" / "g.csv")[1:])
    assert students == ["dash", "out", "report"]
    assert sorted(os.listdir(tmp_path)) == sorted(before + ["out"])  # nothing written in ..
    assert sorted(os.listdir(".")) == names and not Path("evil.csv").exists()


def test_control_characters_never_reach_the_terminal(course, tmp_path, capsys):
    folder = tmp_path / "subs"
    write(folder, "evil\x1b[2Jname\u202e.pactlab.json", b"{not json")
    write(folder, "ok.pactlab.json", submission(student="ok"))
    capsys.readouterr()
    run_grade(folder, "--out", tmp_path / "out" / "g.csv")
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2Jname\\u202e" in captured.err


def test_submissions_that_try_to_confuse_are_reported(course, tmp_path):
    folder = tmp_path / "subs"
    twice = json.dumps(submission(student="twice", answers={"start-choice": "a"}))
    twice = twice.replace('"answers": {', '"answers": {"start-choice": {"answer": "b", '
                          '"saved_at": "2024-06-20T09:00:00+00:00", "attempts": 1}, ', 1)
    write(folder, "twice.pactlab.json", twice)
    write(folder, "ana.pactlab.json",
          submission(student="ana", created="2024-06-20T10:00:00+00:00"))
    write(folder, "ana2.pactlab.json", submission(student="an\u200ba",
                                                   created="2024-06-20T11:00:00+00:00"))
    write(folder, "points.pactlab.json", submission(student="points possible"))
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).isoformat()
    write(folder, "future.pactlab.json", submission(student="future", created=future))
    assert run_grade(folder, "--out", tmp_path / "out" / "g.csv") == 1
    issues = [(Path(r["file"]).name, r["level"], r["question"], r["reason"])
              for r in rows_of(tmp_path / "out" / "g.errors.csv")]
    assert any(f == "twice.pactlab.json" and q == "start-choice" and "more than once" in r
               for f, _, q, r in issues)
    assert any(f == "ana.pactlab.json" and "possible duplicate" in r for f, _, _, r in issues)
    assert any(f == "points.pactlab.json" and lvl == "error" and "points row" in r
               for f, lvl, _, r in issues)
    assert any(f == "future.pactlab.json" and "in the future" in r for f, _, _, r in issues)
    rows = rows_of(tmp_path / "out" / "g.csv")
    assert [r["student"] for r in rows].count("POINTS POSSIBLE") == 1
    assert sum(r["student"].casefold() == "points possible" for r in rows) == 1


def test_hand_entered_written_scores_are_never_erased(course, tmp_path):
    folder = tmp_path / "subs"
    write(folder, "ana.pactlab.json", submission(student="ana"))
    write(folder, "ben.pactlab.json", submission(student="ben"))
    out = tmp_path / "out" / "g.csv"
    assert run_grade(folder, "--out", out) == 0
    written = out.with_name("g.written.csv")
    rows = rows_of(written)
    assert [r["score"] for r in rows] == ["", ""]
    rows[0]["score"] = "2"  # the teacher grades ana's written answer
    with open(written, "w", newline="", encoding="utf-8") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    # a late submission arrives; ben re-exports with a changed written answer
    write(folder, "cleo.pactlab.json", submission(student="cleo"))
    changed = {**KEY, "start-written": "A different answer about sources, long enough to count."}
    write(folder, "ben2.pactlab.json", submission(student="ben", answers=changed,
                                                   created="2024-06-21T10:00:00+00:00"))
    rows[1]["score"] = "1"
    with open(written, "w", newline="", encoding="utf-8") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    assert run_grade(folder, "--out", out) == 1  # ben's older file is a duplicate: reported
    again = {r["student"]: r for r in rows_of(written)}
    assert again["ana"]["score"] == "2" and again["cleo"]["score"] == ""
    assert again["ben"]["score"] == "1" and "answer changed" in again["ben"]["note"]
    assert rows_of(out)[1]["total"] == "8"  # written not counted without the option
    assert run_grade(folder, "--out", out, "--with-written") == 1
    grades = {r["student"]: r for r in rows_of(out)}
    assert grades["POINTS POSSIBLE"]["total"] == "10"
    assert grades["ana"]["total"] == "10" and grades["ana"]["start-written"] == "2"
    assert grades["cleo"]["total"] == "8"
    # a score that is not a number in range is reported with the line and the fix
    rows = rows_of(written)
    next(r for r in rows if r["student"] == "ana")["score"] = "twelve"
    with open(written, "w", newline="", encoding="utf-8") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    run_grade(folder, "--out", out, "--with-written")
    reasons = [r["reason"] for r in rows_of(out.with_name("g.errors.csv"))]
    assert any("'twelve'" in r and "correct it in this file" in r for r in reasons)
    assert "twelve" in written.read_text(encoding="utf-8")  # still not erased


def test_total_counts_the_assigned_lessons_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PACTLAB_ROOT", str(REAL))
    from pactlab.bank import load_bank

    folder = tmp_path / "subs"
    start = load_bank("00_start_here")
    summit = load_bank("01_summit")

    def full(bank):
        return {q.id: q.key_answer() for q in bank.part("exercises") if q.auto_scored}

    for lesson, bank in (("00_start_here", start), ("01_summit", summit)):
        doc = submission(student="ana", answers=full(bank))
        doc["lesson"] = lesson
        write(folder, f"{lesson}__ana.pactlab.json", doc)
    out = tmp_path / "g.csv"
    assert run_grade(folder, "--out", out) == 0
    rows = {r["student"]: r for r in rows_of(out)}
    summit_points = sum(q.points for q in summit.part("exercises") if q.auto_scored)
    start_points = sum(q.points for q in start.part("exercises") if q.auto_scored)
    assert float(rows["ana"]["total_00_start_here"]) == start_points
    assert float(rows["ana"]["total"]) == summit_points  # the tutorial does not count
    assert run_grade(folder, "--out", out, "--lessons", "00_start_here,01_summit") == 0
    rows = {r["student"]: r for r in rows_of(out)}
    assert float(rows["ana"]["total"]) == summit_points + start_points
    assert run_grade(folder, "--out", out, "--lessons", "01_summit,02_pact_domains") == 0
    rows = {r["student"]: r for r in rows_of(out)}
    assert float(rows["POINTS POSSIBLE"]["total"]) > summit_points  # assigned, not handed in
