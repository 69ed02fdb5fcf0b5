"""Home through Streamlit's AppTest: every demo bundle, deep links, broken bundles, caching."""

from __future__ import annotations

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from tests.helpers import seen

DEMOS = ["churn-gbm", "churn-logreg", "delivery-eta", "support-router"]


def card_titles(at) -> list[str]:
    return [seen(h.value) for h in at.subheader]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_home_opens_every_demo_bundle_from_the_url(app, demo_root, bundle_id):
    at = app(demo_root, bundle=bundle_id)
    assert not at.exception
    title = load_bundle(demo_root / bundle_id).spec.title
    assert at.title[0].value == "Modelbrief"
    assert card_titles(at)[0] == title  # the selected bundle comes first
    assert at.sidebar.selectbox(key="bundle").value == bundle_id
    assert at.query_params["bundle"] == bundle_id
    assert len(at.metric) == 3 * len(DEMOS)
    assert [seen(m.label) for m in at.metric[:3]][1:] == ["Coverage", "Net value a month"]
    assert sum("This is the selected model." in s.value for s in at.success) == 1
    assert not at.error


def test_every_card_pairs_accuracy_with_coverage_and_value(app, demo_root):
    at = app(demo_root)
    labels = [seen(m.label) for m in at.metric]
    assert labels.count("Coverage") == len(DEMOS)
    assert labels.count("Net value a month") == len(DEMOS)
    captions = [seen(c.value) for c in at.caption if seen(c.value).startswith("95% range")]
    assert len(captions) == 3 * len(DEMOS)


def test_router_card_tells_the_out_of_scope_story(app, demo_root):
    at = app(demo_root, bundle="support-router")
    warnings = [seen(w.value) for w in at.warning]
    assert any("ask for something the model was never trained on" in w for w in warnings)


def test_unknown_bundle_in_the_url_falls_back_with_a_notice(app, demo_root):
    at = app(demo_root, bundle="no-such-model")
    assert not at.exception
    assert seen(at.info[0].value) == "There is no model called 'no-such-model' here, so the first one is shown."
    assert at.query_params["bundle"] == "churn-gbm"


def test_selecting_another_card_moves_the_selection(app, demo_root):
    # AppTest re-executes only the page file after an interaction, not the router, so the
    # sidebar and the URL are checked in the browser test (tests/browser); here, the state and page.
    at = app(demo_root, bundle="churn-gbm")
    at.button(key="select-delivery-eta").click().run()
    assert not at.exception
    assert at.session_state["bundle"] == "delivery-eta"
    assert card_titles(at)[0] == "Delivery time estimate"
    assert sum("This is the selected model." in s.value for s in at.success) == 1


def test_a_broken_bundle_selected_through_the_url_shows_a_card_not_a_traceback(app, mixed_root):
    at = app(mixed_root, bundle="broken-model")
    assert not at.exception
    assert at.sidebar.selectbox(key="bundle").value == "broken-model"
    assert card_titles(at)[0] == ":material/warning: Broken model"  # its title, read from bundle.yaml
    assert "Folder broken-model in the artifacts folder" in [seen(c.value) for c in at.caption]
    assert seen(at.error[0].value) == (
        "**This bundle cannot be opened:** model.joblib does not match the sha256 in bundle.yaml, so it was not "
        "opened. The file changed after the bundle was published: publish it again, or update model.sha256 if "
        "you trust this file."
    )
    assert [e.label for e in at.main.expander] == ["Details", "Link to this view"]
    # the two working bundles still show their figures
    assert len(at.metric) == 6


def test_a_rerun_never_recomputes_scores(app, demo_root):
    at = app(demo_root, bundle="support-router")
    computed = scoring.compute_count
    at.sidebar.selectbox(key="bundle").select("churn-gbm").run()
    at.button(key="select-delivery-eta").click().run()
    at.run()
    assert not at.exception
    assert scoring.compute_count == computed


def test_an_empty_artifacts_root_builds_the_demos(app, tmp_path):
    at = app(tmp_path / "fresh")
    assert not at.exception
    assert sorted(p.name for p in (tmp_path / "fresh").iterdir() if not p.name.startswith(".")) == DEMOS
    assert len(at.subheader) == len(DEMOS)


