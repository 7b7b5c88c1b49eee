"""The browser edition as a student meets it: the JupyterLite site, built, served on loopback,
driven in headless Chromium with every request that is not to 127.0.0.1 aborted.

The site is built by tools/build_lite.py into a temporary folder (downloads come from its cache,
so this takes seconds after the first `make lite`). Then, in one browser profile:
- the site's front page opens the start-here notebook; run all: every question widget renders,
  no cell errors;
- the first exercise set (by glob): run all, widgets render; a wrong then a right answer by
  clicking give their feedback and the answer is saved on the JupyterLite drive;
- reload the page, run all again: the answer is restored;
- Export submission: the file appears in the notebook's folder of the drive, the message says
  how to download it, and the file (read from the site's storage) grades with `pactlab grade`.
Nothing leaves the machine: any request not to the loopback server fails the test. Screenshots
and the browser's console go to artifacts/lite/.

Run alone with:  .venv/bin/python -m pytest -m browser tests/test_lite.py
"""
from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lab_driver
from lab_driver import (BROWSER_ARGS, INSTALL_HELP, check_widgets_rendered, command,
                        notebook_plan, question_widget, screenshot, strip_marks, wait_all_ran,
                        wait_for)
from tools import build_lite

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "lite"
KERNEL_TIMEOUT = 180  # seconds from page open to an idle kernel (Pyodide loads its packages)
RUN_TIMEOUT = 240     # seconds for "run all"
STUDENT = "web_user"  # the browser edition's login name (no PACTLAB_STUDENT there)
START = build_lite.START

pytestmark = pytest.mark.browser


def first_exercise_set() -> str:
    found = sorted((ROOT / "exercises").glob("*.ipynb"))
    assert found, "exercises/ has no notebook"
    return f"exercises/{found[0].name}"


@pytest.fixture(scope="module")
def browser_path():
    return lab_driver.browser_path()


