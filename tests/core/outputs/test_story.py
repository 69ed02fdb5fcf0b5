"""Every generated sentence, for every demo bundle: readable, jargon-free, and honest about numbers."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import textstat

from core import format as fmt
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleSpec, Business, OperatingPoint
from core.evaluation import breakdown, metrics
from core.explaining import explain
from core.outputs import story
from core.words import narrative
from core.words.glossary import JARGON
from tests.app.test_home import DEMOS
from tests.helpers import make_spec

SETTINGS = {"own": None, "cautious": OperatingPoint(0.5, 0.9), "eager": OperatingPoint(0.2, 0.0)}
MAX_GRADE = 9


@pytest.fixture(scope="module")
def stories(demo_root) -> dict[tuple[str, str], tuple[BundleSpec, list[narrative.Finding], dict]]:
    told = {}
    for bundle_id in DEMOS:
        bundle = load_bundle(demo_root / bundle_id)
        data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
        explained = explain.for_bundle(bundle, demo_root / ".test-cache")
        for name, point in SETTINGS.items():
            context = {"labels": [bundle.spec.label(f) for f in bundle.features], "summary": bundle.spec.summary}
            told[bundle_id, name] = (bundle.spec, story.findings(bundle, data, explained, point), context)
    return told


def test_every_demo_bundle_tells_a_full_story(stories):
    codes = {
        bundle_id: {f.code for f in found} for (bundle_id, name), (_, found, _) in stories.items() if name == "own"
    }
    common = {"executive", "headline", "people", "drivers", "case", "decision"}
    assert all(common <= found for found in codes.values())
    assert {"best_point", "outcomes", "calibration"} <= codes["churn-gbm"]
    assert {"out_of_scope", "unseen_requests", "unseen_words", "calibration"} <= codes["support-router"]
    assert {"errors", "large_errors"} <= codes["delivery-eta"]


def test_plain_sentences_read_at_grade_nine_or_below(stories):
    graded = [
        (textstat.flesch_kincaid_grade(f.sentence), key, f.code, f.sentence)
        for key, (_, found, _) in stories.items()
        for f in found
    ]
    assert len(graded) > 80
    worst = max(graded)
    assert worst[0] <= MAX_GRADE, worst


def test_plain_sentences_use_no_jargon(stories):
    for key, (_, found, _) in stories.items():
        for finding in found:
            lowered = finding.sentence.lower()
            used = [word for word in JARGON if re.search(rf"\b{re.escape(word)}\b", lowered)]
            assert not used, (key, finding.code, used, finding.sentence)


def renderings(value: float, currency: str) -> set[str]:
    """Every way the app writes a number in a sentence."""
    shown = {
        fmt.percent(value),
        fmt.money(value, currency),
        fmt.money(abs(value), currency),
        fmt.count(value),
        fmt.count(abs(value)),
        f"{value:.2f}",
        f"{abs(value):.2f}",
        f"{abs(value) * 100:.0f}",
        f"{value:g}",
    }
    if abs(value) * 100 < 1:
        shown.add(f"{abs(value) * 100:.1f}")
    frequency = re.findall(r"\d[\d,]* in \d+", fmt.frequency(value))
    shown.update(frequency)
    return shown


NUMBER = re.compile(r"[$€£]?\d[\d,]*(?:\.\d+)?%?(?: in \d+)?")


def numbers_in(sentence: str, context: dict) -> list[str]:
    text = sentence
    for fixed in [context["summary"] or "", *sorted(context["labels"], key=len, reverse=True)]:
        if fixed:
            text = text.replace(fixed, " ").replace(fixed[:1].lower() + fixed[1:], " ")
    text = re.sub(r"'[^']*'", " ", text)  # quoted feature values
    text = re.sub(r"“[^”]*”", " ", text)  # people's own messages, quoted as written
    return [m.rstrip(",.") for m in NUMBER.findall(text)]


def test_every_number_in_every_sentence_comes_from_a_computed_value(stories):
    checked = 0
    for key, (spec, found, context) in stories.items():
        for finding in found:
            allowed = set()
            for value in finding.numbers.values():
                if isinstance(value, (int, float)) and value == value:
                    allowed |= renderings(float(value), spec.business.currency)
            for token in numbers_in(finding.sentence, context):
                assert token in allowed or token.lstrip("$€£") in allowed, (key, finding.code, token, finding.sentence)
                checked += 1
    assert checked > 300


# --- findings that change with the numbers, and their edge cases ---------------------------

VALUES = {"true_positive": 120, "false_positive": -50, "false_negative": 0, "true_negative": 0, "abstain": -5}


def spec(**kw) -> BundleSpec:
    fields = dict(
        event="cancelled",
        action="offer a discount",
        summary="Predicts who cancels.",
        business=Business(currency="USD", volume=20000, per="month", values=VALUES),
    )
    return make_spec(**{**fields, **kw})


def binary(p, truth=(1, 0, 1, 0, 1, 0, 0, 1), values=VALUES):
    return metrics.EvalSet.binary(list(truth), p, values, volume=20000)


P = [0.95, 0.8, 0.55, 0.45, 0.3, 0.05, 0.7, 0.42]


def test_point_change_present_absent_and_negative():
    own = metrics.kpis(binary(P), OperatingPoint(0.5, 0.6))
    eager = metrics.kpis(binary(P), OperatingPoint(0.5, 0.0))
    assert narrative.point_change(own, own, spec()) is None
    assert narrative.point_change(own, eager, spec()).sentence == (
        "Compared with the bundle's own setting, the model now acts on 7,500 more customers a month itself. "
        "It is right 10 points more often when it acts. Net value rises by $337,500 a month."
    )
    assert narrative.point_change(eager, own, spec()).sentence.startswith(
        "Compared with the bundle's own setting, the model now acts on 7,500 fewer customers"
    )


def test_decision_follows_the_numbers_and_the_risks():
    k = metrics.kpis(binary(P), OperatingPoint(0.5, 0.6))
    assert narrative.decision(k, spec(), OperatingPoint(0.5, 0.6), 2).sentence == (
        "The decision: let the model offer a discount at this setting? It would act on 12,500 customers a month "
        "itself and earn about $112,500 a month. Weigh the risks above first."
    )
    nothing = metrics.kpis(binary(P), OperatingPoint(0.5, 0.99))
    assert narrative.decision(nothing, spec(), OperatingPoint(0.5, 0.99), 0).sentence == (
        "The decision: let the model offer a discount at this setting? At this setting it would act on nothing, "
        "so there is nothing to decide yet. Nothing above argues against it."
    )


def test_zero_coverage_and_negative_value_in_the_executive_paragraph():
    nothing = metrics.kpis(binary(P), OperatingPoint(0.5, 0.99))
    paragraph = narrative.executive(nothing, spec(), None)
    assert paragraph.sentence == (
        "Predicts who cancels. At this setting the model acts on none of the 8 customers. People handle every one, "
        "so it adds no value yet."
    )
    assert paragraph.severity == narrative.WARNING


def test_a_single_class_segment_is_reported_but_never_called_weakest():
    data = binary([0.9, 0.8, 0.7, 0.2, 0.1, 0.3], truth=(1, 1, 1, 0, 0, 0))
    region = pd.Series(["North", "North", "North", "South", "South", "South"])  # each region holds one class
    table = breakdown.segment_table(data, OperatingPoint(0.5, 0.0), region)
    assert table.set_index("segment")["accuracy_acted"].to_dict() == {"North": 1.0, "South": 1.0}
    overall = metrics.kpis(data, OperatingPoint(0.5, 0.0))
    assert narrative.weakest_segment(breakdown.weakest_segment(table, min_acted=1), "Region", overall, spec()) is None


def test_the_technical_audience_adds_names_and_ranges():
    result = metrics.headline(binary(P), OperatingPoint(0.5, 0.6))
    finding = narrative.headline(result.kpis, spec(), result.ranges)
    assert finding.text(narrative.PLAIN) == finding.sentence
    technical = finding.text(narrative.TECHNICAL)
    assert technical.startswith(finding.sentence + " Accuracy on the cases it acts on 40.0% (95% range ")
    assert "coverage 62.5% = scope 100.0% x confidence 62.5%" in technical


def test_risks_are_the_cautions_worst_first():
    found = [
        narrative.Finding("a", narrative.INFO, "x"),
        narrative.Finding("b", narrative.NOTE, "y"),
        narrative.Finding("c", narrative.WARNING, "z"),
        narrative.Finding("best_point", narrative.NOTE, "w"),
    ]
    assert [f.code for f in narrative.risks(found)] == ["c", "b"]


@pytest.fixture(scope="module")
def text_sentences(demo_root) -> list[tuple[str, str, set[str]]]:
    """Every sentence the router's text features add outside the story: the warnings for a typed
    message, "Find it" on words, and word rules applied to every ticket; each with the numbers it may quote."""
    import numpy as np

    from core.explaining import whatif
    from core.explaining.explain import RowExplainer
    from core.explaining.text import fewest_words, word_explainers, word_flip_sentence

    bundle = load_bundle(demo_root / "support-router")
    spec, X, point = bundle.spec, bundle.X, bundle.spec.operating_point
    controls = whatif.controls(X, spec, bundle.model)
    message = next(c for c in controls if c.text)
    found = [(note, "warning", set()) for note in whatif.warnings_for({"message": "zzqx", "channel": "chat"}, controls)]
    found += [(note, "warning", set()) for note in whatif.warnings_for({"message": " ", "channel": "chat"}, controls)]
    words = word_explainers(bundle.model, X)["message"]
    explainer = RowExplainer(bundle.model, X, spec.task, bundle.classes, bundle.positive_class)

    def decide(frame):
        return whatif.decide(explainer.shown(frame), spec.task, point, bundle.classes, 1)[0]

    for i in range(0, 400, 40):
        row = X.iloc[[i]]
        k = int(np.argmax(bundle.model.predict_proba(row)[0]))
        change = fewest_words(words, row, decide, k)
        outcome = whatif._decision_words(change.decision, spec, spec.task) if change else ""
        found.append((word_flip_sentence(change, message.label, outcome), "find it", set()))
    for action, word in (("remove word", "refund"), ("add word", "urgent"), ("remove word", "zebra")):
        rule = whatif.Rule("message", action, word)
        result = whatif.scenario(
            explainer.shown, X, rule, np.ones(len(X), bool), spec.task, point, bundle.classes, spec
        )
        allowed = set()
        for value in (result.rows, result.touched, result.acted_before, result.acted_after,
                      int(result.flips["count"].sum()) if not result.flips.empty else 0):  # fmt: skip
            allowed |= renderings(float(value), spec.business.currency)
        for value in (result.value_before, result.value_after):
            if value is not None:
                allowed |= renderings(abs(result.value_after - result.value_before), spec.business.currency)
        found.append((whatif.scenario_sentence(result, rule, message, spec), "scenario", allowed))
    return found


def test_the_sentences_text_adds_read_plainly_and_quote_only_computed_numbers(text_sentences):
    context = {"labels": [], "summary": ""}
    assert len(text_sentences) >= 14
    for sentence, where, allowed in text_sentences:
        assert textstat.flesch_kincaid_grade(sentence) <= MAX_GRADE, (where, sentence)
        lowered = sentence.lower()
        assert not [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", lowered)], (where, sentence)
        for token in numbers_in(sentence, context):
            assert token in allowed or token.lstrip("$€£") in allowed, (where, token, sentence)
