"""Sentences the pages used to write themselves, now made in words/narrative and checked exactly."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from core.bundles.bundle import load_bundle, read_spec
from core.outputs import story
from core.words import narrative


def test_the_overview_reasons_say_how_each_feature_moves_the_chance(demo_root):
    spec = read_spec(demo_root / "churn-gbm")
    table = pd.DataFrame(
        {
            "feature": ["contract", "tenure_months", "satisfaction", "age"],
            "label": ["Contract type", "Months as a customer", "Satisfaction survey score", "Age"],
            "importance": [0.12, 0.054, 0.004, 0.0001],
        }
    )
    directions = {
        "contract": ("category", "Month-to-month"),
        "tenure_months": ("lowers", None),
        "satisfaction": ("mixed", None),
    }
    assert narrative.reason_lines(table, directions, {}, spec) == [
        ("Contract type", ": moves the predicted chance by 12 points on average; 'Month-to-month' raises it most."),
        ("Months as a customer", ": moves the predicted chance by 5 points on average; higher values lower it."),
        ("Satisfaction survey score", ": moves the predicted chance by 0.4 points on average; it pushes both ways."),
    ]
    directions["age"] = ("raises", None)
    assert narrative.reason_lines(table, directions, {}, spec, top=4)[3] == (
        "Age",
        ": barely moves the predicted chance; higher values raise it.",
    )
    words = {"contract": ["refund", "late"]}
    assert narrative.reason_lines(table, directions, words, spec, top=1)[0][1].endswith(
        "; the words that matter most are 'refund', 'late'."
    )


def test_titles_and_labels_of_the_explanations_page(demo_root):
    churn, eta = read_spec(demo_root / "churn-gbm"), read_spec(demo_root / "delivery-eta")
    assert narrative.shift_label(churn) == "Shift in predicted chance"
    assert narrative.shift_label(eta) == "Shift in the estimate (hours)"
    assert (
        narrative.dependence_title("Monthly bill", "raises", None, churn)
        == "Higher monthly bill pushes the predicted chance up"
    )
    assert (
        narrative.dependence_title("Plan", "category", "Basic", churn)
        == "Plan 'Basic' pushes the predicted chance up the most"
    )
    assert narrative.dependence_title("Age", "mixed", None, churn) == "Age pushes predictions both ways"
    sample = SimpleNamespace(rows=np.arange(120), planned=2000, budget=12.0)
    assert narrative.cut_short(sample, churn) == (
        "The sample is smaller than planned: 120 of the 2,000 sampled customers, spread evenly over them, fit in the "
        "12-second time budget. This model is explained by trying many variations of each customer, which is slow "
        "for it."
    )


def test_the_overview_risks_are_the_story_risks_the_page_shows(demo_root):
    from core.evaluation import metrics

    bundle = load_bundle(demo_root / "churn-gbm")
    from core.bundles import scoring

    data = metrics.from_bundle(bundle, scoring.scores(bundle))
    point = bundle.spec.operating_point
    result = metrics.headline(data, point)
    risks = story.overview_risks(bundle, data, point, result)
    assert risks == narrative.risks(risks)  # already most important first
    codes = [f.code for f in risks]
    assert len(codes) == len(set(codes))
    weakest = [f for f in risks if f.code == "weakest_segment"]
    assert all("region" in f.sentence.lower() or "plan" in f.sentence.lower() for f in weakest)
