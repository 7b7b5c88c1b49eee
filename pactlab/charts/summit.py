"""Lesson 1, the summit (notebooks/01_summit.ipynb): three charts, each drawn from rows of
data/timeline.csv.

    treaty_chain(timeline)      the treaties and leaders' meetings, 1961 to 2025
    visit_hours(timeline)       the visit hour by hour, in Pyongyang time (Moscow time on top)
    ratification_days(steps)    from signature to entry into force, day by day
"""
from __future__ import annotations

from .style import ACTOR_COLOURS, OKABE_ITO, finish, new_figure


# UTC offsets of the places in the visit (the time_local column is local to `place`).
_L1_UTC_OFFSETS = {"Pyongyang": 9, "Moscow": 3, "Hanoi": 7}
_L1_APPROX_TIMES = {"around noon": 12.0, "around midnight": 24.0}


def summit_label(event: str, short_label=None, width: int = 44) -> str:
    """A chart row's label for an event of data/timeline.csv: its short_label when it has one,
    else the start of the event text, shortened."""
    import re
    import textwrap

    if isinstance(short_label, str) and short_label.strip():
        return short_label
    first = re.split(r"(?<=[a-z)])[.:;](?:\s|$)| \(", str(event), maxsplit=1)[0]
    return textwrap.shorten(first, width=width, placeholder="…")


def _l1_labels(rows) -> list[str]:
    """The row labels of `rows` (a slice of the timeline), top to bottom."""
    shorts = rows["short_label"] if "short_label" in rows else [None] * len(rows)
    return [summit_label(event, short) for event, short in zip(rows["event"], shorts)]


def _l1_rows(timeline, date: str, contains: str | None = None):
    """The rows of `timeline` on `date` (optionally whose event contains a phrase); a clear error
    when there is none, so a change in the data cannot silently drop a bar."""
    import pandas as pd

    rows = timeline[timeline["date"] == pd.Timestamp(date)]
    if contains:
        rows = rows[rows["event"].str.contains(contains, case=False, regex=False)]
    if rows.empty:
        what = f" whose event mentions {contains!r}" if contains else ""
        raise ValueError(f"timeline has no row dated {date}{what}; the lesson 1 charts need it "
                         "(see data/timeline.csv)")
    return rows.iloc[0]


