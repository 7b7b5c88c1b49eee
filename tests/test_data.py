"""pactlab.data: the loaders, the validator and `pactlab check-data`.

Damage tests copy the small fixture tables in tests/fixtures/data/ (placeholder rows, labelled as
such) next to the real data/datapackage.json and data/case_article.txt into a temporary folder,
break them, and check that every problem is reported with its file, line, column and expectation.
The last tests check the real tables in data/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pactlab import data
from pactlab.instructor.cli import main as cli_main

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"


# ------------------------------------------------------------------------- fixtures and shortcuts

@pytest.fixture
def root(tmp_path):
    """A course folder whose data/ holds the fixture tables and the real schema and case article."""
    folder = tmp_path / "data"
    folder.mkdir()
    for csv_file in FIXTURES.glob("*.csv"):
        shutil.copy(csv_file, folder / csv_file.name)
    shutil.copy(REAL / "datapackage.json", folder)
    shutil.copy(REAL / "case_article.txt", folder)
    shutil.copy(REAL / "case2_statement.txt", folder)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / "data" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"fixture {name} has no {old!r} to damage"
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def problems_in(root: Path, name: str) -> list[data.Problem]:
    return [p for p in data.validate(root) if p.file == f"data/{name}"]


def message(root: Path) -> str:
    """The DataError message for the whole data folder (summary() refuses broken data)."""
    with pytest.raises(data.DataError) as info:
        data.summary(root)
    return str(info.value)


def run_cli(root: Path, capsys) -> tuple[int, str, str]:
    code = cli_main(["check-data", "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------- the fixture itself

def test_fixture_tables_are_valid(root):
    assert data.validate(root) == []
    assert data.validate(root / "data") == []          # the data folder itself works as root too


def test_loaders_return_typed_frames(root):
    timeline = data.timeline(root)
    assert pd.api.types.is_datetime64_any_dtype(timeline["date"])
    assert timeline["date"].iloc[0] == pd.Timestamp("2024-06-18")
    assert isinstance(timeline["phase"].dtype, pd.CategoricalDtype)
    assert list(timeline["phase"].cat.categories) == [
        "background", "summit", "treaty", "ratification", "response", "aftermath"]
    assert timeline["source_ids"].iloc[1] == ["fixture-a", "fixture-b"]
    assert timeline["actors"].iloc[0] == ["Russia", "DPRK"]
    assert timeline["note"].iloc[0] == "fixture row\nwith a note on two lines"
    assert pd.isna(timeline["time_local"].iloc[0])          # empty cell = missing

    reactions = data.reactions(root)
    assert reactions["stance"].cat.ordered
    assert list(reactions["stance"].cat.categories) == ["condemn", "concern", "cautious", "neutral", "support"]
    assert (reactions["stance"] > "cautious").sum() == 2     # ordered: neutral and support
    assert str(reactions["before_signing"].dtype) == "boolean"   # may be empty: nullable
    assert pd.isna(reactions["before_signing"].iloc[1])
    assert pd.isna(reactions["date"].iloc[3])
    assert reactions["confidence"].cat.ordered

    articles = data.treaty_articles(root)
    assert articles["article"].dtype == "int64"
    assert articles["content_confirmed"].dtype == bool
    assert articles["domains"].iloc[3] == ["security_defence", "final_provisions"]
    assert articles["domains"].iloc[4] == []

    src = data.sources(root)
    assert src["state_media"].dtype == bool
    assert src["kind"].cat.ordered
    assert pd.api.types.is_datetime64_any_dtype(src["published"])
    assert pd.isna(src["published"].iloc[1])             # fixture-b has no date
    assert src["wire"].iloc[1] == "AP"
    assert data.case_article(root) == (REAL / "case_article.txt").read_text(encoding="utf-8")


def test_load_by_name_and_unknown_name(root):
    pd.testing.assert_frame_equal(data.load("gifts", root), data.gifts(root))
    with pytest.raises(ValueError, match="no table 'gift'.*gifts"):
        data.load("gift", root)


def test_sources_for_returns_cited_rows_in_order(root):
    timeline = data.timeline(root)
    cited = data.sources_for(timeline, root)
    assert list(cited["source_id"]) == ["fixture-a", "fixture-b", "fixture-c"]
    assert list(cited.columns) == list(data.sources(root).columns)
    assert list(data.sources_for(timeline.iloc[[2, 1]], root)["source_id"]) == ["fixture-c", "fixture-a", "fixture-b"]
    assert list(data.sources_for(["fixture-b"], root)["source_id"]) == ["fixture-b"]
    with pytest.raises(data.DataError, match="no such source id 'fixture-x'"):
        data.sources_for(["fixture-a", "fixture-x"], root)


def test_load_returns_a_copy_and_sees_edits(root):
    first = data.gifts(root)
    first.loc[0, "item"] = "changed in memory"
    assert data.gifts(root)["item"].iloc[0] == "fixture item one"
    edit(root, "gifts.csv", "fixture item one", "fixture item one (edited)")
    path = root / "data" / "gifts.csv"
    later = path.stat().st_mtime_ns + 2_000_000_000       # a clearly newer time, whatever the clock
    os.utime(path, ns=(later, later))
    assert data.gifts(root)["item"].iloc[0] == "fixture item one (edited)"


# ------------------------------------------------------------------------------ each kind of damage

def test_missing_column(root):
    path = root / "data" / "timeline.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) if n != 2 else line
           for n, line in enumerate(lines)]   # drop `phase` (line 3 continues a quoted note)
    path.write_text("\n".join(cut), encoding="utf-8")
    edit(root, "gifts.csv", "item_type", "itemtype")
    found = data.validate(root)
    missing = [p for p in found if p.issue == "missing column"]
    assert {(p.file, p.line, p.column) for p in missing} == {
        ("data/timeline.csv", 1, "phase"), ("data/gifts.csv", 1, "item_type")}
    assert any(p.issue == "unknown column" and p.column == "itemtype" and "did you mean 'item_type'" in p.expected
               for p in found)
    text = message(root)
    assert "data/timeline.csv, line 1, column 'phase': missing column; expected the header " \
           "date,time_local,place,event,phase,actors,source_ids,confidence,note" in text


def test_value_outside_vocabulary(root):
    edit(root, "reactions.csv", ",concern,", ",worried,")
    edit(root, "reactions.csv", ",disputed,", ",Disputed,")
    edit(root, "treaty_articles.csv", "security_defence;final_provisions", "security_defence;defence")
    edit(root, "sources.csv", ",tertiary,", ",quaternary,")
    found = data.validate(root)
    where = {(p.file, p.line, p.column, p.value) for p in found}
    assert where == {
        ("data/reactions.csv", 2, "stance", "worried"),
        ("data/reactions.csv", 4, "confidence", "Disputed"),
        ("data/treaty_articles.csv", 5, "domains", "defence"),
        ("data/sources.csv", 4, "kind", "quaternary"),
    }
    text = message(root)
    assert ("data/reactions.csv, line 2, column 'stance': value not in the vocabulary: 'worried'; "
            "expected one of condemn, concern, cautious, neutral, support") in text
    assert "did you mean 'disputed'?" in text


def test_unparseable_and_out_of_range_dates(root):
    edit(root, "timeline.csv", "2024-06-20,", "2024-06-31,")
    edit(root, "reactions.csv", "2024-06-21,", "21 June 2024,")
    edit(root, "gifts.csv", "2024-06-19,", "1900-01-01,")
    edit(root, "sources.csv", ",2024-06-20,", ",2024/06/20,")
    found = {(p.file, p.line, p.column, p.issue) for p in data.validate(root)}
    assert found == {
        ("data/timeline.csv", 5, "date", "not a real date:"),      # line 5: a note above spans two lines
        ("data/reactions.csv", 4, "date", "not a date:"),
        ("data/gifts.csv", 2, "date", "date out of range:"),
        ("data/sources.csv", 4, "published", "not a date:"),
    }
    text = message(root)
    assert "data/reactions.csv, line 4, column 'date': not a date: '21 June 2024'; expected a date written " \
           "YYYY-MM-DD" in text
    assert "expected a date between 1945-01-01 and 2026-12-31" in text



def test_short_labels_and_meeting_markers(root):
    edit(root, "timeline.csv", "placeholder event 2,treaty,Russia;DPRK,fixture-a;fixture-b,single_source,,,",
         "placeholder event 2,treaty,Russia;DPRK,fixture-a;fixture-b,single_source,,Fixture label,true")
    assert data.validate(root) == []
    timeline = data.timeline(root)
    assert timeline["short_label"].iloc[1] == "Fixture label" and pd.isna(timeline["short_label"].iloc[0])
    assert timeline["leaders_meet"].tolist()[1] is True and pd.isna(timeline["leaders_meet"].iloc[0])
    edit(root, "timeline.csv", ",Fixture label,true", ",A label much longer than a chart row has room for: x,yes")
    found = {(p.file, p.line, p.column, p.issue) for p in data.validate(root)}
    assert found == {("data/timeline.csv", 4, "short_label", "too long (52 characters):"),
                     ("data/timeline.csv", 4, "leaders_meet", "not a boolean:")}
    assert "expected at most 48 characters" in message(root)

def test_dangling_source_ids(root):
    edit(root, "timeline.csv", "fixture-a;fixture-b", "fixture-a;fixture-bb;fixture-zz")
    edit(root, "case_signals.csv", "case-article;fixture-c", "case-articel;fixture-c")
    found = [p for p in data.validate(root)]
    assert {(p.file, p.line, p.column, p.value) for p in found} == {
        ("data/timeline.csv", 4, "source_ids", "fixture-bb"),
        ("data/timeline.csv", 4, "source_ids", "fixture-zz"),
        ("data/case_signals.csv", 3, "source_ids", "case-articel"),
    }
    text = message(root)
    assert "data/timeline.csv, line 4, column 'source_ids': unknown source id 'fixture-zz'; " \
           "expected a source_id that is in sources.csv" in text
    assert "did you mean 'case-article'?" in text


def test_duplicate_ids(root):
    with open(root / "data" / "sources.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("fixture-a,Fixture Publisher D,fixture row: placeholder source D,https://example.org/d,,"
                 "secondary,false,en,,fixture row,private,original,,\n")
    edit(root, "case_claims.csv", "C02,", "C01,")
    edit(root, "treaty_articles.csv", "\n7,", "\n6,")
    found = {(p.file, p.line, p.column, p.value, p.expected) for p in data.validate(root)}
    assert found == {
        ("data/sources.csv", 6, "source_id", "fixture-a", "a unique value (it is already on line 2)"),
        ("data/case_claims.csv", 3, "claim_id", "C01", "a unique value (it is already on line 2)"),
        ("data/treaty_articles.csv", 8, "article", "6", "a unique value (it is already on line 7)"),
    }
    assert "data/sources.csv, line 6, column 'source_id': duplicate id 'fixture-a'" in message(root)


def test_bytes_that_are_not_utf8(root):
    path = root / "data" / "gifts.csv"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"fixture item two", b"fixture item tw\xe9"))   # Latin-1 e-acute
    edit(root, "timeline.csv", ",summit,", ",summmit,")                      # and a problem elsewhere
    found = data.validate(root)
    bad = [p for p in found if p.file == "data/gifts.csv"]
    offset = raw.index(b"fixture item two") + len("fixture item tw")
    assert len(bad) == 1
    assert (bad[0].line, bad[0].column) == (3, "item")
    assert f"offset {offset}" in bad[0].expected
    assert any(p.file == "data/timeline.csv" and p.column == "phase" for p in found)
    text = message(root)
    assert "data/gifts.csv, line 3, column 'item': bytes that are not UTF-8: 'fixture item tw\\\\xe9'" in text
    assert "re-save the file as UTF-8" in text


def test_empty_file_and_header_only(root):
    (root / "data" / "reactions.csv").write_bytes(b"")
    header = (root / "data" / "gifts.csv").read_text(encoding="utf-8").split("\n")[0] + "\n"
    (root / "data" / "gifts.csv").write_text(header, encoding="utf-8")
    found = data.validate(root)
    assert [(p.file, p.issue) for p in found] == [
        ("data/reactions.csv", "the file is empty"),
        ("data/gifts.csv", "the table has a header but no rows"),
    ]
    assert "date,actor,speaker,role" in found[0].expected
    with pytest.raises(data.DataError, match="data/reactions.csv: the file is empty"):
        data.reactions(root)


def test_every_problem_is_reported_at_once(root):
    edit(root, "timeline.csv", ",summit,", ",summmit,")
    edit(root, "timeline.csv", "2024-06-20,", "2024-20-06,")
    edit(root, "sources.csv", "https://example.org/fixture-a", "example.org/fixture-a")
    edit(root, "sources.csv", "http://example.net/fixture-c", "https://example net/fixture-c")
    edit(root, "case_claims.csv", "Pyongyang’s airport", "Pyongyang's airport")
    edit(root, "reactions.csv", "fixture placeholder quote of a few words",
         " ".join(["word"] * 26))
    edit(root, "reactions.csv", "2024-06-21,", "2024-06-17,")              # before signing but false
    edit(root, "treaty_articles.csv", "\n2,fixture row 2,fixture placeholder summary 2,foreign_policy",
         "\n2,fixture row 2,fixture placeholder summary 2,")               # content known, no domains
    found = data.validate(root)
    assert {(p.file, p.line, p.column) for p in found} == {
        ("data/timeline.csv", 2, "phase"), ("data/timeline.csv", 5, "date"),
        ("data/sources.csv", 2, "url"), ("data/sources.csv", 4, "url"),
        ("data/case_claims.csv", 3, "quote_span"),
        ("data/reactions.csv", 3, "quote"), ("data/reactions.csv", 4, "before_signing"),
        ("data/treaty_articles.csv", 3, "domains"),
    }
    text = message(root)
    assert "8 problems" in text
    assert "does not start with http:// or https://" in text and "contains a space" in text
    assert "it differs only in quote marks or spaces" in text
    assert "too long (26 words)" in text
    assert "expected true, because date 2024-06-17 is before 2024-06-19" in text
    assert "it may be empty only when content_confirmed is false" in text


def test_broken_rows_and_quoting(root):
    edit(root, "gifts.csv", "fixture item one,tableware", "fixture item one,tableware,extra")
    edit(root, "case_signals.csv", ",fixture row: a typo,", ',"fixture row: a "typo",')
    edit(root, "timeline.csv", "\n2024-06-20,", "\n\n2024-06-20,")
    found = {(p.file, p.line, p.issue.split(" (")[0]) for p in data.validate(root)}
    assert ("data/gifts.csv", 2, "the row has 9 cells") in found
    assert ("data/case_signals.csv", 3, "broken CSV quoting") in found
    assert ("data/timeline.csv", 5, "blank line") in found


def test_table_level_problems(root):
    edit(root, "treaty_articles.csv", "\n23,fixture row 23,fixture placeholder summary 23,foreign_policy,true,true,"
                                      "fixture-a,\n", "\n")
    (root / "data" / "case_claims.csv").unlink()
    shutil.copy(FIXTURES / "gifts.csv", root / "data" / "gifts_copy.csv")
    with open(root / "data" / "case_article.txt", "a", encoding="utf-8") as fh:
        fh.write("one more line\n")
    found = {(p.file, p.issue) for p in data.validate(root)}
    assert found == {
        ("data/treaty_articles.csv", "the table has 22 rows"),
        ("data/case_claims.csv", "file not found"),
        ("data/gifts_copy.csv", "a table that is not described"),
        ("data/case_article.txt", "the text has changed"),
    }


def test_byte_order_mark_and_spaces(root):
    path = root / "data" / "gifts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b",artwork,", b",artwork ,"))
    found = {(p.line, p.column, p.issue) for p in problems_in(root, "gifts.csv")}
    assert found == {(1, None, "the file starts with a byte-order mark"),
                     (3, "item_type", "spaces around the value:")}


def test_broken_datapackage(root):
    (root / "data" / "datapackage.json").write_text('{"resources": [\n  {"name": "x",}\n]}', encoding="utf-8")
    found = data.validate(root)
    assert [(p.file, p.line, p.issue) for p in found] == [("data/datapackage.json", 2, "not valid JSON:")]
    with pytest.raises(data.DataError, match="datapackage.json, line 2"):
        data.timeline(root)


def test_long_problem_lists_are_capped_in_the_message(root):
    rows = "".join(f"2024-06-19,,,fixture row {n},nonsense,US,fixture-a,confirmed,,,\n" for n in range(60))
    with open(root / "data" / "timeline.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write(rows)
    with pytest.raises(data.DataError) as info:
        data.timeline(root)
    assert len(info.value.problems) == 60
    text = str(info.value)
    assert text.count("\n  - ") == data.MAX_LISTED
    assert f"... and {60 - data.MAX_LISTED} more" in text
    assert "line 55, column 'phase'" in text                  # the new rows start on line 6
    assert "line 56, column 'phase'" not in text


# ------------------------------------------------------------------------------------ the command

def test_check_data_cli_success(root, capsys):
    code, out, err = run_cli(root, capsys)
    assert (code, err) == (0, "")
    assert re.search(r"\n  sources +4\n", out)
    assert re.search(r"\n  treaty_articles +23\n", out)
    assert "Sources by kind:        primary 1, secondary 2, tertiary 1" in out
    assert "Sources by state media: state media 1, other 3" in out
    assert "All 11 tables valid" in out


def test_check_data_cli_failure_lists_every_problem(root, capsys):
    edit(root, "timeline.csv", ",summit,", ",summmit,")
    edit(root, "gifts.csv", "fixture-b", "fixture-q")
    (root / "data" / "reactions.csv").write_bytes(b"")
    code, out, err = run_cli(root, capsys)
    assert code == 1 and out == ""
    assert "3 problems" in err
    assert "data/timeline.csv, line 2, column 'phase'" in err
    assert "data/gifts.csv, line 3, column 'source_ids': unknown source id 'fixture-q'" in err
    assert "data/reactions.csv: the file is empty" in err
    assert "Traceback" not in err


def test_check_data_command_runs_as_a_program(root):
    """The installed entry point, in a fresh interpreter: exit codes and no traceback."""
    command = [sys.executable, "-c", "import sys; from pactlab.instructor.cli import main; sys.exit(main())"]
    ok = subprocess.run([*command, "check-data", "--root", str(root)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (root / "data" / "sources.csv").write_bytes(b"\xff\xfe")
    bad = subprocess.run([*command, "check-data", "--root", str(root)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "data/sources.csv, line 1, column 'source_id': missing column" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_missing_data_folder(tmp_path, capsys):
    code, out, err = run_cli(tmp_path, capsys)
    assert code == 1
    assert "data folder not found" in err


# ------------------------------------------------------------------------------------- the schema

def test_schema_describes_every_column():
    package = json.loads((REAL / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == ["sources", "timeline", "treaty_articles", "reactions", "gifts", "case_claims",
                     "case_signals", "clause_comparison", "places", "case_article",
                     "case2_statement", "case2_claims", "case2_results"]
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for res in package["resources"]:
        assert res.get("description"), res["name"]
        assert f"`{res['path']}`" in readme, res["path"]
        for field in res.get("schema", {}).get("fields", []):
            assert field.get("description"), f"{res['name']}.{field['name']} has no description"
            assert f"`{field['name']}`" in readme, f"data/README.md does not document {field['name']}"
            for value in field.get("constraints", {}).get("enum", []) + field.get("x-itemEnum", []):
                assert f"`{value}`" in readme, f"data/README.md does not explain {value}"


def test_importing_the_module_does_not_import_pandas():
    code = "import sys, pactlab.data; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------- the real data

def test_real_tables_are_valid():
    problems = data.validate(REPO)
    assert problems == [], data.format_problems(problems, limit=None)


def test_real_quote_spans_occur_verbatim():
    article = (REAL / "case_article.txt").read_text(encoding="utf-8")
    claims = data.case_claims(REPO)
    signals = data.case_signals(REPO)
    assert len(claims) > 0
    for span in claims["quote_span"]:
        assert span in article, span
    for span in signals["example_span"].dropna():
        assert span in article, span
    assert (REAL / "case_article.txt").read_bytes() == (
        data.case_article(REPO).encode("utf-8"))


def test_real_tables_have_their_types():
    for name in data.table_names(REPO):
        frame = data.load(name, REPO)
        assert len(frame) > 0, name
        if "source_ids" in frame:
            assert frame["source_ids"].map(lambda ids: isinstance(ids, list)).all(), name
        if "confidence" in frame:
            assert list(frame["confidence"].cat.categories) == ["disputed", "single_source", "confirmed"]
    assert pd.api.types.is_datetime64_any_dtype(data.timeline(REPO)["date"])
    assert data.timeline(REPO)["date"].notna().all()
    assert data.sources(REPO)["state_media"].dtype == bool
    assert isinstance(data.reactions(REPO)["stance"].dtype, pd.CategoricalDtype)
    assert sorted(data.treaty_articles(REPO)["article"]) == list(range(1, 24))
    pd.testing.assert_frame_equal(data.sources(), data.sources(REPO))   # default: this course
    case = data.sources(REPO).set_index("source_id").loc["case-article"]
    assert pd.isna(case["url"]) and case["kind"] == "secondary"


def test_real_sources_for_every_table():
    known = set(data.sources(REPO)["source_id"])
    for name in data.table_names(REPO):
        frame = data.load(name, REPO)
        if "source_ids" not in frame:
            continue
        cited = data.sources_for(frame, REPO)
        ids = {i for ids in frame["source_ids"] for i in ids}
        assert set(cited["source_id"]) == ids and ids <= known, name


def test_the_instructor_check_data_command_prints_and_returns_the_exit_code(root, capsys):
    import argparse

    from pactlab.instructor.check_data import check_data_cli

    args = argparse.Namespace(root=str(root))
    assert check_data_cli(args) == 0
    out, err = capsys.readouterr()
    assert "All 11 tables valid, and case_article.txt is unchanged." in out and err == ""
    assert run_cli(root, capsys)[1] == out            # the same as `pactlab check-data` prints
    edit(root, "timeline.csv", ",summit,", ",summmit,")
    assert check_data_cli(args) == 1
    out, err = capsys.readouterr()
    assert out == "" and "data/timeline.csv, line 2, column 'phase'" in err


def test_validation_and_loading_live_apart():
    from pactlab import datacheck
    from test_structure import imported

    assert data.validate is datacheck.validate and data.DataError is datacheck.DataError
    assert not {"pandas", "pactlab.data"} & imported(Path(datacheck.__file__))   # checks, never loads


def test_state_media_level_and_copies_are_checked(root):
    edit(root, "sources.csv", ",public-independent,copy,fixture-a,", ",public,copy,fixture-b,")
    edit(root, "sources.csv", "2024-06-19,primary,true,en,,\"fixture row, not a real source\","
         "state-controlled", "2024-06-19,primary,false,en,,\"fixture row, not a real source\","
         "state-controlled")
    edit(root, "sources.csv", ",private,copy,,AP", ",private,copy,,")
    edit(root, "sources.csv", "private,original,,", "private,original,fixture-a,")
    found = {(p.line, p.column, p.issue) for p in problems_in(root, "sources.csv")}
    assert found == {
        (2, "state_media", "disagrees with state_media_level:"),   # true for state-controlled
        (3, "copy_of", "missing value"),                            # a copy names its original
        (4, "state_media_level", "value not in the vocabulary:"),
        (4, "copy_of", "not an original:"),                         # fixture-b is a copy
        (5, "copy_of", "an original names an original:"),
    }
    text = message(root)
    assert "expected true, because state_media_level is state-controlled" in text


def test_copy_of_names_an_existing_row(root):
    edit(root, "sources.csv", ",copy,fixture-a,", ",copy,fixture-zz,")
    (problem,) = problems_in(root, "sources.csv")
    assert (problem.line, problem.column, problem.issue, problem.value) == (
        4, "copy_of", "no such source id", "fixture-zz")


def test_real_sources_label_the_pravda_network_and_cite_originals():
    src = data.sources(REPO)
    assert set(src["state_media_level"]) == {"official", "state-controlled", "public-independent",
                                            "private"}
    assert (src["state_media"] == (src["state_media_level"] == "state-controlled")).all()
    pravda = src[src["url"].str.contains(r"news-pravda\.com|pravda-it\.com|pravda-en\.com")]
    assert len(pravda) >= 6
    assert (pravda["origin"] == "copy").all() and pravda["note"].str.contains("VIGINUM").all()
    assert (pravda["kind"] != "primary").all()
    copies = src[src["origin"] == "copy"]
    assert (copies["copy_of"].fillna("").ne("") | copies["original_publisher"].fillna("").ne("")).all()
