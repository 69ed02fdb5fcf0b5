"""The Overview in a real browser, in both audiences, and the switch carried by the link."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app


def test_overview_in_both_audiences(server, page):
    page.goto(f"{server}/overview?bundle=support-router&audience=technical")
    wait_for_app(page)
    expect(page.get_by_text("The decision: let the model route the ticket automatically")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Accuracy on the cases it acts on", exact=False).first).to_be_visible()
    screenshot(page, "overview-support-router-technical")
    page.locator('[data-testid="stSidebar"]').get_by_text("Plain", exact=True).click()
    page.wait_for_url("**audience=plain**", timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("Accuracy on the cases it acts on", exact=False)).to_have_count(0)
    screenshot(page, "overview-support-router-plain")
