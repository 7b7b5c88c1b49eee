"""The item analysis and the grading report: report.md and one chart per lesson."""
from __future__ import annotations

import datetime as _dt
import math
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from ..questions import Question
from .scoring import GradingRun


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation; None when either variable does not vary or n < 3."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def upper_lower(scores: list[float], rest: list[float], share: float = 0.27) -> float | None:
    """Upper-lower discrimination index: mean item score of the top 27% of students minus that
    of the bottom 27%, the groups formed by the score on the rest of the lesson (so that the item
    does not select its own groups, which matters in a short lesson)."""
    n = len(scores)
    if n < 4:
        return None
    k = max(1, round(share * n))
    order = sorted(range(n), key=lambda i: rest[i])
    low, high = order[:k], order[-k:]
    return _mean([scores[i] for i in high]) - _mean([scores[i] for i in low])


def item_analysis(run: GradingRun) -> dict[str, dict]:
    """Per lesson: students, totals and, per auto-scored question, the item statistics."""
    out = {}
    for lesson, bank in sorted(run.banks.items()):
        graded = [g for g in run.graded if g.submission.lesson == lesson]
        questions = [q for q in bank.part("exercises") if q.auto_scored]
        possible = sum(q.points for q in questions)
        totals = [g.points for g in graded]
        by_id = {id(g): {i.question: i for i in g.items} for g in graded}
        items = []
        for q in questions:
            scores, answered, wrong = [], 0, Counter()
            for g in graded:
                item = by_id[id(g)][q.id]
                scores.append(item.score or 0.0)
                if item.status != "unanswered":
                    answered += 1
                if item.status in ("wrong", "partial"):
                    wrong.update(q.wrong_labels(item.answer))
            rest = [t - (s * q.points) for t, s in zip(totals, scores)]
            items.append({
                "question": q, "n": len(scores), "answered": answered,
                "difficulty": _mean(scores) if scores else None,
                "point_biserial": pearson(scores, rest),
                "upper_lower": upper_lower(scores, rest),
                "wrong": wrong.most_common(3),
            })
        out[lesson] = {"bank": bank, "n": len(graded), "totals": totals, "possible": possible,
                       "items": items,
                       "written": [q for q in bank.part("exercises") if not q.auto_scored]}
    return out


