"""The submission format: what a student hands in, one file per notebook.

A submission (format "pactlab-submission/1", described by `schemas/submission.schema.json`) is
exported from the answer store by the **Export submission** button of the progress box or by
`pactlab submit LESSON`, as `<lesson>__<student>.pactlab.json`. This module writes them (student
runtime); `pactlab.instructor.submissions` reads and checks them for grading.
"""
from __future__ import annotations

import base64
import html
import json
import os
from pathlib import Path

from .store import AnswerStore, atomic_write_text, browser_drive, in_browser, now_iso, safe_name

FORMAT = "pactlab-submission/1"
SUFFIX = ".pactlab.json"


def submission_filename(lesson: str, student: str) -> str:
    return f"{lesson}__{safe_name(student)}{SUFFIX}"


def make_submission(store: AnswerStore, student: str | None = None) -> dict:
    """The submission document of one student's answers to one lesson. `student` (the name
    written into it) defaults to the name the answers were saved under."""
    from . import __version__

    answers = {}
    for qid, rec in store.answers.items():
        answers[qid] = {"answer": rec.get("answer"), "saved_at": rec.get("saved_at") or now_iso(),
                        "attempts": int(rec.get("attempts", 1))}
    doc = {"format": FORMAT, "student": safe_name(student) if student else store.student,
           "lesson": store.lesson,
           "course_version": __version__, "created_at": now_iso(), "answers": answers}
    if store.assessment:
        doc["assessment"] = True
    return doc


def write_submission(store: AnswerStore, out: Path | str | None = None,
                     student: str | None = None) -> Path:
    """Write the submission file into a folder (default: the current one) or to a file path."""
    doc = make_submission(store, student)
    out = Path(out) if out is not None else Path.cwd()
    if out.is_dir() or out.suffix.lower() != ".json":
        out.mkdir(parents=True, exist_ok=True)
        out = out / submission_filename(store.lesson, doc["student"])
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return out


def export_note(path: Path) -> tuple[str, str]:
    """What the student does with an exported file: (a sentence in the widgets' inline markup,
    extra HTML). In the browser edition the file is on the JupyterLite drive, so the file browser
    can download it; where there is no drive, the extra HTML is a download link to the file."""
    if not in_browser():
        return "Hand in that file.", ""
    drive = browser_drive()
    if drive is not None and drive in path.parents:
        folder = path.parent.relative_to(drive).as_posix()
        where = f"open the folder `{folder}`, " if folder != "." else ""
        return (f"To download it: in the file browser on the left, {where}right-click "
                f"`{path.name}` and choose **Download**. Hand in the downloaded file.", "")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    link = (f"<a download='{html.escape(path.name)}' href='data:application/json;base64,"
            f"{data}' style='font-weight:bold'>Download {html.escape(path.name)}</a>")
    return "This page keeps no files: download it now with the link below and hand it in.", link


# -- handing in on a hub ----------------------------------------------------------------------
# On a JupyterHub the course has an exchange (the way nbgrader's works): a folder outside the
# homes, `<exchange>/<course id>/inbound/`, that every student can write into but not list.
# A hand-in is one file there, named `<student>+<lesson>+<UTC time>+<random>.pactlab.json`. The
# name is only a label: `pactlab collect` takes the student from the file's owner (or from the
# per-user folder the hub mounted), never from the name or from inside the file.
EXCHANGE_ENV = "PACTLAB_EXCHANGE"
COURSE_ENV = "PACTLAB_COURSE"
DEFAULT_EXCHANGE = "/srv/pactlab/exchange"
COURSE_FILE = "course.json"
COURSE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def course_config(root: Path | str | None = None) -> dict:
    """The course's settings, from `course.json` in the course folder ({} when there is none):
    `course_id`, and optionally `exchange` (the exchange folder) and `user_prefix` (the part of
    the Unix user name before the hub user name, e.g. "jupyter-" on The Littlest JupyterHub)."""
    import re

    if root is None:
        from .bank import course_root

        root = course_root()
    path = Path(root) / COURSE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot be read as JSON ({exc}); fix the file, e.g. "
                         '{"course_id": "history-9a"}') from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be a JSON object, e.g. {{\"course_id\": \"history-9a\"}}")
    cid = data.get("course_id")
    if cid is not None and (not isinstance(cid, str) or not re.match(COURSE_ID, cid)):
        raise ValueError(f"{path}: course_id {cid!r} must be 1 to 64 letters, digits, '.', '-' "
                         "or '_', starting with a letter or digit")
    return data


def course_id(root: Path | str | None = None) -> str | None:
    """$PACTLAB_COURSE, else `course_id` in course.json."""
    return os.environ.get(COURSE_ENV) or course_config(root).get("course_id") or None


def exchange_root(root: Path | str | None = None) -> Path:
    """$PACTLAB_EXCHANGE (set by the hub for every server), else `exchange` in course.json,
    else /srv/pactlab/exchange."""
    env = os.environ.get(EXCHANGE_ENV)
    return Path(env or course_config(root).get("exchange") or DEFAULT_EXCHANGE)


def hub_inbound(root: Path | str | None = None) -> Path | None:
    """The exchange's inbound folder to hand in to, or None: only on a JupyterHub, for a course
    with an id, whose exchange exists."""
    from .store import hub_user

    if hub_user() is None:
        return None
    cid = course_id(root)
    if not cid:
        return None
    inbound = exchange_root(root) / cid / "inbound"
    return inbound if inbound.is_dir() else None


def inbound_filename(lesson: str, student: str) -> str:
    import datetime as _dt

    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"{safe_name(student)}+{lesson}+{stamp}+{os.urandom(8).hex()}{SUFFIX}"


def hand_in(store: AnswerStore, inbound: Path | str, student: str | None = None) -> Path:
    """Hand a submission in: write it into the exchange's inbound folder under a new name.

    The file is written under a hidden name and then renamed, so the teacher never collects
    half a file. It is readable by its owner only (0600), or also by the teachers' group
    (0640) when the inbound folder passes its group on (set-group-ID), as the exchange is made.
    """
    import stat

    inbound = Path(inbound)
    doc = make_submission(store, student)
    final = inbound / inbound_filename(store.lesson, doc["student"])
    tmp = inbound / f".{final.name}.tmp"
    shared = bool(os.stat(inbound).st_mode & stat.S_ISGID)
    mode = 0o640 if shared else 0o600
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
            os.chmod(tmp, mode)  # the umask may have taken the group's read away
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return final


def export(store: AnswerStore, folder: Path | str | None = None,
           student: str | None = None) -> tuple[Path, bool]:
    """What the Export button does: on a hub whose course has an exchange, hand the submission
    in (returns its path and True); elsewhere write it into `folder` (default: the current
    one) to be handed in by hand (returns its path and False)."""
    inbound = hub_inbound()
    if inbound is not None:
        return hand_in(store, inbound, student), True
    return write_submission(store, folder, student), False
