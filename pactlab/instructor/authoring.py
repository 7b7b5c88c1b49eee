"""Authoring: build what students get from what instructors write.

Instructors write two kinds of masters, both in `solutions/`:

    solutions/questions/<lesson>.yaml   master question banks (answers, explanations, feedback)
    solutions/<lesson>_solutions.ipynb  answered exercise notebooks (one per lesson that has one)

`pactlab assign` builds from them, deterministically (same masters, same bytes):

    questions/<lesson>.json             compiled banks, keys encoded (see `pactlab.bank`)
    exercises/<lesson>_exercises.ipynb  exercise notebooks, answers taken out

How a master marks what students must not see (nbgrader-like):

  * a cell with the tag `solution` is removed, whole. Such cells usually answer a question in
    code: `course.question("summit-arrival").answer("b")`;
  * inside a kept code cell, the lines from `# BEGIN SOLUTION` to `# END SOLUTION` (markers
    included) become one line `# Your code here`, indented like the BEGIN line;
  * inside a kept Markdown cell, the lines from `<!-- BEGIN SOLUTION -->` to
    `<!-- END SOLUTION -->` become `*Your answer here.*`.

What happens to outputs: a cell that was changed loses its outputs and execution count. An
unchanged code cell keeps the master's outputs (so GitHub shows the question as text) unless it
comes after the first removed or changed cell, where an output could show a result that solution
code computed: there only question and progress renderings are kept. Tag a cell `keep-output`
to keep its outputs anyway. Cell ids are the master's; notebook metadata is normalised.

`pactlab assign --check` writes nothing and fails, naming the notebook and the cell id (or the
bank), when `questions/` or `exercises/` differ from what the masters produce.

`pactlab release --out DIR [--assessment]` makes the bundle students get (never `solutions/`).
"""
from __future__ import annotations

import html as _html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import SECRET_FIELDS, SECRET_PREFIX, course_root, decode_secret, is_assessed
from .masters import compile_master, dump_bank, read_master, strip_secrets

SOLUTION_TAG = "solution"
KEEP_OUTPUT_TAG = "keep-output"
CODE_BEGIN = re.compile(r"^(\s*)#+\s*BEGIN SOLUTION\s*$")
CODE_END = re.compile(r"^\s*#+\s*END SOLUTION\s*$")
CODE_PLACEHOLDER = "# Your code here"
MD_BEGIN = re.compile(r"^(\s*)<!--\s*BEGIN SOLUTION\s*-->\s*$")
MD_END = re.compile(r"^\s*<!--\s*END SOLUTION\s*-->\s*$")
MD_PLACEHOLDER = "*Your answer here.*"
QUESTION_CALL = re.compile(r"""\.question\(\s*(?:qid\s*=\s*)?["']([^"']+)["']""")
START_CALL = re.compile(r"""\bstart\(\s*(?:name\s*=\s*)?["']([^"']+)["']""")
CELL_METADATA_KEPT = ("tags", "editable", "deletable")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3"}
# Outputs that only show a question or the progress summary (safe after a solution cell).
STATIC_RENDERING = re.compile(r"^<div class='pactlab-static'>|^<p><b>Progress</b> for ")


def master_banks(root: Path) -> list[Path]:
    return sorted((root / "solutions" / "questions").glob("*.yaml"))


MASTER_SUFFIX = "_solutions"
EXERCISE_SUFFIX = "_exercises"


def master_notebooks(root: Path) -> list[Path]:
    """The answered exercise notebooks: `solutions/<lesson>_solutions.ipynb`."""
    return sorted(p for p in (root / "solutions").glob(f"*{MASTER_SUFFIX}.ipynb"))


def lesson_of_master(master_path: Path) -> str:
    """`solutions/01_summit_solutions.ipynb` -> `01_summit` (the lesson and its bank)."""
    return master_path.stem.removesuffix(MASTER_SUFFIX)


def exercise_name(lesson: str) -> str:
    """The generated exercise notebook's file name: `01_summit_exercises.ipynb`, so that its tab
    in JupyterLab differs from the lesson's `01_summit.ipynb`."""
    return f"{lesson}{EXERCISE_SUFFIX}.ipynb"


