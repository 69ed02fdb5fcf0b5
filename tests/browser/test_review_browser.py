"""Model reviews in a real browser: a copied link reproduces the view; presentation mode steps through."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import nudge_slider, screenshot, wait_for_app

SLIDES = ["The headline", "Accuracy, coverage and value", "What it relies on", "One case", "Risks", "The decision"]


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(server, browser, page):
    page.goto(f"{server}/performance?bundle=support-router")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Technical", exact=True).click()
    page.wait_for_url("**audience=technical**", timeout=30_000)
    nudge_slider(page, "Confidence needed to act", 10)
    page.wait_for_url("**min_confidence=0.80**", timeout=30_000)
    wait_for_app(page)
    page.get_by_text("Link to this view").click()
    link = page.locator('[data-testid="stExpanderDetails"] [data-testid="stCode"]').first.inner_text().strip()
    assert link.startswith(f"{server}/performance?") and "min_confidence=0.80" in link

    fresh = browser.new_context(viewport={"width": 1400, "height": 1800})
    other = fresh.new_page()
    other.goto(link)
    wait_for_app(other)
    expect(other.locator("h1").first).to_have_text("Performance", timeout=60_000)
    assert other.get_by_role("combobox", name="Model").input_value() == "Support ticket router"
    assert other.get_by_role("slider", name="Confidence needed to act").input_value() == "0.8"
    expect(other.locator('[data-testid="stMetricLabel"]').first).to_have_text("Accuracy when it acts")
    screenshot(other, "deep-link-fresh-context")
    fresh.close()


def test_presentation_mode_steps_through_the_slides(server, page):
    page.goto(f"{server}/overview?bundle=churn-gbm&present=1")
    wait_for_app(page, ".slide-title")
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    titles = [page.locator(".slide-title").first.inner_text()]
    count = int(page.get_by_text(" / ", exact=False).first.inner_text().split("/")[1])
    for number in range(2, count + 1):
        page.get_by_role("button", name="Next").click()
        page.wait_for_url(f"**slide={number}**", timeout=30_000)
        expect(page.locator(".slide-title").first).not_to_have_text(titles[-1], timeout=30_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
        titles.append(page.locator(".slide-title").first.inner_text())  # the run done: one Next button again
        if number == 3:
            screenshot(page, "presentation-slide-3")
    assert len(set(titles)) == count == len(SLIDES) + 2  # with the comparison against the challenger and the groups
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    page.get_by_role("button", name="Previous").click()
    expect(page.locator(".slide-title").first).to_have_text(titles[-2], timeout=30_000)
    page.get_by_role("button", name="Leave").click()
    expect(page.locator("h1").first).to_have_text("Overview", timeout=60_000)
