"""pactlab: the course package of the Putin-Kim summit course.

Modules, one job each:
    pactlab.data       load and validate the course's CSV tables
    pactlab.questions  question types: parse, check, score, feedback (pure Python)
    pactlab.bank       question banks: masters in YAML, compiled JSON with encoded keys
    pactlab.widgets    the ipywidgets view of each question type, and the progress summary
    pactlab.store      the answer store (JSON per student and lesson)
    pactlab.lesson     `start()`: what a notebook's setup cell calls
    pactlab.charts     the course's matplotlib charts
    pactlab.authoring  building exercises/ from solutions/, releases
    pactlab.grading    grading submissions, item analysis
    pactlab.cli        the `pactlab` command
"""
__version__ = "0.1.0"

__all__ = ["start", "__version__"]


def start(name, part=None, student=None, answers_dir=None):
    """Load a lesson's questions and this student's saved answers: see `pactlab.lesson`."""
    from .lesson import start as _start

    return _start(name, part=part, student=student, answers_dir=answers_dir)
