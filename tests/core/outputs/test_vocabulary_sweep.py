"""One vocabulary, checked on everything a review reads: every finding (as the pages show them,
in both audiences), every slide (title, lines, chart title, notes) and the report, for every demo.
The model "acts on" cases, "covers" those it acts on and was built for, and "hands" the rest "to a
person"; it never "handles" them; no sentence ends in doubled punctuation."""

from __future__ import annotations

import re

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from core.outputs import report, story
from core.words import narrative
from tests.app.test_home import DEMOS
from tests.core.outputs.test_deck_titles import build_deck

RETIRED = re.compile(r"\b(it|model|the model) handles\b|\bhandles (about|none|all|\d)", re.IGNORECASE)
DOUBLED = re.compile(r"[?!][.?!]|(?<!\.)\.\.(?!\.)|,[.,]")


def everything_said(bundle, data, explained, point) -> list[str]:
    said = []
    for finding in story.findings(bundle, data, explained, point):
        said += [finding.text(narrative.PLAIN), finding.text(narrative.TECHNICAL)]
    for slide in build_deck(bundle, data, explained, point):
        said += [slide.title, *slide.sentences, *slide.facts]
        said += [slide.chart[0]] if slide.chart else []
        said += [n.text(narrative.PLAIN) for n in slide.notes if n is not None]
    made = report.build(bundle, data, explained, point)
    said += [made.summary, *made.risks, made.decision, *made.captions, *(t for t, _ in made.charts)]
    return [s for s in said if s]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_no_retired_word_and_no_doubled_punctuation_anywhere(demo_root, bundle_id):
    bundle = load_bundle(demo_root / bundle_id)
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    explained = explain.for_bundle(bundle, demo_root / ".test-cache") if bundle.explainable else None
    said = everything_said(bundle, data, explained, bundle.spec.operating_point)
    assert len(said) > 20
    assert [s for s in said if RETIRED.search(s)] == []
    assert [s for s in said if DOUBLED.search(s)] == []
