#!/usr/bin/env python3
"""How long each lesson is, how often students practise, and what the graded questions assess.

    python -m tools.lesson_stats            # the table, per lesson (Markdown)
    python -m tools.lesson_stats --check    # also exit 1 on a problem (make check runs this)

Per lesson notebook in notebooks/: words of prose in the core path and in "Going deeper"
(Markdown cells tagged `core` / `extension`; code, URLs and Markdown syntax not counted), the
core reading time at 150 words a minute, the self-checks in the core path and the longest
stretch of core prose between two checks; per question bank: each objective with the graded
(`part: exercises`) questions that assess it; for single-choice items, where the key sits among
the options as written (students see them shuffled) and how often the key is the uniquely
longest option.

Problems (`--check`): more than about 2,000 words of core prose, or more than 1,500 words (10
minutes) without a check; a cell of a lesson without exactly one of the tags core / extension /
appendix (counted as core meanwhile); a lesson with an exercise set whose bank records no
objectives; an objective that no graded question assesses; a question naming an objective the
bank does not have.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 150
CORE_WORDS_MAX = 2200        # "at most about 2,000 words" of core prose
STRETCH_MAX = 1500           # a check at least every 10 minutes of reading (1,500 words)
TAGS = ("core", "extension", "appendix")
QUESTION_CELL = re.compile(r"course\.question\(")


def prose_words(markdown: str) -> int:
    """Words a student reads in a Markdown cell: no code blocks, inline code, URLs, HTML tags or
    Markdown syntax."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)          # link targets
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"`[^`]*`", " x ", text)              # inline code counts as one word
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9]+(?:['’-][A-Za-zÀ-ÿ0-9]+)*", text))


@dataclass
class LessonStats:
    lesson: str
    core_words: int = 0
    extension_words: int = 0
    core_checks: int = 0
    longest_stretch: int = 0           # core words between two checks (or before the first)
    untagged: list[str] = field(default_factory=list)
    objectives: dict[str, list[str]] = field(default_factory=dict)  # id -> graded question ids
    unknown_objectives: list[str] = field(default_factory=list)
    has_exercises: bool = False
    key_positions: dict[int, int] = field(default_factory=dict)  # 1-based position -> count
    key_longest: int = 0
    choice_items: int = 0

    @property
    def core_minutes(self) -> float:
        return self.core_words / WORDS_PER_MINUTE

    @property
    def extension_minutes(self) -> float:
        return self.extension_words / WORDS_PER_MINUTE

    @property
    def checks_per_10_minutes(self) -> float:
        return self.core_checks / (self.core_minutes / 10) if self.core_words else 0.0

    def problems(self) -> list[str]:
        out = [f"notebooks/{self.lesson}.ipynb, cell {c}: tag it with exactly one of "
               f"{', '.join(TAGS)} (cell metadata 'tags')" for c in self.untagged]
        if self.core_words > CORE_WORDS_MAX:
            out.append(f"notebooks/{self.lesson}.ipynb: {self.core_words} words of core prose, "
                       f"more than about 2,000: move some to a Going deeper section")
        if self.longest_stretch > STRETCH_MAX:
            out.append(f"notebooks/{self.lesson}.ipynb: {self.longest_stretch} words of core "
                       f"prose without a check (at most {STRETCH_MAX}, 10 minutes of reading): "
                       "add a self-check")
        bank = f"solutions/questions/{self.lesson}.yaml"
        if self.has_exercises and not self.objectives:
            out.append(f"{bank}: no objectives recorded: add an objectives: mapping and an "
                       "objective: field to each question")
        for oid, graded in self.objectives.items():
            if not graded:
                out.append(f"{bank}: objective {oid} is assessed by no graded question: give a "
                           "part: exercises question objective: " + oid)
        out += [f"{bank}: {u}" for u in self.unknown_objectives]
        return out


def notebook_stats(path: Path, stats: LessonStats) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    stretch = 0
    for n, cell in enumerate(nb.get("cells", []), start=1):
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in TAGS]
        if len(tags) != 1:  # reported, and counted as core (what a student meets by default)
            stats.untagged.append(f"{n} ({cell.get('id', 'no id')})")
            tags = ["core"]
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            words = prose_words(source)
            if tags[0] == "core":
                stats.core_words += words
                stretch += words
                stats.longest_stretch = max(stats.longest_stretch, stretch)
            elif tags[0] == "extension":
                stats.extension_words += words
        elif cell.get("cell_type") == "code" and tags[0] == "core" \
                and QUESTION_CELL.search(source):
            stats.core_checks += 1
            stretch = 0


def bank_stats(path: Path, stats: LessonStats) -> None:
    from pactlab.instructor.masters import question_objectives, read_master

    master = read_master(path)
    objectives = {str(k): [] for k in (master.get("objectives") or {})}
    for q in master.get("questions") or []:
        for oid in question_objectives(q):
            if oid not in objectives:
                stats.unknown_objectives.append(f"question {q.get('id')} names objective {oid}, "
                                                "which the bank does not have")
            elif q.get("part") == "exercises":
                objectives[oid].append(q["id"])
        if q.get("type") == "choice" and isinstance(q.get("options"), dict) \
                and q.get("answer") in q["options"]:
            ids = list(q["options"])
            position = ids.index(q["answer"]) + 1
            stats.key_positions[position] = stats.key_positions.get(position, 0) + 1
            lengths = {k: len(str(v)) for k, v in q["options"].items()}
            longest = max(lengths.values())
            if lengths[q["answer"]] == longest and list(lengths.values()).count(longest) == 1:
                stats.key_longest += 1
            stats.choice_items += 1
    stats.objectives = objectives


def collect(root: Path = ROOT) -> list[LessonStats]:
    out = []
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        stats = LessonStats(nb.stem)
        notebook_stats(nb, stats)
        bank = root / "solutions" / "questions" / f"{nb.stem}.yaml"
        stats.has_exercises = (root / "solutions" / f"{nb.stem}_solutions.ipynb").exists()
        if bank.exists():
            bank_stats(bank, stats)
        out.append(stats)
    return out


def table(all_stats: list[LessonStats]) -> str:
    lines = ["| lesson | core prose: words (minutes) | going deeper: words (minutes) | "
             "core checks (per 10 min) | longest stretch without a check (words) | "
             "objectives: graded items | choice keys by position; uniquely longest |",
             "|---|---|---|---|---|---|---|"]
    for s in all_stats:
        objectives = "; ".join(f"{oid}: {len(ids)}" for oid, ids in s.objectives.items()) or "—"
        positions = ", ".join(f"{'abcdefgh'[p - 1]} {n}"
                              for p, n in sorted(s.key_positions.items()))
        keys = f"{positions}; {s.key_longest} of {s.choice_items}" if s.choice_items else "—"
        lines.append(f"| {s.lesson} | {s.core_words} ({s.core_minutes:.0f}) | "
                     f"{s.extension_words} ({s.extension_minutes:.0f}) | "
                     f"{s.core_checks} ({s.checks_per_10_minutes:.1f}) | {s.longest_stretch} | "
                     f"{objectives} | {keys} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a lesson has a problem (untagged cell, objective "
                             "without a graded question)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    all_stats = collect(ROOT)
    print(table(all_stats))
    problems = [p for s in all_stats for p in s.problems()]
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
