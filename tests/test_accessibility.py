"""Accessibility of the question widgets, checked without a browser (the browser test runs
axe-core and a keyboard-only pass): contrast of every colour the widgets write, labels that
carry the prompt, feedback in live regions, meaning never by colour alone, the per-student
option order, and the student-facing wording of issue-style frictions (stale feedback, hints,
partial credit, untouched ordering questions, word counts, chart alternative text)."""
from __future__ import annotations

import re

import pytest

import pactlab
from pactlab import widgets
from pactlab.bank import load_bank
from pactlab.questions import TYPES, feedback_html, share_text

LESSON = "00_start_here"


@pytest.fixture
def answers(tmp_path, monkeypatch):
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(tmp_path / "answers"))
    monkeypatch.setenv("PACTLAB_STUDENT", "ada")
    return tmp_path / "answers"


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("status", ["correct", "partial", "wrong", "saved", "submitted"])
def test_feedback_text_meets_4_5_to_1_and_carries_a_mark(status):
    from pactlab.questions import Result

    html = feedback_html(Result("q", status, None, None, 1, "✔ Correct.\nWhy."))
    bg = re.search(r"background:(#[0-9a-f]{6})", html)[1]
    fg = re.search(r";color:(#[0-9a-f]{6})", html)[1]
    assert contrast(fg, bg) >= 4.5, (status, fg, bg)


@pytest.mark.parametrize("kind", ["error", "info", "warning"])
def test_messages_meet_4_5_to_1_on_white_and_errors_say_so_in_words_or_marks(kind):
    html = widgets._message_html("Something", kind)
    fg = re.search(r"color:(#[0-9a-f]{6})", html)[1]
    assert contrast(fg, "#ffffff") >= 4.5
    if kind != "info":
        assert html.count("✘") + html.count("⚠") == 1  # not by colour alone


def test_every_result_starts_with_a_mark_and_a_word_not_only_a_colour():
    bank = load_bank(LESSON)
    q = bank["start-multi"]
    for answer, start in ((q.key, "✔ Correct."), (["kcna"], "◐ Partly right"),
                          (["nhk"], "✘ Not quite.")):
        assert q.check(answer).feedback.startswith(start)


def test_focus_outline_and_secondary_text_meet_3_to_1_and_4_5_to_1():
    outline = re.search(r"outline: 3px solid (#[0-9a-f]{6})", widgets.STYLE)[1]
    assert contrast(outline, "#ffffff") >= 3
    assert contrast("#505050", "#ffffff") >= 4.5  # the "(single choice, 1 point)" text
    assert ":focus-visible" in widgets.STYLE


def _views(answers):
    course = pactlab.start(LESSON)
    return {q.kind: course.question(q.id) for q in course.bank.part(None)}


def test_the_start_here_bank_has_every_type(answers):
    assert set(_views(answers)) == set(TYPES)


def test_single_inputs_are_labelled_with_the_question_and_its_prompt(answers):
    views = _views(answers)
    for kind in ("number", "date", "text", "data", "written"):
        view = views[kind]
        label = view.text.description
        assert view.text.description_allow_html
        assert label.startswith("Your answer")
        assert view.question.id in label and "pactlab-sr-only" in label
        assert widgets._short_prompt(view.question)[:20] in label.replace("&#x27;", "'")
    match = views["match"]  # each item's text, then its categories as radio buttons
    rows = match.inputs.children
    for n, (item, choices) in enumerate(match.drops.items()):
        assert match.question.items[item].replace("'", "&#x27;") in rows[2 * n].value.replace(
            "'", "&#x27;") or match.question.items[item] in rows[2 * n].value
        assert rows[2 * n + 1] is choices
        assert [label for label, _k in choices.options] == list(
            match.question.categories.values())
    multi = views["multi"]
    for k, box in multi.boxes.items():  # the option is the box's own label
        assert box.description == widgets.inline_markup(multi.question.options[k])


def test_feedback_is_in_a_live_region_alert_after_a_click_status_from_code(answers):
    views = _views(answers)
    choice = views["choice"]
    choice.radio.value = choice.question.key
    choice.click()
    assert choice.feedback.value.startswith("<div role='alert' aria-live='assertive'>")
    views["text"].answer("Pyongyang")
    assert views["text"].feedback.value.startswith("<div role='status' aria-live='polite'>")
    choice.show_hint()
    assert "role='alert'" in choice.hint_box.value and "Hint 1" in choice.hint_box.value


def test_progress_is_one_sentence_of_text_in_a_status_region(answers):
    course = pactlab.start(LESSON)
    text = course.progress().html.value
    assert "role='status'" in text
    assert re.search(r"Progress</b>: 0 of 9 answered, 0 correct, 0 of 8 points\.", text)
    assert "·" not in text


def test_a_changed_answer_marks_feedback_not_checked_yet_and_undoing_clears_it(answers):
    views = _views(answers)
    number = views["number"]
    number.text.value = "23"
    number.click()
    assert "Not checked yet" not in number.feedback.value
    number.text.value = "24"
    assert "Not checked yet" in number.feedback.value
    assert "pactlab-stale" in number.feedback.value
    number.text.value = "23"
    assert "Not checked yet" not in number.feedback.value
    written = views["written"]
    written.text.value = "one two three four five six seven eight nine ten"
    written.click()
    written.text.value += " eleven"
    assert "Not submitted yet" in written.feedback.value


