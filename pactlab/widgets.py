"""The question widgets: one ipywidgets view per question type, plus the progress summary.

Every view answers in two ways with one result: a click on Check reads the widget's state, and
`view.answer(value)` in code sets that state; both go through `Question.check`, save the answer
and show the feedback in an `ipywidgets.HTML` (never an Output widget: nbval mishandles those).

Where no kernel runs (GitHub, nbviewer, an HTML export) a view displays as static HTML, and its
`text/plain` form is one short stable line.
"""
from __future__ import annotations

import hashlib
import html
import json
import random
import time
import warnings
from typing import Any, Callable

import ipywidgets as w

from .questions import (AnswerError, Question, Result, feedback_html, inline_markup, one_line,
                        plain_text, points_text)
from .store import AnswerStore

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


# The course's widget styles, in a <style> element inside each question's header (an HTML widget:
# no JavaScript, works in JupyterLab, Notebook 7 and JupyterLite). Focus is always visible; long
# options wrap with normal line spacing; written answers use the text font; the inputs shrink
# with the window (200% zoom, 1280x720) instead of scrolling sideways.
STYLE = """<style>
.pactlab-question :focus-visible, .pactlab-progress :focus-visible {
  outline: 3px solid #1a5fb4 !important; outline-offset: 2px !important; }
.pactlab-question, .pactlab-progress { max-width: 100%; }
.pactlab-question .widget-hbox { flex-wrap: wrap; max-width: 100%; }
.pactlab-question .widget-radio-box label, .pactlab-question .widget-label-basic {
  height: auto !important; line-height: 1.45 !important; white-space: normal !important;
  overflow: visible !important; align-items: flex-start; margin: 0.15em 0; }
.pactlab-question .widget-radio-box label { display: grid !important;
  grid-template-columns: auto 1fr; column-gap: 0.4em; }
.pactlab-question .widget-radio-box label input { grid-row: 1; grid-column: 1;
  margin: 0.15em 0 0 0 !important; }
.pactlab-question .widget-label-basic input { margin-top: 0.25em; flex: none; }
.pactlab-question .widget-checkbox { height: auto; width: 100%; }
.pactlab-question .widget-radio-box-horizontal { flex-wrap: wrap; gap: 0 1.5em; }
.pactlab-match-choices { margin-left: 1em; }
.pactlab-question .widget-text, .pactlab-question .widget-textarea { max-width: 100%; }
.pactlab-question .widget-text > label.widget-label,
.pactlab-question .widget-textarea > label.widget-label { width: auto !important;
  padding-right: 0.5em; }
.pactlab-question textarea { font-family: var(--jp-content-font-family, sans-serif) !important;
  font-size: var(--jp-content-font-size1, 14px) !important; line-height: 1.5 !important; }
.pactlab-question .jupyter-button { max-width: 100%; }
.pactlab-sr-only { position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; }
.pactlab-stale { border: 2px dashed #5c5c5c; border-radius: 4px; padding: 0.2em 0.5em; }
</style>"""


def _short_prompt(q: Question, limit: int = 90) -> str:
    """The prompt's short form for accessible names: its first sentence, at most `limit`
    characters."""
    text = one_line(plain_text(q.prompt)).replace("*", "")
    first = text.split(". ")[0]
    text = first if len(first) >= 20 else text
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _label(visible: str, hidden: str = "") -> str:
    """A widget description (HTML allowed): visible words, plus words only screen readers get."""
    extra = f"<span class='pactlab-sr-only'> {html.escape(hidden)}</span>" if hidden else ""
    return f"{html.escape(visible)}{extra}"


def shuffled(keys: list[str], student: str, qid: str) -> list[str]:
    """`keys` in an order that is the same every time for one student and one question (so a
    restart shows the same order) and differs between students. Grading is by id, not place."""
    seed = hashlib.sha256(f"{student}\x00{qid}".encode("utf-8")).digest()
    order = list(keys)
    random.Random(seed).shuffle(order)
    return order


def _md(text: str) -> str:
    return "".join(f"<p style='margin:0.3em 0'>{inline_markup(p)}</p>"
                   for p in str(text).split("\n\n") if p.strip())


def _message_html(text: str, kind: str = "error") -> str:
    colour = {"error": "#a4262c", "info": "#1f3b5c", "warning": "#7a4a00"}[kind]
    mark = {"error": "✘ ", "info": "", "warning": "⚠ "}[kind]
    return (f"<div class='pactlab-{kind}' style='color:{colour};padding:0.2em 0;"
            f"line-height:1.45'>"
            f"{mark}{inline_markup(text)}</div>")


