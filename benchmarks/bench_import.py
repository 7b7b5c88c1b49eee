"""What importing pactlab costs on top of its dependencies. Goal: at most 100 ms.

    python benchmarks/bench_import.py [--repeat 15]

Each run is a fresh Python process (as a notebook's first cell is a fresh kernel) that times, in
order:
  1. deps:     import ipywidgets, pandas, matplotlib and matplotlib.pyplot (the libraries a
               lesson uses anyway; pactlab.charts imports pyplot);
  2. pactlab:  import every module on the student's path (pactlab, questions, bank, store,
               widgets, lesson, data, charts), the dependencies being already loaded:
               this is the number the goal is about;
  3. start():  pactlab.start("00_start_here"): read the compiled bank, decode its keys, open
               the (empty, temporary) answer store.
Medians over the runs, after one warm-up run (so the OS file cache and matplotlib's font cache
are warm, as on a student's second day). Run by hand: the numbers depend on the machine, so no
test asserts them. Record them in README.md (maintainers' section).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

GOAL_MS = 100.0
REPO = Path(__file__).resolve().parents[1]
STUDENT_MODULES = ["pactlab", "pactlab.questions", "pactlab.bank", "pactlab.store",
                   "pactlab.widgets", "pactlab.lesson", "pactlab.data", "pactlab.charts"]

CHILD = r"""
import importlib, json, sys, time
modules = sys.argv[1].split(",")
t0 = time.perf_counter()
import ipywidgets, pandas, matplotlib, matplotlib.pyplot
t1 = time.perf_counter()
for name in modules:
    importlib.import_module(name)
t2 = time.perf_counter()
import pactlab
course = pactlab.start("00_start_here")
t3 = time.perf_counter()
print(json.dumps({"deps": t1 - t0, "pactlab": t2 - t1, "start": t3 - t2}))
"""


def run_once(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, ",".join(STUDENT_MODULES)], env=env,
                         cwd=REPO, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"bench_import: the child process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pactlab-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PACTLAB_")}
        env.update({"PACTLAB_ANSWERS_DIR": str(Path(tmp) / "answers"),
                    "PACTLAB_STUDENT": "bench", "MPLCONFIGDIR": str(Path(tmp) / "mpl"),
                    "MPLBACKEND": "Agg",
                    "PYTHONPATH": os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])})
        run_once(env)  # warm-up
        runs = [run_once(env) for _ in range(args.repeat)]

    med = {k: statistics.median(r[k] for r in runs) * 1000 for k in runs[0]}
    spread = {k: (min(r[k] for r in runs) * 1000, max(r[k] for r in runs) * 1000)
              for k in runs[0]}
    print(f"pactlab import benchmark: {args.repeat} fresh processes, medians "
          f"(min-max); Python {platform.python_version()}, {os.cpu_count()} CPUs")
    labels = {"deps": "ipywidgets + pandas + matplotlib(.pyplot)",
              "pactlab": "pactlab student modules, over the deps",
              "start": 'pactlab.start("00_start_here")'}
    for key, label in labels.items():
        lo, hi = spread[key]
        print(f"  {label:<44} {med[key]:8.1f} ms   ({lo:.1f}-{hi:.1f})")
    verdict = "meets" if med["pactlab"] <= GOAL_MS else "MISSES"
    print(f"pactlab adds {med['pactlab']:.1f} ms over its dependencies: {verdict} the goal of "
          f"at most {GOAL_MS:.0f} ms (import + start(): {med['pactlab'] + med['start']:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
