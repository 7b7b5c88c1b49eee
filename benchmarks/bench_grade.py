"""Benchmark: grading submissions as data versus executing notebooks.

    python benchmarks/bench_grade.py [--n 1000] [--executions 3] [--seed 6]

1. Generates N submissions (random but seeded answers: right, wrong, partly right and some that
   do not fit the question) for the `00_start_here` question bank and grades them with
   `pactlab.instructor`, in this process and once more through the `pactlab grade` command (which
   includes starting Python and writing the CSV files).
2. In the same run, executes a sample of the same lesson's notebook with nbclient, one fresh
   kernel per notebook: this is how nbgrader and otter-grader grade a submission.
3. Reports seconds per submission for each, and their ratio.

Aims: grading at least 200 times faster per submission than executing, and at least 1,000
submissions per second on a 2-core machine. Speed goals live here, never in the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pactlab import __version__, submission  # noqa: E402
from pactlab.instructor import results, scoring  # noqa: E402
from pactlab.bank import load_bank  # noqa: E402

LESSON = "00_start_here"


def random_answer(q, rng: random.Random):
    """A plausible answer: right about half the time (the key as its type gives it), otherwise
    wrong or partial (the right answer's parts shuffled or cut), or one that does not fit."""
    if not q.auto_scored:
        return " ".join(rng.choice(["treaty", "summit", "source", "KCNA", "because", "trust",
                                    "text", "Article", "official", "report"])
                        for _ in range(rng.randint(5, 60)))
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(["", "zzz", [], {"x": 1}, 10 ** 6, None])  # does not fit
    right = q.key_answer()
    if roll < 0.55:
        return right
    if isinstance(right, list) and len(right) > 1:
        wrong = list(right)
        rng.shuffle(wrong)
        return wrong if rng.random() < 0.5 else wrong[:-1]
    if isinstance(right, dict):
        values = list(right.values())
        rng.shuffle(values)
        return dict(zip(right, values))
    if isinstance(right, (int, float)):
        return right + rng.randint(-5, 5)
    options = list(getattr(q, "options", {})) or ["Moscow", "Vostochny", "Seoul"]
    return rng.choice(options)


def make_submissions(folder: Path, n: int, seed: int) -> list[Path]:
    bank = load_bank(LESSON)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in range(n):
        answers = {}
        for q in bank.questions.values():
            if rng.random() < 0.92:  # some questions left unanswered
                answers[q.id] = {"answer": random_answer(q, rng),
                                 "saved_at": "2024-06-20T09:00:00+00:00",
                                 "attempts": rng.randint(1, 4)}
        doc = {"format": submission.FORMAT, "student": f"student{s:04d}", "lesson": LESSON,
               "course_version": __version__, "created_at": "2024-06-20T10:00:00+00:00",
               "answers": answers}
        path = folder / submission.submission_filename(LESSON, f"student{s:04d}")
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def solution_notebook(folder: Path) -> Path:
    """A small answered notebook for the lesson (used when the lesson notebook is missing)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    bank = load_bank(LESSON)
    cells = [new_markdown_cell("# Start here (benchmark copy)"),
             new_code_cell(f'import pactlab\ncourse = pactlab.start("{LESSON}")'),
             new_code_cell('import pandas as pd\ncourse_map = pd.DataFrame({"minutes": '
                           '[45, 45, 45, 45]})')]
    for q in bank.questions.values():
        value = q.key_answer() if q.auto_scored else \
            "A question about the treaty, and a reason to trust its published text."
        cells.append(new_code_cell(f"course.question({q.id!r})"))
        cells.append(new_code_cell(f"course.question({q.id!r}).answer({value!r})"))
    cells.append(new_code_cell("course.progress()"))
    path = folder / f"{LESSON}_solution.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def execute_notebooks(path: Path, runs: int) -> list[float]:
    import nbformat
    from nbclient import NotebookClient

    times = []
    for _ in range(runs):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        times.append(time.perf_counter() - start)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions to grade")
    parser.add_argument("--executions", type=int, default=3, help="notebooks to execute")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pactlab-bench-") as tmp:
        tmp = Path(tmp)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "MPLCONFIGDIR", "PACTLAB_ANSWERS_DIR"):
            os.environ[name] = str(tmp / name.lower())
        subs = tmp / "submissions"
        t0 = time.perf_counter()
        make_submissions(subs, args.n, args.seed)
        made = time.perf_counter() - t0

        # 1. grading, in process (twice: the first run includes loading the bank)
        in_process = []
        for _ in range(3):
            start = time.perf_counter()
            run = scoring.grade_files([subs], progress=scoring.ProgressBar(0, enabled=False))
            results.write_results(run, tmp / "out" / "grades.csv")
            in_process.append(time.perf_counter() - start)
        assert len(run.graded) == args.n, f"graded {len(run.graded)} of {args.n}"
        # 2. grading through the command, Python start-up and all
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pactlab", "grade", str(subs),
                               "--out", str(tmp / "cli" / "grades.csv")],
                              capture_output=True, text=True, cwd=tmp)
        command = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 2
        # 3. executing notebooks
        lesson_nb = REPO / "notebooks" / f"{LESSON}.ipynb"
        notebook = lesson_nb if lesson_nb.exists() else solution_notebook(tmp)
        executions = execute_notebooks(notebook, args.executions)

    best = min(in_process)
    per_sub = best / args.n
    per_sub_cli = command / args.n
    per_exec = statistics.mean(executions)
    rate = args.n / best
    print(f"pactlab {__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"generated {args.n} submissions of {LESSON} in {made:.2f} s")
    print(f"grade in process   : {best:.3f} s for {args.n} "
          f"(runs: {', '.join(f'{t:.3f}' for t in in_process)} s) = {per_sub * 1e3:.3f} ms "
          f"per submission, {rate:,.0f} submissions/s")
    print(f"grade command      : {command:.3f} s for {args.n} incl. start-up and CSV files = "
          f"{per_sub_cli * 1e3:.3f} ms per submission, {args.n / command:,.0f} submissions/s")
    print(f"execute (nbclient) : {per_exec:.2f} s per notebook, mean of {len(executions)} "
          f"({', '.join(f'{t:.2f}' for t in executions)} s) of "
          + (f"{notebook.relative_to(REPO)}" if notebook == lesson_nb
             else "a generated solution notebook"))
    ratio, ratio_cli = per_exec / per_sub, per_exec / per_sub_cli
    print(f"ratio              : grading is {ratio:,.0f}x faster per submission in process, "
          f"{ratio_cli:,.0f}x through the command")
    ok_ratio, ok_rate = ratio_cli >= 200, args.n / command >= 1000
    print(f"aims               : >= 200x faster: {'met' if ok_ratio else 'MISSED'}; "
          f">= 1,000 submissions/s (command, start-up included): "
          f"{'met' if ok_rate else 'MISSED'}")
    return 0 if ok_ratio and ok_rate else 1


if __name__ == "__main__":
    sys.exit(main())
