"""Fixtures for the unit tests (the hermetic environment itself is set up by ../conftest.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_answers_dir(tmp_path_factory, monkeypatch):
    """Every test starts with an empty answers folder of its own and student `test-student`.

    A test that wants another folder or student sets the variables itself (monkeypatch).
    """
    folder = tmp_path_factory.mktemp("answers")
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(folder))
    monkeypatch.setenv("PACTLAB_STUDENT", "test-student")
    return folder


@pytest.fixture
def repo_root() -> Path:
    """The root of this checkout (data/, questions/, notebooks/ ...)."""
    return ROOT


@pytest.fixture
def answers_dir(_fresh_answers_dir) -> Path:
    """The empty answers folder this test runs with ($PACTLAB_ANSWERS_DIR)."""
    return _fresh_answers_dir


@pytest.fixture
def course_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of the course files (data/, questions/, solutions/, notebooks/,
    exercises/), with PACTLAB_ROOT pointing at it. For tests that change course files."""
    copy = tmp_path / "course"
    copy.mkdir()
    for name in ("data", "questions", "solutions", "notebooks", "exercises"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    monkeypatch.setenv("PACTLAB_ROOT", str(copy))
    return copy


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A small made-up course (tests/course_factory.py), assigned, with PACTLAB_ROOT pointing at
    it and the working directory next to it: for the authoring and grading commands."""
    from course_factory import make_course

    from pactlab.instructor.cli import main

    root = make_course(tmp_path / "course")
    monkeypatch.setenv("PACTLAB_ROOT", str(root))
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(tmp_path / "answers"))
    assert main(["assign"]) == 0
    monkeypatch.chdir(tmp_path)
    return root
