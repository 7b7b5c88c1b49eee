"""The course's charts: small functions, one per chart, so lessons stay short and a style change
is made once.

Every chart function takes the DataFrame(s) it draws (as returned by `pactlab.data`), returns the
matplotlib Figure, and follows the course's conventions: the title states the message; axes are
labelled with units; direct labels rather than legends where possible; about 8 x 4 inches at
100 dpi; the Okabe-Ito colour-blind-safe palette, with the same colour for the same actor or
stance everywhere in the course (see ACTOR_COLOURS, STANCE_COLOURS).
"""
from __future__ import annotations

import matplotlib.pyplot as plt

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}

# One colour per stance, used in every lesson.
STANCE_COLOURS = {
    "condemn": OKABE_ITO["vermillion"],
    "concern": OKABE_ITO["orange"],
    "cautious": OKABE_ITO["yellow"],
    "neutral": OKABE_ITO["grey"],
    "support": OKABE_ITO["blue"],
}

# One colour per main actor, used in every lesson.
ACTOR_COLOURS = {
    "Russia": OKABE_ITO["vermillion"],
    "DPRK": OKABE_ITO["reddish_purple"],
    "US": OKABE_ITO["blue"],
    "UK": OKABE_ITO["sky_blue"],
    "NATO": OKABE_ITO["bluish_green"],
    "EU": OKABE_ITO["yellow"],
    "South Korea": OKABE_ITO["orange"],
    "Japan": OKABE_ITO["black"],
    "China": OKABE_ITO["grey"],
}

FIGSIZE = (8, 4)
DPI = 100


