"""A small course in a temporary folder, for the instructor-workflow tests.

It holds a copy of the real master bank `solutions/questions/00_start_here.yaml` (with two
questions moved to the exercises part), one master notebook that uses every way of marking a
solution, a tiny data table and a lesson notebook, so the tests do not depend on the lessons.
"""
from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
LESSON = "00_start_here"
EXERCISE_QUESTIONS = ("start-choice", "start-data")

STATIC_QUESTION = ("<div class='pactlab-static'><p><b>{qid}</b> (single choice, 1 point)</p>"
                   "<p>A question.</p><p><i>Open this notebook in JupyterLab and run it to "
                   "answer.</i></p></div>")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _display(qid: str, model: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": f"Question {qid} (single choice, 1 point)",
                     "text/html": STATIC_QUESTION.format(qid=qid),
                     WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": model}}}


def _result(text: str, count: int) -> dict:
    return {"output_type": "execute_result", "execution_count": count, "metadata": {},
            "data": {"text/plain": text}}


def master_notebook(explanation: str):
    """The answered master: every kind of solution marking, with stored outputs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def code(cid, source, count, outputs=(), tags=(), **meta):
        cell = new_code_cell(source, id=cid, execution_count=count, outputs=list(outputs))
        if tags:
            cell.metadata["tags"] = list(tags)
        cell.metadata.update(meta)
        return cell

    cells = [
        new_markdown_cell("# Start here: exercises\n\nAnswer each question.", id="intro"),
        code("setup", 'import pactlab\ncourse = pactlab.start("00_start_here", part="exercises")',
             1, execution={"iopub.status.busy": "2024-06-19T00:00:00Z"}),
        code("q-choice", 'course.question("start-choice")', 2,
             [_display("start-choice", "0123abcd")], scrolled=True),
        code("a-choice", 'course.question("start-choice").answer("b")', 3,
             [_result(f"✔ Correct.\n{explanation}", 3)], tags=["solution"]),
        code("data-prep", 'import pandas as pd\ncourse_map = pd.DataFrame({"lesson": [1, 2, 3, 4], '
                          '"minutes": [45, 45, 45, 45]})', 4),
        code("q-data", 'course.question("start-data")', 5, [_display("start-data", "4567ef01")]),
        code("work-data", "# Add up the minutes of every lesson.\n"
                          "# BEGIN SOLUTION\n"
                          'total = course_map["minutes"].sum()\n'
                          "# END SOLUTION\n"
                          "total", 6, [_result("180", 6)]),
        code("show-total", "print(total)", 7,
             [{"output_type": "stream", "name": "stdout", "text": "180\n"}]),
        code("keep", "course_map.shape", 8, [_result("(4, 2)", 8)], tags=["keep-output"]),
        code("answer-data", 'course.question("start-data").answer(total)', 9,
             [_result("✔ Correct.", 9)], tags=["solution"]),
        new_markdown_cell("## Your view\n\n<!-- BEGIN SOLUTION -->\nA model answer about sources."
                          "\n<!-- END SOLUTION -->\n", id="written"),
        code("progress", "course.progress()", 10,
             [{"output_type": "display_data", "metadata": {},
               "data": {"text/plain": "Progress for 00_start_here",
                        "text/html": "<p><b>Progress</b> for 00_start_here (live when run in "
                                     "JupyterLab)</p>",
                        WIDGET_MIME: {"version_major": 2, "version_minor": 0,
                                      "model_id": "89abcdef"}}}]),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python", "version": "3.11.7"},
                   "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}}
    nb = nbformat.from_dict(nb)
    nbformat.validate(nb)
    return nb


def make_course(root: Path) -> Path:
    """Write the small course into `root` (solutions/ only for notebooks: run assign)."""
    import nbformat

    master = yaml.safe_load((REPO / "solutions" / "questions" / f"{LESSON}.yaml")
                            .read_text(encoding="utf-8"))
    for q in master["questions"]:
        if q["id"] in EXERCISE_QUESTIONS:
            q["part"] = "exercises"
    (root / "solutions" / "questions").mkdir(parents=True)
    (root / "solutions" / "questions" / f"{LESSON}.yaml").write_text(
        yaml.safe_dump(master, allow_unicode=True, sort_keys=False), encoding="utf-8")
    explanation = next(q for q in master["questions"] if q["id"] == "start-choice")["explanation"]
    nbformat.write(master_notebook(explanation), root / "solutions" / f"{LESSON}_solutions.ipynb")
    (root / "data").mkdir()
    (root / "data" / "course_map.csv").write_text("lesson,minutes\n1,45\n2,45\n3,45\n4,45\n",
                                                  encoding="utf-8")
    (root / "notebooks").mkdir()
    lesson_nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Start here", id="title"),
        nbformat.v4.new_code_cell('import pactlab\ncourse = pactlab.start("00_start_here")',
                                  id="setup")])
    nbformat.write(lesson_nb, root / "notebooks" / f"{LESSON}.ipynb")
    (root / "README.md").write_text("# A small course\n", encoding="utf-8")
    (root / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_secret.py").write_text("# instructor tests\n", encoding="utf-8")
    return root


def master_bank(root: Path) -> dict:
    return yaml.safe_load((root / "solutions" / "questions" / f"{LESSON}.yaml")
                          .read_text(encoding="utf-8"))
