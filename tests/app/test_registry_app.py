"""The MLflow registry through the app: Home, every page, champion against challenger, a moved alias,
a version without rows, and a server that stops mid-session or never answers."""

from __future__ import annotations

import pytest

from core.app.session import registry as session_registry
from core.bundles import registry
from core.evaluation import compare
from tests import registry_models
from tests.helpers import seen

pytestmark = pytest.mark.xdist_group("mlflow")

PAGES = [
    "pages/overview.py",
    "pages/performance.py",
    "pages/whatif.py",
    "pages/explanations.py",
    "pages/compare.py",
    "pages/since_launch.py",
    "pages/card.py",
    "pages/present.py",
]


def _asked_again():
    """As if the registry's answers were older than ASK_SECONDS: the next run asks it again."""
    session_registry._listing.clear()
    session_registry._resolve.clear()


@pytest.fixture
def served(app, demo_root, mlflow_registry, monkeypatch):
    """The app on the demo folders and the registry; `served(page=None, **query)`."""
    monkeypatch.setenv(registry.URI_ENV, mlflow_registry.uri)
    _asked_again()

    def run(page: str | None = None, **query):
        at = app(demo_root, **query)
        return at.switch_page(page).run() if page else at

    return run


def texts(at) -> list[str]:
    return [seen(e.value) for kind in ("caption", "markdown", "error", "warning", "info") for e in getattr(at, kind)]