def new_figure(figsize=FIGSIZE):
    """A figure and axes in the course style."""
    fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def finish(fig, ax, title: str, xlabel: str = "", ylabel: str = ""):
    """Title (the chart's message) and axis labels; returns the figure."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


# ---- lesson 1: the summit --------------------------------------------------------------------
# Three charts for notebooks/01_summit.ipynb, each drawn from rows of data/timeline.csv:
#   treaty_chain(timeline)      the treaties and leaders' meetings, 1961 to 2025
#   visit_hours(timeline)       the visit hour by hour, in Pyongyang time (Moscow time on top)
#   ratification_days(steps)    from signature to entry into force, day by day

# Short labels for events of the summit and the ratification, matched on how the event text of
# data/timeline.csv begins; any other event gets the start of its own text, shortened.
_L1_SHORT_LABELS = (
    ("Putin's plane lands", "Putin lands; Kim greets him at the airport"),
    ("The Kremlin announces Putin's arrival", "Kremlin announces the arrival"),
    ("Official welcome ceremony", "Welcome ceremony, Kim Il Sung Square"),
    ("Talks with delegations", "Talks with delegations (about 1.5 h)"),
    ("One-on-one talks", "One-on-one talks (about 2 h)"),
    ("Putin and Kim sign the Treaty", "Treaty signed"),
    ("Two intergovernmental agreements", "Two intergovernmental agreements signed"),
    ("The leaders make joint press statements", "Joint press statements"),
    ("Kim personally awards Putin", "Kim awards Putin the Order of Kim Il Sung"),
    ("The leaders exchange gifts", "Gifts exchanged"),
    ("Putin and Kim lay a wreath", "Wreath at the Liberation Tower"),
    ("Putin visits the Russian Orthodox", "Putin visits the Orthodox church"),
    ("The programme also includes", "Garden stroll, reception, gala concert"),
    ("Putin leaves Pyongyang for Vietnam", "Putin leaves for Vietnam"),
    ("Putin lands in Hanoi", "Putin lands in Hanoi"),
    ("KCNA publishes the treaty", "KCNA publishes the treaty text"),
    ("Putin submits the treaty", "Putin submits it to the State Duma"),
    ("Duma International Affairs Committee", "Slutsky: relations at 'alliance' level"),
    ("The State Duma ratifies", "State Duma ratifies, 397 to 0"),
    ("Foreign Ministry spokeswoman Zakharova says the treaty is of indefinite",
     "Zakharova: in force on exchange"),
    ("The Federation Council approves", "Federation Council approves"),
    ("Putin signs the federal law", "Putin signs the ratification law"),
    ("Kim Jong Un signs a decree", "Kim signs the ratification decree"),
    ("Instruments of ratification are exchanged", "Instruments exchanged in Moscow"),
    ("The treaty enters into force", "Treaty enters into force"),
)

# UTC offsets of the places in the visit (the time_local column is local to `place`).
_L1_UTC_OFFSETS = {"Pyongyang": 9, "Moscow": 3, "Hanoi": 7}
_L1_APPROX_TIMES = {"around noon": 12.0, "around midnight": 24.0}


def summit_label(event: str, width: int = 44) -> str:
    """A short label for an event of data/timeline.csv (for chart rows)."""
    import re
    import textwrap

    for start, label in _L1_SHORT_LABELS:
        if str(event).startswith(start):
            return label
    first = re.split(r"(?<=[a-z)])[.:;](?:\s|$)| \(", str(event), maxsplit=1)[0]
    return textwrap.shorten(first, width=width, placeholder="…")


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
    from the timeline's rows. Bars with a mutual-assistance clause are dark, the one without light."""
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
    meetings = ["2000-07-19", "2001-08-04", "2002-08-23", "2019-04-25", "2023-09-13",
                "2024-06-19", "2025-09-03"]
    labels = []
    for day in meetings:
        row = _l1_rows(timeline, day)
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
    ax.set_yticks(range(n - 1, -1, -1), [summit_label(e) for e in rows["event"]], fontsize=9)
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
    return finish(fig, ax, "Putin's visit: landed at 02:22, welcomed at noon,\nleft around midnight",
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
    ax.set_yticks(range(n - 1, -1, -1), [summit_label(e) for e in steps["event"]], fontsize=9)
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

# ---- lesson 2: the pact's domains ------------------------------------------------------------
# The treaty_articles.csv domain codes in reading order, with the labels the charts print.
DOMAIN_LABELS = {
    "security_defence": "Security & defence",
    "foreign_policy": "Foreign policy",
    "trade_economy": "Trade & economy",
    "investment": "Investment",
    "science_technology": "Science & technology",
    "culture_education": "Culture & education",
    "humanitarian": "Humanitarian",
    "health": "Health",
    "law_enforcement": "Law enforcement",
    "energy_transport": "Energy & transport",
    "sanctions": "Sanctions",
    "final_provisions": "Final provisions",
}


def treaty_domain_map(articles):
    """A map of the treaty: one column per article (1-23), one row per domain, a dot where an
    article covers a domain. Columns of articles whose content no source identifies are shaded;
    a hollow dot marks an article whose number rests only on its place in a source's list.
    `articles` is `data.treaty_articles()`."""
    import matplotlib.patches as mpatches

    domains = list(DOMAIN_LABELS)
    row = {d: len(domains) - 1 - i for i, d in enumerate(domains)}   # first domain on top
    fig, ax = new_figure(figsize=(8, 4.4))
    colour = OKABE_ITO["blue"]
    unknown = articles.loc[~articles["content_confirmed"], "article"].tolist()
    for art in unknown:
        ax.axvspan(art - 0.45, art + 0.45, color=OKABE_ITO["grey"], alpha=0.25, lw=0)
    for _, r in articles.iterrows():
        for d in r["domains"]:
            filled = bool(r["number_confirmed"])
            ax.scatter(r["article"], row[d], s=70, zorder=3, linewidths=1.6,
                       facecolors=colour if filled else "white", edgecolors=colour)
    ax.set_xticks(range(1, 24))
    ax.set_xlim(0.4, 23.6)
    ax.set_yticks([row[d] for d in domains], [DOMAIN_LABELS[d] for d in domains])
    ax.set_ylim(-0.7, len(domains) - 0.3)
    ax.tick_params(axis="both", labelsize=9, length=0)
    ax.grid(axis="y", color="#dddddd", lw=0.6, zorder=0)
    ax.spines[["left", "bottom"]].set_visible(False)
    handles = [
        ax.scatter([], [], s=70, color=colour, label="a source names the article number"),
        ax.scatter([], [], s=70, facecolors="white", edgecolors=colour, linewidths=1.6,
                   label="number inferred from a list's order"),
        mpatches.Patch(color=OKABE_ITO["grey"], alpha=0.25, label="content not identified"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=9,
               handletextpad=0.3, columnspacing=1.5)
    finish(fig, ax, f"Security and foreign policy come first; {len(unknown)} articles are unidentified",
           xlabel="Article number", ylabel="")
    plt.close(fig)   # shown once, as the cell's result, not again by the inline backend
    return fig


def articles_per_domain(articles, named_domains=()):
    """Horizontal bars: how many of the treaty's articles cover each domain (an article with two
    domains counts in both). Domains in `named_domains` (e.g. the ones a news article names) are
    drawn in blue, the others in orange. `articles` is `data.treaty_articles()`."""
    import matplotlib.patches as mpatches

    domains = list(DOMAIN_LABELS)
    counts = articles["domains"].explode().value_counts().reindex(domains, fill_value=0)
    # largest first, ties in the vocabulary's order; the first bar is drawn at the top
    order = sorted(domains, key=lambda d: (-counts[d], domains.index(d)))
    counts = counts[order[::-1]]
    named = set(named_domains)
    named_colour = OKABE_ITO["blue"]
    other_colour = OKABE_ITO["orange"] if named else named_colour
    fig, ax = new_figure(figsize=(8, 4.4))
    y = list(range(len(counts)))
    ax.barh(y, counts.values, height=0.7,
            color=[named_colour if d in named else other_colour for d in counts.index])
    ax.set_yticks(y, [DOMAIN_LABELS[d] for d in counts.index])
    for yi, n in zip(y, counts.values):
        ax.text(n + 0.06, yi, str(n), va="center", fontsize=9)
    ax.set_xlim(0, counts.max() + 0.6)
    ax.set_xticks(range(0, int(counts.max()) + 1))
    ax.tick_params(axis="y", length=0, labelsize=9)
    top = order[0]
    if named:
        fig.legend(handles=[mpatches.Patch(color=named_colour, label="named in the case article's list"),
                            mpatches.Patch(color=other_colour, label="not in its list")],
                   loc="outside lower center", ncol=2, frameon=False, fontsize=9)
        if top not in named:
            title = f"The case article's list omits {DOMAIN_LABELS[top].lower()}, the largest domain"
        else:
            title = f"The case article names {DOMAIN_LABELS[top].lower()}, the largest domain"
    else:
        title = f"{DOMAIN_LABELS[top]} is the treaty's largest domain"
    finish(fig, ax, title, xlabel="Identified articles that cover the domain", ylabel="")
    plt.close(fig)
    return fig


# ---- lesson 3: the response ------------------------------------------------------------------
# The order in which lesson 3 lists actors (top to bottom): the two signatories, then China and
# the UN, then the other governments and bodies. Actors not listed here follow, in table order.
RESPONSE_ACTOR_ORDER = ["Russia", "DPRK", "China", "UN", "South Korea", "Japan", "US", "UK",
                        "NATO", "EU", "Ukraine", "G7", "US, South Korea and Japan (joint)",
                        "48 countries and the EU"]
RESPONSE_STANCE_ORDER = ["condemn", "concern", "cautious", "neutral", "support"]


def _response_rows(reactions):
    """One row per actor: a statement whose actor cell lists several, separated by ";"
    ("US;South Korea;Japan"), becomes one row for each."""
    rows = reactions.copy()
    rows["actor"] = rows["actor"].astype(str).str.split(";")
    return rows.explode("actor", ignore_index=True)


def _response_done(fig):
    """Detach the figure from pyplot before returning it, so that a notebook shows it exactly
    once, as the cell's result: no trailing ";" needed, and no second copy from the inline
    backend (nbval does not honour a trailing ";")."""
    plt.close(fig)
    return fig


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
        for i, (l, wd) in enumerate(zip(left, widths)):
            if wd:
                ax.text(l + wd / 2, i, str(wd), ha="center", va="center", fontsize=8,
                        color="white" if stance in ("condemn", "support") else "black")
        left = [l + wd for l, wd in zip(left, widths)]
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
    return _response_done(finish(fig, ax, title, xlabel="Number of statements in reactions.csv",
                                 ylabel=""))


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
        ax.text(row["x"] - 0.35 * day, row["y"], f"{row['date'].day} {row['date']:%b}",
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
    n_known = int(reactions["before_signing"].notna().sum())
    n_after = int(reactions["before_signing"].eq(False).sum())
    if n_after > n_known / 2:
        title = f"Most statements came after the signing ({n_after} of {n_known})"
    else:
        title = f"{n_after} of {n_known} statements came after the signing"
    return _response_done(finish(fig, ax, title, xlabel="Date of the statement (2024)",
                                 ylabel=""))

# ---- lesson 4: evaluating sources ------------------------------------------------------------
# Verdicts run from "checks out" to "does not": green, yellow, orange, vermillion; grey for what
# cannot be checked and purple for opinion. Used by every lesson-4 chart and claim card.
VERDICT_ORDER = ["accurate", "partly_accurate", "misleading", "inaccurate", "unverifiable",
                 "opinion"]
VERDICT_COLOURS = {
    "accurate": OKABE_ITO["bluish_green"],
    "partly_accurate": OKABE_ITO["yellow"],
    "misleading": OKABE_ITO["orange"],
    "inaccurate": OKABE_ITO["vermillion"],
    "unverifiable": OKABE_ITO["grey"],
    "opinion": OKABE_ITO["reddish_purple"],
}
STATE_MEDIA_COLOURS = {True: OKABE_ITO["reddish_purple"], False: OKABE_ITO["sky_blue"]}


def _case_label(value) -> str:
    return str(value).replace("_", " ")


def _case_verdict_legend(fig, verdicts) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="white", label=_case_label(v))
               for v in VERDICT_ORDER if v in set(verdicts)]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False,
               fontsize=9, title="Verdict", title_fontsize=9)