def compiled_masters(root: Path) -> dict[str, dict]:
    """lesson -> compiled bank, from the YAML masters (nothing written)."""
    out = {}
    for master_path in master_banks(root):
        out[master_path.stem] = compile_master(read_master(master_path),
                                               str(master_path.relative_to(root)))
    return out


def build_banks(root: Path | None = None, check: bool = False,
                notes: list[str] | None = None) -> list[str]:
    """Compile every master bank. With check, write nothing and return the differences;
    otherwise add a line to `notes` for each bank written."""
    root = root or course_root()
    problems = []
    ids: dict[str, Path] = {}
    for master_path in master_banks(root):
        master = read_master(master_path)
        compiled = compile_master(master, str(master_path.relative_to(root)))
        for q in compiled["questions"]:
            if q["id"] in ids:
                raise ValueError(f"{master_path}: question id {q['id']!r} is already used in "
                                 f"{ids[q['id']]}; ids must be unique across the course")
            ids[q["id"]] = master_path
        if compiled["lesson"] != master_path.stem:
            raise ValueError(f"{master_path}: lesson is {compiled['lesson']!r} but the file is "
                             f"named {master_path.name}; make them match")
        text = dump_bank(compiled)
        target = root / "questions" / f"{master_path.stem}.json"
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                problems.append(f"{target.relative_to(root)} is out of date with "
                                f"{master_path.relative_to(root)}: run `pactlab assign`")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                if notes is not None:
                    notes.append(f"wrote {target.relative_to(root)}")
    return problems


# --------------------------------------------------------------------------------------------
# Exercises: a pipeline of small preprocessors, one transformation each (as in nbgrader).
@dataclass
class Context:
    """What the preprocessors share while one master becomes one exercise notebook."""

    master: str                      # "solutions/01_summit_solutions.ipynb"
    target: str                      # "exercises/01_summit_exercises.ipynb"
    lesson: str
    bank: dict | None                # compiled bank of the lesson (from its YAML master)
    removed: list[str] = field(default_factory=list)   # ids of removed solution cells
    changed: set[str] = field(default_factory=set)     # ids of cells whose source changed
    problems: list[str] = field(default_factory=list)
    master_cells: list = field(default_factory=list)   # the master's cells, untouched
    master_order: list[str] = field(default_factory=list)  # the master's cell ids, in order

    def problem(self, cell_id: str | None, message: str) -> None:
        where = f"{self.master}, cell {cell_id!r}" if cell_id else self.master
        self.problems.append(f"{where}: {message}")


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


class Preprocessor:
    """One transformation of a notebook (nbformat 4.5 NotebookNode), in place."""

    def __call__(self, nb, ctx: Context):
        raise NotImplementedError


class CheckStructure(Preprocessor):
    """Masters must be nbformat 4.5+ with a unique id on every cell (ids stay stable)."""

    def __call__(self, nb, ctx):
        if nb.get("nbformat") != 4 or nb.get("nbformat_minor", 0) < 5:
            ctx.problem(None, f"is nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}; "
                              "cell ids need 4.5 or later: open and save it in JupyterLab 4")
            return nb
        seen = set()
        for n, cell in enumerate(nb.cells, start=1):
            cid = cell.get("id")
            if not cid:
                ctx.problem(None, f"cell {n} has no id: open and save the master in JupyterLab 4")
            elif cid in seen:
                ctx.problem(cid, "the id is used twice (cells must have unique ids); "
                                 "change one of them")
            seen.add(cid)
        return nb


class RemoveSolutionCells(Preprocessor):
    """Drop every cell tagged `solution`."""

    def __call__(self, nb, ctx):
        kept = []
        for cell in nb.cells:
            if SOLUTION_TAG in _tags(cell):
                ctx.removed.append(cell.get("id"))
            else:
                kept.append(cell)
        nb.cells = kept
        return nb


