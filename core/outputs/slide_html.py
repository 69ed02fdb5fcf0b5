"""A slide as the Present page shows it: title, facts, sentences, tiles, table and method note, as escaped HTML.

The page only places the HTML and the slide's chart; what a slide says is built by `core.outputs.deck`.
"""

from __future__ import annotations

import html

from core import format as fmt

STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header {display: none !important;}
.block-container {max-width: none; padding: 1.5vh 3vw 0 3vw;}
/* the audience's slide: the whole screen but the row of controls under it (sizes follow the screen) */
.st-key-slide-frame, [data-testid="stLayoutWrapper"]:has(> .st-key-slide-frame) {
  height: calc(100vh - 1.5vh - 5.2rem) !important; max-height: none !important; flex: 0 0 auto !important;}
.st-key-slide-frame [data-testid="stVegaLiteChart"] {min-height: 22vh;}
.slide-title {font-size: clamp(1.9rem, 2.9vw, 4.2rem); font-weight: 700; line-height: 1.15; margin: 0 0 0.6rem 0; padding: 0;}
.slide-fact {font-size: clamp(1.05rem, 1.25vw, 1.8rem); color: #5B6475; margin-bottom: 0.3rem;}
.slide-text {font-size: clamp(1.3rem, 1.6vw, 2.3rem); line-height: 1.4; margin-bottom: 0.35rem;}
.slide-tiles {display: flex; gap: 1.5vw; margin: 2vh 0 0.5vh 0;}
.slide-tile {flex: 1; border: 1px solid #E3E6EE; border-radius: 10px; padding: 1.6vh 1.4vw;}
.slide-tile .label {font-size: clamp(1.05rem, 1.25vw, 1.8rem); color: #5B6475;}
.slide-tile .value {font-size: clamp(2.8rem, 4.2vw, 6rem); font-weight: 700; line-height: 1.2;}
.slide-tile .span {font-size: clamp(0.95rem, 1.25vw, 1.8rem); color: #5B6475;}
.slide-table {font-size: clamp(1.2rem, 1.5vw, 2.1rem); border-collapse: collapse; margin: 1.5vh 0;}
.slide-table td, .slide-table th {padding: 0.35em 1.2em 0.35em 0; text-align: left; border-bottom: 1px solid #E3E6EE;}
.slide-method {font-size: clamp(0.95rem, 1.25vw, 1.8rem); color: #5B6475; margin-top: 0.3rem;}
.small .slide-title {font-size: 1.5rem;} .small .slide-text {font-size: 1rem;} .small .slide-fact {font-size: 0.9rem;}
.small .slide-tile .value {font-size: 1.8rem;} .small .slide-tile .label, .small .slide-tile .span {font-size: 0.85rem;}
.small .slide-table {font-size: 1rem;} .small .slide-method {font-size: 0.85rem;}
.small .slide-tiles {margin: 0.6rem 0 0.2rem 0;} .small .slide-tile {padding: 0.6rem 0.8rem;}
.next .slide-title {font-size: 1.2rem; color: #5B6475;} .next .slide-text {font-size: 0.95rem; color: #5B6475;}
.notes li {font-size: 1.15rem; line-height: 1.45; margin-bottom: 0.4rem;}
.slide-chart-title {font-size: clamp(1.1rem, 1.35vw, 2rem); font-weight: 600; margin-top: 1.2vh;}
/* a slide of words alone: set in the middle of the screen under its title, larger when they are few */
.slide.alone {height: calc(100vh - 1.5vh - 5.2rem - 4px); display: flex; flex-direction: column;}
.slide.alone .slide-body {margin: auto 0; padding-bottom: 8vh;}
.slide.large .slide-text {font-size: clamp(1.5rem, 2.05vw, 3rem); margin-bottom: 2vh;}
.slide.large .slide-fact {font-size: clamp(1.2rem, 1.5vw, 2.2rem);}
.slide.large .slide-tile .value {font-size: clamp(3.2rem, 5.6vw, 8rem);}
.slide.large .slide-tile .label, .slide.large .slide-tile .span {font-size: clamp(1.2rem, 1.5vw, 2.2rem);}
.slide.large .slide-table {font-size: clamp(1.4rem, 1.9vw, 2.8rem);}
</style>"""
LARGE_TEXT = 420  # characters of a slide's sentences still set in its largest type
METHOD_LIMIT = 320  # characters of the technical method note under a slide
NO_NOTES = "No notes for this slide."
THE_END = "The end of the slides"


def _text(value: str) -> str:
    return html.escape(fmt.clean(value))


def slide(shown, tile_labels: list[str], technical: bool, css: str = "", chart_title: str = "") -> str:
    """One slide's text as HTML: its finding as the title, then its facts, sentences, figure tiles
    (labelled in the audience's words), table, for a technical audience the method note, and the
    title of the chart drawn under it. Every piece of text is escaped. A "full" slide (the
    audience's) without a chart sets its text in the middle of the screen, larger when it is short.

    >>> from core.outputs.deck import Slide
    >>> from core.words.narrative import Finding
    >>> slide(Slide("headline", Finding("t", 0, "Right <9> in 10"), sentences=["It acts on 80%."]), [], False)
    "<div class='slide'><h1 class='slide-title'>Right &lt;9&gt; in 10</h1><div class='slide-body'><div class='slide-text'>It acts on 80%.</div></div></div>"
    """
    body = [f"<div class='slide-fact'>{_text(line)}</div>" for line in shown.facts]
    body += [f"<div class='slide-text'>{_text(line)}</div>" for line in shown.sentences]
    if shown.tiles:
        body.append("<div class='slide-tiles'>")
        for label, (_, value, span) in zip(tile_labels, shown.tiles, strict=True):
            body.append(
                f"<div class='slide-tile'><div class='label'>{html.escape(label)}</div>"
                f"<div class='value'>{html.escape(value)}</div><div class='span'>{html.escape(span)}</div></div>"
            )
        body.append("</div>")
    if shown.table:
        head, *rows = shown.table
        cells = "".join(f"<th>{_text(c)}</th>" for c in head)
        rows_html = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>" for row in rows)
        body.append(f"<table class='slide-table'><tr>{cells}</tr>{rows_html}</table>")
    if technical:
        method = " ".join(f.technical for f in shown.notes if f is not None and f.technical)
        if method:
            body.append(f"<div class='slide-method'>{html.escape(fmt.clean(method, limit=METHOD_LIMIT))}</div>")
    if chart_title:
        body.append(f"<div class='slide-chart-title'>{_text(chart_title)}</div>")
    classes = ["slide", *([css] if css else [])]
    if css == "full" and shown.chart is None:
        words = sum(len(line) for line in [*shown.facts, *shown.sentences])
        classes += ["alone"] + (["large"] if words <= LARGE_TEXT and len(shown.table or ()) <= 6 else [])
    classes = " ".join(classes)
    return (
        f"<div class='{classes}'><h1 class='slide-title'>{_text(shown.title)}</h1>"
        f"<div class='slide-body'>{''.join(body)}</div></div>"
    )


def next_title(upcoming) -> str:
    """The presenter view's "Next": the coming slide's title, or the end of the slides."""
    title = _text(upcoming.title) if upcoming is not None else THE_END
    return f"<div class='next'><h2 class='slide-title'>{title}</h2></div>"


def notes(shown) -> str:
    """The presenter view's notes for a slide, as a list (a line saying there are none otherwise)."""
    lines = shown.note_lines() or [NO_NOTES]
    return "<ul class='notes'>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
