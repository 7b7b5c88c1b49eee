"""The course as a student sees it: a real JupyterLab driven by a real browser.

For notebooks/00_start_here.ipynb and every exercises/*.ipynb this test opens the notebook, runs
all cells, checks that every question widget rendered, answers the first single-choice question
wrongly and then rightly by clicking (checking the feedback each time and the saved file),
restarts the kernel, runs all again and checks that the answer was restored. After Run All it
also runs axe-core on the course's own output (Markdown cells and cell outputs; JupyterLab's own
chrome is excluded, see docs/accessibility.md) and fails on any serious or critical violation;
every rule that fired goes to artifacts/browser/<notebook>-axe.json. A keyboard-only pass
answers one question of every type in the start-here notebook with key presses alone and checks
the saved answers. Then lesson 1 and its exercise set are opened in two tabs (two kernels, one
answers file) and answered in both. A screenshot of each notebook goes to artifacts/browser/.

The browser is Chromium (or Chrome), driven by Python Playwright; this test installs nothing:
- $PACTLAB_BROWSER names the executable (a path or a command on PATH), else the first Chromium or
  Chrome that tools/find_browser.py finds (on PATH or at the usual places);
- with none, the test fails and says how to install one (`make test-browser` runs
  `tools/find_browser.py --install` first, which installs one where it can);
- PACTLAB_SKIP_BROWSER=1 skips it, loudly (for machines that cannot have a browser).

JupyterLab runs on a free loopback port, on a temporary copy of the course (PACTLAB_ROOT points
at it), with temporary Jupyter folders and a temporary answers folder.

Run it alone with:  .venv/bin/python -m pytest -m browser tests/test_browser.py
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import lab_driver
from lab_driver import (BROWSER_ARGS, INSTALL_HELP, QUESTION_RE, check_widgets_rendered, command,
                        question_widget, strip_marks, wait_idle)
from lab_driver import notebook_plan as _notebook_plan
from lab_driver import screenshot as _screenshot
from lab_driver import wait_all_ran as _wait_all_ran

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
# axe-core, installed by `make test` from tests/a11y/package.json (never fetched at run time)
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# What axe checks: the course's own output (rendered Markdown cells and cell outputs, widgets
# included). JupyterLab's own chrome (menus, toolbars, side bars, cell prompts, the editor) is
# left out: the course cannot change it (docs/accessibility.md).
AXE_INCLUDE = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SERVER_START_TIMEOUT = 90  # seconds
RUN_TIMEOUT = 180  # seconds for "run all"
STUDENT = "test-student"

pytestmark = pytest.mark.browser


def browser_notebooks() -> list[str]:
    return (["notebooks/00_start_here.ipynb"]
            + [f"exercises/{p.name}" for p in sorted((ROOT / "exercises").glob("*.ipynb"))])


def notebook_plan(rel: str) -> tuple[str, list[str]]:
    return _notebook_plan(ROOT / rel)


def wait_all_ran(page, rel: str) -> None:
    _wait_all_ran(page, rel, RUN_TIMEOUT)


def screenshot(page, name: str) -> Path:
    return _screenshot(page, ARTIFACTS / f"{name}.png")


# --------------------------------------------------------------------------------------------
# Fixtures: the browser executable, the server, the browser
@pytest.fixture(scope="module")
def browser_path():
    return lab_driver.browser_path()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(folder: Path) -> None:
    settings = {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "docmanager-extension/plugin": {"autosave": False},
        # every cell in the page, so that screenshots and locators see the whole notebook
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, value in settings.items():
        path = folder / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


class LabServer:
    def __init__(self, base: Path, course: Path, answers: Path, env: dict, log: Path):
        self.base, self.course, self.answers, self.env, self.log = base, course, answers, env, log
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        for attempt in range(3):  # a free port can be taken between probing and binding
            port = _free_port()
            self.url = f"http://127.0.0.1:{port}"
            cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                   "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                   "--IdentityProvider.token=", f"--ServerApp.root_dir={self.course}",
                   f"--LabApp.user_settings_dir={self.base / 'settings'}",
                   f"--LabApp.workspaces_dir={self.base / 'workspaces'}",
                   "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.expose_app_in_browser=True"]
            with open(self.log, "a", encoding="utf-8") as log:
                log.write(f"\n=== attempt {attempt + 1}: {' '.join(cmd)}\n")
                log.flush()
                self.proc = subprocess.Popen(cmd, cwd=self.course, env=self.env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as resp:
                        if resp.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.25)
            self.stop()
        pytest.fail(f"JupyterLab did not start; its log is {self.log}:\n"
                    + self.log.read_text(encoding="utf-8")[-3000:], pytrace=False)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # jupyter_server shuts its kernels down on SIGTERM
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(browser_path, tmp_path_factory, notebook_tools):
    base = tmp_path_factory.mktemp("lab")
    course = base / "course"
    for name in ("notebooks", "exercises", "questions", "data"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, course / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    answers = base / "answers"
    answers.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "PACTLAB_"))}
    env.update(notebook_tools.hermetic_environment(base / "env"))
    env.update({"PACTLAB_ROOT": str(course), "PACTLAB_ANSWERS_DIR": str(answers),
                "PACTLAB_STUDENT": STUDENT})
    _write_settings(base / "settings")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = LabServer(base, course, answers, env, ARTIFACTS / "jupyterlab.log")
    server.log.write_text("", encoding="utf-8")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab, browser_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is not installed: run `make test` (or "
                    "pip install -e \".[test]\" -c constraints.txt)", pytrace=False)
    with sync_playwright() as p:
        try:
            instance = p.chromium.launch(executable_path=browser_path, args=BROWSER_ARGS)
        except Exception as exc:  # a broken or foreign executable: say which
            pytest.fail(f"Could not start the browser {browser_path}: {exc}\n{INSTALL_HELP}",
                        pytrace=False)
        yield instance
        instance.close()


# --------------------------------------------------------------------------------------------
WIDE_JS = """() => Array.from(document.querySelectorAll('.pactlab-question, .pactlab-progress'))
  .filter(q => { const out = q.closest('.jp-OutputArea-output');
                 return q.scrollWidth > q.clientWidth + 1 ||
                        q.getBoundingClientRect().right > out.getBoundingClientRect().right + 1; })
  .map(q => q.innerText.slice(0, 40))"""


def axe_scan(page, name: str) -> list[dict]:
    """Run axe-core on the course's output in the open notebook; write every rule that fired
    to artifacts/browser/<name>-axe.json and return the serious and critical violations."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE.relative_to(ROOT)}): run `make test`, which "
                    "installs it with `npm ci --prefix tests/a11y`", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async ([include, tags]) => {
      const nodes = include.flatMap(sel => Array.from(document.querySelectorAll(sel)));
      const res = await window.axe.run(nodes, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
      return res.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""", [AXE_INCLUDE, AXE_TAGS])
    (ARTIFACTS / f"{name}-axe.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("rel", browser_notebooks())
def test_notebook_in_jupyterlab(rel, lab, browser):
    from playwright.sync_api import expect

    from pactlab.bank import load_bank

    lesson, ids = notebook_plan(rel)
    bank = load_bank(lesson, root=lab.course)
    unknown = [qid for qid in ids if qid not in bank.questions]
    assert not unknown, f"{rel}: questions not in the bank of {lesson}: {unknown}"
    choice = next((bank[qid] for qid in ids if bank[qid].kind == "choice"), None)
    name = Path(rel).with_suffix("").as_posix().replace("/", "__")
    for old in ARTIFACTS.glob(f"{name}*"):
        old.unlink()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}")
            if msg.type == "error" else None)
    try:
        page.goto(f"{lab.url}/doc/tree/{rel}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext")
        wait_idle(page)
        page.wait_for_timeout(500)
        screenshot(page, f"{name}-opened")
        page.set_viewport_size({"width": 1280, "height": 900})
        if rel == "notebooks/00_start_here.ipynb":  # stored outputs, before anything runs
            static = page.locator(".pactlab-static").first
            expect(static.locator(".jp-mod-hidden")).to_be_hidden()  # the static-view words
            assert "Run this cell (Shift+Enter) to answer." in static.inner_text()

        # 1. run all from clean outputs: every question widget renders
        command(page, "notebook:clear-all-cell-outputs")
        command(page, "notebook:run-all-cells")
        wait_all_ran(page, rel)
        check_widgets_rendered(page, rel, ids)
        page.wait_for_timeout(300)
        # 200% zoom of a 1366-pixel screen is 683 CSS pixels: no widget scrolls sideways
        page.set_viewport_size({"width": 683, "height": 768})
        page.wait_for_timeout(500)
        wide = page.evaluate(WIDE_JS)
        assert not wide, f"{rel}: widgets wider than the notebook at 200% zoom: {wide}"
        page.set_viewport_size({"width": 1280, "height": 900})
        serious = axe_scan(page, name)
        assert not serious, (f"{rel}: axe-core found serious or critical accessibility problems "
                             f"in the course's output (all rules: artifacts/browser/{name}-axe"
                             f".json): " + json.dumps(serious, indent=1))

        if choice is not None:
            key = choice.key
            widget = lab_driver.answer_wrong_then_right(page, choice)
            saved = json.loads((lab.answers / STUDENT / f"{lesson}.json").read_text("utf-8"))
            assert saved["answers"][choice.id]["answer"] == key
            assert saved["answers"][choice.id]["attempts"] == 2
            widget.scroll_into_view_if_needed()
            widget.screenshot(path=str(ARTIFACTS / f"{name}-answered.png"))

            # 4. restart the kernel and run all again: the saved answer comes back
            command(page, "notebook:clear-all-cell-outputs")
            page.evaluate("() => { window.jupyterapp.commands.execute("
                          "'notebook:restart-run-all'); }")
            page.locator(".jp-Dialog .jp-mod-accept").click()
            page.wait_for_timeout(500)
            wait_all_ran(page, rel)
            check_widgets_rendered(page, rel, ids)
            widget = question_widget(page, choice.id)
            radio = widget.get_by_role("radio", name=strip_marks(choice.options[key]), exact=True)
            expect(radio).to_be_checked()
            expect(widget).to_contain_text("Your saved answer was restored.")
            expect(widget.locator(".pactlab-feedback")).to_have_class(
                re.compile(r"\bpactlab-correct\b"))
        elif rel.startswith("notebooks/00"):
            pytest.fail(f"{rel}: the start-here notebook shows no single-choice question to "
                        "answer in the browser")
        screenshot(page, name)
    finally:
        if console:
            (ARTIFACTS / f"{name}-console.log").write_text("\n".join(console) + "\n", "utf-8")
        context.close()


def open_and_run(context, lab, rel: str):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{lab.url}/doc/tree/{rel}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    wait_idle(page)
    command(page, "notebook:clear-all-cell-outputs")
    command(page, "notebook:run-all-cells")
    wait_all_ran(page, rel)
    return page


def answer_choice_by_clicking(page, question, value: str) -> None:
    from playwright.sync_api import expect

    widget = question_widget(page, question.id)
    widget.get_by_role("radio", name=strip_marks(question.options[value]), exact=True).check()
    widget.get_by_role("button", name="Check", exact=True).click()
    expect(widget.locator(".pactlab-feedback")).to_be_visible()


def test_a_lesson_and_its_exercises_in_two_tabs_keep_both_answers(lab, browser):
    """Two tabs, two kernels, one answers file: an answer in each tab, both saved."""
    from pactlab.bank import load_bank

    bank = load_bank("01_summit", root=lab.course)
    in_lesson = next(q for q in bank.part("lesson") if q.kind == "choice" and q.part == "lesson")
    in_exercises = next(q for q in bank.part("exercises")
                        if q.kind == "choice" and q.part == "exercises")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        exercises = open_and_run(context, lab, "exercises/01_summit_exercises.ipynb")
        lesson = open_and_run(context, lab, "notebooks/01_summit.ipynb")
        answer_choice_by_clicking(exercises, in_exercises, in_exercises.key)
        answer_choice_by_clicking(lesson, in_lesson, in_lesson.key)
        saved = json.loads((lab.answers / STUDENT / "01_summit.json").read_text("utf-8"))
        assert saved["answers"][in_exercises.id]["answer"] == in_exercises.key
        assert saved["answers"][in_lesson.id]["answer"] == in_lesson.key
        screenshot(lesson, "two-tabs__lesson")
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# Keyboard only: one question of every type answered with key presses alone
ACTIVE_JS = """() => { const e = document.activeElement;
  const label = e && e.labels && e.labels.length ? e.labels[0].innerText : '';
  const style = e ? getComputedStyle(e) : null;
  const q = e && e.closest('.pactlab-question');
  const group = q ? Array.from(q.querySelectorAll('.pactlab-match-choices'))
    .indexOf(e.closest('.pactlab-match-choices')) : -1;
  return {tag: e ? e.tagName : '', label: label.replace(/\\s+/g, ' ').trim(), group,
          title: e ? (e.title || '') : '', text: e ? (e.innerText || '').trim() : '',
          inQuestion: !!(e && e.closest('.pactlab-question')),
          outline: style ? style.outlineStyle + ' ' + style.outlineWidth : ''}; }"""


def tab_to(page, want, what: str, reverse: bool = False, limit: int = 40) -> dict:
    """Press Tab (Shift+Tab) until the focused element satisfies `want`; return it."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if reverse else "Tab")
        active = page.evaluate(ACTIVE_JS)
        if want(active):
            return active
    raise AssertionError(f"{limit} presses of {'Shift+' if reverse else ''}Tab did not reach "
                         f"{what}; focus is on {active}")


def seek(page, want, what: str, cell: int | None = None) -> dict:
    """Tab forward within the question to an element satisfying `want`. When focus leaves the
    question (a re-rendered widget may drop it to the page), go back to the question's cell
    with the keyboard (`cell`) and tab forward from there; without `cell`, tab backwards."""
    for _ in range(15):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_JS)
        if want(active):
            return active
        if not active["inQuestion"]:
            break
    if cell is not None:
        go_to_cell(page, cell)
        return tab_to(page, want, what)
    return tab_to(page, want, what, reverse=True)


def go_to_cell(page, index: int) -> None:
    """Command mode on the first cell, then Down-arrow presses to cell `index` (JupyterLab's
    own keyboard navigation), then Tab into that cell's output."""
    page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content;"
                  " nb.activeCellIndex = 0; nb.mode = 'command'; nb.node.focus(); }")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content"
                         ".activeCellIndex") == index


