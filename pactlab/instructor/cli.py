"""The `pactlab` command (also `python -m pactlab`): one subcommand per job. This module owns
argument parsing, printing and exit codes; the library functions it calls return results."""
from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any


def term(text: Any) -> str:
    """Text made safe to print on a terminal: control and invisible format characters (escape
    sequences, bidi overrides, zero-width marks) are shown as escapes, never sent raw; line
    breaks stay line breaks."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf") or c in " \n"
                   else (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
                   for c in str(text))


def submit_cli(args) -> int:
    """`pactlab submit LESSON [--student NAME] [--out FILE_OR_FOLDER]`."""
    from ..bank import bank_path, course_root, load_bank
    from ..store import AnswerStore, hub_user, safe_name
    from ..submission import write_submission

    lesson = args.lesson
    if lesson.endswith(".ipynb"):
        lesson = Path(lesson).stem
    if not bank_path(lesson).exists():
        load_bank(lesson)  # raises FileNotFoundError naming the known lessons
    hub = hub_user()
    if hub and args.student and safe_name(args.student) != safe_name(hub):
        raise ValueError(f"on this JupyterHub you are {hub!r}: submissions carry your hub user "
                         "name; leave out --student")
    print(f"Course: {term(course_root())}")
    store = AnswerStore(lesson, student=args.student)
    note = ""
    if not store.path.exists() and args.student:
        # Shared logins (Binder, many hubs: everyone is "jovyan") save answers under the login
        # name: read those, and write the name given into the submission.
        default = AnswerStore(lesson)
        if default.path.exists():
            store, note = default, f" (read from the answers saved as {default.student!r})"
    if not store.path.exists():
        raise ValueError(f"no saved answers for lesson {lesson!r} as student {store.student!r} "
                         f"(looked for {store.path}). Use --student with the name your notebooks "
                         "used (the PACTLAB_STUDENT setting, or your login name), or answer a "
                         "question first.")
    path = write_submission(store, args.out, student=args.student)
    print(f"Wrote {term(path)}: {len(store.answers)} answers to {lesson} by "
          f"{term(safe_name(args.student) if args.student else store.student)}{term(note)}. "
          "Hand this file to your instructor.")
    return 0


def grade_cli(args) -> int:
    """`pactlab grade SUBMISSIONS... --out grades.csv [--report DIR] [--lessons L1,L2]
    [--with-written]`."""
    from ..bank import course_root
    from .report import _n, files_text, group_issues, write_report
    from .results import default_total_lessons, write_results
    from .scoring import grade_files
    from .submissions import student_key

    print(f"Course: {term(course_root())} (its questions/ hold the keys the scores come from)")
    run = grade_files(args.submissions)
    if not run.files_seen and not run.graded:
        for issue in run.issues:
            print(f"pactlab grade: {term(issue.file)}: {term(issue.reason)}", file=sys.stderr)
        raise ValueError("no submission files found: name .pactlab.json files or folders "
                         "holding them")
    lessons = None
    if getattr(args, "lessons", None):
        lessons = sorted({name.strip() for part in args.lessons for name in part.split(",")
                          if name.strip()})
    paths = write_results(run, Path(args.out), lessons=lessons,
                          with_written=getattr(args, "with_written", False))
    for grp in group_issues(run.issues):  # one line per kind of problem, not one per file
        where = files_text(grp.files) if len(grp.files) > 1 else grp.files[0]
        count = f"{len(grp.files)} files " if len(grp.files) > 1 else ""
        if grp.question:
            where += f" [{grp.question}]"
        print(f"pactlab grade: {grp.level}: {count}{term(where)}: {term(grp.reason)}",
              file=sys.stderr)
    students = len({student_key(g.submission.student) for g in run.graded})
    failed = run.failed_files
    counted = lessons if lessons is not None else default_total_lessons(run.banks)
    print(f"Graded {_n(len(run.graded), 'submission file')} from {_n(students, 'student')} "
          f"({', '.join(sorted(run.banks)) or 'no lessons'}).")
    print(f"Wrote {term(paths['grades'])} (one row per student; total over "
          f"{', '.join(counted) or 'no lesson'}"
          f"{', written answers included' if getattr(args, 'with_written', False) else ''}), "
          f"{term(paths['long'].name)} (one row per answer), {term(paths['written'].name)} "
          f"(written answers to grade, with a score and a comment column"
          f"{'; rubrics in ' + term(paths['rubric'].name) if 'rubric' in paths else ''}) and "
          f"{term(paths['errors'].name)} "
          f"({_n(len(run.issues), 'problem')}).")
    if getattr(args, "report", None):
        import matplotlib

        matplotlib.use("Agg")  # files only, never a window
        report = write_report(run, Path(args.report), paths)
        print(f"Wrote the report {term(report)} and {len(run.banks)} chart(s).")
    if failed:
        print(f"{_n(len(failed), 'file')} could not be graded: see {term(paths['errors'])}",
              file=sys.stderr)
        return 1
    return 0


def feedback_cli(args) -> int:
    """`pactlab feedback SUBMISSIONS... --out DIR [--grades grades.csv]`."""
    from ..bank import course_root
    from .feedback import write_feedback
    from .report import _n
    from .scoring import grade_files

    print(f"Course: {term(course_root())}")
    run = grade_files(args.submissions)
    if not run.graded:
        raise ValueError("no submission could be graded: name the .pactlab.json files or "
                         "folders you graded with pactlab grade")
    pages = write_feedback(run, Path(args.out), Path(args.grades) if args.grades else None)
    for issue in run.issues:
        if issue.level != "skipped" and not issue.reason.startswith("duplicate"):
            print(f"pactlab feedback: {issue.level}: {term(issue.file)}: {term(issue.reason)}",
                  file=sys.stderr)
    print(f"Wrote {_n(len(pages), 'feedback page')} into {term(args.out)} (one HTML file per "
          "student, named after them)"
          + ("" if args.grades else "; without --grades, written answers show as not graded")
          + ".")
    return 0


def _assign(args) -> int:
    from .authoring import assign

    done = assign(check=args.check)
    for note in done.notes:
        print(note)
    for problem in done.problems:
        print(problem, file=sys.stderr)
    if done.ok:
        if args.check:
            print("questions/ and exercises/ are in sync with solutions/")
        elif not done.notes:
            print("questions/ and exercises/ were already up to date")
    return 0 if done.ok else 1


def _check_data(args) -> int:
    from .check_data import check_data_cli

    return check_data_cli(args)


def _release(args) -> int:
    from .authoring import release

    summary = release(Path(args.out), assessment=args.assessment,
                      make_zip=getattr(args, "zip", False))
    kind = "assessment (no answer keys)" if summary["assessment"] else "practice (with feedback)"
    counts = ", ".join(f"{k}/ {v} files" for k, v in summary["counts"].items())
    print(f"Wrote the {kind} release to {term(summary['out'])}: {counts}.")
    if "zip" in summary:
        print(f"Wrote {term(summary['zip'])}.")
    if summary["assessment"]:
        print("Checked: no graded exercise question's key, explanation or feedback is in any "
              "file of the bundle.")
    return 0


def _submit(args) -> int:
    return submit_cli(args)


def _grade(args) -> int:
    return grade_cli(args)


def _answer_key(args) -> int:
    from .answer_key import answer_key_cli

    return answer_key_cli(args)


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

    p = sub.add_parser("answer-key", help="write docs/answer_key.md from the master banks")
    p.add_argument("--check", action="store_true",
                   help="write nothing; fail if docs/answer_key.md is out of date")
    p.set_defaults(func=_answer_key)

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

    p = sub.add_parser("feedback", help="write each student a feedback page (HTML) after "
                                        "grading")
    p.add_argument("submissions", nargs="+", help="the submission files or folders graded")
    p.add_argument("--out", required=True, help="folder for the pages, one per student")
    p.add_argument("--grades", help="the grades CSV `pactlab grade` wrote: the written scores "
                                    "and comments come from its .written.csv")
    p.set_defaults(func=feedback_cli)
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
        print(f"pactlab {args.command}: {term(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
