"""The package's two audiences: a light student runtime that never imports instructor tools,
and `pactlab.instructor`."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STUDENT_MODULES = sorted([*(REPO / "pactlab").glob("*.py"),
                          *(REPO / "pactlab" / "charts").glob("*.py")])
# what the student runtime may not use: instructor tools and their dependencies, processes,
# threads (the browser edition runs it in Pyodide, which has neither)
FORBIDDEN = {"yaml", "nbformat", "nbclient", "jsonschema", "subprocess", "threading",
             "multiprocessing", "concurrent", "asyncio"}


def imported(path: Path) -> set[str]:
    """Every module a file imports, absolute names (relative ones resolved in pactlab)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = ["pactlab"] if path.parent.name == "pactlab" else ["pactlab",
                                                                             path.parent.name]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{a.name}" for a in node.names}
    return names


def test_the_student_runtime_is_what_the_map_says():
    names = {p.stem for p in STUDENT_MODULES} | {
        p.parent.name for p in (REPO / "pactlab").glob("*/__init__.py")} - {"instructor"}
    assert {"questions", "bank", "store", "submission", "widgets", "lesson", "data",
            "charts"} <= names
    assert not {"grading", "authoring", "cli"} & names  # those are instructor tools


@pytest.mark.parametrize("path", STUDENT_MODULES, ids=lambda p: p.name)
def test_student_modules_never_import_instructor_tools(path):
    names = imported(path)
    instructor = sorted(n for n in names if n.startswith("pactlab.instructor"))
    if path.name == "__main__.py":  # `python -m pactlab` is the command line itself
        instructor = [n for n in instructor if not n.startswith("pactlab.instructor.cli")]
    assert not instructor, f"{path.name} imports {instructor}"
    heavy = sorted(n for n in names if n.split(".")[0] in FORBIDDEN)
    assert not heavy, f"{path.name} imports {heavy}"


def test_the_import_check_finds_an_instructor_import(tmp_path):
    bad = tmp_path / "pactlab"
    bad.mkdir()
    (bad / "widgets.py").write_text("from .instructor.scoring import grade_files\nimport yaml\n")
    names = imported(bad / "widgets.py")
    assert "pactlab.instructor.scoring" in names and "yaml" in names


BLOCKER = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = ("yaml", "nbformat", "nbclient", "jsonschema", "pactlab.instructor")
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED or name.startswith("pactlab.instructor"):
                raise ImportError(f"{name} is not installed in the student environment")
    sys.meta_path.insert(0, Block())
    import pactlab
    from pactlab import data, charts
    course = pactlab.start("00_start_here")
    course.progress()
    assert course.question("start-choice").answer("b").status == "correct"
    assert len(data.timeline()) > 10
    path = course.progress().export(sys.argv[1])
    print("OK", path.name)
""")


def test_the_student_runtime_runs_without_instructor_dependencies(tmp_path):
    env = {"PYTHONPATH": str(REPO), "PACTLAB_ANSWERS_DIR": str(tmp_path / "answers"),
           "PACTLAB_STUDENT": "ana", "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    done = subprocess.run([sys.executable, "-c", BLOCKER, str(tmp_path / "out")], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "OK 00_start_here__ana.pactlab.json" in done.stdout


def test_every_subpackage_is_in_the_wheel():
    """A non-editable install (a hub, the browser edition) has only the packages pyproject lists."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts)
             for p in (REPO / "pactlab").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