class ReplaceSolutionRegions(Preprocessor):
    """`# BEGIN SOLUTION` ... `# END SOLUTION` -> `# Your code here` (Markdown: HTML comments)."""

    def __call__(self, nb, ctx):
        for cell in nb.cells:
            if cell.cell_type == "code":
                begin, end, placeholder = CODE_BEGIN, CODE_END, CODE_PLACEHOLDER
            elif cell.cell_type == "markdown":
                begin, end, placeholder = MD_BEGIN, MD_END, MD_PLACEHOLDER
            else:
                continue
            new = self.replace(cell.source, begin, end, placeholder, cell.get("id"), ctx)
            if new is not None and new != cell.source:
                cell.source = new
                ctx.changed.add(cell.get("id"))
        return nb

    @staticmethod
    def replace(source, begin, end, placeholder, cell_id, ctx):
        out, inside, opened_at = [], False, 0
        lines = source.split("\n")
        for n, line in enumerate(lines, start=1):
            if begin.match(line):
                if inside:
                    ctx.problem(cell_id, f"line {n}: BEGIN SOLUTION inside another solution "
                                         f"region (opened on line {opened_at}); close it first")
                    return None
                inside, opened_at = True, n
                out.append(begin.match(line)[1] + placeholder)
            elif end.match(line):
                if not inside:
                    ctx.problem(cell_id, f"line {n}: END SOLUTION without a BEGIN SOLUTION "
                                         "above it")
                    return None
                inside = False
            elif not inside:
                out.append(line)
        if inside:
            ctx.problem(cell_id, f"line {opened_at}: BEGIN SOLUTION is never closed; add an "
                                 "END SOLUTION line")
            return None
        return "\n".join(out)


class ClearChangedOutputs(Preprocessor):
    """A changed code cell shows no outputs and no execution count."""

    def __call__(self, nb, ctx):
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("id") in ctx.changed:
                cell.outputs = []
                cell.execution_count = None
        return nb


class ClearDependentOutputs(Preprocessor):
    """After the first removed or changed cell, keep only question and progress renderings."""

    @staticmethod
    def is_static_rendering(output) -> bool:
        if output.get("output_type") not in ("display_data", "execute_result"):
            return False
        html = output.get("data", {}).get("text/html", "")
        if isinstance(html, list):
            html = "".join(html)
        return bool(STATIC_RENDERING.match(html))

    def __call__(self, nb, ctx):
        if not ctx.removed and not ctx.changed:
            return nb
        master_ids = ctx.master_order  # set by build_exercise
        first = min([master_ids.index(i) for i in ctx.removed + sorted(ctx.changed)
                     if i in master_ids], default=None)
        if first is None:
            return nb
        for cell in nb.cells:
            if cell.cell_type != "code" or cell.get("id") in ctx.changed:
                continue
            if master_ids.index(cell.get("id")) < first or KEEP_OUTPUT_TAG in _tags(cell):
                continue
            kept = [o for o in cell.outputs if self.is_static_rendering(o)]
            if len(kept) != len(cell.outputs):
                cell.outputs = kept
                if not kept:
                    cell.execution_count = None
        return nb


class NormaliseMetadata(Preprocessor):
    """Fixed notebook metadata; cell metadata reduced to tags, editable and deletable."""

    def __call__(self, nb, ctx):
        nb.nbformat, nb.nbformat_minor = 4, 5
        nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO),
                       "pactlab": {"generated_from": ctx.master, "lesson": ctx.lesson}}
        for cell in nb.cells:
            meta = {k: cell.metadata[k] for k in CELL_METADATA_KEPT if k in cell.metadata}
            if "tags" in meta:
                meta["tags"] = [t for t in meta["tags"] if t not in (SOLUTION_TAG,
                                                                     KEEP_OUTPUT_TAG)]
                if not meta["tags"]:
                    del meta["tags"]
            cell.metadata = meta
            if cell.cell_type == "code":
                for output in cell.outputs:
                    output.pop("transient", None)
        return nb


