"""One best value: the Performance page's best-value setting, slide 2's title and chart, and the
report's chart and its words all give the same figure, at the bundle's setting and at settings
away from the best; a curve that does not run through the best setting never passes its own top
off as the best."""

from __future__ import annotations

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import OperatingPoint
from core.evaluation import metrics, tradeoff
from core.explaining import explain
from core.outputs import deck, report, story
from core.words import narrative
from core.words.narrative.findings import _money

CONTROLS = {"binary": ["threshold", "min_confidence"], "multiclass": ["min_confidence"]}


def _drawn_values(chart, column: str) -> list[float]:
    """Every net value the chart's curve draws (the rows of its datasets that carry `column`)."""
    return [row[column] for rows in chart.spec["datasets"].values() for row in rows if column in row]


@pytest.fixture(scope="module")
def opened(demo_root):
    made = {}
    for bundle_id in ("churn-gbm", "support-router"):
        bundle = load_bundle(demo_root / bundle_id)
        data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
        made[bundle_id] = bundle, data, explain.for_bundle(bundle, demo_root / ".test-cache")
    return made


@pytest.mark.parametrize("bundle_id", ["churn-gbm", "support-router"])  # two controls, and one
@pytest.mark.parametrize("setting", ["own", "off-best"])
def test_the_best_value_is_one_figure_on_the_page_the_slide_and_the_report(opened, bundle_id, setting):
    bundle, data, explained = opened[bundle_id]
    spec = bundle.spec
    index = tradeoff.Index(data)
    best = tradeoff.best_point(index)
    point = spec.operating_point
    if setting == "off-best":  # both controls away from the best setting, where they can be
        point = OperatingPoint(
            0.7 if best.point.threshold < 0.6 else 0.4, 0.9 if best.point.min_confidence < 0.8 else 0.55
        )
    column = "net_per_period" if spec.business.volume is not None else "net_per_case"
    value = best.net_per_period if column == "net_per_period" else best.net_per_case
    money = _money(value, spec)
    k = metrics.headline(data, point).kpis

    on_the_page = narrative.best_point(best, k, point, spec)
    assert on_the_page.numbers["best_value"] == value

    found = {f.code: f for f in story.findings(bundle, data, explained, point)}
    slide = deck.slide(deck.TRADEOFF, found, bundle, result=metrics.headline(data, point), point=point, data=data,
                       index=index, best=best)  # fmt: skip
    assert slide.heading.numbers["best_value"] == value
    title, chart = slide.chart
    assert money in title and "at most" not in title
    assert max(_drawn_values(chart, column)) == pytest.approx(value)  # the chart's top is the best value

    made = report.build(bundle, data, explained, point)
    assert made.charts[0][0] == title  # the report shows slide 2's chart
    assert money in made.captions[0]  # and says the best value in words beside it

    for control in CONTROLS[spec.task]:  # the page's charts, one per control, the other held where it is
        page_title, page_chart = story.tradeoff_chart(spec, index, point, best, control)
        assert money in page_title and "at most" not in page_title
        top = max(_drawn_values(page_chart, column))
        if top < value - 0.5:  # a curve that misses the best setting names its own top apart from it
            assert "highest along it" in page_title and "the best-value setting, " in page_title
