"""The README's screenshots that no other browser test takes: the churn Overview and Since launch.

The README's other screenshots come from the tests of their pages (`overview-support-router-plain`,
`performance-support-router`, `performance-churn-gbm`, `whatif-text`, `whatif-churn-gbm`, the slides).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app


def test_readme_overview(server, page):
    page.goto(f"{server}/overview?bundle=churn-gbm")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The decision", exact=True).first).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert not page.get_by_test_id("stException").count()
    screenshot(page, "readme-overview-churn-gbm")


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
