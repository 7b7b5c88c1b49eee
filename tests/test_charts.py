"""The charts package: one style and one finish() that closes the figure, so a lesson shows each
chart exactly once; every lesson's chart draws from the real data; the package is student
runtime (it imports no instructor tool and none of their dependencies)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pactlab import charts, data  # noqa: E402
from test_structure import FORBIDDEN, imported  # noqa: E402

CHARTS = Path(charts.__file__).resolve().parent


def test_finish_titles_and_closes_the_figure(tmp_path):
    fig, ax = charts.new_figure()
    ax.plot([0, 1], [0, 1])
    assert plt.fignum_exists(fig.number)
    returned = charts.finish(fig, ax, "A message", xlabel="x (units)", ylabel="y")
    assert returned is fig
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend won't show it again
    assert ax.get_title(loc="left") == "A message"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x (units)", "y")
    # a closed figure still saves and renders (report.py saves after finish; a notebook shows it)
    fig.savefig(tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 1000
    from IPython.core.pylabtools import print_figure
    assert print_figure(fig, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def _lesson_charts():
    timeline = data.timeline()
    steps = timeline[timeline["phase"].isin(["treaty", "ratification"])
                     & timeline["date"].between("2024-06-19", "2024-12-04")]
    articles, reactions, claims = data.treaty_articles(), data.reactions(), data.case_claims()
    return {
        "treaty_chain": lambda: charts.treaty_chain(timeline),
        "visit_hours": lambda: charts.visit_hours(timeline),
        "ratification_days": lambda: charts.ratification_days(steps),
        "treaty_domain_map": lambda: charts.treaty_domain_map(articles),
        "articles_per_domain": lambda: charts.articles_per_domain(articles, ["security_defence"]),
        "statement_timeline": lambda: charts.statement_timeline(reactions),
        "stance_by_actor": lambda: charts.stance_by_actor(reactions),
        "verdicts_by_claim_type": lambda: charts.verdicts_by_claim_type(claims),
        "verdicts_along_article": lambda: charts.verdicts_along_article(claims),
        "sources_by_kind": lambda: charts.sources_by_kind(data.sources_for(claims)),
    }


@pytest.mark.parametrize("name", list(_lesson_charts()))
def test_every_lesson_chart_comes_back_closed_with_a_title(name):
    plt.close("all")
    fig = _lesson_charts()[name]()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.axes[0].get_title(loc="left")
    assert plt.get_fignums() == [], f"{name} left a figure open"


def test_the_package_re_exports_what_lessons_and_the_report_use():
    from pactlab.charts import OKABE_ITO, finish, new_figure  # what instructor/report.py imports
    assert callable(finish) and callable(new_figure) and OKABE_ITO["blue"] == "#0072B2"
    for name in charts.__all__:
        assert hasattr(charts, name), name


@pytest.mark.parametrize("path", sorted(CHARTS.glob("*.py")), ids=lambda p: p.name)
def test_chart_modules_never_import_instructor_tools(path):
    names = imported(path)
    assert not sorted(n for n in names if n.startswith("pactlab.instructor")), path.name
    assert not sorted(n for n in names if n.split(".")[0] in FORBIDDEN), path.name


def _ytick_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_the_visit_chart_labels_rows_with_the_short_label_column():
    timeline = data.timeline()
    labels = _ytick_labels(charts.visit_hours(timeline))
    welcome = timeline["event"].str.startswith("Official welcome ceremony")
    assert timeline.loc[welcome, "short_label"].iloc[0] in labels
    changed = timeline.copy()
    changed.loc[welcome, "short_label"] = "A label from the data"
    assert "A label from the data" in _ytick_labels(charts.visit_hours(changed))
    changed.loc[welcome, "short_label"] = pd.NA    # empty: the start of the event text, shortened
    fallback = charts.summit_label(timeline.loc[welcome, "event"].iloc[0])
    assert fallback.startswith("Official welcome ceremony") and len(fallback) <= 44
    assert fallback in _ytick_labels(charts.visit_hours(changed))


def test_the_visit_chart_title_comes_from_the_timeline():
    timeline = data.timeline()
    assert charts.visit_hours(timeline).axes[0].get_title(loc="left") == \
        "Putin's visit: landed at 02:22, welcomed at noon,\nleft around midnight"
    changed = timeline.copy()
    landing = changed["event"].str.startswith("Putin's plane lands")
    changed.loc[landing, "time_local"] = "03:05"
    assert "landed at 03:05," in charts.visit_hours(changed).axes[0].get_title(loc="left")


def test_the_treaty_chart_marks_the_meetings_the_timeline_marks():
    def diamonds(fig):
        return [line for line in fig.axes[0].get_lines() if line.get_marker() == "D"]

    timeline = data.timeline()
    assert len(diamonds(charts.treaty_chain(timeline))) == int(timeline["leaders_meet"].sum()) == 7
    changed = timeline.copy()
    changed.loc[changed["date"] == "2019-04-25", "leaders_meet"] = pd.NA
    fig = charts.treaty_chain(changed)
    assert len(diamonds(fig)) == 6
    assert not any("2019" in t.get_text() for t in fig.axes[0].texts)


def test_response_charts_leave_analysts_readings_out():
    reactions = data.reactions()
    readings = reactions[reactions["kind"] == "reading"]
    statements = reactions[reactions["kind"] == "statement"]
    assert len(readings) and readings["stance"].isna().all()   # readings carry no stance
    for chart in (charts.stance_by_actor, charts.statement_timeline):
        labels = [label.replace("\n", " ") for label in _ytick_labels(chart(reactions))]
        assert not set(readings["actor"]) & set(labels), chart.__name__
        assert "Vietnam" in labels and "China" in labels, chart.__name__
    # the bars add up to the statements (a joint statement counts once per government)
    fig = charts.stance_by_actor(reactions)
    total = sum(patch.get_width() for patch in fig.axes[0].patches)
    expected = statements["actor"].astype(str).str.split(";").str.len().sum()
    assert total == expected
    # the timeline's title counts statements only
    title = charts.statement_timeline(reactions).axes[0].get_title(loc="left")
    assert f"of {int(statements['before_signing'].notna().sum())})" in title


def test_statement_timeline_names_the_year_of_later_statements():
    """The axis reads "(2024)"; a statement of another year in the "later" strip says its year."""
    reactions = data.reactions()
    later = reactions[(reactions["kind"] == "statement") & (reactions["date"] > "2024-12-31")]
    assert len(later)
    texts = [t.get_text() for t in charts.statement_timeline(reactions).axes[0].texts]
    for date in later["date"]:
        assert f"{date.day} {date:%b} {date.year}" in texts
    assert not any(t.endswith(" 2024") for t in texts)
