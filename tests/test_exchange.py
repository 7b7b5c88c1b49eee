"""Handing in on a hub and collecting: the exchange, `pactlab collect`, and nbgitpuller links.

The identity of a hand-in is where it was collected from (its Unix owner, its per-user inbound
folder, or the home its answers sit in), never a name written in the file."""
from __future__ import annotations

import csv
import json
import os
import pwd
import stat
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from course_factory import LESSON
from pactlab.instructor import collect as collect_mod
from pactlab.instructor.cli import main
from pactlab.instructor.exchange import INBOUND_NAME, init_exchange, scan_inbound
from pactlab.instructor.link import nbgitpuller_link
from pactlab.instructor.roster import hub_roster, read_roster
from pactlab.store import AnswerStore
from pactlab.submission import export, hand_in, hub_inbound

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (sets owners of files)")


def two_system_users() -> tuple[pwd.struct_passwd, pwd.struct_passwd]:
    """Two existing non-root accounts to own files (daemon, bin ... on every Linux)."""
    users = [p for p in pwd.getpwall() if 0 < p.pw_uid < 1000]
    assert len(users) >= 2, "this machine has fewer than two system accounts"
    return users[0], users[1]


@pytest.fixture
def hub(course, tmp_path, monkeypatch):
    """A course with an id and an exchange (made as `pactlab exchange-init` makes it when not
    root: the same folders and modes, owned by this user)."""
    (course / "course.json").write_text('{"course_id": "hist-9a"}', encoding="utf-8")
    exchange = tmp_path / "exchange"
    inbound = exchange / "hist-9a" / "inbound"
    inbound.mkdir(parents=True)
    os.chmod(inbound, 0o1733)
    monkeypatch.setenv("PACTLAB_EXCHANGE", str(exchange))
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    monkeypatch.chdir(course)
    return inbound


def answer(student: str, choice: str) -> AnswerStore:
    store = AnswerStore(LESSON, student=student)
    store.save("start-choice", choice)
    return store


# -- nbgitpuller links ------------------------------------------------------------------------
def test_link_pulls_the_branch_and_opens_the_notebook():
    link = nbgitpuller_link("https://hub.school.example/", "https://git.school.example/t/course",
                            "term-2", "exercises/01_x_exercises.ipynb")
    parts = urlsplit(link)
    assert parts.netloc == "hub.school.example"
    assert parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {"repo": ["https://git.school.example/t/course"], "branch": ["term-2"],
                     "urlpath": ["lab/tree/course/exercises/01_x_exercises.ipynb"]}
    targeted = parse_qs(urlsplit(nbgitpuller_link(
        "https://h.example", "https://g.example/t/course", "main", "a.ipynb",
        target="history")).query)
    assert targeted["targetpath"] == ["history"]
    assert targeted["urlpath"] == ["lab/tree/history/a.ipynb"]


@pytest.mark.parametrize("args, words", [
    (("https://h.example", "https://g.example/t/course.git", "main", "a.ipynb"), ".git"),
    (("hub.example", "https://g.example/t/course", "main", "a.ipynb"), "https://"),
    (("https://h.example", "https://g.example/t/course", "main", "../x.ipynb"), "inside"),
])
def test_link_refuses_what_would_break_the_pull(args, words):
    with pytest.raises(ValueError, match=words.replace(".", r"\.")):
        nbgitpuller_link(*args)


def test_pactlab_link_prints_it(capsys):
    assert main(["link", "--hub", "https://h.example", "--repo", "https://g.example/t/c",
                 "--notebook", "exercises/x.ipynb"]) == 0
    assert capsys.readouterr().out.startswith("https://h.example/hub/user-redirect/git-pull?")


# -- handing in -------------------------------------------------------------------------------
def test_export_on_a_hub_hands_in_to_the_exchange_unreadable_to_others(hub):
    store = answer("ana", "b")
    assert hub_inbound() == hub
    path, handed_in = export(store, folder=Path.cwd())
    assert handed_in and path.parent == hub
    m = INBOUND_NAME.match(path.name)
    assert m and m["student"] == "ana" and m["lesson"] == LESSON
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in hub.iterdir()] == [path.name]  # no temporary file left
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["student"] == "ana" and doc["answers"]["start-choice"]["answer"] == "b"
    assert not list(Path.cwd().glob("*.pactlab.json"))


def test_a_setgid_inbound_lets_the_teachers_group_read(hub):
    os.chmod(hub, 0o3773)
    path = hand_in(answer("ana", "b"), hub)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_off_a_hub_export_writes_beside_the_notebook(hub, monkeypatch, tmp_path):
    monkeypatch.delenv("JUPYTERHUB_USER")
    path, handed_in = export(answer("ana", "b"), folder=tmp_path)
    assert not handed_in and path == tmp_path / f"{LESSON}__ana.pactlab.json"
    assert not list(hub.iterdir())