class CheckQuestions(Preprocessor):
    """Every question a master uses is in its bank; every exercise question is in the notebook."""

    def __call__(self, nb, ctx):
        bank_path = f"solutions/questions/{ctx.lesson}.yaml"
        if ctx.bank is None:
            ctx.problem(None, f"has no question bank: write {bank_path} (the bank is named "
                              "after the notebook)")
            return nb
        known = {q["id"]: q for q in ctx.bank["questions"]}
        for cell in ctx.master_cells:
            if cell.cell_type != "code":
                continue
            for lesson in START_CALL.findall(cell.source):
                if lesson != ctx.lesson:
                    ctx.problem(cell.get("id"), f"starts lesson {lesson!r}, but this notebook "
                                                f"is {ctx.lesson}; use pactlab.start("
                                                f"{ctx.lesson!r}, part=\"exercises\")")
            for qid in QUESTION_CALL.findall(cell.source):
                if qid not in known:
                    ctx.problem(cell.get("id"), f"uses question {qid!r}, which is not in "
                                                f"{bank_path}; add it there or fix the id")
        shown = {qid for cell in nb.cells if cell.cell_type == "code"
                 for qid in QUESTION_CALL.findall(cell.source)}
        for qid, q in known.items():
            if q.get("part") == "exercises" and qid not in shown:
                ctx.problem(None, f"question {qid!r} of {bank_path} has part: exercises but no "
                                  f"cell of {ctx.target} shows it: add a cell "
                                  f"`course.question({qid!r})` outside the solution cells")
        return nb


class CheckNoKeys(Preprocessor):
    """No exercise cell may show an explanation, feedback or rubric text of the lesson's bank."""

    def __call__(self, nb, ctx):
        blobs = [(cell.get("id"), json.dumps({"s": cell.source, "o": cell.get("outputs", [])},
                                             ensure_ascii=False)) for cell in nb.cells]
        for where, text in secret_texts(ctx.bank):
            needles = {json.dumps(n, ensure_ascii=False)[1:-1]
                       for n in (text, _html.escape(text, quote=False), _html.escape(text))}
            for cell_id, blob in blobs:
                if any(n in blob for n in needles):
                    ctx.problem(cell_id, f"shows the {where} in {ctx.target}: tag the cell "
                                         "`solution` or clear its output")
        return nb


def secret_texts(bank: dict | None, minimum: int = 20,
                 assessed_only: bool = False) -> list[tuple[str, str]]:
    """(description, text) of the key texts of a compiled bank long enough to search for
    (with `assessed_only`, of its graded exercise questions only)."""
    out = []
    for q in (bank or {}).get("questions", []):
        if "secret" not in q or (assessed_only and not is_assessed(q)):
            continue
        secret = decode_secret(q["secret"], q["id"])
        texts = [("explanation", secret.get("explanation")), ("rubric", secret.get("rubric"))]
        texts += [(f"feedback for {k!r}", v) for k, v in (secret.get("feedback") or {}).items()]
        for name, text in texts:
            if isinstance(text, str) and len(text.strip()) >= minimum:
                out.append((f"{name} of question {q['id']!r}", text.strip()))
    return out


PIPELINE: list[Preprocessor] = [CheckStructure(), RemoveSolutionCells(), ReplaceSolutionRegions(),
                                ClearChangedOutputs(), ClearDependentOutputs(),
                                NormaliseMetadata(), CheckQuestions(), CheckNoKeys()]


def write_notebook_text(nb) -> str:
    """The fixed JSON layout of every generated notebook (nbformat's, with a final newline)."""
    import nbformat

    return nbformat.writes(nb, version=nbformat.NO_CONVERT) + "\n"