def verdicts_by_claim_type(claims):
    """Stacked bars: for each claim type, how many claims got each verdict (case_claims)."""
    import pandas as pd

    table = pd.crosstab(claims["claim_type"].astype(str), claims["verdict"].astype(str))
    table = table.reindex(columns=[v for v in VERDICT_ORDER if v in table.columns], fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(kind="stable").index]  # biggest at the top
    n, accurate = int(table.values.sum()), int(table.get("accurate", pd.Series(0)).sum())
    wrong = table.sum(axis=1) - table.get("accurate", 0)
    if {"attribution", "fact"} <= set(wrong.index) and wrong["attribution"] >= wrong["fact"]:
        tail = "quotes and attributions go wrong as often as facts"
    else:
        tail = "the rest are flawed, unverifiable or opinion"
    fig, ax = new_figure()
    left = pd.Series(0, index=table.index)
    for verdict in table.columns:
        counts = table[verdict]
        ax.barh(table.index, counts, left=left, color=VERDICT_COLOURS[verdict],
                edgecolor="white", height=0.7)
        for y, (count, start) in enumerate(zip(counts, left)):
            if count:
                ax.text(start + count / 2, y, str(count), ha="center", va="center", fontsize=9)
        left = left + counts
    for y, total in enumerate(left):
        ax.text(total + 0.2, y, f"{total} claims", va="center", fontsize=9, color="#333")
    ax.set_xlim(0, left.max() * 1.15)
    ax.tick_params(axis="y", length=0)
    _case_verdict_legend(fig, table.columns)
    return finish(fig, ax, f"Only {accurate} of the {n} claims are accurate;\n{tail}",
                  xlabel="Number of claims", ylabel="Claim type")