def treaty_chain(timeline):
    """The three treaties (bars from signature to end) and the leaders' meetings (diamonds),
    from the timeline's rows. Bars with a mutual-assistance clause are dark, the one without
    light."""
    import matplotlib.dates as mdates
    import pandas as pd

    fig, ax = new_figure((8, 4))
    dark, light = "#3b3b3b", "#c8c8c8"
    t1961 = _l1_rows(timeline, "1961-07-06", "Mutual Assistance")
    lapse = _l1_rows(timeline, "1995-09-07", "1961")
    expiry = _l1_rows(timeline, "1996-09-10", "1961")
    t2000 = _l1_rows(timeline, "2000-02-09", "Good-Neighbourliness")
    signed = _l1_rows(timeline, "2024-06-19", "sign the Treaty")
    in_force = _l1_rows(timeline, "2024-12-04", "enters into force")
    end = pd.Timestamp("2027-01-01")
    bars = [
        (3, t1961["date"], lapse["date"], dark, "mutual assistance if attacked (Art. 1)"),
        (2, t2000["date"], in_force["date"], light, "no mutual-assistance clause"),
        (1, signed["date"], end, dark, ""),
    ]
    for y, start, stop, colour, text in bars:
        ax.barh(y, stop - start, left=start, height=0.5, color=colour, edgecolor=colour)
        if text:
            ax.text(start + (stop - start) / 2, y, text, ha="center", va="center", fontsize=9,
                    color="white" if colour == dark else "black")
    # the end of the 1961 treaty: Russia's notice in September 1995, expiry a year later
    ax.barh(3, expiry["date"] - lapse["date"], left=lapse["date"], height=0.5,
            color="white", edgecolor=dark, hatch="////", linewidth=0.8)
    ax.annotate("notice 1995,\nexpired 1996", (lapse["date"], 3), xytext=(6, 14),
                textcoords="offset points", fontsize=8.5, va="bottom")
    ax.annotate("mutual assistance\nif attacked (Art. 4) →", (signed["date"], 1),
                xytext=(-6, 0), textcoords="offset points", ha="right", va="center", fontsize=9)
    # leaders' meetings: the early cluster labelled above, the recent cluster below
    meetings = timeline[timeline["leaders_meet"].fillna(False).astype(bool)]
    if meetings.empty:
        raise ValueError("timeline has no row with leaders_meet true; the lesson 1 treaty chart "
                         "marks the leaders' meetings (see data/timeline.csv)")
    labels = []
    for _, row in meetings.sort_values("date", kind="stable").iterrows():
        place = str(row["place"]).split(",")[0].replace(" Cosmodrome", "")
        ax.plot(row["date"], 0, marker="D", color=OKABE_ITO["black"], markersize=6)
        labels.append((row["date"], f"{place} {row['date'].year}"))
    early = [text for day, text in labels if day.year < 2010]
    recent = [text for day, text in labels if day.year >= 2010]
    ax.annotate(", ".join(early[:2]) + ",\n" + ", ".join(early[2:]), (labels[0][0], 0),
                xytext=(-4, 8), textcoords="offset points", ha="left", va="bottom", fontsize=8.5)
    ax.annotate(", ".join(recent[:2]) + ",\n" + ", ".join(recent[2:]), (labels[-1][0], 0),
                xytext=(4, -10), textcoords="offset points", ha="right", va="top", fontsize=8.5)
    ax.set_yticks([3, 2, 1, 0], ["1961 treaty", "2000 treaty", "2024 treaty", "Leaders meet"])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.8, 3.6)
    ax.set_xlim(pd.Timestamp("1958-01-01"), end)
    ax.xaxis.set_major_locator(mdates.YearLocator(10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.spines["left"].set_visible(False)
    return finish(fig, ax, "2024 restored a mutual-assistance clause absent since the mid-1990s",
                  xlabel="Year (each bar runs from the treaty's signature to its end)")


def _l1_clock(hours: float, with_day: bool = False) -> str:
    """Hours counted from 19 June 2024 00:00 as a clock time, e.g. 26.5 -> '02:30'; with_day
    (or at midnight) adds the date on a second line."""
    import math

    minutes = int(round(hours * 60))
    day = 19 + math.floor(minutes / 1440)
    text = f"{minutes % 1440 // 60:02d}:{minutes % 60:02d}"
    return text + (f"\n{day} Jun" if with_day or minutes % 1440 == 0 else "")


def _l1_utc_offset(row) -> int:
    import re

    match = re.search(r"UTC\+(\d+)", str(row["note"]))
    if match:
        return int(match.group(1))
    for city, offset in _L1_UTC_OFFSETS.items():
        if f"{city} time" in str(row["note"]) or str(row["place"]).startswith(city):
            return offset
    raise ValueError(f"cannot tell the time zone of the timeline row {row['date']:%Y-%m-%d} "
                     f"{row['time_local']}: say it in its note (e.g. 'Pyongyang time')")


def _l1_visit_title(rows, hours, exact) -> str:
    """The visit chart's message, from the rows it draws: the arrival (its first timed event in
    Pyongyang), the welcome (the next one) and the departure (the last event there)."""
    def when(h, is_exact):
        words = {12 * 60: "noon", 24 * 60: "midnight"}.get(int(round(h * 60)))
        text = words or _l1_clock(h).split("\n")[0]
        return ("at " if is_exact else "around ") + text

    there = [(h, e) for h, e, place in zip(hours, exact, rows["place"])
             if h is not None and str(place).startswith("Pyongyang")]
    (landed, landed_exact), (welcomed, welcomed_exact), (left, left_exact) = \
        there[0], there[1], max(there, key=lambda pair: pair[0])
    return (f"Putin's visit: landed {when(landed, landed_exact)}, welcomed "
            f"{when(welcomed, welcomed_exact)},\nleft {when(left, left_exact)}")


def visit_hours(timeline):
    """The visit hour by hour: every timeline event of 19 June 2024, plus the next day's events
    that have a time, on one clock (Pyongyang time, UTC+9; Moscow time on the top axis).
    Events with a reported time are dots; approximate ones hollow; the rest a dotted line across
    the stay, because the sources give no time for them."""
    import pandas as pd

    day = pd.Timestamp("2024-06-19")
    rows = timeline[(timeline["date"] == day)
                    | ((timeline["date"] == day + pd.Timedelta(days=1))
                       & timeline["time_local"].notna())]
    if rows.empty:
        raise ValueError("timeline has no events on 19 June 2024; visit_hours needs them")
    hours, exact, offsets = [], [], []   # hours after 19 June 00:00, Pyongyang time
    for _, row in rows.iterrows():
        if pd.notna(row["time_local"]):
            hh, mm = (int(x) for x in str(row["time_local"]).split(":"))
            local = (row["date"] - day).days * 24 + hh + mm / 60
            offsets.append(_l1_utc_offset(row))
            hours.append(local + 9 - offsets[-1])
            exact.append(True)
        else:
            found = [h for phrase, h in _L1_APPROX_TIMES.items() if phrase in str(row["event"])]
            hours.append(found[0] if found else None)
            offsets.append(9)
            exact.append(False)
    known = [h for h in hours if h is not None]
    stay = (min(known), max(h for h, place in zip(hours, rows["place"])
                            if h is not None and str(place).startswith("Pyongyang")))
    fig, ax = new_figure((8, 5.2))
    n = len(rows)
    moscow = 9 - _L1_UTC_OFFSETS["Moscow"]
    for i, (h, is_exact, offset, place) in enumerate(zip(hours, exact, offsets, rows["place"])):
        y = n - 1 - i
        if h is None:
            ax.plot(stay, [y, y], linestyle=(0, (1, 3)), color=OKABE_ITO["grey"], linewidth=1.2)
            continue
        ax.plot(h, y, marker="o", markersize=8, color=OKABE_ITO["black"],
                markerfacecolor=OKABE_ITO["black"] if is_exact else "white")
        text = _l1_clock(h).split("\n")[0]
        if not is_exact:
            text = f"about {text}"
        if i == 0:  # the arrival: the date differs in Moscow
            there = _l1_clock(h - moscow, with_day=True).replace("\n", " on ")
            text += f" ({there} in Moscow)"
        if offset != 9:  # an event elsewhere: its local time too
            text += f" (= {_l1_clock(h - 9 + offset)} in {str(place).split(',')[0]}, UTC+{offset})"
        ax.annotate(text, (h, y), xytext=(8, 0), textcoords="offset points", va="center",
                    fontsize=9)
    untimed = [n - 1 - i for i, h in enumerate(hours) if h is None]
    if untimed:
        ax.text(stay[0] + (stay[1] - stay[0]) / 2, sorted(untimed)[len(untimed) // 2],
                "no time of day reported for these events", ha="center", va="center",
                fontsize=8.5, color="#444444", style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax.set_yticks(range(n - 1, -1, -1), _l1_labels(rows), fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xticks(range(0, 31, 6), [_l1_clock(t) for t in range(0, 31, 6)], fontsize=8.5)
    ax.set_xticks(range(0, 31, 3), minor=True)
    ax.set_xlim(-1, 30)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", which="both", color="#ececec", linewidth=0.8)
    ax.set_axisbelow(True)
    top = ax.secondary_xaxis("top", functions=(lambda x: x - moscow, lambda x: x + moscow))
    top.set_xticks(range(-6, 25, 6), [_l1_clock(t, with_day=(t == -6)) for t in range(-6, 25, 6)],
                   fontsize=8)
    top.set_xlabel("Moscow time (UTC+3)", fontsize=9)
    return finish(fig, ax, _l1_visit_title(rows, hours, exact),
                  xlabel="Pyongyang time (UTC+9), 19–20 June 2024")


def ratification_days(steps):
    """From signature to entry into force: one row per event, a dot on its date, coloured by who
    acted (Russia, the DPRK, or both). `steps` is a slice of the timeline."""
    import matplotlib.dates as mdates

    steps = steps.sort_values("date", kind="stable")
    first, last = steps["date"].min(), steps["date"].max()
    start_ratification = steps.loc[steps["phase"] == "ratification", "date"].min()
    fig, ax = new_figure((8, 4.4))
    n = len(steps)
    for i, (_, row) in enumerate(steps.iterrows()):
        actors = list(row["actors"])
        colour = ACTOR_COLOURS.get(actors[0], OKABE_ITO["black"]) if len(actors) == 1 \
            else OKABE_ITO["black"]
        y = n - 1 - i
        ax.plot(row["date"], y, marker="o", markersize=8, color=colour)
        ax.annotate(f"{row['date'].day} {row['date']:%b}", (row["date"], y), xytext=(7, 0),
                    textcoords="offset points", va="center", fontsize=8.5)
    ax.set_yticks(range(n - 1, -1, -1), _l1_labels(steps), fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.axvspan(first, start_ratification, color="#f2f2f2", zorder=0)
    waited = (start_ratification - first).days
    ax.text(first + (start_ratification - first) / 2, n - 2.2,
            f"{waited} days before\nratification began", ha="center", fontsize=9, color="#555555")
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.set_xlim(first - (last - first) * 0.03, last + (last - first) * 0.12)
    ax.set_ylim(-0.7, n - 0.3)
    for name, colour in (("Russia", ACTOR_COLOURS["Russia"]), ("DPRK", ACTOR_COLOURS["DPRK"]),
                         ("both", OKABE_ITO["black"])):
        ax.plot([], [], marker="o", linestyle="", color=colour, label=name)
    ax.legend(title="Who acted", loc="lower left", fontsize=8.5, title_fontsize=8.5,
              frameon=False)
    return finish(fig, ax, f"{(last - first).days} days from signature to entry into force;\n"
                  f"ratification took only the last {(last - start_ratification).days} days",
                  xlabel="Date in 2024")
