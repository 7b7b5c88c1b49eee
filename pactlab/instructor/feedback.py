"""`pactlab feedback`: one page per student (HTML) to give back after grading.

Each page has, for every lesson the student handed in, every exercise question with the
student's answer, the points it earned, the feedback for that answer, the right answer and its
explanation; for written answers, the score and the comment the teacher typed into the
written-answers file of `pactlab grade` (and the rubric). Everything a student sent is escaped:
a page never runs or shows markup from a submission.
"""
from __future__ import annotations

import csv
import datetime as _dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..questions import AnswerError, Question, inline_markup, plain_text, points_text
from ..store import safe_name
from .results import _answer_text, _num, output_paths, read_written_scores, rubric_levels
from .scoring import Graded, GradingRun, Item
from .submissions import Issue, student_key

STATUS_WORDS = {"correct": "Right", "partial": "Partly right", "wrong": "Not right",
                "invalid": "Could not be read as an answer", "unanswered": "Not answered",
                "written": "Written answer"}


@dataclass
class WrittenScore:
    score: float | None
    comment: str
    answer: str = ""    # the answer the score was given to


@dataclass
class Page:
    student: str
    lessons: list[Graded] = field(default_factory=list)


def answer_lines(q: Question, answer: Any) -> list[str]:
    """A student's answer as plain lines a person reads: option texts, not ids."""
    if answer is None:
        return []
    if q.kind in ("choice", "multi"):
        chosen = answer if isinstance(answer, list) else [answer]
        return [plain_text(q.options.get(str(a), str(a))) for a in chosen]
    if q.kind == "order" and isinstance(answer, list):
        return [f"{n}. {plain_text(q.items.get(str(a), str(a)))}"
                for n, a in enumerate(answer, start=1)]
    if q.kind == "match" and isinstance(answer, dict):
        return [f"{plain_text(q.items.get(str(i), str(i)))} → "
                f"{plain_text(q.categories.get(str(c), str(c)))}" for i, c in answer.items()]
    return [_answer_text(answer)]


def read_written(path: Path | None, run: GradingRun) -> dict[tuple, WrittenScore]:
    """Scores and comments typed into the written-answers file, by (student key, lesson,
    question). A score that is not a number from 0 to the question's points is reported and
    left out."""
    if path is None or not path.exists():
        return {}
    try:
        rows = read_written_scores(path)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        run.issues.append(Issue(str(path), "error", f"could not read the written scores ({exc}):"
                                " the pages show written answers as not graded yet"))
        return {}
    out = {}
    for key, row in rows.items():
        text = row.get("score", "").strip()
        value = None
        if text:
            try:
                value = float(text)
                possible = float(row.get("points_possible") or "nan")
                if not 0 <= value <= possible:
                    raise ValueError
            except ValueError:
                run.issues.append(Issue(str(path), "error", f"line {row['line']}: the score "
                                        f"{text[:20]!r} is not a number from 0 to "
                                        f"{row.get('points_possible', '?')}: left out of "
                                        "the page", row["question"]))
                value = None
        out[key] = WrittenScore(value, row.get("comment", "").strip(),
                                row.get("answer", ""))
    return out


def _p(text: str) -> str:
    """Course text (prompts, explanations: trusted Markdown-lite) as HTML paragraphs."""
    return "".join(f"<p>{inline_markup(line.strip())}</p>" for line in str(text).split("\n")
                   if line.strip())


def _student_text(lines: list[str]) -> str:
    """Text a student sent, escaped, line breaks kept."""
    if not lines:
        return "<p class='none'>(no answer)</p>"
    return "".join(f"<p class='answer'>{html.escape(line)}</p>" for line in lines)


def _feedback_lines(q: Question, item: Item) -> list[str]:
    """The feedback the notebook gives for this answer, without its heading and hint."""
    if item.status not in ("partial", "wrong"):
        return []
    try:
        result = q.check(item.answer)
    except (AnswerError, TypeError, ValueError):
        return []
    return [line for line in result.feedback.split("\n")[1:]
            if line.strip() and not line.startswith("Hint:") and line != q.explanation]


