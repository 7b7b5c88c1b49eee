"""How lessons show tables: one display style for every course table, and the sources block.

    tables.show(df, columns=[...], rename={...}, missing="not reported")
        the table as a notebook shows it: text left-aligned, no 0-based index, missing values
        as `missing` (empty by default), dates on one line, list values joined with "; ",
        long text wrapped so the table fits a 1366-pixel screen
    tables.sources(rows_or_ids)
        a lesson's sources as a count and a collapsed list of links (the whole list is
        data/sources.csv)

Both return an object that a notebook shows as HTML when it is a cell's last expression, with a
short, stable plain-text form (for nbval, terminals and exports without HTML).
"""
from __future__ import annotations

import datetime as _dt
import html as _html
from typing import Any, Iterable

#: CSS shared by every course table. Scoped to the class, so JupyterLab's own tables are left
#: alone. Text is left-aligned and wraps; numbers are right-aligned; dates never wrap.
STYLE = """<style>
.pactlab-table {overflow-x:auto; max-width:100%; margin:0.3em 0}
.pactlab-table table {border-collapse:collapse; font-size:0.9em; line-height:1.35;
  table-layout:auto; max-width:100%}
.pactlab-table th {text-align:left; vertical-align:bottom; border-bottom:2px solid #555;
  padding:0.25em 0.6em; background:#f3f3f3; color:#111}
.pactlab-table td {text-align:left; vertical-align:top; border-bottom:1px solid #ddd;
  padding:0.25em 0.6em; color:#111; max-width:38em; overflow-wrap:anywhere}
.pactlab-table td.num {text-align:right; font-variant-numeric:tabular-nums}
.pactlab-table td.date {white-space:nowrap}
.pactlab-table caption {caption-side:top; text-align:left; font-weight:bold; padding:0.2em 0}
.pactlab-sources summary {cursor:pointer; font-weight:bold}
.pactlab-sources li {margin:0.15em 0}
</style>"""


class TableView:
    """A table for a notebook: HTML when shown, a short plain text otherwise."""

    def __init__(self, html_text: str, text: str, frame=None):
        self.html, self.text, self.frame = html_text, text, frame

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _is_missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like value: not a missing scalar
        return False


def cell_text(value: Any, missing: str = "") -> str:
    """One value as the course shows it: lists joined with "; ", dates as 2024-06-19 (and a
    time only when there is one), whole floats without ".0", missing values as `missing`."""
    if isinstance(value, (list, tuple)):
        parts = [cell_text(v, missing="") for v in value]
        return "; ".join(p for p in parts if p) or missing
    if _is_missing(value):
        return missing
    if isinstance(value, _dt.datetime) or hasattr(value, "to_pydatetime"):
        stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
        if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
            return stamp.strftime("%Y-%m-%d")
        return stamp.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(series) -> str:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_numeric_dtype(series):
        return "num"
    return "text"


def show(df, columns: Iterable[str] | None = None, rename: dict | None = None,
         missing: str = "", max_rows: int | None = None, caption: str | None = None) -> TableView:
    """`df` in the course's table style. `columns` picks and orders columns; `rename` gives
    them readers' names; `missing` is what an empty value says (e.g. "not reported");
    `max_rows` cuts a long table and says how many rows were left out."""
    frame = df if columns is None else df[list(columns)]
    unknown = sorted(set(rename or {}) - set(frame.columns))
    if unknown:
        have = ", ".join(map(str, frame.columns))
        raise KeyError(f"tables.show(rename=...) names columns the table does not have: "
                       f"{', '.join(map(str, unknown))}; it has {have}")
    names = [str((rename or {}).get(c, c)) for c in frame.columns]
    kinds = [_kind(frame[c]) for c in frame.columns]
    shown = frame if max_rows is None else frame.head(max_rows)
    rows = [[cell_text(v, missing) for v in record]
            for record in shown.itertuples(index=False, name=None)]
    left_out = len(frame) - len(shown)

    esc = _html.escape
    head = "".join(f"<th scope='col'>{esc(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td class='{k}'>{esc(v)}</td>" for k, v in zip(kinds, row))
                   + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    more = (f"<p style='margin:0.2em 0;font-size:0.85em'>… and {left_out} more "
            f"row{'s' if left_out != 1 else ''} (not shown).</p>") if left_out else ""
    html_text = (f"{STYLE}<div class='pactlab-table'><table>{cap}<thead><tr>{head}</tr></thead>"
                 f"<tbody>{body}</tbody></table>{more}</div>")

    count = f"{len(frame)} row{'s' if len(frame) != 1 else ''}"
    text = f"Table ({count}): {', '.join(names)}"
    if caption:
        text = f"{caption}. {text}"
    return TableView(html_text, text, frame)


def sources(rows, root=None, heading: str = "Sources for this lesson") -> TableView:
    """The sources that `rows` cite (a course table with a source_ids column, or a list of
    source ids), as a count and a collapsed, linked list in order of first citation."""
    from . import data

    table = data.sources_for(rows, root)
    esc = _html.escape
    items = []
    for rec in table.to_dict("records"):
        label = f"{cell_text(rec.get('publisher'))}: {cell_text(rec.get('title'))}"
        url = cell_text(rec.get("url"))
        when = cell_text(rec.get("published"))
        link = (f"<a href='{esc(url, quote=True)}' target='_blank' rel='noopener'>{esc(label)}</a>"
                if url.startswith(("https://", "http://")) else esc(label))
        items.append(f"<li>{link}{f' ({esc(when)})' if when else ''}</li>")
    n = len(table)
    state = int(table["state_media"].fillna(False).astype(bool).sum()) \
        if "state_media" in table.columns else 0
    summary = (f"{heading}: {n} source{'s' if n != 1 else ''}, of which {state} "
               f"{'is' if state == 1 else 'are'} state media (click to open the list)")
    html_text = (f"{STYLE}<details class='pactlab-sources'><summary>{esc(summary)}</summary>"
                 f"<ol>{''.join(items)}</ol><p style='font-size:0.85em'>Every source of the "
                 "course, with its kind and language, is in <code>data/sources.csv</code>.</p>"
                 "</details>")
    text = f"{heading}: {n} sources, of which {state} are state media (data/sources.csv)"
    return TableView(html_text, text, table)
