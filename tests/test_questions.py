"""Every question type: correct, wrong, partial and invalid answers, checked without widgets."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pactlab.bank import decode_secret, encode_secret
from pactlab.instructor.masters import compile_master, strip_secrets
from pactlab.questions import AnswerError, make_question, normalise_text, parse_date


def q(spec, **secret):
    public = {"id": "t1", "prompt": "A prompt", **spec}
    return make_question(public, secret or None)


CHOICE = dict(type="choice", options={"a": "Alpha", "b": "Beta", "c": "Gamma"})


def test_choice_right_wrong_and_feedback_per_option():
    question = q(CHOICE, answer="b", explanation="Because B.", feedback={"a": "A confuses X."})
    right = question.check("b")
    assert right.status == "correct" and right.points == 1 and "Because B." in right.feedback
    wrong = question.check("a")
    assert wrong.status == "wrong" and wrong.points == 0
    assert "A confuses X." in wrong.feedback and "Because B." not in wrong.feedback


def test_choice_accepts_option_text_and_rejects_unknown():
    question = q(CHOICE, answer="b")
    assert question.check("  beta ").answer == "b"
    with pytest.raises(AnswerError, match="'z' is not an option.*'a', 'b', 'c'"):
        question.check("z")
    with pytest.raises(AnswerError, match="No option chosen"):
        question.check(None)


def test_multi_partial_credit_and_penalty():
    question = q(dict(type="multi", options={"a": "A", "b": "B", "c": "C", "d": "D"}, points=2),
                 answer=["a", "b"], feedback={"c": "C is a trap."})
    assert question.check(["a", "b"]).points == 2
    half = question.check(["a"])
    assert half.status == "partial" and half.points == 1 and "left out 1" in half.feedback
    cancelled = question.check(["a", "c"])
    assert cancelled.points == 0 and "C is a trap." in cancelled.feedback
    assert question.check(["a", "c", "d"]).points == 0  # never negative
    assert question.check("b, a").answer == ["a", "b"]  # typed list, option order kept
    with pytest.raises(AnswerError):
        question.check(["a", "x"])
    with pytest.raises(AnswerError, match="Nothing selected"):
        question.check([])
    with pytest.raises(AnswerError, match="list of option ids"):
        question.check(3)


def test_ordering_share_in_place_and_invalid():
    question = q(dict(type="order", items={"x": "X", "y": "Y", "z": "Z", "w": "W"}),
                 answer=["w", "x", "y", "z"])
    assert question.check(["w", "x", "y", "z"]).status == "correct"
    partial = question.check(["w", "x", "z", "y"])
    assert partial.status == "partial" and partial.score == pytest.approx(0.5)
    assert "2 of 4 items" in partial.feedback
    with pytest.raises(AnswerError, match="exactly once"):
        question.check(["w", "x", "y"])
    with pytest.raises(AnswerError):
        question.check(["w", "x", "y", "y"])
    with pytest.raises(AnswerError, match="not an option"):
        question.check(["w", "x", "y", "q"])


def test_matching_partial_and_unplaced_items():
    question = q(dict(type="match", items={"i1": "one", "i2": "two", "i3": "three"},
                      categories={"p": "P", "s": "S"}),
                 answer={"i1": "p", "i2": "s", "i3": "s"}, feedback={"i3": "Three is S."})
    assert question.check({"i1": "p", "i2": "s", "i3": "s"}).status == "correct"
    partial = question.check({"i1": "p", "i2": "s", "i3": "p"})
    assert partial.status == "partial" and partial.score == pytest.approx(2 / 3)
    assert "Three is S." in partial.feedback
    with pytest.raises(AnswerError, match="Place every item"):
        question.check({"i1": "p", "i2": None, "i3": "s"})
    with pytest.raises(AnswerError, match="not an option"):
        question.check({"i1": "p", "i2": "s", "i3": "nope"})


def test_number_tolerance_formats_and_direction_feedback():
    question = q(dict(type="number"), answer={"value": 397, "tolerance": 0},
                 feedback={"low": "Too low.", "high": "Too high."})
    assert question.check("397").status == "correct"
    assert question.check(397.0).status == "correct"
    assert question.check(np.int64(397)).status == "correct"
    assert "Too low." in question.check(300).feedback
    assert "Too high." in question.check("1,000").feedback
    loose = q(dict(type="number"), answer={"value": 10, "tolerance": 0.5})
    assert loose.check("10.4").status == "correct" and loose.check("10.6").status == "wrong"
    for bad in ["abc", "", True, "inf"]:
        with pytest.raises(AnswerError):
            question.check(bad)


@pytest.mark.parametrize("text", ["2024-12-04", "4 December 2024", "December 4, 2024",
                                  "4 Dec 2024", "4th December 2024", "2024-12-4"])
def test_date_accepted_formats(text):
    assert parse_date(text) == dt.date(2024, 12, 4)


def test_date_unambiguous_slash_and_rejections():
    assert parse_date("19/06/2024") == dt.date(2024, 6, 19)
    assert parse_date(pd.Timestamp("2024-06-19")) == dt.date(2024, 6, 19)
    with pytest.raises(AnswerError, match="ambiguous"):
        parse_date("04/05/2024")
    with pytest.raises(AnswerError, match="not a real date"):
        parse_date("2024-02-30")
    with pytest.raises(AnswerError, match="not a date I can read"):
        parse_date("next Tuesday")


def test_date_question_tolerance_and_feedback():
    question = q(dict(type="date"), answer={"value": "2024-12-04", "tolerance_days": 1},
                 feedback={"early": "Earlier than that is the signing."})
    assert question.check("5 December 2024").status == "correct"
    wrong = question.check("2024-06-19")
    assert wrong.status == "wrong" and "signing" in wrong.feedback
    assert "too late" in question.check("2025-01-01").feedback


def test_short_text_variants_case_space_and_known_wrong():
    question = q(dict(type="text"), answer=["Pyongyang", "P'yŏngyang"],
                 feedback={"moscow": "Not Moscow."})
    for ok in ["pyongyang", "  PYONGYANG. ", "P’yŏngyang"]:
        assert question.check(ok).status == "correct", ok
    assert "Not Moscow." in question.check("Moscow").feedback
    with pytest.raises(AnswerError):
        question.check("   ")
    with pytest.raises(AnswerError, match="takes text"):
        question.check(5)


def test_normalise_text():
    assert normalise_text("  Kim  Il–Sung\u00a0Square ") == "kim il-sung square"


def test_data_question_numbers_series_and_lists():
    number = q(dict(type="data", answer_type="number"), answer={"value": 3})
    series = pd.Series([1, 2, 3])
    assert number.check(series.max()).status == "correct"
    assert number.check(pd.Series([3])).status == "correct"
    with pytest.raises(AnswerError, match="one number"):
        number.check(series)
    listed = q(dict(type="data", answer_type="list"), answer={"value": ["China", "Japan"]})
    assert listed.check(pd.Index(["japan", "China"])).status == "correct"
    assert listed.check("China, Japan").status == "correct"
    assert listed.check(["China"]).status == "wrong"
    ordered = q(dict(type="data", answer_type="list"),
                answer={"value": ["a", "b"], "compare": "ordered"})
    assert ordered.check(["b", "a"]).status == "wrong"
    text = q(dict(type="data", answer_type="text"), answer={"value": "condemn"})
    assert text.check(pd.Series(["Condemn"]).iloc[0]).status == "correct"
    with pytest.raises(AnswerError, match="not a dict"):
        text.check({"a": 1})


def test_written_is_saved_not_scored_and_shows_rubric():
    question = q(dict(type="written", min_words=3), rubric="2 points: names the source.")
    result = question.check("The article misquotes Shapps.")
    assert result.status == "submitted" and result.score is None
    assert "names the source" in result.feedback
    with pytest.raises(AnswerError, match="at least 3"):
        question.check("Too short")


def test_assessment_mode_saves_without_feedback():
    question = q(CHOICE)  # no secret
    result = question.check("a")
    assert result.status == "saved" and result.score is None
    assert "after your instructor has graded" in result.feedback
    with pytest.raises(AnswerError):
        question.check("z")


def test_unknown_type_and_inconsistent_definitions_are_rejected():
    with pytest.raises(ValueError, match="unknown type 'essay'"):
        make_question({"id": "x", "prompt": "p", "type": "essay"}, None)
    with pytest.raises(ValueError, match="not an option"):
        q(CHOICE, answer="d")
    with pytest.raises(ValueError, match="every item once"):
        q(dict(type="order", items={"a": "A", "b": "B"}), answer=["a"])


def test_secret_round_trip_and_no_plain_key_in_compiled_bank():
    secret = {"answer": "Pyongyang", "explanation": "The capital."}
    encoded = encode_secret(secret)
    assert "Pyongyang" not in encoded and decode_secret(encoded) == secret
    master = {"lesson": "x", "title": "X", "questions": [
        {"id": "x1", "type": "text", "prompt": "City?", "answer": ["Pyongyang"],
         "explanation": "The capital city.", "part": "exercises"},
        {"id": "x2", "type": "text", "prompt": "Self-check", "answer": ["Moscow"],
         "part": "lesson"}]}
    compiled = compile_master(master)
    text = str(compiled)
    assert "Pyongyang" not in text and "capital city" not in text
    stripped = strip_secrets(compiled)
    # graded exercise questions lose their keys; a lesson's self-check stays practice
    assert [("secret" in q) for q in stripped["questions"]] == [False, True]
    assert stripped["assessment"] is True
    with pytest.raises(ValueError, match="cannot be decoded"):
        decode_secret("pk1:!!!notbase64", "bank.json")


def test_compile_master_reports_where_the_problem_is():
    master = {"lesson": "x", "title": "X", "questions": [
        {"id": "x1", "type": "choice", "prompt": "p", "options": {"a": "A", "b": "B"},
         "answer": "c"}]}
    with pytest.raises(ValueError, match=r"m\.yaml, question 1 \(x1\).*not an option"):
        compile_master(master, "m.yaml")
    master["questions"].append(dict(master["questions"][0], answer="a"))
    master["questions"][0]["answer"] = "a"
    with pytest.raises(ValueError, match="duplicate id 'x1'"):
        compile_master(master, "m.yaml")


def test_objectives_are_kept_and_a_question_may_only_name_one_of_them():
    master = {"lesson": "x", "title": "X", "objectives": {"o1": "date the visit"},
              "questions": [{"id": "q1", "type": "number", "prompt": "How many?",
                             "answer": {"value": 3}, "objective": "o1"}]}
    compiled = compile_master(master, "x.yaml")
    assert compiled["objectives"] == {"o1": "date the visit"}
    assert compiled["questions"][0]["objective"] == "o1"
    master["questions"][0]["objective"] = ["o1", "o2"]
    with pytest.raises(ValueError, match=r"x.yaml, question 1 \(q1\): field 'objective' names "
                                         r"'o2', which is not one of the lesson's objectives"):
        compile_master(master, "x.yaml")


def test_choice_credit_for_a_defensible_alternative():
    spec = {"id": "stance", "type": "choice", "prompt": "Code the stance.",
            "options": {"a": "condemn", "b": "concern", "c": "neutral"}}
    secret = {"answer": "a", "credit": {"b": 0.5},
              "feedback": {"b": "Defensible: the text also voices concern."}}
    q = make_question(spec, secret)
    result = q.check("b")
    assert result.status == "partial" and result.score == 0.5
    assert "Defensible" in result.feedback
    assert q.check("c").status == "wrong" and q.check("a").status == "correct"
    with pytest.raises(ValueError, match="credit names 'a'"):
        make_question(spec, {"answer": "a", "credit": {"a": 0.5}})
    with pytest.raises(ValueError, match="between 0 and 1"):
        make_question(spec, {"answer": "a", "credit": {"b": 1}})
    compiled = compile_master({"lesson": "x", "title": "X",
                               "questions": [dict(spec, part="exercises", **secret)]}, "x.yaml")
    assert "credit" not in compiled["questions"][0]  # packed into the secret, like the key
