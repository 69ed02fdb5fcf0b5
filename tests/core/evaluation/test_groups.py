"""Who bears the errors: group figures against Fairlearn and by hand, gaps only beyond the noise,
the demo's gap in its exact words, and the contract's `groups:`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bundles.contract import BundleError, OperatingPoint
from core.evaluation import groups, metrics
from core.evaluation.breakdown import Coded
from core.words import narrative
from tests.helpers import make_spec


def _binary(n: int, seed: int, groups_of=None, rates=None):
    """Random binary rows: a group per row, the truth and the model's chance."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]) if groups_of is None else groups_of(rng, n)
    truth = (rng.random(n) < 0.3).astype(int)
    chance = np.clip(truth * 0.35 + rng.random(n) * 0.65, 0, 1)
    return group, truth, chance


def test_group_figures_equal_fairlearns_metric_frame():
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        equalized_odds_difference,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
    )
    from sklearn.metrics import accuracy_score

    group, truth, chance = _binary(5000, 1)
    data = metrics.EvalSet.binary(truth, chance)
    point = OperatingPoint(0.45, 0.0)  # acting on every case, as Fairlearn's metrics assume
    found = groups.table(data, point, "g", Coded.of(pd.Series(group)))
    flagged = (chance >= 0.45).astype(int)
    frame = MetricFrame(
        metrics={
            "fpr": false_positive_rate,
            "fnr": false_negative_rate,
            "selection": selection_rate,
            "accuracy": accuracy_score,
        },
        y_true=truth,
        y_pred=flagged,
        sensitive_features=group,
    ).by_group
    ours = found.frame.set_index("group")
    for name in ("a", "b", "c"):
        assert ours.loc[name, "wrongly_flagged"] == pytest.approx(frame.loc[name, "fpr"], abs=1e-12)
        assert ours.loc[name, "missed"] == pytest.approx(frame.loc[name, "fnr"], abs=1e-12)
        assert ours.loc[name, "accuracy_acted"] == pytest.approx(frame.loc[name, "accuracy"], abs=1e-12)
    assert found.parity["demographic_parity"] == pytest.approx(
        demographic_parity_difference(truth, flagged, sensitive_features=group), abs=1e-12
    )
    assert found.parity["equalized_odds"] == pytest.approx(
        equalized_odds_difference(truth, flagged, sensitive_features=group), abs=1e-12
    )
    assert frame["selection"].max() - frame["selection"].min() == pytest.approx(found.parity["demographic_parity"])
    whole = MetricFrame(metrics=false_positive_rate, y_true=truth, y_pred=flagged, sensitive_features=group)
    best, worst, difference, ratio = found.spread("wrongly_flagged")
    assert difference == pytest.approx(whole.difference(method="between_groups"), abs=1e-12)
    assert 1 / ratio == pytest.approx(whole.ratio(method="between_groups"), abs=1e-12)  # Fairlearn: smallest / largest
    assert (best, worst) == (whole.by_group.idxmin(), whole.by_group.idxmax())


def test_group_figures_by_hand_with_cases_handed_to_a_person():
    # group x: 4 rows; y: 4 rows. Threshold 0.5, act only when at least 70% sure either way.
    group = ["x", "x", "x", "x", "y", "y", "y", "y"]
    truth = [1, 0, 0, 1, 0, 0, 1, 1]
    chance = [0.9, 0.8, 0.6, 0.1, 0.2, 0.75, 0.4, 0.95]
    values = {"true_positive": 100, "false_positive": -10, "false_negative": -50, "abstain": -1}
    data = metrics.EvalSet.binary(truth, chance, values=values, volume=800)
    found = groups.table(data, OperatingPoint(0.5, 0.7), "g", Coded.of(pd.Series(group))).frame.set_index("group")
    # x: acts on 0.9 (TP), 0.8 (FP), 0.1 (FN); 0.6 goes to a person
    assert found.loc["x", "share_acted"] == 3 / 4
    assert found.loc["x", "accuracy_acted"] == 1 / 3
    assert found.loc["x", "wrongly_flagged"] == 1 / 2  # 1 of its 2 cases without the event
    assert found.loc["x", "missed"] == 1 / 2  # 1 of its 2 cases with the event
    # y: acts on 0.2 (TN), 0.75 (FP), 0.95 (TP); 0.4 goes to a person
    assert found.loc["y", "wrongly_flagged"] == 1 / 2
    assert found.loc["y", "missed"] == 0.0
    # what the errors cost a period against getting them right: a false flag 10 (0 - -10), a miss 150
    # (100 - -50); x: (10 + 150) x 800 / 8 rows = 16,000; y: 10 x 100 = 1,000
    assert found.loc["x", "errors_cost"] == 16000.0
    assert found.loc["y", "errors_cost"] == 1000.0


