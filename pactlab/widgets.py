"""The question widgets: one ipywidgets view per question type, plus the progress summary.

Every view answers in two ways with one result: a click on Check reads the widget's state, and
`view.answer(value)` in code sets that state; both go through `Question.check`, save the answer
and show the feedback in an `ipywidgets.HTML` (never an Output widget: nbval mishandles those).

Where no kernel runs (GitHub, nbviewer, an HTML export) a view displays as static HTML, and its
`text/plain` form is one short stable line.
"""
from __future__ import annotations

import html
import json
from typing import Any, Callable

import ipywidgets as w

from .questions import (AnswerError, Question, Result, feedback_html, inline_markup, plain_text,
                        points_text)
from .store import AnswerStore

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _md(text: str) -> str:
    return "".join(f"<p style='margin:0.3em 0'>{inline_markup(p)}</p>"
                   for p in str(text).split("\n\n") if p.strip())


def _message_html(text: str, kind: str = "error") -> str:
    colour = {"error": "#a4262c", "info": "#1f3b5c", "warning": "#8a5300"}[kind]
    return (f"<div class='pactlab-{kind}' style='color:{colour};padding:0.2em 0;"
            f"line-height:1.45'>"
            f"{inline_markup(text)}</div>")


class QuestionView:
    """The live widget of one question, bound to the answer store."""

    button_text = "Check"

    def __init__(self, question: Question, store: AnswerStore,
                 on_change: Callable[[], None] | None = None):
        self.question = question
        self.store = store
        self.on_change = on_change or (lambda: None)
        self.result: Result | None = None
        self.hints_shown = 0
        q = question
        self.header = w.HTML(
            f"<div class='pactlab-prompt' style='line-height:1.45'><b>{html.escape(q.id)}</b> "
            f"<span style='color:#555'>({html.escape(q.label)}, {points_text(q.points)})</span>"
            f"{_md(q.prompt)}</div>")
        self.inputs = self.build()
        self.button = w.Button(description=self.button_text, button_style="primary",
                               tooltip=f"{self.button_text} your answer to {q.id}")
        self.button.on_click(lambda _b: self.click())
        controls = [self.button]
        if q.hints:
            self.hint_button = w.Button(description="Hint", tooltip="Show a hint")
            self.hint_button.on_click(lambda _b: self.show_hint())
            controls.append(self.hint_button)
        self.hint_box = w.HTML("")
        self.feedback = w.HTML("")
        self.box = w.VBox([self.header, self.inputs, w.HBox(controls), self.hint_box,
                           self.feedback])
        self.box.add_class("pactlab-question")
        self.restore()

    # -- type-specific parts (overridden) -----------------------------------------------------
    def build(self) -> w.Widget:
        raise NotImplementedError

    def read(self) -> Any:
        """The answer as the widget shows it now."""
        raise NotImplementedError

    def show(self, answer: Any) -> None:
        """Make the widget show a (parsed) answer."""
        raise NotImplementedError

    def static_body(self) -> str:
        return ""

    # -- shared behaviour ---------------------------------------------------------------------
    def _submit(self, value: Any, source: str) -> Result:
        result = self.question.check(value)  # raises AnswerError: nothing saved
        outcome = self.store.save(self.question.id, result.answer, source=source)
        note = ""
        if outcome == "kept":
            kept = self.store.get(self.question.id)
            note = _message_html(
                f"Your newer answer, given with {self.button_text}, is kept: this cell's code "
                f"gives an older one ({_short(result.answer)}), so it was not saved. To use the "
                f"code's answer anyway, run `course.question(\"{self.question.id}\")"
                f".answer(..., replace=True)`.", "warning")
            result = self.question.check(kept["answer"])
        self.result = result
        self.show(result.answer)
        self.feedback.value = note + feedback_html(result)
        self.on_change()
        return result

    def click(self) -> None:
        """What the Check button does."""
        try:
            self._submit(self.read(), "click")
        except AnswerError as exc:
            self.feedback.value = _message_html(str(exc))

    def answer(self, value: Any, replace: bool = False) -> Result | None:
        """Answer in code, with the feedback a click gives. An answer that replays (Run All)
        never replaces a newer one given by clicking, unless `replace=True`. An invalid answer
        is explained in the widget and in one line of the cell's output, and returns None: it
        never stops the notebook."""
        try:
            return self._submit(value, "click" if replace else "code")
        except AnswerError as exc:
            self.feedback.value = _message_html(str(exc))
            print(f"✘ {self.question.id}: {exc}")
            return None

    def show_hint(self) -> None:
        self.hints_shown = min(self.hints_shown + 1, len(self.question.hints))
        self.hint_box.value = "".join(
            _message_html(f"Hint {n}: {h}", "info")
            for n, h in enumerate(self.question.hints[:self.hints_shown], start=1))

    def restore(self) -> None:
        record = self.store.get(self.question.id)
        if not record:
            return
        try:
            result = self.question.check(record["answer"])
        except AnswerError as exc:
            self.feedback.value = _message_html(
                f"Your saved answer ({record['answer']!r}) no longer fits this question: {exc}",
                "warning")
            return
        self.result = result
        self.show(result.answer)
        self.feedback.value = (_message_html("Your saved answer was restored.", "info")
                               + feedback_html(result))

    # -- display ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return self.question.describe()

    def static_html(self) -> str:
        q = self.question
        return (f"<div class='pactlab-static'><p><b>{html.escape(q.id)}</b> "
                f"({html.escape(q.label)}, {points_text(q.points)})</p>{_md(q.prompt)}"
                f"{self.static_body()}<p><i>Open this notebook in JupyterLab and run it to "
                f"answer.</i></p></div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": repr(self), "text/html": self.static_html(),
                WIDGET_MIME: {"version_major": 2, "version_minor": 0,
                              "model_id": self.box.model_id}}


