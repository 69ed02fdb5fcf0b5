"""The screenshots in the README: Overview, Performance and What if for two demo bundles."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

VIEWS = [
    ("overview", "Overview", "The decision"),
    ("performance", "Performance", "What it decided, and what really happened"),
    ("whatif", "What if", "Change the case"),
]


@pytest.mark.parametrize("bundle", ["support-router", "churn-gbm"])
@pytest.mark.parametrize(("path", "title", "part"), VIEWS)
def test_readme_views(server, page, bundle, path, title, part):
    page.goto(f"{server}/{path}?bundle={bundle}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text(part, exact=True).first).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert not page.get_by_test_id("stException").count()
    screenshot(page, f"readme-{path}-{bundle}")


def test_readme_since_launch(server, browser):
    """Since launch on the support router, whole: the week-8 change found and drawn."""
    from tests.browser.conftest import guard_network

    context = browser.new_context(viewport={"width": 1400, "height": 2600})
    refused = guard_network(context)
    page = context.new_page()
    try:
        page.goto(f"{server}/since_launch?bundle=support-router")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="What changed in what comes in")).to_be_visible(timeout=60_000)
        expect(
            page.get_by_text("Since the week of 19 Oct, the model acts on fewer tickets itself").first
        ).to_be_visible()
        page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        page.wait_for_timeout(500)
        assert not page.get_by_test_id("stException").count()
        screenshot(page, "since-launch-support-router")
    finally:
        context.close()
    assert not refused
