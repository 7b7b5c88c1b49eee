"""A release bundle installs by following its own README, literally, and its start-here notebook
runs in what that installs.

The test releases the real course, reads the first ```bash block of the bundle's README.md, runs
every command of it but the last in a shell in the bundle's folder (it makes `.venv/` and installs
the course with its [lab] extra from the package index, pinned by the bundle's constraints.txt;
pip's own cache is reused), checks that the last command starts JupyterLab and that JupyterLab is
there, then executes notebooks/00_start_here.ipynb with nbclient in the new environment's own
kernel. It takes about a minute; `-m "not install"` leaves it out of a quick run.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from pactlab.instructor.authoring import release

ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 600  # seconds; about 40 s with pip's cache warm

pytestmark = pytest.mark.install

EXECUTE = r"""
import importlib.util, json, sys
import nbclient, nbformat

nb = nbformat.read("notebooks/00_start_here.ipynb", as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import sys, pactlab\nprint(sys.executable)\nprint(pactlab.__file__)"))
nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                        resources={"metadata": {"path": "notebooks"}}).execute()
outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
print(json.dumps({
    "errors": [o.get("ename") for o in outputs if o.output_type == "error"],
    "displays": sum(o.output_type in ("display_data", "execute_result") for o in outputs),
    "last": nb.cells[-1].outputs[0]["text"].split(),
    "test_tools": [m for m in ("pytest", "nbval", "playwright") if importlib.util.find_spec(m)],
}))
"""


def readme_commands(readme: str) -> list[str]:
    block = re.search(r"^```bash\n(.*?)^```", readme, re.S | re.M)
    assert block, "the bundle's README.md has no ```bash block of install commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def bundle_environment(tmp_path: Path) -> dict[str, str]:
    """The test run's environment without what points at this checkout, its Python or its
    kernels; fresh Jupyter, IPython and matplotlib folders and an empty answers folder."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PACTLAB_ROOT", "JUPYTER_PATH")}
    for name, folder in [("JUPYTER_CONFIG_DIR", "jupyter/config"),
                         ("JUPYTER_DATA_DIR", "jupyter/data"),
                         ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                         ("MPLCONFIGDIR", "matplotlib"), ("PACTLAB_ANSWERS_DIR", "answers")]:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp_path / folder)
    return env


def test_release_installs_by_its_readme_and_runs_start_here(tmp_path):
    bundle = tmp_path / "bundle"
    release(bundle, root=ROOT)
    assert (bundle / "constraints.txt").is_file()
    commands = readme_commands((bundle / "README.md").read_text(encoding="utf-8"))
    *setup, start = commands
    assert start.startswith(".venv/bin/jupyter lab notebooks/00_start_here.ipynb"), start
    assert any("-c constraints.txt" in c for c in setup), "the install must use the pins"
    env = bundle_environment(tmp_path / "home")

    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(setup)], cwd=bundle,
                          env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert done.returncode == 0, f"the README's commands failed:\n{done.stdout}\n{done.stderr}"
    lab = subprocess.run(start.split()[:2] + ["--version"], cwd=bundle, env=env,
                         capture_output=True, text=True, timeout=120)
    assert lab.returncode == 0 and re.fullmatch(r"4\.\d+\.\d+\s*", lab.stdout), lab

    run = subprocess.run([str(bundle / ".venv" / "bin" / "python"), "-c", EXECUTE], cwd=bundle,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"00_start_here did not run:\n{run.stdout}\n{run.stderr}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["displays"] >= 5  # the progress box, tables and questions
    executable, package = map(Path, result["last"])
    assert executable.parent == bundle / ".venv" / "bin"  # the new environment's kernel
    assert package == bundle / "pactlab" / "__init__.py"  # the bundle's own package
    assert result["test_tools"] == [], "a student install must not bring the test tools"
