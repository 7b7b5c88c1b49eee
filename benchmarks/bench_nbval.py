"""How long nbval takes over every notebook, against its floor. Goal: at most 1.5 times the floor.

    python benchmarks/bench_nbval.py [--repeat 3]

- nbval: the wall-clock time of the nbval command `make test` runs: pytest over notebooks/,
  solutions/ (strict) and exercises/ (lax) with `-n 2 --dist loadfile` (two workers, whole
  notebooks each), and the same in one process (no xdist), for comparison.
- floor: for each of the same notebooks, one after the other in one process, start a bare
  `python3` kernel, run that notebook's import statements in it, and shut it down: what any way
  of executing the notebooks must pay at least.

Both run in the tests' environment (temporary answers, Jupyter and matplotlib folders). Medians
over the repeats (floor and nbval runs interleaved), after a warm-up. Run by hand; no test
asserts these numbers. Record them in README.md (maintainers' section).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 1.5
REPO = Path(__file__).resolve().parents[1]
IMPORT_RE = re.compile(r"^\s*(?:import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*"
                       r"|from\s+[\w.]+\s+import\s+.+)\s*$")


def notebooks() -> dict[str, list[Path]]:
    return {"strict": sorted((REPO / "notebooks").glob("*.ipynb"))
            + sorted((REPO / "solutions").glob("*.ipynb")),
            "lax": sorted((REPO / "exercises").glob("*.ipynb"))}


def imports_of(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            lines += [ln.strip() for ln in "".join(cell["source"]).splitlines()
                      if IMPORT_RE.match(ln) and not ln.startswith((" ", "\t"))]
    return "\n".join(dict.fromkeys(lines))


def test_env(base: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from tools import execute_notebooks as tools

    env = dict(os.environ)
    tools.drop_foreign_settings(env)
    env.update(tools.hermetic_environment(base))
    return env


def time_nbval(paths: list[Path], extra: list[str], env: dict) -> float:
    """One pytest process over every notebook, as `make test` runs it (exercises/ lax)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "--nbval-current-env",
           "--nbval-cell-timeout=120", "--nbval", *extra,
           *[str(p.relative_to(REPO)) for p in paths]]
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"bench_nbval: nbval failed ({' '.join(cmd)}):\n{out.stdout[-3000:]}")
    return elapsed


FLOOR_CHILD = r"""
import json, sys, time
from jupyter_client.manager import start_new_kernel
codes = json.loads(sys.stdin.read())
per = []
t0 = time.perf_counter()
for code in codes:
    t = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
    if code:
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise SystemExit("import failed: " + code)
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    per.append(time.perf_counter() - t)
print(json.dumps({"total": time.perf_counter() - t0, "per": per}))
"""


def time_floor(paths: list[Path], env: dict) -> dict:
    codes = [imports_of(p) for p in paths]
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", FLOOR_CHILD], input=json.dumps(codes), env=env,
                         cwd=REPO / "notebooks", capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"bench_nbval: floor run failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    groups = notebooks()
    paths = groups["strict"] + groups["lax"]
    if not paths:
        sys.exit("bench_nbval: no notebooks found")
    base = Path(tempfile.mkdtemp(prefix="pactlab-bench-nbval-"))
    try:
        env = test_env(base)
        variants = {"nbval -n 2 --dist loadfile (as make test runs it)":
                    ["-n", "2", "--dist", "loadfile"],
                    "nbval in one process": []}
        time_floor(paths[:1], env)  # warm-up: caches, matplotlib font list
        time_nbval(paths[:1], [], env)
        floors, times = [], {name: [] for name in variants}
        for _ in range(args.repeat):  # interleaved, so that load from elsewhere hits both
            floors.append(time_floor(paths, env))
            for name, extra in variants.items():
                times[name].append(time_nbval(paths, extra, env))
    finally:
        shutil.rmtree(base, ignore_errors=True)

    floor = statistics.median(f["wall"] for f in floors)
    print(f"nbval benchmark: {len(paths)} notebooks ({len(groups['strict'])} strict, "
          f"{len(groups['lax'])} lax), {args.repeat} runs, medians; Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"  floor (kernel start + imports, per notebook, in sequence) {floor:7.2f} s")
    for path, per in zip(paths, floors[0]["per"]):
        print(f"      {path.relative_to(REPO)}: {per:.2f} s")
    for name, values in times.items():
        med = statistics.median(values)
        ratio = med / floor
        verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
        print(f"  {name:<56} {med:7.2f} s  = {ratio:.2f} x floor ({verdict} the goal of "
              f"{GOAL_RATIO} x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
