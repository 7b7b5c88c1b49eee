"""`pactlab assign`: exercises/ and questions/ built from solutions/, and `--check`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_factory import LESSON, make_course
from pactlab.instructor.authoring import assign
from pactlab.instructor.cli import main

MASTER = f"solutions/{LESSON}_solutions.ipynb"
EXERCISE = f"exercises/{LESSON}_exercises.ipynb"


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = make_course(tmp_path / "course")
    monkeypatch.setenv("PACTLAB_ROOT", str(root))
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(tmp_path / "answers"))
    return root


def cells(path: Path) -> dict[str, dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {c["id"]: c for c in nb["cells"]}


def src(cell: dict) -> str:
    return "".join(cell["source"])


def edit_master(root: Path, change) -> None:
    import nbformat

    nb = nbformat.read(root / MASTER, as_version=4)
    change(nb)
    nbformat.write(nb, root / MASTER)


def test_assign_removes_solutions_and_keeps_ids(course):
    assert assign().ok
    master = cells(course / MASTER)
    exercise = cells(course / EXERCISE)
    # solution cells removed, every other cell kept with the master's id, in order
    assert list(exercise) == [cid for cid, c in master.items()
                              if "solution" not in c["metadata"].get("tags", [])]
    assert "a-choice" not in exercise and "answer-data" not in exercise
    text = json.dumps(list(exercise.values()))
    assert ".answer(" not in text
    assert 'course_map[\\"minutes\\"].sum()' not in text
    assert "A model answer" not in text
    # solution regions replaced by placeholders
    assert src(exercise["work-data"]) == ("# Add up the minutes of every lesson.\n"
                                         "# Your code here\ntotal")
    assert "*Your answer here.*" in src(exercise["written"])


def test_assign_outputs_kept_or_cleared(course):
    assert assign().ok
    master = cells(course / MASTER)
    exercise = cells(course / EXERCISE)
    # unchanged cells before any solution keep the master's outputs and execution counts
    for cid in ("setup", "q-choice", "data-prep", "q-data"):
        assert exercise[cid]["outputs"] == master[cid]["outputs"], cid
        assert exercise[cid]["execution_count"] == master[cid]["execution_count"], cid
    # a changed cell is cleared
    assert exercise["work-data"]["outputs"] == []
    assert exercise["work-data"]["execution_count"] is None
    # an unchanged cell after a solution that printed a computed answer is cleared...
    assert master["show-total"]["outputs"] and exercise["show-total"]["outputs"] == []
    assert exercise["show-total"]["execution_count"] is None
    # ...but question/progress renderings and keep-output cells stay
    assert exercise["progress"]["outputs"] == master["progress"]["outputs"]
    assert exercise["keep"]["outputs"] == master["keep"]["outputs"]


def test_assign_normalises_metadata(course):
    assert assign().ok
    nb = json.loads((course / EXERCISE).read_text(encoding="utf-8"))
    assert set(nb["metadata"]) == {"kernelspec", "language_info", "pactlab"}
    assert "version" not in nb["metadata"]["language_info"]
    assert nb["metadata"]["pactlab"]["generated_from"] == MASTER
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    for cell in nb["cells"]:
        assert set(cell["metadata"]) <= {"tags", "editable", "deletable"}, cell["id"]
        assert "keep-output" not in cell["metadata"].get("tags", [])


def test_assign_is_deterministic(course, tmp_path, monkeypatch):
    assert assign().ok
    first = (course / EXERCISE).read_bytes(), (course / f"questions/{LESSON}.json").read_bytes()
    assert assign().ok
    (course / EXERCISE).unlink()
    (course / f"questions/{LESSON}.json").unlink()
    assert assign().ok
    again = (course / EXERCISE).read_bytes(), (course / f"questions/{LESSON}.json").read_bytes()
    assert again == first
    # a second copy of the course, elsewhere, gives the same bytes
    other = make_course(tmp_path / "elsewhere")
    monkeypatch.setenv("PACTLAB_ROOT", str(other))
    assert assign().ok
    assert (other / EXERCISE).read_bytes() == first[0]
    assert first[0].endswith(b"}\n")


def test_check_passes_when_in_sync(course, capsys):
    assert main(["assign"]) == 0
    capsys.readouterr()
    assert main(["assign", "--check"]) == 0
    assert "in sync" in capsys.readouterr().out


def test_check_names_notebook_and_cell_of_a_hand_edit(course, capsys):
    assert main(["assign"]) == 0
    path = course / EXERCISE
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["id"] == "show-total":
            cell["source"] = ["print(total * 2)"]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["assign", "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{EXERCISE}, cell 'show-total': source differs" in err
    assert "pactlab assign" in err
    assert path.read_bytes() == before  # --check writes nothing


def test_check_reports_a_solution_cell_pasted_back(course, capsys):
    assert main(["assign"]) == 0
    path = course / EXERCISE
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "id": "a-choice", "metadata": {}, "outputs": [],
                        "execution_count": None,
                        "source": ['course.question("start-choice").answer("b")']})
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    capsys.readouterr()
    assert main(["assign", "--check"]) == 1
    assert f"{EXERCISE}, cell 'a-choice': not in what {MASTER} produces" in capsys.readouterr().err


def test_check_reports_missing_exercise_and_stale_bank(course, capsys):
    assert main(["assign"]) == 0
    (course / EXERCISE).unlink()
    bank = course / "solutions/questions" / f"{LESSON}.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("Too few.", "Fewer than that."),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["assign", "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{EXERCISE} is missing" in err
    assert f"questions/{LESSON}.json is out of date with solutions/questions/{LESSON}.yaml" in err


def test_unknown_question_id_in_a_master_is_reported(course, capsys):
    from nbformat.v4 import new_code_cell

    edit_master(course, lambda nb: nb.cells.append(
        new_code_cell('course.question("start-nope")', id="typo")))
    assert main(["assign"]) == 1
    err = capsys.readouterr().err
    assert f"{MASTER}, cell 'typo': uses question 'start-nope'" in err
    assert f"solutions/questions/{LESSON}.yaml" in err
    assert not (course / EXERCISE).exists()


def test_exercise_question_missing_from_exercises_is_reported(course, capsys):
    def hide(nb):
        for cell in nb.cells:
            if cell.id == "q-data":
                cell.metadata["tags"] = ["solution"]
    edit_master(course, hide)
    assert main(["assign"]) == 1
    err = capsys.readouterr().err
    assert "question 'start-data'" in err and "part: exercises" in err and EXERCISE in err


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "line 1: BEGIN SOLUTION is never closed"),
    ("x = 1\n# END SOLUTION", "line 2: END SOLUTION without a BEGIN SOLUTION"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "line 2: BEGIN SOLUTION inside"),
])
def test_unbalanced_solution_markers_are_reported(course, capsys, source, message):
    from nbformat.v4 import new_code_cell

    edit_master(course, lambda nb: nb.cells.append(new_code_cell(source, id="broken")))
    assert main(["assign"]) == 1
    err = capsys.readouterr().err
    assert f"{MASTER}, cell 'broken': {message}" in err
    assert not (course / EXERCISE).exists()


def test_key_text_left_in_an_exercise_output_is_caught(course, capsys):
    from nbformat.v4 import new_output

    explanation = yaml.safe_load((course / f"solutions/questions/{LESSON}.yaml").read_text(
        encoding="utf-8"))["questions"][0]["explanation"]

    def leak(nb):
        for cell in nb.cells:
            if cell.id == "setup":  # before any solution cell: its outputs are kept
                cell.outputs = [new_output("stream", name="stdout", text=explanation + "\n")]
    edit_master(course, leak)
    assert main(["assign"]) == 1
    err = capsys.readouterr().err
    assert f"{MASTER}, cell 'setup': shows the explanation of question 'start-choice'" in err


def test_master_without_cell_ids_is_reported(course, capsys):
    raw = json.loads((course / MASTER).read_text(encoding="utf-8"))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        del cell["id"]
    (course / MASTER).write_text(json.dumps(raw), encoding="utf-8")
    assert main(["assign"]) == 1
    assert "cell ids need 4.5 or later" in capsys.readouterr().err


def test_orphan_exercise_is_reported(course, capsys):
    assert main(["assign"]) == 0
    (course / "exercises" / "99_old.ipynb").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["assign", "--check"]) == 1
    err = capsys.readouterr().err
    assert "exercises/99_old.ipynb has no master solutions/99_old_solutions.ipynb" in err


# ---- the answer key page, generated from the master banks -----------------------------------
def run_answer_key(*args):
    return subprocess.run([sys.executable, "-m", "pactlab", "answer-key", *args],
                          capture_output=True, text=True)


def test_answer_key_tool_writes_and_checks(course):
    out = course / "docs" / "answer_key.md"
    done = run_answer_key()
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    master = yaml.safe_load((course / f"solutions/questions/{LESSON}.yaml").read_text("utf-8"))
    for q in master["questions"]:
        assert f"`{q['id']}`" in text
        if "explanation" in q:
            assert " ".join(q["explanation"].split()) in " ".join(text.split())
        for feedback in (q.get("feedback") or {}).values():  # each wrong option's misconception
            assert " ".join(str(feedback).split()) in " ".join(text.split())
    assert run_answer_key("--check").returncode == 0
    assert run_answer_key().returncode == 0
    assert out.read_text(encoding="utf-8") == text  # deterministic
    out.write_text(text.replace("Pyongyang", "Moscow"), encoding="utf-8")
    stale = run_answer_key("--check")
    assert stale.returncode == 1 and "docs/answer_key.md" in stale.stderr


def test_real_exercises_keep_the_evidence_their_masters_mark():
    """Static view (GitHub, nbviewer): the evidence a question points at is shown without a
    kernel. Masters tag such cells `keep-output`; the exercise keeps their stored output."""
    root = Path(__file__).resolve().parent.parent
    kept = 0
    for master in sorted((root / "solutions").glob("*_solutions.ipynb")):
        lesson = master.stem.removesuffix("_solutions")
        exercise = json.loads((root / "exercises" / f"{lesson}_exercises.ipynb").read_text("utf-8"))
        outputs = {c.get("id"): c.get("outputs") for c in exercise["cells"]}
        for cell in json.loads(master.read_text("utf-8"))["cells"]:
            if "keep-output" in cell.get("metadata", {}).get("tags", []):
                assert outputs.get(cell["id"]), f"{lesson}: evidence cell {cell['id']} is empty"
                kept += 1
    assert kept >= 10


def _text_of(outputs) -> str:
    text = ""
    for out in outputs or []:
        text += "".join(out.get("text", ""))
        text += "".join(out.get("data", {}).get("text/plain", ""))
    return text


def test_every_model_answer_in_the_masters_earns_full_marks():
    """A master's model answer must be one the grader accepts in full: a key with an id the
    question lacks, or a stale number, shows up as feedback other than "Correct". nbval (make
    test-notebooks) re-runs the masters and compares, so the stored outputs read here are
    current."""
    root = Path(__file__).resolve().parent.parent
    checked = 0
    for master in sorted((root / "solutions").glob("*_solutions.ipynb")):
        for cell in json.loads(master.read_text("utf-8"))["cells"]:
            source = "".join(cell.get("source", ""))
            if cell.get("cell_type") != "code" or ".answer(" not in source:
                continue
            lines = [line.strip() for line in _text_of(cell.get("outputs")).splitlines()]
            where = f"{master.name}, cell {cell.get('id')}"
            wrong = [line for line in lines if line.startswith("✘")]
            assert not wrong, f"{where}: the model answer is not accepted in full: {wrong[0][:120]}"
            assert any(line.startswith(("✔ Correct", "Submitted")) for line in lines), (
                f"{where}: a model answer with no feedback: {lines[:2]}")
            checked += 1
    assert checked >= 60
