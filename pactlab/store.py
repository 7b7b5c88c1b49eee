"""The answer store: every answer saved the moment it is given, as JSON, per student and lesson.

Files live in `<answers dir>/<student folder>/<lesson>.json` (an assessment release writes
`<lesson>.assessment.json` beside it, so an exam never opens with practice answers). The answers
dir is $PACTLAB_ANSWERS_DIR, or a per-user folder (Linux: ~/.local/share/pactlab/answers, macOS:
~/Library/Application Support/pactlab/answers, Windows: %APPDATA%\\pactlab\\answers). The
student is $JUPYTERHUB_USER on a JupyterHub, else $PACTLAB_STUDENT, else the login name.

Nothing is ever lost:

* every save is a merge: under a lock, the file is read again, each question keeps its newest
  record (by `saved_at`), and the result is written through a temporary file of its own and an
  atomic replace; so a lesson and its exercise set open in two kernels, two tabs or two
  processes never overwrite each other's answers;
* an unchanged answer is not saved again and not counted as an attempt; an answer given in code
  that replays (Run All) does not replace a newer answer given by clicking;
* a damaged file keeps its good records: the original is moved aside (a new name each time,
  `<lesson>.unreadable-<time>-<random>.json`), the good records are written back, and the student
  is warned once, with the file's name;
* a folder that cannot be written keeps answers in memory for the session, with a warning.

In the browser edition (Pyodide, `sys.platform == "emscripten"`) the answers dir is
`/drive/answers`, on the JupyterLite drive that the browser keeps across reloads; where the
drive is not mounted (no service worker, some private windows) answers stay in memory and the
student is told that they last only until the page is closed.

The answers folder and the student's folder are made private (0700), files 0600, so on a shared
machine or hub no student can read another's answers.

Student names: `safe_name()` is the one rule that turns a name into the student's folder name
and the name part of a submission file; the grader uses the same rule to tell students apart.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
import warnings
from pathlib import Path
from typing import Any

FORMAT = "pactlab-answers/1"
MAX_FILE_BYTES = 5_000_000
MAX_ATTEMPTS = 1_000_000
MAX_NUMBER_DIGITS = 60     # no answer of this course is a longer number: longer is damage
SAFE_NAME_BYTES = 64       # longer file-safe names are cut and given a hash of the full name
LOCK_WAIT_SECONDS = 10.0
LOCK_STALE_SECONDS = 30.0


class StoreWarning(UserWarning):
    pass


BROWSER_DRIVE = Path("/drive")
NO_DRIVE_MESSAGE = (
    "This browser is not keeping the course's files (JupyterLite's drive is not available: "
    "some private windows and browser settings block it), so your answers last only until "
    "you close or reload this page. Before you close it, press **Export submission** and "
    "download the file it offers; or open the course in a normal browser window.")


def in_browser() -> bool:
    """Whether this is the browser edition (Pyodide in JupyterLite)."""
    return sys.platform == "emscripten"


def browser_drive() -> Path | None:
    """The JupyterLite drive (`/drive`, kept by the browser) when it is mounted, else None.
    Only the file system's own mount table tells (`os.path.ismount` does not work there)."""
    if not in_browser():
        return None
    try:
        import pyodide_js

        node = pyodide_js.FS.lookupPath(str(BROWSER_DRIVE)).node
        if node.mount.mountpoint == str(BROWSER_DRIVE):
            return BROWSER_DRIVE
    except Exception:  # not mounted: lookupPath raises (no such folder) or the root's mount
        pass
    return None


def default_answers_dir() -> Path:
    env = os.environ.get("PACTLAB_ANSWERS_DIR")
    if env:
        return Path(env).expanduser()
    if in_browser():
        return (browser_drive() or Path.home()) / "answers"
    home = Path.home()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return base / "pactlab" / "answers"


def hub_user() -> str | None:
    """The JupyterHub user name when running on a hub (set by the hub for every server)."""
    return clean_name(os.environ.get("JUPYTERHUB_USER", "")) or None


def default_student() -> str:
    """Who is answering: the hub user, else $PACTLAB_STUDENT, else the login name."""
    name = hub_user() or clean_name(os.environ.get("PACTLAB_STUDENT", ""))
    if not name:
        try:
            name = clean_name(getpass.getuser())
        except Exception:  # no login name (some containers, the browser edition)
            name = ""
    return name or "student"


def clean_name(name: Any) -> str:
    """A student's name as shown and written into submissions: NFC, invisible characters
    (control, zero-width, bidi) removed, runs of spaces made one."""
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    return re.sub(r"\s+", " ", text).strip()


