"""Lesson 4, evaluating sources (notebooks/04_evaluating_sources.ipynb): the case article's claims
and the sources used to check them (data/case_claims.csv, data/sources.csv), and the second
case's search results (data/case2_results.csv).

    verdicts_by_claim_type(claims)   verdicts per claim type, stacked bars
    verdicts_along_article(claims)   one square per claim, in reading order
    sources_by_kind(sources)         the sources cited, by kind and state media
    results_page(results)            the second case's offline search-results page (HTML)
"""
from __future__ import annotations

from .style import OKABE_ITO, finish, new_figure


# Verdicts run from "checks out" to "does not": green, yellow, sky blue (true once, since
# overtaken), orange, vermillion; grey for what cannot be checked and purple for opinion. Used by
# every lesson-4 chart and claim card.
VERDICT_ORDER = ["accurate", "partly_accurate", "outdated", "misleading", "inaccurate",
                 "unverifiable", "opinion"]
VERDICT_COLOURS = {
    "accurate": OKABE_ITO["bluish_green"],
    "partly_accurate": OKABE_ITO["yellow"],
    "outdated": OKABE_ITO["sky_blue"],
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


_PAGE_TYPE_LABELS = {"original": "original", "copy": "copy",
                     "network_copy": "propaganda-network copy",
                     "unattributed": "unattributed (origin not known)"}


def results_page(results, reveal: bool = False):
    """An offline page of search results (case2_results): title, site, date and snippet, as a
    reader sees them before clicking. `reveal=True` adds what each page is (original, copy of
    whom, network copy), for checking afterwards."""
    import html

    from .views import CaseView

    esc = html.escape
    items, lines = [], []
    for rec in results.to_dict("records"):
        date = rec.get("published")
        missing = date is None or str(date) in ("NaT", "nan", "None")
        when = "" if missing else date.strftime("%d %b %Y")
        meta = esc(rec["site"]) + (f" · {esc(when)}" if when else " · no date shown")
        extra = ""
        if reveal:
            kind = _PAGE_TYPE_LABELS.get(str(rec["page_type"]), str(rec["page_type"]))
            copy_of = rec.get("copy_of")
            of = f" of {esc(str(copy_of))}" if isinstance(copy_of, str) and copy_of else ""
            extra = (f"<div style='font-size:0.85em;color:#333;margin-top:2px'>"
                     f"<b>What it is:</b> {esc(kind)}{of}</div>")
        items.append(
            f"<div style='margin:0 0 12px 0'><div style='font-size:0.8em;color:#555'>"
            f"{esc(rec['result_id'])} · {meta}</div>"
            f"<div style='color:#1a0dab;font-size:1.05em'>{esc(rec['title'])}</div>"
            f"<div style='font-size:0.92em;color:#222'>{esc(rec['snippet'])}</div>{extra}</div>")
        lines.append(f"{rec['result_id']} {rec['site']}")
    head = ("<div style='border:1px solid #ccc;border-radius:6px;padding:10px 14px;max-width:46em;"
            "background:#fff;color:#111;font-family:sans-serif'><div style='font-size:0.85em;"
            "color:#555;margin-bottom:8px'>Search results (offline copy; the links are not live)"
            "</div>")
    text = f"Search results: {len(lines)} results ({', '.join(lines)})"
    return CaseView(head + "".join(items) + "</div>", text)
