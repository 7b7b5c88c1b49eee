"""tools/lesson_stats.py: words, checks and objectives per lesson, and the problems it reports."""
import json

import yaml

from tools import lesson_stats


def cell(kind, source, tag=None):
    c = {"cell_type": kind, "metadata": {"tags": [tag]} if tag else {}, "source": source}
    if kind == "code":
        c.update(outputs=[], execution_count=None)
    return c


def write_course(root, cells, objectives, questions):
    (root / "notebooks").mkdir()
    (root / "solutions" / "questions").mkdir(parents=True)
    (root / "notebooks" / "01_x.ipynb").write_text(json.dumps({"cells": cells}), "utf-8")
    (root / "solutions" / "01_x_solutions.ipynb").write_text("{}", "utf-8")
    (root / "solutions" / "questions" / "01_x.yaml").write_text(yaml.safe_dump(
        {"lesson": "01_x", "title": "X", "objectives": objectives, "questions": questions}),
        "utf-8")


def test_counts_core_and_extension_prose_checks_and_objectives(tmp_path):
    cells = [cell("markdown", "One two three `code` [a link](https://x.org/y).", "core"),
             cell("code", 'course.question("q1")', "core"),
             cell("markdown", "## Going deeper: more\nfour five six seven", "extension"),
             cell("markdown", "no tag here")]
    questions = [{"id": "q1", "type": "choice", "part": "lesson", "objective": "o1",
                  "options": {"a": "short", "b": "a much longer option"}, "answer": "b"},
                 {"id": "q2", "type": "choice", "part": "exercises", "objective": "o1",
                  "options": {"a": "x", "b": "y"}, "answer": "a"}]
    write_course(tmp_path, cells, {"o1": "do a thing", "o2": "do another"}, questions)
    (stats,) = lesson_stats.collect(tmp_path)
    assert stats.core_words == 6 + 3  # inline code is one word, a link its text; untagged is core
    assert stats.extension_words == 7  # the heading counts
    assert stats.core_checks == 1
    assert stats.objectives == {"o1": ["q2"], "o2": []}
    assert stats.key_positions == {1: 1, 2: 1} and stats.key_longest == 1
    problems = stats.problems()
    assert any("cell 4" in p and "tag it" in p for p in problems)
    assert any("objective o2 is assessed by no graded question" in p for p in problems)
    assert not any("o1" in p for p in problems)


def test_long_stretches_and_missing_objectives_are_problems(tmp_path):
    cells = [cell("markdown", "word " * 1600, "core")]
    write_course(tmp_path, cells, None, [{"id": "q1", "type": "written", "part": "exercises"}])
    (stats,) = lesson_stats.collect(tmp_path)
    problems = stats.problems()
    assert any("1600 words of core prose without a check" in p for p in problems)
    assert any("no objectives recorded" in p for p in problems)
