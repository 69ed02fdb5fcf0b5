"""The Since launch page with every demo bundle, and with a bundle that has no traffic."""

from __future__ import annotations

import json

import pytest

from core.bundles.contract import BundleError
from tests.app.test_home import DEMOS
from tests.core.after_launch.test_traffic import CHANGES
from tests.helpers import seen


def texts(at) -> list[str]:
    return [seen(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success)]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_the_page_tells_each_demo_what_changed_since_launch(app, demo_root, bundle_id):
    at = app(demo_root, bundle=bundle_id).switch_page("pages/since_launch.py").run()
    assert not at.exception and not at.error
    assert [s.value for s in at.subheader] == [
        "Is it still handling the work?",
        "Is it still right?",
        "What changed in what comes in",
    ]
    shown = texts(at)
    assert any("18,000" in t and "from the week of 31 Aug to the week of 16 Nov, per week" in t for t in shown)
    if bundle_id in CHANGES:
        assert CHANGES[bundle_id] in shown
    assert len(at.get("vega_lite_chart")) >= 3
    assert at.dataframe  # drift per input
    assert at.query_params["bundle"] in (bundle_id, [bundle_id])


UNMEASURED = {
    "churn-gbm": "The latest six weeks have no outcomes yet, so the dashed line estimates how often it was right from "
    "its own confidence, which held in the tests. It is an estimate, not a measurement.",
    "support-router": "The latest six weeks have no outcomes yet, and nothing is drawn for them: its confidence did "
    "not hold in the tests, so it cannot stand in for outcomes. They will be measured as their outcomes are added.",
    "delivery-eta": "The latest six weeks have no outcomes yet, and nothing is drawn for them: a model that estimates "
    "a number gives no confidence to estimate from. They will be measured as their outcomes are added.",
}


@pytest.mark.parametrize("bundle_id", list(UNMEASURED))
def test_weeks_without_outcomes_are_estimated_or_say_why_not(app, demo_root, bundle_id):
    at = app(demo_root, bundle=bundle_id).switch_page("pages/since_launch.py").run()
    assert UNMEASURED[bundle_id] in texts(at)
    right = next(c for c in at.get("vega_lite_chart") if "when it acts" in c.proto.spec)
    spec = json.loads(right.proto.spec)
    title = spec["layer"][0]["title"]["text"]
    assert "in the 6 weeks whose outcomes have arrived (the week of 31 Aug to the week of 5 Oct)" in title, title
    if bundle_id == "churn-gbm":  # measured and estimated, with a legend naming both
        assert "Measured where outcomes have arrived" in right.proto.spec
        assert "Estimated from its confidence (outcomes not in yet)" in right.proto.spec
    else:
        assert "Estimated" not in right.proto.spec


def test_a_bundle_without_traffic_says_how_to_add_it(app, make_bundle, tmp_path):
    make_bundle("no-traffic")
    at = app(tmp_path, bundle="no-traffic").switch_page("pages/since_launch.py").run()
    assert not at.exception
    assert at.info[0].value.startswith("This model has no traffic yet.")


def test_every_summary_carries_one_since_launch_line(app, demo_root, tmp_path, monkeypatch):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(demo_root / "support-router", root / "support-router")
    monkeypatch.setenv("MODELBRIEF_CACHE", str(tmp_path / "cache"))
    logged = "Since launch: 18,000 tickets from 31 Aug to 22 Nov 2026. Open Since launch to see how it is doing."
    home = app(root)
    assert not home.exception
    assert logged in [seen(c.value) for c in home.caption]  # from the batch log: Home opens no bundle

    overview = app(root, bundle="support-router").switch_page("pages/overview.py").run()
    line = (
        "Since launch: 18,000 tickets over 12 weeks. Since the week of 19 Oct, the model acts on fewer tickets "
        "itself: 50%, against 66% in the tests. One more thing has changed beyond normal variation."
    )
    assert line in [seen(w.value) for w in overview.warning]
    home = app(root)
    assert line in [seen(w.value) for w in home.warning]  # the figures, once worked out, reach the card

    slide = app(root, bundle="support-router", slide="1").switch_page("pages/present.py").run()
    assert any(line in h.proto.body for h in slide.get("html"))


def test_a_bad_batch_gets_one_sentence_and_the_rest_of_the_app_keeps_working(app, demo_root, tmp_path):
    import shutil

    import pandas as pd

    from core.after_launch import traffic

    root = tmp_path / "root"
    shutil.copytree(demo_root / "delivery-eta", root / "delivery-eta")
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"seen_at": ["2026-11-23 10:00"] * 3, "carrier": ["Own fleet"] * 3}).to_parquet(bad)
    with pytest.raises(BundleError):  # `add` refuses it ...
        traffic.add(root / "delivery-eta", bad)
    shutil.copyfile(bad, root / "delivery-eta" / "traffic" / "by-hand.parquet")  # ... so it is put there by hand
    at = app(root, bundle="delivery-eta").switch_page("pages/since_launch.py").run()
    assert not at.exception
    said = [seen(e.value) for e in at.error]
    assert len(said) == 1 and "A traffic batch lacks columns the model reads: warehouse, weekday, rain" in said[0]
    overview = app(root, bundle="delivery-eta").switch_page("pages/overview.py").run()
    assert not overview.exception
    assert [s.value for s in overview.subheader][0] == "The top three reasons behind its predictions"