def _question_html(n: int, q: Question, item: Item, written: WrittenScore | None,
                   run: GradingRun) -> tuple[str, float | None]:
    """One question's block, and the points it counts (None: a written answer not graded)."""
    prompt = inline_markup(" ".join(q.prompt.split()))
    parts = [f"<h3><span class='num'>{n}.</span> {prompt}</h3>"]
    answer = answer_lines(q, item.answer)
    if item.status == "written":
        points = None
        comment = ""
        if written is not None and written.score is not None:
            if written.answer != _answer_text(item.answer):
                run.issues.append(Issue(item.file, "warning", "the written answer changed after "
                                        "it was scored: shown as not graded yet; score it again",
                                        q.id))
            else:
                points = written.score
        if written is not None:
            comment = written.comment
        score = ("not graded yet" if points is None
                 else f"{_num(points)} of {points_text(q.points)}")
        status = "written" if points is None else ("correct" if points >= q.points else
                                                   "partial" if points > 0 else "wrong")
        parts.append(f"<p class='score {status}'>{html.escape(score)}</p>")
        parts.append("<h4>Your answer</h4>")
        text = item.answer if isinstance(item.answer, str) else _answer_text(item.answer)
        parts.append(f"<div class='written'>{html.escape(text) if text else '(no answer)'}</div>")
        if comment:
            parts += ["<h4>Your teacher's comment</h4>",
                      f"<div class='comment'>{html.escape(comment)}</div>"]
        rubric = (q.secret or {}).get("rubric", "")
        if rubric:
            parts += ["<h4>What the rubric looks for</h4>",
                      "<ul class='rubric'>" + "".join(f"<li>{inline_markup(level)}</li>"
                                                      for level in rubric_levels(rubric))
                      + "</ul>"]
        return f"<li class='question {status}'>{''.join(parts)}</li>", points
    points = (item.score or 0.0) * item.possible
    status = item.status
    parts.append(f"<p class='score {status}'>{html.escape(STATUS_WORDS.get(status, status))}: "
                 f"{_num(points)} of {points_text(q.points)}</p>")
    parts += ["<h4>Your answer</h4>", _student_text(answer)]
    lines = _feedback_lines(q, item)
    if lines:
        parts += ["<h4>About your answer</h4>", "".join(_p(line) for line in lines)]
    if status != "correct" and q.graded:
        parts += ["<h4>The answer</h4>",
                  "".join(_p(line) for line in q.describe_key() if line.strip())]
    if q.explanation:
        parts += ["<h4>Why</h4>", _p(q.explanation)]
    return f"<li class='question {status}'>{''.join(parts)}</li>", points


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #f6f7f9; margin: 0; line-height: 1.5; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #d0d7de; padding-bottom: 0.2rem;
     margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0 0 0.3rem; font-weight: 600; }
h4 { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.03em; color: #555;
     margin: 0.7rem 0 0.1rem; }
p { margin: 0.2rem 0; }
.meta, .none { color: #555; }
.total { font-size: 1.1rem; }
ol.questions { list-style: none; padding: 0; }
li.question { border: 1px solid #d0d7de; border-left: 6px solid #8c959f; border-radius: 4px;
              padding: 0.7rem 0.9rem; margin: 0.8rem 0; overflow-wrap: anywhere; }
li.correct { border-left-color: #1e7b34; } li.partial { border-left-color: #b36b00; }
li.wrong, li.invalid, li.unanswered { border-left-color: #a4262c; }
.score { font-weight: 600; } .score.correct { color: #1e7b34; } .score.partial { color: #8a5300; }
.score.wrong, .score.invalid, .score.unanswered { color: #a4262c; }
.written, .comment { white-space: pre-wrap; background: #f6f8fa; padding: 0.5rem 0.7rem;
                     border-radius: 4px; }
.comment { background: #eef4ff; border-left: 3px solid #2f6fde; }
.num { color: #555; }
code { background: #f0f0f0; padding: 0 0.2em; border-radius: 3px; }
"""


def render_page(page: Page, run: GradingRun, written: dict[tuple, WrittenScore]) -> str:
    key = student_key(page.student)
    name = html.escape(page.student)
    body = [f"<h1>Feedback for {name}</h1>",
            f"<p class='meta'>Graded on {_dt.date.today().strftime('%d %B %Y')}. For each "
            "question: your answer, the points it earned, and why.</p>"]
    for g in sorted(page.lessons, key=lambda g: g.submission.lesson):
        lesson = g.submission.lesson
        bank = run.banks[lesson]
        blocks, earned, possible, pending = [], 0.0, 0.0, 0
        for n, item in enumerate(g.items, start=1):
            q = bank[item.question]
            block, points = _question_html(n, q, item, written.get((key, lesson, q.id)), run)
            blocks.append(block)
            if points is None:
                pending += 1
            else:
                earned += points
                possible += q.points
        total = f"{_num(earned)} of {points_text(possible)}"
        if pending:
            total += (f", with {pending} written answer{'s' if pending > 1 else ''} not graded "
                      "yet")
        body += [f"<section><h2>{html.escape(lesson)}: {html.escape(bank.title)}</h2>",
                 f"<p class='total'><b>{html.escape(total)}</b></p>",
                 f"<ol class='questions'>{''.join(blocks)}</ol></section>"]
    return ("<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Feedback for {name}</title><style>{STYLE}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def write_feedback(run: GradingRun, out: Path, grades: Path | None = None) -> list[Path]:
    """One HTML page per student into `out`, named after the student (file-safe). `grades`
    is the grades CSV of `pactlab grade`: its written-answers file gives the written scores and
    comments."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = read_written(output_paths(Path(grades))["written"] if grades else None, run)
    pages: dict[str, Page] = {}
    for g in run.graded:
        pages.setdefault(student_key(g.submission.student),
                         Page(g.submission.student)).lessons.append(g)
    written_files = []
    for key in sorted(pages):
        page = pages[key]
        path = out / f"{safe_name(page.student)}.html"
        path.write_text(render_page(page, run, written), encoding="utf-8")
        written_files.append(path)
    return written_files
