"""The course's tables, loaded as pandas DataFrames, checked as they load.

    from pactlab import data
    timeline = data.load("timeline")         # or data.timeline()
    data.sources_for(timeline)                # the sources.csv rows those events cite
    data.validate()                           # [] when every table is sound

Every table is described in `data/datapackage.json`; `pactlab.datacheck` checks the files against
it (its names `validate`, `DataError`, `Problem`, `format_problems`, `table_names` and `data_dir`
are available here too). A loader raises `DataError` (a ValueError) listing every problem of the
table it loads.

Loaded tables have real types: dates are datetime64, booleans bool, vocabulary columns pandas
Categoricals whose categories are the schema's enum (ordered where the schema says `x-ordered`), list
columns (source_ids, actors, domains) Python lists, other text the pandas string dtype;
an empty cell is missing (NaN/NaT, or [] in a list column). Loads are cached per file modification
time, so an edited CSV is picked up without restarting the kernel; each call returns a fresh copy.
"""
from __future__ import annotations

from functools import lru_cache

from .datacheck import (MAX_LISTED, PACKAGE_FILE, DataError, Problem, _Checked, _checked,
                        _Field, _package, _rel, _Resource, _resolve, _stamp_of, _suggest, _text,
                        data_dir, format_problems, table_names, validate)

__all__ = [
    "DataError", "Problem", "format_problems", "load", "validate", "summary", "sources_for",
    "table_names", "data_dir", "sources", "timeline", "treaty_articles", "reactions", "gifts",
    "case_claims", "case_signals", "clause_comparison", "places", "case_article", "MAX_LISTED",
    "PACKAGE_FILE",
]

@lru_cache(maxsize=64)
def _frame(data: str, name: str, stamp):
    resources, problems = _package(data, _stamp_of(stamp, PACKAGE_FILE))
    if problems:
        raise DataError(problems)
    if name not in resources or not resources[name].is_table:
        tables = [r.name for r in resources.values() if r.is_table]
        raise ValueError(f"no table {name!r} in {_rel(data, PACKAGE_FILE)}; the tables are: {', '.join(tables)}")
    checked = _checked(data, name, stamp)
    if checked.problems:
        raise DataError(list(checked.problems))
    return _to_frame(resources[name], checked)


def _to_frame(res: _Resource, checked: _Checked):
    import pandas as pd

    text_dtype = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    col = {name: i for i, name in enumerate(checked.header)}
    columns = {}
    for field in res.fields:
        raw = [cells[col[field.name]] for _, cells in checked.rows]
        if field.separator is not None:
            columns[field.name] = pd.Series([v.split(field.separator) if v else [] for v in raw], dtype=object)
        elif field.type == "date":
            columns[field.name] = pd.to_datetime(pd.Series([v or None for v in raw], dtype=object),
                                                 format="%Y-%m-%d")
        elif field.type == "boolean":     # pandas' nullable boolean where the schema allows empty cells
            values = [None if v == "" else v in field.true_values for v in raw]
            columns[field.name] = pd.Series(values, dtype=bool if _never_empty(field) else "boolean")
        elif field.type == "integer":
            values = [None if v == "" else int(v) for v in raw]
            columns[field.name] = pd.Series(values, dtype="int64" if _never_empty(field) else "Int64")
        elif field.enum is not None:
            columns[field.name] = pd.Series(pd.Categorical([v or None for v in raw], categories=list(field.enum),
                                                           ordered=field.ordered))
        else:
            columns[field.name] = pd.Series([v or None for v in raw], dtype=text_dtype)
    return pd.DataFrame(columns)


def _never_empty(field: _Field) -> bool:
    return field.required and field.empty_when is None


def load(name: str, root=None):
    """One table as a DataFrame (a fresh copy: change it freely). Raises DataError, naming every
    problem, when the table does not match data/datapackage.json."""
    data, stamp = _resolve(root)
    if stamp is None:
        raise DataError(validate(root))
    return _frame(data, name, stamp).copy()


def sources(root=None):
    """sources.csv: every source the course cites."""
    return load("sources", root)


def timeline(root=None):
    """timeline.csv: dated events, 1961 to the aftermath of the 2024 summit."""
    return load("timeline", root)


def treaty_articles(root=None):
    """treaty_articles.csv: the treaty's 23 articles."""
    return load("treaty_articles", root)


def reactions(root=None):
    """reactions.csv: statements by governments and international bodies."""
    return load("reactions", root)


def gifts(root=None):
    """gifts.csv: gifts exchanged between the leaders."""
    return load("gifts", root)


def case_claims(root=None):
    """case_claims.csv: the case article checked claim by claim."""
    return load("case_claims", root)


def case_signals(root=None):
    """case_signals.csv: source-quality signals in the case article."""
    return load("case_signals", root)


def clause_comparison(root=None):
    """clause_comparison.csv: Article 4 of the treaty beside two older mutual-defence clauses."""
    return load("clause_comparison", root)


def places(root=None):
    """places.csv: the places the context lesson's map marks, with `lat` and `lon` as floats
    (the file holds them as checked decimal text, two decimals)."""
    table = load("places", root)
    for column in ("lat", "lon"):
        table[column] = table[column].astype(float)
    return table


def case_article(root=None) -> str:
    """The case article's text, exactly as received."""
    data, stamp = _resolve(root)
    text, problems = _text(data, "case_article", stamp)
    if text is None:
        raise DataError(list(problems) or validate(root))
    return text


def _cited_ids(rows) -> list[str]:
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        if "source_ids" in rows.columns:
            rows = rows["source_ids"]
        elif "source_id" in rows.columns:
            rows = rows["source_id"]
        else:
            raise ValueError("sources_for() needs a table with a source_ids column (or a list of source ids)")
    if isinstance(rows, str):
        rows = [rows]
    ids = []
    for cell in rows:
        if cell is None or (isinstance(cell, float) and cell != cell):
            continue
        items = cell.split(";") if isinstance(cell, str) else list(cell)
        ids += [i for i in items if i]
    return list(dict.fromkeys(ids))


def sources_for(rows, root=None):
    """The rows of sources.csv cited by `rows`, in order of first citation, each once.

    `rows` is a table from this module (its source_ids column is used), a Series of source-id lists,
    or a list of source ids. Lessons build their Sources section from it."""
    ids = _cited_ids(rows)
    table = sources(root)
    known = set(table["source_id"])
    missing = [i for i in ids if i not in known]
    if missing:
        raise DataError([Problem(_rel(str(data_dir(root)), "sources.csv"), None, "source_id",
                                 "no such source id", i, "a source_id that is in sources.csv"
                                 + _suggest(i, known, 0.8)) for i in missing])
    return table.set_index("source_id", drop=False).loc[ids].reset_index(drop=True)


def summary(root=None) -> dict:
    """Rows per table, sources by kind and by state media, and sources no table cites.
    Raises DataError when the data has problems."""
    problems = validate(root)
    if problems:
        raise DataError(problems)
    names = table_names(root)
    frames = {name: load(name, root) for name in names}
    src = frames["sources"]
    cited = set()
    for frame in frames.values():
        if "source_ids" in frame.columns:
            cited.update(i for ids in frame["source_ids"] for i in ids)
    return {
        "rows": {name: len(frame) for name, frame in frames.items()},
        "sources_by_kind": {str(k): int(v) for k, v in src["kind"].value_counts(sort=False).items()},
        "sources_by_state_media": {"state media": int(src["state_media"].sum()),
                                   "other": int((~src["state_media"]).sum())},
        "sources_not_cited_by_a_table": len(set(src["source_id"]) - cited),
    }
