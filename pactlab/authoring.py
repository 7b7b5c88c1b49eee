"""Authoring: build what students get from what instructors write.

`pactlab assign` compiles each master bank `solutions/questions/<lesson>.yaml` into
`questions/<lesson>.json` (keys encoded), and `pactlab assign --check` fails when a compiled bank
differs from what its master produces.
"""
from __future__ import annotations

from pathlib import Path

from .bank import compile_master, course_root, dump_bank, read_master


def master_banks(root: Path) -> list[Path]:
    return sorted((root / "solutions" / "questions").glob("*.yaml"))


def build_banks(root: Path | None = None, check: bool = False) -> list[str]:
    """Compile every master bank. With check, write nothing and return the differences."""
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
    return problems


def assign(check: bool = False) -> int:
    """`pactlab assign [--check]`."""
    import sys

    problems = build_banks(check=check)
    for p in problems:
        print(p, file=sys.stderr)
    if check and not problems:
        print("questions/ is in sync with solutions/questions/")
    return 1 if problems else 0
