"""The context lesson's data and map: data/places.csv loads with float coordinates, every place
has its sources, and the map (pactlab.charts.context) draws what the table holds, says that it
has no map data, and computes its title and distances from the rows."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from pactlab import charts, data  # noqa: E402


def test_places_load_with_float_coordinates_in_range_and_known_sources():
    places = data.places()
    assert {"Pyongyang", "Moscow", "Vladivostok", "Vostochny Cosmodrome", "Kursk", "Hanoi",
            "Tumen River bridge site"} <= set(places["place"])
    assert places["lat"].dtype == float and places["lon"].dtype == float
    assert places["lat"].between(-90, 90).all() and places["lon"].between(-180, 180).all()
    known = set(data.sources()["source_id"])
    for ids in places["source_ids"]:
        assert ids and set(ids) <= known
    # every place rests on at least two sources: one for where it is, one for why it matters
    assert (places["source_ids"].map(len) >= 2).all()


def test_great_circle_distances():
    import pandas as pd

    equator = pd.DataFrame({"place": ["A", "B", "C"], "lat": [0.0, 0.0, 90.0],
                            "lon": [0.0, 1.0, 0.0], "country": [["X"], ["X"], ["X"]]})
    out = charts.distances_from(equator, "A").set_index("place")["km_from_a"]
    assert out["B"] == 110          # one degree on the equator: 111.2 km, rounded to 10 km
    assert out["C"] == 10010        # a quarter of the circumference
    assert out["A"] == 0


def test_distances_from_pyongyang_order_the_table():
    table = charts.distances_from(data.places())
    assert table["km_from_pyongyang"].is_monotonic_decreasing
    assert table.iloc[-1]["place"] == "Pyongyang"
    row = table.set_index("place").loc["Moscow", "km_from_pyongyang"]
    assert 6000 < row < 7000


def test_unknown_centre_is_a_clear_error():
    with pytest.raises(ValueError, match="no place 'Seoul' in places.csv; the places are: "):
        charts.distances_from(data.places(), "Seoul")


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_map_draws_every_place_says_it_has_no_map_data_and_closes():
    plt.close("all")
    places = data.places()
    fig = charts.places_map(places)
    assert plt.get_fignums() == []
    texts = " ".join(_texts(fig))
    for name in places["place"]:
        assert name in texts
    assert charts.NO_MAP_DATA in texts
    assert fig.axes[0].get_xlabel() == "Longitude (degrees east)"


def test_map_title_and_labels_come_from_the_rows():
    places = data.places()
    assert fig_title(places) == ("Kursk lies about 6,690 km from Pyongyang: "
                                 "the story spans a continent")
    moved = places.copy()
    moved.loc[moved["place"] == "Hanoi", ["lat", "lon"]] = [-33.87, 151.21]   # Sydney
    fig = charts.places_map(moved)
    assert fig.axes[0].get_title(loc="left").startswith("Hanoi lies about 8,")
    assert any(t.startswith("Hanoi\n8,") for t in _texts(fig))


def fig_title(places):
    return charts.places_map(places).axes[0].get_title(loc="left")