def _short(answer: Any, limit: int = 60) -> str:
    text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    return "`" + (text if len(text) <= limit else text[:limit - 1] + "…").replace("`", "'") + "`"


def _list_html(items: dict[str, str]) -> str:
    """Options or items with their ids (the values `.answer(...)` takes in code)."""
    rows = "".join(f"<li><code>{html.escape(k)}</code>: {inline_markup(t)}</li>"
                   for k, t in items.items())
    return f"<ul style='list-style:none;padding-left:0.5em'>{rows}</ul>"


class ChoiceView(QuestionView):
    def build(self):
        self.radio = w.RadioButtons(
            options=[(plain_text(t), k) for k, t in self.question.options.items()], value=None,
            layout=w.Layout(width="100%"))
        return self.radio

    def read(self):
        return self.radio.value

    def show(self, answer):
        self.radio.value = answer

    def static_body(self):
        return _list_html(self.question.options)


class MultiView(QuestionView):
    def build(self):
        # the label is an HTML beside the box: a Checkbox's own description is cut off with "…"
        self.boxes = {k: w.Checkbox(value=False, description="", indent=False,
                                    tooltip=plain_text(t), layout=w.Layout(width="2em"))
                      for k, t in self.question.options.items()}
        return w.VBox([w.HBox([box, w.HTML(f"<span style='line-height:1.45'>"
                                           f"{inline_markup(self.question.options[k])}</span>")])
                       for k, box in self.boxes.items()])

    def read(self):
        return [k for k, box in self.boxes.items() if box.value]

    def show(self, answer):
        for k, box in self.boxes.items():
            box.value = k in answer

    def static_body(self):
        return _list_html(self.question.options)


class OrderView(QuestionView):
    def build(self):
        self.order = list(self.question.items)
        self.list_box = w.VBox()
        self._render()
        return self.list_box

    def _render(self):
        rows = []
        for pos, key in enumerate(self.order):
            text = self.question.items[key]
            up = w.Button(description="↑", tooltip=f"Move up: {text}",
                          layout=w.Layout(width="2.5em"), disabled=pos == 0)
            down = w.Button(description="↓", tooltip=f"Move down: {text}",
                            layout=w.Layout(width="2.5em"), disabled=pos == len(self.order) - 1)
            up.on_click(lambda _b, p=pos: self._move(p, -1))
            down.on_click(lambda _b, p=pos: self._move(p, +1))
            rows.append(w.HBox([up, down, w.HTML(f"{pos + 1}. {inline_markup(text)}")]))
        self.list_box.children = rows

    def _move(self, pos: int, step: int):
        other = pos + step
        if 0 <= other < len(self.order):
            self.order[pos], self.order[other] = self.order[other], self.order[pos]
            self._render()

    def read(self):
        return list(self.order)

    def show(self, answer):
        self.order = list(answer)
        self._render()

    def static_body(self):
        return "<p>Put these in order:</p>" + _list_html(self.question.items)


class MatchView(QuestionView):
    def build(self):
        cats = [("choose…", None)] + [(plain_text(t), k)
                                      for k, t in self.question.categories.items()]
        # index 0 is the "choose…" entry (value None); value=None would show an empty box
        self.drops = {k: w.Dropdown(options=cats, index=0, layout=w.Layout(width="16em"))
                      for k in self.question.items}
        rows = [w.HBox([d, w.HTML(inline_markup(self.question.items[k]))])
                for k, d in self.drops.items()]
        return w.VBox(rows)

    def read(self):
        return {k: d.value for k, d in self.drops.items()}

    def show(self, answer):
        for k, d in self.drops.items():
            if answer.get(k) is None:
                d.index = 0
            else:
                d.value = answer[k]

    def static_body(self):
        return ("<p>Categories:</p>" + _list_html(self.question.categories)
                + "<p>Items:</p>" + _list_html(self.question.items))


