"""Question types: what a question is, how an answer is read and how it is checked.

This module is pure Python (no widgets, no pandas). The widgets in `pactlab.widgets`, the answer
store and the grader all call `Question.check`, so an answer earns the same score and the same
feedback whether it was clicked, typed in code or read from a submission file.

A question is built from one entry of a compiled bank (see `pactlab.bank`): the public fields
(id, type, prompt, options...) plus the decoded `secret` (answer, explanation, feedback, rubric).
Without a secret (an assessment release) a question still validates and saves answers, but says
that feedback comes after grading.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any


class AnswerError(ValueError):
    """An answer that cannot be checked: wrong type, unknown option, malformed date..."""


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer.

    status is "correct", "partial", "wrong", "saved" (no key available: assessment mode) or
    "submitted" (a written answer, graded by a person). score is a fraction 0..1, or None when
    the answer is not auto-graded.
    """

    question_id: str
    status: str
    score: float | None
    points: float | None
    points_possible: float
    feedback: str
    answer: Any = None

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:  # short and stable: nbval compares it
        return self.feedback

    def _repr_html_(self) -> str:
        return feedback_html(self)


def feedback_html(result: Result) -> str:
    """Feedback as HTML, coloured by status (used by the widget and by `Result`)."""
    colours = {
        "correct": ("#e6f4ea", "#1e7b34"),
        "partial": ("#fff4e0", "#8a5300"),
        "wrong": ("#fdecea", "#a4262c"),
    }
    bg, fg = colours.get(result.status, ("#eef2f7", "#1f3b5c"))
    paragraphs = "".join(f"<p style='margin:0.2em 0'>{inline_markup(p)}</p>"
                         for p in result.feedback.split("\n") if p.strip())
    return (f"<div class='pactlab-feedback pactlab-{result.status}' "
            f"style='background:{bg};color:{fg};padding:0.4em 0.7em;border-radius:4px;"
            f"line-height:1.45'>"
            f"{paragraphs}</div>")


def inline_markup(text: str) -> str:
    """Escape text for HTML and render `code`, **bold** and *italic* (all a prompt needs)."""
    import html

    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*(?!\w)", r"<i>\1</i>", out)
    return out


def plain_text(text: str) -> str:
    """The text of a prompt or option without its `code`/**bold** marks (for widget labels)."""
    return re.sub(r"\*\*([^*]+)\*\*|`([^`]+)`", lambda m: m[1] or m[2], str(text))