def question_cells(rel: str) -> dict[str, int]:
    nb = json.loads((ROOT / rel).read_text(encoding="utf-8"))
    cells = {}
    for n, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            for qid in QUESTION_RE.findall("".join(cell["source"])):
                cells.setdefault(qid, n)
    return cells


def press_check(page, qid: str, button: str = "Check") -> None:
    active = tab_to(page, lambda a: a["title"] == f"{button} your answer to {qid}",
                    f"the {button} button of {qid}")
    assert active["outline"].split()[0] != "none", f"no visible focus on {qid}'s {button}"
    page.keyboard.press("Enter")


def test_keyboard_only_answers_every_question_type(lab, browser):
    from playwright.sync_api import expect

    from pactlab.bank import load_bank

    rel = "notebooks/00_start_here.ipynb"
    bank = load_bank("00_start_here", root=lab.course)
    cells = question_cells(rel)
    by_kind = {}
    for qid in cells:
        by_kind.setdefault(bank[qid].kind, bank[qid])
    from pactlab.questions import TYPES

    assert set(by_kind) == set(TYPES), f"{rel} lacks question types {set(TYPES) - set(by_kind)}"
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = open_and_run(context, lab, rel)
        typed = {"number", "date", "text", "data"}
        for kind, q in by_kind.items():
            widget = question_widget(page, q.id)
            go_to_cell(page, cells[q.id])
            tab_to(page, lambda a: a["inQuestion"], f"the first control of {q.id}")
            page.keyboard.press("Shift+Tab")  # back to just before it: each step tabs forward
            if kind == "choice":
                tab_to(page, lambda a: a["label"] == strip_marks(q.options[q.key]),
                       f"the right option of {q.id}")
                page.keyboard.press("Space")
                press_check(page, q.id)
            elif kind == "multi":
                wanted = {strip_marks(q.options[k]) for k in q.key}
                for _ in range(len(q.options)):
                    active = tab_to(page, lambda a: a["tag"] == "INPUT", f"a box of {q.id}")
                    if active["label"] in wanted:
                        page.keyboard.press("Space")
                press_check(page, q.id)
            elif kind == "order":
                for pos, item in enumerate(q.key):
                    text = strip_marks(q.items[item])
                    label = widget.locator(".widget-radio-box label").filter(has_text=text)
                    seek(page, lambda a: a["label"].endswith(text), f"item {item!r}",
                         cell=cells[q.id])
                    page.keyboard.press("Space")
                    expect(label.locator("input")).to_be_checked()
                    tab_to(page, lambda a: a["title"].startswith(
                        "Move the chosen item one place up"), f"Move up of {q.id}")
                    for _ in range(len(q.key)):
                        if label.inner_text().strip().startswith(f"{pos + 1}. "):
                            break
                        before = label.inner_text()
                        page.keyboard.press("Enter")
                        expect(label).not_to_have_text(before)
                    expect(label).to_have_text(re.compile(rf"^\s*{pos + 1}\. "))
                press_check(page, q.id)
            elif kind == "match":
                shown = widget.locator(".pactlab-match-item").all_inner_texts()
                for n, text in enumerate(shown):
                    item = next(i for i, t in q.items.items()
                                if strip_marks(text).endswith(strip_marks(t)))
                    want = strip_marks(q.categories[q.key[item]])
                    tab_to(page, lambda a: a["group"] == n and a["label"] == want,
                           f"{want!r} for {item!r}")
                    page.keyboard.press("Space")
                press_check(page, q.id)
            elif kind in typed:
                tab_to(page, lambda a: a["tag"] == "INPUT", f"the box of {q.id}")
                page.keyboard.type(str(q.key_answer()))
                page.keyboard.press("Enter")  # Enter checks
            elif kind == "written":
                tab_to(page, lambda a: a["tag"] == "TEXTAREA", f"the box of {q.id}")
                page.keyboard.type("I would like to know what the treaty changes in practice, "
                                   "and I would trust the published text.")
                expect(widget).to_contain_text("18 words")
                press_check(page, q.id, button="Submit")
            feedback = widget.locator(".pactlab-feedback")
            expect(feedback, f"{q.id}: feedback after keyboard answering").to_have_count(1)
            status = "submitted" if kind == "written" else "correct"
            expect(feedback).to_have_class(re.compile(rf"\bpactlab-{status}\b"))
            expect(widget.locator("[role=alert] .pactlab-feedback")).to_have_count(1)

        # changing a checked answer marks the feedback as not checked yet
        number = by_kind["number"]
        go_to_cell(page, cells[number.id])
        tab_to(page, lambda a: a["tag"] == "INPUT", f"the box of {number.id}")
        page.keyboard.press("End")  # Tab selects the box's text; add to it instead
        page.keyboard.type("0")
        expect(question_widget(page, number.id)).to_contain_text("Not checked yet")
        page.keyboard.press("Backspace")
        expect(question_widget(page, number.id)).not_to_contain_text("Not checked yet")
        screenshot(page, "keyboard-only__start_here")

        saved = json.loads((lab.answers / STUDENT / "00_start_here.json").read_text("utf-8"))
        for kind, q in by_kind.items():
            if kind == "written":
                assert saved["answers"][q.id]["answer"].startswith("I would like to know")
            else:
                assert q.check(saved["answers"][q.id]["answer"]).correct, (q.id, saved[
                    "answers"][q.id])
    finally:
        context.close()