def test_pactlab_submit_on_a_hub_hands_in(hub, capsys):
    answer("ana", "b")
    assert main(["submit", LESSON]) == 0
    assert "Handed in" in capsys.readouterr().out
    assert len(list(hub.glob("ana+*.pactlab.json"))) == 1


# -- collecting -------------------------------------------------------------------------------
def handed_in_as(inbound: Path, owner: pwd.struct_passwd | None, claimed: str, choice: str,
                 stamp: str) -> Path:
    """A hand-in file claiming `claimed`, owned by `owner` (None: leave it as it is)."""
    store = answer(claimed, choice)
    from pactlab.submission import make_submission

    doc = make_submission(store, claimed)
    path = inbound / f"{claimed}+{LESSON}+{stamp}+{os.urandom(4).hex()}.pactlab.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def grades_of(csv_path: Path) -> dict[str, dict]:
    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


@ROOT_ONLY
def test_collect_takes_the_owner_never_the_name_in_the_file(hub, tmp_path, capsys):
    ana, ben = two_system_users()
    handed_in_as(hub, ben, ben.pw_name, "a", "20260101T100000.000000Z")      # ben: wrong
    handed_in_as(hub, ana, ana.pw_name, "b", "20260101T100000.000000Z")      # ana: right
    # ana forges a newer file in ben's name with the right answer: it stays ana's
    handed_in_as(hub, ana, ben.pw_name, "b", "20260101T110000.000000Z")
    out = tmp_path / "collected"
    assert main(["collect", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"claims to be {ben.pw_name!r}'s, but {ana.pw_name} handed it in" in err
    docs = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))
            for p in out.glob(f"*/{LESSON}.pactlab.json")}
    assert set(docs) == {ana.pw_name, ben.pw_name}
    assert docs[ben.pw_name]["answers"]["start-choice"]["answer"] == "a"
    assert docs[ana.pw_name]["student"] == ana.pw_name
    assert main(["grade", str(out), "--out", str(tmp_path / "g" / "grades.csv")]) == 0
    grades = grades_of(tmp_path / "g" / "grades.csv")
    assert grades[ben.pw_name]["start-choice"] == "0"
    assert grades[ana.pw_name]["start-choice"] == "1"


@ROOT_ONLY
def test_collect_takes_the_latest_good_hand_in_and_reports_who_is_missing(hub, tmp_path,
                                                                          capsys):
    ana, _ = two_system_users()
    handed_in_as(hub, ana, ana.pw_name, "a", "20260101T090000.000000Z")
    handed_in_as(hub, ana, ana.pw_name, "b", "20260101T100000.000000Z")
    broken = hub / f"{ana.pw_name}+{LESSON}+20260101T120000.000000Z+abcd.pactlab.json"
    broken.write_text('{"format": "pactlab-submission/1", "stud', encoding="utf-8")
    os.chown(broken, ana.pw_uid, ana.pw_gid)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student,name\n{ana.pw_name},Ana\ncarla,Carla Diaz\n", encoding="utf-8")
    out = tmp_path / "collected"
    assert main(["collect", "--out", str(out), "--roster", str(roster)]) == 0
    captured = capsys.readouterr()
    assert "earlier hand-in of" in captured.err and broken.name in captured.err
    assert f"Nothing handed in (1, also in missing.csv): carla {LESSON}" in captured.out
    doc = json.loads((out / ana.pw_name / f"{LESSON}.pactlab.json").read_text("utf-8"))
    assert doc["answers"]["start-choice"]["answer"] == "b"
    assert (out / "missing.csv").read_text("utf-8").splitlines() == ["student,lesson",
                                                                     f"carla,{LESSON}"]


@ROOT_ONLY
def test_files_of_a_shared_login_or_of_root_are_not_attributed(hub):
    ana, ben = two_system_users()
    handed_in_as(hub, ben, "ben", "b", "20260101T100000.000000Z")
    handed_in_as(hub, None, "root-file", "b", "20260101T100000.000000Z")
    found, problems = scan_inbound(hub, shared_users=(ben.pw_name,))
    assert found == []
    assert any("a login every student shares" in p for p in problems)
    assert any("not by a student" in p for p in problems)


def test_per_user_inbound_folders_name_the_student(hub, tmp_path):
    """Zero to JupyterHub: every student is jovyan, each pod sees only inbound/<hub user>/."""
    for user, claimed, choice in (("ana", "ana", "b"), ("ben", "ana", "a")):
        folder = hub / user
        folder.mkdir()
        handed_in_as(folder, None, claimed, choice, "20260101T100000.000000Z")
    out = tmp_path / "collected"
    done = collect_mod.collect(out, inbound=hub)
    by_student = {c.student: c for c in done.collected}
    assert set(by_student) == {"ana", "ben"}
    assert "claims to be 'ana'" in by_student["ben"].note
    doc = json.loads((out / "ben" / f"{LESSON}.pactlab.json").read_text("utf-8"))
    assert doc["student"] == "ben" and doc["answers"]["start-choice"]["answer"] == "a"


