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
