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
    from ..submission import hand_in, hub_inbound

    inbound = hub_inbound() if args.out is None else None
    if inbound is not None:  # on a hub whose course has an exchange: hand it in there
        path = hand_in(store, inbound, student=args.student)
        print(f"Handed in {len(store.answers)} answers to {lesson} as {term(store.student)}"
              f"{term(note)} ({term(path.name)}). Your teacher collects it from the exchange.")
        return 0
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

    # the roster (read before any work): needed for an LMS file, used by the report when given
    roster = _roster(args, required=bool(getattr(args, "format", None)))
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
        report = write_report(run, Path(args.report), paths,
                              roster=[s.student for s in roster] if roster is not None else None)
        print(f"Wrote the report {term(report)} and {len(run.banks)} chart(s).")
    if getattr(args, "format", None):
        from .lms import write_lms

        lms_out = paths["grades"].with_name(f"{paths['grades'].stem}.{args.format}.csv")
        _print_lms(write_lms(args.format, paths["grades"], roster, lms_out,
                             course=_course_id(args)), args.format)
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


def _course_id(args) -> str | None:
    from ..submission import course_id

    return getattr(args, "course", None) or course_id()


def _roster(args, required: bool = True):
    """The roster named by --roster (CSV) or --hub-api (JupyterHub groups), or None."""
    from .roster import hub_roster, read_roster

    if getattr(args, "roster", None):
        return read_roster(args.roster)
    if getattr(args, "hub_api", None):
        variable = args.token_env or "JUPYTERHUB_API_TOKEN"
        token = os.environ.get(variable, "")
        if not token:
            raise ValueError(f"--hub-api needs a token in ${variable} (a hub API token with "
                             "the scope read:groups)")
        course = _course_id(args)
        if not course:
            raise ValueError("--hub-api needs the course id (--course, or course.json)")
        return hub_roster(args.hub_api, token, course, group=args.group)
    if required:
        raise ValueError("name the roster: --roster roster.csv, or --hub-api URL for the "
                         "JupyterHub groups")
    return None


def _print_lms(done: dict, fmt: str) -> None:
    print(f"Wrote {term(done['out'])} for {fmt}: {done['students']} students on the roster, "
          f"{done['graded']} with grades; columns {', '.join(done['columns'])}.")
    if done["unknown"]:
        print(f"Not on the roster, left out: {term(', '.join(done['unknown']))}",
              file=sys.stderr)


def _link(args) -> int:
    from .link import nbgitpuller_link

    print(nbgitpuller_link(args.hub, args.repo, args.branch, args.notebook, args.target))
    return 0


def _exchange_init(args) -> int:
    from ..submission import exchange_root
    from .exchange import init_exchange

    course = _course_id(args)
    if not course:
        raise ValueError("give the course id: --course ID, or course_id in course.json")
    done = init_exchange(Path(args.exchange) if args.exchange else exchange_root(), course,
                         args.group)
    print(f"Exchange ready: {term(done['inbound'])} (mode {done['inbound_mode']:o}: students "
          f"hand in, cannot list) and {term(done['outbound'])}"
          f"{'; teachers group ' + done['group'] if done['group'] else '; collect as root'}.")
    return 0


def _collect(args) -> int:
    from ..submission import course_config, exchange_root
    from .collect import collect

    roster = _roster(args, required=False)
    lessons = sorted({n.strip() for part in args.lessons or [] for n in part.split(",")
                      if n.strip()}) or None
    prefix = args.user_prefix if args.user_prefix is not None else \
        course_config().get("user_prefix", "")
    inbound = None
    if not args.from_homes:
        course = _course_id(args)
        if not course:
            raise ValueError("give the course id (--course, or course.json), or --from-homes")
        inbound = (Path(args.exchange) if args.exchange else exchange_root()) / course / "inbound"
        if not inbound.is_dir():
            raise ValueError(f"there is no exchange at {inbound}: make it with `sudo pactlab "
                             "exchange-init`, or collect --from-homes as root")
    done = collect(args.out, inbound=inbound, homes=args.from_homes,
                   roster=[s.student for s in roster] if roster is not None else None,
                   lessons=lessons, user_prefix=prefix)
    for c in done.collected:
        if c.note:
            print(f"pactlab collect: {term(c.student)} {c.lesson}: {term(c.note)}",
                  file=sys.stderr)
    for problem in done.problems:
        print(f"pactlab collect: {term(problem)}", file=sys.stderr)
    students = len({c.student for c in done.collected})
    print(f"Collected {len(done.collected)} submissions from {students} students into "
          f"{term(done.out)} (older hand-ins left: {done.superseded}); see collected.csv.")
    if roster is not None:
        if done.missing:
            print(f"Nothing handed in ({len(done.missing)}, also in missing.csv): "
                  + term(", ".join(f"{s} {lesson}" for s, lesson in done.missing)))
        else:
            print("Everyone on the roster handed in every lesson collected.")
    return 0


