"""Signing the decision in a real browser: on the Overview (the confirmation stays through later
reruns), then on the decision slide; both kept, and listed on the Model card."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from core.outputs import deck
from tests.browser.conftest import run_server, screenshot, wait_for_app


def rerun(page) -> None:
    """Rerun the page through the sidebar's audience switch, and wait until that run has finished.

    A run is seen from the attribute's old values too, so one that starts and ends between two
    deliveries of the observer still counts; a switch that started no run within 15 s is pressed
    again (the other way), at most three times."""
    from playwright.sync_api import TimeoutError as Timeout

    wait_for_app(page)  # the signing run over first: a click during a run can be lost with its widgets
    page.evaluate(
        """() => { window.ranAgain = false; const app = document.querySelector('[data-testid="stApp"]');
        new MutationObserver(records => {
            if (app.dataset.testScriptState === "running" || records.some(r => r.oldValue === "running"))
                window.ranAgain = true;
        }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"]}); }"""
    )
    for choice in ("Technical", "Plain", "Technical"):
        page.locator('[data-testid="stSidebar"]').get_by_text(choice, exact=True).click()
        try:
            page.wait_for_function("() => window.ranAgain", timeout=15_000)
            break
        except Timeout:
            continue
    else:
        raise AssertionError("the audience switch started no run in three tries")
    wait_for_app(page)


def test_a_decision_signed_on_the_overview_and_on_the_slide_is_kept_and_listed(browser, demo_root, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(demo_root / "churn-gbm", root / "churn-gbm")
    served = run_server(root, tmp_path / "streamlit.log")
    url = next(served)
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    try:
        page.goto(f"{url}/overview?bundle=churn-gbm")
        wait_for_app(page)
        page.get_by_text("Approved with conditions", exact=True).click()
        page.get_by_label("Comment").fill("Only for month-to-month customers.")
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_text("Kept in the decision log: Approved with conditions, by local user")).to_be_visible(
            timeout=30_000
        )
        screenshot(page, "decision-signed")
        rerun(page)  # another run of the page, as when background work it waited on is done
        expect(page.get_by_text("Kept in the decision log: Approved with conditions, by local user")).to_be_visible()

        last = len(
            deck.names(
                {"group_gap": None},
            )
        )  # the decision: the last slide (no rival in this root)
        page.goto(f"{url}/?bundle=churn-gbm&present=1&slide={last}")
        wait_for_app(page, ".slide-title")
        page.get_by_role("button", name="Sign off").click()
        page.get_by_text("Needs more work", exact=True).click()
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_text("Kept in the decision log: Needs more work, by local user")).to_be_visible(
            timeout=30_000
        )

        page.goto(f"{url}/card?bundle=churn-gbm")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Decisions signed")).to_be_visible(timeout=30_000)
        entries = page.locator('[data-testid="stMarkdownContainer"] strong').all_inner_texts()
        assert entries.index("Needs more work") < entries.index("Approved with conditions")  # newest first
        expect(page.get_by_text("“Only for month-to-month customers.”", exact=False)).to_be_visible()
        expect(page.get_by_text("Verified: 2 entries, none changed or removed outside the app.")).to_be_visible()
        screenshot(page, "decision-log-verified")
    finally:
        context.close()
        next(served, None)
    assert (root / ".modelbrief.db").exists()
