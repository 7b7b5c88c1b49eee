#!/usr/bin/env python3
"""Re-execute course notebooks and store their outputs, reproducibly.

    python tools/execute_notebooks.py                      # notebooks/*.ipynb and solutions/*.ipynb
    python tools/execute_notebooks.py notebooks/01_summit.ipynb ...
    python tools/execute_notebooks.py --check   # write nothing; exit 1 if a file would change

`make notebooks` runs this and then `pactlab assign`. The stored outputs are what nbval compares
in `make test`, so run it after changing a notebook, a question bank, the package or the pinned
versions (constraints.txt), then review the diff.

Each notebook runs in a fresh kernel (the environment's `python3`), with its folder as the working
directory (as in JupyterLab and nbval), and with the same environment as the tests: an empty
temporary answers folder, student `test-student`, temporary Jupyter/IPython/matplotlib folders.
Nothing a student saved is read or written.

What is written is made stable so that running twice gives identical files:
- no widget state in the notebook metadata, and no widget-view outputs: a stored widget output
  only holds a random model id, which JupyterLab cannot show before the cell is run again
  ("Error displaying widget: model not found"); without it the output's static HTML is shown
  (in JupyterLab before running, on GitHub and in HTML exports). An output that is nothing but
  a widget view keeps it with an empty model id (JupyterLab hides such an output). nbval never
  compares that MIME type, so tests are unaffected;
- no execution timing or other per-run cell metadata;
- cells without an id get one derived from the notebook's name and the cell's position;
- the notebook's kernelspec is the standard `python3` one.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pactlab.instructor.authoring import KERNELSPEC  # noqa: E402  (one definition)

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "jp-MarkdownHeadingCollapsed")
TEST_STUDENT = "test-student"


# --------------------------------------------------------------------------------------------
# The test environment (shared with the root conftest.py, which imports this function)
def hermetic_environment(base: Path) -> dict[str, str]:
    """Environment variables that keep a run away from the user's own files.

    Every folder is made under `base`. The answers folder is `base/answers`; callers that run
    several notebooks should give each its own (see `answers_dir_for`).
    """
    dirs = {
        "PACTLAB_ANSWERS_DIR": base / "answers",
        "MPLCONFIGDIR": base / "matplotlib",
        "JUPYTER_CONFIG_DIR": base / "jupyter" / "config",
        "JUPYTER_DATA_DIR": base / "jupyter" / "data",
        "JUPYTER_RUNTIME_DIR": base / "jupyter" / "runtime",
        "IPYTHONDIR": base / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {name: str(path) for name, path in dirs.items()}
    env.update({
        "PACTLAB_STUDENT": TEST_STUDENT,
        "JUPYTER_PLATFORM_DIRS": "1",  # the modern folder layout, and no deprecation warning
        "TZ": "UTC",
        # this checkout's package first, whatever the environment has installed
        "PYTHONPATH": os.pathsep.join([str(ROOT)] + [p for p in os.environ.get(
            "PYTHONPATH", "").split(os.pathsep) if p]),
    })
    write_kernelspec(Path(env["JUPYTER_DATA_DIR"]))
    return env


def drop_foreign_settings(environ=os.environ) -> None:
    """Remove variables that would point a test run at another course or other kernels."""
    for name in ("PACTLAB_ROOT", "JUPYTER_PATH", "MPLBACKEND"):
        environ.pop(name, None)


def write_kernelspec(data_dir: Path) -> Path:
    """A `python3` kernelspec that runs this interpreter, in a Jupyter data folder.

    The data folder comes first in Jupyter's search path, so `python3` cannot resolve to another
    Python installed elsewhere on the machine.
    """
    import json

    folder = data_dir / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": KERNELSPEC["display_name"], "language": "python",
            "metadata": {"debugger": True}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def answers_dir_for(base: Path, notebook: Path) -> Path:
    """An empty answers folder of its own for one notebook."""
    try:
        rel = notebook.resolve().relative_to(ROOT)
    except ValueError:
        rel = Path(notebook.name)
    name = "-".join(rel.with_suffix("").parts)
    folder = base / "answers-per-notebook" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


# --------------------------------------------------------------------------------------------
def normalise(nb, name: str) -> None:
    """Strip what changes from run to run (see the module docstring)."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)  # cell ids need 4.5
    seen: set[str] = set()
    for n, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen:
            cell_id = hashlib.sha1(f"{name}:{n}".encode()).hexdigest()[:8]
            cell["id"] = cell_id
        seen.add(cell_id)
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            data = output.get("data")
            if data and WIDGET_VIEW in data:
                if len(data) > 1:
                    del data[WIDGET_VIEW]
                else:  # nothing else to show: an empty model id, which JupyterLab hides
                    data[WIDGET_VIEW] = {**data[WIDGET_VIEW], "model_id": ""}
            if "metadata" in output and not output["metadata"]:
                output["metadata"] = {}


def execute(path: Path, base: Path, timeout: int) -> str:
    """Execute one notebook in its own kernel; return the text to write."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env["PACTLAB_ANSWERS_DIR"] = str(answers_dir_for(base, path))
    options = dict(timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent.resolve())}})
    if "record_timing" in NotebookClient.class_traits():
        options["record_timing"] = False
    client = NotebookClient(nb, **options)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    normalise(nb, path.stem)
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def default_paths() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "solutions").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks to execute (default: notebooks/*.ipynb, solutions/*.ipynb)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if executing would change a file")
    args = parser.parse_args(argv)
    paths = args.paths or default_paths()
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"execute_notebooks: no such notebook: {', '.join(map(str, missing))}",
              file=sys.stderr)
        return 2
    if not paths:
        print("execute_notebooks: no notebooks found in notebooks/ or solutions/", file=sys.stderr)
        return 2

    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    base = Path(tempfile.mkdtemp(prefix="pactlab-execute-"))
    drop_foreign_settings()
    os.environ.update(hermetic_environment(base))
    changed, failed = [], []
    try:
        for path in paths:
            start = time.perf_counter()
            try:
                text = execute(path, base, args.timeout)
            except (CellExecutionError, CellTimeoutError) as exc:
                failed.append(path)
                print(f"FAILED  {path}: a cell raised an error; the file was not changed.\n{exc}",
                      file=sys.stderr)
                continue
            old = path.read_text(encoding="utf-8")
            status = "same   "
            if text != old:
                changed.append(path)
                status = "would change" if args.check else "updated"
                if not args.check:
                    path.write_text(text, encoding="utf-8")
            print(f"{status} {path}  ({time.perf_counter() - start:.1f} s)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if failed:
        return 1
    if args.check and changed:
        print("Stored outputs are out of date: run `make notebooks` and review the diff.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
