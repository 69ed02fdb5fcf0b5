"""Every chart a page draws is a valid Vega-Lite spec. The app sends charts without Altair's
schema check (it took most of a chart's time on every rerun), so the check is made here, on
every chart of every page with every demo bundle."""

from __future__ import annotations

import pytest

from tests.app.test_model_kinds_app import settle
from tests.app.test_overview_and_audience import PAGES

DEMOS = ["churn-gbm", "delivery-eta", "support-router"]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_every_chart_on_every_page_passes_the_vega_lite_schema(app, demo_root, bundle_id, monkeypatch):
    import core.app.ui

    drawn = []
    real = core.app.ui.chart

    def recording(built, finding_text, **options):
        drawn.append((built, finding_text))
        real(built, finding_text, **options)

    monkeypatch.setattr(core.app.ui, "chart", recording)
    for page in PAGES:
        at = app(demo_root, bundle=bundle_id)
        if page != "pages/home.py":
            settle(at.switch_page(page).run())
        assert not at.exception
    assert len(drawn) >= 6
    for built, finding_text in drawn:
        built.to_dict(validate=True)  # raises on anything Vega-Lite would not accept
        assert finding_text