def _announce(body: str, urgent: bool) -> str:
    """Feedback in a live region: an element with role=alert is read out when it appears (after
    a click); role=status is read politely (answers given in code, restored answers)."""
    role = "alert" if urgent else "status"
    return f"<div role='{role}' aria-live='{'assertive' if urgent else 'polite'}'>{body}</div>"



class QuestionView:
    """The live widget of one question, bound to the answer store."""

    button_text = "Check"
    stale_note = ("Not checked yet: you changed your answer after this feedback. Press Check to "
                  "check the new one.")

    def __init__(self, question: Question, store: AnswerStore,
                 on_change: Callable[[], None] | None = None):
        self.question = question
        self.store = store
        self.on_change = on_change or (lambda: None)
        self.result: Result | None = None
        self.hints_shown = 0
        self._feedback_body = ""   # the last feedback shown, without the live-region wrapper
        self._checked_value: Any = None  # what the widget showed when that feedback was given
        self._stale = False
        self._busy = False
        q = question
        self.header = w.HTML(
            f"{STYLE}<div class='pactlab-prompt' style='line-height:1.45'>"
            f"<b>{html.escape(q.id)}</b> "
            f"<span style='color:#505050'>({html.escape(q.label)}, "
            f"{points_text(q.points)})</span>{_md(q.prompt)}</div>")
        self.inputs = self.build()
        self.button = w.Button(description=self.button_text, button_style="primary",
                               tooltip=f"{self.button_text} your answer to {q.id}")
        self.button.on_click(lambda _b: self.click())
        controls = [self.button]
        if q.hints:
            self.hint_button = w.Button(description="Hint",
                                        tooltip=f"Show a hint for {q.id}")
            self.hint_button.on_click(lambda _b: self.show_hint())
            controls.append(self.hint_button)
        self.hint_box = w.HTML("")
        self.feedback = w.HTML("")
        self.box = w.VBox([self.header, self.inputs, w.HBox(controls), self.hint_box,
                           self.feedback])
        self.box.add_class("pactlab-question")
        self.restore()
        self.watch(self._input_changed)

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

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever the student changes the input (overridden per type)."""

    # -- shared behaviour ---------------------------------------------------------------------
    def _show_feedback(self, body: str, urgent: bool = False) -> None:
        self._feedback_body = body
        self._stale = False
        self.feedback.value = _announce(body, urgent)

    def _input_changed(self) -> None:
        """Mark the feedback "not checked yet" when the input no longer shows what was
        checked; take the mark away when it does again."""
        if self._busy or not self._feedback_body or self.result is None:
            return
        stale = self._safe_read() != self._checked_value
        if stale == self._stale:
            return
        self._stale = stale
        if stale:
            note = _message_html(self.stale_note, "warning")
            self.feedback.value = _announce(
                f"{note}<div class='pactlab-stale' aria-label='Feedback on your earlier "
                f"answer'>{self._feedback_body}</div>", False)
        else:
            self.feedback.value = _announce(self._feedback_body, False)

    def _safe_read(self) -> Any:
        try:
            return self.read()
        except Exception:  # a half-built widget: compare as changed
            return object()

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
        self._busy = True  # showing the answer is not the student changing it
        try:
            self.show(result.answer)
        finally:
            self._busy = False
        self._checked_value = self._safe_read()
        self._show_feedback(note + feedback_html(result), urgent=source == "click")
        self.on_change()
        return result

    def click(self) -> None:
        """What the Check button does (and Enter in a text box)."""
        try:
            self._submit(self.read(), "click")
        except AnswerError as exc:
            self._show_feedback(_message_html(str(exc)), urgent=True)
            self.result = None

    def answer(self, value: Any, replace: bool = False) -> Result | None:
        """Answer in code, with the feedback a click gives. An answer that replays (Run All)
        never replaces a newer one given by clicking, unless `replace=True`. An invalid answer
        is explained in the widget and in one line of the cell's output, and returns None: it
        never stops the notebook."""
        try:
            return self._submit(value, "click" if replace else "code")
        except AnswerError as exc:
            self._show_feedback(_message_html(str(exc)))
            self.result = None
            print(f"✘ {self.question.id}: {exc}")
            return None

    def show_hint(self) -> None:
        self.hints_shown = min(self.hints_shown + 1, len(self.question.hints))
        hints = "".join(_message_html(f"Hint {n}: {h}", "info")
                        for n, h in enumerate(self.question.hints[:self.hints_shown], start=1))
        self.hint_box.value = _announce(hints, True)

    def restore(self) -> None:
        record = self.store.get(self.question.id)
        if not record:
            return
        try:
            result = self.question.check(record["answer"])
        except AnswerError as exc:
            self._show_feedback(_message_html(
                f"Your saved answer ({record['answer']!r}) no longer fits this question: {exc}",
                "warning"))
            return
        self.result = result
        self.show(result.answer)
        self._checked_value = self._safe_read()
        self._show_feedback(_message_html("Your saved answer was restored.", "info")
                            + feedback_html(result))

    # -- display ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return self.question.describe()

    def static_html(self) -> str:
        q = self.question
        # In JupyterLab (a question whose cell has not run yet) the sentence ends after
        # "to answer" (JupyterLab hides .jp-mod-hidden; HTML exports do not). Elsewhere (GitHub,
        # nbviewer, an HTML export) it says where to run it.
        return (f"<div class='pactlab-static'><p><b>{html.escape(q.id)}</b> "
                f"({html.escape(q.label)}, {points_text(q.points)})</p>{_md(q.prompt)}"
                f"{self.static_body()}<p><i>Run this cell (Shift+Enter) to answer<span "
                f"class='jp-mod-hidden'>, once this notebook is open in JupyterLab (this is a "
                f"static copy)</span>.</i></p></div>")

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


def _observe(widgets: list[w.Widget], callback: Callable[[], None]) -> None:
    for widget in widgets:
        widget.observe(lambda _change: callback(), names="value")


class ChoiceView(QuestionView):
    def build(self):
        order = shuffled(list(self.question.options), self.store.student, self.question.id)
        self.radio = w.RadioButtons(
            options=[(plain_text(self.question.options[k]), k) for k in order], value=None,
            layout=w.Layout(width="100%"))
        return self.radio

    def watch(self, callback):
        _observe([self.radio], callback)

    def read(self):
        return self.radio.value

    def show(self, answer):
        self.radio.value = answer

    def static_body(self):
        return _list_html(self.question.options)


class MultiView(QuestionView):
    def build(self):
        order = shuffled(list(self.question.options), self.store.student, self.question.id)
        # the option is the check box's own label (so clicking the text ticks it, and it is the
        # box's accessible name); the course's style lets it wrap instead of cutting it off
        self.boxes = {k: w.Checkbox(value=False, description=inline_markup(
                          self.question.options[k]), description_allow_html=True, indent=False,
                          layout=w.Layout(width="100%"))
                      for k in order}
        return w.VBox(list(self.boxes.values()))

    def watch(self, callback):
        _observe(list(self.boxes.values()), callback)

    def read(self):
        return [k for k in self.question.options if self.boxes[k].value]

    def show(self, answer):
        for k, box in self.boxes.items():
            box.value = k in answer

    def static_body(self):
        return _list_html(self.question.options)


class OrderView(QuestionView):
    """The items as a numbered list of radio buttons: choose one (click, or Tab and Space),
    then move it with Move up / Move down. Nothing is dragged, so it works by keyboard alone.
    The list starts shuffled (never already in the right order) and an untouched list is not
    checked."""

    def build(self):
        keys = list(self.question.items)
        self.order = shuffled(keys, self.store.student, self.question.id)
        key = self.question.key if self.question.graded else None
        if len(keys) > 1 and self.order == key:
            self.order = self.order[1:] + self.order[:1]
        self.touched = False
        self.pick = w.RadioButtons(options=[], value=None, layout=w.Layout(width="100%"))
        short = _short_prompt(self.question, 60)
        self.up = w.Button(description="Move up", icon="arrow-up",
                           tooltip=f"Move the chosen item one place up ({self.question.id})")
        self.down = w.Button(description="Move down", icon="arrow-down",
                             tooltip=f"Move the chosen item one place down ({self.question.id})")
        self.up.on_click(lambda _b: self.move(-1))
        self.down.on_click(lambda _b: self.move(+1))
        self.moved = w.HTML("")
        self._render()
        guide = w.HTML(f"<div style='line-height:1.45'>Choose an item, then move it."
                       f"<span class='pactlab-sr-only'> {html.escape(short)}</span></div>")
        return w.VBox([guide, self.pick, w.HBox([self.up, self.down]), self.moved])

    def _render(self):
        chosen = self.pick.value
        self.pick.options = [(f"{n}. {plain_text(self.question.items[k])}", k)
                             for n, k in enumerate(self.order, start=1)]
        self.pick.value = chosen

    def _say(self, text: str) -> None:
        self.moved.value = _announce(f"<div style='color:#505050'>{html.escape(text)}</div>",
                                     False)

    def move(self, step: int) -> None:
        """Move the chosen item `step` places (-1 up, +1 down). The buttons are never disabled
        (a disabled button would drop the keyboard focus); at an end they say so."""
        chosen = self.pick.value
        if chosen not in self.order:
            self._say("Choose an item first, then move it.")
            return
        pos = self.order.index(chosen)
        other = pos + step
        text = plain_text(self.question.items[chosen])
        if not 0 <= other < len(self.order):
            self._say(f"Already {'first' if step < 0 else 'last'}: {text}")
            return
        self.order[pos], self.order[other] = self.order[other], self.order[pos]
        self.touched = True
        self._render()
        self._say(f"Moved to place {other + 1} of {len(self.order)}: {text}")
        self._input_changed()

    def click(self):
        if not self.touched:
            self._show_feedback(_message_html(
                "Move the items into order first (choose one, then Move up or Move down): the "
                "list starts in a shuffled order, which is not an answer. Nothing was saved."),
                urgent=True)
            return
        super().click()

    def read(self):
        return list(self.order)

    def show(self, answer):
        self.order = list(answer)
        self.touched = True
        self._render()

    def static_body(self):
        return "<p>Put these in order:</p>" + _list_html(self.question.items)


class MatchView(QuestionView):
    """Each item with its categories as a row of radio buttons (click, or Tab and Space). Not a
    drop-down menu: in JupyterLab the arrow keys and most letters pressed on a menu act on the
    notebook (next cell, change cell type) instead of choosing."""

    def build(self):
        cats = [(plain_text(t), k) for k, t in self.question.categories.items()]
        order = shuffled(list(self.question.items), self.store.student, self.question.id)
        self.drops = {}
        rows = []
        for n, k in enumerate(order, start=1):
            self.drops[k] = w.RadioButtons(options=cats, value=None, orientation="horizontal",
                                           layout=w.Layout(width="100%"))
            self.drops[k].add_class("pactlab-match-choices")
            rows.append(w.HTML(
                f"<div class='pactlab-match-item' style='line-height:1.45;margin-top:0.4em'>"
                f"<span class='pactlab-sr-only'>Item {n} of {len(order)}: </span>"
                f"{inline_markup(self.question.items[k])}</div>"))
            rows.append(self.drops[k])
        return w.VBox(rows)

    def watch(self, callback):
        _observe(list(self.drops.values()), callback)

    def read(self):
        return {k: self.drops[k].value for k in self.question.items}

    def show(self, answer):
        for k, d in self.drops.items():
            d.value = answer.get(k)

    def static_body(self):
        return ("<p>Categories:</p>" + _list_html(self.question.categories)
                + "<p>Items:</p>" + _list_html(self.question.items))


class TextEntryView(QuestionView):
    placeholder = "type your answer"

    def build(self):
        unit = self.question.spec.get("unit")
        self.text = w.Text(value="", placeholder=self.question.spec.get("placeholder",
                                                                        self.placeholder),
                           description=_label("Your answer", f"to {self.question.id}: "
                                              f"{_short_prompt(self.question)}"),
                           description_allow_html=True, style={"description_width": "auto"},
                           layout=w.Layout(width="min(100%, 32em)"))
        # Enter checks (ipywidgets sends "submit" on Enter; its on_submit warns that it is
        # deprecated in favour of continuous_update=False, which would also check on leaving
        # the box)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.text.on_submit(lambda _t: self._enter())
        self._entered_at = None
        return w.HBox([self.text, w.HTML(inline_markup(unit))]) if unit else self.text

    def _enter(self):
        self._entered_at = time.monotonic()
        self.click()

    def _typed(self):
        # The browser sends "Enter" at once but may hold back the last keystrokes' value while
        # the kernel is busy (ipywidgets' message throttle), so that value can arrive just after
        # the check: then check again, with what the student actually typed.
        if self._busy:
            return
        if self._entered_at is not None and time.monotonic() - self._entered_at < 1.0 \
                and self.text.value != self._checked_value:
            self._entered_at = None
            self.click()
            return
        self._input_changed()

    def watch(self, callback):
        self.text.observe(lambda _c: self._typed(), names="value")

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


def word_count_text(text: str) -> str:
    n = len(text.split())
    return f"{n} word" if n == 1 else f"{n:,} words"


class WrittenView(QuestionView):
    button_text = "Submit"
    stale_note = ("Not submitted yet: you edited your answer after submitting it. Press Submit "
                  "to save the new version; until then your teacher sees the earlier one.")

    def build(self):
        self.text = w.Textarea(value="", placeholder="Write your answer here.", rows=8,
                               description=_label("Your answer", f"to {self.question.id}: "
                                                  f"{_short_prompt(self.question)}"),
                               description_allow_html=True,
                               style={"description_width": "auto"},
                               layout=w.Layout(width="96%"))
        self.text.add_class("pactlab-written")
        minimum = int(self.question.spec.get("min_words", 0))
        self._minimum = f" (at least {minimum})" if minimum else ""
        self.count = w.HTML("")
        self._count()
        self.text.observe(lambda _c: self._count(), names="value")
        return w.VBox([self.text, self.count])

    def _count(self):
        self.count.value = (f"<div style='color:#505050'>{word_count_text(self.text.value)}"
                            f"{self._minimum}</div>")

    def watch(self, callback):
        _observe([self.text], callback)

    def read(self):
        return self.text.value

    def show(self, answer):
        self.text.value = answer

    def _safe_read(self):
        return self.text.value.strip()


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
        self.html.add_class("pactlab-progress-text")
        from .store import hub_user

        on_hub = hub_user() is not None
        self.export_name = w.Text(value=lesson.store.student, description="Your name",
                                  style={"description_width": "auto"},
                                  placeholder="your name or student id", disabled=on_hub,
                                  tooltip="Your JupyterHub user name" if on_hub else "",
                                  layout=w.Layout(width="20em"))
        self.export_button = w.Button(description="Export submission", icon="download",
                                      tooltip="Write this notebook's answers to a file to hand in",
                                      layout=w.Layout(width="auto"))
        self.export_button.on_click(lambda _b: self.export())
        self.export_status = w.HTML("")
        self.box = w.VBox([w.HTML(STYLE), self.html, w.HBox([self.export_name, self.export_button]),
                           self.export_status])
        self.box.add_class("pactlab-progress")
        self.refresh()

    def export(self, folder=None):
        """What Export submission does: write `<lesson>__<student>.pactlab.json` into the
        current folder (or `folder`) and show where. Returns the path, or None on failure."""
        from pathlib import Path

        from .store import hub_user
        from .submission import export, export_note

        name = hub_user() or self.export_name.value.strip() or None
        try:
            path, handed_in = export(self.lesson.store, folder if folder is not None
                                     else Path.cwd(), student=name)
        except (OSError, ValueError) as exc:
            self.export_status.value = _announce(_message_html(
                f"The submission could not be written ({getattr(exc, 'strerror', None) or exc})."
                " Ask your instructor, or run `pactlab submit` in a terminal."), True)
            return None
        count = len(self.lesson.store.answers)
        if handed_in:  # on a hub with an exchange: the teacher collects it from there
            self.export_status.value = _announce(_message_html(
                f"Handed in {count} answer{'s' if count != 1 else ''} as {name}. Your teacher "
                "collects it; press again to hand in a newer version.", "info"), True)
            return path
        note, link = export_note(path)  # where to find it; in the browser edition, how to download
        self.export_status.value = _announce(_message_html(
            f"Saved {count} answer{'s' if count != 1 else ''} as `{path.name}` in "
            f"`{path.parent}`. {note}", "info") + link, True)
        return path

    def refresh(self) -> None:
        s = self.lesson.summary()
        parts = [f"<b>Progress</b>: {s['answered']} of {s['questions']} answered"]
        if s["graded"]:
            parts.append(f"{s['correct']} correct")
            parts.append(f"{s['points']:g} of {points_text(s['possible'])}")
        text = ", ".join(parts) + "."
        warn = "".join(_message_html(m, "warning") for m in self.lesson.store.warnings)
        where = ("kept in memory only" if self.lesson.store.in_memory
                 else f"saved in <code>{html.escape(str(self.lesson.store.path))}</code>")
        self.html.value = (f"<div role='status' style='padding:0.3em 0'>{text}<br>"
                           f"<small>Answers are {where}</small></div>{warn}")

    def __repr__(self) -> str:
        return f"Progress for {self.lesson.name}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": repr(self),
                "text/html": f"<p><b>Progress</b> for {html.escape(self.lesson.name)} "
                             "(live when run in JupyterLab)</p>",
                WIDGET_MIME: {"version_major": 2, "version_minor": 0,
                              "model_id": self.box.model_id}}
