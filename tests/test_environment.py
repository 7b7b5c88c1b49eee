"""The set-up files agree with each other, and the tests run in the environment they claim.

- pyproject.toml (what the course needs), constraints.txt (the exact versions `make` and CI
  install, with which the stored outputs were made), environment.yml (the students' conda/Binder
  route: the course and JupyterLab, no test tools) and environment-dev.yml (the maintainers':
  also the test tools) list the same packages at the same versions;
- the installed versions are the pinned ones (on Python 3.11+, where the pins apply);
- nbval's `python3` kernel is this Python, and no test can see a real student's answers;
- CI runs what `make test` runs;
- tools/execute_notebooks.py strips what changes from run to run.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# conda-forge package names that differ from the PyPI names
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
PIN_MARKER = 'python_version >= "3.11"'
PYTHON_310 = {"python_version": "3.10", "python_full_version": "3.10.12"}  # where pins do not apply


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            from pip._vendor import tomli as tomllib
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def project_requirements(*extras: str) -> dict[str, Requirement]:
    """The requirements of pyproject.toml: its dependencies and the given extras (all extras
    when none is given)."""
    project = load_toml(ROOT / "pyproject.toml")["project"]
    optional = project.get("optional-dependencies", {})
    reqs = list(project["dependencies"])
    for extra in extras or optional:
        reqs.extend(optional[extra])
    out: dict[str, Requirement] = {}
    for text in reqs:
        req = Requirement(text)
        out[canonicalize_name(req.name)] = req
    return out


def constraint_pins() -> dict[str, str]:
    """name -> exact version from constraints.txt."""
    pins: dict[str, str] = {}
    for n, line in enumerate((ROOT / "constraints.txt").read_text("utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", \
            f"constraints.txt line {n}: {line!r} is not an exact pin (name==version)"
        assert req.marker is not None and not req.marker.evaluate(PYTHON_310), \
            f"constraints.txt line {n}: {line!r} must carry a marker like `; {PIN_MARKER}`"
        if not req.marker.evaluate():
            continue  # a second pin, for other 3.11 releases than this one
        assert name not in pins, f"constraints.txt line {n}: {req.name} is pinned twice"
        pins[name] = specs[0].version
    return pins


def environment_packages(name: str) -> tuple[dict, dict[str, str], list[str]]:
    """(the parsed file, PyPI name -> version for every package but python and pip,
    the pip section's non-package lines)."""
    env = yaml.safe_load((ROOT / name).read_text("utf-8"))
    packages: dict[str, str] = {}
    extra: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep.get("pip", []):
                if line.startswith("-"):
                    extra.append(line)
                    continue
                req = Requirement(line)
                specs = list(req.specifier)
                assert len(specs) == 1 and specs[0].operator == "==", \
                    f"{name} pip entry {line!r} is not an exact pin"
                packages[canonicalize_name(req.name)] = specs[0].version
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(==?)?\s*([^\s=<>!~*]*)", str(dep))
        assert m, f"{name}: cannot read the entry {dep!r}"
        package, version = m.group(1), m.group(3)
        if package in ("python", "pip"):
            continue
        assert version, f"{name}: {package} has no exact version (write {package}=X.Y.Z)"
        packages[canonicalize_name(CONDA_TO_PYPI.get(package, package))] = version
    return env, packages, extra


# --------------------------------------------------------------------------------------------
def test_constraints_pin_every_requirement_within_its_bounds():
    pins = constraint_pins()
    assert "pactlab" not in pins, "constraints.txt must not pin the course package itself"
    for name, req in project_requirements().items():
        assert name in pins, f"{req.name} (pyproject.toml) is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's {req.specifier}"


# environment.yml: the students' environment (what Binder builds); environment-dev.yml: the
# maintainers', with the test tools. Each lists its extras' packages at the pinned versions.
ENVIRONMENTS = {"environment.yml": ("lab",),
                "environment-dev.yml": ("lab", "instructor", "test")}


@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_environment_files_list_the_same_pinned_packages(name):
    env, packages, extra = environment_packages(name)
    pins = constraint_pins()
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"], f"{name} must ask for python=3.11"
    assert "-e ." in extra, f"{name} must install the course itself (pip: -e .)"
    for package, req in project_requirements(*ENVIRONMENTS[name]).items():
        assert package in packages, f"{req.name} (pyproject.toml) is missing from {name}"
    for package, version in packages.items():
        assert package in pins, (f"{name} lists {package}, which constraints.txt does not pin "
                                 "(add it to pyproject.toml, or remove it)")
        assert version == pins[package], (f"{package}: {name} has {version}, "
                                          f"constraints.txt has {pins[package]}")


def test_the_student_environment_has_no_test_tools():
    student = project_requirements("lab")
    tools = set(project_requirements("test")) - set(student)
    assert {"pytest", "nbval", "playwright"} <= tools
    _, packages, _ = environment_packages("environment.yml")
    assert not tools & set(packages), (
        f"environment.yml (what students and Binder install) lists the test tools "
        f"{sorted(tools & set(packages))}: move them to environment-dev.yml")
    env, _, _ = environment_packages("environment-dev.yml")
    assert env["name"] != yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))["name"]


