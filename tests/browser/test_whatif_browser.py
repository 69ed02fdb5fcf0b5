"""What if in a real browser: a link reopens the edits, and the flip search answers in words."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app


def test_a_link_with_edits_and_the_flip_search(server, page):
    page.goto(f"{server}/whatif?bundle=churn-gbm&case=C-106134&edits=contract:two-year")
    wait_for_app(page)
    expect(page.get_by_text("Contract type: month-to-month → two-year")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The decision changed.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Find it").click()
    expect(page.get_by_text("the model would", exact=False).last).to_be_visible(timeout=30_000)
    assert "edits=contract" in page.url
    screenshot(page, "whatif-churn-gbm")
