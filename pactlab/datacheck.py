"""The course data's validator: checks data/*.csv and the case article against
data/datapackage.json and reports every problem (`Problem`, `DataError`, `validate()`).

`data/datapackage.json` (a Frictionless Data Package with a Table Schema per table) is the one
description of every table: its columns, their types, vocabularies and constraints. This module reads
it and checks the CSV files against it with a small pure-Python validator (csv + json, no pandas),
so it also runs in a browser-only Python. `pactlab.data` loads the tables it has checked.

Checking reads each file with the csv module, so a problem is reported at the physical line of the
file (the header is line 1), in the column where it is, with the value found and what was expected;
every problem in every table is collected, not only the first. `validate()` returns them;
`pactlab.data`'s loaders raise `DataError` (a ValueError) listing them; `pactlab check-data` prints
them. Checks are cached per file modification time, so an edited file is checked afresh.
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import hashlib
import io
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["DataError", "Problem", "format_problems", "validate", "table_names", "data_dir",
           "MAX_LISTED", "PACKAGE_FILE"]

PACKAGE_FILE = "datapackage.json"
MAX_LISTED = 50          # problems printed in a DataError message; the rest are counted
_SUPPORTED_TYPES = {"string", "date", "boolean", "integer"}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_RE = re.compile(r"[+-]?\d+")
_BAD_BYTE_RE = re.compile("[\udc80-\udcff]")   # undecodable bytes, kept by "surrogateescape"


# ----------------------------------------------------------------------------------------- problems

@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data: where it is, what was found and what was expected.

    `file` is relative to the course folder (e.g. "data/timeline.csv"); `line` is the physical line
    in the file, the header being line 1 (None for a problem with the whole file); `column` is the
    column name (None when the problem is not in one column)."""

    file: str
    line: int | None
    column: str | None
    issue: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        found = "" if self.value is None else f" {_show(self.value)}"
        return f"{where}: {self.issue}{found}; expected {self.expected}"