@pytest.mark.skipif(sys.version_info < (3, 11),
                    reason="the pins apply to Python 3.11+; 3.10 installs from pyproject's bounds")
def test_installed_versions_are_the_pinned_ones():
    pins = constraint_pins()
    required = set(project_requirements())
    wrong = []
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if name in required:
                wrong.append(f"{name}: not installed (pinned {version})")
            continue
        if Version(installed) != Version(version):
            wrong.append(f"{name}: {installed} installed, {version} pinned")
    assert not wrong, ("This environment is not the pinned set, so stored outputs may not match. "
                       "Run `make test` (it installs with -c constraints.txt):\n  "
                       + "\n  ".join(wrong))


def test_python3_kernel_runs_this_python():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    executable = spec.argv[0]
    if executable in ("python", "python3"):  # jupyter_client substitutes sys.executable
        executable = sys.executable
    assert os.path.samefile(executable, sys.executable), \
        f"the python3 kernel runs {executable}, not this Python {sys.executable}"


def test_tests_never_see_a_real_students_answers():
    from pactlab import store

    answers = Path(os.environ["PACTLAB_ANSWERS_DIR"]).resolve()
    temp = Path(tempfile.gettempdir()).resolve()
    assert temp in answers.parents, f"answers folder {answers} is not a temporary folder"
    assert os.environ["PACTLAB_STUDENT"] == "test-student"
    assert store.default_answers_dir().resolve() == answers
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                 "MPLCONFIGDIR"):
        assert temp in Path(os.environ[name]).resolve().parents, f"{name} is not temporary"
    assert "PACTLAB_ROOT" not in os.environ


def test_pactlab_is_imported_from_this_checkout():
    import pactlab

    assert Path(pactlab.__file__).resolve().parent == ROOT / "pactlab"


def test_ci_runs_make_test_and_the_workflow_runs_ci():
    run = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "set -euo pipefail" in run and re.search(r"^make test\b", run, re.M)
    assert os.access(ROOT / ".ci" / "run", os.X_OK), ".ci/run must be executable"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in steps)
    pythons = [str(s["with"]["python-version"]) for s in steps
               if "setup-python" in s.get("uses", "")]
    assert pythons == ["3.11"], "CI must use Python 3.11, the version of the pinned outputs"


def _execute_tool():
    from tools import execute_notebooks

    return execute_notebooks


def test_execute_notebooks_strips_what_changes_between_runs():
    import nbformat

    tool = _execute_tool()

    def sample():
        nb = nbformat.v4.new_notebook()
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
        cell = nbformat.v4.new_code_cell("course.question('x')", execution_count=1)
        del cell["id"]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
        cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
            "text/plain": "Question x", "text/html": "<p>x</p>",
            tool.WIDGET_VIEW: {"model_id": os.urandom(8).hex(), "version_major": 2,
                               "version_minor": 0}})]
        only_widget = nbformat.v4.new_code_cell("w", execution_count=2)
        only_widget.outputs = [nbformat.v4.new_output("display_data", data={
            tool.WIDGET_VIEW: {"model_id": os.urandom(8).hex(), "version_major": 2,
                               "version_minor": 0}})]
        del only_widget["id"]
        nb.cells = [cell, only_widget]
        return nb

    first, second = sample(), sample()
    assert first != second  # different model ids
    for nb in (first, second):
        tool.normalise(nb, "lesson")
    assert nbformat.writes(first) == nbformat.writes(second)
    assert "widgets" not in first.metadata
    assert first.metadata["kernelspec"]["name"] == "python3"
    assert "execution" not in first.cells[0].metadata
    assert set(first.cells[0].outputs[0]["data"]) == {"text/plain", "text/html"}
    # an output that is nothing but a widget view keeps it, without the random model id
    assert first.cells[1].outputs[0]["data"][tool.WIDGET_VIEW]["model_id"] == ""
    assert first.cells[0]["id"] and first.cells[0]["id"] != first.cells[1]["id"]
    nbformat.validate(first)


def test_exercise_notebooks_are_run_lax_and_others_strict():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)

    class IPyNbFile:  # stands in for nbval's collector: the hook looks at the type's name
        def __init__(self, path):
            self.path, self.compare_outputs = path, True

    exercise = IPyNbFile(ROOT / "exercises" / "01_summit_exercises.ipynb")
    lesson = IPyNbFile(ROOT / "notebooks" / "01_summit.ipynb")
    solution = IPyNbFile(ROOT / "solutions" / "01_summit_solutions.ipynb")
    for collector in (exercise, lesson, solution):
        root_conftest.pytest_collectstart(collector)
    assert exercise.compare_outputs is False
    assert lesson.compare_outputs is True and solution.compare_outputs is True