def test_newcombes_interval_matches_his_worked_examples():
    low, high = groups.newcombe(56, 70, 48, 80)  # Newcombe (1998), Table II, method 10
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    low, high = groups.newcombe(9, 10, 3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1705, 0.8090)


def test_numbers_are_banded_at_round_cut_points_and_text_is_left_as_it_is():
    ages = pd.Series(np.arange(18, 90, dtype=float))
    names, banded = groups.banded(ages)
    assert banded
    assert list(dict.fromkeys(names)) == ["under 36", "36 to 53", "54 to 70", "71 and over"]
    assert groups.banded(pd.Series([1.0, 2.0, None]))[0].tolist() == ["1.0", "2.0", "Unknown"]
    assert groups.banded(pd.Series(["North", None]))[0].tolist() == ["North", "Unknown"]


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1_000_000), n=st.integers(200, 20_000), k=st.integers(2, 6))
def test_groups_drawn_at_random_with_equal_rates_never_make_a_finding(seed, n, k):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, k, n).astype(str)
    truth = (rng.random(n) < 0.3).astype(int)
    chance = np.clip(truth * 0.3 + rng.random(n) * 0.7, 0, 1)  # the same model for everyone
    data = metrics.EvalSet.binary(truth, chance)
    assessed = groups.assess(data, OperatingPoint(0.5, 0.0), {"g": Coded.of(pd.Series(group))})
    assert assessed.gaps == []


def test_chance_alone_makes_a_finding_in_fewer_than_one_assessment_in_a_thousand():
    found = 0
    for seed in range(2000):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(200, 3000))
        group = rng.integers(0, int(rng.integers(2, 7)), n).astype(str)
        truth = (rng.random(n) < 0.3).astype(int)
        chance = np.clip(truth * 0.3 + rng.random(n) * 0.7, 0, 1)
        assessed = groups.assess(
            metrics.EvalSet.binary(truth, chance), OperatingPoint(0.5, 0.0), {"g": Coded.of(pd.Series(group))}
        )
        found += bool(assessed.gaps)
    assert found <= 2  # 0.1% of 2,000


def test_a_real_gap_is_found_and_a_small_group_is_named_too_small():
    def drawn(rng, n):
        return rng.choice(["big", "other", "tiny"], n, p=[0.6, 0.395, 0.005])

    group, truth, chance = _binary(8000, 2, drawn)
    chance = np.where((group == "big") & (truth == 0), np.clip(chance + 0.25, 0, 1), chance)  # wrongly flagged more
    data = metrics.EvalSet.binary(truth, chance, values={"false_positive": -20.0}, volume=16_000)
    assessed = groups.assess(data, OperatingPoint(0.5, 0.0), {"g": Coded.of(pd.Series(group))})
    assert [(g.metric, g.worse, g.better) for g in assessed.gaps] == [("wrongly_flagged", "big", "other")]
    assert assessed.small["g"] == [("tiny", int((group == "tiny").sum()))]
    gap = assessed.gaps[0]
    assert gap.extra == pytest.approx(gap.difference * gap.worse_rate.n * 2)  # 16,000 a month over 8,000 rows
    assert gap.cost == pytest.approx(gap.extra * 20)


