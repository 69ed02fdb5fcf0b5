"""Property tests over generated bundles: whatever the numbers, the sentences read right.

Bundles of scores (no model needed) are generated with hypothesis: any task, size, skew, business
values (none set included), volume and subject words. For each, every finding the app can tell
and the report are checked: no "none cases", no "1 customers", no "$0 (95% range $0 to $0)", and
every number in a sentence is a rendering of a number the sentence was computed from.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bundles import scoring
from core.evaluation import metrics
from core.outputs import report, story
from core.publishing.publish import publish
from tests.core.outputs.test_story import numbers_in, renderings

SUBJECTS = [("customer", "customers"), ("ticket", "tickets"), ("order", "orders"), ("case", "cases")]


@st.composite
def bundles(draw):
    task = draw(st.sampled_from(["binary", "multiclass", "regression"]))
    n = draw(st.integers(min_value=1, max_value=300))
    seed = draw(st.integers(min_value=0, max_value=10_000))
    subject, subjects = draw(st.sampled_from(SUBJECTS))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.normal(size=n), "segment": rng.choice(["north", "south"], n)})
    volume = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)))
    unset = draw(st.booleans())
    business: dict = {"currency": "USD"}
    if volume is not None:
        business["volume"] = {"count": volume, "per": "month"}
    if task == "binary":
        skew = draw(st.floats(min_value=0.0, max_value=1.0))
        frame["y"] = np.where(rng.random(n) < skew, "yes", "no")
        frame["p"] = np.clip(rng.random(n) * 0.6 + (frame["y"] == "yes") * draw(st.floats(0, 0.4)), 0, 1)
        values = {"true_positive": 0, "false_positive": 0} if unset else {
            "true_positive": draw(st.integers(-200, 200)), "false_positive": draw(st.integers(-200, 200)),
            "false_negative": draw(st.integers(-200, 200)), "abstain": draw(st.integers(-20, 0))}  # fmt: skip
        extra = {"predictions": "p", "positive_class": "yes", "segments": ["segment"]}
        if frame["y"].nunique() == 2 and draw(st.booleans()):  # a classifier that decides but gives no chances
            from sklearn.svm import LinearSVC

            extra = {
                "model": LinearSVC().fit(frame[["x"]], frame["y"]),
                "positive_class": "yes",
                "segments": ["segment"],
            }
    elif task == "multiclass":
        classes = ["billing", "shipping", "returns"]
        frame["y"] = rng.choice(classes + ["other"] * draw(st.integers(0, 1)), n)
        frame.loc[0, "y"] = "billing"  # labels that share nothing with the classes are refused (tested elsewhere)
        raw = rng.dirichlet(np.ones(3), n)
        for i, c in enumerate(classes):
            frame[f"p_{c}"] = raw[:, i]
        values = {"correct": 0} if unset else {
            "correct": draw(st.integers(-10, 10)), "wrong": draw(st.integers(-10, 10)), "abstain": draw(st.integers(-5, 0))}  # fmt: skip
        extra = {"predictions": {c: f"p_{c}" for c in classes}, "segments": ["segment"]}
    else:
        frame["y"] = rng.gamma(2, 3, n)
        frame["p"] = frame["y"] + rng.normal(0, draw(st.floats(0.01, 10)), n)
        values = {"per_unit_error": 0} if unset else {
            "per_unit_error": draw(st.integers(-10, 0)), "abstain": draw(st.integers(-20, 0))}  # fmt: skip
        extra = {"predictions": "p", "tolerance": {"absolute": draw(st.floats(0.1, 5))}}
    business["value"] = values
    return frame, task, subject, subjects, business, extra


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles())
def test_every_sentence_reads_right_whatever_the_numbers(generated):
    frame, task, subject, subjects, business, extra = generated
    root = Path(tempfile.mkdtemp())
    extra = dict(extra)
    model = extra.pop("model", None)
    bundle = publish(
        model,
        frame if model is None else frame[["x", "segment", "y"]],
        target="y",
        task=task,
        out=root / "b",
        subject=subject,
        subjects=subjects,
        business=business,
        **extra,
    )
    data = metrics.from_bundle(bundle, scoring.scores(bundle, root / "cache"))
    found = story.findings(bundle, data, None, bundle.spec.operating_point)
    built = report.build(bundle, data, None, bundle.spec.operating_point)
    from tests.core.outputs.test_deck_titles import build_deck

    slides = build_deck(bundle, data, None, bundle.spec.operating_point)  # the review deck's slides
    found = found + [s.heading for s in slides] + [f for s in slides for f in s.notes if f is not None]
    texts = [f.sentence for f in found] + [built.summary, built.decision, *built.risks]
    texts += [line for s in slides for line in s.sentences]
    texts += [f"{name}: {value}" for name, value in built.facts] + [" ".join(t) for t in built.tiles]
    context = {
        "summary": bundle.spec.summary,
        "labels": [bundle.spec.label(c) for c in bundle.features] + ["North", "South"],
    }
    from core.words import narrative

    risky = [f for f in found if f is not None and f.severity >= narrative.NOTE and f.code != "best_point"]
    for text in texts:
        if bundle.spec.decides_only:  # no chances: nothing about how sure it is
            assert not re.search(r"\bsure\b|confidence|calibration", text, re.IGNORECASE), text
        if risky:  # a named risk: never an all-clear beside it
            assert "No risk stands out" not in text and "Nothing above argues against it" not in text, (text, risky)
        assert "none " + subjects not in text and "none cases" not in text, text
        assert not re.search(rf"(?<![\d.,]){re.escape('1 ' + subjects)}\b", text), text
        assert "$0 (95% range $0 to $0)" not in text and "$0 (range $0 to $0)" not in text, text
        if not bundle.spec.business.is_set:
            assert not re.search(r"\$0\b", text), text  # no business values: never a $0 figure
    for finding in found:
        allowed = set()
        for value in finding.numbers.values():
            if isinstance(value, (int, float)) and value == value:
                allowed |= renderings(float(value), "USD")
        for token in numbers_in(finding.sentence, context):
            assert token in allowed or token.lstrip("$€£") in allowed, (finding.code, token, finding.sentence)
