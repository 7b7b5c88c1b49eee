"""The course style, shared by every chart: the Okabe-Ito colour-blind-safe palette, one colour
per stance and per actor (the same everywhere in the course), the figure size, and `finish()`.

`finish()` titles the chart and closes the figure before returning it: a lesson cell that ends
with `charts.some_chart(...)` then shows the chart exactly once, as the cell's result (no second
copy from the inline backend, no figure left open). A closed figure still renders and saves
(`fig.savefig(...)`, or its rich display in a notebook).

Alternative text: every finished figure carries a text alternative in its notebook output, as
`metadata["image/png"]["alt"]`, which HTML exports (nbconvert, so nbviewer too) put in the
image's `alt` attribute. By default it is built from the chart's title and axis labels; a
lesson gives the full text description with `pactlab.charts.style.describe(fig, "...")` (or
`finish(..., alt=...)`).
"""
from __future__ import annotations

import matplotlib.pyplot as plt

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}

# One colour per stance, used in every lesson.
STANCE_COLOURS = {
    "condemn": OKABE_ITO["vermillion"],
    "concern": OKABE_ITO["orange"],
    "cautious": OKABE_ITO["yellow"],
    "neutral": OKABE_ITO["grey"],
    "support": OKABE_ITO["blue"],
}

# One colour per main actor, used in every lesson.
ACTOR_COLOURS = {
    "Russia": OKABE_ITO["vermillion"],
    "DPRK": OKABE_ITO["reddish_purple"],
    "US": OKABE_ITO["blue"],
    "UK": OKABE_ITO["sky_blue"],
    "NATO": OKABE_ITO["bluish_green"],
    "EU": OKABE_ITO["yellow"],
    "South Korea": OKABE_ITO["orange"],
    "Japan": OKABE_ITO["black"],
    "China": OKABE_ITO["grey"],
}

FIGSIZE = (8, 4)
DPI = 100


def new_figure(figsize=FIGSIZE):
    """A figure and axes in the course style."""
    fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def finish(fig, ax, title: str, xlabel: str = "", ylabel: str = "", alt: str | None = None):
    """Title (the chart's message) and axis labels; closes the figure (see the module docstring)
    and returns it, with its alternative text (`alt`, else one made from the title and labels).
    """
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    plt.close(fig)
    if alt is None:
        parts = [f"Chart: {title.strip().rstrip('.')}."]
        if xlabel:
            parts.append(f"Horizontal axis: {xlabel}.")
        if ylabel:
            parts.append(f"Vertical axis: {ylabel}.")
        parts.append("The text description next to the chart gives its content.")
        alt = " ".join(parts)
    return describe(fig, alt)


def describe(fig, text: str):
    """Attach `text` as the figure's alternative text (notebook output metadata) and return the
    figure, so a lesson cell can end with `describe(charts.x(...), "A line of years ...")`."""
    alt = " ".join(str(text).split())

    def _repr_mimebundle_(include=None, exclude=None):
        # no data here: the inline backend still draws the PNG; this adds its metadata
        return {}, {"image/png": {"alt": alt}}

    fig._repr_mimebundle_ = _repr_mimebundle_
    fig.pactlab_alt = alt
    return fig