def build_exercise(master_path: Path, root: Path, bank: dict | None) -> tuple[str | None, Context]:
    """Run the pipeline on one master. Returns (notebook text or None on problems, context)."""
    import copy

    import nbformat

    lesson = lesson_of_master(master_path)
    ctx = Context(master=master_path.relative_to(root).as_posix(),
                  target=f"exercises/{exercise_name(lesson)}", lesson=lesson, bank=bank)
    try:
        nb = nbformat.reads(master_path.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises several kinds for an unreadable notebook
        ctx.problem(None, f"cannot be read as a notebook ({exc})")
        return None, ctx
    ctx.master_cells = copy.deepcopy(nb.cells)
    ctx.master_order = [c.get("id") for c in nb.cells]
    for step in PIPELINE:
        nb = step(nb, ctx)
        if ctx.problems and isinstance(step, CheckStructure):
            return None, ctx
    if ctx.problems:
        return None, ctx
    return write_notebook_text(nb), ctx


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _comparable(cell: dict) -> dict:
    out = {k: v for k, v in cell.items() if k != "source"}
    out["source"] = _source(cell)
    for o in out.get("outputs", []):
        for mime, value in o.get("data", {}).items():
            if isinstance(value, list):
                o["data"][mime] = "".join(value)
        if isinstance(o.get("text"), list):
            o["text"] = "".join(o["text"])
    return out


def diff_notebook(expected: str, target: Path, rel: str, master: str) -> list[str]:
    """Where the notebook file differs from the expected text, cell by cell."""
    fix = f"run `pactlab assign` (never edit {rel} by hand: edit {master})"
    if not target.exists():
        return [f"{rel} is missing: {fix}"]
    actual_text = target.read_text(encoding="utf-8", errors="replace")
    if actual_text == expected:
        return []
    try:
        actual = json.loads(actual_text)
    except json.JSONDecodeError as exc:
        return [f"{rel} is not valid JSON (line {exc.lineno}): {fix}"]
    want = json.loads(expected)
    have_cells = actual.get("cells", []) if isinstance(actual, dict) else []
    out = []
    have = {c.get("id"): c for c in have_cells if isinstance(c, dict)}
    wanted = {c["id"]: c for c in want["cells"]}
    for cid, cell in wanted.items():
        if cid not in have:
            out.append(f"{rel}, cell {cid!r}: missing (it is in {master})")
            continue
        a, b = _comparable(cell), _comparable(have[cid])
        parts = [k for k in ("cell_type", "source", "outputs", "execution_count", "metadata")
                 if a.get(k) != b.get(k)]
        if parts:
            out.append(f"{rel}, cell {cid!r}: {', '.join(parts)} "
                       f"differ{'s' if len(parts) == 1 else ''} from what {master} produces")
    for cid in have:
        if cid not in wanted:
            out.append(f"{rel}, cell {cid!r}: not in what {master} produces "
                       "(a hand-added cell, or a solution cell that must not be there)")
    if not out and [c.get("id") for c in have_cells] != list(wanted):
        out.append(f"{rel}: the cells are in a different order than in {master}")
    if not out and isinstance(actual, dict) and (actual.get("metadata") != want["metadata"]
                                                 or actual.get("nbformat_minor")
                                                 != want["nbformat_minor"]):
        out.append(f"{rel}: the notebook metadata differs from what {master} produces")
    if not out:
        out.append(f"{rel}: the file's layout differs (it was not written by pactlab assign)")
    return [f"{line}: {fix}" for line in out]


def build_exercises(root: Path | None = None, check: bool = False) -> tuple[list[str], list[str]]:
    """Build exercises/ from solutions/*.ipynb. Returns (problems, notes of what was written)."""
    root = root or course_root()
    banks = compiled_masters(root)
    problems, notes = [], []
    masters = master_notebooks(root)
    names = {exercise_name(lesson_of_master(m)) for m in masters}
    for stray in sorted((root / "solutions").glob("*.ipynb")):
        if stray not in masters:
            problems.append(f"solutions/{stray.name} is not a master: a master is named "
                            f"<lesson>{MASTER_SUFFIX}.ipynb; rename it to "
                            f"solutions/{stray.stem}{MASTER_SUFFIX}.ipynb")
    for master_path in masters:
        text, ctx = build_exercise(master_path, root, banks.get(lesson_of_master(master_path)))
        problems += ctx.problems
        if text is None:
            continue
        target = root / ctx.target
        if check:
            problems += diff_notebook(text, target, ctx.target, ctx.master)
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
            notes.append(f"wrote {ctx.target} ({len(ctx.removed)} solution cells removed, "
                         f"{len(ctx.changed)} cells with answers blanked)")
    for orphan in sorted((root / "exercises").glob("*.ipynb")):
        if orphan.name not in names:
            lesson = orphan.stem.removesuffix(EXERCISE_SUFFIX)
            problems.append(f"exercises/{orphan.name} has no master "
                            f"solutions/{lesson}{MASTER_SUFFIX}.ipynb: "
                            "delete it or add the master (exercises/ is generated)")
    return problems, notes


@dataclass
class Assigned:
    """What `assign` did: a note per file written, a problem per file out of date or wrong."""

    notes: list[str]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def assign(check: bool = False, root: Path | None = None) -> Assigned:
    """questions/ and exercises/ from solutions/ (with check, write nothing and report what is
    out of date)."""
    root = root or course_root()
    notes: list[str] = []
    problems = build_banks(root, check=check, notes=notes)
    ex_problems, ex_notes = build_exercises(root, check=check)
    return Assigned(notes + ex_notes, problems + ex_problems)


# --------------------------------------------------------------------------------------------
# Release: the bundle students get.
RELEASE_DIRS = ("notebooks", "exercises", "data", "binder", "constraints")
RELEASE_FILES = ("pyproject.toml", "environment.yml", "LICENSE", "LICENSE.md",
                 "LICENSE.txt", "apt.txt", "postBuild", "runtime.txt")
RELEASE_GLOBS = ("requirements*.txt", "constraints*.txt")
SKIP_NAMES = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}
RELEASE_MARKER = "RELEASE.md"
RELEASE_README = "README.md"  # written for students by student_readme(), not the course's own
ENCODED_SECRET = re.compile(re.escape(SECRET_PREFIX).encode() + rb"[A-Za-z0-9+/=]{12,}")


