"""Find a Chromium or Chrome for the browser test, and install one the normal way if none is found.

    python tools/find_browser.py            print the browser's path (exit 1 if none is found)
    python tools/find_browser.py --install  the same, but first try to install one if none is found

Where it looks, in order:
1. $PACTLAB_BROWSER (a path or a command on PATH). If it is set but names nothing executable,
   that is an error: the setting is fixed, not silently replaced.
2. chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH;
3. the usual places (Debian's /usr/lib/chromium, snap, /opt/google/chrome, the macOS
   applications, and Playwright's own browser folder). $PACTLAB_BROWSER_PLACES, a list separated
   by the path separator (':' on Linux and macOS), replaces these places (used by the tests).

With --install, when nothing is found it tries, in order, and looks again after each:
1. `python -m playwright install chromium` (needs to download; fails fast where it cannot);
2. on Debian or Ubuntu, as root (or with password-less sudo): `apt-get update`, then
   `apt-get install -y --no-install-recommends chromium` (Ubuntu: also `chromium-browser`).
If all of that fails, it stops with the exact command to run. Only the standard library is used,
so any Python 3.10+ can run it.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PLACES = (
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    # Playwright's own downloads (`playwright install chromium`)
    "~/.cache/ms-playwright/chromium-*/chrome-linux*/chrome",
    "~/Library/Caches/ms-playwright/chromium-*/chrome-mac*/*.app/Contents/MacOS/*",
)
PLAYWRIGHT_TIMEOUT = 600  # seconds; where it cannot download it fails in a few seconds
APT_TIMEOUT = 900


class BrowserError(Exception):
    """A browser was named but is not usable, or none could be found or installed."""


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def places(env) -> list[str]:
    """The usual places, or $PACTLAB_BROWSER_PLACES when set; Playwright's folder moves with
    $PLAYWRIGHT_BROWSERS_PATH."""
    if "PACTLAB_BROWSER_PLACES" in env:
        return [p for p in env["PACTLAB_BROWSER_PLACES"].split(os.pathsep) if p]
    out = list(PLACES)
    if env.get("PLAYWRIGHT_BROWSERS_PATH"):
        out.append(os.path.join(env["PLAYWRIGHT_BROWSERS_PATH"], "chromium-*", "chrome-linux*",
                                "chrome"))
    return out


def find(env=None) -> str | None:
    """The browser's path, or None. Raises BrowserError if $PACTLAB_BROWSER is set but unusable."""
    env = os.environ if env is None else env
    path = env.get("PATH", os.defpath)
    named = env.get("PACTLAB_BROWSER")
    if named:
        found = shutil.which(named, path=path) or (named if _executable(named) else None)
        if not found:
            raise BrowserError(f"PACTLAB_BROWSER={named!r} is not an executable file or a "
                               "command on PATH. Point it at an installed Chromium or Chrome, "
                               "or unset it to let the course find or install one.")
        return found
    for name in NAMES:
        found = shutil.which(name, path=path)
        if found:
            return found
    home = env.get("HOME", "~")
    for pattern in places(env):
        pattern = pattern.replace("~", home, 1) if pattern.startswith("~") else pattern
        for candidate in sorted(glob.glob(pattern), reverse=True):  # newest Playwright first
            if _executable(candidate):
                return candidate
    return None


@dataclass
class Step:
    what: str
    commands: list[list[str]]


def os_release(path: str = "/etc/os-release") -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip().strip('"')
    return out


def debian_like(release: dict[str, str]) -> bool:
    ids = {release.get("ID", ""), *release.get("ID_LIKE", "").split()}
    return bool(ids & {"debian", "ubuntu"})


def install_steps(release: dict[str, str], is_root: bool, sudo: bool, has_apt: bool,
                  has_playwright: bool, python: str = sys.executable) -> list[Step]:
    """What to try, in order, on this machine."""
    steps = []
    if has_playwright:
        steps.append(Step("Playwright's own Chromium",
                          [[python, "-m", "playwright", "install", "chromium"]]))
    if has_apt and debian_like(release) and (is_root or sudo):
        prefix = [] if is_root else ["sudo", "-n"]
        packages = ["chromium"]
        if release.get("ID") == "ubuntu" or "ubuntu" in release.get("ID_LIKE", "").split():
            packages.append("chromium-browser")
        update = [[*prefix, "apt-get", "update", "-qq"]]
        for n, package in enumerate(packages):
            install = [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                       package]
            steps.append(Step(f"the {package} package (apt-get)",
                              (update if n == 0 else []) + [install]))
    return steps


def manual_help(release: dict[str, str], tried: bool, python: str = sys.executable) -> str:
    lines = [("No Chromium or Chrome was found, and none could be installed." if tried else
              "No Chromium or Chrome was found (--install would try to install one).")
             + " Do one of these, then run `make test` again:"]
    if debian_like(release):
        lines.append("  sudo apt-get update && sudo apt-get install -y chromium")
    lines.append(f"  {python} -m playwright install --with-deps chromium")
    lines.append("  PACTLAB_BROWSER=/path/to/chrome make test   (a browser you already have)")
    lines.append("On a machine that cannot have a browser, PACTLAB_SKIP_BROWSER=1 make test "
                 "skips the browser test (the run then does not cover it).")
    return "\n".join(lines)


def _has_playwright(python: str) -> bool:
    probe = [python, "-c", "import playwright"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _sudo_works() -> bool:
    if not shutil.which("sudo"):
        return False
    return subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def _run(command: list[str], timeout: float) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(command, stdout=sys.stderr, stderr=sys.stderr, env=env,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"   {exc}", file=sys.stderr)
        return False
    return done.returncode == 0


def find_or_install(steps: list[Step], run=_run, env=None, log=print) -> str | None:
    """Try each step until a browser is found; the path, or None."""
    for step in steps:
        log(f"== no browser found: installing {step.what}")
        for command in step.commands:
            log(f"   $ {' '.join(command)}")
            timeout = PLAYWRIGHT_TIMEOUT if "playwright" in command else APT_TIMEOUT
            if not run(command, timeout):
                log(f"   that failed: {step.what} was not installed")
                break
        found = find(env)
        if found:
            return found
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true",
                        help="if no browser is found, try to install one")
    args = parser.parse_args(argv)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    try:
        found = find()
        if not found and args.install:
            release = os_release()
            is_root = hasattr(os, "geteuid") and os.geteuid() == 0
            steps = install_steps(release, is_root, sudo=not is_root and _sudo_works(),
                                  has_apt=bool(shutil.which("apt-get")),
                                  has_playwright=_has_playwright(sys.executable))
            found = find_or_install(steps, log=log)
    except BrowserError as exc:
        log(str(exc))
        return 1
    if not found:
        log(manual_help(os_release(), tried=args.install))
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
