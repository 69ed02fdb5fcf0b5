"""A slide as the Present page shows it: title, facts, sentences, tiles, table and method note, as escaped HTML.

The page only places the HTML and the slide's chart; what a slide says is built by `core.outputs.deck`.
"""

from __future__ import annotations

import html

from core import format as fmt

STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header {display: none !important;}
.block-container {max-width: 1360px; padding-top: 1.4rem; padding-bottom: 0.5rem;}
.slide-title {font-size: 2.6rem; font-weight: 700; line-height: 1.15; margin: 0 0 0.6rem 0;}
.slide-fact {font-size: 1.1rem; color: #5B6475; margin-bottom: 0.3rem;}
.slide-text {font-size: 1.45rem; line-height: 1.4; margin-bottom: 0.35rem;}
.slide-tiles {display: flex; gap: 1.2rem; margin: 1.2rem 0 0.4rem 0;}
.slide-tile {flex: 1; border: 1px solid #E3E6EE; border-radius: 10px; padding: 0.9rem 1.1rem;}
.slide-tile .label {font-size: 1.1rem; color: #5B6475;}
.slide-tile .value {font-size: 3.2rem; font-weight: 700; line-height: 1.2;}
.slide-tile .span {font-size: 0.95rem; color: #5B6475;}
.slide-table {font-size: 1.3rem; border-collapse: collapse; margin: 0.8rem 0;}
.slide-table td, .slide-table th {padding: 0.35rem 1.2rem 0.35rem 0; text-align: left; border-bottom: 1px solid #E3E6EE;}
.slide-method {font-size: 0.95rem; color: #5B6475; margin-top: 0.3rem;}
.small .slide-title {font-size: 1.5rem;} .small .slide-text {font-size: 1rem;}
.small .slide-tile .value {font-size: 1.8rem;} .small .slide-table {font-size: 1rem;}
.next .slide-title {font-size: 1.2rem; color: #5B6475;} .next .slide-text {font-size: 0.95rem; color: #5B6475;}
.notes li {font-size: 1.15rem; line-height: 1.45; margin-bottom: 0.4rem;}
</style>"""
METHOD_LIMIT = 320  # characters of the technical method note under a slide
NO_NOTES = "No notes for this slide."
THE_END = "The end of the slides"


def _text(value: str) -> str:
    return html.escape(fmt.clean(value))


def slide(shown, tile_labels: list[str], technical: bool, css: str = "") -> str:
    """One slide's text as HTML: its finding as the title, then its facts, sentences, figure tiles
    (labelled in the audience's words), table, and for a technical audience the method note.
    Every piece of text is escaped.

    >>> from core.outputs.deck import Slide
    >>> from core.words.narrative import Finding
    >>> slide(Slide("headline", Finding("t", 0, "Right <9> in 10"), sentences=["It acts on 80%."]), [], False)
    "<div class=''><div class='slide-title'>Right &lt;9&gt; in 10</div><div class='slide-text'>It acts on 80%.</div></div>"
    """
    parts = [f"<div class='slide-title'>{_text(shown.title)}</div>"]
    parts += [f"<div class='slide-fact'>{_text(line)}</div>" for line in shown.facts]
    parts += [f"<div class='slide-text'>{_text(line)}</div>" for line in shown.sentences]
    if shown.tiles:
        parts.append("<div class='slide-tiles'>")
        for label, (_, value, span) in zip(tile_labels, shown.tiles, strict=True):
            parts.append(
                f"<div class='slide-tile'><div class='label'>{html.escape(label)}</div>"
                f"<div class='value'>{html.escape(value)}</div><div class='span'>{html.escape(span)}</div></div>"
            )
        parts.append("</div>")
    if shown.table:
        head, *rows = shown.table
        cells = "".join(f"<th>{_text(c)}</th>" for c in head)
        body = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(f"<table class='slide-table'><tr>{cells}</tr>{body}</table>")
    if technical:
        method = " ".join(f.technical for f in shown.notes if f is not None and f.technical)
        if method:
            parts.append(f"<div class='slide-method'>{html.escape(fmt.clean(method, limit=METHOD_LIMIT))}</div>")
    return f"<div class='{css}'>{''.join(parts)}</div>"


def next_title(upcoming) -> str:
    """The presenter view's "Next": the coming slide's title, or the end of the slides."""
    title = _text(upcoming.title) if upcoming is not None else THE_END
    return f"<div class='next'><div class='slide-title'>{title}</div></div>"


def notes(shown) -> str:
    """The presenter view's notes for a slide, as a list (a line saying there are none otherwise)."""
    lines = shown.note_lines() or [NO_NOTES]
    return "<ul class='notes'>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