def _skip(path: Path) -> bool:
    return path.name in SKIP_NAMES or path.suffix == ".pyc" or path.name.endswith(".tmp")


def _copy_tree(src: Path, dst: Path) -> int:
    count = 0
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(_skip(Path(part)) for part in rel.parts):
            continue
        if path.is_dir():
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dst / rel)
        count += 1
    return count


def _package_dir(root: Path) -> Path:
    here = root / "pactlab"
    return here if (here / "__init__.py").exists() else Path(__file__).resolve().parents[1]


def key_needles(root: Path) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """What an assessment bundle must not contain: (texts, answers).

    texts: every explanation, feedback and rubric text of every bank (written for the key only,
    so they must appear in no file at all); answers: each answer that is a distinctive string
    (six characters or more, and not a word of any question's public text), which must not
    appear in questions/ (elsewhere an answer such as a date may be plain course content, as in
    a data table students compute it from)."""
    texts, answers, banks = [], [], []
    for path in sorted((root / "questions").glob("*.json")):
        banks.append((path, json.loads(path.read_text(encoding="utf-8"))))
    public = json.dumps([{k: v for k, v in q.items() if k != "secret"}
                         for _, bank in banks for q in bank["questions"]], ensure_ascii=False)
    for path, bank in banks:
        for where, text in secret_texts(bank, assessed_only=True):
            texts.append((f"the {where} ({path.name})", text.encode("utf-8")))
        for q in bank["questions"]:
            if "secret" not in q or not is_assessed(q):
                continue
            answer = decode_secret(q["secret"], q["id"]).get("answer")
            for value in distinctive_strings(answer):
                if value not in public:
                    answers.append((f"the answer of question {q['id']!r} ({path.name})",
                                    value.encode("utf-8")))
    return texts, answers


def distinctive_strings(answer, minimum: int = 6) -> list[str]:
    """Strings in an answer key long enough to be searched for without false alarms."""
    if isinstance(answer, str):
        return [answer] if len(answer) >= minimum else []
    if isinstance(answer, dict):
        return [s for v in answer.values() for s in distinctive_strings(v, minimum)]
    if isinstance(answer, list):
        return [s for v in answer for s in distinctive_strings(v, minimum)]
    return []


def scan_for_keys(bundle: Path, texts: list[tuple[str, bytes]],
                  answers: list[tuple[str, bytes]] = ()) -> list[str]:
    """Files of the bundle that contain an encoded secret or a key text; banks that contain a
    key field or an answer."""
    found = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        data = path.read_bytes()
        rel = path.relative_to(bundle).as_posix()
        is_bank = rel.startswith("questions/") and path.suffix == ".json"
        if not is_bank and ENCODED_SECRET.search(data):
            found.append(f"{rel} contains an encoded answer key ({SECRET_PREFIX}...)")
        for where, needle in texts:
            if needle in data:
                found.append(f"{rel} contains {where}")
        if is_bank:
            bank = json.loads(data)
            for q in bank.get("questions", []):
                # practice questions (the tutorial, a lesson's self-checks) keep their keys
                fields = sorted(set(q) & {"secret", *SECRET_FIELDS}) if is_assessed(q) else \
                    sorted(set(q) & set(SECRET_FIELDS))
                if fields:
                    found.append(f"{rel}: question {q.get('id')!r} has {', '.join(fields)}")
            for where, needle in answers:
                if needle in data:
                    found.append(f"{rel} contains {where}")
    return found