def _md_text(value: Any, limit: int = 60) -> str:
    """Text from a submission, made harmless in a Markdown table."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("`", "'").replace("*", "\\*").replace("_", "\\_")
            .replace("[", "\\[").replace("]", "\\]"))


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0%}" if pct else f"{value:+.2f}"


def _wrong_text(q: Question, label: str) -> str:
    text = q.option_text(label)
    return f"{label} ({_md_text(text, 40)})" if text else _md_text(label)


def chart_lesson(lesson: str, info: dict, path: Path) -> Path:
    """A bar per question: the share of points earned, hardest highlighted (course style)."""
    import matplotlib.pyplot as plt

    from ..charts import OKABE_ITO, finish, new_figure

    items = [i for i in info["items"] if i["difficulty"] is not None]
    names = [i["question"].id for i in items]
    values = [i["difficulty"] * 100 for i in items]
    height = max(2.5, 0.45 * len(items) + 1.2)
    fig, ax = new_figure(figsize=(8, height))
    colours = [OKABE_ITO["vermillion"] if v < 40 else OKABE_ITO["orange"] if v < 70
               else OKABE_ITO["blue"] for v in values]
    ax.barh(names, values, color=colours)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    for y, v in enumerate(values):
        ax.text(v + 1, y, f"{v:.0f}%", va="center", fontsize=9)
    if items:
        hardest = min(items, key=lambda i: i["difficulty"])
        title = (f"{lesson}: {hardest['question'].id} was the hardest "
                 f"({hardest['difficulty']:.0%} of points earned)")
    else:
        title = f"{lesson}: no auto-scored questions"
    title = textwrap.fill(title, 60)  # long question ids must not run off the figure
    ax.set_xticks(range(0, 101, 20))
    finish(fig, ax, title, xlabel=f"Share of points earned (%), {_n(info['n'], 'student')}",
           ylabel="")
    ax.text(0, -0.16 - 0.3 / height, "Red: under 40% · orange: 40–69% · blue: 70% or more",
            transform=ax.transAxes, fontsize=8, color="#555555")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_report(run: GradingRun, folder: Path, paths: dict[str, Path] | None = None) -> Path:
    """report.md (summary, item table, common wrong answers) and one PNG chart per lesson."""
    from .. import __version__

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    analysis = item_analysis(run)
    students = {g.submission.student.casefold() for g in run.graded}
    failed = run.failed_files
    warnings = [i for i in run.issues if i.level == "warning"]
    errors_name = paths["errors"].name if paths else "the errors file"
    lines = ["# Grading report", "",
             f"Graded with pactlab {__version__} on "
             f"{_dt.datetime.now().strftime('%d %B %Y, %H:%M')}.", "", "## Summary", ""]
    lines.append(f"- **{_n(len(run.graded), 'submission file')}** graded, from "
                 f"**{_n(len(students), 'student')}**, in {_n(len(analysis), 'lesson')}.")
    if failed:
        lines.append(f"- **{_n(len(failed), 'file')} could not be graded**: the reason for each "
                     f"is in `{errors_name}`. Ask those students for a new export.")
    if warnings:
        lines.append(f"- {_n(len(warnings), 'warning')} about graded files (unknown question ids, "
                     f"answers that did not fit, newer course versions): see `{errors_name}`.")
    flagged_hard, flagged_disc, misconceptions = [], [], []
    for lesson, info in analysis.items():
        if not info["n"]:
            continue
        totals, possible = info["totals"], info["possible"] or 1
        mean = _mean(totals)
        lines.append(f"- **{lesson}** ({info['bank'].title}): {_n(info['n'], 'student')}; "
                     f"mean {mean:.1f} of {possible:g} points ({mean / possible:.0%}), median "
                     f"{_median(totals):.1f}, range {min(totals):.1f}–{max(totals):.1f}.")
        for it in info["items"]:
            q = it["question"]
            if it["difficulty"] is not None and it["difficulty"] < 0.4:
                flagged_hard.append(f"`{q.id}` ({it['difficulty']:.0%})")
            pb = it["point_biserial"]
            if pb is not None and pb < 0.1 and info["n"] >= 10:
                flagged_disc.append(f"`{q.id}` ({pb:+.2f})")
            if it["wrong"] and q.option_text(it["wrong"][0][0]):
                label, count = it["wrong"][0]
                share = count / info["n"]
                if share >= 0.2:
                    fb = q.feedback_map.get(label, "")
                    misconceptions.append(f"`{q.id}`: {share:.0%} chose "
                                          f"{_wrong_text(q, label)}" + (f". {fb}" if fb else ""))
        if info["written"]:
            lines.append(f"- {len(info['written'])} written question(s) in {lesson} to grade "
                         "by hand: answers and rubric are in "
                         f"`{paths['written'].name if paths else 'the written answers file'}`.")
    if flagged_hard:
        lines.append(f"- **Hard questions** (under 40% of points earned): "
                     f"{', '.join(flagged_hard)}. Worth going over in class.")
    if flagged_disc:
        lines.append(f"- **Check these questions** (they hardly separate stronger from weaker "
                     f"students, item–rest correlation under 0.10): {', '.join(flagged_disc)}. "
                     "Look at the wording and the key.")
    if misconceptions:
        lines.append("- **Misconceptions to discuss** (a wrong option chosen by 20% or more):")
        lines += [f"  - {m}" for m in misconceptions]
    if any(0 < info["n"] < 20 for info in analysis.values()):
        lines.append("- With fewer than 20 students, difficulty and discrimination are rough "
                     "guides only.")
    lines.append("")
    for lesson, info in analysis.items():
        lines += [f"## {lesson}: {info['bank'].title}", ""]
        if info["items"] and info["n"]:
            png = chart_lesson(lesson, info, folder / f"{lesson}.png")
            lines += [f"![Share of points earned per question in {lesson}]({png.name})", "",
                      f"*Share of the points earned on each question of {lesson}, by "
                      f"{_n(info['n'], 'student')}: the lower the bar, the harder the "
                      "question.*", ""]
        lines += ["| Question | Type | Points | Answered | Difficulty | Item–rest r "
                  "| Upper–lower | Most chosen wrong answers |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for it in info["items"]:
            q = it["question"]
            wrong = "; ".join(f"{_wrong_text(q, label)} ×{count}" for label, count in it["wrong"])
            lines.append(f"| `{q.id}` | {q.kind} | {q.points:g} | {it['answered']}/{it['n']} "
                         f"| {_fmt(it['difficulty'], True)} | {_fmt(it['point_biserial'])} "
                         f"| {_fmt(it['upper_lower'])} | {wrong or '–'} |")
        for q in info["written"]:
            lines.append(f"| `{q.id}` | written | {q.points:g} | – | graded by hand | – | – | – |")
        lines.append("")
    lines += ["## How to read the numbers", "",
              "- **Difficulty** is the mean share of the question's points earned (partial "
              "credit counts): 90% is an easy question, 30% a hard one.",
              "- **Item–rest r** is the correlation between the score on the question and the "
              "score on the rest of the lesson (the point-biserial correlation for right/wrong "
              "questions). Above 0.3 the question separates stronger from weaker students well; "
              "near 0 or negative, check its wording and its key.",
              "- **Upper–lower** is the difficulty among the best 27% of students minus the "
              "difficulty among the weakest 27% (ranked on the rest of the lesson): the same "
              "idea, easier to explain. Above 0.3 is good; near 0 or negative, check the "
              "question.",
              "- **Most chosen wrong answers** count wrong options (single and multiple choice), "
              "misplaced items (ordering: item in place n; matching: item → category) or the "
              "wrong values typed, with how many students gave each.",
              "- Unanswered questions count as 0. Written answers are not in these numbers.",
              ""]
    report = folder / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report
