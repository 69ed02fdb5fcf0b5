"""The support-ticket router in a real browser: type a message on What if and see the routing and
the words; a ticket explained word by word; what customers ask that it was never built for."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app


def test_typing_a_message_shows_the_routing_and_the_words(server, page):
    page.goto(f"{server}/whatif?bundle=support-router")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_visible(timeout=60_000)
    box.fill("hello, I was charged twice and I want a refund for order #123456")
    box.press("Control+Enter")
    wait_for_app(page)
    expect(page.get_by_text("raise the chance of Refund request", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_contain_text("Refund request")
    refund = page.get_by_test_id("stMarkdownContainer").locator("span", has_text="refund").first
    expect(refund).to_be_visible()
    screenshot(page, "whatif-text")


def test_a_ticket_is_read_word_by_word_and_the_unseen_requests_in_their_own_words(server, page):
    page.goto(f"{server}/explanations?bundle=support-router")
    wait_for_app(page)
    words = page.get_by_text("Message, word by word").first
    expect(words).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The words that moved the chance of", exact=False).first).to_be_attached()
    page.get_by_role("heading", name="One case").scroll_into_view_if_needed()
    screenshot(page, "explanations-text")
    page.goto(f"{server}/performance?bundle=support-router")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="In their own words")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("say things like", exact=False).first).to_be_visible()
    page.get_by_role("heading", name="In their own words").scroll_into_view_if_needed()
    screenshot(page, "performance-unseen-words")
