"""Performance in a real browser: a shared link works even as a fresh server's first request."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import nudge_slider, screenshot, wait_for_app


def test_a_deep_link_is_the_first_request_after_a_restart(fresh_server, page):
    page.goto(f"{fresh_server}/performance?bundle=support-router&min_confidence=0.85")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Performance"
    assert page.get_by_role("combobox", name="Model").input_value() == "Support ticket router"
    assert page.get_by_role("slider", name="Confidence needed to act").input_value() == "0.85"
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Performance" in nav and "performance" not in nav  # the router's pages, not the folder's files
    screenshot(page, "performance-support-router")


def test_binary_and_regression_pages(server, page):
    page.goto(f"{server}/performance?bundle=churn-gbm")
    wait_for_app(page)
    expect(page.get_by_role("slider")).to_have_count(2, timeout=60_000)
    page.wait_for_url("**min_confidence=0.60**", timeout=30_000)
    assert "threshold=0.50" in page.url
    expect(page.get_by_text("Move to the best-value setting")).to_have_count(1, timeout=60_000)
    screenshot(page, "performance-churn-gbm")
    page.goto(f"{server}/performance?bundle=delivery-eta")
    wait_for_app(page)
    expect(page.get_by_text("How far off the estimates are")).to_have_count(1, timeout=60_000)
    screenshot(page, "performance-delivery-eta")


def test_moving_the_slider_updates_the_tiles_and_the_link(server, page):
    page.goto(f"{server}/performance?bundle=support-router&min_confidence=0.70")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(3, timeout=60_000)
    before = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    slider = page.get_by_role("slider", name="Confidence needed to act")
    nudge_slider(page, "Confidence needed to act", 15)
    page.wait_for_url("**min_confidence=0.85**", timeout=30_000)
    wait_for_app(page)
    after = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert after != before
    assert slider.input_value() == "0.85"
