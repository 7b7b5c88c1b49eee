"""Lesson 2, the pact's domains (notebooks/02_pact_domains.ipynb): the treaty's articles by domain,
drawn from data/treaty_articles.csv.

    treaty_domain_map(articles)                  one column per article, one row per domain
    articles_per_domain(articles, named_domains) how many articles cover each domain
"""
from __future__ import annotations

from .style import OKABE_ITO, finish, new_figure


# The treaty_articles.csv domain codes in reading order, with the labels the charts print.
DOMAIN_LABELS = {
    "security_defence": "Security & defence",
    "foreign_policy": "Foreign policy",
    "trade_economy": "Trade & economy",
    "investment": "Investment",
    "science_technology": "Science & technology",
    "culture_education": "Culture & education",
    "humanitarian": "Humanitarian",
    "health": "Health",
    "law_enforcement": "Law enforcement",
    "energy_transport": "Energy & transport",
    "sanctions": "Sanctions",
    "final_provisions": "Final provisions",
}


def treaty_domain_map(articles):
    """A map of the treaty: one column per article (1-23), one row per domain, a dot where an
    article covers a domain. Columns of articles that no report the course holds ties to their
    content are shaded (the full text is public; their provisions are known, their numbers not);
    a hollow dot marks an article whose number rests only on its place in a source's list.
    `articles` is `data.treaty_articles()`."""
    import matplotlib.patches as mpatches

    domains = list(DOMAIN_LABELS)
    row = {d: len(domains) - 1 - i for i, d in enumerate(domains)}   # first domain on top
    fig, ax = new_figure(figsize=(8, 4.4))
    colour = OKABE_ITO["blue"]
    unknown = articles.loc[~articles["content_confirmed"], "article"].tolist()
    for art in unknown:
        ax.axvspan(art - 0.45, art + 0.45, color=OKABE_ITO["grey"], alpha=0.25, lw=0)
    for _, r in articles.iterrows():
        for d in r["domains"]:
            filled = bool(r["number_confirmed"])
            ax.scatter(r["article"], row[d], s=70, zorder=3, linewidths=1.6,
                       facecolors=colour if filled else "white", edgecolors=colour)
    ax.set_xticks(range(1, 24))
    ax.set_xlim(0.4, 23.6)
    ax.set_yticks([row[d] for d in domains], [DOMAIN_LABELS[d] for d in domains])
    ax.set_ylim(-0.7, len(domains) - 0.3)
    ax.tick_params(axis="both", labelsize=9, length=0)
    ax.grid(axis="y", color="#dddddd", lw=0.6, zorder=0)
    ax.spines[["left", "bottom"]].set_visible(False)
    handles = [
        ax.scatter([], [], s=70, color=colour, label="a source names the article number"),
        ax.scatter([], [], s=70, facecolors="white", edgecolors=colour, linewidths=1.6,
                   label="number inferred from the published order"),
        mpatches.Patch(color=OKABE_ITO["grey"], alpha=0.25,
                       label="reported provisions, number not matched"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=9,
               handletextpad=0.3, columnspacing=1.5)
    return finish(fig, ax, f"Security and foreign policy come first; {len(unknown)} articles' "
                  "numbers are not matched", xlabel="Article number", ylabel="")


def articles_per_domain(articles, named_domains=()):
    """Horizontal bars: how many of the treaty's articles cover each domain (an article with two
    domains counts in both). Domains in `named_domains` (e.g. the ones a news article names) are
    drawn in blue, the others in orange. `articles` is `data.treaty_articles()`."""
    import matplotlib.patches as mpatches

    domains = list(DOMAIN_LABELS)
    counts = articles["domains"].explode().value_counts().reindex(domains, fill_value=0)
    # largest first, ties in the vocabulary's order; the first bar is drawn at the top
    order = sorted(domains, key=lambda d: (-counts[d], domains.index(d)))
    counts = counts[order[::-1]]
    named = set(named_domains)
    named_colour = OKABE_ITO["blue"]
    other_colour = OKABE_ITO["orange"] if named else named_colour
    fig, ax = new_figure(figsize=(8, 4.4))
    y = list(range(len(counts)))
    ax.barh(y, counts.values, height=0.7,
            color=[named_colour if d in named else other_colour for d in counts.index])
    ax.set_yticks(y, [DOMAIN_LABELS[d] for d in counts.index])
    for yi, n in zip(y, counts.values):
        ax.text(n + 0.06, yi, str(n), va="center", fontsize=9)
    ax.set_xlim(0, counts.max() + 0.6)
    ax.set_xticks(range(0, int(counts.max()) + 1))
    ax.tick_params(axis="y", length=0, labelsize=9)
    top = order[0]
    if named:
        fig.legend(handles=[mpatches.Patch(color=named_colour,
                                           label="named in the case article's list"),
                            mpatches.Patch(color=other_colour, label="not in its list")],
                   loc="outside lower center", ncol=2, frameon=False, fontsize=9)
        if top not in named:
            title = (f"The case article's list omits {DOMAIN_LABELS[top].lower()}, the largest "
                     "domain")
        else:
            title = f"The case article names {DOMAIN_LABELS[top].lower()}, the largest domain"
    else:
        title = f"{DOMAIN_LABELS[top]} is the treaty's largest domain"
    return finish(fig, ax, title, xlabel="Identified articles that cover the domain", ylabel="")
