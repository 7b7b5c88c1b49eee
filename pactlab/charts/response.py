"""Lesson 3, the response (notebooks/03_response.ipynb): governments' statements, drawn from
data/reactions.csv.

    stance_by_actor(reactions)      statements per actor, stacked by stance
    statement_timeline(reactions)   every dated statement on a calendar, the signing marked

Both draw governments' and international bodies' statements only: rows whose `kind` is
"reading" (analysts' readings, which have no stance) are left out.
"""
from __future__ import annotations

from .style import STANCE_COLOURS, finish, new_figure


# The order in which lesson 3 lists actors (top to bottom): the two signatories, then China and
# the UN, then the other governments and bodies. Actors not listed here follow, in table order.
RESPONSE_ACTOR_ORDER = ["Russia", "DPRK", "China", "Vietnam", "UN", "South Korea", "Japan", "US",
                        "UK", "NATO", "EU", "Ukraine", "G7", "US, South Korea and Japan (joint)",
                        "48 countries and the EU"]
RESPONSE_STANCE_ORDER = ["condemn", "concern", "cautious", "neutral", "support"]


def _statements(reactions):
    """The statements (kind "statement"), without analysts' readings; a table without a kind
    column is taken as statements only."""
    if "kind" in reactions.columns:
        return reactions[reactions["kind"].astype(str) != "reading"]
    return reactions


def _response_rows(reactions):
    """One row per actor: a statement whose actor cell lists several, separated by ";"
    ("US;South Korea;Japan"), becomes one row for each. Analysts' readings are left out."""
    rows = _statements(reactions).copy()
    rows["actor"] = rows["actor"].astype(str).str.split(";")
    return rows.explode("actor", ignore_index=True)


def _response_label(actor: str) -> str:
    """An actor name as a y-axis label: long names on two lines."""
    import textwrap

    return "\n".join(textwrap.wrap(actor, 34)) if len(actor) > 36 else actor


def _response_actor_order(actors) -> list:
    present = list(dict.fromkeys(actors))
    return ([a for a in RESPONSE_ACTOR_ORDER if a in present]
            + [a for a in present if a not in RESPONSE_ACTOR_ORDER])