def test_an_unexpected_error_in_one_card_is_one_sentence_and_the_rest_work(app, demo_root, tmp_path, monkeypatch):
    import shutil

    import core.app.session

    root = tmp_path / "odd"
    shutil.copytree(demo_root, root)
    (root / "delivery-eta" / "summary.json").unlink()  # so its card measures it, and meets the error
    real = core.app.session.headline

    def failing(bundle, point=None):
        if bundle.id == "delivery-eta":
            raise ZeroDivisionError("a model that scores oddly")
        return real(bundle, point)

    monkeypatch.setattr(core.app.session.entries, "headline", failing)
    at = app(root, bundle="churn-gbm")
    assert not at.exception
    assert seen(at.error[0].value) == (
        "**The figures for this model could not be computed:** Something unexpected went wrong while working on "
        "this model. The details below help whoever maintains the bundle; the server log has the full trace."
    )
    assert "ZeroDivisionError" in at.code[0].value
    assert len(at.metric) == 9


def test_a_start_finishes_the_demos_an_interrupted_start_left_unbuilt(app, tmp_path, demo_root):
    import shutil

    root = tmp_path / "interrupted"
    shutil.copytree(demo_root, root)
    shutil.rmtree(root / "support-router")
    at = app(root)
    assert not at.exception
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == DEMOS
    assert len(at.subheader) == len(DEMOS)


def test_details_name_the_kind_of_error_never_a_traceback_or_a_path(app, demo_root, tmp_path, monkeypatch):
    import shutil

    import core.app.session

    root = tmp_path / "odd"
    shutil.copytree(demo_root, root)
    (root / "churn-gbm" / "summary.json").unlink()

    def failing(bundle, point=None):
        raise OSError(2, "No such file or directory", "/srv/secret/artifacts/churn-gbm/model.joblib")

    monkeypatch.setattr(core.app.session.entries, "headline", failing)
    at = app(root, bundle="churn-gbm")
    details = [c.value for c in at.code if "Error" in c.value]
    assert details and all("Traceback" not in d and "/srv" not in d for d in details)
    assert details[0] == "FileNotFoundError: [Errno 2] No such file or directory: 'model.joblib'"


def test_home_draws_every_card_without_opening_a_bundle(app, demo_root, tmp_path, monkeypatch):
    import shutil

    import core.app.session

    root = tmp_path / "copy"
    shutil.copytree(demo_root, root)  # folders this process has never opened

    def never(folder):
        raise AssertionError(f"Home opened {folder}")

    monkeypatch.setattr(core.app.session.caches, "load_bundle", never)
    at = app(root)
    assert not at.exception and not at.error
    assert len(at.metric) == 3 * len(DEMOS)