def _release_mode(assessment: bool) -> str:
    return ("an assessment release: it contains no answer keys. When you check an answer, it "
            "is saved and you are told that feedback comes after your instructor has graded the "
            "work" if assessment else
            "a practice release: every question gives feedback as soon as you check an answer")


def release_text(assessment: bool, lessons: list[str]) -> str:
    """RELEASE.md: what this bundle is (it also marks the folder as a release)."""
    from .. import __version__

    return "\n".join([
        "# Course release",
        "",
        f"Version {__version__} of the course, {_release_mode(assessment)}.",
        "",
        f"Lessons with questions: {', '.join(lessons) or 'none'}.",
        "",
        f"How to install and start it: see {RELEASE_README}.",
        "",
    ])


def install_commands(constraints: bool) -> list[str]:
    """The commands of the bundle's README that set it up and start it, one a line, for a
    POSIX shell in the bundle's folder (the README gives the Windows spelling beside them)."""
    pins = " -c constraints.txt" if constraints else ""
    return ["python3 -m venv .venv",
            f'.venv/bin/python -m pip install -e ".[lab]"{pins}',
            ".venv/bin/jupyter lab notebooks/00_start_here.ipynb"]


def student_readme(assessment: bool, lessons: list[str], constraints: bool,
                   conda: bool) -> str:
    """README.md of the bundle: for students, with instructions that work in the bundle."""
    commands = install_commands(constraints)
    windows = [c.replace(".venv/bin/", ".venv\\Scripts\\").replace("python3 -m", "py -m")
               for c in commands]
    lines = [
        "# The Putin–Kim summit and the Russia–DPRK treaty: the course",
        "",
        "A course in Jupyter notebooks about the June 2024 summit in Pyongyang and the treaty "
        "signed there. It needs no Python experience. This copy is "
        f"{_release_mode(assessment)}.",
        "",
        "## What is here",
        "",
        "- `notebooks/`: the lessons. Start with `notebooks/00_start_here.ipynb`.",
        "- `exercises/`: one exercise notebook per lesson, to practise and hand in.",
        "- `data/`: the tables the lessons and exercises load.",
        "- `questions/`: the question banks the notebooks load.",
        "- `pactlab/`: the small Python package behind the questions and charts.",
        "",
        f"Lessons with questions: {', '.join(lessons) or 'none'}.",
        "",
        "## Start the course",
        "",
        "You need Python 3.10 or newer (3.11 is best). The first time, open a terminal in this "
        "folder and run these three commands: the first two install the course and JupyterLab "
        "into a folder `.venv/` here (a few minutes), the third opens the course in your "
        "browser.",
        "",
        "```bash",
        *commands,
        "```",
        "",
        "On Windows (in PowerShell or the Command Prompt):",
        "",
        "```",
        *windows,
        "```",
        "",
        "Next time, only the last command is needed. If no browser opens, copy the address that "
        "starts with `http://127.0.0.1:8888/lab` from the terminal into your browser. To stop, "
        "press **Ctrl+C** twice in the terminal.",
        "",
    ]
    if conda:
        lines += [
            "With conda instead: `conda env create -f environment.yml`, then "
            "`conda activate pactlab` and `jupyter lab notebooks/00_start_here.ipynb`. The same "
            "file lets Binder run the course in a browser with nothing to install.",
            "",
        ]
    lines += [
        "## Where your answers go, and how to hand them in",
        "",
        "Your answers are saved as you give them, and come back when you run a notebook again; "
        "the progress box at the top of each notebook shows the file. When you have finished a "
        "notebook, press **Export submission** in its progress box (it writes a file such as "
        "`01_summit__your_name.pactlab.json` next to the notebook), or run",
        "",
        "    .venv/bin/pactlab submit 01_summit --student \"your name\"",
        "",
        "and hand the `.pactlab.json` file to your instructor.",
        "",
    ]
    return "\n".join(lines)