class DataError(ValueError):
    """The course data has problems; `.problems` lists them all, the message prints them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: list[Problem], limit: int | None = MAX_LISTED) -> str:
    """The problems as text, one per line, with a count and what to do next."""
    n = len(problems)
    files = sorted({p.file for p in problems})
    head = f"{n} problem{'s' if n != 1 else ''} in the course data ({', '.join(files)}):"
    shown = problems if limit is None else problems[:limit]
    lines = [head, *(f"  - {p}" for p in shown)]
    if len(shown) < n:
        lines.append(f"  ... and {n - len(shown)} more")
    lines.append("Fix them (data/README.md describes every column), then run `pactlab check-data`.")
    return "\n".join(lines)


def _show(value: str, width: int = 80) -> str:
    text = _BAD_BYTE_RE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", value)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return repr(text)


def _suggest(value: str, choices, cutoff: float = 0.75) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------------------------------- the schema

@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    required: bool
    unique: bool
    enum: tuple | None
    ordered: bool
    pattern: re.Pattern | None
    pattern_hint: str | None       # the pattern in words, for messages
    minimum: object
    maximum: object
    true_values: frozenset
    false_values: frozenset
    uri: bool
    separator: str | None
    item_enum: tuple | None
    empty_when: dict | None        # {other column: [raw values that allow this one to be empty]}
    max_words: int | None
    max_length: int | None         # characters (Table Schema's maxLength)
    substring_of: str | None
    true_before: tuple | None      # (date column, date)
    foreign: tuple | None          # (resource, column): each list item must be a value of that column


@dataclass(frozen=True)
class _Resource:
    name: str
    path: str
    fields: tuple                  # of _Field; empty for a text resource
    row_count: int | None
    sha256: str | None

    @property
    def is_table(self) -> bool:
        return bool(self.fields)


# Date bounds come from the schema's minimum/maximum: 1945-01-01 to 2026-12-31. The upper bound is
# a fixed date rather than "today" so that the check gives the same answer on every day it is run
# (and a typo such as 2042 for 2024 is still caught); move it forward when the course grows.
def _parse_bound(ftype: str, value):
    if value is None:
        return None
    if ftype == "date":
        return _dt.date.fromisoformat(value)
    return value


def _build_field(raw: dict, foreign: dict) -> _Field:
    cons = raw.get("constraints", {})
    ftype = raw.get("type", "string")
    pattern = cons.get("pattern")
    trueb = raw.get("x-trueBefore")
    return _Field(
        name=raw["name"], type=ftype,
        required=bool(cons.get("required", False)), unique=bool(cons.get("unique", False)),
        enum=tuple(cons["enum"]) if "enum" in cons else None, ordered=bool(raw.get("x-ordered", False)),
        pattern=re.compile(pattern) if pattern else None, pattern_hint=raw.get("x-patternHint"),
        minimum=_parse_bound(ftype, cons.get("minimum")), maximum=_parse_bound(ftype, cons.get("maximum")),
        true_values=frozenset(raw.get("trueValues", ["true"])),
        false_values=frozenset(raw.get("falseValues", ["false"])),
        uri=raw.get("format") == "uri", separator=raw.get("x-separator"),
        item_enum=tuple(raw["x-itemEnum"]) if "x-itemEnum" in raw else None,
        empty_when=raw.get("x-emptyWhen"), max_words=raw.get("x-maxWords"),
        max_length=cons.get("maxLength"),
        substring_of=raw.get("x-substringOf"),
        true_before=(trueb["field"], _dt.date.fromisoformat(trueb["date"])) if trueb else None,
        foreign=foreign.get(raw["name"]),
    )


def _build_resource(raw: dict) -> _Resource:
    schema = raw.get("schema") or {}
    foreign = {fk["fields"]: (fk["reference"]["resource"], fk["reference"]["fields"])
               for fk in schema.get("x-listForeignKeys", [])}
    fields = [_build_field(f, foreign) for f in schema.get("fields", [])]
    key = schema.get("primaryKey")
    if isinstance(key, str):
        key = [key]
    if key and len(key) == 1:     # a one-column primary key is a unique, required column
        fields = [f if f.name != key[0] else replace(f, unique=True, required=True) for f in fields]
    digest = raw.get("hash", "")
    return _Resource(name=raw["name"], path=raw["path"], fields=tuple(fields),
                     row_count=raw.get("x-rowCount"),
                     sha256=digest.split(":", 1)[1] if digest.startswith("sha256:") else None)


def _package_problems(pkg, rel: str) -> list[Problem]:
    """Enough of a check of datapackage.json itself that the validator can rely on it."""
    out = []

    def bad(issue, value, expected):
        out.append(Problem(rel, None, None, issue, value, expected))

    if not isinstance(pkg, dict) or not isinstance(pkg.get("resources"), list):
        bad("no resources list", None, 'a JSON object with a "resources" list')
        return out
    seen = set()
    for res in pkg["resources"]:
        if not isinstance(res, dict) or not res.get("name") or not res.get("path"):
            bad("resource without a name or path", json.dumps(res)[:60], 'each resource to have "name" and "path"')
            continue
        if res["name"] in seen:
            bad("resource listed twice", res["name"], "one resource per name")
        seen.add(res["name"])
        for field in (res.get("schema") or {}).get("fields", []):
            if not isinstance(field, dict) or "name" not in field:
                bad(f"field without a name in resource {res['name']!r}", None, 'each field to have a "name"')
            elif field.get("type", "string") not in _SUPPORTED_TYPES:
                bad(f"unsupported type in {res['name']}.{field['name']}", field.get("type"),
                    f"one of {', '.join(sorted(_SUPPORTED_TYPES))}")
    return out


@lru_cache(maxsize=16)
def _package(data: str, stamp) -> tuple[dict, list[Problem]]:
    """The resources of datapackage.json by name, and the problems reading it."""
    path = Path(data) / PACKAGE_FILE
    rel = _rel(data, PACKAGE_FILE)
    try:
        pkg = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [Problem(rel, None, None, "file not found", None,
                            "the data dictionary datapackage.json in the data folder")]
    except UnicodeDecodeError as exc:
        return {}, [Problem(rel, None, None, "not UTF-8", None, f"UTF-8 text (bad byte at offset {exc.start})")]
    except json.JSONDecodeError as exc:
        return {}, [Problem(rel, exc.lineno, None, "not valid JSON:", exc.msg,
                            f"valid JSON (column {exc.colno})")]
    problems = _package_problems(pkg, rel)
    if problems:
        return {}, problems
    try:
        resources = {r["name"]: _build_resource(r) for r in pkg["resources"]}
    except (KeyError, TypeError, ValueError, re.error) as exc:
        return {}, [Problem(rel, None, None, "unusable schema:", str(exc), "a valid Table Schema")]
    return resources, []


# ------------------------------------------------------------------------------------ reading files

def data_dir(root=None) -> Path:
    """The data folder: <root>/data (root defaults to the course folder), or root itself when it
    holds datapackage.json."""
    if root is None:
        from .bank import course_root

        root = course_root()
    root = Path(root)
    if not (root / "data").is_dir() and (root / PACKAGE_FILE).is_file():
        return root
    return root / "data"


def _rel(data: str, name: str) -> str:
    return f"{Path(data).name}/{name}"


def _stamp(data: Path):
    """What the caches are keyed on: every file in the data folder with its mtime and size, so an
    edited file (or a new one) means a fresh check. None when the folder does not exist."""
    try:
        stats = [(p.name, p.stat()) for p in data.iterdir() if p.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return None
    return tuple(sorted((name, st.st_mtime_ns, st.st_size) for name, st in stats))


def _decode(raw: bytes, rel: str, expected_header: str) -> tuple[str | None, list[Problem]]:
    """The file's text (undecodable bytes kept as lone surrogates, reported later cell by cell)."""
    problems = []
    if not raw.strip():
        return None, [Problem(rel, None, None, "the file is empty", None,
                              f"a header row ({expected_header}) followed by data rows")]
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(rel, 1, None, "the file starts with a byte-order mark", None,
                                "UTF-8 without a byte-order mark (save as plain 'CSV UTF-8' without BOM)"))
        raw = raw[len(codecs.BOM_UTF8):]
    return raw.decode("utf-8", errors="surrogateescape"), problems


