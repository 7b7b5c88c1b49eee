"""The browser edition against server JupyterLab, in one run. Goals: the site under 80 MB; Run
All of each lesson in the browser edition at most 3 times server JupyterLab's.

    python benchmarks/bench_lite.py [--site _site] [--repeat 1]

- site size: every file of the built site (`make lite` builds it; with no site this builds one
  into a temporary folder) and, as it is shipped, a gzip tarball of it;
- cold first output: a fresh browser profile (no cache, no drive) opens a lesson, asks for its
  first code cell to run at once, and waits for that cell's output (Pyodide's download and
  start, the kernel's packages, the course's import);
- Run All of each lesson in notebooks/ after the kernel is idle: from clean outputs until every
  code cell has run, in the browser edition and in server JupyterLab (the course's .venv, a
  temporary copy of the course), in the same headless Chromium, one after the other.
Both servers listen on 127.0.0.1 only; every other request is aborted; both are stopped at the
end. Temporary answers folders; no student's answers are read or written. Run by hand; no test
asserts these numbers. Record them in README.md ("The browser edition").
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from lab_driver import BROWSER_ARGS, command, lab_state, wait_all_ran, wait_for  # noqa: E402
from tools import build_lite, find_browser  # noqa: E402

GOAL_MB = 80
GOAL_RATIO = 3.0
FIRST_OUTPUT_JS = """index => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  return cell.model.outputs.length > 0 && cell.model.executionCount !== null;
}"""
RUN_CELL_JS = """index => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[index];
  cell.model.outputs.clear();
  cell.model.executionCount = null;
  panel.content.activeCellIndex = index;
  window.jupyterapp.commands.execute('notebook:run-cell');
}"""
NULL_COUNTS_JS = """() => { for (const c of window.jupyterapp.shell.currentWidget.content.widgets)
                        if (c.model.type === 'code') c.model.executionCount = null; }"""


def lessons() -> list[str]:
    return [f"notebooks/{p.name}" for p in sorted((REPO / "notebooks").glob("*.ipynb"))]


def site_size(site: Path) -> tuple[float, float, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=6) as tf:
        tf.add(site, arcname="site")
    return raw / 1e6, len(buf.getvalue()) / 1e6, len(files)


def offline(context, base: str) -> None:
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(base + "/") else route.abort())


def wait_notebook(page, rel: str, timeout: float = 240) -> None:
    page.wait_for_function(
        "rel => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.context.path === rel",
        arg=rel, timeout=timeout * 1000)
    wait_for(page, lambda s: s.get("ready") and s.get("status") == "idle",
             f"the kernel of {rel}", timeout)


def run_all_seconds(page, rel: str) -> float:
    command(page, "notebook:clear-all-cell-outputs")
    page.evaluate(NULL_COUNTS_JS)
    started = time.monotonic()
    command(page, "notebook:run-all-cells")
    wait_all_ran(page, rel, 600)
    return time.monotonic() - started


def first_output_cell(rel: str) -> int:
    """The index (among all cells) of the notebook's first code cell that shows an output."""
    cells = json.loads((REPO / rel).read_text(encoding="utf-8"))["cells"]
    return next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and c["outputs"])


def cold_first_output(browser, url: str, rel: str) -> float:
    """Page open to the output of the first code cell that has one; the cells before it (the
    setup) are run first, as a student would."""
    index = first_output_cell(rel)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    offline(context, url)
    page = context.new_page()
    try:
        started = time.monotonic()
        page.goto(f"{url}/lab/index.html?path={rel}")
        # as soon as the notebook has a kernel object (it may still be starting: the request
        # waits for it), run the first code cell
        page.wait_for_function("rel => { const w = window.jupyterapp"
                               " && window.jupyterapp.shell.currentWidget;"
                               " return w && w.context && w.context.path === rel"
                               " && w.sessionContext.session && w.sessionContext.session.kernel"
                               " && w.content.widgets.length > 0; }",
                               arg=rel, timeout=240_000)
        for earlier in range(index):  # the setup cells above it, if any, in order
            if page.evaluate("i => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                             ".model.type === 'code'", earlier):
                page.evaluate(RUN_CELL_JS, earlier)
        page.evaluate(RUN_CELL_JS, index)
        page.wait_for_function(FIRST_OUTPUT_JS, arg=index, timeout=240_000, polling=100)
        return time.monotonic() - started
    finally:
        context.close()


def run_alls(browser, address_of, base: str, repeat: int) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    offline(context, base)
    out = {}
    try:
        for rel in lessons():
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(address_of(rel))
            wait_notebook(page, rel)
            times = [run_all_seconds(page, rel) for _ in range(repeat)]
            assert not lab_state(page)["errors"], f"{rel}: {lab_state(page)['errors']}"
            out[rel] = statistics.median(times)
            page.close()
    finally:
        context.close()
    return out


@contextlib.contextmanager
def jupyterlab(tmp: Path):
    """Server JupyterLab from the course's .venv on a free loopback port, a copy of the course."""
    course = tmp / "course"
    for name in ("notebooks", "questions", "data"):
        shutil.copytree(REPO / name, course / name)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PACTLAB_ROOT": str(course), "PACTLAB_ANSWERS_DIR": str(tmp / "answers"),
           "JUPYTER_CONFIG_DIR": str(tmp / "cfg"), "JUPYTER_DATA_DIR": str(tmp / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp / "rt"), "IPYTHONDIR": str(tmp / "ipy")}
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    log = open(tmp / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
         f"--ServerApp.root_dir={course}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
         f"--LabApp.workspaces_dir={tmp / 'ws'}", "--LabApp.news_url=None",
         "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(360):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            if proc.poll() is not None:
                raise SystemExit(f"JupyterLab stopped; see {tmp / 'jupyterlab.log'}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(REPO / "_site"))
    parser.add_argument("--repeat", type=int, default=1, help="Run All repeats per lesson")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp:
        tmp = Path(tmp)
        site = Path(args.site)
        if not (site / "jupyter-lite.json").exists():
            site = tmp / "_site"
            build_lite.build(site)
        raw, packed, files = site_size(site)
        print(f"site: {raw:.1f} MB in {files} files ({packed:.1f} MB as a gzip tarball); "
              f"goal under {GOAL_MB} MB: {'met' if raw < GOAL_MB else 'NOT met'}")
        with sync_playwright() as p, build_lite.serve(site) as url, jupyterlab(tmp) as lab:
            browser = p.chromium.launch(executable_path=find_browser.find(), args=BROWSER_ARGS)
            first = cold_first_output(browser, url, lessons()[1])
            print(f"cold first output ({lessons()[1]}, fresh profile): {first:.1f} s")
            lite = run_alls(browser, lambda rel: f"{url}/lab/index.html?path={rel}", url,
                            args.repeat)
            server = run_alls(browser, lambda rel: f"{lab}/lab/tree/{rel}", lab, args.repeat)
            browser.close()
        worst = 0.0
        print(f"{'Run All, kernel ready':38} {'browser':>8} {'server':>8} {'ratio':>6}")
        for rel in lessons():
            ratio = lite[rel] / server[rel]
            worst = max(worst, ratio)
            print(f"{rel:38} {lite[rel]:7.1f}s {server[rel]:7.1f}s {ratio:6.2f}")
        print(f"worst ratio {worst:.2f}; goal at most {GOAL_RATIO:g}: "
              f"{'met' if worst <= GOAL_RATIO else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