class TextEntryView(QuestionView):
    placeholder = "type your answer"

    def build(self):
        unit = self.question.spec.get("unit")
        self.text = w.Text(value="", placeholder=self.question.spec.get("placeholder",
                                                                        self.placeholder))
        return w.HBox([self.text, w.HTML(inline_markup(unit))]) if unit else self.text

    def read(self):
        return self.text.value

    def show(self, answer):
        if isinstance(answer, list):
            answer = ", ".join(str(a) for a in answer)
        self.text.value = str(answer)


class NumberView(TextEntryView):
    placeholder = "a number"


class DateView(TextEntryView):
    placeholder = "e.g. 7 March 2025"


class DataView(TextEntryView):
    placeholder = "type it, or answer in code below"


class WrittenView(QuestionView):
    button_text = "Submit"

    def build(self):
        self.text = w.Textarea(value="", placeholder="Write your answer here.", rows=8,
                               layout=w.Layout(width="96%"))
        return self.text

    def read(self):
        return self.text.value

    def show(self, answer):
        self.text.value = answer


VIEWS: dict[str, type[QuestionView]] = {
    "choice": ChoiceView, "multi": MultiView, "order": OrderView, "match": MatchView,
    "number": NumberView, "date": DateView, "text": TextEntryView, "data": DataView,
    "written": WrittenView,
}


def make_view(question: Question, store: AnswerStore, on_change=None) -> QuestionView:
    return VIEWS[question.kind](question, store, on_change)


class ProgressView:
    """A live summary of one notebook's questions: answered, correct, points."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.html = w.HTML("")
        from .store import hub_user

        on_hub = hub_user() is not None
        self.export_name = w.Text(value=lesson.store.student, description="Your name",
                                  placeholder="your name or student id", disabled=on_hub,
                                  tooltip="Your JupyterHub user name" if on_hub else "",
                                  layout=w.Layout(width="20em"))
        self.export_button = w.Button(description="Export submission", icon="download",
                                      tooltip="Write this notebook's answers to a file to hand in",
                                      layout=w.Layout(width="auto"))
        self.export_button.on_click(lambda _b: self.export())
        self.export_status = w.HTML("")
        self.box = w.VBox([self.html, w.HBox([self.export_name, self.export_button]),
                           self.export_status])
        self.box.add_class("pactlab-progress")
        self.refresh()

    def export(self, folder=None):
        """What Export submission does: write `<lesson>__<student>.pactlab.json` into the
        current folder (or `folder`) and show where. Returns the path, or None on failure."""
        from pathlib import Path

        from .submission import export_note, write_submission

        from .store import hub_user

        name = hub_user() or self.export_name.value.strip() or None
        try:
            path = write_submission(self.lesson.store, folder if folder is not None
                                    else Path.cwd(), student=name)
        except OSError as exc:
            self.export_status.value = _message_html(
                f"The submission could not be written ({exc.strerror or exc}). Ask your "
                "instructor, or run `pactlab submit` in a terminal.")
            return None
        count = len(self.lesson.store.answers)
        note, link = export_note(path)  # where to find it; in the browser edition, how to download
        self.export_status.value = _message_html(
            f"Saved {count} answer{'s' if count != 1 else ''} as `{path.name}` in "
            f"`{path.parent}`. {note}", "info") + link
        return path

    def refresh(self) -> None:
        s = self.lesson.summary()
        parts = [f"<b>Progress</b>: {s['answered']} of {s['questions']} answered"]
        if s["graded"]:
            parts.append(f"{s['correct']} correct")
            parts.append(f"{s['points']:g} of {s['possible']:g} points")
        text = " · ".join(parts)
        warn = "".join(_message_html(m, "warning") for m in self.lesson.store.warnings)
        where = ("kept in memory only" if self.lesson.store.in_memory
                 else f"saved in <code>{html.escape(str(self.lesson.store.path))}</code>")
        self.html.value = (f"<div style='padding:0.3em 0'>{text}<br>"
                           f"<small>Answers are {where}</small></div>{warn}")

    def __repr__(self) -> str:
        return f"Progress for {self.lesson.name}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": repr(self),
                "text/html": f"<p><b>Progress</b> for {html.escape(self.lesson.name)} "
                             "(live when run in JupyterLab)</p>",
                WIDGET_MIME: {"version_major": 2, "version_minor": 0,
                              "model_id": self.box.model_id}}
