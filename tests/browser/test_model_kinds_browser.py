"""Models a team brings, in a real browser: a categorical LightGBM explained, a predictions-only
bundle that says what it cannot show, a classifier without probabilities, and a wide model."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_server, screenshot, wait_for_app

KINDS = [
    "lightgbm-categories",
    "predictions-binary",
    "svc-no-probabilities",
    "wide-many-classes",
    "svc-calibrated",
    "calibrated-forest",
]


@pytest.fixture(scope="module")
def kinds_server(tmp_path_factory, kinds_root):
    """A server on copies of the kinds published once per run, with a cache of its own, so each
    first explanation here is a real first one; its explanations may take 15 s, so the slow one
    (a calibrated forest, explained by permutation) is still at work when the page stops waiting
    for it at 8 s."""
    root = tmp_path_factory.mktemp("kinds-browser")
    for kind in KINDS:
        shutil.copytree(kinds_root[0] / kind, root / kind)
    log = tmp_path_factory.mktemp("kinds-server") / "streamlit.log"
    yield from run_server(root, log, env={"MODELBRIEF_EXPLAIN_SECONDS": "15"})


def test_a_categorical_lightgbm_is_explained_in_the_browser(kinds_server, page):
    page.goto(f"{kinds_server}/explanations?bundle=lightgbm-categories")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="What the model relies on")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Tree SHAP", exact=False).first).to_be_hidden()  # plain audience: no method
    page.goto(f"{kinds_server}/explanations?bundle=lightgbm-categories&audience=technical")
    wait_for_app(page)
    expect(
        page.get_by_text("Tree SHAP: exact contributions computed from the model's own trees", exact=False)
    ).to_be_visible(timeout=60_000)
    screenshot(page, "explanations-lightgbm-categories")


def test_a_predictions_only_bundle_says_what_it_cannot_show(kinds_server, page):
    page.goto(f"{kinds_server}/explanations?bundle=predictions-binary")
    wait_for_app(page)
    expect(page.get_by_text("This bundle holds the model's scores but not the model", exact=False)).to_be_visible(
        timeout=60_000
    )
    screenshot(page, "explanations-predictions-only")
    page.goto(f"{kinds_server}/overview?bundle=predictions-binary")
    wait_for_app(page)
    expect(page.get_by_text("Coverage").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("This bundle holds the model's scores but not the model", exact=False)).to_be_visible()
    screenshot(page, "overview-predictions-only")


def test_a_classifier_without_probabilities_has_no_confidence_control(kinds_server, page):
    page.goto(f"{kinds_server}/performance?bundle=svc-no-probabilities")
    wait_for_app(page)
    expect(page.get_by_text("gives a decision but no probabilities", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.get_by_role("slider")).to_have_count(0)
    screenshot(page, "performance-no-probabilities")
    page.goto(f"{kinds_server}/card?bundle=svc-calibrated")
    wait_for_app(page)
    expect(page.get_by_text("sigmoid calibrator that the publisher fitted", exact=False)).to_be_visible(timeout=60_000)
    screenshot(page, "card-calibrated")


def test_a_wide_model_puts_the_features_that_matter_first(kinds_server, page):
    page.goto(f"{kinds_server}/whatif?bundle=wide-many-classes")
    wait_for_app(page)
    expect(page.get_by_text("More features (6)")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The 8 features that matter most for this case come first", exact=False)).to_be_visible()
    page.get_by_text("More features (6)").click()
    wait_for_app(page)
    expect(page.get_by_role("spinbutton")).to_have_count(14 + 1)  # every feature, and the rule's number below
    screenshot(page, "whatif-wide")


def test_a_slow_first_explanation_shows_progress_and_the_page_updates_itself(kinds_server, page):
    """A calibrated random forest is explained by permutation: well over the 8 s a page waits."""
    page.goto(f"{kinds_server}/explanations?bundle=calibrated-forest")
    progress = page.get_by_text("Explaining the model on a sample of cases (once per model)", exact=False)
    expect(progress).to_be_visible(timeout=30_000)  # watched from the first moment, not after a run ends
    expect(page.get_by_text("This page updates itself when it is done", exact=False)).to_be_visible()
    screenshot(page, "explanations-in-progress")
    # no reload, no click: the page picks the result up by itself
    expect(page.get_by_role("heading", name="What the model relies on")).to_be_visible(timeout=180_000)
    expect(progress).to_have_count(0)
