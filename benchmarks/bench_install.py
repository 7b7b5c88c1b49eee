"""What `make lab` and `make test` install: the size of a fresh .venv/ and how long the first
install takes, for each extra ([lab]: the course and JupyterLab; [test]: also the test tools).

Each run makes a new virtualenv in a temporary folder with this Python and runs the command the
Makefile runs (`pip install -e ".[EXTRA]" -c constraints.txt`), once with pip's cache as it is
(warm after any earlier install: what a second checkout costs) and once with --no-cache-dir
(every wheel fetched again: a student's very first install, less the network's speed).

    python benchmarks/bench_install.py [--extras lab test] [--no-cold]

Run by hand (it takes a few minutes and uses the package index); the numbers go in README.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            file = Path(folder) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def biggest(site: Path, count: int = 4) -> list[tuple[str, int]]:
    sizes = [(p.name, folder_size(p)) for p in site.iterdir() if p.is_dir()
             and not p.name.endswith((".dist-info", "__pycache__"))]
    return sorted(sizes, key=lambda item: -item[1])[:count]


def measure(extra: str, cache: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-install-{extra}-") as tmp:
        venv = Path(tmp) / ".venv"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        command = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                   "-e", f".[{extra}]", "-c", "constraints.txt"]
        if not cache:
            command.append("--no-cache-dir")
        subprocess.run(command, cwd=ROOT, check=True, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        site = next((venv / "lib").glob("python3*/site-packages"))
        freeze = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze"],
                                capture_output=True, text=True, check=True).stdout
        return {"extra": extra, "cache": cache, "seconds": seconds,
                "mb": folder_size(venv) / 1e6, "packages": len(freeze.splitlines()),
                "biggest": biggest(site)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extras", nargs="+", default=["lab", "test"])
    parser.add_argument("--no-cold", action="store_true", help="skip the --no-cache-dir runs")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; fresh virtualenv each time; "
          "pip install -e \".[EXTRA]\" -c constraints.txt")
    print(f"{'extra':6} {'pip cache':10} {'time':>8} {'.venv size':>11} {'packages':>9}  biggest")
    for extra in args.extras:
        for cache in ([True] if args.no_cold else [True, False]):
            r = measure(extra, cache)
            big = ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in r["biggest"])
            print(f"{extra:6} {'warm' if cache else 'none':10} {r['seconds']:7.1f}s "
                  f"{r['mb']:8.0f} MB {r['packages']:9}  {big}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
