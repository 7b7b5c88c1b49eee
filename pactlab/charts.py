"""The course's charts: small functions, one per chart, so lessons stay short and a style change
is made once.

Every chart function takes the DataFrame(s) it draws (as returned by `pactlab.data`), returns the
matplotlib Figure, and follows the course's conventions: the title states the message; axes are
labelled with units; direct labels rather than legends where possible; about 8 x 4 inches at
100 dpi; the Okabe-Ito colour-blind-safe palette, with the same colour for the same actor or
stance everywhere in the course (see ACTOR_COLOURS, STANCE_COLOURS).
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


def finish(fig, ax, title: str, xlabel: str = "", ylabel: str = ""):
    """Title (the chart's message) and axis labels; returns the figure."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


# ---- lesson 1: the summit --------------------------------------------------------------------
# (add lesson 1 chart functions here)

# ---- lesson 2: the pact's domains ------------------------------------------------------------
# (add lesson 2 chart functions here)

# ---- lesson 3: the response ------------------------------------------------------------------
# (add lesson 3 chart functions here)

# ---- lesson 4: evaluating sources ------------------------------------------------------------
# (add lesson 4 chart functions here)
