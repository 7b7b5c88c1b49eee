"""The `pactlab` command: one subcommand per job, each a thin wrapper over a module."""
from __future__ import annotations

import argparse
import os
import sys


def _assign(args) -> int:
    from .authoring import assign

    return assign(check=args.check)


def _check_data(args) -> int:
    from .data import check_data_cli

    return check_data_cli(args)


def _release(args) -> int:
    from .authoring import release_cli

    return release_cli(args)


def _submit(args) -> int:
    from .grading import submit_cli

    return submit_cli(args)


def _grade(args) -> int:
    from .grading import grade_cli

    return grade_cli(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pactlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check-data", help="validate every table in data/ and print a summary")
    p.add_argument("--root", help="course folder (default: this course)")
    p.set_defaults(func=_check_data)

    p = sub.add_parser("assign", help="build questions/ and exercises/ from solutions/")
    p.add_argument("--check", action="store_true",
                   help="write nothing; fail if questions/ or exercises/ are out of date")
    p.set_defaults(func=_assign)

    p = sub.add_parser("release", help="make the student bundle (never solutions/)")
    p.add_argument("--out", required=True, help="folder to write the bundle into")
    p.add_argument("--assessment", action="store_true", help="leave every answer key out")
    p.add_argument("--zip", action="store_true", help="also write DIR.zip (same bytes each time)")
    p.set_defaults(func=_release)

    p = sub.add_parser("submit", help="export a submission file for one lesson")
    p.add_argument("lesson", help="lesson name, e.g. 01_summit")
    p.add_argument("--student", help="your name or student id")
    p.add_argument("--out", help="file or folder to write (default: current folder)")
    p.set_defaults(func=_submit)

    p = sub.add_parser("grade", help="grade submission files from the question banks' keys",
                       description="Grade submission files. A name that exists as a file is a "
                                   "file even if it looks like an option (so `pactlab grade * "
                                   "--out ../grades.csv` works in a folder of submissions); "
                                   "`--` ends the options.")
    p.add_argument("submissions", nargs="*", help="submission files or folders")
    p.add_argument("--out", required=True, help="grades CSV to write")
    p.add_argument("--report", help="folder for the item-analysis report")
    p.add_argument("--lessons", action="append", metavar="L1,L2",
                   help="the lessons that count in the overall `total` (default: every graded "
                        "lesson with exercise questions; the start-here tutorial does not count)")
    p.add_argument("--with-written", action="store_true",
                   help="add the scores typed into grades.written.csv to the totals")
    p.set_defaults(func=_grade)
    return parser


GRADE_OPTIONS_WITH_VALUE = ("--out", "--report", "--lessons")
GRADE_FLAGS = ("--with-written", "-h", "--help")


def files_after_options(argv: list[str]) -> list[str]:
    """`pactlab grade` arguments with every file moved after `--`, so that a file named like an
    option (`-x.json`, `--report=..`) is read as a file, never as an option. A word is an
    option if it is one of grade's options (or `--option=value`) and no file has that name;
    the exact option names are always options."""
    options, files = [], []
    words = iter(argv)
    for word in words:
        if word == "--":
            files += list(words)
            break
        is_option = word in GRADE_OPTIONS_WITH_VALUE or word in GRADE_FLAGS or (
            word.split("=", 1)[0] in GRADE_OPTIONS_WITH_VALUE and "=" in word
            and not os.path.lexists(word))
        if is_option:
            options.append(word)
            if word in GRADE_OPTIONS_WITH_VALUE:
                value = next(words, None)
                if value is not None:
                    options.append(value)
        elif word.startswith("-") and not os.path.lexists(word):
            options.append(word)  # an unknown option: argparse says so
        else:
            files.append(word)
    return options + ["--"] + files


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["grade"]:
        argv = ["grade"] + files_after_options(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, OSError) as exc:  # bad input: a sentence, not a traceback
        print(f"pactlab {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
