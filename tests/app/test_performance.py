"""The Performance page through AppTest: the control, its link, and what it moves."""

from __future__ import annotations

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import OperatingPoint
from core.evaluation import metrics
from tests.app.test_home import DEMOS
from tests.helpers import seen

SLIDERS = {"churn-gbm": 2, "churn-logreg": 2, "support-router": 1, "delivery-eta": 0}


def open_performance(app, root, **query):
    at = app(root, **query)
    return at.switch_page("pages/performance.py").run()


def tiles(at) -> list[str]:
    return [seen(m.value) for m in at.metric]


def expected_accuracy(root, bundle_id, point) -> str:
    bundle = load_bundle(root / bundle_id)
    data = metrics.from_bundle(bundle, scoring.scores(bundle))
    return f"{metrics.kpis(data, point).accuracy_acted * 100:.0f}%"


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_performance_renders_for_every_demo_bundle(app, demo_root, bundle_id):
    at = open_performance(app, demo_root, bundle=bundle_id)
    assert not at.exception
    assert at.title[0].value == "Performance"
    assert len(at.slider) == SLIDERS[bundle_id]
    assert [seen(m.label) for m in at.metric][1:3] == ["Coverage", "Net value a month"]
    assert not at.error
    headers = [h.value for h in at.subheader]
    if bundle_id == "delivery-eta":
        assert "How far off the estimates are" in headers
        assert "Where the large misses are" in headers
    else:
        assert headers[:3] == [
            "When should the model act?",
            "What it decided, and what really happened",
            "Where it works and where it does not",
        ]
        assert "Can its confidence be trusted?" in headers
        assert (
            at.query_params["min_confidence"]
            == f"{load_bundle(demo_root / bundle_id).spec.operating_point.min_confidence:.2f}"
        )
    if bundle_id == "support-router":
        assert "What customers ask that it was never built for" in headers


def test_moving_the_control_changes_the_tiles_and_the_link(app, demo_root):
    at = open_performance(app, demo_root, bundle="support-router")
    before = tiles(at)
    at.slider(key="min_confidence").set_value(0.9).run()
    assert not at.exception
    after = tiles(at)
    assert after != before
    assert after[0] == expected_accuracy(demo_root, "support-router", OperatingPoint(0.5, 0.9))
    assert at.query_params["min_confidence"] == "0.90"


def test_moving_the_threshold_of_a_binary_model(app, demo_root):
    at = open_performance(app, demo_root, bundle="churn-gbm")
    at.slider(key="threshold").set_value(0.3).run()
    assert at.query_params["threshold"] == "0.30"
    assert tiles(at)[0] == expected_accuracy(demo_root, "churn-gbm", OperatingPoint(0.3, 0.6))


def test_a_link_opens_the_page_at_its_setting(app, demo_root):
    at = open_performance(app, demo_root, bundle="churn-gbm", threshold="0.35", min_confidence="0.8")
    assert not at.exception
    assert at.slider(key="threshold").value == pytest.approx(0.35)
    assert at.slider(key="min_confidence").value == pytest.approx(0.8)
    assert tiles(at)[0] == expected_accuracy(demo_root, "churn-gbm", OperatingPoint(0.35, 0.8))
    assert not at.info or all("link asked" not in i.value for i in at.info)


def test_an_invalid_link_value_falls_back_with_a_notice(app, demo_root):
    at = open_performance(app, demo_root, bundle="support-router", min_confidence="lots")
    assert not at.exception
    assert at.slider(key="min_confidence").value == pytest.approx(0.7)
    assert seen(at.info[0].value) == (
        "The link asked for a confidence needed to act of 'lots', which is not a number from 0 to 1, "
        "so the bundle's own setting (70%) is used."
    )
    assert at.query_params["min_confidence"] == "0.70"


def test_one_click_moves_to_the_best_value_setting(app, demo_root):
    at = open_performance(app, demo_root, bundle="churn-gbm")
    from core.evaluation.tradeoff import Index, best_point

    bundle = load_bundle(demo_root / "churn-gbm")
    best = best_point(Index(metrics.from_bundle(bundle, scoring.scores(bundle)))).point
    at.button[0].click().run()
    assert not at.exception
    assert at.slider(key="threshold").value == pytest.approx(best.threshold)
    assert at.slider(key="min_confidence").value == pytest.approx(best.min_confidence)
    assert any(seen(i.value) == "This is already the setting with the highest net value." for i in at.main.markdown)


def test_a_broken_bundle_explains_itself_on_the_page(app, mixed_root):
    at = open_performance(app, mixed_root, bundle="broken-model")
    assert not at.exception
    assert seen(at.error[0].value).startswith(
        "**The model 'broken-model' cannot be opened:** model.joblib does not match"
    )
    assert not at.metric


def test_a_control_that_changes_nothing_says_so_beside_it(app, demo_root):
    at = open_performance(app, demo_root, bundle="churn-gbm")  # a 50% chance while it must be 60% sure
    idle = "any chance needed above 40% and up to 60% makes the same decisions: the chance needed changes nothing here."
    assert any(seen(c.value).endswith(idle) for c in at.caption)
    at.slider(key="threshold").set_value(0.7).run()
    assert at.caption and not any(idle in seen(c.value) for c in at.caption)
