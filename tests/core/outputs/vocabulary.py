"""One vocabulary, checked on everything a review reads: every finding (as the pages show them,
in both audiences), every slide (title, lines, chart title, notes) and the report, for every demo.
The model "acts on" cases, "covers" those it acts on and was built for, and "hands" the rest "to a
person"; it never "handles" them; no sentence ends in doubled punctuation; no class or category
value is shown as the identifier the data writes it as ("bug_report")."""

from __future__ import annotations

import math
import re

from core.outputs import report, story
from core.words import narrative
from tests.core.outputs.test_deck_titles import build_deck

RETIRED = re.compile(r"\b(it|model|the model) handles\b|\bhandles (about|none|all|\d)", re.IGNORECASE)
DOUBLED = re.compile(r"[?!][”\"’)]?[.?!]|(?<!\.)\.[”\"’]?\.(?!\.)|,[”\"’]?[.,]")  # also across a closing quote


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


# --- arithmetic a reader can check: every figure said beside the ones it comes from adds up ---

_NUMBER = r"\$?-?[\d,]+(?:\.\d+)?%?"


def _value(text: str) -> float:
    return float(text.replace("$", "").replace(",", "").replace("%", "").replace("−", "-"))


def arithmetic_problems(sentence: str) -> list[str]:
    """What in `sentence` does not add up, as a reader would check it from the figures shown:

    - "N more (or fewer) ... (A instead of B)": N is the difference of A and B;
    - "A ... more than now" beside "highest, about B ... now C": A is B minus C;
    - "N of them / N of all M": N is at most M;
    - "X (95% range A to B)" and "X, range A to B": A <= X <= B... when X is the figure the range belongs to;
    - a share of something ("N% of"): between 0% and 100%;
    - "about N in 10 ... (P%)": P% rounds to N in 10.

    Run on one sentence, or on everything one view says joined (the best value and the value now
    are said in different sentences).
    """
    found = []
    text = sentence.replace("−", "-").replace("\u2009", " ")
    for m in re.finditer(rf"({_NUMBER}) (more|fewer)\b[^()]*?\(({_NUMBER}) instead of ({_NUMBER})\)", text):
        said, a, b = _value(m.group(1)), _value(m.group(3)), _value(m.group(4))
        if abs(abs(a - b) - abs(said)) > 1e-9:
            found.append(f"'{m.group(0)}': {a:g} and {b:g} differ by {abs(a - b):g}, not {said:g}")
    for m in re.finditer(rf"({_NUMBER}) of (?:all |them\b)({_NUMBER})?", text):
        if m.group(2) and _value(m.group(1)) > _value(m.group(2)):
            found.append(f"'{m.group(0)}': a part larger than its whole")
    for m in re.finditer(rf"({_NUMBER}) \((?:95% range|range) ({_NUMBER}) to ({_NUMBER})", text):
        x, low, high = (_value(g) for g in m.groups())
        if not low - 1e-9 <= x <= high + 1e-9:
            found.append(f"'{m.group(0)}': {x:g} lies outside its own range")
    for m in re.finditer(r"(-?[\d,]+(?:\.\d+)?)% of\b", text):
        if not 0 <= _value(m.group(1)) <= 100:
            found.append(f"'{m.group(0)}': a share outside 0% to 100%")
    for m in re.finditer(r"about (\d+) in (10|100)\b[^()]*?\((\d+(?:\.\d+)?)%\)", text):
        said, per, share = int(m.group(1)), int(m.group(2)), float(m.group(3))
        near = math.floor(share * per / 100 + 0.5)  # halves up, as the figures are rounded
        if near != said and not (said == 1 and share * per / 100 < 1):
            found.append(f"'{m.group(0)}': {share:g}% is about {near} in {per}, not {said}")
    best = re.search(rf"highest, about ({_NUMBER})", text)
    gain = re.search(rf"That is ({_NUMBER})[^.]* more than now", text)
    now = re.search(rf"\(now ({_NUMBER})", text)
    if best and gain and now and abs(_value(best.group(1)) - _value(now.group(1)) - _value(gain.group(1))) > 1e-9:
        found.append(f"{best.group(1)} less {now.group(1)} is not {gain.group(1)}")
    return found
