"""`pactlab check-data`: check the course data and print the result. The checking is
`pactlab.datacheck.validate()` and the figures are `pactlab.data.summary()`; this module owns the
printing and the exit code."""
from __future__ import annotations

import sys
from pathlib import Path

from ..data import summary
from ..datacheck import data_dir, format_problems, validate


def format_summary(info: dict, where: Path) -> str:
    """`summary()`'s figures as the lines `pactlab check-data` prints."""
    width = max(len(n) for n in info["rows"])
    lines = [f"Course data in {where}", "Rows per table:"]
    lines += [f"  {name:<{width}}  {n:>5}" for name, n in info["rows"].items()]
    lines.append("Sources by kind:        "
                 + ", ".join(f"{k} {v}" for k, v in info["sources_by_kind"].items()))
    lines.append("Sources by state media: "
                 + ", ".join(f"{k} {v}" for k, v in info["sources_by_state_media"].items()))
    lines.append("Sources no table cites (lessons may still cite them): "
                 f"{info['sources_not_cited_by_a_table']}")
    lines.append(f"All {len(info['rows'])} tables valid, and case_article.txt is unchanged.")
    return "\n".join(lines)


def check_data_cli(args) -> int:
    """`pactlab check-data [--root FOLDER]`: 0 and a summary on stdout when the data is sound,
    else 1 and every problem on stderr."""
    root = getattr(args, "root", None)
    problems = validate(root)
    if problems:
        print(format_problems(problems, limit=None), file=sys.stderr)
        return 1
    print(format_summary(summary(root), data_dir(root)))
    return 0
