"""The answer store: every answer saved the moment it is given, as JSON, per student and lesson.

Files live in `<answers dir>/<student>/<lesson>.json`. The answers dir is $PACTLAB_ANSWERS_DIR,
or a per-user folder (Linux: ~/.local/share/pactlab/answers, macOS: ~/Library/Application
Support/pactlab/answers, Windows: %APPDATA%\\pactlab\\answers). The student is $PACTLAB_STUDENT or
the login name.

Nothing is ever lost: a file that cannot be read is moved aside (renamed with `.unreadable-<time>`)
and the student is warned with its name; a folder that cannot be written keeps answers in memory
for the session, with a warning.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

FORMAT = "pactlab-answers/1"


class StoreWarning(UserWarning):
    pass


def default_answers_dir() -> Path:
    env = os.environ.get("PACTLAB_ANSWERS_DIR")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return base / "pactlab" / "answers"


def default_student() -> str:
    name = os.environ.get("PACTLAB_STUDENT")
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name (some containers, the browser edition)
            name = "student"
    return safe_name(name)


def safe_name(name: str) -> str:
    """A name usable as a folder name on every system."""
    cleaned = re.sub(r"[^\w.-]+", "_", str(name).strip()).strip("._")
    return cleaned or "student"


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class AnswerStore:
    """Answers of one student for one lesson, mirrored in a JSON file."""

    def __init__(self, lesson: str, student: str | None = None, directory: Path | None = None):
        self.lesson = lesson
        self.student = safe_name(student) if student else default_student()
        self.directory = Path(directory) if directory else default_answers_dir()
        self.path = self.directory / self.student / f"{lesson}.json"
        self.warnings: list[str] = []
        self.in_memory = False
        self.answers: dict[str, dict[str, Any]] = self._read()

    # -- reading ------------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        warnings.warn(message, StoreWarning, stacklevel=3)

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
                raise ValueError("it is not a pactlab answers file")
            answers = {}
            for qid, rec in data["answers"].items():
                if not isinstance(rec, dict) or "answer" not in rec:
                    raise ValueError(f"the entry for {qid!r} has no answer")
                answers[qid] = rec
            return answers
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self._move_aside(exc)
            return {}

    def _move_aside(self, exc: Exception) -> None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}.json")
        try:
            os.replace(self.path, aside)
            kept = f"It was kept as {aside}"
        except OSError:
            kept = f"It could not be moved and is still at {self.path}"
        self._warn(f"Your saved answers file {self.path} could not be read ({exc}). {kept}; "
                   "show it to your instructor. New answers start a fresh file.")

    # -- writing ------------------------------------------------------------------------------
    def get(self, qid: str) -> dict | None:
        return self.answers.get(qid)

    def save(self, qid: str, answer: Any) -> None:
        previous = self.answers.get(qid, {})
        self.answers[qid] = {"answer": answer, "saved_at": now_iso(),
                             "attempts": int(previous.get("attempts", 0)) + 1}
        self._write()

    def document(self) -> dict:
        from . import __version__

        return {"format": FORMAT, "student": self.student, "lesson": self.lesson,
                "course_version": __version__, "answers": self.answers}

    def _write(self) -> None:
        if self.in_memory:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(self.document(), fh, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except OSError as exc:
            self.in_memory = True
            self._warn(f"Answers cannot be saved in {self.path.parent} ({exc.strerror or exc}). "
                       "They are kept in memory until the kernel stops: set "
                       "PACTLAB_ANSWERS_DIR to a folder you can write to, or ask your instructor.")