def test_home_lists_the_registry_beside_the_folders(served, mlflow_registry):
    at = served()
    assert not at.exception
    titles = [seen(h.value) for h in at.subheader]
    for title in (
        "Churn risk, logreg",
        "Churn risk, boosting",
        "Churn risk, served model",
        "Churn scores from the warehouse",
    ):
        assert title in titles
    assert "Churn risk, gradient boosting" in titles  # the folder demos keep working
    said = texts(at)
    assert any(
        t.startswith(f"From the MLflow registry at {mlflow_registry.uri}: churn, version 1 (@champion)") for t in said
    )
    assert any(
        t.startswith(f"From the MLflow registry at {mlflow_registry.uri}: churn, version 2 (@challenger)") for t in said
    )
    assert any(t.startswith("Files by sha256: model ") for t in said)
    assert any(
        "Version 1 of 'no-rows' in the MLflow registry has no evaluation rows, so its figures cannot be worked out."
        in t
        for t in said
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_a_registry_version_and_says_which_it_is(served, mlflow_registry, page):
    at = served(page, bundle="mlflow:churn@champion")
    assert not at.exception
    assert not at.error, [seen(e.value) for e in at.error]
    assert at.sidebar.selectbox(key="bundle").value == "mlflow:churn@champion"
    assert any(
        t.startswith(f"From the MLflow registry at {mlflow_registry.uri}: churn, version 1 (@champion)")
        for t in texts(at)
    )


def test_since_launch_says_where_traffic_is_read_from(served):
    at = served("pages/since_launch.py", bundle="mlflow:churn@champion")
    assert seen(at.info[0].value).startswith(
        "This version comes from the MLflow registry, and real requests after launch are read only from bundle folders."
    )


def test_compare_opens_the_champion_on_its_challenger(served):
    at = served("pages/compare.py", bundle="mlflow:churn@champion")
    assert not at.exception
    assert at.selectbox(key="compare").value == "mlflow:churn@challenger"
    assert (
        "Champion against challenger in the MLflow registry: mlflow:churn/1 (A) against mlflow:churn/2 (B)."
        in texts(at)
    )


def test_the_challengers_overview_says_what_promoting_it_would_change(served, mlflow_registry):
    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics

    at = served("pages/overview.py", bundle="mlflow:churn@challenger")
    assert not at.exception
    assert "If it were promoted" in [seen(h.value) for h in at.subheader]
    champion, challenger = (load_bundle(mlflow_registry.folders[v]) for v in ("1", "2"))
    differences = compare.paired(
        metrics.from_bundle(champion, scoring.scores(champion)),
        champion.spec.operating_point,
        metrics.from_bundle(challenger, scoring.scores(challenger)),
        challenger.spec.operating_point,
    )
    expected = compare.promotion(
        differences, "version 1 (@champion)", "version 2 (@challenger)", "customers", 20000, "month", "USD"
    )
    assert expected in texts(at)
    champion_page = served("pages/overview.py", bundle="mlflow:churn@champion")
    assert "If it were promoted" not in [seen(h.value) for h in champion_page.subheader]


def test_moving_an_alias_changes_what_the_same_link_shows(served, mlflow_registry):
    from mlflow import MlflowClient

    client = MlflowClient(mlflow_registry.uri, mlflow_registry.uri)
    before = served("pages/overview.py", bundle="mlflow:churn@champion")
    assert any(": churn, version 1 (@champion)" in t for t in texts(before)), texts(before)[:8]
    try:
        client.set_registered_model_alias("churn", "champion", "3")
        _asked_again()
        after = served("pages/overview.py", bundle="mlflow:churn@champion")
        assert not after.exception
        assert any(": churn, version 3 (@champion)" in t for t in texts(after)), texts(after)[:6]
        assert seen(after.caption[1].value).startswith("Churn risk, forest")
    finally:
        client.set_registered_model_alias("churn", "champion", "1")
        _asked_again()


def test_a_pinned_version_opens_by_number_though_home_does_not_list_it(served):
    at = served("pages/performance.py", bundle="mlflow:churn/3")
    assert not at.exception
    assert any(": churn, version 3, run " in t for t in texts(at))


def test_a_version_without_rows_and_an_unknown_alias_are_one_sentence(served):
    at = served("pages/overview.py", bundle="mlflow:no-rows/1")
    assert not at.exception
    assert (
        "Version 1 of 'no-rows' in the MLflow registry has no evaluation rows, so its figures cannot be worked out."
        in seen(at.error[0].value)
    )
    at = served("pages/overview.py", bundle="mlflow:churn@retired")
    assert not at.exception
    assert "No model called 'churn' in the MLflow registry carries the alias @retired." in seen(at.error[0].value)


def test_a_registry_that_never_answers_is_one_sentence_and_the_folders_work(app, demo_root, monkeypatch):
    monkeypatch.setenv(registry.URI_ENV, "http://127.0.0.1:9")
    _asked_again()
    at = app(demo_root)
    assert not at.exception
    assert seen(at.warning[0].value) == (
        "The MLflow registry at http://127.0.0.1:9 does not answer. Its models are not listed; the folder bundles "
        "below work as before."
    )
    assert "Churn risk, gradient boosting" in [seen(h.value) for h in at.subheader]


def test_a_server_that_stops_mid_session_keeps_what_was_read_and_says_so(app, demo_root, monkeypatch, tmp_path):
    uri, process = registry_models.start_server(tmp_path / "server")
    try:
        fitted, rows = registry_models.models(n=600)
        registry_models.publish(
            fitted["logreg"],
            rows,
            target="churned",
            task="binary",
            positive_class="yes",
            out=tmp_path / "bundle",
            title="Churn while it lasts",
            precompute_explanations=False,
            mlflow="short-lived",
            mlflow_alias="champion",
            mlflow_uri=uri,
        )
        monkeypatch.setenv(registry.URI_ENV, uri)
        _asked_again()
        first = app(demo_root, bundle="mlflow:short-lived@champion").switch_page("pages/overview.py").run()
        assert not first.exception and not first.error
    finally:
        registry_models.stop_server(process)
    _asked_again()
    home = app(demo_root)
    assert not home.exception
    assert seen(home.warning[0].value).startswith(
        f"The MLflow registry at {uri} does not answer. Its models are listed as they were at "
    )
    assert "Churn while it lasts" in [seen(h.value) for h in home.subheader]
    page = app(demo_root, bundle="mlflow:short-lived@champion").switch_page("pages/overview.py").run()
    assert not page.exception and not page.error
    assert seen(page.warning[0].value).startswith(
        f"The MLflow registry at {uri} does not answer. This is the version read at "
    )
    assert "@champion may have moved since" in seen(page.warning[0].value)
