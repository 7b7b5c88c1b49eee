"""A class on a real JupyterHub: nbgitpuller link, two students in a browser, hand-in, collect,
grade, and a second pull after the teacher changes the course.

What runs, all on 127.0.0.1 and free ports, all stopped at the end:
- a git daemon serving the course repository (nbgitpuller clones with --depth 1, which git's
  own protocol serves; a "dumb" static HTTP server would not);
- JupyterHub (DummyAuthenticator, LocalProcessSpawner) with configurable-http-proxy from npm
  (hub/package-lock.json), and the students' single-user servers from the environment that
  hub/install-tljh.sh installed, not editable (`make test-hub` makes both: PACTLAB_HUB_ENV,
  PACTLAB_CHP);
- headless Chromium through Playwright.

Two students and a teacher are real Unix users with unique names, removed at the end even on
failure. Needs root (it creates the users). Run it with `make test-hub`.
"""
from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lab_driver import (BROWSER_ARGS, _browser_executable, command, question_widget, strip_marks,
                        wait_idle)
from test_browser import _free_port, _write_settings, notebook_plan, wait_all_ran

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "hub"
START_TIMEOUT = 120
EXPORT_BUTTON = "Export submission"


def _require():
    if os.geteuid() != 0:
        pytest.skip("the hub test creates Unix users for its students: run it as root "
                    "(`sudo make test-hub`)")
    if os.environ.get("PACTLAB_SKIP_BROWSER") == "1":
        pytest.skip("PACTLAB_SKIP_BROWSER=1 IS SET: THE HUB TEST WAS NOT RUN")
    env = Path(os.environ.get("PACTLAB_HUB_ENV", ROOT / ".venv-hub"))
    chp = Path(os.environ.get("PACTLAB_CHP",
                              ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"))
    missing = [str(p) for p in (env / "bin" / "jupyterhub-singleuser", chp) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make test-hub`, which installs the "
                    "students' environment (hub/install-tljh.sh) and the proxy (npm ci)",
                    pytrace=False)
    for tool in ("git", "useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if not shutil.which(tool):
            pytest.fail(f"the hub test needs `{tool}` on PATH", pytrace=False)
    return env, chp


def run(cmd, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("check", True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def as_user(user: str, cmd: list[str], env: dict | None = None, cwd: str | None = None,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run a command as a Unix user (with that user's groups), from their home."""
    home = pwd.getpwnam(user).pw_dir
    base = {"HOME": home, "USER": user, "LANG": "C.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin:/bin"}
    base.update(env or {})
    full = ["runuser", "-u", user, "--", "env", "-i"] + [f"{k}={v}" for k, v in base.items()]
    return run(full + cmd, cwd=cwd or home, check=check)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def pick_notebook() -> tuple[str, str, object]:
    """The shortest exercise notebook with a single-choice exercise (glob, never a name)."""
    from pactlab.bank import load_bank

    for path in sorted((ROOT / "exercises").glob("*.ipynb"), key=lambda p: p.stat().st_size):
        rel = f"exercises/{path.name}"
        lesson, ids = notebook_plan(rel)
        bank = load_bank(lesson, root=ROOT)
        choice = next((bank[q] for q in ids if bank[q].kind == "choice"
                       and bank[q].part == "exercises"), None)
        if choice is not None:
            return rel, lesson, choice
    pytest.fail("no exercise notebook has a single-choice exercise to answer")


def user_pids(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class Class:
    """Everything the test starts, and its clean-up."""

    def __init__(self, base: Path, hub_env: Path, chp: Path):
        self.base, self.hub_env, self.chp = base, hub_env, chp
        tag = secrets.token_hex(3)
        self.course_id = f"hist-{tag}"
        self.students = [f"ana-{tag}", f"ben-{tag}"]
        self.teacher = f"teach-{tag}"
        self.group = f"teachers-{tag}"
        self.users: list[str] = []
        self.procs: list[subprocess.Popen] = []
        self.password = secrets.token_hex(8)
        self.token = secrets.token_hex(16)
        self.starter = secrets.token_hex(16)

    # -- set-up ---------------------------------------------------------------------------
    def make_users(self) -> None:
        run(["groupadd", self.group])
        for user in self.students + [self.teacher]:
            run(["useradd", "--create-home", "--shell", "/bin/bash", user])
            self.users.append(user)
        run(["usermod", "-a", "-G", self.group, self.teacher])

    def make_repo(self, rel: str) -> None:
        """The teacher's course repository (the files students need), served by git daemon."""
        work = self.base / "teacher-work"
        for name in ("questions", "data"):
            shutil.copytree(ROOT / name, work / name)
        (work / "exercises").mkdir()
        shutil.copy2(ROOT / rel, work / rel)
        (work / "course.json").write_text(json.dumps({"course_id": self.course_id}) + "\n",
                                          encoding="utf-8")
        git = ["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@school.example"]
        run(["git", "init", "-q", "-b", "main", str(work)])
        run(git + ["-C", str(work), "add", "."])
        run(git + ["-C", str(work), "commit", "-q", "-m", "The course"])
        served = self.base / "git"
        served.mkdir()
        run(["git", "clone", "-q", "--bare", str(work), str(served / "course")])
        self.work, self.git = work, git
        self.git_port = _free_port()
        self.procs.append(subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={self.git_port}",
             f"--base-path={served}", "--export-all", str(served)],
            stdout=subprocess.DEVNULL, stderr=open(ARTIFACTS / "git-daemon.log", "w")))
        wait_port(self.git_port)
        self.repo_url = f"git://127.0.0.1:{self.git_port}/course"

    def push_change(self, rel: str, marker: str) -> None:
        nb = json.loads((self.work / rel).read_text(encoding="utf-8"))
        nb["cells"].append({"cell_type": "markdown", "id": "teacher-note", "metadata": {},
                            "source": [f"Teacher's note: {marker}"]})
        (self.work / rel).write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
        run(self.git + ["-C", str(self.work), "commit", "-q", "-am", "A note"])
        run(self.git + ["-C", str(self.work), "push", "-q",
                        str(self.base / "git" / "course"), "main"])

    def make_exchange(self) -> Path:
        self.exchange = self.base / "exchange"
        run([str(self.hub_env / "bin" / "pactlab"), "exchange-init", "--course",
             self.course_id, "--exchange", str(self.exchange), "--group", self.group])
        return self.exchange / self.course_id / "inbound"

    def start_hub(self) -> None:
        hub_dir = self.base / "hub"
        hub_dir.mkdir()
        _write_settings(self.base / "lab-settings")  # as the browser test's JupyterLab
        run(["chmod", "-R", "a+rX", str(self.base / "lab-settings")])
        self.port, hub_port, api_port = _free_port(), _free_port(), _free_port()
        path = f"{self.hub_env / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        config = f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{str(self.chp)!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = {str(hub_dir / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{hub_dir / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(hub_dir / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {self.password!r}
c.Authenticator.allowed_users = {set(self.students + [self.teacher])!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(self.hub_env / 'bin' / 'jupyterhub-singleuser')!r}]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
                  "--LabApp.user_settings_dir={self.base / 'lab-settings'}",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.environment = {{"PACTLAB_EXCHANGE": {str(self.exchange)!r}, "PATH": {path!r}}}
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}  # POST .../server returns at once
c.Spawner.http_timeout = {START_TIMEOUT}
c.Spawner.start_timeout = {START_TIMEOUT}
c.JupyterHub.load_groups = {{
    "nbgrader-{self.course_id}": {{"users": {self.students!r}}},
    "formgrade-{self.course_id}": {{"users": [{self.teacher!r}]}},
}}
c.JupyterHub.services = [{{"name": "pactlab-roster", "api_token": {self.token!r}}},
                         {{"name": "test-starter", "api_token": {self.starter!r}}}]
c.JupyterHub.load_roles = [{{"name": "pactlab-roster", "scopes": ["read:groups"],
                             "services": ["pactlab-roster"]}},
                           {{"name": "test-starter", "scopes": ["servers"],
                             "services": ["test-starter"]}}]
"""
        (hub_dir / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        env = {"PATH": path, "LANG": "C.UTF-8", "HOME": str(hub_dir)}
        self.hub_log = ARTIFACTS / "jupyterhub.log"
        self.hub = subprocess.Popen(
            [str(self.hub_env / "bin" / "jupyterhub"), "-f", str(hub_dir / "jupyterhub_config.py")],
            cwd=hub_dir, env=env, stdout=open(self.hub_log, "w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(self.hub)
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"http://127.0.0.1:{self.port}/hub/api"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.hub.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.api}/", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        pytest.fail("JupyterHub did not start:\n" + self.hub_log.read_text()[-3000:],
                    pytrace=False)

    def start_servers(self) -> None:
        """Start the students' servers at once, side by side (as a class logging in at the
        start of a lesson would), so the browser does not wait for one spawn after another."""
        for user in self.students:
            req = urllib.request.Request(f"{self.api}/users/{user}/server", method="POST",
                                         headers={"Authorization": f"token {self.starter}"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.status in (201, 202), resp.status

    # -- clean-up -------------------------------------------------------------------------
    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # the hub stops its proxy and the servers
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        pid_file = self.base / "hub" / "proxy.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ValueError, OSError):
                pass
        for user in self.users:
            uid = pwd.getpwnam(user).pw_uid
            for pid in user_pids(uid):  # whatever the test's own users still run
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        subprocess.run(["groupdel", self.group], capture_output=True)


@pytest.fixture(scope="module")
def school():
    hub_env, chp = _require()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        old.unlink()
    # not under pytest's temporary folder: that is private to root, and the students' servers
    # must reach the exchange and the JupyterLab settings in it
    base = Path(tempfile.mkdtemp(prefix="pactlab-hub-"))
    os.chmod(base, 0o755)
    cls = Class(base, hub_env, chp)
    try:
        cls.make_users()
        yield cls
    finally:
        cls.stop()
        shutil.rmtree(base, ignore_errors=True)
        for user in cls.users:
            assert subprocess.run(["id", user], capture_output=True).returncode != 0, \
                f"the test user {user} was not removed"


def open_link(context, cls: Class, user: str, link: str):
    from playwright.sync_api import expect

    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{cls.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", cls.password)
    page.click("#login_submit")
    expect(page.locator("#login_submit")).to_have_count(0)
    page.goto(link)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=START_TIMEOUT * 1000)
    wait_idle(page, timeout=START_TIMEOUT)
    return page


def answer_and_hand_in(page, rel: str, question, value: str) -> None:
    from playwright.sync_api import expect

    command(page, "notebook:clear-all-cell-outputs")
    command(page, "notebook:run-all-cells")
    wait_all_ran(page, rel)
    widget = question_widget(page, question.id)
    widget.get_by_role("radio", name=strip_marks(question.options[value]), exact=True).check()
    widget.get_by_role("button", name="Check", exact=True).click()
    expect(widget.locator(".pactlab-feedback")).to_be_visible()
    page.get_by_role("button", name=EXPORT_BUTTON).first.click()
    try:
        expect(page.locator(".pactlab-info").filter(has_text="Handed in")).to_have_count(1)
    except AssertionError:
        page.screenshot(path=str(ARTIFACTS / "failed-hand-in.png"), full_page=True)
        raise


def test_a_class_on_jupyterhub(school, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from pactlab.instructor.link import nbgitpuller_link

    cls = school
    rel, lesson, choice = pick_notebook()
    wrong = next(k for k in choice.options if k != choice.key)
    answers = dict(zip(cls.students, (choice.key, wrong)))
    cls.make_repo(rel)
    inbound = cls.make_exchange()
    cls.start_hub()
    cls.start_servers()
    link = nbgitpuller_link(cls.url, cls.repo_url, "main", rel)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_browser_executable(), args=BROWSER_ARGS)
        contexts = {}
        try:
            # 1. each student clicks the link, answers by clicking, and presses Export
            for user in cls.students:
                contexts[user] = browser.new_context(viewport={"width": 1366, "height": 768})
                page = open_link(contexts[user], cls, user, link)
                answer_and_hand_in(page, rel, choice, answers[user])
                page.screenshot(path=str(ARTIFACTS / f"{user.split('-')[0]}-handed-in.png"))

            home = {u: Path(pwd.getpwnam(u).pw_dir) for u in cls.users}
            saved = {u: home[u] / ".local/share/pactlab/answers" / u / f"{lesson}.json"
                     for u in cls.students}
            for user in cls.students:
                assert (home[user] / "course" / rel).exists(), "nbgitpuller did not pull"
                doc = json.loads(saved[user].read_text(encoding="utf-8"))
                assert doc["answers"][choice.id]["answer"] == answers[user]
            ana, ben = cls.students

            # 2. students cannot read each other's answers, nor list the inbound
            peek = as_user(ben, ["cat", str(saved[ana])], check=False)
            assert peek.returncode != 0 and "Permission denied" in peek.stderr
            listing = as_user(ben, ["ls", str(inbound)], check=False)
            assert listing.returncode != 0 and "Permission denied" in listing.stderr
            # ... nor forge one: ben hands in a wrong answer under ana's name, later than hers
            forged = {"format": "pactlab-submission/1", "student": ana, "lesson": lesson,
                      "course_version": "0.1.0", "created_at": "2099-01-01T00:00:00+00:00",
                      "answers": {choice.id: {"answer": wrong, "saved_at":
                                              "2099-01-01T00:00:00+00:00", "attempts": 1}}}
            name = f"{ana}+{lesson}+20990101T000000.000000Z+{secrets.token_hex(8)}.pactlab.json"
            forge = subprocess.run(
                ["runuser", "-u", ben, "--", "sh", "-c", f"umask 027; cat > '{inbound / name}'"],
                input=json.dumps(forged), capture_output=True, text=True, timeout=30)
            assert forge.returncode == 0, forge.stderr

            # 3. the teacher collects (roster from the hub's groups) and grades, for Canvas
            teacher_env = {"JUPYTERHUB_API_TOKEN": cls.token}
            pactlab = str(cls.hub_env / "bin" / "pactlab")
            as_user(cls.teacher, ["git", "clone", "-q", cls.repo_url, "course"])
            collected = as_user(cls.teacher, [
                pactlab, "collect", "--exchange", str(cls.exchange), "--out", "../collected",
                "--hub-api", cls.api], env=teacher_env, cwd=str(home[cls.teacher] / "course"))
            assert f"claims to be {ana!r}'s, but {ben} handed it in" in collected.stderr
            assert "Everyone on the roster handed in" in collected.stdout, collected.stdout
            graded = as_user(cls.teacher, [
                pactlab, "grade", "../collected", "--out", "../grades/grades.csv",
                "--format", "canvas", "--hub-api", cls.api], env=teacher_env,
                cwd=str(home[cls.teacher] / "course"), check=False)
            assert graded.returncode == 0, graded.stdout + graded.stderr
            with open(home[cls.teacher] / "grades" / "grades.csv", newline="",
                      encoding="utf-8-sig") as fh:  # people's CSVs start with a BOM
                grades = {r["student"]: r for r in csv.DictReader(fh)}
            assert grades[ana][choice.id] == f"{choice.points:g}"
            assert grades[ben][choice.id] == "0"
            with open(home[cls.teacher] / "grades" / "grades.canvas.csv", newline="") as fh:
                canvas = list(csv.reader(fh))
            assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
            assert sorted(r[3] for r in canvas[2:]) == sorted(cls.students)

            # 4. the teacher changes the notebook; a second click merges it, answers stay
            marker = f"note-{secrets.token_hex(4)}"
            cls.push_change(rel, marker)
            for user in cls.students:
                for old in contexts[user].pages:
                    old.close()
                page = contexts[user].new_page()
                page.set_default_timeout(30_000)
                page.goto(link)
                page.wait_for_function("() => window.jupyterapp && "
                                       "window.jupyterapp.shell.currentWidget && "
                                       "window.jupyterapp.shell.currentWidget.sessionContext",
                                       timeout=START_TIMEOUT * 1000)
                assert marker in (home[user] / "course" / rel).read_text(encoding="utf-8")
                doc = json.loads(saved[user].read_text(encoding="utf-8"))
                assert doc["answers"][choice.id]["answer"] == answers[user]
                expect(page.locator(".jp-MarkdownCell").filter(
                    has_text=f"Teacher's note: {marker}")).to_have_count(1)
                if user != ana:
                    continue  # the file checks above suffice; one student re-runs (time)
                wait_idle(page, timeout=START_TIMEOUT)
                command(page, "notebook:run-all-cells")
                wait_all_ran(page, rel)
                widget = question_widget(page, choice.id)
                expect(widget).to_contain_text("Your saved answer was restored.")
                page.screenshot(path=str(ARTIFACTS / f"{user.split('-')[0]}-second-pull.png"))
        finally:
            for context in contexts.values():
                context.close()
            browser.close()