def one_line(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def points_text(points: float) -> str:
    value = f"{points:g}"
    return f"{value} point" if value == "1" else f"{value} points"


def share_text(earned: float, possible: float) -> str:
    """Points earned as a person reads them: "1 of 3 points", "1.5 of 2 points", "1/3 of 1
    point" (never 0.3333)."""
    from fractions import Fraction

    if abs(earned * 100 - round(earned * 100)) < 1e-6:
        return f"{round(earned, 2):g} of {points_text(possible)}"
    share = Fraction(earned).limit_denominator(24)
    return f"{share.numerator}/{share.denominator} of {points_text(possible)}"


def normalise_text(value: str) -> str:
    """Case-, accent-width-, dash- and whitespace-insensitive form of a short text answer."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u02bc`]", "'", text)
    text = re.sub(r"[\u201c\u201d]", '"', text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?\"'")


# --------------------------------------------------------------------------------------------
class Question:
    """Base class. Subclasses set `kind` and implement `parse` and `score`."""

    kind = ""
    label = ""

    def __init__(self, spec: dict, secret: dict | None):
        self.id: str = spec["id"]
        self.prompt: str = spec["prompt"]
        self.points: float = float(spec.get("points", 1))
        self.hints: list[str] = list(spec.get("hints", []))
        self.part: str | None = spec.get("part")
        self.spec = spec
        self.secret = secret
        self.validate_spec()

    # -- definition -------------------------------------------------------------------------
    @property
    def graded(self) -> bool:
        return self.secret is not None

    @property
    def explanation(self) -> str:
        return (self.secret or {}).get("explanation", "")

    @property
    def feedback_map(self) -> dict:
        return (self.secret or {}).get("feedback", {}) or {}

    @property
    def key(self) -> Any:
        if self.secret is None:
            raise LookupError(f"Question {self.id!r} has no answer key (assessment release).")
        return self.secret["answer"]

    #: False for answers that a person grades (written answers)
    auto_scored = True

    def validate_spec(self) -> None:
        """Raise ValueError when the bank entry is inconsistent (checked when a bank loads)."""

    def key_answer(self) -> Any:
        """An answer built from the key that must earn full marks (checked when a bank is
        compiled, so a key of the wrong shape is found by the author, not by the students)."""
        return self.key

    # -- how instructors' tools speak of this type ---------------------------------------------
    def describe_key(self) -> list[str]:
        """The key as Markdown lines, for the answer key page."""
        return [f"**Answer:** {self.key}"]

    def feedback_label(self, key: str) -> str:
        """What a feedback key of this question means, for the answer key page."""
        names = {"low": "too low", "high": "too high", "early": "too early",
                 "late": "too late", "otherwise": "any other wrong answer"}
        return names.get(key, f"“{key}”")

    def option_text(self, label: str) -> str | None:
        """The text of an option a wrong answer chose (types with options only)."""
        return None

    def wrong_labels(self, answer: Any) -> list[str]:
        """How a wrong answer is counted in the item analysis: the value given."""
        return [answer if isinstance(answer, str) else
                json.dumps(answer, ensure_ascii=False)]

    def check_key(self) -> None:
        """Raise ValueError unless the key, given as an answer, scores full marks."""
        if self.secret is None or not self.auto_scored:
            return
        try:
            result = self.check(self.key_answer())
        except (AnswerError, TypeError, KeyError, ValueError, OverflowError) as exc:
            raise ValueError(f"question {self.id!r}: its own answer key is not a valid answer "
                             f"({exc})") from None
        if result.status != "correct":
            raise ValueError(f"question {self.id!r}: its own answer key scores "
                             f"{result.score:.0%}, not full marks: check 'answer'")

    def _number_key(self, field: str = "value", integer: bool = False) -> None:
        """Check that the key is {value: number, tolerance: number >= 0} (or an int field)."""
        key = self.key
        example = "{value: 23, tolerance: 0}"
        if not isinstance(key, dict) or field not in key:
            raise ValueError(f"question {self.id!r}: 'answer' must be a mapping like {example}, "
                             f"not {key!r}")
        tol_name = "tolerance_days" if integer else "tolerance"
        tol = key.get(tol_name, 0)
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0 \
                or (integer and not isinstance(tol, int)):
            raise ValueError(f"question {self.id!r}: answer.{tol_name} must be a "
                             f"{'whole ' if integer else ''}number 0 or more, not {tol!r}")
        unknown = sorted(set(key) - {field, tol_name, "compare"})
        if unknown:
            raise ValueError(f"question {self.id!r}: unknown field(s) in 'answer': "
                             f"{', '.join(unknown)}")

    def describe(self) -> str:
        return f"Question {self.id} ({self.label}, {points_text(self.points)})"

    # -- answers ----------------------------------------------------------------------------
    def parse(self, value: Any) -> Any:
        """Turn a raw answer (from a widget or from code) into its canonical JSON form."""
        raise NotImplementedError

    def score(self, answer: Any) -> tuple[float, list[str]]:
        """Return (fraction 0..1, specific feedback lines) for a parsed answer."""
        raise NotImplementedError

    def check(self, value: Any) -> Result:
        """Parse and score an answer. Raises AnswerError for an invalid one."""
        answer = self.parse(value)
        if self.secret is None:
            return Result(self.id, "saved", None, None, self.points,
                          "Saved. Feedback comes after your instructor has graded the work.",
                          answer)
        fraction, lines = self.score(answer)
        # drop empty lines, so "otherwise" applies when nothing specific does
        lines = [line for line in lines if line]
        fraction = max(0.0, min(1.0, fraction))
        earned = round(self.points * fraction, 4)
        if fraction >= 1.0 - 1e-9:
            status, head = "correct", "Correct."
            body = [self.explanation] if self.explanation else []
        elif fraction > 0:
            status = "partial"
            head = f"Partly right: {share_text(earned, self.points)}."
            body = lines or [self.feedback_map.get("otherwise", "")]
        else:
            status, head = "wrong", "Not quite."
            body = lines or [self.feedback_map.get("otherwise", "")]
        body = [b for b in body if b]  # hints are on the Hint button only
        mark = {"correct": "✔", "partial": "◐", "wrong": "✘"}[status]
        return Result(self.id, status, fraction, earned, self.points,
                      "\n".join([f"{mark} {head}"] + body), answer)

    # -- helpers ----------------------------------------------------------------------------
    def _ids(self, name: str) -> dict[str, str]:
        """An id -> text mapping from a list of {id, text} or a plain mapping."""
        raw = self.spec.get(name)
        if isinstance(raw, dict):
            return {str(k): str(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return {str(o["id"]): str(o["text"]) for o in raw}
        raise ValueError(f"question {self.id!r}: '{name}' must be a mapping of id to text")

    def _option_error(self, value: Any, options: dict[str, str]) -> AnswerError:
        choices = ", ".join(repr(k) for k in options)
        return AnswerError(f"{value!r} is not an option of question {self.id!r}; "
                           f"choose one of {choices}.")


class Choice(Question):
    """Single choice: one option id. Feedback explains each wrong option.

    For a judgement (coding a stance or a domain), `credit: {c: 0.5}` gives a defensible
    alternative part of the marks; its feedback says why it is defensible and what the course's
    code rests on. The justification goes in a written question beside it."""

    kind, label = "choice", "single choice"

    @property
    def options(self) -> dict[str, str]:
        return self._ids("options")

    def validate_spec(self):
        if len(self.options) < 2:
            raise ValueError(f"question {self.id!r}: a choice needs at least two options")
        if self.secret is not None and (not isinstance(self.key, str)
                                        or self.key not in self.options):
            raise ValueError(f"question {self.id!r}: answer {self.key!r} is not an option")
        for option, share in self.credit.items():
            if option not in self.options or option == self.key:
                raise ValueError(f"question {self.id!r}: credit names {option!r}, which is not "
                                 "an option other than the answer")
            if isinstance(share, bool) or not isinstance(share, (int, float)) \
                    or not 0 < share < 1:
                raise ValueError(f"question {self.id!r}: credit for {option!r} must be a "
                                 f"number between 0 and 1 (a share of the points), not {share!r}")

    @property
    def credit(self) -> dict:
        """Option id -> share of the points for a defensible alternative (secret)."""
        return {str(k): v for k, v in ((self.secret or {}).get("credit") or {}).items()}

    def parse(self, value):
        if value is None or value == "":
            raise AnswerError("No option chosen: pick one, then press Check.")
        value = str(value)
        if value not in self.options:
            # accept the option's text as well as its id
            by_text = {normalise_text(t): k for k, t in self.options.items()}
            if normalise_text(value) in by_text:
                return by_text[normalise_text(value)]
            raise self._option_error(value, self.options)
        return value

    def score(self, answer):
        if answer == self.key:
            return 1.0, []
        return float(self.credit.get(answer, 0.0)), [self.feedback_map.get(answer, "")]

    def describe_key(self):
        lines = [f"**Answer:** {self.key}: {one_line(self.options[self.key])}"]
        lines += [f"**Also credited ({share:.0%} of the points):** {option}: "
                  f"{one_line(self.options[option])}" for option, share in self.credit.items()]
        return lines

    def feedback_label(self, key):
        if key in self.options:
            return f"`{key}` chosen ({one_line(self.options[key])})"
        return Question.feedback_label(self, key)

    def wrong_labels(self, answer):
        return [answer] if answer != self.key else []

    def option_text(self, label):
        return self.options.get(label)


class MultiSelect(Question):
    """Several options. Score = (right picks - wrong picks) / number of right options, at least
    0."""

    kind, label = "multi", "select all that apply"

    @property
    def options(self) -> dict[str, str]:
        return self._ids("options")

    def validate_spec(self):
        if self.secret is not None:
            if not isinstance(self.key, list):
                raise ValueError(f"question {self.id!r}: answer must be a list of option ids")
            missing = [k for k in self.key if k not in self.options]
            if missing or not self.key:
                raise ValueError(f"question {self.id!r}: answer {missing or '[]'} not among "
                                 "options")

    def parse(self, value):
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise AnswerError(f"Question {self.id!r} takes a list of option ids, "
                              f"for example ['a', 'c']; got {type(value).__name__}.")
        chosen = []
        for v in value:
            v = str(v)
            if v not in self.options:
                raise self._option_error(v, self.options)
            if v not in chosen:
                chosen.append(v)
        if not chosen:
            raise AnswerError("Nothing selected: tick at least one box, then press Check.")
        return sorted(chosen, key=list(self.options).index)

    def score(self, answer):
        key = set(self.key)
        right = [a for a in answer if a in key]
        wrong = [a for a in answer if a not in key]
        missed = [k for k in self.options if k in key and k not in answer]
        fraction = (len(right) - len(wrong)) / len(key)
        lines = [self.feedback_map[a] for a in wrong if self.feedback_map.get(a)]
        if missed:
            lines.append(f"You left out {len(missed)} correct option"
                         f"{'s' if len(missed) > 1 else ''}.")
        if wrong:
            lines.append(f"{len(wrong)} of your choices {'is' if len(wrong) == 1 else 'are'} "
                         "not right, and each one cancels a right one.")
        return fraction, lines

    def describe_key(self):
        return ["**Answer:** " + "; ".join(f"{k}: {one_line(self.options[k])}"
                                           for k in self.key)]

    feedback_label = Choice.feedback_label
    option_text = Choice.option_text

    def wrong_labels(self, answer):
        return [a for a in answer if a not in self.key]


class Ordering(Question):
    """Put items in order. Score = share of items in their right place."""

    kind, label = "order", "put in order"

    @property
    def items(self) -> dict[str, str]:
        return self._ids("items")

    def validate_spec(self):
        if self.secret is not None and (not isinstance(self.key, list)
                                        or sorted(map(str, self.key)) != sorted(self.items)):
            raise ValueError(f"question {self.id!r}: answer must list every item once")

    def parse(self, value):
        if not isinstance(value, (list, tuple)):
            raise AnswerError(f"Question {self.id!r} takes a list of all item ids in order, "
                              f"for example {list(self.items)}.")
        value = [str(v) for v in value]
        unknown = [v for v in value if v not in self.items]
        if unknown:
            raise self._option_error(unknown[0], self.items)
        if sorted(value) != sorted(self.items):
            raise AnswerError(f"Put every item in the list exactly once "
                              f"({len(self.items)} items, you gave {len(value)}).")
        return value

    def score(self, answer):
        placed = sum(a == k for a, k in zip(answer, self.key))
        lines = [f"{placed} of {len(self.key)} items are in the right place."]
        for a, k in zip(answer, self.key):
            if a != k and self.feedback_map.get(a):
                lines.append(self.feedback_map[a])
        return placed / len(self.key), lines

    def describe_key(self):
        return ["**Answer, in order:**", ""] + [f"{n}. {one_line(self.items[k])}"
                                                 for n, k in enumerate(self.key, start=1)]

    def feedback_label(self, key):
        if key in self.items:
            return f"`{key}` in the wrong place ({one_line(self.items[key])})"
        return Question.feedback_label(self, key)

    def wrong_labels(self, answer):
        return [f"{a} in place {n}" for n, (a, k) in enumerate(zip(answer, self.key), start=1)
                if a != k]


class Matching(Question):
    """Put each item in one category. Score = share of items placed right."""

    kind, label = "match", "match each item to a category"

    @property
    def items(self) -> dict[str, str]:
        return self._ids("items")

    @property
    def categories(self) -> dict[str, str]:
        return self._ids("categories")

    def validate_spec(self):
        if self.secret is not None:
            if not isinstance(self.key, dict) or sorted(self.key) != sorted(self.items):
                raise ValueError(f"question {self.id!r}: answer must place every item")
            bad = [c for c in self.key.values() if c not in self.categories]
            if bad:
                raise ValueError(f"question {self.id!r}: unknown categories {bad}")

    def parse(self, value):
        if not isinstance(value, dict):
            raise AnswerError(f"Question {self.id!r} takes a dict of item id to category id, "
                              f"for example {{{next(iter(self.items))!r}: "
                              f"{next(iter(self.categories))!r}, ...}}.")
        answer = {}
        for item, cat in value.items():
            item, cat = str(item), (None if cat is None else str(cat))
            if item not in self.items:
                raise self._option_error(item, self.items)
            if cat is not None and cat not in self.categories:
                raise self._option_error(cat, self.categories)
            answer[item] = cat
        missing = [self.items[i] for i in self.items if answer.get(i) is None]
        if missing:
            raise AnswerError(f"Place every item: {len(missing)} still without a category "
                              f"(first: {missing[0]!r}).")
        return {i: answer[i] for i in self.items}

    def score(self, answer):
        right = sum(answer[i] == self.key[i] for i in self.items)
        lines = [f"{right} of {len(self.items)} placed correctly."]
        for i in self.items:
            if answer[i] != self.key[i] and self.feedback_map.get(i):
                lines.append(self.feedback_map[i])
        return right / len(self.items), lines

    def describe_key(self):
        return ["**Answer:**", ""] + [f"- {one_line(self.items[i])} → "
                                      f"{one_line(self.categories[c])}"
                                      for i, c in self.key.items()]

    feedback_label = Ordering.feedback_label

    def wrong_labels(self, answer):
        return [f"{i} → {c}" for i, c in answer.items() if self.key.get(i) != c]


def parse_number(value: Any, question_id: str) -> float:
    if isinstance(value, bool):
        raise AnswerError(f"Question {question_id!r} takes a number, not {value!r}.")
    if isinstance(value, (int, float)) or type(value).__name__.startswith(("int", "float")):
        try:
            number = float(value)
        except OverflowError:
            raise AnswerError(f"That number is far too large for question {question_id!r}."
                              ) from None
    else:
        text = str(value).strip().replace("\u2212", "-")
        text = re.sub(r"(?<=\d)[,\s_\u00a0\u202f](?=\d{3}\b)", "", text)
        if len(text) > 100:
            raise AnswerError("That is too long to be a number. Type digits only, "
                              "for example 23 or 1.5.")
        try:
            number = float(text)
        except ValueError:
            raise AnswerError(f"{str(value)!r} is not a number. Type digits only, "
                              "for example 23 or 1.5.") from None
    if not math.isfinite(number):
        raise AnswerError(f"{value!r} is not a finite number.")
    return number


class Numeric(Question):
    """A number, right within an absolute tolerance."""

    kind, label = "number", "number"

    def validate_spec(self):
        if self.secret is not None:
            self._number_key()
            value = self.key["value"]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"question {self.id!r}: answer.value must be a number, "
                                 f"not {value!r}")

    def key_answer(self):
        return self.key["value"]

    def parse(self, value):
        if value is None or str(value).strip() == "":
            raise AnswerError("Type a number, then press Check.")
        number = parse_number(value, self.id)
        return int(number) if number.is_integer() else number

    def score(self, answer):
        key = self.key
        value, tol = float(key["value"]), float(key.get("tolerance", 0))
        if abs(answer - value) <= tol + 1e-12:
            return 1.0, []
        side = "low" if answer < value else "high"
        return 0.0, [self.feedback_map.get(side, f"Your number is too {side}.")]

    def describe_key(self):
        tol = self.key.get("tolerance", 0)
        return [f"**Answer:** {self.key['value']}" + (f" (± {tol} accepted)" if tol else "")]


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
DATE_FORMATS_HELP = "YYYY-MM-DD (like 2025-03-07), 7 March 2025 or March 7, 2025"


def parse_date(value: Any, question_id: str = "") -> _dt.date:
    """Read a date from ISO text, '4 December 2024', 'December 4, 2024' or an unambiguous d/m/y."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    text = re.sub(r"\s+", " ", str(value).strip().lower().replace(",", " ")).strip()
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    try:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", text)
        if m and m[2] in _MONTHS:
            return _dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        m = re.fullmatch(r"([a-z]+)\.? (\d{1,2}) (\d{4})", text)
        if m and m[1] in _MONTHS:
            return _dt.date(int(m[3]), _MONTHS[m[1]], int(m[2]))
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
        if m:
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            if a != b and a <= 12 and b <= 12:
                raise AnswerError(f"{value!r} is ambiguous: is it day/month or month/day? "
                                  f"Write it as {DATE_FORMATS_HELP}.")
            day, month = (a, b) if a > 12 or a == b else (b, a)
            return _dt.date(year, month, day)
    except ValueError as exc:
        if isinstance(exc, AnswerError):
            raise
        raise AnswerError(f"{value!r} is not a real date ({exc}).") from None
    raise AnswerError(f"{str(value)!r} is not a date I can read. Write it as {DATE_FORMATS_HELP}.")


class DateAnswer(Question):
    """A calendar date, right within a tolerance in days."""

    kind, label = "date", "date"

    def validate_spec(self):
        if self.secret is not None:
            self._number_key(integer=True)
            try:
                _dt.date.fromisoformat(str(self.key["value"]))
            except ValueError:
                raise ValueError(f"question {self.id!r}: answer.value must be a date "
                                 f"written YYYY-MM-DD, not {self.key['value']!r}") from None

    def key_answer(self):
        return self.key["value"]

    def parse(self, value):
        if value is None or str(value).strip() == "":
            raise AnswerError(f"Type a date ({DATE_FORMATS_HELP}), then press Check.")
        return parse_date(value, self.id).isoformat()

    def score(self, answer):
        key = _dt.date.fromisoformat(self.key["value"])
        tol = int(self.key.get("tolerance_days", 0))
        diff = (_dt.date.fromisoformat(answer) - key).days
        if abs(diff) <= tol:
            return 1.0, []
        side = "early" if diff < 0 else "late"
        return 0.0, [self.feedback_map.get(side, f"That date is too {side}.")]

    def describe_key(self):
        tol = self.key.get("tolerance_days", 0)
        return [f"**Answer:** {self.key['value']}"
                + (f" (± {tol} days accepted)" if tol else "")]


class ShortText(Question):
    """A word or short phrase; accepted variants, case- and whitespace-insensitive."""

    kind, label = "text", "short answer"

    def validate_spec(self):
        if self.secret is not None and (not isinstance(self.key, list) or not self.key
                                        or not all(isinstance(v, str) and v.strip()
                                                   for v in self.key)):
            raise ValueError(f"question {self.id!r}: answer must be a list of accepted variants "
                             "(texts)")

    def key_answer(self):
        return self.key[0]

    def parse(self, value):
        if value is None or not str(value).strip():
            raise AnswerError("Type an answer, then press Check.")
        if not isinstance(value, str):
            raise AnswerError(f"Question {self.id!r} takes text; got {type(value).__name__}.")
        if len(value) > 200:
            raise AnswerError("That is too long for a short answer: a word or a short phrase.")
        return value.strip()

    def score(self, answer):
        norm = normalise_text(answer)
        if norm in {normalise_text(v) for v in self.key}:
            return 1.0, []
        known = {normalise_text(k): v for k, v in self.feedback_map.items() if k != "otherwise"}
        return 0.0, [known.get(norm, "")]

    def describe_key(self):
        return ["**Answer:** " + " / ".join(str(v) for v in self.key) + " (any of these; case, "
                "spacing, dashes and final punctuation do not matter)"]


class DataQuestion(Question):
    """A value the student computes with pandas: a number, a text, or a list of them.

    The key says how to compare: {"value": 3} (tolerance optional), {"value": "China"}, or
    {"value": [...], "compare": "set" | "ordered"}.
    """

    kind, label = "data", "data question (compute with pandas)"

    def validate_spec(self):
        expected = self.spec.get("answer_type", "number")
        if expected not in ("number", "list", "text"):
            raise ValueError(f"question {self.id!r}: answer_type must be number, list or text, "
                             f"not {expected!r}")
        if self.secret is None:
            return
        self._number_key()
        value = self.key["value"]
        fits = {"number": isinstance(value, (int, float)) and not isinstance(value, bool),
                "list": isinstance(value, list) and bool(value),
                "text": isinstance(value, str) and bool(value.strip())}[expected]
        if not fits:
            raise ValueError(f"question {self.id!r}: answer.value {value!r} does not fit "
                             f"answer_type {expected!r}")
        if self.key.get("compare", "set") not in ("set", "ordered"):
            raise ValueError(f"question {self.id!r}: answer.compare must be 'set' or 'ordered'")

    def key_answer(self):
        return self.key["value"]

    def parse(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise AnswerError("Compute the value with pandas, then pass it to .answer(...) "
                              "or type it and press Check.")
        if hasattr(value, "tolist"):  # numpy scalar/array, pandas Series or Index
            value = value.tolist()
        if isinstance(value, dict):
            raise AnswerError("Give a single value or a list, not a dict.")
        expected = self.spec.get("answer_type", "number")
        if expected == "number":
            if isinstance(value, (list, tuple)):
                if len(value) != 1:
                    raise AnswerError(f"Question {self.id!r} wants one number, got a list of "
                                      f"{len(value)} values.")
                value = value[0]
            number = parse_number(value, self.id)
            return int(number) if number.is_integer() else number
        if expected == "list":
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, (list, tuple, set)):
                raise AnswerError(f"Question {self.id!r} wants a list of values.")
            return [v if isinstance(v, (int, float)) else str(v) for v in value]
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise AnswerError(f"Question {self.id!r} wants one value, got {len(value)}.")
            value = value[0]
        return str(value).strip()

    def score(self, answer):
        key = self.key
        expected = key["value"]
        if isinstance(expected, (int, float)) and not isinstance(expected, bool):
            ok = abs(float(answer) - float(expected)) <= float(key.get("tolerance", 0)) + 1e-9
            side = "low" if float(answer) < float(expected) else "high"
            return (1.0, []) if ok else (0.0, [self.feedback_map.get(side, "")])
        if isinstance(expected, list):
            norm_a = [normalise_text(a) for a in answer]
            norm_k = [normalise_text(k) for k in expected]
            if key.get("compare", "set") == "ordered":
                ok = norm_a == norm_k
            else:
                ok = sorted(set(norm_a)) == sorted(set(norm_k))
            if ok:
                return 1.0, []
            hit = len(set(norm_a) & set(norm_k))
            return 0.0, [f"{hit} of your {len(set(norm_a))} values are in the answer, "
                         f"which has {len(set(norm_k))}."]
        ok = normalise_text(answer) == normalise_text(expected)
        known = {normalise_text(k): v for k, v in self.feedback_map.items()}
        return (1.0, []) if ok else (0.0, [known.get(normalise_text(answer), "")])

    def describe_key(self):
        key, value = self.key, self.key["value"]
        extra = ""
        if key.get("tolerance"):
            extra = f" (± {key['tolerance']} accepted)"
        elif isinstance(value, list):
            extra = " (in this order)" if key.get("compare") == "ordered" else " (any order)"
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else value
        return [f"**Answer:** {shown}{extra}"]


class Written(Question):
    """A written answer saved for the instructor; the rubric is shown after submitting."""

    kind, label = "written", "written answer (graded by your instructor)"
    auto_scored = False

    def key_answer(self):
        return None

    def parse(self, value):
        if not isinstance(value, str) or not value.strip():
            raise AnswerError("Write your answer in the box, then press Submit.")
        if len(value) > 5000:
            raise AnswerError("Please keep it under 5,000 characters.")
        words = len(value.split())
        minimum = int(self.spec.get("min_words", 0))
        if words < minimum:
            raise AnswerError(f"That is {words} words; write at least {minimum}.")
        return value.strip()

    def check(self, value):
        answer = self.parse(value)
        rubric = (self.secret or {}).get("rubric", "")
        text = "Submitted: your instructor will grade this."
        if rubric:
            text += "\nCompare your answer with the rubric your instructor will use:\n" + rubric
        return Result(self.id, "submitted", None, None, self.points, text, answer)

    def score(self, answer):  # pragma: no cover - written answers are graded by people
        raise NotImplementedError

    def describe_key(self):
        rubric = (self.secret or {}).get("rubric") or "(none)"
        return (["**Graded by hand with this rubric:**", ""]
                + [line.rstrip() + "  " for line in str(rubric).strip().split("\n")])


TYPES: dict[str, type[Question]] = {cls.kind: cls for cls in (
    Choice, MultiSelect, Ordering, Matching, Numeric, DateAnswer, ShortText, DataQuestion, Written)}


def make_question(spec: dict, secret: dict | None) -> Question:
    kind = spec.get("type")
    if kind not in TYPES:
        raise ValueError(f"question {spec.get('id')!r}: unknown type {kind!r}; "
                         f"use one of {', '.join(TYPES)}")
    return TYPES[kind](spec, secret)
