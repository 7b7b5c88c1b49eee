"""How long loading the course tables takes, against the goal: all tables in at most 200 ms.

    python benchmarks/bench_data.py [--repeat 7] [--root COURSE_FOLDER]

Cold: a fresh Python process per run (nothing cached, as in a notebook's first cell) imports pandas,
then loads every table and the case article; the timer covers the loads (a lesson's setup imports
pandas anyway), and the pandas import and the whole process are shown beside it. Cached: in one
process, every table again after a first load (each call returns a fresh copy). Medians of the runs.
Run by hand; the numbers depend on the machine, so no test asserts them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_MS = 200.0
REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import pactlab.data as data
t1 = time.perf_counter()
import pandas
t2 = time.perf_counter()
root = sys.argv[1]
names = data.table_names(root)
frames = [data.load(name, root) for name in names]
data.case_article(root)
t3 = time.perf_counter()
problems = data.validate(root)
t4 = time.perf_counter()
print(json.dumps({"import_module": t1 - t0, "import_pandas": t2 - t1, "load_all": t3 - t2,
                  "validate_after_load": t4 - t3, "rows": sum(len(f) for f in frames),
                  "tables": len(names), "problems": len(problems)}))
"""


def cold_run(root: Path) -> dict:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True,
                         cwd=REPO)
    if out.returncode:
        sys.exit(f"the cold run failed:\n{out.stderr}")
    result = json.loads(out.stdout)
    result["process"] = time.perf_counter() - start
    return result


def cached_runs(root: Path, repeat: int) -> list[float]:
    sys.path.insert(0, str(REPO))
    from pactlab import data

    names = data.table_names(root)
    for name in names:
        data.load(name, root)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for name in names:
            data.load(name, root)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="cold runs (fresh processes)")
    parser.add_argument("--root", default=str(REPO), help="course folder holding data/")
    args = parser.parse_args()
    root = Path(args.root)

    runs = [cold_run(root) for _ in range(args.repeat)]

    def ms(key):
        return 1000 * statistics.median(r[key] for r in runs)

    cached = 1000 * statistics.median(cached_runs(root, 50))
    load = ms("load_all")
    print(f"{runs[0]['tables']} tables, {runs[0]['rows']} rows; {runs[0]['problems']} problems; "
          f"medians of {args.repeat} fresh processes")
    print(f"  cold load of every table + case article: {load:7.1f} ms   (goal {GOAL_MS:.0f} ms: "
          f"{'met' if load <= GOAL_MS else 'NOT met'})")
    print(f"  import pactlab.data:                      {ms('import_module'):7.1f} ms")
    print(f"  import pandas:                            {ms('import_pandas'):7.1f} ms")
    print(f"  validate() after loading (cache warm):    {ms('validate_after_load'):7.1f} ms")
    print(f"  whole process (interpreter start to end): {ms('process'):7.1f} ms")
    print(f"  cached load of every table (median of 50):{cached:7.1f} ms")
    return 0 if load <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
