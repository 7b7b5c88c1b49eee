"""HTML views of lesson 4's case article: the article with passages highlighted, and claim cards.
They return a CaseView, which a notebook shows as HTML, with a short, stable plain-text form.

    article_view(article, rows)   the article as received, spans of `rows` highlighted
    claim_cards(claims, article)  one card per claim: paragraph, evidence, sources
"""
from __future__ import annotations

from .sources import VERDICT_COLOURS, _case_label


class CaseView:
    """Rich HTML in a notebook with a short, stable plain-text form (for nbval and exports)."""

    def __init__(self, html_text: str, text: str):
        self.html, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _case_marked(paragraph: str, marks) -> str:
    """A paragraph as HTML with each (span, label) wrapped in <mark> (first occurrence each)."""
    import html

    found = []
    for span, label in marks:
        start = paragraph.find(span)
        if span and start >= 0:
            found.append((start, start + len(span), label))
    found.sort()
    out, pos = [], 0
    for start, end, label in found:
        if start < pos:  # overlaps the previous mark: leave it unmarked
            continue
        out.append(html.escape(paragraph[pos:start], quote=False))
        out.append(f"<mark style='background:#fde9a8;padding:0 1px'>"
                   f"{html.escape(paragraph[start:end], quote=False)}</mark>"
                   f"<sup style='color:#8a5300;font-weight:bold'>{html.escape(label)}</sup>")
        pos = end
    out.append(html.escape(paragraph[pos:], quote=False))
    return "".join(out).replace("\n", "<br>")


def _case_paragraphs(article: str) -> list[str]:
    return [p for p in article.split("\n\n") if p.strip()]


_CASE_ARTICLE_BOX = ("<div style='border-left:4px solid #999;background:#fafafa;"
                     "padding:0.4em 0.9em;margin:0.4em 0;font-family:Georgia,serif;"
                     "font-size:0.95em;line-height:1.45'>")


def article_view(article: str, rows=None, span: str = "quote_span", label: str = "claim_id",
                 only_marked: bool = False) -> CaseView:
    """The case article as received, with the spans of `rows` (claims or signals) highlighted.

    Nothing is retyped: paragraphs come from the text itself, and each highlighted span is found
    verbatim. With only_marked, only the paragraphs that contain a highlighted span are shown.
    """
    marks = []
    if rows is not None:
        marks = [(s, tag) for s, tag in zip(rows[span], rows[label]) if isinstance(s, str) and s]
    shown, n_marked = [], 0
    for paragraph in _case_paragraphs(article):
        here = [(s, tag) for s, tag in marks if s in paragraph]
        if only_marked and not here:
            continue
        n_marked += len(here)
        shown.append(f"<p style='margin:0.35em 0'>{_case_marked(paragraph, here)}</p>")
    head = ("<div style='font-size:0.85em;color:#555'>Case article "
            "(<code>data/case_article.txt</code>), exactly as received"
            + (": highlighted passages are labelled with their id" if marks else "") + "</div>")
    text = f"Case article: {len(shown)} paragraph{'s' if len(shown) != 1 else ''} shown"
    if marks:
        text += f", {n_marked} passages highlighted"
    return CaseView(head + _CASE_ARTICLE_BOX + "".join(shown) + "</div>", text)


def claim_cards(claims, article: str, ids=None, show_verdict: bool = True) -> CaseView:
    """One card per claim: the paragraph with its span highlighted, the evidence and sources.

    `ids` picks claims by claim_id, in that order (default: every row of `claims`). With
    show_verdict=False the verdict and the teaching note are left out (for exercises that ask
    students to judge the verdict from the evidence)."""
    import html

    if ids is not None:
        ids = [ids] if isinstance(ids, str) else list(ids)
        unknown = [i for i in ids if i not in set(claims["claim_id"])]
        if unknown:
            raise ValueError(f"no claim {unknown[0]!r} in the claims table; ids look like 'C05'")
        claims = claims.set_index("claim_id").loc[ids].reset_index()
    paragraphs = _case_paragraphs(article)
    cards = []
    for row in claims.itertuples(index=False):
        paragraph = next((p for p in paragraphs if row.quote_span in p), row.quote_span)
        verdict = str(row.verdict)
        head = (f"<b>{html.escape(row.claim_id)}</b> · {html.escape(str(row.section))} · "
                f"claim type: <b>{_case_label(row.claim_type)}</b>")
        if show_verdict:
            head += (f" · verdict: <span style='background:{VERDICT_COLOURS[verdict]};"
                     f"padding:0 4px;border-radius:3px'><b>{_case_label(verdict)}</b></span>")
        marked = _case_marked(paragraph, [(row.quote_span, row.claim_id)])
        body = [f"<div>{head}</div>", f"{_CASE_ARTICLE_BOX}{marked}</div>",
                f"<div><b>Evidence:</b> {html.escape(row.evidence, quote=False)}</div>"]
        if show_verdict:
            note = html.escape(row.teaching_note, quote=False)
            body.append(f"<div><b>Takeaway:</b> {note}</div>")
        body.append("<div style='font-size:0.85em;color:#555'><b>Sources:</b> "
                    f"{html.escape(', '.join(row.source_ids))}</div>")
        cards.append("<div style='border:1px solid #ddd;border-radius:6px;padding:0.5em 0.8em;"
                     "margin:0.6em 0'>" + "".join(body) + "</div>")
    ids = ", ".join(claims["claim_id"])
    return CaseView("".join(cards), f"Claim cards: {ids}")
