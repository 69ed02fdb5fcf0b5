"""A text model in a real browser: type a message on What if, see the routing and the words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sklearn.feature_extraction.text import TfidfVectorizer

from core.publish import publish
from tests.browser.conftest import run_server, screenshot, wait_for_app
from tests.core.test_text import pipeline, tickets


@pytest.fixture(scope="module")
def text_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("text-browser")
    frame = tickets()
    model = pipeline(TfidfVectorizer(ngram_range=(1, 2))).fit(frame[["message", "channel"]], frame["intent"])
    publish(model, frame, target="intent", task="multiclass", out=root / "router", subject="ticket", subjects="tickets")
    yield from run_server(root, tmp_path_factory.mktemp("text-server") / "streamlit.log")


def test_typing_a_message_shows_the_routing_and_the_words(text_server, page):
    page.goto(f"{text_server}/whatif?bundle=router")
    wait_for_app(page)
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_visible(timeout=60_000)
    box.fill("hello, I was charged twice and I want a refund for the invoice")
    box.press("Control+Enter")
    wait_for_app(page)
    expect(page.get_by_text("Red words raise the chance of billing", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_contain_text("billing")
    screenshot(page, "whatif-text")