def test_enter_in_a_text_box_checks(answers):
    number = _views(answers)["number"]
    number.text.value = "23"
    number.text._handle_string_msg(None, {"event": "submit"}, None)  # what Enter sends
    assert number.result is not None and number.result.correct


def test_enter_checks_what_was_typed_when_the_last_keys_arrive_after_it(answers):
    text = _views(answers)["text"]
    text.text.value = "Pyongya"  # the browser held back the last two keystrokes
    text.text._handle_string_msg(None, {"event": "submit"}, None)
    assert text.result is not None and not text.result.correct
    text.text.value = "Pyongyang"  # ... and sends them just after Enter
    assert text.result.correct
    assert text.store.get(text.question.id)["answer"] == "Pyongyang"
    text.text.value = "Pyongyang!"  # later typing is not checked by itself
    assert text.result.answer == "Pyongyang" and "Not checked yet" in text.feedback.value


def test_word_count_is_live_and_singular_for_one_word(answers):
    written = _views(answers)["written"]
    assert "0 words" in written.count.value
    written.text.value = "Pyongyang"
    assert "1 word" in written.count.value and "1 words" not in written.count.value
    written.text.value = "two words"
    assert "2 words" in written.count.value


def test_hints_are_not_appended_to_wrong_answers():
    bank = load_bank(LESSON)
    q = bank["start-number"]
    assert q.hints
    assert "Hint" not in q.check("21").feedback
    assert q.hints[0] not in q.check("21").feedback


def test_partial_credit_reads_as_a_share_of_points():
    assert share_text(1, 3) == "1 of 3 points"
    assert share_text(1.5, 2) == "1.5 of 2 points"
    assert share_text(1 / 3, 1) == "1/3 of 1 point"
    q = load_bank(LESSON)["start-order"]
    feedback = q.check(["sign", "force", "duma", "putin"]).feedback
    assert "0.25 of 1 point" in feedback and "0.3333" not in feedback


def test_no_drop_down_menus_whose_keys_jupyterlab_takes(answers):
    import ipywidgets as w

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    for view in _views(answers).values():
        assert not [x for x in walk(view.box) if isinstance(x, (w.Dropdown, w.Select))]


def test_an_untouched_ordering_question_earns_nothing(answers):
    view = _views(answers)["order"]
    view.click()
    assert view.result is None
    assert "Nothing was saved" in view.feedback.value
    assert view.store.get(view.question.id) is None
    view.pick.value = view.order[1]
    view.up.click()  # one move: now it is an answer
    view.click()
    assert view.result is not None


@pytest.mark.parametrize("student", ["ada", "grace", "linus", "tim", "ken"])
def test_option_order_is_per_student_stable_and_ordering_never_starts_solved(answers, student):
    first = pactlab.start(LESSON, student=student)
    again = pactlab.start(LESSON, student=student)  # a restart
    order = first.question("start-order")
    assert order.order == again.question("start-order").order
    assert order.order != order.question.key
    choice = first.question("start-choice")
    assert [v for _l, v in choice.radio.options] == [
        v for _l, v in again.question("start-choice").radio.options]


def test_option_order_differs_between_students_and_keeps_every_option():
    keys = list("abcdefgh")
    orders = {tuple(widgets.shuffled(keys, f"student-{n}", "q")) for n in range(20)}
    assert len(orders) > 10
    assert all(sorted(o) == keys for o in orders)
    assert widgets.shuffled(keys, "a", "q1") != widgets.shuffled(keys, "a", "q2") or \
        widgets.shuffled(keys, "a", "q3") != widgets.shuffled(keys, "a", "q1")


def test_grading_is_by_id_whatever_the_order(answers):
    a = pactlab.start(LESSON, student="ada").question("start-choice")
    b = pactlab.start(LESSON, student="zoe").question("start-choice")
    a.radio.value = a.question.key
    b.radio.value = b.question.key
    a.click()
    b.click()
    assert a.result.correct and b.result.correct


def test_unrun_question_says_run_this_cell_and_the_static_view_says_where(answers):
    html = _views(answers)["choice"].static_html()
    assert "Run this cell (Shift+Enter) to answer" in html
    # JupyterLab hides jp-mod-hidden; a static view shows where to run it
    assert re.search(r"<span class='jp-mod-hidden'>[^<]*JupyterLab[^<]*</span>", html)


def test_charts_carry_alternative_text_in_their_output_metadata():
    from IPython.core.formatters import DisplayFormatter

    from pactlab.charts import style

    fig, ax = style.new_figure()
    ax.plot([1, 2], [3, 4])
    style.finish(fig, ax, "Counts rise", "year", "count")
    _data, metadata = DisplayFormatter().format(fig)
    assert metadata["image/png"]["alt"].startswith("Chart: Counts rise. Horizontal axis: year.")
    style.describe(fig, "A line rising from 3 in year 1\n to 4 in year 2.")
    _data, metadata = DisplayFormatter().format(fig)
    assert metadata["image/png"]["alt"] == "A line rising from 3 in year 1 to 4 in year 2."
