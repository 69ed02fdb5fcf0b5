"""Bundle summaries: what Home reads instead of opening a bundle, and when it may not read one."""

from __future__ import annotations

import math

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle, read_spec
from core.evaluation import metrics
from core.evaluation.metrics import Estimate
from core.publishing import summary


def measured(folder):
    """The summary of a bundle opened and measured now, as every page measures it."""
    bundle = load_bundle(folder)
    headline = metrics.headline(metrics.from_bundle(bundle, scoring.scores(bundle)), bundle.spec.operating_point)
    return summary.of(bundle, headline)


@pytest.mark.parametrize("bundle_id", ["churn-gbm", "delivery-eta", "support-router"])
def test_the_published_summary_holds_exactly_the_figures_the_pages_compute(demo_root, bundle_id, tmp_path):
    folder = demo_root / bundle_id
    shipped = summary.read(folder / summary.BUNDLE_FILE, summary.figures_key(load_bundle(folder).spec))
    assert shipped is not None
    assert summary.to_json(shipped) == summary.to_json(measured(folder))
    assert shipped.rows == len(load_bundle(folder).eval)


def test_json_keeps_missing_ranges_and_not_a_number(demo_root):
    shipped = summary.find(demo_root / "delivery-eta", demo_root / ".cache")
    assert shipped.headline.ranges.net_per_period is not None
    odd = Estimate(float("nan"), float("nan"), float("nan"), 0)
    changed = summary.Summary(
        shipped.figures_key,
        shipped.rows,
        metrics.Headline(
            shipped.headline.point,
            shipped.headline.kpis,
            type(shipped.headline.ranges)(
                **{**shipped.headline.ranges.__dict__, "accuracy_acted": odd, "net_per_period": None}
            ),
        ),
        positive_class=True,
        decides_only=True,
        notices=(
            "12 evaluation rows have labels the model does not know (x); they count as customers the model was not built for.",
        ),
    )
    back = summary.from_json(summary.to_json(changed))
    assert math.isnan(back.headline.ranges.accuracy_acted.value) and back.headline.ranges.accuracy_acted.n == 0
    assert back.headline.ranges.net_per_period is None
    assert back.headline.kpis == shipped.headline.kpis
    assert (back.positive_class, back.decides_only, back.notices) == (True, True, changed.notices)


def test_an_edited_manifest_makes_the_summary_stale(make_bundle, tmp_path):
    folder = make_bundle(business={"true_positive": 50, "false_positive": -10})
    assert summary.find(folder, tmp_path / "cache") is not None
    manifest = folder / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace("true_positive: 50", "true_positive: 80"))
    assert summary.find(folder, tmp_path / "cache") is None


def test_changed_evaluation_rows_make_the_summary_stale(make_bundle, tmp_path):
    folder = make_bundle()
    with open(folder / "eval.parquet", "ab") as handle:
        handle.write(b"\0")
    assert summary.find(folder, tmp_path / "cache") is None


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b'{"format": 99}', b'{"format": 2, "figures_key": "x"}', b"[1, 2]", b"{" + b" " * 70_000 + b"}"],
)
def test_a_damaged_or_foreign_summary_is_not_used(make_bundle, tmp_path, content):
    folder = make_bundle()
    (folder / summary.BUNDLE_FILE).write_bytes(content)
    assert summary.find(folder, tmp_path / "cache") is None


def test_a_summary_kept_in_the_cache_is_found(make_bundle, tmp_path):
    folder = make_bundle()
    shipped = summary.find(folder, tmp_path / "cache")
    (folder / summary.BUNDLE_FILE).unlink()
    assert summary.find(folder, tmp_path / "cache") is None
    summary.write(shipped, summary.cached_path(tmp_path / "cache", shipped.figures_key))
    assert summary.find(folder, tmp_path / "cache") == shipped


def test_the_card_spec_reads_as_the_opened_bundle(make_bundle, tmp_path):
    folder = make_bundle(positive_class="yes", classes={"yes": "Cancelled", "no": "Stayed"})
    opened = load_bundle(folder)
    shipped = summary.find(folder, tmp_path / "cache")
    assert shipped.spec_for(read_spec(folder)) == opened.spec  # what the card's sentences read
