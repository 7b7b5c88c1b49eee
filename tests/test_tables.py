"""pactlab.tables: the course's one table style and the sources block."""
import math

import pandas as pd
import pytest

from pactlab import data, tables


def test_show_joins_lists_hides_index_and_says_what_is_missing():
    df = pd.DataFrame({"article": [1, 4], "domains": [["security_defence", "politics"], []],
                       "date": pd.to_datetime(["2024-06-19", "2024-12-04"]),
                       "time": [math.nan, "02:22"]})
    view = tables.show(df, rename={"article": "Article"}, missing="not reported")
    html = view._repr_html_()
    assert "security_defence; politics" in html
    assert "<th scope='col'>Article</th>" in html and "<th scope='col'>article</th>" not in html
    assert html.count("not reported") == 2          # the empty list and the NaN
    assert "<td class='date'>2024-06-19</td>" in html  # a date on one line, no 00:00:00
    assert "<td class='num'>4</td>" in html
    assert html.count("<td") == 2 * 4 and html.count("<th ") == 4  # no index column
    assert repr(view) == "Table (2 rows): Article, domains, date, time"


def test_show_escapes_text_cuts_long_tables_and_names_unknown_columns():
    df = pd.DataFrame({"label": ["<b>x</b>", "b", "c"]})
    view = tables.show(df, max_rows=2)
    assert "&lt;b&gt;x&lt;/b&gt;" in view.html and "<b>x</b>" not in view.html
    assert "and 1 more row (not shown)" in view.html
    with pytest.raises(KeyError, match="names columns the table does not have: nope"):
        tables.show(df, rename={"nope": "No"})


def test_sources_block_counts_and_links_each_source_once():
    timeline = data.timeline()
    rows = timeline.head(5)
    cited = data.sources_for(rows)
    view = tables.sources(rows)
    assert f"{len(cited)} source" in repr(view)
    assert view.html.count("<li>") == len(cited)
    assert "<details class='pactlab-sources'>" in view.html
    first = cited.iloc[0]
    assert f"href='{first['url']}'" in view.html