def _bad_byte_offsets(raw: bytes) -> dict[int, int]:
    """Line number -> byte offset of the first byte on that line that is not UTF-8."""
    offsets, start = {}, 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            offsets[number] = start + exc.start
        start += len(line) + 1
    return offsets


@dataclass(frozen=True)
class _Checked:
    header: tuple
    rows: tuple            # ((line, cells), ...) for the rows with the right number of cells
    problems: tuple


def _read_records(text: str, rel: str):
    """(first physical line, cells) for every record, and problems with the CSV syntax."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, problems, prev_end = [], [], 0   # prev_end: the last physical line read
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(rel, prev_end + 1, None, f"broken CSV quoting ({exc})", None,
                                    'cells with commas, quotes or line breaks inside "double quotes", '
                                    'and a quote inside such a cell doubled ("")'))
            prev_end = reader.line_num
            continue
        records.append((prev_end + 1, cells))
        prev_end = reader.line_num
    return records, problems


def _check_table(data: str, res: _Resource, resources: dict, stamp) -> _Checked:
    rel = _rel(data, res.path)
    names = [f.name for f in res.fields]
    try:
        raw = (Path(data) / res.path).read_bytes()
    except FileNotFoundError:
        return _Checked((), (), (Problem(rel, None, None, "file not found", None,
                                         f"the table {res.path} described in {PACKAGE_FILE}"),))
    text, problems = _decode(raw, rel, ",".join(names))
    if text is None:
        return _Checked((), (), tuple(problems))
    bad_offsets = _bad_byte_offsets(raw) if _BAD_BYTE_RE.search(text) else {}
    records, syntax = _read_records(text, rel)
    problems += syntax
    if not records:
        return _Checked((), (), tuple(problems))
    header_line, header = records[0]
    problems += _header_problems(rel, header, names, header_line, bad_offsets)
    header = tuple(header)
    rows, body = [], records[1:]
    for start, cells in body:
        if cells == [] or cells == [""]:
            problems.append(Problem(rel, start, None, "blank line", None, "a data row (delete the empty line)"))
            continue
        if len(cells) != len(header):
            problems.append(Problem(rel, start, None, f"the row has {len(cells)} cells", None,
                                    f"{len(header)} cells, one per column ({','.join(header)}); "
                                    "quote any cell that contains a comma"))
            continue
        rows.append((start, cells))
    if not body:
        problems.append(Problem(rel, None, None, "the table has a header but no rows", None,
                                "at least one data row"))
    if res.row_count is not None and body and len(rows) != res.row_count:
        problems.append(Problem(rel, None, None, f"the table has {len(rows)} rows", None,
                                f"exactly {res.row_count} rows"))
    problems += _cell_problems(data, rel, res, header, rows, resources, stamp, bad_offsets)
    if res.name == "sources":
        problems += _origin_problems(rel, header, rows)
    return _Checked(header, tuple(rows), tuple(problems))


def _origin_problems(rel: str, header: tuple, rows: list) -> list[Problem]:
    """sources.csv across rows: state_media agrees with state_media_level; a copy names its
    original (copy_of, a row of this table that is an original, or original_publisher); an
    original names none."""
    needed = {"source_id", "state_media", "state_media_level", "origin", "copy_of",
              "original_publisher"}
    if not needed <= set(header):
        return []   # a missing column is reported by the header check
    col = {name: i for i, name in enumerate(header)}
    origin_of = {cells[col["source_id"]]: cells[col["origin"]] for _, cells in rows}
    out = []
    for line, cells in rows:
        get = lambda name: cells[col[name]]  # noqa: E731
        level, flag = get("state_media_level"), get("state_media")
        if level and flag in ("true", "false") and (flag == "true") != (level == "state-controlled"):
            out.append(Problem(rel, line, "state_media", "disagrees with state_media_level:", flag,
                               f"{'true' if level == 'state-controlled' else 'false'}, because "
                               f"state_media_level is {level}"))
        origin, copy_of, named = get("origin"), get("copy_of"), get("original_publisher")
        if origin == "original" and (copy_of or named):
            out.append(Problem(rel, line, "copy_of" if copy_of else "original_publisher",
                               "an original names an original:", copy_of or named,
                               "empty cells, or origin copy"))
        if origin == "copy" and not (copy_of or named):
            out.append(Problem(rel, line, "copy_of", "missing value", None,
                               "the source_id of the original (copy_of) or its publisher "
                               "(original_publisher): a copy names what it copies"))
        if copy_of and copy_of not in origin_of:
            out.append(Problem(rel, line, "copy_of", "no such source id", copy_of,
                               "a source_id that is in sources.csv" + _suggest(copy_of, origin_of)))
        elif copy_of and (origin_of[copy_of] != "original" or copy_of == get("source_id")):
            out.append(Problem(rel, line, "copy_of", "not an original:", copy_of,
                               "the source_id of a row whose origin is original"))
    return out


def _header_problems(rel, header, names, line, bad_offsets) -> list[Problem]:
    out = []
    expected = ",".join(names)
    for name in header:
        if _BAD_BYTE_RE.search(name):
            out.append(Problem(rel, line, None, "bytes that are not UTF-8 in the header:", name,
                               f"UTF-8 text (bad byte at offset {bad_offsets.get(line, '?')})"))
    seen = set()
    for name in header:
        if name in seen:
            out.append(Problem(rel, line, name, "column listed twice", None, f"the header {expected}"))
        seen.add(name)
    for name in names:
        if name not in header:
            stripped = [h for h in header if h.strip() == name]
            hint = " (remove the spaces around it)" if stripped else ""
            out.append(Problem(rel, line, name, "missing column", None, f"the header {expected}{hint}"))
    for name in header:
        if name not in names:
            out.append(Problem(rel, line, name, "unknown column", None,
                               f"only the columns described in {PACKAGE_FILE}: {expected}"
                               + _suggest(name.strip(), names)))
    if not out and list(header) != names:
        out.append(Problem(rel, line, None, "columns in the wrong order:", ",".join(header),
                           f"the header {expected}"))
    return out


def _url_problem(url: str) -> str | None:
    if any(ch.isspace() for ch in url):
        return "contains a space"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "cannot be parsed"
    if parts.scheme not in ("http", "https"):
        return "does not start with http:// or https://"
    host = (parts.hostname or "").removesuffix(".")    # "example.org." is a valid, fully qualified name
    if "." not in host or host.startswith(".") or ".." in host:
        return "has no host name with a dot"
    return None


def _known_ids(data: str, resources: dict, reference: tuple, stamp) -> set | None:
    """The values of the referenced column (None when that table cannot be read: reported there)."""
    name, column = reference
    res = resources.get(name)
    if res is None or not res.is_table:
        return None
    checked = _checked(data, name, stamp)
    if column not in checked.header:
        return None
    col = checked.header.index(column)
    return {cells[col] for _, cells in checked.rows}


def _cell_problems(data, rel, res, header, rows, resources, stamp, bad_offsets) -> list[Problem]:
    out = []
    col = {name: i for i, name in enumerate(header)}
    fields = [f for f in res.fields if f.name in col]
    seen: dict[str, dict[str, int]] = {f.name: {} for f in fields if f.unique}
    refs = {f.foreign: _known_ids(data, resources, f.foreign, stamp) for f in fields if f.foreign}
    texts = {f.substring_of: _text_or_none(data, resources, f.substring_of, stamp)
             for f in fields if f.substring_of}
    for line, cells in rows:
        parsed = {}
        for field in fields:
            j = col[field.name]
            value = cells[j]
            cell_line = line + sum(c.count("\n") for c in cells[:j])
            problem = _cell_problem(field, value, cells, col, refs, texts)
            if _BAD_BYTE_RE.search(value):
                problem = ("bytes that are not UTF-8:", value,
                           f"UTF-8 text (bad byte at offset {bad_offsets.get(cell_line, '?')}); "
                           "re-save the file as UTF-8")
            if isinstance(problem, list):          # several list items can each be wrong
                out += [Problem(rel, cell_line, field.name, *p) for p in problem]
                continue
            if problem is not None:
                out.append(Problem(rel, cell_line, field.name, *problem))
                continue
            parsed[field.name] = _parse_value(field, value)
            if field.unique and value != "":
                first = seen[field.name].setdefault(value, line)
                if first != line:
                    out.append(Problem(rel, cell_line, field.name, "duplicate id", value,
                                       f"a unique value (it is already on line {first})"))
        for field in fields:
            if field.true_before and field.name in parsed and parsed.get(field.true_before[0]) is not None:
                day, cutoff = parsed[field.true_before[0]], field.true_before[1]
                flag = parsed[field.name]
                if (day < cutoff and flag is False) or (day > cutoff and flag is True):
                    out.append(Problem(rel, line, field.name, "contradicts the date:",
                                       cells[col[field.name]],
                                       f"{'true' if day < cutoff else 'false'}, because "
                                       f"{field.true_before[0]} {day.isoformat()} is "
                                       f"{'before' if day < cutoff else 'after'} {cutoff.isoformat()}"))
    return out


def _cell_problem(field: _Field, value: str, cells, col, refs, texts):
    """None when the cell is fine, else (issue, value, expected), or a list of them for list items."""
    if value == "":
        if field.empty_when is not None:
            allowed = any(other in col and cells[col[other]] in values
                          for other, values in field.empty_when.items())
            if not allowed:
                when = " or ".join(f"{o} is {' or '.join(v)}" for o, v in field.empty_when.items())
                return ("missing value", None, f"a value (it may be empty only when {when})")
        elif field.required:
            return ("missing value", None, "a value (this column is required)")
        return None
    if value != value.strip():
        return ("spaces around the value:", value, "no spaces at the start or end of the cell")
    if field.type == "date":
        if not _DATE_RE.fullmatch(value):
            return ("not a date:", value, "a date written YYYY-MM-DD, e.g. 2024-06-19")
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            return ("not a real date:", value, "a date that exists, written YYYY-MM-DD")
        if (field.minimum and day < field.minimum) or (field.maximum and day > field.maximum):
            return ("date out of range:", value,
                    f"a date between {field.minimum} and {field.maximum}")
        return None
    if field.type == "boolean":
        if value not in field.true_values | field.false_values:
            return ("not a boolean:", value, " or ".join(sorted(field.true_values | field.false_values,
                                                                 reverse=True)))
        return None
    if field.type == "integer":
        if not _INT_RE.fullmatch(value):
            return ("not a whole number:", value, "a whole number, e.g. 4")
        number = int(value)
        if (field.minimum is not None and number < field.minimum) or \
                (field.maximum is not None and number > field.maximum):
            return ("number out of range:", value, f"a whole number from {field.minimum} to {field.maximum}")
        return None
    if field.enum is not None and value not in field.enum:
        return ("value not in the vocabulary:", value, "one of " + ", ".join(field.enum)
                + _suggest(value, field.enum))
    if field.separator is not None:
        return _list_problems(field, value, refs)
    if field.pattern is not None and not field.pattern.fullmatch(value):
        return ("wrong format:", value, _pattern_words(field))
    if field.uri:
        why = _url_problem(value)
        if why:
            return (f"not a well-formed web address ({why}):", value,
                    "a full address such as https://www.example.org/page, copied exactly from the source")
    if field.max_words is not None and len(value.split()) > field.max_words:
        return (f"too long ({len(value.split())} words):", value,
                f"at most {field.max_words} words (shorten the quote with … or move it to summary)")
    if field.max_length is not None and len(value) > field.max_length:
        return (f"too long ({len(value)} characters):", value,
                f"at most {field.max_length} characters")
    if field.substring_of is not None:
        return _substring_problem(field, value, texts)
    return None


def _list_problems(field: _Field, value: str, refs):
    items = value.split(field.separator)
    if any(item != item.strip() or item == "" for item in items):
        return ("badly separated list:", value,
                f"items separated by {field.separator!r} with no spaces and no empty items")
    out = []
    if field.item_enum is not None:
        for item in items:
            if item not in field.item_enum:
                out.append(("value not in the vocabulary:", item,
                            "items from " + ", ".join(field.item_enum) + _suggest(item, field.item_enum)))
    elif field.pattern is not None and not field.pattern.fullmatch(value):
        return ("wrong format:", value, _pattern_words(field))
    for i, item in enumerate(items):
        if item in items[:i]:
            out.append(("listed twice:", item, "each item once"))
    known = refs.get(field.foreign) if field.foreign else None
    if known is not None:
        table, column = field.foreign
        for item in items:
            if item not in known:
                out.append((f"unknown {column.replace('_', ' ')}", item,
                            f"a {column} that is in {table}.csv" + _suggest(item, known, 0.8)))
    return out or None


def _pattern_words(field: _Field) -> str:
    return field.pattern_hint or f"text matching the pattern {field.pattern.pattern}"


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _loose(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def _substring_problem(field: _Field, value: str, texts):
    text = texts.get(field.substring_of)
    if text is None or value in text:
        return None        # a missing or broken text is reported on its own
    if _loose(value) in _loose(text):
        hint = " (it differs only in quote marks or spaces: copy them exactly)"
    else:
        hint = ""
    return (f"not found verbatim in {field.substring_of}.txt:", value,
            f"an exact substring of {field.substring_of}.txt, typos and curly quotes included{hint}")


def _parse_value(field: _Field, value: str):
    if value == "":
        return None
    if field.type == "date":
        return _dt.date.fromisoformat(value)
    if field.type == "boolean":
        return value in field.true_values
    return value


@lru_cache(maxsize=64)
def _checked(data: str, name: str, stamp) -> _Checked:
    resources, problems = _package(data, _stamp_of(stamp, PACKAGE_FILE))
    if problems:
        return _Checked((), (), tuple(problems))
    return _check_table(data, resources[name], resources, stamp)


def _stamp_of(stamp, filename):
    return next((s for s in stamp or () if s[0] == filename), None)


@lru_cache(maxsize=16)
def _text(data: str, name: str, stamp) -> tuple[str | None, tuple]:
    resources, problems = _package(data, _stamp_of(stamp, PACKAGE_FILE))
    if problems:
        return None, tuple(problems)
    res = resources[name]
    rel = _rel(data, res.path)
    try:
        raw = (Path(data) / res.path).read_bytes()
    except FileNotFoundError:
        return None, (Problem(rel, None, None, "file not found", None,
                              f"the text {res.path} described in {PACKAGE_FILE}"),)
    if not raw.strip():
        return None, (Problem(rel, None, None, "the file is empty", None, "the case text"),)
    problems = []
    if res.sha256 and hashlib.sha256(raw).hexdigest() != res.sha256:
        problems.append(Problem(rel, None, None, "the text has changed", None,
                                f"the text exactly as received (sha256 {res.sha256[:12]}…): quote spans "
                                "and lessons cite its exact words; restore it"))
    try:
        return raw.decode("utf-8"), tuple(problems)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, line, None, "bytes that are not UTF-8", None,
                                f"UTF-8 text (bad byte at offset {exc.start})"))
        return None, tuple(problems)


def _text_or_none(data, resources, name, stamp):
    res = resources.get(name)
    if res is None or res.is_table:
        return None
    return _text(data, name, stamp)[0]


# ------------------------------------------------------------------------------------------ public

def _resolve(root):
    data = data_dir(root)
    return str(data), _stamp(data)


def table_names(root=None) -> list[str]:
    """The tables described in datapackage.json, in its order."""
    data, stamp = _resolve(root)
    resources, problems = _package(data, _stamp_of(stamp, PACKAGE_FILE))
    if problems:
        raise DataError(problems)
    return [r.name for r in resources.values() if r.is_table]


def validate(root=None) -> list[Problem]:
    """Every problem in the data folder (empty when all is well): each table against
    datapackage.json, source ids against sources.csv, spans against case_article.txt."""
    data, stamp = _resolve(root)
    if stamp is None:
        return [Problem(_rel(data, ""), None, None, "data folder not found:", data,
                        "a data/ folder with datapackage.json and the tables")]
    resources, problems = _package(data, _stamp_of(stamp, PACKAGE_FILE))
    if problems:
        return list(problems)
    out = []
    for res in resources.values():
        if res.is_table:
            out += _checked(data, res.name, stamp).problems
        else:
            out += _text(data, res.name, stamp)[1]
    described = {r.path for r in resources.values()}
    for name, _, _ in stamp:
        if name.endswith(".csv") and name not in described:
            out.append(Problem(_rel(data, name), None, None, "a table that is not described", None,
                               f"every CSV in the data folder to be a resource in {PACKAGE_FILE} "
                               "(describe it there, or move it out of the folder)"))
    return out
