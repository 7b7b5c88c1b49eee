"""The course's charts: small functions, one per chart, so lessons stay short and a style change
is made once.

    context     lesson 00 (the why): places_map, distances_from
    style       the palette (OKABE_ITO), STANCE_COLOURS, ACTOR_COLOURS, new_figure(), finish()
    summit      lesson 1: treaty_chain, visit_hours, ratification_days
    domains     lesson 2: treaty_domain_map, articles_per_domain
    response    lesson 3: stance_by_actor, statement_timeline
    sources     lesson 4: verdicts_by_claim_type, verdicts_along_article, sources_by_kind
    views       lesson 4's HTML views: article_view, claim_cards

Every chart function takes the DataFrame(s) it draws (as returned by `pactlab.data`) and returns
the matplotlib Figure, closed by `finish()`: a lesson shows a chart by ending a cell with the call,
`charts.treaty_chain(timeline)`, and it appears once, as the cell's result. Charts follow the
course's conventions: the title states the message; axes are labelled with units; direct labels
rather than legends where possible; about 8 x 4 inches at 100 dpi; the Okabe-Ito colour-blind-safe
palette, with the same colour for the same actor or stance everywhere in the course. Facts a chart
shows come from the data (e.g. timeline.csv's short_label and leaders_meet columns), not from
literals here.
"""
from __future__ import annotations

from .context import NO_MAP_DATA, distances_from, places_map
from .domains import DOMAIN_LABELS, articles_per_domain, treaty_domain_map
from .response import (RESPONSE_ACTOR_ORDER, RESPONSE_STANCE_ORDER, stance_by_actor,
                       statement_timeline)
from .sources import (STATE_MEDIA_COLOURS, VERDICT_COLOURS, VERDICT_ORDER, results_page,
                      sources_by_kind, verdicts_along_article, verdicts_by_claim_type)
from .style import ACTOR_COLOURS, DPI, FIGSIZE, OKABE_ITO, STANCE_COLOURS, finish, new_figure
from .summit import ratification_days, summit_label, treaty_chain, visit_hours
from .views import CaseView, article_view, claim_cards

__all__ = [
    "OKABE_ITO", "STANCE_COLOURS", "ACTOR_COLOURS", "FIGSIZE", "DPI", "new_figure", "finish",
    "places_map", "distances_from", "NO_MAP_DATA",
    "treaty_chain", "visit_hours", "ratification_days", "summit_label",
    "DOMAIN_LABELS", "treaty_domain_map", "articles_per_domain",
    "RESPONSE_ACTOR_ORDER", "RESPONSE_STANCE_ORDER", "stance_by_actor", "statement_timeline",
    "VERDICT_ORDER", "VERDICT_COLOURS", "STATE_MEDIA_COLOURS", "verdicts_by_claim_type",
    "verdicts_along_article", "sources_by_kind", "results_page",
    "CaseView", "article_view", "claim_cards",
]