def test_the_demo_gap_in_its_exact_words(demo_root):
    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.outputs import story

    bundle = load_bundle(demo_root / "churn-gbm")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    assessed = story.assess_groups(bundle, data, bundle.spec.operating_point)
    assert [(g.column, g.metric, g.worse, g.better) for g in assessed.gaps] == [
        ("household", "missed", "Single", "Family")
    ]
    finding = narrative.gap_finding(assessed.gaps[0], bundle.spec, assessed.looked_at)
    assert finding.sentence == DEMO_GAP
    assert narrative.too_small("household", assessed.small["household"], bundle.spec) == (
        "Too few customers to judge by household: Shared house (20 customers)."
    )
    from core.evaluation import tradeoff

    names, _ = groups.banded(bundle.eval["household"])
    suggestion = groups.narrowing(
        data, bundle.spec.operating_point, Coded.of(names), assessed.gaps[0], tradeoff.Index(data)
    )
    assert narrative.narrowing(suggestion, bundle.spec) == (
        "Flagging from an 11% chance instead of 50% would cut the gap for household Single from 18 to 3 points. It "
        "would cost about $58,700 a month."
    )
    logreg = load_bundle(demo_root / "churn-logreg")
    other = story.assess_groups(
        logreg,
        metrics.from_bundle(logreg, scoring.scores(logreg, demo_root / ".test-cache")),
        logreg.spec.operating_point,
    )
    assert other.gaps == []
    assert narrative.no_gap(logreg.spec, list(logreg.spec.groups)) == (
        "No group by age or region gets more of the errors beyond the noise. Every gap is within its range or under "
        "5 points."
    )


DEMO_GAP = (
    "The model misses 49% of the customers who cancelled when their household is Single, and 31% when it is Family. "
    "That is about 298 more missed a month, which costs about $35,725 a month."
)


def test_groups_in_the_contract(tmp_path):
    from core.bundles.contract import parse_manifest

    base = "schema: modelbrief/v1\ntitle: T\ntask: binary\ntarget: y\nmodel: {path: m.skops}\neval: {path: e.csv}\n"
    assert parse_manifest(base, tmp_path).groups == ()
    spec = parse_manifest(base + "groups: [age, region]\n", tmp_path)
    assert (spec.groups, spec.group_min_gap) == (("age", "region"), 0.05)
    spec = parse_manifest(base + "groups: {columns: [age], min_gap: 0.02}\n", tmp_path)
    assert (spec.groups, spec.group_min_gap) == (("age",), 0.02)
    with pytest.raises(BundleError) as caught:
        parse_manifest(base + "groups: []\n", tmp_path)
    assert caught.value.message == "bundle.yaml: `groups` must list the columns whose groups to compare."


def test_a_group_column_missing_from_the_rows_is_refused_and_one_the_model_does_not_read_is_kept(make_bundle):
    from core.bundles.bundle import load_bundle

    folder = make_bundle(groups=["region"])
    assert load_bundle(folder).spec.groups == ("region",)
    with pytest.raises(BundleError) as caught:
        make_bundle("no-column", groups=["household"])
    assert caught.value.message == ("bundle.yaml: groups names household, which is not a column of eval.parquet.")


def test_a_spec_with_groups_reads_its_sentences_in_plain_words():
    spec = make_spec(subject="customer", subjects="customers")
    assert narrative.who("age", "60 and over", spec) == "customers whose age is 60 and over"


