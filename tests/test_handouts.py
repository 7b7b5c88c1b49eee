"""The teacher's kit handouts: tools/build_handouts.py builds them from the data, deterministically,
and the committed copies in docs/handouts/ are in sync (what `make check` enforces)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import build_handouts  # noqa: E402


def test_handouts_are_deterministic_and_committed_in_sync():
    first, second = build_handouts.build(), build_handouts.build()
    assert first == second
    assert build_handouts.main(["--check"]) == 0, "run `make handouts` and commit docs/handouts/"


def test_the_article_handout_numbers_every_line_of_the_case_article():
    from pactlab import data

    lines = data.case_article().splitlines()
    page = build_handouts.build()["case_article.html"]
    numbers = [int(n) for n in re.findall(r"<td class='n'>(\d+)</td>", page)]
    assert numbers == list(range(1, len(lines) + 1))


def test_the_map_handout_embeds_the_map_and_says_it_has_no_map_data():
    page = build_handouts.build()["map.html"]
    assert "<svg" in page and "no coastlines or borders" in page
    assert "6,690" in page      # Kursk's distance, computed from data/places.csv


def test_the_claim_tracker_has_every_field():
    page = build_handouts.build()["claim_tracker.html"]
    for field in ("Claim", "Type", "Who is behind the source", "What I searched",
                  "What other sources say", "Original found", "Verdict", "Confidence"):
        assert field in page


def test_check_reports_a_stale_handout(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_handouts, "OUT", tmp_path)
    assert build_handouts.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert build_handouts.main([]) == 0
    assert build_handouts.main(["--check"]) == 0
