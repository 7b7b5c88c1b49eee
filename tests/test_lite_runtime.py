"""The browser edition's few differences, tested here by faking Pyodide (`sys.platform ==
"emscripten"` and its `pyodide_js` module): answers on the JupyterLite drive, a plain warning
where there is no drive, the course's banks and data from the site's package, the export's
download hint; and the build's refusal of a wheel whose sha256 is not the lock's."""
from __future__ import annotations

import base64
import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from pactlab import bank, store, submission
from pactlab.store import AnswerStore, StoreWarning
from tools import build_lite

ROOT = Path(__file__).resolve().parent.parent


def fake_pyodide(monkeypatch, mountpoint: str | None) -> None:
    """`pyodide_js.FS.lookupPath(p).node.mount.mountpoint`: the drive's folder when mounted;
    where it is not, the path is a plain folder of the root file system (or missing)."""
    def lookup(path):
        if mountpoint is None:
            raise RuntimeError("FS error: no such file or directory")
        return types.SimpleNamespace(node=types.SimpleNamespace(
            mount=types.SimpleNamespace(mountpoint=mountpoint)))

    module = types.ModuleType("pyodide_js")
    module.FS = types.SimpleNamespace(lookupPath=lookup)
    monkeypatch.setitem(sys.modules, "pyodide_js", module)
    monkeypatch.setattr(sys, "platform", "emscripten")


@pytest.fixture
def drive(tmp_path, monkeypatch):
    folder = tmp_path / "drive"
    folder.mkdir()
    monkeypatch.setattr(store, "BROWSER_DRIVE", folder)
    monkeypatch.delenv("PACTLAB_ANSWERS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def test_in_pyodide_answers_go_to_the_drive(drive, monkeypatch):
    fake_pyodide(monkeypatch, str(drive))
    assert store.browser_drive() == drive
    assert store.default_answers_dir() == drive / "answers"
    s = AnswerStore("01_summit", student="web_user")
    assert not s.in_memory and not s.warnings
    assert s.save("q1", "b") == "saved"
    saved = json.loads((drive / "answers" / "web_user" / "01_summit.json").read_text("utf-8"))
    assert saved["answers"]["q1"]["answer"] == "b"
    assert AnswerStore("01_summit", student="web_user").get("q1")["answer"] == "b"


def test_without_the_drive_answers_stay_in_memory_and_the_student_is_told(
        drive, monkeypatch, tmp_path):
    fake_pyodide(monkeypatch, "/")  # /drive is a plain folder of the in-memory root
    assert store.browser_drive() is None
    with pytest.warns(StoreWarning, match="last only until you close"):
        s = AnswerStore("01_summit", student="web_user")
    assert s.in_memory
    assert s.save("q1", "b") == "saved" and s.get("q1")["answer"] == "b"
    assert not (tmp_path / "home").exists() and not any(drive.iterdir())

    import pactlab

    with pytest.warns(StoreWarning):
        box = pactlab.start("01_summit").progress()
    assert "kept in memory only" in box.html.value
    assert "last only until you close or reload this page" in box.html.value
    assert "Export submission" in box.html.value


def test_outside_pyodide_nothing_changes(drive, monkeypatch, tmp_path):
    fake_pyodide(monkeypatch, str(drive))
    monkeypatch.setattr(sys, "platform", "linux")
    assert store.browser_drive() is None
    assert store.default_answers_dir() == tmp_path / "home" / ".local/share/pactlab/answers"


def test_an_answers_dir_set_by_the_teacher_wins_in_the_browser_too(drive, monkeypatch,
                                                                   tmp_path):
    fake_pyodide(monkeypatch, None)
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(tmp_path / "set"))
    s = AnswerStore("01_summit", student="web_user")
    assert not s.in_memory and s.path.parent.parent == tmp_path / "set"


@pytest.fixture
def site_package(tmp_path, monkeypatch):
    """A `pactlab_course` package as the site installs it, and a decoy course in the working
    directory (what a student's drive could hold)."""
    packages = tmp_path / "site-packages"
    course = packages / "pactlab_course"
    for name in ("questions", "data"):
        shutil.copytree(ROOT / name, course / name)
    (course / "__init__.py").write_text("", "utf-8")
    decoy = tmp_path / "drive"
    (decoy / "questions").mkdir(parents=True)
    (decoy / "data").mkdir()
    (decoy / "notebooks").mkdir()
    monkeypatch.syspath_prepend(str(packages))
    monkeypatch.delenv("PACTLAB_ROOT", raising=False)
    monkeypatch.chdir(decoy / "notebooks")
    return course, decoy