def verdicts_along_article(claims):
    """One square per claim, in reading order, one row per section of the article."""
    from matplotlib.patches import Rectangle

    sections = list(dict.fromkeys(claims["section"]))
    flawed = {s: int((claims.loc[claims["section"] == s, "verdict"] != "accurate").sum())
              for s in sections}
    hit = sum(1 for s in sections if flawed[s] > 0)
    if hit == len(sections):
        title = (f"Every one of the article's {len(sections)} sections has at least one claim"
                 "\nthat is not simply accurate")
    else:
        title = f"{hit} of the article's {len(sections)} sections have a claim that is not accurate"
    fig, ax = new_figure((8, 4.4))
    widest = 0
    for row, section in enumerate(sections):
        part = claims[claims["section"] == section]
        widest = max(widest, len(part))
        for col, (cid, verdict) in enumerate(zip(part["claim_id"], part["verdict"].astype(str))):
            ax.add_patch(Rectangle((col + 0.05, row - 0.4), 0.9, 0.8,
                                   facecolor=VERDICT_COLOURS[verdict], edgecolor="white"))
            ax.text(col + 0.5, row, cid, ha="center", va="center", fontsize=8)
    ax.set_xlim(0, widest)
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_yticks(range(len(sections)), [s.replace(" & ", " &\n") if len(s) > 30 else s
                                         for s in sections], fontsize=9)
    ax.set_xticks([i + 0.5 for i in range(widest)], [str(i + 1) for i in range(widest)])
    ax.tick_params(length=0)
    ax.spines[["left", "bottom"]].set_visible(False)
    _case_verdict_legend(fig, claims["verdict"].astype(str))
    return finish(fig, ax, title, xlabel="Claim number within the section, in reading order",
                  ylabel="Section (top to bottom)")