def test_every_groups_sentence_reads_plainly(demo_root):
    """The sentences the groups add outside the story's findings (the narrowing setting, too few to judge, the
    slide title, the card's line, the promotion sentence of a registry challenger) pass the same checks:
    grade nine or below, none of the glossary's jargon, and numbers that are the computed ones."""
    import re

    import textstat

    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import compare, tradeoff
    from core.outputs import story
    from core.words.glossary import JARGON

    bundle = load_bundle(demo_root / "churn-gbm")
    spec = bundle.spec
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    assessed = story.assess_groups(bundle, data, spec.operating_point)
    gap = assessed.gaps[0]
    names, _ = groups.banded(bundle.eval[gap.column])
    suggestion = groups.narrowing(data, spec.operating_point, Coded.of(names), gap, tradeoff.Index(data))
    differences = [
        compare.Difference("accuracy_acted", 0.8, 0.82, 0.01, 0.03),
        compare.Difference("coverage", 0.85, 0.9, 0.03, 0.07),
        compare.Difference("net_per_case", 10.0, 10.5, 0.2, 0.8),
    ]
    said = [
        narrative.narrowing(suggestion, spec),
        narrative.too_small("household", assessed.small["household"], spec),
        narrative.groups_title(gap, spec).sentence,
        narrative.groups_title(None, spec).sentence,
        narrative.card_line(assessed, spec),
        compare.promotion(
            differences, "version 1 (@champion)", "version 2 (@challenger)", "customers", 20000, "month", "USD"
        ),
    ]
    for sentence in said:
        assert textstat.flesch_kincaid_grade(sentence) <= 9, sentence
        assert not [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", sentence.lower())], sentence
    assert f"from {round(gap.difference * 100)} to {round(suggestion.gap_after * 100)} points" in said[0]
    assert "(20 customers)" in said[1]


def test_multiclass_and_regression_groups_by_hand():
    # multiclass: three classes; the model acts when at least 60% sure
    group = pd.Series(["p", "p", "p", "q", "q", "q"])
    truth = [0, 1, 2, 0, 1, 2]
    proba = [[0.9, 0.05, 0.05], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.5, 0.3, 0.2], [0.1, 0.8, 0.1], [0.2, 0.7, 0.1]]
    data = metrics.EvalSet.multiclass(truth, proba, values={"correct": 5, "wrong": -15}, volume=600)
    found = groups.table(data, OperatingPoint(0.5, 0.6), "g", Coded.of(group)).frame.set_index("group")
    assert found.loc["p", "wrong_route"] == 1 / 3  # acts on all three, one sent to the wrong class
    assert found.loc["q", "wrong_route"] == 1 / 2  # acts on two (0.8, 0.7); the 0.7 one is wrong
    assert found.loc["p", "errors_cost"] == 1 * 20 * 100  # a wrong route loses 20 against a right one; 100 a row
    # regression: within 1 unit counts as right
    from core.bundles.contract import Tolerance

    data = metrics.EvalSet.regression(
        [10, 10, 10, 10], [10.5, 12, 9, 14], Tolerance(absolute=1.0), values={"per_unit_error": -2}, volume=40
    )
    found = groups.table(data, OperatingPoint(), "g", Coded.of(pd.Series(["a", "a", "b", "b"]))).frame.set_index(
        "group"
    )
    assert found.loc["a", "outside_tolerance"] == 1 / 2 and found.loc["b", "outside_tolerance"] == 1 / 2
    assert found.loc["a", "typical_error"] == 1.25 and found.loc["b", "typical_error"] == 2.5
    assert found.loc["b", "errors_cost"] == 5 * 2 * 10  # 5 units of error at 2 each, 10 a row


def test_the_publisher_takes_groups_from_the_command_line(tmp_path, small_churn):
    import joblib

    from core.bundles.bundle import load_bundle
    from core.publishing.publish import main

    model, rows = small_churn
    joblib.dump(model, tmp_path / "model.joblib")
    rows.assign(household=np.where(np.arange(len(rows)) % 2, "Single", "Family")).to_parquet(tmp_path / "e.parquet")
    code = main(
        ["--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "e.parquet"), "--target", "churned",
         "--task", "binary", "--positive-class", "yes", "--out", str(tmp_path / "b"), "--no-explain",
         "--groups", "household,age"]
    )  # fmt: skip
    assert code == 0
    assert load_bundle(tmp_path / "b").spec.groups == ("household", "age")
    assert "groups:\n- household\n- age" in (tmp_path / "b" / "bundle.yaml").read_text()
