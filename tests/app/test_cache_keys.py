"""Every cached figure is keyed by everything it depends on, bundle.yaml included."""

from __future__ import annotations

import shutil

import pytest

from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError
from core.publishing.publish import publish
from tests.helpers import seen

VALUES = {"true_positive": 100, "false_positive": -20, "false_negative": -50, "abstain": -5}


def net_value(at) -> str:
    return next(seen(m.value) for m in at.metric if seen(m.label).startswith("Net value"))


def test_an_edited_manifest_shows_its_new_figures_at_the_next_rerun(app, small_churn, tmp_path):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "m", positive_class="yes",
            business={"currency": "USD", "value": VALUES})  # fmt: skip
    at = app(tmp_path, bundle="m").switch_page("pages/overview.py").run()
    before = net_value(at)
    manifest = tmp_path / "m" / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace("true_positive: 100", "true_positive: 400"))
    at.run()
    after = net_value(at)
    assert before != after
    fresh = app(tmp_path, bundle="m").switch_page("pages/overview.py").run()
    assert net_value(fresh) == after


def test_two_copies_with_different_values_never_share_figures(app, small_churn, tmp_path):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "a", positive_class="yes",
            business={"currency": "USD", "value": VALUES})  # fmt: skip
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    manifest = tmp_path / "b" / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace("positive_class: 'yes'", "positive_class: 'no'"))
    a, b = load_bundle(tmp_path / "a"), load_bundle(tmp_path / "b")
    assert a.content_hash == b.content_hash and a.figures_key != b.figures_key
    first = app(tmp_path, bundle="a").switch_page("pages/overview.py").run()
    second = app(tmp_path, bundle="b").switch_page("pages/overview.py").run()
    assert (first.session_state["bundle"], second.session_state["bundle"]) == ("a", "b")
    assert net_value(first) != net_value(second)
    assert first.sidebar.selectbox[0].options == ["A (a)", "A (b)"]  # one title, told apart by folder


def test_labels_that_share_nothing_with_the_model_are_refused(small_churn, tmp_path):
    model, evaluation = small_churn
    coded = evaluation.assign(churned=(evaluation["churned"] == "yes").astype(int))
    with pytest.raises(BundleError) as caught:
        publish(model, coded, target="churned", task="binary", out=tmp_path / "c")
    assert caught.value.message == (
        "The labels in the target column 'churned' (0, 1) share nothing with the model's classes (no, yes)."
    )
    assert not (tmp_path / "c").exists()


def test_a_stray_third_label_is_counted_and_said(small_churn, tmp_path):
    model, evaluation = small_churn
    odd = evaluation.copy()
    odd.loc[odd.index[:3], "churned"] = "maybe"
    bundle = publish(model, odd, target="churned", task="binary", out=tmp_path / "d", positive_class="yes")
    assert bundle.spec.notices[-1] == (
        "3 evaluation rows have labels the model does not know (maybe); they count as cases the model was not built for."
    )
