"""The item analysis and the grading report: report.md and one chart per lesson.

The report speaks of each question's *facility* (the share of its points the class earned: high
is easy), names wrong answers by their text, shows each student's lessons (and, given a roster,
who is missing), flags shared logins and names that look like one student's, and says each
kind of problem once, however many files it hit."""
from __future__ import annotations

import datetime as _dt
import math
import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..questions import Question, plain_text
from .scoring import GradingRun
from .submissions import Issue, student_key

#: logins that many people share (notebook images, hubs, lab machines): not a student's name
GENERIC_LOGINS = {"jovyan", "root", "student", "students", "user", "admin", "administrator",
                  "ubuntu", "guest", "test", "pi", "vscode", "codespace", "codespaces",
                  "runner", "nobody", "anonymous", "default", "pupil", "learner", "me"}
GENERIC_PATTERN = re.compile(r"^(student|user|guest|test|pupil|learner)[0-9]{0,3}$")


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
                "facility": _mean(scores) if scores else None,
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


def wrong_words(q: Question, label: str) -> str:
    """A wrong answer as a person reads it: the option's text (its id after it), an ordering
    item's text and the place it was put in, or a matched item and its wrong category."""
    text = q.option_text(label)
    if text:
        return f"“{plain_text(text)}” ({label})"
    items = q.spec.get("items") and q.items
    if items:
        m = re.fullmatch(r"(.+) in place (\d+)", label)
        if m and m[1] in items:
            return f"“{plain_text(items[m[1]])}” put in place {m[2]}"
        m = re.fullmatch(r"(.+) → (.+)", label)
        categories = q.spec.get("categories") and q.categories
        if m and categories and m[1] in items:
            return f"“{plain_text(items[m[1]])}” → {plain_text(categories.get(m[2], m[2]))}"
    return f"“{label}”"


def _wrong_text(q: Question, label: str) -> str:
    return _md_text(wrong_words(q, label), 120)


