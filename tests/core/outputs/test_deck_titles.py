"""The review deck's slides: every title is its finding, held to the bars of every other sentence
(grade, no jargon, every number one the finding was computed from), for every demo bundle at
three settings; and the titles that pick a side pick the right one."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import textstat

from core import format as fmt
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import compare, metrics, tradeoff
from core.explaining import explain
from core.outputs import charts, deck, story
from core.words import narrative
from core.words.glossary import JARGON
from tests.app.test_home import DEMOS
from tests.core.outputs.test_story import MAX_GRADE, SETTINGS, numbers_in, renderings
from tests.helpers import make_spec


def build_deck(bundle, data, explained, point, other=None, cache=None) -> list[deck.Slide]:
    found = {f.code: f for f in story.findings(bundle, data, explained, point)}
    index = tradeoff.Index(data) if bundle.spec.task != "regression" else None
    judged = None
    if other is not None:
        other_data = metrics.from_bundle(other, scoring.scores(other, cache))
        judged = compare.judged(
            data, point, bundle.spec.title, other_data, other.spec.operating_point, other.spec.title, bundle.spec
        )
    typical = metrics.typical_row(data, bundle.spec.operating_point)
    view = (
        story.case_view(bundle, explained, explain.pick_case(explained, "typical", typical=typical), point)
        if explained
        else None
    )
    context = dict(
        result=metrics.headline(data, point),
        point=point,
        data=data,
        index=index,
        best=tradeoff.best_point(index) if index else None,
        explanation=explained,
        groups=story.unseen_groups(bundle, data) if bundle.spec.task == "multiclass" else [],
        case=view,
        comparison=judged,
    )
    return [
        deck.slide(name, found, bundle, **context)
        for name in deck.names(found, comparable=other is not None, explainable=bundle.explainable)
    ]


@pytest.fixture(scope="module")
def decks(demo_root) -> dict:
    built = {}
    for bundle_id in DEMOS:
        bundle = load_bundle(demo_root / bundle_id)
        other_id = {"churn-gbm": "churn-logreg", "churn-logreg": "churn-gbm"}.get(bundle_id)
        other = load_bundle(demo_root / other_id) if other_id else None
        data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
        explained = explain.for_bundle(bundle, demo_root / ".test-cache")
        for name, point in SETTINGS.items():
            point = point or bundle.spec.operating_point
            context = {"labels": [bundle.spec.label(f) for f in bundle.features], "summary": bundle.spec.summary}
            if other is not None:
                context["labels"] += [other.spec.title, bundle.spec.title]
            built[bundle_id, name] = (
                bundle,
                build_deck(bundle, data, explained, point, other, demo_root / ".test-cache"),
                context,
            )
    return built


def test_every_slide_is_titled_with_its_own_finding(decks):
    for (bundle_id, setting), (_, slides, _) in decks.items():
        titles = [s.title for s in slides]
        assert len(set(titles)) == len(titles), (bundle_id, setting, titles)
        assert all(s.heading.code.startswith("title_") or s.heading.code == "unexplained" for s in slides)
        assert all(len(t) <= 110 for t in titles), titles  # a title fits two lines of a slide
    assert deck.COMPARISON in [s.name for s in decks["churn-gbm", "own"][1]]
    assert deck.NEVER_BUILT_FOR in [s.name for s in decks["support-router", "own"][1]]


def test_titles_read_plainly_and_quote_only_computed_numbers(decks):
    checked = 0
    for key, (bundle, slides, context) in decks.items():
        for shown in slides:
            title = shown.heading
            assert textstat.flesch_kincaid_grade(title.sentence) <= MAX_GRADE, (key, title.sentence)
            lowered = title.sentence.lower()
            assert not [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", lowered)], (key, title.sentence)
            allowed = set()
            for value in title.numbers.values():
                allowed |= renderings(float(value), bundle.spec.business.currency)
            for token in numbers_in(title.sentence, context):
                assert token in allowed or token.lstrip("$€£") in allowed, (key, token, title.sentence)
                checked += 1
    assert checked > 40


def test_the_decision_slide_states_the_question_the_setting_and_cases_and_money_per_period(decks, demo_root):
    bundle, slides, _ = decks["support-router", "own"]
    decision = slides[-1]
    assert decision.title == "Should the model route the ticket automatically, set as it is now?"
    body = decision.sentences[0]
    assert body.startswith("The setting: the model acts when at least ")
    k = metrics.headline(
        metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache")),
        bundle.spec.operating_point,
    ).kpis
    scale = bundle.spec.business.volume / k.n
    assert f"acts on {round(k.acted * scale):,} tickets a month itself" in body
    assert f"earns about ${round(k.net_per_period):,} a month" in body


def test_the_case_slide_shows_a_typical_case_with_its_id_and_waterfall(decks):
    for bundle_id in DEMOS:
        bundle, slides, _ = decks[bundle_id, "own"]
        case = next(s for s in slides if s.name == deck.CASE)
        assert case.title.startswith(f"A typical {bundle.spec.subject}: ")
        assert case.facts[0].startswith(bundle.spec.subject.capitalize() + " ")  # its id
        assert case.chart is not None and "reason by reason" in case.chart[1].to_dict()["title"]["text"]


def test_the_comparison_title_names_the_model_worth_more():
    from core.bundles.contract import Business

    spec = make_spec(business=Business(volume=1000, per="month", values={"true_positive": 100}))
    more = compare.Difference("net_per_case", a=10.0, b=12.0, low=1.0, high=3.0)
    less = compare.Difference("net_per_case", a=12.0, b=10.0, low=-3.0, high=-1.0)
    noise = compare.Difference("net_per_case", a=10.0, b=10.5, low=-1.0, high=2.0)
    assert narrative.comparison_title(more, "The challenger", spec).sentence == (
        "The challenger adds $2,000 a month more in net value"
    )
    said = narrative.comparison_title(less, "The challenger", spec).sentence
    assert said == "It adds $2,000 a month more in net value than The challenger"
    assert narrative.comparison_title(noise, "The challenger", spec).sentence == (
        "It is worth the same as The challenger, within the noise"
    )


def test_the_case_title_names_the_reason_that_pushed_toward_the_decision():
    from core.explaining.whatif import Decision

    spec = make_spec(task="binary")
    frame = pd.DataFrame(
        {
            "feature": ["contract", "calls", ""],
            "label": ["Contract type", "Support calls", "Other features"],
            "value": ["monthly", 0, ""],
            "contribution": [0.12, -0.08, -0.01],
        }
    )
    kept = narrative.case_title(frame, Decision(True, "not flag", 0.19, 0.81), spec).sentence
    flagged = narrative.case_title(frame, Decision(True, "flag", 0.7, 0.7), spec).sentence
    handed = narrative.case_title(frame, Decision(False, "flag", 0.55, 0.55), spec).sentence
    assert kept.endswith("the model would not flag it, most of all because of the support calls")
    assert flagged.endswith("the model would flag it, most of all because of the contract type")
    assert handed.endswith("the model would hand it to a person; the contract type weighs most")


def test_a_case_reads_each_reason_with_its_value_in_brackets():
    frame = pd.DataFrame(
        {
            "feature": ["contract", "calls"],
            "label": ["Contract type", "Support calls in the last 90 days"],
            "value": ["month-to-month", 0],
            "contribution": [0.12, -0.08],
        }
    )
    said = narrative.case_reasons(frame, 0.2, 0.24, make_spec(task="binary")).sentence
    assert said == (
        "For this customer, the predicted chance is 24%. Before it looks at the details, the model starts from 20%. "
        "Contract type (month-to-month): +12 points. Support calls in the last 90 days (0): −8 points."
    )


def test_the_risk_slide_shows_as_many_risks_as_its_title_counts(decks):
    for key, (_, slides, _) in decks.items():
        risks = next(s for s in slides if s.name == deck.RISKS)
        counted = len(risks.notes)
        bullets = [line for line in risks.sentences if line.startswith("• ") and not line.endswith("in the notes.")]
        assert len(bullets) == min(counted, deck.RISKS_SHOWN), key
        if counted:
            assert risks.title.split()[0] in ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def test_every_slide_chart_reads_from_the_back_of_the_room(decks):
    """Drawn as the Present page draws it (`charts.for_slide`), every word of every slide chart is
    at least 24 px, its title is set by the slide, and stacked plots are charts of their own; the
    decks' picture of it (`charts.for_deck`) is in the same type, about a screen's size."""
    import vl_convert as vlc

    drawn = 0
    for (bundle_id, setting), (_, slides, _) in decks.items():
        if setting != "own":
            continue
        for shown in (s for s in slides if s.chart is not None):
            title, views = charts.for_slide(shown.chart[1])
            assert title and title == fmt.clean(title)  # the finding, for the slide to set above the plots
            for view in views:
                spec = view.to_dict(validate=True)
                assert not {"vconcat", "hconcat", "title", "width", "height"} & set(spec), (bundle_id, shown.name)
                svg = vlc.vegalite_to_svg(json.dumps({**spec, "width": 1700, "height": 420}))
                sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
                assert sizes and min(sizes) >= charts.SLIDE_TEXT, (bundle_id, shown.name, sorted(set(sizes)))
                drawn += 1
            # the downloaded decks' picture of it: the same type, its title inside, about a screen's size
            picture = vlc.vegalite_to_svg(charts.for_deck(shown.chart[1]).to_json())
            sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', picture)]
            assert min(sizes) >= charts.SLIDE_TEXT and fmt.clean(title).split()[0] in picture, (bundle_id, shown.name)
            width = float(re.search(r'<svg[^>]* width="([\d.]+)"', picture).group(1))
            assert charts.DECK_SIZE[0] <= width <= charts.DECK_SIZE[0] + 500, (bundle_id, shown.name, width)
    assert drawn >= 12
