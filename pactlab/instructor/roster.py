"""The class roster: who should hand work in, and the ids an LMS knows them by.

From a CSV file with a header row; only `student` (the JupyterHub user name) is required:

    student,name,id,login,email,section
    ana,Ana Lopez,S1001,alopez,ana.lopez@school.example,9A

`id` is the student's id in the LMS (Canvas: SIS User ID; Moodle: ID number), `login` their
login there (Canvas: SIS Login ID; Moodle: username), `email` their e-mail (Google Classroom
and Moodle can match on it). Or from JupyterHub's groups through the hub's REST API: the
members of `nbgrader-<course>` (the students' group nbgrader uses), minus the members of
`formgrade-<course>` (its graders' group).
"""
from __future__ import annotations

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..store import safe_name
from .submissions import student_key

FIELDS = ("student", "name", "id", "login", "email", "section", "first_name", "last_name")


@dataclass
class Student:
    student: str
    name: str = ""
    id: str = ""
    login: str = ""
    email: str = ""
    section: str = ""
    first_name: str = ""
    last_name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return student_key(self.student)

    def names(self) -> tuple[str, str]:
        """(first, last): the roster's own columns, else the name split at its last space."""
        if self.first_name or self.last_name:
            return self.first_name, self.last_name
        first, _, last = self.name.rpartition(" ")
        return (first, last) if first else (self.name, "")


def read_roster(path: Path | str) -> list[Student]:
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "student" not in header:
                raise ValueError(f"{path}: line 1 must be a header with a 'student' column (the "
                                 "JupyterHub user name), e.g. student,name,id,email")
            out, seen = [], {}
            for n, row in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                       if k is not None}
                if not row.get("student"):
                    if any(row.values()):
                        raise ValueError(f"{path}: line {n} has no student (user name): fill "
                                         "it in or delete the line")
                    continue
                s = Student(**{k: row.get(k, "") for k in FIELDS},
                            extra={k: v for k, v in row.items() if k not in FIELDS})
                if s.key in seen:
                    raise ValueError(f"{path}: line {n}: student {s.student!r} is also on line "
                                     f"{seen[s.key]}: keep one line per student")
                seen[s.key] = n
                out.append(s)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot be read as a CSV roster ({exc})") from None
    return out


def _api_get(api_url: str, path: str, token: str) -> dict:
    url = api_url.rstrip("/") + "/" + path
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise LookupError(path) from None
        hint = (" (the token needs the scope read:groups)" if exc.code in (401, 403) else "")
        raise ValueError(f"the hub API said {exc.code} {exc.reason} for {url}{hint}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ValueError(f"cannot reach the hub API at {url} ({exc})") from None


def hub_roster(api_url: str, token: str, course: str, group: str | None = None,
               graders_group: str | None = None) -> list[Student]:
    """The students of a course from JupyterHub groups (JupyterHub's REST API, GET /groups/)."""
    group = group or f"nbgrader-{course}"
    graders_group = graders_group or f"formgrade-{course}"
    try:
        members = _api_get(api_url, f"groups/{urllib.parse.quote(group)}", token)
    except LookupError:
        raise ValueError(f"the hub has no group {group!r}: create it (JupyterHub's "
                         "load_groups, or the admin page) with the course's students") from None
    try:
        graders = set(_api_get(api_url, f"groups/{urllib.parse.quote(graders_group)}",
                               token).get("users", []))
    except LookupError:
        graders = set()
    users = [u for u in members.get("users", []) if isinstance(u, str) and u not in graders]
    return [Student(student=safe_name(u)) for u in sorted(users)]
