"""Explanations in a real browser: the charts draw, and a case's reasons read in words."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app


def test_explanations_draw_for_a_pipeline_model(server, page):
    page.goto(f"{server}/explanations?bundle=churn-gbm")
    wait_for_app(page)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(4, timeout=60_000)
    expect(page.get_by_text("For this customer, the predicted chance is")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("explained on 2,000 of 4,000 test customers", exact=False)).to_be_visible()
    expect(page.get_by_text("contributions", exact=False)).to_have_count(0)  # Plain: no method words
    screenshot(page, "explanations-churn-gbm")
