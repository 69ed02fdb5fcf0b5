"""Since launch says what its charts show: over generated traffic, every period drawn outside its
range is named by a sentence (a change under way, a change that ended, or a single period), a
change quotes the figure for exactly the periods it names, and the all-clear is said only when
nothing is outside its range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.after_launch import traffic
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.publishing.publish import publish
from core.words import narrative

# --- one figure's course -------------------------------------------------------------------------


def test_a_change_is_two_periods_running_on_one_side_and_ends_after_two_back_within():
    low, high = np.full(8, 0.4), np.full(8, 0.6)
    at = lambda *values: traffic.course(np.array(values), low[: len(values)], high[: len(values)])  # noqa: E731
    spike_then_drop = at(0.5, 0.5, 0.7, 0.3, 0.3, 0.2)
    assert spike_then_drop.runs == [(3, 5)] and spike_then_drop.ongoing and spike_then_drop.alone() == [2]
    assert at(0.5, 0.5, 0.5, 0.5, 0.5, 0.3).runs == []  # one period is not a change ...
    assert at(0.5, 0.5, 0.5, 0.5, 0.5, 0.3).alone() == [5]  # ... but it is named
    normal_week_after = at(0.5, 0.3, 0.3, 0.3, 0.5)
    assert normal_week_after.ongoing and normal_week_after.back == 1  # one period back does not end it
    over = at(0.5, 0.3, 0.3, 0.5, 0.5, 0.5)
    assert over.ended and not over.ongoing and over.back == 3
    interrupted = at(0.3, 0.3, 0.5, 0.7, 0.5, 0.5)
    assert interrupted.ended and interrupted.alone() == [3] and interrupted.back == 2
    assert at(0.7, 0.7, 0.3, 0.3).runs == [(0, 1), (2, 3)]  # above, then below: the latest run is below
    assert at(0.5, float("nan"), 0.5).runs == []  # no figure is nothing to judge


# --- generated traffic ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    """A binary model whose chances are honest (its confidence holds), with values set, and its
    figures at its setting: the ground every generated traffic is set against."""
    rng = np.random.default_rng(7)
    n = 4000
    p = rng.beta(2, 2, n)
    evaluation = pd.DataFrame({"x": rng.normal(size=n), "p": p, "y": np.where(rng.random(n) < p, "yes", "no")})
    folder = tmp_path_factory.mktemp("generated") / "bundle"
    publish(None, evaluation, target="y", task="binary", out=folder, predictions="p", positive_class="yes",
            operating_point={"threshold": 0.5, "min_confidence": 0.6},
            business={"value": {"true_positive": 40, "false_positive": -10, "false_negative": -30,
                                 "true_negative": 0, "abstain": -2}, "currency": "USD"},
            traffic={"path": "traffic", "timestamp": "at", "scores": {"column": "p"}})  # fmt: skip
    bundle = load_bundle(folder)
    point = bundle.spec.operating_point
    data = metrics.from_bundle(bundle, scoring.scores(bundle, Path(tmp_path_factory.mktemp("cache"))))
    return bundle, traffic.reference(bundle), data, metrics.headline(data, point), point


WEEK = st.tuples(
    st.integers(60, 3000),  # requests
    st.sampled_from([0.0, 0.0, 0.0, -0.15, 0.08]),  # the share it acts on, moved
    st.sampled_from([0.0, 0.0, 0.0, -0.1, 0.04]),  # how often it is right, moved
    st.sampled_from([0.0, 0.0, 1.0]),  # outcomes arrived: none, all
)


def generated(weeks: list[tuple], k, seed: int) -> traffic.Summary:
    """Per-day sums as `summarise` keeps them, one day per week, drawn around the test figures."""
    rng = np.random.default_rng(seed)
    act, right_rate = k.acted / k.n, k.accuracy_acted
    rows = []
    for i, (n, act_move, right_move, arrived) in enumerate(weeks):
        acted = rng.binomial(n, min(max(act + act_move, 0.01), 0.99))
        rate = min(max(right_rate + right_move, 0.01), 0.99)
        right = rng.binomial(acted, rate)
        confidence = min(max(rate + rng.normal(0, 0.01), 0.5), 0.99)
        known = int(n * arrived)
        rows.append(
            {"day": pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=i), "n": n, "acted": acted,
             "expected_right": acted * confidence, "expected_var": acted * confidence * (1 - confidence),
             "known": known, "known_acted": acted if known else 0, "right": right if known else 0,
             "value_known": n * k.net_per_case + 50 * (right - acted * right_rate) if known else 0.0,
             "value_expected": 0.0 if known else n * k.net_per_case + 50 * acted * (confidence - right_rate)}
        )  # fmt: skip
    days = pd.DataFrame(rows)
    days["day"] = days["day"].astype("datetime64[ns]")
    return traffic.Summary(days, pd.DataFrame(columns=["day", "feature", "bin", "count"]),
                           pd.DataFrame(columns=["day", "answer", "count"]))  # fmt: skip


FIGURE = {"traffic_acts": "acts", "traffic_value": "value"}


def figure_of(finding) -> str:
    if finding.code == "traffic_accuracy":
        return "estimate" if finding.sentence.startswith("Going by") else "accuracy"
    return FIGURE[finding.code]


def period_after(lead: str, sentence: str, when: list[str]) -> int:
    """The position of the period named right after `lead` ("Since ", "From ", " to ")."""
    named = [i for i, w in enumerate(when) if f"{lead}{w}," in sentence or f"{lead}{w} " in sentence]
    assert named, (lead, sentence)
    return max(named, key=lambda i: len(when[i]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weeks=st.lists(WEEK, min_size=2, max_size=14), seed=st.integers(0, 2**16), calibrated=st.booleans())
def test_every_sentence_agrees_with_the_chart_data(judged, weeks, seed, calibrated):
    bundle, ref, data, test, point = judged
    spec = bundle.spec
    result = traffic.since_launch(bundle, generated(weeks, test.kpis, seed), ref, test, data, point, calibrated)
    per = result.periods
    when = [traffic.period_words(s, result.period) for s in per["start"]]
    said = [*result.findings, *result.notes]
    text = " ".join(f.sentence for f in said)
    since = lambda sentence: period_after("ince ", sentence, when)  # noqa: E731
    changes = {
        figure_of(f): f for f in result.findings if f.code in ("traffic_acts", "traffic_accuracy", "traffic_value")
    }

    # each figure as the page draws it, against the range drawn with it
    drawn = {
        "acts": (per["act_share"], per["act_low"], per["act_high"]),
        "accuracy": (per["accuracy"], per["accuracy_low"], per["accuracy_high"]),
        "estimate": (per["estimated"], per["accuracy_low"], per["accuracy_high"]),
        "value": (per["net"], per["net_low"], per["net_high"]),
    }
    anything_outside = False
    for figure, (value, low, high) in drawn.items():
        outside = ((value < low) | (value > high)).to_numpy() & value.notna().to_numpy()
        anything_outside |= outside.any()
        for i in np.flatnonzero(outside):
            in_change = figure in changes and since(changes[figure].sentence) <= i
            in_ended = any(
                narrative.figure_words(figure, spec) in f.sentence
                and period_after("From ", f.sentence, when) <= i <= period_after(" to ", f.sentence, when)
                for f in result.notes
                if f.code == "traffic_ended"
            )
            alone = [f.sentence for f in result.notes if f.code == "traffic_alone"]
            named_alone = any(
                narrative.figure_words(figure, spec).rstrip(",") in s.lower()
                and (when[i].removeprefix("the week of ") in s or " more" in s)
                for s in alone
            )
            assert in_change or in_ended or named_alone, (figure, when[i], text)
    # the estimate and the measurement never share a period
    assert not (per["accuracy"].notna() & per["estimated"].notna()).any()
    if not calibrated:
        assert per["estimated"].isna().all()

    # a change starts outside its range, and quotes the figure for exactly the periods since then
    for figure, finding in changes.items():
        first = since(finding.sentence)
        value, low, high = drawn[figure]
        assert value.iloc[first] < low.iloc[first] or value.iloc[first] > high.iloc[first]
        rows = per.iloc[first:]
        if figure == "acts":
            assert finding.numbers["share"] == pytest.approx(rows["acted"].sum() / rows["n"].sum())
        elif figure == "accuracy":
            rows = rows[rows["measured"]]
            assert finding.numbers["accuracy"] == pytest.approx(rows["right"].sum() / rows["known_acted"].sum())
        elif figure == "value":
            rows = rows[rows["net"].notna()]
            assert finding.numbers["net"] == pytest.approx(rows["net"].mean())
        latest = value.notna().to_numpy().nonzero()[0][-1]
        back = low.iloc[latest] <= value.iloc[latest] <= high.iloc[latest]
        assert ("does not end a change" in finding.sentence) == back

    # the all-clear only when nothing is outside; the summary line says the same
    line = narrative.traffic_line(result, spec).sentence
    if anything_outside:
        assert said and "Nothing has changed" not in line
    if not said:
        assert not anything_outside and line.endswith("Nothing has changed beyond normal variation.")
    if result.findings:
        assert result.findings[0].sentence in line