def safe_name(name: Any) -> str:
    """The file-safe form of a student's name: the one rule used for answer folders, submission
    file names and the grader's identity of a student.

    NFKC; invisible characters removed; each run of characters other than letters, digits, '.',
    '-' and '_' becomes '_'; '.', '_' and '-' trimmed from both ends; a result longer than 64
    bytes (UTF-8) is cut to 48 bytes and ends with '-' and 10 hex digits of the SHA-256 of the
    full form, so two long names stay apart; an empty result is 'student'.
    """
    text = unicodedata.normalize("NFKC", clean_name(name))
    text = re.sub(r"[^\w.-]+", "_", text).strip("._-")
    if len(text.encode("utf-8")) > SAFE_NAME_BYTES:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        cut = text.encode("utf-8")[:48].decode("utf-8", errors="ignore").rstrip("._-")
        text = f"{cut}-{digest}"
    return text or "student"


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def _when(stamp: Any) -> _dt.datetime:
    """A record's save time, for ordering (unreadable times are the oldest)."""
    try:
        when = _dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return _dt.datetime.min.replace(tzinfo=_dt.timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


def same_answer(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(
        b, sort_keys=True, ensure_ascii=False)


def record_problem(rec: Any) -> str | None:
    """Why a saved record cannot be used, or None when it is a good one."""
    if not isinstance(rec, dict):
        return "not an answer record"
    if "answer" not in rec:
        return "no answer"
    attempts = rec.get("attempts", 1)
    if not isinstance(attempts, int) or isinstance(attempts, bool) \
            or not 0 <= attempts <= MAX_ATTEMPTS:
        return "its attempt count is not a whole number of a sensible size"
    if not isinstance(rec.get("saved_at", ""), str) or len(rec.get("saved_at", "")) > 64:
        return "its save time is not a date and time"
    if rec.get("source", "click") not in ("click", "code"):
        return "it says it came from neither a click nor code"
    stack = [(rec["answer"], 0)]
    while stack:
        value, depth = stack.pop()
        if depth > 20:
            return "its answer is nested too deeply"
        if isinstance(value, int) and not isinstance(value, bool) \
                and len(str(abs(value))) > MAX_NUMBER_DIGITS:
            return f"its answer holds a number of more than {MAX_NUMBER_DIGITS} digits"
        if isinstance(value, float) and value != value:
            return "its answer holds a number that is not a number (NaN)"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file of this process's own (mode 0600) in the
    same folder, then an atomic replace: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (0700), and make an existing one so."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if not hasattr(os, "getuid") or path.stat().st_uid == os.getuid():
            os.chmod(path, 0o700)


class SaveOutcome(str):
    """What `AnswerStore.save` did: 'saved', 'unchanged' or 'kept' (a newer answer given by
    clicking was kept instead of a replayed code answer)."""


class AnswerStore:
    """Answers of one student for one lesson, mirrored in a JSON file shared by every kernel."""

    def __init__(self, lesson: str, student: str | None = None, directory: Path | None = None,
                 assessment: bool = False):
        self.lesson = lesson
        self.student = safe_name(student if student else default_student())
        self.assessment = assessment
        self.directory = Path(directory) if directory else default_answers_dir()
        suffix = ".assessment.json" if assessment else ".json"
        self.path = self.directory / self.student / f"{lesson}{suffix}"
        self.warnings: list[str] = []
        self.in_memory = False
        self.answers: dict[str, dict[str, Any]] = {}
        if in_browser() and directory is None and not os.environ.get("PACTLAB_ANSWERS_DIR") \
                and browser_drive() is None:
            self.in_memory = True  # the page's memory is all there is: say so
            self._warn(NO_DRIVE_MESSAGE)
        self.refresh()

    # -- reading ------------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            warnings.warn(message, StoreWarning, stacklevel=3)

    def refresh(self) -> dict[str, dict[str, Any]]:
        """Read the file again and merge what other kernels saved (each question's newest)."""
        if self.in_memory or not self.path.exists():
            return self.answers
        try:
            with self._lock():
                self._merge(self._read_disk(repair=True))
        except OSError as exc:
            self._go_in_memory(exc)
        return self.answers

    def _read_disk(self, repair: bool) -> dict[str, dict]:
        """The records on disk. A damaged file is moved aside; its good records are kept (and,
        with `repair`, written back at once)."""
        if not self.path.exists():
            return {}
        try:
            size = self.path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ValueError(f"it is {size:,} bytes, far more than any answers file")
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
                raise ValueError("it is not a pactlab answers file")
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = str(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
            self._move_aside(f"could not be read ({reason})", "New answers start a fresh file.")
            return {}
        good, bad = {}, []
        for qid, rec in data["answers"].items():
            problem = record_problem(rec)
            if problem:
                bad.append(f"{qid[:60]!r}: {problem}")
            else:
                good[qid] = rec
        if bad:
            shown = "; ".join(bad[:3]) + (f"; and {len(bad) - 3} more" if len(bad) > 3 else "")
            self._move_aside(f"had {len(bad)} damaged record{'s' if len(bad) > 1 else ''} "
                             f"({shown})",
                             f"Your {len(good)} other saved answer"
                             f"{'s were' if len(good) != 1 else ' was'} kept.")
            if repair:
                self._write_file({**good})
        return good

    def _move_aside(self, what: str, then: str) -> None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for _ in range(100):
            aside = self.path.with_name(
                f"{self.path.name[:-5]}.unreadable-{stamp}-{os.urandom(3).hex()}.json")
            if not aside.exists():
                break
        try:
            os.replace(self.path, aside)
            kept = f"The original was kept as {aside}"
        except OSError:
            kept = f"It could not be moved and is still at {self.path}"
        self._warn(f"Your saved answers file {self.path} {what}. {kept}; show it to your "
                   f"instructor. {then}")

    def _merge(self, disk: dict[str, dict]) -> None:
        for qid, rec in disk.items():
            mine = self.answers.get(qid)
            if mine is None or _when(rec.get("saved_at")) > _when(mine.get("saved_at")):
                self.answers[qid] = rec

    # -- writing ------------------------------------------------------------------------------
    def get(self, qid: str) -> dict | None:
        return self.answers.get(qid)

    def save(self, qid: str, answer: Any, source: str = "click") -> SaveOutcome:
        """Save an answer (`source` is 'click' or 'code'). Returns what was done."""
        if source not in ("click", "code"):
            raise ValueError(f"source must be 'click' or 'code', not {source!r}")
        outcome = None
        try:
            with self._lock():
                if not self.in_memory:
                    self._merge(self._read_disk(repair=False))
                outcome = self._update(qid, answer, source)
                if outcome == "saved":
                    self._write()
                    self._confirm(qid)
        except OSError as exc:
            self._go_in_memory(exc)
            if outcome is None:
                outcome = self._update(qid, answer, source)
        return outcome

    def _confirm(self, qid: str, tries: int = 3) -> None:
        """Read the file back: if another writer replaced it without this answer (a file system
        where locks do nothing), merge again and write again."""
        mine = self.answers[qid]
        for _ in range(tries):
            disk = self._read_disk(repair=False)
            if qid in disk and _when(disk[qid].get("saved_at")) >= _when(mine.get("saved_at")):
                return
            self._merge(disk)
            self._write()

    def _update(self, qid: str, answer: Any, source: str) -> SaveOutcome:
        current = self.answers.get(qid)
        if current is not None and same_answer(current["answer"], answer):
            return SaveOutcome("unchanged")
        if (source == "code" and current is not None and current.get("source") == "click"
                and "code_answer" in current and same_answer(current["code_answer"], answer)):
            return SaveOutcome("kept")  # a replayed code answer, older than the click
        stamp = now_iso()
        if current is not None and _when(stamp) <= _when(current.get("saved_at")):
            stamp = (_when(current.get("saved_at"))
                     + _dt.timedelta(microseconds=1)).isoformat(timespec="microseconds")
        record = {"answer": answer, "saved_at": stamp,
                  "attempts": int((current or {}).get("attempts", 0)) + 1, "source": source}
        if source == "code":
            record["code_answer"] = answer
        elif current is not None and "code_answer" in current:
            record["code_answer"] = current["code_answer"]
        self.answers[qid] = record
        return SaveOutcome("saved")

    def document(self, answers: dict | None = None) -> dict:
        from . import __version__

        doc = {"format": FORMAT, "student": self.student, "lesson": self.lesson,
               "course_version": __version__,
               "answers": self.answers if answers is None else answers}
        if self.assessment:
            doc["assessment"] = True
        return doc

    def _write(self) -> None:
        if not self.in_memory:
            self._write_file(self.answers)

    def _write_file(self, answers: dict) -> None:
        """Write through a temporary file of this process's own, then an atomic replace."""
        _private_dir(self.path.parent.parent)
        _private_dir(self.path.parent)
        atomic_write_text(self.path, json.dumps(self.document(answers), ensure_ascii=False,
                                                indent=1))

    def _go_in_memory(self, exc: OSError) -> None:
        self.in_memory = True
        self._warn(f"Answers cannot be saved in {self.path.parent} ({exc.strerror or exc}). "
                   "They are kept in memory until the kernel stops: set "
                   "PACTLAB_ANSWERS_DIR to a folder you can write to, or ask your instructor.")

    # -- one writer at a time -----------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self):
        """Hold the lesson's lock file while reading and writing (flock where the system has
        it; else a lock file made exclusively, broken when it is older than 30 s)."""
        if self.in_memory:
            yield
            return
        _private_dir(self.path.parent.parent)
        _private_dir(self.path.parent)
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            import fcntl
            fcntl.flock  # Pyodide's fcntl has no flock: the lock file below is used there
        except (ImportError, AttributeError):
            fcntl = None
        if fcntl is not None:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError:
                    pass  # a file system without locks: the merge still protects most races
                yield
            finally:
                os.close(fd)
            return
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                break
            except FileExistsError:
                with contextlib.suppress(OSError):
                    if time.time() - lock.stat().st_mtime > LOCK_STALE_SECONDS:
                        os.unlink(lock)
                        continue
                if time.monotonic() > deadline:
                    fd = None
                    break
                time.sleep(0.01)
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(lock)
