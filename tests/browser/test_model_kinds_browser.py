"""Models a team brings, in a real browser: a categorical LightGBM explained, a predictions-only
bundle that says what it cannot show, a classifier without probabilities, and a wide model."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_server, screenshot, wait_for_app
from tests.model_kinds import publish_all

KINDS = ["lightgbm-categories", "predictions-binary", "svc-no-probabilities", "wide-many-classes", "svc-calibrated"]


@pytest.fixture(scope="module")
def kinds_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("kinds-browser")
    publish_all(root, only=KINDS)
    yield from run_server(root, tmp_path_factory.mktemp("kinds-server") / "streamlit.log")


def test_a_categorical_lightgbm_is_explained_in_the_browser(kinds_server, page):
    page.goto(f"{kinds_server}/explanations?bundle=lightgbm-categories")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="What the model relies on")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Tree SHAP", exact=False).first).to_be_hidden()  # plain audience: the method in words
    expect(page.get_by_text("exact contributions computed from the model's own trees", exact=False)).to_be_visible()
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