def _is_publishers(entry: Path) -> bool:
    """Top-level entries of a release folder that a release never writes and never removes: the
    publisher's own `.git`, `.github`, `.gitignore` and other dot-files."""
    return entry.name.startswith(".")


def _replace_contents(new: Path, out: Path) -> None:
    """Give `out` the contents of `new` (then removed): every release file is replaced, files no
    longer part of the release go, and the publisher's dot-files (`.git` first) stay."""
    for entry in sorted(out.iterdir()):
        if _is_publishers(entry):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(new.iterdir()):
        entry.rename(out / entry.name)
    new.rmdir()


def release(out: Path, assessment: bool = False, root: Path | None = None,
            make_zip: bool = False) -> dict:
    """Write the student bundle into `out`. Returns a summary. Raises ValueError on problems."""
    root = (root or course_root()).resolve()
    out = Path(out).resolve()
    if out == root or out in root.parents:
        raise ValueError(f"--out {out} is the course folder or contains it: choose a new folder, "
                         "for example release/")
    for forbidden in ("solutions", "questions", "notebooks", "exercises", "data", "pactlab"):
        if out == root / forbidden or root / forbidden in out.parents:
            raise ValueError(f"--out {out} is inside the course's {forbidden}/ folder: choose "
                             "another folder, for example release/")
    if out.exists() and (not out.is_dir() or (
            any(not _is_publishers(entry) for entry in out.iterdir())
            and not (out / RELEASE_MARKER).exists())):
        raise ValueError(f"{out} exists and is not an earlier release (no {RELEASE_MARKER}): "
                         "choose an empty or new folder, or a git working tree that holds "
                         "nothing but .git and dot-files; nothing was written")
    stale = build_banks(root, check=True)
    stale += build_exercises(root, check=True)[0]
    if stale:
        raise ValueError("the course is not ready to release:\n  " + "\n  ".join(stale))

    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    counts = {}
    try:
        for name in RELEASE_DIRS:
            if (root / name).is_dir():
                counts[name] = _copy_tree(root / name, partial / name)
        (partial / "questions").mkdir()
        lessons = []
        for path in sorted((root / "questions").glob("*.json")):
            bank = json.loads(path.read_text(encoding="utf-8"))
            lessons.append(bank["lesson"])
            text = dump_bank(strip_secrets(bank)) if assessment else path.read_text("utf-8")
            (partial / "questions" / path.name).write_text(text, encoding="utf-8")
        if (root / "questions" / "README.md").exists():
            shutil.copyfile(root / "questions" / "README.md", partial / "questions" / "README.md")
        counts["questions"] = len(lessons)
        counts["pactlab"] = _copy_tree(_package_dir(root), partial / "pactlab")
        for name in RELEASE_FILES:
            if (root / name).is_file():
                shutil.copyfile(root / name, partial / name)
        for pattern in RELEASE_GLOBS:
            for path in sorted(root.glob(pattern)):
                shutil.copyfile(path, partial / path.name)
        (partial / RELEASE_MARKER).write_text(release_text(assessment, lessons),
                                              encoding="utf-8")
        (partial / RELEASE_README).write_text(student_readme(
            assessment, lessons, constraints=(partial / "constraints.txt").is_file(),
            conda=(partial / "environment.yml").is_file()), encoding="utf-8")
        if assessment:
            leaks = scan_for_keys(partial, *key_needles(root))
            if leaks:
                raise ValueError("the assessment bundle would contain answer keys, so nothing "
                                 "was released:\n  " + "\n  ".join(leaks))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if out.exists():
        _replace_contents(partial, out)
    else:
        partial.rename(out)
    summary = {"out": out, "assessment": assessment, "lessons": lessons, "counts": counts}
    if make_zip:
        summary["zip"] = write_zip(out)
    return summary


def write_zip(folder: Path) -> Path:
    """`folder.zip`, with fixed timestamps and sorted entries (same bundle, same bytes); the
    publisher's top-level dot-files (`.git`...) are left out."""
    import zipfile

    target = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()
                           and not _is_publishers(folder / p.relative_to(folder).parts[0])):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}",
                                   date_time=(2024, 6, 19, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return target