def _export(args) -> int:
    from .lms import write_lms

    _print_lms(write_lms(args.format, Path(args.grades), _roster(args), Path(args.out),
                         course=_course_id(args)), args.format)
    return 0


def _roster_options(p, hub_group: bool = True) -> None:
    p.add_argument("--roster", help="roster CSV (columns student, and optionally name, id, "
                                    "login, email, section)")
    p.add_argument("--hub-api", help="JupyterHub API URL (e.g. http://127.0.0.1:8081/hub/api): "
                                     "the roster is the group nbgrader-<course>")
    p.add_argument("--token-env", help="environment variable holding the hub API token "
                                       "(default JUPYTERHUB_API_TOKEN)")
    p.add_argument("--group", help="the hub group of the students (default nbgrader-<course>)")
    p.add_argument("--course", help="course id (default: course_id in course.json)")


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
    p.add_argument("--format", choices=("canvas", "moodle", "google"),
                   help="also write grades.<format>.csv for that LMS (needs a roster)")
    _roster_options(p)
    p.set_defaults(func=_grade)

    p = sub.add_parser("feedback", help="write each student a feedback page (HTML) after "
                                        "grading")
    p.add_argument("submissions", nargs="+", help="the submission files or folders graded")
    p.add_argument("--out", required=True, help="folder for the pages, one per student")
    p.add_argument("--grades", help="the grades CSV `pactlab grade` wrote: the written scores "
                                    "and comments come from its .written.csv")
    p.set_defaults(func=feedback_cli)

    p = sub.add_parser("link", help="print the nbgitpuller link that gives students the course")
    p.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.school.org")
    p.add_argument("--repo", required=True, help="the course repository URL, without .git")
    p.add_argument("--branch", default="main", help="branch (default main)")
    p.add_argument("--notebook", required=True,
                   help="notebook to open, a path in the repository")
    p.add_argument("--target", help="folder in the students' homes (default: the repository's "
                                    "name)")
    p.set_defaults(func=_link)

    p = sub.add_parser("exchange-init", help="(root) make the course's hand-in folders on a hub")
    p.add_argument("--course", help="course id (default: course_id in course.json)")
    p.add_argument("--exchange", help="exchange folder (default $PACTLAB_EXCHANGE or "
                                      "/srv/pactlab/exchange)")
    p.add_argument("--group", help="Unix group of the teachers, who may then collect "
                                   "without root")
    p.set_defaults(func=_exchange_init)

    p = sub.add_parser("collect", help="gather the latest hand-in per student and lesson")
    p.add_argument("--out", required=True, help="folder to collect into (then pactlab grade it)")
    p.add_argument("--exchange", help="exchange folder (default $PACTLAB_EXCHANGE or "
                                      "/srv/pactlab/exchange)")
    p.add_argument("--from-homes", action="store_true",
                   help="(root, one server) read every student's answers folder instead")
    p.add_argument("--lessons", action="append", metavar="L1,L2", help="only these lessons")
    p.add_argument("--user-prefix", help="Unix user name prefix before the hub user name "
                                         "(TLJH: jupyter-; default: user_prefix in course.json)")
    _roster_options(p)
    p.set_defaults(func=_collect)

    p = sub.add_parser("export", help="write grades.csv in the CSV layout an LMS imports")
    p.add_argument("format", choices=("canvas", "moodle", "google"))
    p.add_argument("--grades", required=True, help="the grades.csv pactlab grade wrote")
    p.add_argument("--out", required=True, help="CSV to write")
    _roster_options(p)
    p.set_defaults(func=_export)
    return parser


GRADE_OPTIONS_WITH_VALUE = ("--out", "--report", "--lessons", "--format", "--roster",
                            "--hub-api", "--token-env", "--group", "--course")
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
