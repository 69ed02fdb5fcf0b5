"""After launch: batches added append-only, summarised once each, drift measured against hand
values and scipy, the confidence-based estimate against realised accuracy, and findings that fire
for the demos' week-8 change and not before it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from core.after_launch import traffic
from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError, parse_manifest
from core.evaluation import metrics
from core.outputs import story
from core.publishing.demo_traffic import CHANGE_WEEK
from core.publishing.publish import publish
from core.words import narrative

BASE = "schema: modelbrief/v1\ntitle: T\ntask: binary\ntarget: y\nmodel: {path: m.skops}\neval: {path: e.csv}\n"


# --- measures -------------------------------------------------------------------------------


def test_psi_matches_the_hand_computed_value():
    expected, actual = np.array([0.5, 0.5]), np.array([0.7, 0.3])
    by_hand = (0.7 - 0.5) * np.log(0.7 / 0.5) + (0.3 - 0.5) * np.log(0.3 / 0.5)  # 0.16946
    assert traffic.psi(expected, actual) == pytest.approx(by_hand, abs=1e-12)
    assert by_hand == pytest.approx(0.169459, abs=1e-6)
    assert traffic.psi(expected, expected) == 0.0


def test_jensen_shannon_distance_matches_scipy_and_its_bounds():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
        assert traffic.js_distance(a, b) == pytest.approx(jensenshannon(a, b, base=2), abs=1e-12)
    assert traffic.js_distance([1, 0], [0, 1]) == pytest.approx(1.0)
    assert traffic.js_distance([0.2, 0.8], [0.2, 0.8]) == pytest.approx(0.0, abs=1e-9)


def test_the_median_read_back_from_fine_bins_is_within_one_percentile():
    values = pd.Series(np.random.default_rng(1).gamma(2.0, 30.0, 20_000))
    ref = traffic.Reference()
    ref.edges["x"] = np.unique(np.percentile(values, np.linspace(0, 100, traffic.FINE_BINS + 1)[1:-1]))
    shifted = values * 1.3
    counts = np.bincount(ref.codes("x", shifted), minlength=ref.size("x")).astype(float)
    true = float(np.median(shifted))
    assert abs(traffic.median_from(ref, "x", counts) - true) <= 0.02 * true


def test_the_period_suits_the_time_the_data_spans():
    days = lambda n: pd.Series(pd.date_range("2026-01-01", periods=n, freq="D"))  # noqa: E731
    assert traffic.choose_period(days(10)) == "day"
    assert traffic.choose_period(days(84)) == "week"
    assert traffic.choose_period(days(500)) == "month"
    assert traffic.choose_period(days(10), "month") == "month"
    starts = traffic.period_start(pd.Series(pd.to_datetime(["2026-11-26", "2026-11-30"])), "week")
    assert [d.strftime("%a %d %b") for d in starts] == ["Mon 23 Nov", "Mon 30 Nov"]
    assert traffic.period_words(pd.Timestamp("2026-10-19"), "week") == "the week of 19 Oct"


# --- the contract -----------------------------------------------------------------------------


def test_traffic_reads_from_bundle_yaml_and_bundles_without_it_are_unchanged(tmp_path):
    assert parse_manifest(BASE, tmp_path).traffic is None
    spec = parse_manifest(BASE + "traffic: {path: traffic/, timestamp: seen_at, period: week}\n", tmp_path)
    assert spec.traffic.path == (tmp_path / "traffic").resolve()
    assert (spec.traffic.timestamp, spec.traffic.outcome, spec.traffic.period) == ("seen_at", "y", "week")
    scored = parse_manifest(BASE + "traffic: {path: t.csv, timestamp: at, scores: {column: p}}\n", tmp_path)
    assert scored.traffic.score_column == "p"


@pytest.mark.parametrize(
    ("block", "said"),
    [
        ("traffic: {timestamp: at}", "bundle.yaml: `traffic.path` is missing: name the file or folder of requests."),
        ("traffic: {path: t/}", "bundle.yaml: `traffic.timestamp` is missing: name the column that says when."),
        ("traffic: {path: t/, timestamp: at, period: year}", "bundle.yaml: `traffic.period` must be day, week or month, not 'year'."),
        ("traffic: {path: ../t/, timestamp: at}", "bundle.yaml: `traffic.path` must point to a file inside the bundle folder, not '../t/'."),
        ("traffic: {path: t/, timestamp: at, scores: {columns: {a: p}}}", "bundle.yaml: a binary bundle's `traffic.scores.column` must name one score column."),
        ("traffic: {path: t/, timestamp: at, when: x}", "bundle.yaml: `traffic` has fields it does not use: when."),
    ],
)  # fmt: skip
def test_a_wrong_traffic_section_gets_one_plain_sentence(tmp_path, block, said):
    with pytest.raises(BundleError) as caught:
        parse_manifest(BASE + block + "\n", tmp_path)
    assert caught.value.message == said


# --- batches: append-only, each summarised once --------------------------------------------------


@pytest.fixture
def router(demo_root, tmp_path) -> Path:
    """A copy of the demo router whose traffic can be changed."""
    folder = tmp_path / "support-router"
    shutil.copytree(demo_root / "support-router", folder)
    return folder


def test_a_batch_is_added_once_and_a_changed_batch_is_refused(router, tmp_path):
    from core.publishing.demo_traffic import router_week

    log = router / "traffic" / traffic.LOG
    before = log.read_text().splitlines()
    extra = tmp_path / "week-13.parquet"
    router_week(13).to_parquet(extra, index=False)
    written = traffic.add(router, extra)
    assert written.name == "batch-00013.parquet"
    assert log.read_text().splitlines()[:-1] == before  # appended, nothing rewritten
    with pytest.raises(BundleError) as again:
        traffic.add(router, extra)
    assert again.value.message == "This batch (week-13.parquet) was already added."
    frame = pd.read_parquet(written)
    frame.iloc[:10].to_parquet(written, index=False)
    with pytest.raises(BundleError) as changed:
        traffic.batches(load_bundle(router))
    assert changed.value.message == "The traffic batch batch-00013.parquet changed after it was added."


def test_the_command_line_adds_a_batch_or_says_why_not(router, tmp_path, capsys):
    from core.publishing.demo_traffic import router_week

    extra = tmp_path / "late.csv"
    late = router_week(14)
    late["seen_at"] = pd.to_datetime(late["seen_at"]) - pd.Timedelta(days=28)  # the demo's week 14 is still to come
    late.to_csv(extra, index=False)
    assert traffic.main(["add", str(router), str(extra)]) == 0
    assert capsys.readouterr().out == "Added batch-00013.csv to support-router.\n"
    assert traffic.main(["add", str(router), str(extra)]) == 1
    assert capsys.readouterr().err == "This batch (late.csv) was already added. Nothing was changed.\n"
    wrong = tmp_path / "wrong.parquet"
    pd.DataFrame({"message": ["hi"]}).to_parquet(wrong)
    assert traffic.main(["add", str(router), str(wrong)]) == 1
    assert capsys.readouterr().err == (
        "The batch has no 'seen_at' column, which `traffic.timestamp` names. Fix the file and add it again; nothing was changed.\n"
    )


def test_each_batch_is_summarised_once_and_adding_a_week_costs_only_that_week(router, tmp_path):
    from core.publishing.demo_traffic import router_week

    bundle = load_bundle(router)
    cache = tmp_path / "cache"
    before = traffic.summaries.computed
    first = traffic.summary(bundle, cache)
    assert traffic.summaries.computed - before == 12
    again = traffic.summary(bundle, cache)
    assert traffic.summaries.computed - before == 12
    pd.testing.assert_frame_equal(first.days, again.days)
    extra = tmp_path / "week-13.parquet"
    router_week(13).to_parquet(extra, index=False)
    traffic.add(router, extra)
    grown = traffic.summary(load_bundle(router), cache)
    assert traffic.summaries.computed - before == 13  # only the new week
    assert int(grown.days["n"].sum()) == int(first.days["n"].sum()) + 1500


def test_a_batch_is_summarised_as_it_is_added_so_the_page_never_reads_its_rows(router, tmp_path):
    from core.publishing.demo_traffic import router_week

    cache = tmp_path / "cache"
    traffic.summary(load_bundle(router), cache)
    extra = tmp_path / "week-13.parquet"
    router_week(13).to_parquet(extra, index=False)
    before = traffic.summaries.computed
    written = traffic.add(router, extra, cache=cache)
    bundle = load_bundle(router)
    grown = traffic.summary(bundle, cache)
    assert traffic.summaries.computed == before  # read from what the add kept: no batch read again
    added = traffic.summarise(bundle, pd.read_parquet(written), traffic.reference(bundle), bundle.spec.operating_point)
    kept = grown.days[grown.days["day"] >= added.days["day"].min()].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, added.days.reset_index(drop=True), check_dtype=False)


def test_a_page_reads_one_running_total_and_it_equals_the_total_worked_out_from_nothing(router, tmp_path):
    """The total after each batch is kept; a page reads it instead of one summary per batch, and an
    added batch grows it. Read or worked out from nothing, the figures are the same to the last bit."""
    from core.after_launch.traffic import summaries
    from core.publishing.demo_traffic import router_week

    cache = tmp_path / "cache"
    traffic.summary(load_bundle(router), cache)
    extra = tmp_path / "week-13.parquet"
    router_week(13).to_parquet(extra, index=False)
    traffic.add(router, extra, cache=cache)
    bundle = load_bundle(router)
    parts = [
        cache / "traffic" / summaries._cache_key(bundle, b, bundle.spec.operating_point)
        for b in traffic.batches(bundle)
    ]
    totals = [f for f in (cache / "traffic").iterdir() if f not in parts]
    assert len(parts) == 13 and len(totals) == 1  # one total kept, the one before it let go
    for part in parts:  # a page that read any batch's summary would now fail
        shutil.rmtree(part)
    read = traffic.summary(bundle, cache)
    fresh = traffic.summary(bundle, tmp_path / "from-nothing")
    for name in summaries.NAMES:
        pd.testing.assert_frame_equal(getattr(read, name), getattr(fresh, name), check_exact=True)
    assert int(read.days["n"].sum()) == 13 * 1500


def test_a_batch_that_cannot_be_summarised_is_refused_before_anything_is_written(router, tmp_path, monkeypatch):
    from core.after_launch.traffic import summaries
    from core.publishing.demo_traffic import router_week

    extra = tmp_path / "week-13.parquet"
    router_week(13).to_parquet(extra, index=False)
    before = {p.name: p.read_bytes() for p in (router / "traffic").iterdir()}

    def cannot(*args, **kwargs):
        raise BundleError("The model could not score this batch.")

    monkeypatch.setattr(summaries, "summarise", cannot)
    with pytest.raises(BundleError, match="could not score"):
        traffic.add(router, extra, cache=tmp_path / "cache")
    assert {p.name: p.read_bytes() for p in (router / "traffic").iterdir()} == before


def test_a_batch_summarised_in_parts_equals_it_summarised_whole(router, monkeypatch):
    from core.after_launch.traffic import summaries

    bundle = load_bundle(router)
    ref, point = traffic.reference(bundle), bundle.spec.operating_point
    frame = pd.read_parquet(traffic.batches(bundle)[-1].path)
    whole = traffic.summarise(bundle, frame, ref, point)
    monkeypatch.setattr(summaries, "PART", 600)  # three parts, the last one short
    parts = traffic.summarise(bundle, frame, ref, point)
    for name in ("days", "inputs", "answers", "terms", "novel"):
        pd.testing.assert_frame_equal(getattr(parts, name), getattr(whole, name), check_dtype=False, obj=name)
    assert len(whole.examples) and parts.examples.equals(whole.examples)


def test_summaries_add_up_to_the_summary_of_all_rows(demo_root):
    bundle = load_bundle(demo_root / "churn-gbm")
    ref = traffic.reference(bundle)
    point = bundle.spec.operating_point
    files = traffic.batches(bundle)[:3]
    parts = [traffic.summarise(bundle, pd.read_parquet(b.path), ref, point) for b in files]
    whole = traffic.summarise(bundle, pd.concat([pd.read_parquet(b.path) for b in files]), ref, point)
    combined = traffic.Summary.combine(parts)
    pd.testing.assert_frame_equal(combined.days, whole.days, check_dtype=False)
    key = ["day", "feature", "bin"]
    pd.testing.assert_frame_equal(
        combined.inputs.sort_values(key).reset_index(drop=True),
        whole.inputs.groupby(key, as_index=False)["count"].sum().sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


# --- findings: the week-8 change and nothing before it ------------------------------------------------


def launched(bundle, cache: Path, weeks: int | None = None):
    """since_launch over the first `weeks` batches (all without)."""
    ref = traffic.reference(bundle)
    point = bundle.spec.operating_point
    chosen = traffic.batches(bundle)[:weeks]
    combined = traffic.Summary.combine([traffic.batch_summary(bundle, b, ref, point, cache) for b in chosen])
    data = metrics.from_bundle(bundle, scoring.scores(bundle, cache))
    said = story.calibration_finding(data) if bundle.spec.task != "regression" else None
    trusted = said is not None and said.severity == 0 and "face value" in said.sentence
    return traffic.since_launch(bundle, combined, ref, metrics.headline(data, point), data, point, trusted)


CHANGES = {
    "support-router": "Since the week of 19 Oct, the model acts on fewer tickets itself: 50%, against 66% in the tests. "
    "What came in changed in the same weeks. More tickets look like nothing the model was trained on: 48%, against 31% "
    "in the tests. On average, 24% of the words in each message are new to it, against 19% in the tests. The words "
    "rising most: “gift card” (19%, against 4% in the tests), then “balance” and “check”. For example: “How do I check "
    "the balance on my gift card?”",
    "delivery-eta": "Since the week of 19 Oct, more orders have rain forecast 'yes': 65%, against 23% in the test data.",
    "churn-gbm": "Since the week of 19 Oct, the monthly bill is higher: half are above 76.01 USD, against 63.52 USD in the test data.",
}  # fmt: skip


@pytest.mark.parametrize("bundle_id", list(CHANGES))
def test_findings_fire_for_the_week_8_change_and_not_before_it(demo_root, bundle_id):
    bundle = load_bundle(demo_root / bundle_id)
    cache = demo_root / ".test-cache"
    before = launched(bundle, cache, CHANGE_WEEK - 1)
    assert before.findings == []
    assert narrative.traffic_steady(before.requests, len(before.periods), before.period, bundle.spec).sentence == (
        f"Nothing has changed beyond normal variation since launch: {before.requests:,} "
        f"{bundle.spec.subjects} over 7 weeks."
    )
    after = launched(bundle, cache)
    said = [f.sentence for f in after.findings]
    assert CHANGES[bundle_id] in said, said
    assert all("the week of" in s for s in said)
    assert not any(w in s for s in said for w in ("31 Aug", "7 Sep", "14 Sep", "21 Sep", "28 Sep", "5 Oct", "12 Oct"))


def test_outcomes_have_arrived_for_the_first_six_weeks_only(demo_root):
    result = launched(load_bundle(demo_root / "churn-gbm"), demo_root / ".test-cache")
    assert result.periods["outcome_share"].round(6).tolist() == [1.0] * 6 + [0.0] * 6
    assert result.trusted_confidence  # the champion's confidence held in the tests


# --- the estimate from confidence against realised accuracy --------------------------------------------


def simulated(tmp_path: Path, shift: bool) -> Path:
    """A predictions-only bundle whose chances are honest, with 12 weeks of traffic and every
    outcome known; with `shift`, chances crowd toward 50% from week 7 (the model is less sure)."""
    rng = np.random.default_rng(42)
    n = 4000
    p = rng.beta(2, 2, n)
    evaluation = pd.DataFrame({"x": rng.normal(size=n), "p": p, "y": np.where(rng.random(n) < p, "yes", "no")})
    folder = tmp_path / ("shifted" if shift else "steady")
    publish(None, evaluation, target="y", task="binary", out=folder, predictions="p", positive_class="yes",
            operating_point={"threshold": 0.5, "min_confidence": 0.6},
            traffic={"path": "traffic", "timestamp": "at", "scores": {"column": "p"}})  # fmt: skip
    for week in range(12):
        chances = rng.beta(5, 5, 2000) if shift and week >= 6 else rng.beta(2, 2, 2000)
        frame = pd.DataFrame(
            {
                "at": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 7 * 86400, 2000) + week * 7 * 86400, unit="s"),
                "x": rng.normal(size=2000),
                "p": chances,
                "y": np.where(rng.random(2000) < chances, "yes", "no"),
            }
        )  # fmt: skip
        path = tmp_path / f"w{week}.parquet"
        frame.to_parquet(path, index=False)
        traffic.add(folder, path)
    return folder


@pytest.mark.parametrize("shift", [False, True])
def test_the_estimate_from_confidence_lands_within_its_range_of_realised_accuracy(tmp_path, shift):
    bundle = load_bundle(simulated(tmp_path, shift))
    result = launched(bundle, tmp_path / "cache")
    per = result.periods
    assert result.trusted_confidence
    inside = (per["accuracy"] >= per["estimate_low"]) & (per["accuracy"] <= per["estimate_high"])
    assert inside.sum() >= 11, per[["start", "accuracy", "estimate", "estimate_low", "estimate_high"]]
    if shift:  # the change is real, and the estimate follows it down
        assert per["accuracy"].iloc[6:].mean() < per["accuracy"].iloc[:6].mean() - 0.03
        assert per["estimate"].iloc[6:].mean() < per["estimate"].iloc[:6].mean() - 0.03


# --- every new sentence reads plainly ------------------------------------------------------------


def test_every_since_launch_sentence_reads_plainly_and_quotes_only_computed_numbers(demo_root):
    import re

    import textstat

    from core.words.glossary import JARGON
    from tests.core.outputs.test_story import MAX_GRADE, numbers_in, renderings

    checked = 0
    for bundle_id in ["churn-gbm", "support-router", "delivery-eta"]:
        bundle = load_bundle(demo_root / bundle_id)
        for weeks in (CHANGE_WEEK - 1, None):
            result = launched(bundle, demo_root / ".test-cache", weeks)
            said = [*result.findings, *result.notes, narrative.traffic_line(result, bundle.spec)]
            said.append(narrative.traffic_steady(result.requests, len(result.periods), result.period, bundle.spec))
            said += [narrative.traffic_unmeasured(6, result.period, why, bundle.spec)
                     for why in ("estimated", "unsure", "no chances", "numbers")]  # fmt: skip
            starts = [traffic.period_words(s, result.period) for s in result.periods["start"]]
            starts += [s.removeprefix("the week of ") for s in starts]
            context = {"summary": None, "labels": [bundle.spec.label(f) for f in bundle.features] + starts}
            for finding in said:
                sentence = finding.sentence
                assert textstat.flesch_kincaid_grade(sentence) <= MAX_GRADE, sentence
                assert not [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", sentence.lower())], sentence
                allowed = set()
                for value in finding.numbers.values():
                    allowed |= renderings(float(value), bundle.spec.business.currency)
                for token in numbers_in(sentence, context):
                    assert token in allowed or token.lstrip("$€£") in allowed, (token, sentence)
                    checked += 1
    assert checked > 20


def test_a_normal_week_after_a_change_never_yields_an_all_clear(demo_root, tmp_path):
    """The week a team adds after the price rise looks normal (300 customers, no outcome yet): the
    changes stay changes, said to be not over, and nothing says all is well."""
    import subprocess
    import sys

    from core.publishing.demo_traffic import churn_week

    folder = tmp_path / "churn-gbm"
    shutil.copytree(demo_root / "churn-gbm", folder)
    week = churn_week(13, rows=300)
    week["monthly_charges"] = week["monthly_charges"] / 1.2  # as in the tests: the rise is not in this week
    path = tmp_path / "week-13.parquet"
    week.to_parquet(path, index=False)
    added = subprocess.run([sys.executable, "-m", "core.traffic", "add", str(folder), str(path)],
                           capture_output=True, text=True, cwd=Path(__file__).parents[3])  # fmt: skip
    assert added.returncode == 0, added.stderr
    result = launched(load_bundle(folder), tmp_path / "cache")
    assert len(result.periods) == 13 and result.findings
    assert not any("Nothing has changed" in f.sentence for f in [*result.findings, *result.notes])
    line = narrative.traffic_line(result, load_bundle(folder).spec).sentence
    assert "Nothing has changed" not in line and line.startswith("Since launch: 18,300 customers over 13 weeks. Since")


def test_category_values_the_tests_never_had_are_named(demo_root, tmp_path):
    """Two weeks in which a new plan, 'Family', takes 40% of customers and a new way to pay, 'Crypto',
    3%: the plan is a change named with its new value, and the payment method's new value is named
    though it moves the mix too little to count as drift."""
    from core.publishing.demo_traffic import churn_week

    folder = tmp_path / "churn-gbm"
    shutil.copytree(demo_root / "churn-gbm", folder)
    for week in (13, 14):
        frame = churn_week(week)
        rng = np.random.default_rng(week)
        frame.loc[rng.random(len(frame)) < 0.4, "plan"] = "Family"
        frame.loc[rng.random(len(frame)) < 0.03, "payment_method"] = "Crypto"
        frame["monthly_charges"] /= 1.2
        frame = frame[frame["seen_at"] < pd.Timestamp.now().floor("D")]  # none from the future
        path = tmp_path / f"week-{week}.parquet"
        frame.to_parquet(path, index=False)
        traffic.add(folder, path)
    result = launched(load_bundle(folder), tmp_path / "cache")
    said = " ".join(f.sentence for f in result.findings)
    plan = re.search(
        r"Since the week of 23 Nov, (\d+)% of customers have a plan the test data never had: 'Family' \((\d+)%\)\.",
        said,
    )
    assert plan and plan.group(1) == plan.group(2) and 35 <= int(plan.group(1)) <= 45, said
    crypto = re.search(
        r"Since the week of 23 Nov, (\d)% of customers have a payment method the test data never had: 'Crypto' \(\d%\)\.",
        said,
    )
    assert crypto, said


def test_a_batch_summarised_by_two_processes_at_once_is_kept_once_and_read_back(demo_root, tmp_path, monkeypatch):
    """Servers (or test workers) sharing a cache may summarise the same batch together: here the
    other one runs from start to finish while this one writes its first file. Both succeed, the
    summary is kept once, and nothing half-written is left behind."""
    from core.after_launch.traffic import summaries

    bundle = load_bundle(demo_root / "churn-gbm")
    ref, batch, point = traffic.reference(bundle), traffic.batches(bundle)[0], bundle.spec.operating_point
    cache = tmp_path / "shared"
    folder = cache / "traffic" / summaries._cache_key(bundle, batch, point)
    write, others = pd.DataFrame.to_parquet, []

    def to_parquet(frame, path, *args, **kwargs):
        if not others:
            others.append(None)
            others[0] = summaries.batch_summary(bundle, batch, ref, point, cache)  # the other process
        return write(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    mine = summaries.batch_summary(bundle, batch, ref, point, cache)
    monkeypatch.undo()
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]
    again = summaries.batch_summary(bundle, batch, ref, point, cache)  # read back from the cache
    for name in ("days", "inputs", "answers"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(others[0], name))
        pd.testing.assert_frame_equal(getattr(mine, name), getattr(others[0], name))


# --- batches that cannot break anything --------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes: what "untouched" means."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def delivery(demo_root, tmp_path) -> Path:
    folder = tmp_path / "delivery-eta"
    shutil.copytree(demo_root / "delivery-eta", folder)
    return folder


def _first_week(folder: Path) -> pd.DataFrame:
    frame = pd.read_parquet(folder / "traffic" / "batch-00001.parquet")
    frame["seen_at"] = frame["seen_at"] + pd.Timedelta(days=1)  # other rows, same look
    return frame


def _with(frame: pd.DataFrame, column: str, rows: list[int], value) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[rows, column] = value
    return frame


BAD = {
    "no rows": (lambda f: f.iloc[:0], "The batch has no rows."),
    "a model column missing": (lambda f: f.drop(columns=["weight_kg"]),
                               "The batch has no 'weight_kg' column, which the model reads."),
    "text for numbers": (lambda f: _with(f, "items", [2, 9], "three"),
                         "The batch's 'items' column holds text where the evaluation rows hold numbers (rows 3 and 10)."),
    "infinite numbers": (lambda f: _with(f, "distance_km", [0], float("inf")).astype({"distance_km": float}),
                         "The batch's 'distance_km' column holds infinite numbers (row 1)."),
    "empty where the test rows never are": (
        lambda f: _with(f, "hour_of_day", [4, 5, 6, 7], None),
        "The batch's 'hour_of_day' column has empty values (rows 5, 6, 7 and 1 more), and the evaluation rows have "
        "none, so nothing shows how the model treats them."),
    "dates no one can read": (lambda f: _with(f, "seen_at", [1], "last tuesday"),
                              "The batch's 'seen_at' column holds values that are not dates (row 2)."),
    "dates still to come": (lambda f: _with(f, "seen_at", [3], pd.Timestamp("2031-01-01")),
                            "The batch's 'seen_at' column holds dates after tomorrow (row 4)."),
    "dates from long ago": (lambda f: _with(f, "seen_at", [0], pd.Timestamp("1970-01-01")),
                            "The batch's 'seen_at' column holds dates before 2000 (row 1)."),
    "an outcome that is no number": (lambda f: _with(f, "delivery_hours", [7], "late"),
                                     "The batch's outcome column 'delivery_hours' holds values that are not finite numbers (row 8)."),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(BAD))
def test_every_bad_batch_is_refused_with_its_sentence_and_the_folder_untouched(delivery, tmp_path, kind):
    make, said = BAD[kind]
    path = tmp_path / "bad.csv"  # a CSV holds what a parquet column's type would not
    make(_first_week(delivery)).to_csv(path, index=False)
    before = _tree(delivery)
    with pytest.raises(BundleError) as caught:
        traffic.add(delivery, path)
    assert caught.value.message == said
    assert _tree(delivery) == before  # byte for byte


def test_an_outcome_label_nobody_knows_is_refused(demo_root, tmp_path):
    folder = tmp_path / "churn-gbm"
    shutil.copytree(demo_root / "churn-gbm", folder)
    spec = load_bundle(folder).spec.traffic
    frame = pd.read_parquet(sorted(spec.path.glob("batch-*.parquet"))[0])
    frame[spec.timestamp] = pd.to_datetime(frame[spec.timestamp]) + pd.Timedelta(days=1)
    outcome = spec.outcome or "churned"
    frame = _with(frame, outcome, [0, 1], "maybe")
    path = tmp_path / "labels.parquet"
    frame.to_parquet(path, index=False)
    before = _tree(folder)
    with pytest.raises(BundleError) as caught:
        traffic.add(folder, path)
    assert caught.value.message == (
        f"The batch's outcome column '{outcome}' holds labels neither the model nor the evaluation rows know: "
        "'maybe' (rows 1 and 2)."
    )
    assert _tree(folder) == before


def test_the_same_rows_in_other_bytes_are_the_same_batch(delivery, tmp_path):
    rows = _first_week(delivery)
    rows.to_parquet(tmp_path / "week.parquet", index=False, compression="snappy")
    rows.to_parquet(tmp_path / "again.parquet", index=False, compression="gzip")
    assert (tmp_path / "week.parquet").read_bytes() != (tmp_path / "again.parquet").read_bytes()
    traffic.add(delivery, tmp_path / "week.parquet")
    before = _tree(delivery)
    with pytest.raises(BundleError) as caught:
        traffic.add(delivery, tmp_path / "again.parquet")
    assert caught.value.message == "This batch (again.parquet) was already added."
    assert _tree(delivery) == before


def test_the_rows_digest_is_pandas_own_row_hash_however_each_column_is_hashed(tmp_path):
    """Batches already logged keep their digests: hashing an id column row by row (the fast way)
    gives the hashes pandas gives, with or without missing values."""
    import hashlib

    from core.after_launch.traffic import intake

    n = 30_000
    ids = pd.Series([f"customer-{i:06d}" for i in range(n)], dtype="str")
    frame = pd.DataFrame(
        {"id": ids, "plan": np.where(np.arange(n) % 3, "basic", "plus"), "charge": np.linspace(0, 99, n),
         "note": ids.where(np.arange(n) % 7 > 0)}  # mostly distinct, some missing
    )  # fmt: skip
    names = sorted(frame.columns)
    expected = hashlib.sha256("\x1f".join(names).encode())
    expected.update(pd.util.hash_pandas_object(frame[names], index=False).to_numpy().tobytes())
    assert intake.content_digest(frame) == expected.hexdigest()
    path = tmp_path / "rows.parquet"
    frame.to_parquet(path, index=False)
    kept, content = intake.read(path, ["plan"])
    assert list(kept.columns) == ["plan"] and content() == expected.hexdigest()


def _counted(folder: Path) -> int:
    bundle = load_bundle(folder)
    return sum(len(pd.read_parquet(b.path, columns=["seen_at"])) for b in traffic.batches(bundle))


KILLED_AT = """
import os, signal, sys
from core.after_launch.traffic import log
point, folder, batch = sys.argv[1:4]
die = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
if point == "copied":  # the batch copied under its temporary name, not yet renamed
    os.replace = die