def _response_stance_legend(ax, marker=False, extra=(), below=False):
    """The stance key, in the order of the stance scale: in the lower right of the plot, or in
    one line below it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if marker:
        handles = [Line2D([], [], marker="o", linestyle="", markersize=7,
                          markerfacecolor=STANCE_COLOURS[s], markeredgecolor="#333333",
                          markeredgewidth=0.6, label=s) for s in RESPONSE_STANCE_ORDER]
    else:
        handles = [Patch(facecolor=STANCE_COLOURS[s], edgecolor="#333333", linewidth=0.6,
                         label=s) for s in RESPONSE_STANCE_ORDER]
    handles += list(extra)
    if below:
        return ax.figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                                fontsize=9, frameon=False, handletextpad=0.3,
                                columnspacing=1.1, title=None)
    return ax.legend(handles=handles, loc="lower right", title="stance", title_fontsize=9,
                     fontsize=9, frameon=True, framealpha=1, edgecolor="#cccccc")


def stance_by_actor(reactions):
    """Lesson 3: how many statements each actor made, stacked by stance (horizontal bars).

    A joint statement counts once for each government that issued it."""
    import pandas as pd

    rows = _response_rows(reactions)
    order = _response_actor_order(rows["actor"])
    counts = (pd.crosstab(rows["actor"], rows["stance"].astype(str))
              .reindex(index=order, columns=RESPONSE_STANCE_ORDER, fill_value=0))
    fig, ax = new_figure(figsize=(8, 4.6))
    y = range(len(order))
    left = [0] * len(order)
    for stance in RESPONSE_STANCE_ORDER:
        widths = counts[stance].tolist()
        ax.barh(y, widths, left=left, color=STANCE_COLOURS[stance], edgecolor="white",
                linewidth=0.8, height=0.7, label=stance)
        for i, (start, wd) in enumerate(zip(left, widths)):
            if wd:
                ax.text(start + wd / 2, i, str(wd), ha="center", va="center", fontsize=8,
                        color="white" if stance in ("condemn", "support") else "black")
        left = [start + wd for start, wd in zip(left, widths)]
    ax.set_yticks(list(y), [_response_label(a) for a in order], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _response_stance_legend(ax, below=True)
    supporters = [a for a in order if counts.loc[a, "support"] > 0]
    if len(supporters) == 2:
        the = {"DPRK": "the DPRK", "US": "the US", "UK": "the UK", "UN": "the UN", "EU": "the EU"}
        names = [the.get(a, a) for a in supporters]
        title = f"Only {names[0]} and {names[1]} spoke in support of the treaty"
    else:
        title = "Who spoke in support of the treaty, and who against it"
    return finish(fig, ax, title, xlabel="Number of statements in reactions.csv", ylabel="")


def statement_timeline(reactions, signed="2024-06-19", until="2024-06-30"):
    """Lesson 3: every dated statement as a dot on a calendar, one line per actor, coloured by
    stance, with the signing marked.

    On the signing day, statements made before the signing sit left of the dashed line and those
    made after sit right of it; open dots are statements of that day whose time, and so whose
    side of the line, is not known. Statements after `until` are drawn in a narrow "later" strip
    at the right, each labelled with its date. A joint statement has a dot for each government."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    import pandas as pd

    rows = _response_rows(reactions)
    rows = rows[rows["date"].notna()].copy()
    order = _response_actor_order(rows["actor"])
    signed, until = pd.Timestamp(signed), pd.Timestamp(until)
    day = pd.Timedelta(days=1)
    before = rows["before_signing"].astype("boolean")
    on_day = rows["date"] == signed
    # x: midday of the date; on the signing day, left or right of the signing line
    x = rows["date"] + 0.5 * day
    x = x.mask(on_day & before.eq(True).fillna(False), signed + 0.2 * day)
    x = x.mask(on_day & before.eq(False).fillna(False), signed + 0.8 * day)
    later = rows["date"] > until
    strip = until + 1.9 * day
    rows["x"] = x.mask(later, strip)
    rows["later"] = later
    rows["known"] = before.notna() | ~on_day
    # spread dots that share an actor and a position
    rows["y"] = rows["actor"].map({a: i for i, a in enumerate(order)}).astype(float)
    for _, group in rows.groupby(["actor", "x"]):
        if len(group) > 1:
            n = len(group)
            rows.loc[group.index, "y"] += [(k - (n - 1) / 2) * 0.28 for k in range(n)]

    fig, ax = new_figure(figsize=(8, 4.6))
    left = min(rows["x"].min(), signed) - day
    line_x = signed + 0.5 * day
    ax.axvspan(left, line_x, color="#eeeeee", zorder=0)
    ax.axvline(line_x, color="#333333", linewidth=1.2, linestyle="--", zorder=1)
    if later.any():
        ax.axvline(until + 1.1 * day, color="#999999", linewidth=0.8, zorder=1)
        ax.text(strip, -0.95, "later", ha="center", va="center", fontsize=8, color="#555555")
    for stance in RESPONSE_STANCE_ORDER:
        part = rows[rows["stance"].astype(str) == stance]
        known, unknown = part[part["known"]], part[~part["known"]]
        ax.scatter(known["x"], known["y"], s=42, color=STANCE_COLOURS[stance],
                   edgecolor="#333333", linewidth=0.6, zorder=3)
        ax.scatter(unknown["x"], unknown["y"], s=42, facecolor="white",
                   edgecolor=STANCE_COLOURS[stance], linewidth=1.8, zorder=3)
    for _, row in rows[rows["later"]].iterrows():
        label = f"{row['date'].day} {row['date']:%b}"
        if row["date"].year != signed.year:  # the axis says 2024: name any other year
            label += f" {row['date'].year}"
        ax.text(row["x"] - 0.35 * day, row["y"], label,
                ha="right", va="center", fontsize=8, color="#333333")
    ax.text(line_x - 0.2 * day, -0.95, "before the signing", ha="right", va="center",
            fontsize=9, color="#333333")
    ax.text(line_x + 0.2 * day, -0.95, "after the signing", ha="left", va="center",
            fontsize=9, color="#333333")
    ax.set_yticks(range(len(order)), [_response_label(a) for a in order], fontsize=9)
    ax.set_ylim(len(order) - 0.4, -1.45)
    ax.set_xlim(left, (strip + 0.8 * day) if later.any() else rows["x"].max() + day)
    ticks = pd.date_range(left.normalize() + day, min(until, rows["x"].max()), freq="D")
    ax.set_xticks([t + 0.5 * day for t in ticks if t.weekday() in (0, 2, 4)])
    ax.set_xticks([t + 0.5 * day for t in ticks], minor=True)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    open_dot = Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="white",
                      markeredgecolor="#666666", markeredgewidth=1.6,
                      label="time of day not known")
    _response_stance_legend(ax, marker=True, extra=[open_dot], below=True)
    statements = _statements(reactions)
    n_known = int(statements["before_signing"].notna().sum())
    n_after = int(statements["before_signing"].eq(False).sum())
    if n_after > n_known / 2:
        title = f"Most statements came after the signing ({n_after} of {n_known})"
    else:
        title = f"{n_after} of {n_known} statements came after the signing"
    return finish(fig, ax, title, xlabel="Date of the statement (2024)", ylabel="")
