"""The exchange: where students hand work in on a JupyterHub, outside their homes.

Layout, the way nbgrader's exchange is laid out (the code is this course's own):

    <exchange>/<course id>/outbound/   teachers write, students read (hand-outs, if any)
    <exchange>/<course id>/inbound/    students write but cannot list or read others' files

`pactlab exchange-init` (run as root once per course) makes it. `inbound/` is owned by root and
the teachers' group, mode 3773 (rwx for root and the group, write-and-enter only for others,
set-group-ID so each file handed in belongs to the teachers' group, sticky so nobody can remove
or rename another's file). A student's hand-in (`pactlab.submission.hand_in`) is 0640: the
student and the teachers' group read it; other students can neither list the folder nor read a
file whose random name they would have to guess. Without a teachers' group inbound is 1733 and
files are 0600: then only root collects (`sudo pactlab collect`).

Identity comes from the server side, never from the file: a file's owner (each student is their
own Unix user, as on The Littlest JupyterHub), or, where every student is the same Unix user
(Zero to JupyterHub: all `jovyan`), the per-user folder `inbound/<hub user>/` that the hub mounts
as each student's `inbound/` (KubeSpawner expands `{username}` in the volume's subPath).
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..store import safe_name
from ..submission import COURSE_ID, SUFFIX

INBOUND_NAME = re.compile(r"^(?P<student>[^+]+)\+(?P<lesson>[A-Za-z0-9][A-Za-z0-9_.-]{0,99})\+"
                          r"(?P<stamp>\d{8}T\d{6}(?:\.\d{1,6})?Z)\+(?P<rand>[0-9a-f]{4,64})"
                          + re.escape(SUFFIX) + "$")


def course_dir(exchange: Path | str, course: str) -> Path:
    if not course or not re.match(COURSE_ID, course):
        raise ValueError(f"course id {course!r} must be 1 to 64 letters, digits, '.', '-' or "
                         "'_' (set course_id in course.json, or pass --course)")
    return Path(exchange) / course


def init_exchange(exchange: Path | str, course: str, group: str | None = None) -> dict:
    """Create (or repair) the exchange folders of one course. Must run as root."""
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        raise ValueError("making the exchange needs root (it sets owners and modes students "
                         "cannot change): run it with sudo")
    gid = 0
    if group:
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            raise ValueError(f"there is no Unix group {group!r}: create it (groupadd {group}) "
                             "and add the teachers to it, or leave --group out") from None
    root = Path(exchange)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    course_path = course_dir(root, course)
    course_path.mkdir(exist_ok=True)
    os.chown(course_path, 0, gid)
    os.chmod(course_path, 0o755)
    inbound, outbound = course_path / "inbound", course_path / "outbound"
    for folder in (inbound, outbound):
        folder.mkdir(exist_ok=True)
        os.chown(folder, 0, gid)
    inbound_mode = 0o3773 if group else 0o1733
    os.chmod(inbound, inbound_mode)
    os.chmod(outbound, 0o2775 if group else 0o755)
    return {"course": course_path, "inbound": inbound, "outbound": outbound,
            "inbound_mode": inbound_mode, "group": group}


@dataclass
class HandIn:
    path: Path
    student: str            # who handed it in: from the owner or the per-user folder
    lesson: str             # from the file name (checked against the file when collected)
    stamp: str              # when it was handed in (from the name), for "the latest"
    claimed: str            # the name in the file name (never trusted)
    source: str             # "owner" or "folder"


def unix_to_student(user: str, prefix: str = "") -> str:
    """The hub user of a Unix user name (The Littlest JupyterHub's users are `jupyter-<name>`)."""
    return user[len(prefix):] if prefix and user.startswith(prefix) else user


def _owner(uid: int) -> str | None:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def scan_inbound(inbound: Path, user_prefix: str = "",
                 shared_users: tuple[str, ...] = ("jovyan",)) -> tuple[list[HandIn], list[str]]:
    """Every hand-in in `inbound` and the problems found (one sentence each)."""
    found: list[HandIn] = []
    problems: list[str] = []
    try:
        entries = sorted(os.scandir(inbound), key=lambda e: e.name)
    except OSError as exc:
        raise ValueError(f"cannot list {inbound} ({exc.strerror or exc}): collect as a member "
                         "of the teachers' group the exchange was made with, or as root "
                         "(sudo)") from None

    def consider(entry: os.DirEntry, student: str | None, source: str) -> None:
        if entry.name.startswith("."):
            return  # a hand-in still being written
        where = Path(entry.path)
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):
            problems.append(f"{where}: not a regular file (a link, folder or device): skipped")
            return
        m = INBOUND_NAME.match(entry.name)
        if not m:
            problems.append(f"{where}: not named like a hand-in "
                            "(<student>+<lesson>+<time>+<random>.pactlab.json): skipped")
            return
        if student is None:
            owner = _owner(info.st_uid)
            if info.st_uid == 0 or owner is None:
                problems.append(f"{where}: owned by {owner or info.st_uid}, not by a student: "
                                "skipped")
                return
            if owner in shared_users:
                problems.append(f"{where}: owned by {owner!r}, a login every student shares, so "
                                "its owner does not say who handed it in: give each student "
                                "their own inbound folder (docs/hub.md, Zero to JupyterHub)")
                return
            student = unix_to_student(owner, user_prefix)
        found.append(HandIn(where, safe_name(student), m["lesson"], m["stamp"], m["student"],
                            source))

    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name.startswith("."):
                continue
            try:
                inner = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError as exc:
                problems.append(f"{entry.path}: cannot be listed ({exc.strerror or exc})")
                continue
            for sub in inner:
                consider(sub, entry.name, "folder")
        else:
            consider(entry, None, "owner")
    return found, problems
