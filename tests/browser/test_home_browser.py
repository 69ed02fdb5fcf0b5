"""Home in a real browser: the cards, a deep link to one bundle, and choosing another."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

TITLES = [
    "Churn risk, gradient boosting",
    "Churn risk, logistic regression (challenger)",
    "Delivery time estimate",
    "Support ticket router",
]


def query(page) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlparse

    return parse_qs(urlparse(page.url).query)


def card_titles(page) -> list[str]:
    return page.locator("h3").all_inner_texts()


def sidebar_choice(page) -> str:
    return page.get_by_role("combobox", name="Model").input_value()


def test_home_shows_every_demo_bundle(server, page):
    page.goto(server)
    wait_for_app(page)
    expect(page.locator("h3")).to_have_count(4, timeout=60_000)
    assert sorted(card_titles(page)) == TITLES
    assert query(page) == {"bundle": ["churn-gbm"], "audience": ["plain"]}
    expect(page.locator('[data-testid="stMetricLabel"]')).to_have_count(12, timeout=60_000)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert labels.count("Coverage") == 4
    assert screenshot(page, "home").stat().st_size > 20_000


def test_a_link_opens_the_same_bundle(server, page):
    page.goto(f"{server}/?bundle=support-router")
    wait_for_app(page)
    assert card_titles(page)[0] == "Support ticket router"
    assert sidebar_choice(page) == "Support ticket router"
    expect(page.get_by_text("ask for something the model was never trained on")).to_have_count(1, timeout=60_000)
    screenshot(page, "home-support-router")


def test_choosing_a_card_updates_the_sidebar_and_the_link(server, page):
    page.goto(f"{server}/?bundle=churn-gbm")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Select this model")).to_have_count(3, timeout=60_000)
    page.locator('[data-testid="stColumn"]').filter(
        has=page.get_by_role("heading", name="Delivery time estimate")
    ).get_by_role("button", name="Select this model").click()
    page.wait_for_url("**/?bundle=delivery-eta*", timeout=30_000)
    wait_for_app(page)
    assert card_titles(page)[0] == "Delivery time estimate"
    assert sidebar_choice(page) == "Delivery time estimate"


def test_the_first_start_shows_progress_and_lists_pages_not_files(tmp_path, page):
    from tests.browser.conftest import run_server

    server = run_server(tmp_path / "first-start", tmp_path / "streamlit.log")
    url = next(server)
    try:
        page.goto(url)
        page.get_by_text("Building the demo bundles").first.wait_for(timeout=60_000)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Model card" in nav and "What if" in nav  # the pages' titles, never their files ("card", "whatif")
        # the build finishing into four cards is tested without a browser (test_an_empty_artifacts_root_builds_the_demos)
    finally:
        next(server, None)


def test_deep_links_arriving_together_at_a_fresh_server_all_open_their_page(fresh_server, browser):
    """Several first requests at once, one of them straight to a page: each goes through the router."""
    from tests.browser.conftest import guard_network

    wanted = {"performance": "Performance", "card": "Model card", "": "Modelbrief", "whatif": "What if"}
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in wanted]
    for context in contexts:
        guard_network(context)
    pages = [context.new_page() for context in contexts]
    for page_, path in zip(pages, wanted, strict=True):
        page_.goto(f"{fresh_server}/{path}?bundle=churn-gbm", wait_until="commit")
    try:
        for page_, title in zip(pages, wanted.values(), strict=True):
            wait_for_app(page_)
            expect(page_.locator("h1").first).to_have_text(title, timeout=60_000)
            assert "What if" in page_.locator('[data-testid="stSidebarNav"]').inner_text()
    finally:
        for context in contexts:
            context.close()