def test_home_imports_no_model_or_explanation_library(demo_root):
    import subprocess
    import sys
    from pathlib import Path

    script = f"""
import os, sys
os.environ["MODELBRIEF_ARTIFACTS"] = {str(demo_root)!r}
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(Path(__file__).resolve().parents[2] / "Home.py")!r}, default_timeout=120).run()
assert not at.exception and len(at.metric) == {3 * len(DEMOS)}, at.exception
print(sorted(m for m in ("shap", "numba", "sklearn", "lightgbm", "xgboost", "catboost", "torch") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_bundle_published_without_a_summary_is_measured_once_and_kept(app, demo_root, tmp_path, monkeypatch):
    import shutil

    import core.app.session
    from core.publishing import summary

    root = tmp_path / "plain"
    root.mkdir()
    shutil.copytree(demo_root / "churn-gbm", root / "churn-gbm")
    (root / "churn-gbm" / "summary.json").unlink()
    at = app(root)
    assert not at.exception
    assert len(at.metric) == 3
    kept = summary.find(root / "churn-gbm", root / ".cache")
    assert kept is not None and kept.figures_key == load_bundle(root / "churn-gbm").figures_key
    shown = [seen(m.value) for m in at.metric]
    opened = []
    monkeypatch.setattr(core.app.session.caches, "load_bundle", lambda folder: opened.append(folder))
    core.app.session._read.clear()  # as after a restart: the manifest and summary read again from disk
    again = app(root)
    assert [seen(m.value) for m in again.metric] == shown
    assert opened == []


def test_a_slow_measurement_shows_progress_on_its_card_and_the_figures_when_done(app, demo_root, tmp_path, monkeypatch):
    import shutil
    import threading
    import time

    import core.app.session

    root = tmp_path / "slow"
    root.mkdir()
    for name in ("churn-gbm", "delivery-eta"):
        shutil.copytree(demo_root / name, root / name)
    (root / "delivery-eta" / "summary.json").unlink()
    release = threading.Event()
    real = core.app.session.headline

    def slow(bundle, point=None):
        release.wait(30)
        return real(bundle, point)

    monkeypatch.setattr(core.app.session.entries, "headline", slow)
    monkeypatch.setattr(core.app.session, "CARD_WAIT", 0.2)
    at = app(root)
    assert not at.exception
    assert len(at.metric) == 3  # the other card is drawn at once
    progress = [p for p in at.get("progress")]
    assert progress and "Measuring this model on its test cases" in progress[0].proto.text
    release.set()
    deadline = time.monotonic() + 30
    while len(at.metric) < 6 and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
    assert len(at.metric) == 6 and not at.exception


def test_a_model_that_needs_a_module_the_app_lacks_gets_a_card_that_says_so_not_old_figures(
    app, demo_root, tmp_path, monkeypatch
):
    import shutil
    import sys

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from core.publishing.publish import publish
    from tests.core.bundles.test_models_teams_bring import customers

    code = tmp_path / "code"
    code.mkdir()
    (code / "team_tidy.py").write_text("def tidy(frame):\n    return frame.fillna(0)\n")
    monkeypatch.syspath_prepend(str(code))
    import team_tidy

    root = tmp_path / "root"
    shutil.copytree(demo_root / "churn-gbm", root / "churn-gbm")
    frame = customers(600)
    model = Pipeline([("tidy", FunctionTransformer(team_tidy.tidy)), ("model", LogisticRegression())])
    model.fit(frame[["tenure", "spend"]][:400], frame["left"][:400])
    publish(model, frame.iloc[400:][["tenure", "spend", "left"]], target="left", task="binary", out=root / "team",
            title="Team model")  # fmt: skip
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(code)])
    monkeypatch.delitem(sys.modules, "team_tidy")
    at = app(root, bundle="team")
    assert not at.exception
    assert seen(at.error[0].value) == (
        "**This bundle cannot be opened:** model.joblib needs the Python module 'team_tidy', which cannot be "
        "imported here. Make 'team_tidy' importable where the app runs: install the package that provides it, or "
        "add the folder that holds it to PYTHONPATH; then reload."
    )
    assert len(at.metric) == 3  # the other bundle's card keeps its figures; this one shows none


@pytest.mark.parametrize("damage", ["edited figures", "infinite figure"])
def test_a_forged_or_impossible_summary_never_shows_on_home_and_the_other_cards_draw(app, demo_root, tmp_path, damage):
    import json
    import shutil

    from core.publishing import summary

    root = tmp_path / "forged"
    root.mkdir()
    for name in ("churn-gbm", "support-router"):
        shutil.copytree(demo_root / name, root / name)
    path = root / "churn-gbm" / "summary.json"
    data = json.loads(path.read_text())
    true_coverage = data["headline"]["kpis"]["coverage"]
    if damage == "edited figures":  # 100% everywhere, the digest left as it was
        data["headline"]["kpis"].update(coverage=1.0, accuracy_acted=1.0)
    else:  # an infinite figure, with a digest that matches it: the figure itself is refused
        data["headline"]["kpis"]["net_per_case"] = "inf"
        data["digest"] = summary._digest(data)
    path.write_text(json.dumps(data))
    key = summary.figures_key(load_bundle(root / "churn-gbm").spec)
    assert summary.read(path, key) is None
    assert summary.refused(root / "churn-gbm", key) == summary.REMEASURED
    at = app(root)
    assert not at.exception
    from core import format as fmt

    coverages = [seen(m.value) for m in at.metric if m.label == "Coverage"]
    assert "100%" not in coverages  # the edited figure never shows
    remeasured = summary.REMEASURED in [seen(c.value) for c in at.caption]
    assert remeasured or fmt.percent(true_coverage) in coverages  # said, or already measured again
    assert len(at.metric) >= 3  # the router's card is drawn whatever happens to this one
    measured = summary.find(root / "churn-gbm", root / ".cache")
    if measured is not None:  # measured again in the background: the pages' figures, not the edited ones
        assert measured.headline.kpis.coverage == pytest.approx(true_coverage)
