"""One vocabulary, checked on everything a review reads: every finding (as the pages show them,
in both audiences), every slide (title, lines, chart title, notes) and the report, for every demo.
The model "acts on" cases, "covers" those it acts on and was built for, and "hands" the rest "to a
person"; it never "handles" them; no sentence ends in doubled punctuation; no class or category
value is shown as the identifier the data writes it as ("bug_report")."""

from __future__ import annotations

import re

from core.outputs import report, story
from core.words import narrative
from tests.core.outputs.test_deck_titles import build_deck

RETIRED = re.compile(r"\b(it|model|the model) handles\b|\bhandles (about|none|all|\d)", re.IGNORECASE)
DOUBLED = re.compile(r"[?!][.?!]|(?<!\.)\.\.(?!\.)|,[.,]")


IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")


def raw_labels(bundle) -> set[str]:
    """The bundle's class labels and category values (text columns aside) that the data writes as identifiers."""
    import pandas as pd

    written = {str(c) for c in bundle.model_classes or ()}
    for column in dict.fromkeys([*bundle.spec.segments, *bundle.features]):
        info = bundle.spec.features.get(column)
        if (info is None or info.kind != "text") and not pd.api.types.is_numeric_dtype(bundle.eval[column]):
            written |= {str(v) for v in pd.unique(bundle.eval[column].dropna())[:200]}
    return {w for w in written if IDENTIFIER.fullmatch(w)}


def everything_said(bundle, data, explained, point, shown=None) -> list[str]:
    """Every finding in both audiences, every slide's lines and notes (`shown`, or built here), and
    the report. The sweep (test_rendered_decks.py) runs on the decks built there."""
    said = []
    for finding in story.findings(bundle, data, explained, point):
        said += [finding.text(narrative.PLAIN), finding.text(narrative.TECHNICAL)]
    for slide in shown if shown is not None else build_deck(bundle, data, explained, point):
        said += [slide.title, *slide.sentences, *slide.facts]
        said += [slide.chart[0]] if slide.chart else []
        said += [n.text(narrative.PLAIN) for n in slide.notes if n is not None]
    made = report.build(bundle, data, explained, point)
    said += [made.summary, *made.risks, made.decision, *made.captions, *(t for t, _ in made.charts)]
    return [s for s in said if s]
