"""A lesson's questions in a notebook: the one object a notebook's setup cell creates.

    import pactlab
    course = pactlab.start("01_summit")          # loads questions/01_summit.json and the answers
    course.question("summit-arrival")            # shows the live widget (restored if answered)
    course.question("summit-arrival").answer("b")  # answers in code, same feedback as a click
                                                 # (the one pattern every exercise set uses)
    course.progress()                            # answered / correct / points, updated live
"""
from __future__ import annotations

from pathlib import Path

from .bank import Bank, load_bank
from .questions import AnswerError
from .store import AnswerStore
from .widgets import ProgressView, QuestionView, make_view


class Lesson:
    def __init__(self, name: str, part: str | None = None, student: str | None = None,
                 answers_dir: str | Path | None = None, bank: Bank | None = None):
        self.name = name
        self.part = part
        self.bank = bank or load_bank(name)
        self.store = AnswerStore(name, student=student,
                                 directory=Path(answers_dir) if answers_dir else None,
                                 assessment=self.bank.assessment)
        self._views: dict[str, QuestionView] = {}
        self._progress: ProgressView | None = None

    def question(self, qid: str) -> QuestionView:
        """The widget of question `qid` (the same object each time it is asked for)."""
        if qid not in self._views:
            question = self.bank[qid]
            self.store.refresh()  # answers another kernel (the lesson, a second tab) saved
            self._views[qid] = make_view(question, self.store, self._changed)
        return self._views[qid]

    def progress(self) -> ProgressView:
        if self._progress is None:
            self._progress = ProgressView(self)
        return self._progress

    def _changed(self) -> None:
        if self._progress is not None:
            self._progress.refresh()

    def summary(self) -> dict:
        """Answered, correct and points over this notebook's questions, from the saved answers."""
        questions = self.bank.part(self.part)
        answered = correct = 0
        points = possible = 0.0
        for q in questions:
            if q.graded and q.auto_scored:
                possible += q.points
            record = self.store.get(q.id)
            if not record:
                continue
            answered += 1
            try:
                result = q.check(record["answer"])
            except AnswerError:
                continue
            correct += result.correct
            points += result.points or 0
        return {"questions": len(questions), "answered": answered, "correct": correct,
                "points": round(points, 2), "possible": possible,
                "graded": all(q.graded for q in questions)}

    def __repr__(self) -> str:
        return f"Lesson {self.name}: {len(self.bank.part(self.part))} questions"


def start(name: str, part: str | None = None, student: str | None = None,
          answers_dir: str | Path | None = None) -> Lesson:
    """Load a lesson's question bank and this student's saved answers."""
    return Lesson(name, part=part, student=student, answers_dir=answers_dir)