# ---- students: who handed in what, names to check -------------------------------------------
def loose_key(name: str) -> str:
    """A name with case, accents, spaces and punctuation taken out: 'Ana Lopez', 'ana_lopez'
    and 'Ana-López' compare equal, since they differ only by those."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def is_generic_login(name: str) -> bool:
    key = loose_key(name)
    return key in GENERIC_LOGINS or bool(GENERIC_PATTERN.match(key))


@dataclass
class StudentRow:
    name: str                          # as written in the (first) submission, or the roster
    key: str
    lessons: dict[str, Any] = field(default_factory=dict)   # lesson -> Graded
    names: set[str] = field(default_factory=set)            # every spelling seen
    on_roster: bool | None = None                           # None: no roster given
    flags: list[str] = field(default_factory=list)


def students_view(run: GradingRun, roster: list[str] | None = None) -> list[StudentRow]:
    """One row per student (by the grader's student key), with the lessons they handed in and
    flags: a shared login, several spellings of one name, names that differ only by case or
    punctuation, and, when a roster (the names expected) is given, who is missing and who is
    not on it."""
    rows: dict[str, StudentRow] = {}
    for g in run.graded:
        name = g.submission.student
        row = rows.setdefault(student_key(name), StudentRow(name, student_key(name)))
        row.lessons[g.submission.lesson] = g
        row.names.add(name)
    if roster is not None:
        expected = {}
        for name in roster:
            if name.strip():
                expected.setdefault(student_key(name.strip()), name.strip())
        for row in rows.values():
            row.on_roster = row.key in expected
            if row.key in expected:
                row.name = expected[row.key]
        for key, name in expected.items():
            if key not in rows:
                rows[key] = StudentRow(name, key, on_roster=True)
                rows[key].flags.append("nothing handed in")
    by_loose: dict[str, list[StudentRow]] = {}
    for row in rows.values():
        by_loose.setdefault(loose_key(row.name), []).append(row)
    for row in rows.values():
        if row.names and any(is_generic_login(n) for n in row.names):
            row.flags.append("a shared login, not a name: ask who this is")
        if len(row.names) > 1:
            row.flags.append("handed in under " + ", ".join(f"“{n}”" for n in sorted(row.names))
                             + ": one student?")
        alike = [r.name for r in by_loose[loose_key(row.name)] if r is not row]
        if alike:
            row.flags.append("differs only by case, accents or punctuation from "
                             + ", ".join(f"“{n}”" for n in sorted(alike)) + ": one student?")
        if row.on_roster is False:
            row.flags.append("not on the roster")
    return sorted(rows.values(), key=lambda r: (r.key, r.name))


# ---- problems: one line per kind, however many files ------------------------------------------
_DETAIL = re.compile(r"'[^']*'|\"[^\"]*\"|\([^()]*\)|\d[\d,.:+-]*")


@dataclass
class IssueGroup:
    level: str
    question: str
    reason: str                 # the first file's reason, as it was
    files: list[str]


def group_issues(issues: list[Issue]) -> list[IssueGroup]:
    """Issues of one kind (same level, question and reason, up to the names, numbers and
    dates in it) as one group listing the files, in the order first met."""
    groups: dict[tuple, IssueGroup] = {}
    for issue in issues:
        key = (issue.level, issue.question, _DETAIL.sub("…", issue.reason))
        group = groups.setdefault(key, IssueGroup(issue.level, issue.question, issue.reason, []))
        group.files.append(issue.file)
    return list(groups.values())


def files_text(files: list[str], show: int = 3) -> str:
    names = [Path(f).name or f for f in files]
    if len(names) <= show:
        return ", ".join(names)
    return f"{', '.join(names[:show])} and {len(names) - show} more"


def chart_lesson(lesson: str, info: dict, path: Path) -> Path:
    """A bar per question: the share of points earned, hardest highlighted (course style)."""
    import matplotlib.pyplot as plt

    from ..charts import OKABE_ITO, finish, new_figure

    items = [i for i in info["items"] if i["facility"] is not None]
    names = [i["question"].id for i in items]
    values = [i["facility"] * 100 for i in items]
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
        hardest = min(items, key=lambda i: i["facility"])
        title = (f"{lesson}: {hardest['question'].id} was the hardest "
                 f"(facility {hardest['facility']:.0%}: share of its points earned)")
    else:
        title = f"{lesson}: no auto-scored questions"
    title = textwrap.fill(title, 60)  # long question ids must not run off the figure
    ax.set_xticks(range(0, 101, 20))
    finish(fig, ax, title, xlabel=f"Facility: share of points earned (%), "
                                  f"{_n(info['n'], 'student')}",
           ylabel="")
    ax.text(0, -0.16 - 0.3 / height, "Red: under 40% · orange: 40–69% · blue: 70% or more",
            transform=ax.transAxes, fontsize=8, color="#555555")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _student_lines(run: GradingRun, analysis: dict, view: list[StudentRow],
                   roster: list[str] | None, written_name: str) -> list[str]:
    """The per-student section: who handed in what, each lesson's points, flags."""
    lessons = sorted(analysis)
    lines = ["## Students: who handed in what", ""]
    if roster is not None:
        missing = [r for r in view if r.on_roster and not r.lessons]
        extra = [r for r in view if r.on_roster is False]
        lines.append(f"The roster names {_n(sum(1 for r in view if r.on_roster), 'student')}: "
                     f"{len(missing)} handed in nothing"
                     + (f" ({', '.join(_md_text(r.name, 40) for r in missing)})" if missing
                        else "")
                     + f", and {_n(len(extra), 'name')} handed in work but "
                     f"{'is' if len(extra) == 1 else 'are'} not on it.")
        for lesson in lessons:
            absent = [r for r in view if r.on_roster and lesson not in r.lessons]
            if absent and len(absent) < len([r for r in view if r.on_roster]):
                lines.append(f"- Missing **{lesson}**: "
                             f"{', '.join(_md_text(r.name, 40) for r in absent)}.")
        lines.append("")
    lines += ["Each cell: the auto-scored points of that lesson's exercise set, out of the points "
              "possible; *w* marks written answers still to grade (scores go in "
              f"`{written_name}`); – means not handed in.", ""]
    lines += ["| Student | " + " | ".join(lessons) + " | Check |",
              "|---|" + "---:|" * len(lessons) + "---|"]
    for row in view:
        cells = []
        for lesson in lessons:
            g = row.lessons.get(lesson)
            if g is None:
                cells.append("–")
                continue
            to_grade = sum(1 for i in g.items if i.status == "written")
            cells.append(f"{g.points:.2f}".rstrip("0").rstrip(".")
                         + f" / {analysis[lesson]['possible']:g}" + (" *w*" if to_grade else ""))
        lines.append(f"| {_md_text(row.name, 40)} | " + " | ".join(cells)
                     + f" | {_md_text('; '.join(row.flags), 200) or '–'} |")
    lines.append("")
    return lines


def write_report(run: GradingRun, folder: Path, paths: dict[str, Path] | None = None,
                 roster: list[str] | None = None) -> Path:
    """report.md (summary, students, item table, common wrong answers) and one PNG chart per
    lesson. `roster`, the names of the students expected, adds who is missing."""
    from .. import __version__

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    analysis = item_analysis(run)
    view = students_view(run, roster)
    students = {student_key(g.submission.student) for g in run.graded}
    failed = run.failed_files
    errors_name = paths["errors"].name if paths else "the errors file"
    written_name = paths["written"].name if paths else "the written answers file"
    rubric_name = paths["rubric"].name if paths and "rubric" in paths else "the rubric file"
    lines = ["# Grading report", "",
             f"Graded with pactlab {__version__} on "
             f"{_dt.datetime.now().strftime('%d %B %Y, %H:%M')}.", "", "## Summary", ""]
    lines.append(f"- **{_n(len(run.graded), 'submission file')}** graded, from "
                 f"**{_n(len(students), 'student')}**, in {_n(len(analysis), 'lesson')}.")
    if failed:
        lines.append(f"- **{_n(len(failed), 'file')} could not be graded** (see *Problems* "
                     f"below, and `{errors_name}` for each file). Ask those students for a new "
                     "export.")
    flagged = [r for r in view if r.flags and r.lessons]
    if flagged:
        lines.append(f"- **{_n(len(flagged), 'name')} to check** (shared logins, names that "
                     "differ only by case, accents or punctuation, names not on the roster): see "
                     "*Students* below.")
    flagged_hard, flagged_disc, misconceptions = [], [], []
    for lesson, info in analysis.items():
        if not info["n"]:
            continue
        totals, possible = info["totals"], info["possible"] or 1
        mean = _mean(totals)
        lines.append(f"- **{lesson}** ({info['bank'].title}): {_n(info['n'], 'student')}; "
                     f"mean {mean:.1f} of {possible:g} auto-scored points ({mean / possible:.0%}),"
                     f" median {_median(totals):.1f}, range {min(totals):.1f}–{max(totals):.1f}.")
        for it in info["items"]:
            q = it["question"]
            if it["facility"] is not None and it["facility"] < 0.4:
                flagged_hard.append(f"`{q.id}` ({it['facility']:.0%})")
            pb = it["point_biserial"]
            if pb is not None and pb < 0.1 and info["n"] >= 10:
                flagged_disc.append(f"`{q.id}` ({pb:+.2f})")
            if it["wrong"]:
                label, count = it["wrong"][0]
                share = count / info["n"]
                if share >= 0.2:
                    fb = q.feedback_map.get(label, "")
                    misconceptions.append(f"`{q.id}`: {share:.0%} chose "
                                          f"{_wrong_text(q, label)}"
                                          + (f". {_md_text(fb, 300)}" if fb else ""))
        if info["written"]:
            lines.append(f"- {_n(len(info['written']), 'written question')} in {lesson} to "
                         f"grade by hand: the answers are in `{written_name}`, the rubrics in "
                         f"`{rubric_name}`.")
    if flagged_hard:
        lines.append(f"- **Hard questions** (facility under 40%: the class earned under 40% of "
                     f"their points): {', '.join(flagged_hard)}. Worth going over in class.")
    if flagged_disc:
        lines.append(f"- **Check these questions** (they hardly separate stronger from weaker "
                     f"students, item–rest correlation under 0.10): {', '.join(flagged_disc)}. "
                     "Look at the wording and the key.")
    if misconceptions:
        lines.append("- **Misconceptions to discuss** (a wrong answer given by 20% or more):")
        lines += [f"  - {m}" for m in misconceptions]
    if any(0 < info["n"] < 20 for info in analysis.values()):
        lines.append("- With fewer than 20 students, facility and discrimination are rough "
                     "guides only.")
    lines.append("")
    groups = group_issues([i for i in run.issues if i.level != "skipped"] +
                          [i for i in run.issues if i.level == "skipped"])
    if groups:
        lines += ["## Problems", "",
                  f"Each kind of problem once, with the files it concerns (every file and its "
                  f"exact reason are in `{errors_name}`). *Error*: the file was not graded; "
                  "*warning*: it was graded, with this note.", ""]
        for grp in groups:
            where = f" `{_md_text(grp.question, 60)}`" if grp.question else ""
            lines.append(f"- **{grp.level}**{where}, {_n(len(grp.files), 'file')} "
                         f"({_md_text(files_text(grp.files), 200)}): "
                         f"{_md_text(grp.reason, 400)}")
        lines.append("")
    lines += _student_lines(run, analysis, view, roster, written_name)
    for lesson, info in analysis.items():
        lines += [f"## {lesson}: {info['bank'].title}", ""]
        if info["items"] and info["n"]:
            png = chart_lesson(lesson, info, folder / f"{lesson}.png")
            lines += [f"![Facility of each question in {lesson}]({png.name})", "",
                      f"*Facility of each question of {lesson}: the share of its points "
                      f"earned by {_n(info['n'], 'student')}. The lower the bar, the harder the "
                      "question.*", ""]
        lines += ["| Question | Type | Points | Answered | Facility | Item–rest r "
                  "| Upper–lower | Most given wrong answers |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for it in info["items"]:
            q = it["question"]
            wrong = "; ".join(f"{_wrong_text(q, label)} ×{count}" for label, count in it["wrong"])
            lines.append(f"| `{q.id}` | {q.kind} | {q.points:g} | {it['answered']}/{it['n']} "
                         f"| {_fmt(it['facility'], True)} | {_fmt(it['point_biserial'])} "
                         f"| {_fmt(it['upper_lower'])} | {wrong or '–'} |")
        for q in info["written"]:
            lines.append(f"| `{q.id}` | written | {q.points:g} | – | graded by hand | – | – | – |")
        lines.append("")
    lines += ["## How to read the numbers", "",
              "- **Facility** is the mean share of the question's points earned (partial "
              "credit counts): 90% is an easy question, 30% a hard one. (Some books call this "
              "the *difficulty index*, although a higher number means an easier question.)",
              "- **Item–rest r** is the correlation between the score on the question and the "
              "score on the rest of the lesson (the point-biserial correlation for right/wrong "
              "questions). Above 0.3 the question separates stronger from weaker students well; "
              "near 0 or negative, check its wording and its key.",
              "- **Upper–lower** is the facility among the best 27% of students minus the "
              "facility among the weakest 27% (ranked on the rest of the lesson): the same "
              "idea, easier to explain. Above 0.3 is good; near 0 or negative, check the "
              "question.",
              "- **Most given wrong answers** name the wrong options chosen (by their text, "
              "the option's id after it), the items put in the wrong place or category, or "
              "the wrong values typed, with how many students gave each.",
              "- Unanswered questions count as 0. Written answers are not in these numbers.",
              ""]
    report = folder / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report