def test_in_pyodide_the_banks_and_data_come_from_the_site(site_package, monkeypatch):
    course, decoy = site_package
    assert bank.course_root() == decoy  # elsewhere: the nearest course folder upwards
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert bank.course_root() == course
    assert bank.load_bank("01_summit").path == course / "questions" / "01_summit.json"
    from pactlab import data

    assert len(data.timeline()) > 0


def test_export_says_how_to_download(drive, monkeypatch, tmp_path):
    fake_pyodide(monkeypatch, str(drive))
    s = AnswerStore("01_summit", student="web_user")
    s.save("q1", "b")
    path = submission.write_submission(s, drive / "exercises")
    note, link = submission.export_note(path)
    assert "file browser" in note and "`exercises`" in note and "right-click" in note
    assert path.name in note and link == ""

    fake_pyodide(monkeypatch, None)  # no drive: a link that carries the file itself
    note, link = submission.export_note(path)
    encoded = link.split("base64,", 1)[1].split("'", 1)[0]
    assert json.loads(base64.b64decode(encoded))["answers"]["q1"]["answer"] == "b"
    assert f"download='{path.name}'" in link

    monkeypatch.setattr(sys, "platform", "linux")
    assert submission.export_note(path) == ("Hand in that file.", "")


# ---- the build's checks ---------------------------------------------------------------------
def test_a_wheel_that_is_not_the_locks_stops_the_build(tmp_path):
    wheel = tmp_path / "numpy-2.4.3-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
    wheel.write_bytes(b"not numpy")
    entry = {"file_name": wheel.name, "sha256": "0" * 64}
    with pytest.raises(build_lite.BuildError, match="refusing to build"):
        build_lite.check_wheel(wheel, entry, "the carrier")
    assert not wheel.exists()
    # a compiled wheel is never accepted on a [pure] pin; a pure one only on its exact pin
    pins = {"pure": {"numpy": build_lite.sha256_bytes(b"not numpy"),
                     "six": build_lite.sha256_bytes(b"six")}}
    assert not build_lite.accepted(pins, "numpy", entry, pins["pure"]["numpy"])
    pure = {"file_name": "six-1.17.0-py2.py3-none-any.whl", "sha256": "1" * 64}
    assert build_lite.accepted(pins, "six", pure, pins["pure"]["six"])
    assert not build_lite.accepted(pins, "six", pure, "2" * 64)


def test_the_site_check_finds_a_changed_wheel(tmp_path):
    folder = tmp_path / "static" / "pyodide"
    folder.mkdir(parents=True)
    wheel = build_lite.write_wheel(folder, "demo", "1.0", {"demo/__init__.py": b"x = 1\n"})
    again = build_lite.write_wheel(tmp_path, "demo", "1.0", {"demo/__init__.py": b"x = 1\n"})
    assert wheel.read_bytes() == again.read_bytes()  # same input, same bytes
    entry = build_lite.lock_entry("demo", "1.0", wheel, ["demo"], [])
    (folder / "pyodide-lock.json").write_text(json.dumps({"packages": {"demo": entry}}))
    build_lite.verify_site(tmp_path)
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    with pytest.raises(build_lite.BuildError, match="sha256 differs"):
        build_lite.verify_site(tmp_path)


def test_the_assessment_edition_carries_no_exercise_keys(tmp_path):
    """`make lite ASSESSMENT=1` builds from `pactlab release --assessment`: the site's course
    wheel has no key of any graded exercise question."""
    import zipfile

    course = build_lite.make_release(tmp_path / "release", assessment=True)
    wheels = {name: wheel for name, _v, wheel, _d in build_lite.course_wheels(course, tmp_path)}
    with zipfile.ZipFile(wheels["pactlab-course"]) as zf:
        banks = [json.loads(zf.read(n)) for n in zf.namelist()
                 if n.startswith("pactlab_course/questions/") and n.endswith(".json")]
        assert "pactlab/instructor/authoring.py" not in zipfile.ZipFile(
            wheels["pactlab"]).namelist()
    exercises = [q for b in banks for q in b["questions"] if q.get("part") == "exercises"]
    assert banks and exercises and all(b.get("assessment") for b in banks)
    assert not [q["id"] for q in exercises if "secret" in q]