@pytest.fixture(scope="module")
def site(browser_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("lite") / "_site"
    try:
        build_lite.build(out)
    except build_lite.BuildError as exc:
        pytest.fail(f"the browser edition did not build: {exc}", pytrace=False)
    return out


@pytest.fixture(scope="module")
def url(site):
    with build_lite.serve(site) as base:
        yield base


class Offline:
    """Every request not to the loopback server is aborted, and remembered."""

    def __init__(self, base: str):
        self.base, self.aborted = base, []

    def __call__(self, route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.aborted.append(route.request.url)
            route.abort()


@pytest.fixture(scope="module")
def context(url, browser_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is not installed: run `make test`", pytrace=False)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # a click's save goes through the browser's storage
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=browser_path, args=BROWSER_ARGS)
        except Exception as exc:
            pytest.fail(f"Could not start the browser {browser_path}: {exc}\n{INSTALL_HELP}",
                        pytrace=False)
        ctx = browser.new_context(viewport={"width": 1366, "height": 768},
                                  service_workers="allow", accept_downloads=True)
        offline = Offline(url)
        ctx.route("**/*", offline)
        ctx.offline = offline
        console: list[str] = []
        ctx.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        ctx.on("weberror", lambda e: console.append(f"pageerror: {e.error}"))
        try:
            yield ctx
        finally:
            (ARTIFACTS / "console.log").write_text("\n".join(console) + "\n", "utf-8")
            ctx.close()
            browser.close()
    assert not offline.aborted, f"the site asked for things off this machine: {offline.aborted}"


def open_notebook(context, address: str, rel: str, page=None):
    page = page or context.new_page()
    page.set_default_timeout(60_000)
    page.goto(address)
    wait_for_notebook(page, rel)
    return page


def wait_for_notebook(page, rel: str) -> None:
    page.wait_for_function(
        "rel => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.context.path === rel", arg=rel,
        timeout=KERNEL_TIMEOUT * 1000)
    wait_for(page, lambda s: s.get("ready") and s.get("status") == "idle",
             f"the Pyodide kernel of {rel} to be idle", KERNEL_TIMEOUT)


def run_all(page, rel: str) -> None:
    """Run all from clean outputs and no execution counts, so that "every cell has run" is
    seen only when each cell has run again (a Pyodide kernel may still say idle at first)."""
    command(page, "notebook:clear-all-cell-outputs")
    page.evaluate("""() => { for (const c of window.jupyterapp.shell.currentWidget.content.widgets)
                               if (c.model.type === 'code') c.model.executionCount = null; }""")
    command(page, "notebook:run-all-cells")
    wait_all_ran(page, rel, RUN_TIMEOUT)
    outputs = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert outputs.count() == 0, f"{rel}: error output: {outputs.first.inner_text()[:500]}"


def drive_file(page, path: str) -> str:
    """A file on the JupyterLite drive (the browser's storage), as text."""
    model = page.evaluate("""async path => {
      const m = await window.jupyterapp.serviceManager.contents.get(path, {content: true});
      return {format: m.format, content: m.content};
    }""", path)
    content = model["content"]
    if model["format"] == "base64":  # what the kernel writes is stored as bytes
        return base64.b64decode(content).decode("utf-8")
    return content if isinstance(content, str) else json.dumps(content)


def test_start_here_opens_from_the_front_page_and_runs(context, url):
    from playwright.sync_api import expect

    lesson, ids = notebook_plan(ROOT / START)
    page = open_notebook(context, f"{url}/", START)
    try:
        run_all(page, START)
        check_widgets_rendered(page, START, ids)
        progress = page.locator(".pactlab-progress")
        expect(progress).to_contain_text(f"/drive/answers/{STUDENT}/{lesson}.json")
        screenshot(page, ARTIFACTS / "start_here.png")
    finally:
        page.close()


def test_exercise_set_answers_survive_a_reload_and_export_grades(context, url, tmp_path):
    from playwright.sync_api import expect

    rel = first_exercise_set()
    lesson, ids = notebook_plan(ROOT / rel)
    from pactlab.bank import load_bank

    bank = load_bank(lesson, root=ROOT)
    choice = next((bank[q] for q in ids if bank[q].kind == "choice"), None)
    assert choice is not None, f"{rel} has no single-choice question to answer"
    page = open_notebook(context, f"{url}/lab/index.html?path={rel}", rel)
    try:
        run_all(page, rel)
        check_widgets_rendered(page, rel, ids)
        screenshot(page, ARTIFACTS / "exercises-opened.png")
        page.set_viewport_size({"width": 1366, "height": 768})

        widget = lab_driver.answer_wrong_then_right(page, choice)
        saved = json.loads(drive_file(page, f"answers/{STUDENT}/{lesson}.json"))
        assert saved["answers"][choice.id]["answer"] == choice.key
        assert saved["answers"][choice.id]["attempts"] == 2
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(ARTIFACTS / "exercises-answered.png"))

        # a reload: a new kernel, the same drive; run all and the answer is back
        open_notebook(context, f"{url}/lab/index.html?path={rel}", rel, page=page)
        run_all(page, rel)
        check_widgets_rendered(page, rel, ids)
        widget = question_widget(page, choice.id)
        radio = widget.get_by_role("radio", name=strip_marks(choice.options[choice.key]),
                                   exact=True)
        expect(radio).to_be_checked()
        expect(widget).to_contain_text("Your saved answer was restored.")

        # Export submission: into the notebook's folder on the drive, with how to download it
        progress = page.locator(".pactlab-progress")
        progress.get_by_role("button", name="Export submission").click()
        name = f"{lesson}__{STUDENT}.pactlab.json"
        status = progress.locator(".pactlab-info")
        expect(status).to_contain_text(name)
        expect(status).to_contain_text("right-click")
        expect(status).to_contain_text("Download")
        screenshot(page, ARTIFACTS / "exercises-exported.png")
        folder = rel.rsplit("/", 1)[0]
        listing = page.evaluate("async p => (await window.jupyterapp.serviceManager.contents"
                                ".get(p, {content: true})).content.map(f => f.name)", folder)
        assert name in listing, f"{name} is not in the file browser's {folder}/: {listing}"
        submission = tmp_path / name
        submission.write_text(drive_file(page, f"{folder}/{name}"), encoding="utf-8")
    finally:
        page.close()

    grades = tmp_path / "grades.csv"
    env = {**os.environ, "PACTLAB_ROOT": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pactlab", "grade", str(submission),
                           "--out", str(grades)], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, f"pactlab grade failed:\n{proc.stdout}\n{proc.stderr}"
    rows = {row["student"]: row for row in csv.DictReader(grades.open(encoding="utf-8-sig"))}
    assert STUDENT in rows, f"{grades} has no row for {STUDENT}: {list(rows)}"
    assert float(rows[STUDENT][choice.id]) == choice.points, rows[STUDENT]


def test_the_site_loads_nothing_from_elsewhere(context, site):
    """Every wheel the kernel can load is in the site, listed in its lock with its sha256."""
    build_lite.verify_site(site)
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"].startswith("./static/pyodide/")
    assert not context.offline.aborted, context.offline.aborted