def test_collect_from_homes_reads_each_users_answers(course, tmp_path, monkeypatch):
    homes = []
    for n, (user, choice) in enumerate((("jupyter-ana", "b"), ("jupyter-ben", "a"))):
        home = tmp_path / "home" / user
        store = AnswerStore(LESSON, student="whatever-they-typed",
                            directory=home / ".local/share/pactlab/answers")
        store.save("start-choice", choice)
        homes.append(pwd.struct_passwd((user, "x", 2000 + n, 2000 + n, "", str(home),
                                        "/bin/bash")))
    monkeypatch.setattr(collect_mod.pwd, "getpwall", lambda: homes)
    out = tmp_path / "collected"
    assert main(["collect", "--from-homes", "--user-prefix", "jupyter-", "--out",
                 str(out)]) == 0
    assert main(["grade", str(out), "--out", str(tmp_path / "g.csv")]) == 0
    grades = grades_of(tmp_path / "g.csv")
    assert grades["ana"]["start-choice"] == "1" and grades["ben"]["start-choice"] == "0"


@ROOT_ONLY
def test_exchange_init_makes_an_unlistable_inbound(tmp_path):
    done = init_exchange(tmp_path / "ex", "hist-9a")
    assert stat.S_IMODE(done["inbound"].stat().st_mode) == 0o1733
    done = init_exchange(tmp_path / "ex", "hist-9a", group="root")
    mode = done["inbound"].stat().st_mode
    assert stat.S_IMODE(mode) == 0o3773 and mode & stat.S_ISGID
    with pytest.raises(ValueError, match="no Unix group"):
        init_exchange(tmp_path / "ex", "hist-9a", group="no-such-group-xyz")
    with pytest.raises(ValueError, match="course id"):
        init_exchange(tmp_path / "ex", "../etc")


# -- the roster -------------------------------------------------------------------------------
def test_roster_csv_needs_a_student_column_and_one_line_each(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Student,Name,ID,Email\nana,Ana Lopez,S1,ana@s.example\n", encoding="utf-8")
    (s,) = read_roster(path)
    assert (s.student, s.id, s.email, s.names()) == ("ana", "S1", "ana@s.example",
                                                     ("Ana", "Lopez"))
    path.write_text("name\nAna\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'student' column"):
        read_roster(path)
    path.write_text("student\nana\nAna\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3.*also on line 2"):
        read_roster(path)


def test_roster_from_hub_groups_leaves_the_graders_out():
    seen = []

    class Api(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            groups = {"/hub/api/groups/nbgrader-hist-9a": ["ana", "ben", "teach"],
                      "/hub/api/groups/formgrade-hist-9a": ["teach"]}
            if self.path not in groups:
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps({"users": groups[self.path]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        api = f"http://127.0.0.1:{server.server_port}/hub/api"
        assert [s.student for s in hub_roster(api, "tok", "hist-9a")] == ["ana", "ben"]
        assert seen[0][1] == "token tok"
        with pytest.raises(ValueError, match="no group 'nbgrader-other'"):
            hub_roster(api, "tok", "other")
    finally:
        server.shutdown()
        server.server_close()


# -- installing on a hub ----------------------------------------------------------------------
def test_the_z2jh_image_installs_with_the_script_the_hub_test_uses():
    """hub/Dockerfile cannot be built here (no container engine in the tests); it runs the same
    hub/install-tljh.sh that `make test-hub` installs the students' environment with, with
    options the script knows, on a Python of the pinned series."""
    import re
    import shlex

    repo = Path(__file__).resolve().parent.parent
    docker = (repo / "hub" / "Dockerfile").read_text(encoding="utf-8")
    script = (repo / "hub" / "install-tljh.sh").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11[-.\w]*$", docker, re.M)
    run = re.search(r"^RUN (/tmp/pactlab-src/hub/install-tljh\.sh .*?)(?:&&|$)",
                    docker.replace("\\\n", " "), re.M)
    assert run, "the Dockerfile must install with hub/install-tljh.sh"
    words = shlex.split(run.group(1))
    options = [w for w in words if w.startswith("--")]
    known = set(re.findall(r"^\s+(--[a-z-]+)\)", script, re.M))
    assert options and set(options) <= known, f"unknown options {set(options) - known}"
    assert words[words.index("--extras") + 1] == "lab,hub"
    assert "--bin-dir" in words and "--no-link" not in words  # pactlab on every PATH
    makefile = (repo / "Makefile").read_text(encoding="utf-8")
    assert "hub/install-tljh.sh --prefix" in makefile and "--extras lab,hub" in makefile


def test_a_broken_course_json_is_named_with_the_fix(hub, course):
    (course / "course.json").write_text('{"course_id": "hist 9a"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"course\.json: course_id 'hist 9a' must be"):
        export(answer("ana", "b"))
    (course / "course.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(ValueError, match=r"course\.json: cannot be read as JSON"):
        hub_inbound()
