"""Driving JupyterLab in a real browser: what tests/test_browser.py (server JupyterLab) and
tests/test_lite.py (the browser edition) share. The browser is the one tools/find_browser.py
finds ($PACTLAB_BROWSER, else on PATH or at the usual places); Playwright drives it.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tools import find_browser

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"]
INSTALL_HELP = (
    "The browser test needs Chromium or Chrome. `make test-browser` installs one if it can\n"
    "(python tools/find_browser.py --install); else install one yourself:\n"
    "  Debian/Ubuntu (non-snap):  sudo apt-get install -y chromium\n"
    "  or point PACTLAB_BROWSER at an installed Chromium/Chrome executable, e.g.\n"
    "      PACTLAB_BROWSER=/usr/bin/google-chrome make test\n"
    "  On a machine that cannot have a browser, PACTLAB_SKIP_BROWSER=1 skips this test "
    "(the run then does not cover the browser).")

# --------------------------------------------------------------------------------------------
# What a notebook holds: its lesson and the questions it shows
START_RE = re.compile(r"""pactlab\.start\(\s*["']([^"']+)["']""")
QUESTION_RE = re.compile(r"""\.(?:question|q)\(\s*["']([^"']+)["']""")


def notebook_plan(path: Path) -> tuple[str, list[str]]:
    """(lesson name, question ids in order of appearance) from a notebook's code cells."""
    rel = path.name
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    lesson, ids = None, []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if lesson is None and (m := START_RE.search(source)):
            lesson = m.group(1)
        for qid in QUESTION_RE.findall(source):
            if qid not in ids:
                ids.append(qid)
    assert lesson, f"{rel}: no `pactlab.start(\"...\")` call found in its code cells"
    return lesson, ids



def _browser_executable() -> str:
    """$PACTLAB_BROWSER, else a Chromium or Chrome where tools/find_browser.py looks (`make
    test-browser` runs that tool with --install first, so a missing browser is installed)."""
    try:
        found = find_browser.find()
    except find_browser.BrowserError as exc:
        pytest.fail(f"{exc}\n{INSTALL_HELP}", pytrace=False)
    if not found:
        pytest.fail(f"No browser found: PACTLAB_BROWSER is not set and no Chromium or Chrome is "
                    f"on PATH or at the usual places.\n{INSTALL_HELP}", pytrace=False)
    return found


def browser_path() -> str:
    """The browser for a browser test: skipped loudly with PACTLAB_SKIP_BROWSER=1."""
    if os.environ.get("PACTLAB_SKIP_BROWSER") == "1":
        pytest.skip("PACTLAB_SKIP_BROWSER=1 IS SET: THE BROWSER TEST WAS NOT RUN, widgets were "
                    "NOT checked in a browser")
    return _browser_executable()



# --------------------------------------------------------------------------------------------
# Driving JupyterLab
STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return {ready: false};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const errors = [];
  let pending = 0;
  for (const c of cells) {
    const source = c.model.sharedModel.getSource();
    const tags = c.model.getMetadata('tags') || [];
    if (c.model.executionCount === null && source.trim() !== '') pending++;
    for (let i = 0; i < c.model.outputs.length; i++) {
      const o = c.model.outputs.get(i).toJSON();
      if (o.output_type === 'error' && !tags.includes('raises-exception'))
        errors.push(o.ename + ': ' + o.evalue);
    }
  }
  return {ready: true, status: kernel ? kernel.status : 'none', pending, errors,
          code_cells: cells.length};
}"""


def lab_state(page) -> dict:
    return page.evaluate(STATE_JS)


def wait_for(page, predicate, what: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    state = {}
    while time.monotonic() < deadline:
        state = lab_state(page)
        if predicate(state):
            return state
        page.wait_for_timeout(200)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}; last state {state}")


def wait_idle(page, timeout: float = 60) -> dict:
    return wait_for(page, lambda s: s.get("ready") and s.get("status") == "idle",
                    "the kernel to be idle", timeout)


def wait_all_ran(page, rel: str, timeout: float) -> None:
    state = wait_for(page, lambda s: s.get("ready") and s["status"] == "idle"
                     and (s["pending"] == 0 or s["errors"]), "all cells to run", timeout)
    assert not state["errors"], f"{rel}: cells raised errors in JupyterLab: {state['errors']}"


def command(page, name: str) -> None:
    page.evaluate("name => window.jupyterapp.commands.execute(name)", name)


def question_widget(page, qid: str):
    header = page.locator(".pactlab-prompt > b").filter(
        has_text=re.compile(rf"^\s*{re.escape(qid)}\s*$"))
    return page.locator(".pactlab-question").filter(has=header)


def check_widgets_rendered(page, rel: str, ids: list[str]) -> None:
    from playwright.sync_api import expect

    for qid in ids:
        expect(question_widget(page, qid), f"{rel}: widget of {qid}").to_have_count(1)
    body = page.locator("body").inner_text()
    assert "Error displaying widget" not in body, f"{rel}: a widget failed to display"
    assert "Loading widget..." not in body, f"{rel}: a widget never finished loading"


def screenshot(page, path: Path) -> Path:
    """The whole notebook: grow the window to the notebook's height, then capture it."""
    height = page.evaluate("""() => {
      const el = document.querySelector('.jp-WindowedPanel-outer') ||
                 document.querySelector('.jp-Notebook');
      if (!el) return document.body.scrollHeight;
      el.scrollTop = 0;
      return el.scrollHeight;
    }""")
    page.set_viewport_size({"width": 1280, "height": max(800, min(int(height) + 160, 16000))})
    page.wait_for_timeout(300)
    page.evaluate("""() => { const el = document.querySelector('.jp-WindowedPanel-outer');
                             if (el) el.scrollTop = 0; }""")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def strip_marks(text: str) -> str:
    from pactlab.questions import plain_text

    return re.sub(r"\s+", " ", plain_text(text).replace("*", "")).strip()


def answer_wrong_then_right(page, choice):
    """Answer a single-choice question by clicking: a wrong option ("Not quite.", with what that
    option mixes up), then the key ("Correct."). Returns the question's widget."""
    from playwright.sync_api import expect

    key = choice.key
    wrong = next(k for k in choice.options if k != key)
    widget = question_widget(page, choice.id)

    # a wrong answer: "not quite", with what that option mixes up
    widget.get_by_role("radio", name=strip_marks(choice.options[wrong]), exact=True).check()
    widget.get_by_role("button", name="Check", exact=True).click()
    feedback = widget.locator(".pactlab-feedback")
    expect(feedback).to_have_class(re.compile(r"\bpactlab-wrong\b"))
    expect(feedback).to_contain_text("Not quite.")
    if choice.feedback_map.get(wrong):
        expect(feedback).to_contain_text(strip_marks(choice.feedback_map[wrong])[:40])

    # the right answer: "correct"
    widget.get_by_role("radio", name=strip_marks(choice.options[key]), exact=True).check()
    widget.get_by_role("button", name="Check", exact=True).click()
    expect(feedback).to_have_class(re.compile(r"\bpactlab-correct\b"))
    expect(feedback).to_contain_text("Correct.")
    return widget