def sources_by_kind(sources):
    """Stacked bars: the sources cited, by kind (primary, secondary, tertiary) and state media."""
    import pandas as pd

    table = pd.crosstab(sources["kind"].astype(str), sources["state_media"].astype(bool))
    order = [k for k in ["tertiary", "primary", "secondary"] if k in table.index]
    table = table.reindex(index=order, columns=[True, False], fill_value=0)
    n = int(table.values.sum())
    totals = table.sum(axis=1)
    fig, ax = new_figure((8, 3.2))
    left = pd.Series(0, index=table.index)
    names = {True: "state media", False: "not state media"}
    for state in table.columns:
        counts = table[state]
        ax.barh(table.index, counts, left=left, color=STATE_MEDIA_COLOURS[state],
                edgecolor="white", height=0.6, label=names[state])
        for y, (count, start) in enumerate(zip(counts, left)):
            if count:
                ax.text(start + count / 2, y, str(count), ha="center", va="center", fontsize=9)
        left = left + counts
    for y, kind in enumerate(table.index):
        state = int(table.loc[kind, True])
        ax.text(totals[kind] + 0.8, y, f"{totals[kind]} {kind} ({state} state media)",
                va="center", fontsize=9, color="#333")
    ax.set_xlim(0, totals.max() * 1.45)
    ax.tick_params(axis="y", length=0)
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    secondary = int(totals.get("secondary", 0))
    primary = int(totals.get("primary", 0))
    return finish(fig, ax, f"Checking this one article took {n} sources: {secondary} news reports"
                           f" and\nother secondary sources, {primary} primary documents",
                  xlabel="Number of sources", ylabel="Kind of source")


class CaseView:
    """Rich HTML in a notebook with a short, stable plain-text form (for nbval and exports)."""

    def __init__(self, html_text: str, text: str):
        self.html, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _case_marked(paragraph: str, marks) -> str:
    """A paragraph as HTML with each (span, label) wrapped in <mark> (first occurrence each)."""
    import html

    found = []
    for span, label in marks:
        start = paragraph.find(span)
        if span and start >= 0:
            found.append((start, start + len(span), label))
    found.sort()
    out, pos = [], 0
    for start, end, label in found:
        if start < pos:  # overlaps the previous mark: leave it unmarked
            continue
        out.append(html.escape(paragraph[pos:start], quote=False))
        out.append(f"<mark style='background:#fde9a8;padding:0 1px'>"
                   f"{html.escape(paragraph[start:end], quote=False)}</mark>"
                   f"<sup style='color:#8a5300;font-weight:bold'>{html.escape(label)}</sup>")
        pos = end
    out.append(html.escape(paragraph[pos:], quote=False))
    return "".join(out).replace("\n", "<br>")