elif point == "renamed":  # renamed into place, its log line not yet written
    log._append = die
elif point == "torn":  # half its log line written
    def torn(target, entry):
        with open(target / log.LOG, "a") as out:
            out.write('{"file": "batch-0001')
        die()
    log._append = torn
sys.exit(log.main(["add", folder, batch]))
"""


@pytest.mark.parametrize("point", ["copied", "renamed", "torn"])
def test_an_add_killed_at_each_step_counts_nothing_and_the_retry_adds_the_batch_once(delivery, tmp_path, point):
    import subprocess
    import sys

    path = tmp_path / "week.parquet"
    _first_week(delivery).to_parquet(path, index=False)
    base, batches_before = _counted(delivery), len(traffic.batches(load_bundle(delivery)))
    root = Path(__file__).resolve().parents[3]
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, point, str(delivery), str(path)], cwd=root)
    assert killed.returncode == -9  # kill -9, mid-add
    if point == "torn":  # the page refuses rather than guess, and the repair sets the torn line aside
        with pytest.raises(BundleError):
            traffic.batches(load_bundle(delivery))
        assert traffic.main(["repair", str(delivery)]) == 0
    assert _counted(delivery) == base  # the interrupted batch counts for nothing
    assert traffic.main(["add", str(delivery), str(path)]) == 0  # the retry
    after = traffic.batches(load_bundle(delivery))
    assert _counted(delivery) == base + len(_first_week(delivery)) and len(after) == batches_before + 1
    assert not [p.name for p in (delivery / "traffic").iterdir() if p.name.startswith(".incoming-")]


def test_a_torn_log_line_is_refused_with_the_repair_and_the_repair_keeps_the_rest(delivery, capsys):
    log = delivery / "traffic" / traffic.LOG
    whole = log.read_text()
    log.write_text(whole + '{"file": "batch-00013.parq')  # a write cut short
    with pytest.raises(BundleError) as caught:
        traffic.batches(load_bundle(delivery))
    lines = len(whole.splitlines()) + 1
    assert caught.value.message == (
        f"Line {lines} of the traffic log (batches.jsonl) cannot be read: a write was cut short, or the file was edited."
    )
    assert caught.value.hint.startswith("Run `python -m core.traffic repair BUNDLE`")
    assert traffic.main(["repair", str(delivery)]) == 0
    assert capsys.readouterr().out == (
        "Set 1 unreadable line aside in batches.jsonl.damaged; the rest of the log is kept.\n"
    )
    assert log.read_text() == whole
    assert (delivery / "traffic" / "batches.jsonl.damaged").read_text() == '{"file": "batch-00013.parq\n'
    assert len(traffic.batches(load_bundle(delivery))) == 12


def test_a_batch_is_withdrawn_with_its_reason_and_kept_in_the_log(delivery, capsys):
    bundle = load_bundle(delivery)
    before = _counted(delivery)
    gone = len(pd.read_parquet(delivery / "traffic" / "batch-00003.parquet"))
    assert traffic.main(["remove", str(delivery), "batch-00003.parquet", "--why", "sent twice by the export job"]) == 0
    assert capsys.readouterr().out == (
        "Withdrew batch-00003.parquet from delivery-eta; the log keeps it and the reason.\n"
    )
    assert _counted(delivery) == before - gone
    assert "batch-00003.parquet" not in {b.path.name for b in traffic.batches(bundle)}
    assert (delivery / "traffic" / "batch-00003.parquet").exists()
    last = json.loads((delivery / "traffic" / traffic.LOG).read_text().splitlines()[-1])
    assert (last["removed"], last["why"]) == ("batch-00003.parquet", "sent twice by the export job")
    assert traffic.main(["remove", str(delivery), "batch-00003.parquet", "--why", "again"]) == 1
    assert capsys.readouterr().err.startswith(
        "There is no batch called 'batch-00003.parquet' in this bundle's traffic."
    )
    # Home's card, read from the log alone, no longer counts it either
    line, _ = traffic.card_line(bundle.spec, bundle.figures_key, delivery / "no-cache")
    assert line.startswith(f"Since launch: {before - gone:,} orders from 31 Aug to 22 Nov 2026."), line
