"""`pactlab release`: the student bundle, and the assessment bundle that carries no key."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from course_factory import EXERCISE_QUESTIONS, LESSON
from pactlab.instructor.authoring import release
from pactlab.bank import decode_secret
from pactlab.instructor.cli import main

ENCODED = re.compile(rb"pk1:[A-Za-z0-9+/=]{12,}")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_practice_release_has_the_course_and_never_solutions(course, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert main(["release", "--out", str(out)]) == 0
    assert "practice" in capsys.readouterr().out
    names = set(files(out))
    for expected in (f"notebooks/{LESSON}.ipynb", f"exercises/{LESSON}_exercises.ipynb",
                     "data/course_map.csv", f"questions/{LESSON}.json", "pactlab/__init__.py",
                     "pactlab/questions.py", "pyproject.toml", "README.md", "RELEASE.md"):
        assert expected in names, expected
    assert not any(n.startswith(("solutions/", "tests/", "docs/", "tools/")) for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    # the practice bank keeps its keys: the bundle answers with feedback
    bank = json.loads((out / "questions" / f"{LESSON}.json").read_text(encoding="utf-8"))
    assert all("secret" in q for q in bank["questions"])
    assert (out / "exercises" / f"{LESSON}_exercises.ipynb").read_bytes() == \
        (course / "exercises" / f"{LESSON}_exercises.ipynb").read_bytes()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme != (course / "README.md").read_text(encoding="utf-8")  # not the course's own
    assert "make " not in readme and "Makefile" not in readme
    assert ".venv/bin/python -m pip install -e \".[lab]\"" in readme
    assert "README.md" in (out / "RELEASE.md").read_text(encoding="utf-8")


def key_needles(course: Path, practice: Path) -> list[str]:
    """Every explanation, feedback and rubric text of the master bank, and every answer that is
    a distinctive string: not found in the public text of the practice bundle (outside its
    encoded keys), so finding it would mean a key leaked."""
    master = yaml.safe_load((course / "solutions/questions" / f"{LESSON}.yaml")
                            .read_text(encoding="utf-8"))
    public = b"\n".join(ENCODED.sub(b"", data) for data in files(practice).values())
    needles = []
    for q in master["questions"]:
        if q["id"] not in EXERCISE_QUESTIONS:  # practice questions keep their keys
            continue
        for text in [q.get("explanation"), q.get("rubric"), *(q.get("feedback") or {}).values()]:
            if text:
                needles.append(str(text).strip())
        answer = q.get("answer")
        values = (answer if isinstance(answer, list) else
                  list(answer.values()) if isinstance(answer, dict) else [answer])
        for value in values:
            if isinstance(value, str) and len(value) >= 6 and value.encode() not in public:
                needles.append(value)
    return needles


def test_assessment_bundle_contains_no_key(course, tmp_path):
    practice, assessment = tmp_path / "practice", tmp_path / "assessment"
    release(practice)
    release(assessment, assessment=True)
    needles = key_needles(course, practice)
    # the search is not empty, and it looks for real keys: the practice bank's decoded
    # secrets hold every needle
    assert len(needles) >= 5
    practice_bank = json.loads(files(practice)[f"questions/{LESSON}.json"])
    secrets = json.dumps([decode_secret(q["secret"]) for q in practice_bank["questions"]],
                         ensure_ascii=False)
    assert all(json.dumps(n, ensure_ascii=False)[1:-1] in secrets for n in needles)

    bundle = files(assessment)
    assert len(bundle) > 10
    for name, data in bundle.items():
        if name == f"questions/{LESSON}.json":
            continue  # checked question by question below
        assert not ENCODED.search(data), f"{name} holds an encoded key"
        if b"pk1:" in data:  # only the package's own prefix constant may mention it
            assert name == "pactlab/bank.py", name
            assert data.count(b"pk1:") == 1 and b'SECRET_PREFIX = "pk1:"' in data
        text = data.decode("utf-8", errors="replace")
        for needle in needles:
            assert needle not in text, f"{name} holds a key: {needle[:50]!r}"
            for line in needle.splitlines():  # rubric lines, one by one
                assert len(line) < 20 or line not in text, f"{name} holds {line[:50]!r}"
    bank = json.loads(bundle[f"questions/{LESSON}.json"])
    assert bank["assessment"] is True
    for q in bank["questions"]:
        assert not {"answer", "explanation", "feedback", "rubric"} & set(q), q["id"]
        # graded exercise questions carry no key; the tutorial's practice questions keep theirs
        assert ("secret" in q) == (q["id"] not in EXERCISE_QUESTIONS), q["id"]
    text = bundle[f"questions/{LESSON}.json"].decode("utf-8")
    for needle in needles:
        assert needle not in text


def test_assessment_bundle_saves_answers_and_defers_feedback(course, tmp_path, monkeypatch):
    out = tmp_path / "assessment"
    assert main(["release", "--out", str(out), "--assessment"]) == 0
    monkeypatch.setenv("PACTLAB_ROOT", str(out))
    import pactlab
    from pactlab.bank import load_bank

    bank = load_bank(LESSON)
    assert bank.path.parent == out / "questions"
    assert not bank.graded and bank.assessment
    exam = pactlab.start(LESSON, part="exercises", student="ana")
    for qid, value in [("start-choice", "b"), ("start-data", 180)]:
        result = exam.question(qid).answer(value)
        assert result.status == "saved"
        assert result.feedback == ("Saved. Feedback comes after your instructor has graded "
                                   "the work.")
        assert "Feedback comes after" in exam.question(qid).feedback.value
    assert exam.summary()["graded"] is False
    # the assessment's answers are kept apart from practice answers
    assert exam.store.path.name == f"{LESSON}.assessment.json"
    assert exam.store.get("start-choice")["answer"] == "b"
    lesson = pactlab.start(LESSON, student="ana")
    assert lesson.store.get("start-choice")["answer"] == "b"  # same assessment store
    # practice questions (the tutorial) keep their feedback in an assessment release
    for qid, value in [("start-number", 23), ("start-date", "2024-12-04"),
                       ("start-multi", ["kcna", "tass", "rodong"])]:
        assert lesson.question(qid).answer(value).status == "correct"
    written = lesson.question("start-written").answer(
        "I want to know what Article 4 means and I would trust the published treaty text.")
    assert written.status == "submitted" and "rubric" in written.feedback  # practice
    summary = lesson.summary()
    assert summary["answered"] == 6 and summary["graded"] is False


def test_assessment_release_refuses_a_notebook_that_shows_a_key(course, tmp_path):
    import nbformat

    explanation = yaml.safe_load((course / "solutions/questions" / f"{LESSON}.yaml").read_text(
        encoding="utf-8"))["questions"][0]["explanation"]
    path = course / "notebooks" / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=explanation)]
    nbformat.write(nb, path)
    out = tmp_path / "assessment"
    with pytest.raises(ValueError, match=rf"notebooks/{LESSON}.ipynb contains the explanation "
                                         r"of question 'start-choice'"):
        release(out, assessment=True)
    assert not out.exists() and not (tmp_path / "assessment.partial").exists()


def test_release_refuses_stale_exercises(course, tmp_path, capsys):
    (course / "exercises" / f"{LESSON}_exercises.ipynb").unlink()
    assert main(["release", "--out", str(tmp_path / "bundle")]) == 2
    err = capsys.readouterr().err
    assert "not ready to release" in err and f"exercises/{LESSON}_exercises.ipynb is missing" in err
    assert not (tmp_path / "bundle").exists()


def test_release_refuses_unsafe_folders(course, tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    for target, message in [(other, "is not an earlier release"),
                            (course / "solutions" / "out", "inside the course's solutions/"),
                            (course, "is the course folder")]:
        assert main(["release", "--out", str(target)]) == 2
        assert message in capsys.readouterr().err
    assert (other / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_release_replaces_an_earlier_release_and_zips_deterministically(course, tmp_path):
    out = tmp_path / "bundle"
    first = release(out, assessment=True, make_zip=True)["zip"].read_bytes()
    (out / "stale.txt").write_text("old", encoding="utf-8")
    second = release(out, assessment=True, make_zip=True)["zip"].read_bytes()
    assert not (out / "stale.txt").exists()
    assert first == second

    import zipfile

    with zipfile.ZipFile(out.with_name("bundle.zip")) as zf:
        names = zf.namelist()
    assert f"bundle/exercises/{LESSON}_exercises.ipynb" in names
    assert not any("/solutions/" in n for n in names)


def test_released_bank_decodes_the_same_keys(course, tmp_path):
    out = tmp_path / "bundle"
    release(out)
    ours = json.loads((course / "questions" / f"{LESSON}.json").read_text(encoding="utf-8"))
    theirs = json.loads((out / "questions" / f"{LESSON}.json").read_text(encoding="utf-8"))
    assert [decode_secret(q["secret"]) for q in ours["questions"]] == \
        [decode_secret(q["secret"]) for q in theirs["questions"]]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=Teacher",
                           "-c", "user.email=teacher@example.org", *args],
                          check=True, capture_output=True, text=True).stdout


def test_release_into_a_git_working_tree_keeps_its_history(course, tmp_path):
    """A teacher publishes every release to the same repository (for nbgitpuller): releasing
    again updates the files and never touches .git, so no force-push is needed."""
    repo = tmp_path / "published"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("*.pactlab.json\n", encoding="utf-8")
    extra = course / "notebooks" / "extra_reading.md"
    extra.write_text("Read this too.\n", encoding="utf-8")
    release(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first release")
    first = git(repo, "rev-parse", "HEAD").strip()

    extra.unlink()  # no longer part of the course
    lesson = course / "notebooks" / f"{LESSON}.ipynb"
    lesson.write_bytes(lesson.read_bytes().replace(b"Start here", b"Begin here"))
    assert b"Begin here" in lesson.read_bytes()
    release(repo)
    assert (repo / ".git").is_dir() and (repo / ".gitignore").read_text(encoding="utf-8") == \
        "*.pactlab.json\n"
    assert git(repo, "rev-parse", "HEAD").strip() == first  # the history is still there
    status = git(repo, "status", "--porcelain").splitlines()
    assert sorted(status) == sorted([" D notebooks/extra_reading.md",
                                     f" M notebooks/{LESSON}.ipynb"]), status
    git(repo, "commit", "-q", "-a", "-m", "second release")
    assert git(repo, "log", "--format=%s").split("\n")[:2] == ["second release", "first release"]
    assert not (tmp_path / "published.partial").exists()
    # the zip of a published release leaves the publisher's .git out
    import zipfile

    with zipfile.ZipFile(release(repo, make_zip=True)["zip"]) as zf:
        assert not any("/.git" in name for name in zf.namelist())
        assert f"published/notebooks/{LESSON}.ipynb" in zf.namelist()


def test_release_into_an_empty_clone_and_refusal_of_other_work(course, tmp_path, capsys):
    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "-q")
    release(clone)  # nothing but .git: accepted
    assert (clone / "RELEASE.md").is_file() and (clone / ".git" / "HEAD").is_file()
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    (work / "thesis.tex").write_text("mine", encoding="utf-8")
    assert main(["release", "--out", str(work)]) == 2
    assert "is not an earlier release" in capsys.readouterr().err
    assert (work / "thesis.tex").read_text(encoding="utf-8") == "mine"