def _case_paragraphs(article: str) -> list[str]:
    return [p for p in article.split("\n\n") if p.strip()]


_CASE_ARTICLE_BOX = ("<div style='border-left:4px solid #999;background:#fafafa;"
                     "padding:0.4em 0.9em;margin:0.4em 0;font-family:Georgia,serif;"
                     "font-size:0.95em;line-height:1.45'>")


def article_view(article: str, rows=None, span: str = "quote_span", label: str = "claim_id",
                 only_marked: bool = False) -> CaseView:
    """The case article as received, with the spans of `rows` (claims or signals) highlighted.

    Nothing is retyped: paragraphs come from the text itself, and each highlighted span is found
    verbatim. With only_marked, only the paragraphs that contain a highlighted span are shown.
    """
    marks = []
    if rows is not None:
        marks = [(s, l) for s, l in zip(rows[span], rows[label]) if isinstance(s, str) and s]
    shown, n_marked = [], 0
    for paragraph in _case_paragraphs(article):
        here = [(s, l) for s, l in marks if s in paragraph]
        if only_marked and not here:
            continue
        n_marked += len(here)
        shown.append(f"<p style='margin:0.35em 0'>{_case_marked(paragraph, here)}</p>")
    head = ("<div style='font-size:0.85em;color:#555'>Case article "
            "(<code>data/case_article.txt</code>), exactly as received"
            + (": highlighted passages are labelled with their id" if marks else "") + "</div>")
    text = f"Case article: {len(shown)} paragraph{'s' if len(shown) != 1 else ''} shown"
    if marks:
        text += f", {n_marked} passages highlighted"
    return CaseView(head + _CASE_ARTICLE_BOX + "".join(shown) + "</div>", text)


def claim_cards(claims, article: str, ids=None, show_verdict: bool = True) -> CaseView:
    """One card per claim: the paragraph with its span highlighted, the evidence and sources.

    `ids` picks claims by claim_id, in that order (default: every row of `claims`). With
    show_verdict=False the verdict and the teaching note are left out (for exercises that ask
    students to judge the verdict from the evidence)."""
    import html

    if ids is not None:
        ids = [ids] if isinstance(ids, str) else list(ids)
        unknown = [i for i in ids if i not in set(claims["claim_id"])]
        if unknown:
            raise ValueError(f"no claim {unknown[0]!r} in the claims table; ids look like 'C05'")
        claims = claims.set_index("claim_id").loc[ids].reset_index()
    paragraphs = _case_paragraphs(article)
    cards = []
    for row in claims.itertuples(index=False):
        paragraph = next((p for p in paragraphs if row.quote_span in p), row.quote_span)
        verdict = str(row.verdict)
        head = (f"<b>{html.escape(row.claim_id)}</b> · {html.escape(str(row.section))} · "
                f"claim type: <b>{_case_label(row.claim_type)}</b>")
        if show_verdict:
            head += (f" · verdict: <span style='background:{VERDICT_COLOURS[verdict]};"
                     f"padding:0 4px;border-radius:3px'><b>{_case_label(verdict)}</b></span>")
        marked = _case_marked(paragraph, [(row.quote_span, row.claim_id)])
        body = [f"<div>{head}</div>", f"{_CASE_ARTICLE_BOX}{marked}</div>",
                f"<div><b>Evidence:</b> {html.escape(row.evidence, quote=False)}</div>"]
        if show_verdict:
            note = html.escape(row.teaching_note, quote=False)
            body.append(f"<div><b>Takeaway:</b> {note}</div>")
        body.append("<div style='font-size:0.85em;color:#555'><b>Sources:</b> "
                    f"{html.escape(', '.join(row.source_ids))}</div>")
        cards.append("<div style='border:1px solid #ddd;border-radius:6px;padding:0.5em 0.8em;"
                     "margin:0.6em 0'>" + "".join(body) + "</div>")
    ids = ", ".join(claims["claim_id"])
    return CaseView("".join(cards), f"Claim cards: {ids}")
