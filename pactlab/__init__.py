"""pactlab: the course package of the Putin-Kim summit course, for two audiences.

The student runtime (what notebooks import; ipywidgets, pandas and matplotlib only, pure Python,
no processes or threads, so it runs unchanged in the browser edition):
    pactlab.questions   question types: parse, check, score, feedback; each type's behaviour
    pactlab.bank        loading compiled banks (questions/<lesson>.json), the course folder
    pactlab.store       the answer store (JSON per student and lesson, merged on every save)
    pactlab.submission  the submission format: what the Export button and `pactlab submit` write
    pactlab.widgets     the ipywidgets view of each question type, and the progress box
    pactlab.lesson      `start()`: what a notebook's setup cell calls
    pactlab.data        loading the course's CSV tables (checked by pactlab.datacheck)
    pactlab.charts      the course's matplotlib charts
    pactlab.tables      how lessons show tables (one style) and their sources block

Instructor tools (`pactlab.instructor`, the `pactlab` command; extra dependencies: PyYAML,
jsonschema): masters, authoring (assign, release), submissions (reading them), scoring,
results (the grades CSVs), report (item analysis), answer_key, cli. Student modules never
import them (tests/test_structure.py checks).
"""
__version__ = "0.1.0"

__all__ = ["start", "__version__"]


def start(name, part=None, student=None, answers_dir=None):
    """Load a lesson's questions and this student's saved answers: see `pactlab.lesson`."""
    from .lesson import start as _start

    return _start(name, part=part, student=student, answers_dir=answers_dir)
