"""Set-up shared by every pytest run in this repository: unit tests, nbval and the browser test.

Tests never touch a real student's answers or the user's Jupyter, IPython and matplotlib folders.
At start-up this sets, for the pytest process and every kernel or server it starts:

- PACTLAB_ANSWERS_DIR: a fresh temporary folder (always, even if it was set before);
  every notebook nbval runs gets an empty one of its own, so the order in which notebooks run
  and earlier runs never change what a notebook shows;
- PACTLAB_STUDENT=test-student;
- JUPYTER_CONFIG_DIR, JUPYTER_DATA_DIR, JUPYTER_RUNTIME_DIR, IPYTHONDIR, MPLCONFIGDIR: temporary
  folders; JUPYTER_DATA_DIR holds a `python3` kernelspec that runs this Python, so nbval's
  kernels use the environment pytest runs in;
- PYTHONPATH starts with this checkout, and PACTLAB_ROOT, JUPYTER_PATH and MPLBACKEND are unset,
  so kernels import this checkout's pactlab and read this checkout's course files.

The temporary folders are removed when pytest ends.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tools import execute_notebooks as _TOOLS  # noqa: E402


@pytest.fixture(scope="session")
def notebook_tools():
    """tools/execute_notebooks.py as a module (its hermetic_environment() and helpers)."""
    return _TOOLS
_STATE: dict[str, object] = {}


def pytest_configure(config):
    base = Path(tempfile.mkdtemp(prefix="pactlab-tests-"))
    _STATE["base"] = base
    _TOOLS.drop_foreign_settings()
    os.environ.update(_TOOLS.hermetic_environment(base))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def pytest_unconfigure(config):
    base = _STATE.pop("base", None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


def _notebook_of(item) -> Path | None:
    """The notebook an nbval cell item belongs to (None for other tests)."""
    if type(item).__name__ != "IPyNbCell":
        return None
    return Path(str(item.parent.path if hasattr(item.parent, "path") else item.parent.fspath))


def pytest_collectstart(collector):
    # Exercise notebooks are run lax even under --nbval: every cell must run without error with
    # nothing answered, but only cells marked check-output are compared (as --nbval-lax does).
    # So one pytest process can check notebooks/, solutions/ and exercises/ together.
    if type(collector).__name__ == "IPyNbFile":
        path = Path(str(getattr(collector, "path", None) or collector.fspath)).resolve()
        if path.parent == ROOT / "exercises":
            collector.compare_outputs = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # nbval starts a notebook's kernel while setting up its first cell, after this hook: give the
    # kernel an empty answers folder of its own.
    notebook = _notebook_of(item)
    if notebook is not None and "base" in _STATE:
        key = str(notebook)
        if _STATE.get("notebook") != key:
            _STATE["notebook"] = key
            os.environ["PACTLAB_ANSWERS_DIR"] = str(_TOOLS.answers_dir_for(_STATE["base"],
                                                                           notebook))
