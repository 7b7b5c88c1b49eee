"""tools/find_browser.py: where it looks, what it tries to install and in which order, and what it
says when all fails. Nothing is installed: PATH and the usual places are fake folders, and the
install commands go to a fake runner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import find_browser

ROOT = Path(__file__).resolve().parent.parent
DEBIAN = {"ID": "debian", "VERSION_ID": "12"}
UBUNTU = {"ID": "ubuntu", "ID_LIKE": "debian"}


def fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def empty_env(tmp_path) -> dict[str, str]:
    """A machine with no browser anywhere: an empty PATH folder and no usual places."""
    (tmp_path / "bin").mkdir()
    return {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home"),
            "PACTLAB_BROWSER_PLACES": ""}


def test_finds_nothing_on_a_machine_without_a_browser(empty_env):
    assert find_browser.find(empty_env) is None


def test_finds_a_browser_on_path_in_the_order_of_names(empty_env, tmp_path):
    chrome = fake_executable(tmp_path / "bin" / "google-chrome")
    assert find_browser.find(empty_env) == str(chrome)
    chromium = fake_executable(tmp_path / "bin" / "chromium")
    assert find_browser.find(empty_env) == str(chromium)
    # a file that is not executable is not a browser
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "chromium").write_text("", encoding="utf-8")
    assert find_browser.find({**empty_env, "PATH": str(tmp_path / "other")}) is None


def test_finds_a_browser_at_a_usual_place_and_the_newest_playwright_one(empty_env, tmp_path):
    home = Path(empty_env["HOME"])
    old = fake_executable(home / "pw" / "chromium-1100" / "chrome-linux" / "chrome")
    new = fake_executable(home / "pw" / "chromium-1255" / "chrome-linux64" / "chrome")
    env = {**empty_env, "PACTLAB_BROWSER_PLACES": os.pathsep.join(
        [str(tmp_path / "nowhere" / "chromium"), "~/pw/chromium-*/chrome-linux*/chrome"])}
    assert find_browser.find(env) == str(new)
    new.unlink()
    assert find_browser.find(env) == str(old)


def test_the_usual_places_include_debian_chrome_and_playwright():
    places = find_browser.places({})
    assert "/usr/bin/chromium" in places and "/opt/google/chrome/chrome" in places
    assert any("ms-playwright" in p for p in places)
    moved = find_browser.places({"PLAYWRIGHT_BROWSERS_PATH": "/srv/pw"})
    assert any(p.startswith("/srv/pw") for p in moved)


def test_pactlab_browser_wins_and_a_wrong_one_is_an_error(empty_env, tmp_path):
    fake_executable(tmp_path / "bin" / "chromium")
    mine = fake_executable(tmp_path / "mine" / "my-chrome")
    assert find_browser.find({**empty_env, "PACTLAB_BROWSER": str(mine)}) == str(mine)
    fake_executable(tmp_path / "bin" / "edge-dev")
    assert find_browser.find({**empty_env, "PACTLAB_BROWSER": "edge-dev"}) == \
        str(tmp_path / "bin" / "edge-dev")
    with pytest.raises(find_browser.BrowserError, match="PACTLAB_BROWSER='/no/such/chrome'"):
        find_browser.find({**empty_env, "PACTLAB_BROWSER": "/no/such/chrome"})


@pytest.fixture
def steps() -> list:
    """What is tried on Debian as root, with Playwright installed."""
    return find_browser.install_steps(DEBIAN, is_root=True, sudo=False, has_apt=True,
                                      has_playwright=True, python="py")


def test_install_steps_try_playwright_first_then_apt_as_root(steps):
    assert [s.commands for s in steps] == [
        [["py", "-m", "playwright", "install", "chromium"]],
        [["apt-get", "update", "-qq"],
         ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]]]
    ubuntu = find_browser.install_steps(UBUNTU, is_root=False, sudo=True, has_apt=True,
                                        has_playwright=False, python="py")
    assert [s.commands[-1][-1] for s in ubuntu] == ["chromium", "chromium-browser"]
    assert all(c[:2] == ["sudo", "-n"] for s in ubuntu for c in s.commands)
    assert len(ubuntu[0].commands) == 2 and len(ubuntu[1].commands) == 1  # one apt-get update


def test_no_apt_without_root_or_sudo_or_off_debian():
    for release, root, sudo, apt in [(DEBIAN, False, False, True), ({"ID": "fedora"}, True,
                                                                    False, True),
                                     (DEBIAN, True, False, False)]:
        steps = find_browser.install_steps(release, is_root=root, sudo=sudo, has_apt=apt,
                                           has_playwright=True, python="py")
        assert [s.what for s in steps] == ["Playwright's own Chromium"], (release, root, sudo)


def test_a_failed_playwright_download_falls_through_to_apt(steps, empty_env, tmp_path):
    ran = []

    def run(command, timeout):
        ran.append(command)
        if "playwright" in command:
            return False  # cannot download
        if command[:2] == ["apt-get", "install"]:
            fake_executable(tmp_path / "bin" / "chromium")
        return True

    found = find_browser.find_or_install(steps, run=run, env=empty_env, log=lambda m: None)
    assert found == str(tmp_path / "bin" / "chromium")
    assert [c[1] if c[0] == "apt-get" else c[2] for c in ran] == ["playwright", "update",
                                                                  "install"]


def test_stops_at_the_first_step_that_gives_a_browser(steps, empty_env):
    ran = []

    def run(command, timeout):
        ran.append(command)
        fake_executable(Path(empty_env["HOME"]) / "pw" / "chromium-1" / "chrome-linux" / "chrome")
        return True

    env = {**empty_env, "PACTLAB_BROWSER_PLACES": "~/pw/chromium-*/chrome-linux*/chrome"}
    assert find_browser.find_or_install(steps, run=run, env=env, log=lambda m: None)
    assert ran == [["py", "-m", "playwright", "install", "chromium"]]


def test_when_all_fails_it_stops_with_the_command_to_run(steps, empty_env):
    assert find_browser.find_or_install(steps, run=lambda c, t: False, env=empty_env,
                                        log=lambda m: None) is None
    text = find_browser.manual_help(DEBIAN, tried=True, python="py")
    assert "none could be installed" in text
    assert "sudo apt-get update && sudo apt-get install -y chromium" in text
    assert "py -m playwright install --with-deps chromium" in text
    assert "apt-get" not in find_browser.manual_help({"ID": "fedora"}, tried=True)


def test_the_command_line_prints_the_browser_or_fails_with_help(empty_env, tmp_path):
    tool = [sys.executable, str(ROOT / "tools" / "find_browser.py")]
    env = {**os.environ, **empty_env}
    env.pop("PACTLAB_BROWSER", None)
    missing = subprocess.run(tool, env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stdout == ""
    assert "No Chromium or Chrome was found" in missing.stderr
    assert "make test" in missing.stderr
    chromium = fake_executable(tmp_path / "bin" / "chromium")
    found = subprocess.run(tool, env=env, capture_output=True, text=True)
    assert found.returncode == 0 and found.stdout == f"{chromium}\n"


def test_os_release_is_read_with_quotes_removed(tmp_path):
    path = tmp_path / "os-release"
    path.write_text('PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\nID_LIKE="ubuntu debian"\n',
                    encoding="utf-8")
    release = find_browser.os_release(str(path))
    assert release["ID"] == "debian" and find_browser.debian_like(release)
    assert find_browser.os_release(str(tmp_path / "missing")) == {}
    assert not find_browser.debian_like({"ID": "arch"})
