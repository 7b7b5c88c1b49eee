"""Lesson 00, the why (notebooks/00_why_the_summit.ipynb): a map of the story's places, drawn
from data/places.csv with plain matplotlib.

    distances_from(places, centre)   great-circle distance of every place from one of them (km)
    places_map(places, centre)       the places as dots on longitude/latitude axes, each labelled
                                     with its distance from `centre`

The map has no coastlines, borders or tiles (the course ships no map data): coordinates and simple
drawing only, and the map says so. Distances are great-circle distances on a sphere of radius
6,371 km, rounded to the nearest 10 km.
"""
from __future__ import annotations

import math

from .style import ACTOR_COLOURS, OKABE_ITO, finish, new_figure

EARTH_RADIUS_KM = 6371.0
NO_MAP_DATA = "Coordinates only: no coastlines or borders are drawn"


def _great_circle_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _row(places, centre: str):
    match = places[places["place"] == centre]
    if match.empty:
        known = ", ".join(places["place"])
        raise ValueError(f"no place {centre!r} in places.csv; the places are: {known}")
    return match.iloc[0]


def distances_from(places, centre: str = "Pyongyang"):
    """A copy of `places` (as `data.places()` returns it) with a column `km_from_<centre>`: the
    great-circle distance from `centre`, rounded to 10 km, largest first."""
    origin = _row(places, centre)
    column = "km_from_" + centre.lower().replace(" ", "_")
    out = places.copy()
    out[column] = [int(round(_great_circle_km(origin["lat"], origin["lon"], lat, lon), -1))
                   for lat, lon in zip(out["lat"], out["lon"])]
    return out.sort_values(column, ascending=False, kind="stable").reset_index(drop=True)


def _colour(countries) -> str:
    first = countries[0] if len(countries) else ""
    return ACTOR_COLOURS.get(first, OKABE_ITO["grey"])


def places_map(places, centre: str = "Pyongyang"):
    """The story's places as dots on longitude/latitude axes (scaled so that a degree of latitude
    and of longitude look as they do at the places' mean latitude), coloured by country with the
    course's actor colours, each labelled with its name and its distance from `centre`. A place
    in two countries (a border site) is a diamond. `places` is `data.places()`."""
    table = distances_from(places, centre)
    column = table.columns[-1]
    fig, ax = new_figure(figsize=(8, 4.6))
    mean_lat = float(table["lat"].mean())
    ax.set_aspect(1 / math.cos(math.radians(mean_lat)))
    ax.grid(color="#e3e3e3", lw=0.6, zorder=0)
    points = list(zip(table["place"], table["lon"], table["lat"], table["country"], table[column]))
    for name, lon, lat, countries, km in points:
        border = len(countries) > 1
        colour = _colour(countries)
        edge = ACTOR_COLOURS.get(countries[-1], colour) if border else "white"
        ax.scatter(lon, lat, s=90 if border else 70, marker="D" if border else "o", zorder=3,
                   color=colour, edgecolors=edge, linewidths=1.8 if border else 0.8)
        # a label goes to the left of its dot when another place sits just to its right
        crowded = any(0 < lon2 - lon < 12 and abs(lat2 - lat) < 2.5
                      for _, lon2, lat2, _, _ in points)
        label = name if name == centre else f"{name}\n{km:,} km"
        ax.annotate(label, (lon, lat), xytext=(-7 if crowded else 6, 0), textcoords="offset points",
                    ha="right" if crowded else "left", va="center", fontsize=8.5, zorder=4,
                    fontweight="bold" if name == centre else "normal")
    ax.set_xlim(table["lon"].min() - 6, table["lon"].max() + 22)
    ax.set_ylim(table["lat"].min() - 5, table["lat"].max() + 5)
    ax.text(0.01, 0.02, NO_MAP_DATA + " (data: data/places.csv)", transform=ax.transAxes,
            fontsize=8, color="#555555", ha="left", va="bottom")
    handles = [ax.scatter([], [], s=50, color=ACTOR_COLOURS[c], label=c) for c in ("Russia", "DPRK")
               if any(c in cs for cs in table["country"])]
    others = sorted({cs[0] for cs in table["country"] if cs[0] not in ACTOR_COLOURS})
    if others:
        handles.append(ax.scatter([], [], s=50, color=OKABE_ITO["grey"], label=", ".join(others)))
    if any(len(cs) > 1 for cs in table["country"]):
        handles.append(ax.scatter([], [], s=60, marker="D", color=ACTOR_COLOURS["DPRK"],
                                  edgecolors=ACTOR_COLOURS["Russia"], linewidths=1.8,
                                  label="border site"))
    ax.legend(handles=handles, loc="upper center", frameon=False, fontsize=8.5)
    far = table.iloc[0]
    title = (f"{far['place']} lies about {int(far[column]):,} km from {centre}: "
             "the story spans a continent")
    return finish(fig, ax, title, xlabel="Longitude (degrees east)",
                  ylabel="Latitude (degrees north)")
