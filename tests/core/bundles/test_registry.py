"""Bundles from a real MLflow registry: ids, reading a version, publishing into it, the figures equal."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from core.bundles import registry, scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError
from core.evaluation import compare, metrics
from core.publishing.publish import main as publish_main
from tests import registry_models

pytestmark = pytest.mark.xdist_group("mlflow")


# --- ids and the configured server (no server needed) -------------------------------------------


def test_ids_name_an_alias_or_a_version():
    assert registry.parse("mlflow:churn@champion") == registry.Ref("churn", alias="champion")
    assert registry.parse("mlflow:team/churn/12") == registry.Ref("team/churn", version="12")
    assert registry.parse("mlflow:churn/012").text == "mlflow:churn/12"
    assert registry.parse("churn-gbm") is None
    assert registry.Ref("churn", alias="challenger").text == "mlflow:churn@challenger"


@pytest.mark.parametrize("text", ["mlflow:churn", "mlflow:churn/0", "mlflow:@champion", "mlflow:churn@bad alias"])
def test_an_id_written_wrongly_is_one_sentence_with_the_way_out(text):
    with pytest.raises(BundleError) as caught:
        registry.parse(text)
    assert caught.value.message == f"'{text}' is not a registry model this app can read."
    assert caught.value.hint == "Write mlflow:<name>@<alias> or mlflow:<name>/<version>, e.g. mlflow:churn@champion."


def test_the_server_is_shown_without_a_password_and_ids_become_file_names(monkeypatch):
    assert registry.shown_uri("http://ana:secret@127.0.0.1:5000/") == "http://127.0.0.1:5000"
    assert registry.file_stem("mlflow:churn@champion") == "mlflow-churn-champion"
    monkeypatch.delenv(registry.URI_ENV, raising=False)
    assert registry.configured_uri() is None
    monkeypatch.setenv(registry.URI_ENV, " http://127.0.0.1:5000 ")
    assert registry.configured_uri() == "http://127.0.0.1:5000"


def test_a_registry_that_does_not_answer_is_one_sentence_within_seconds():
    started = time.monotonic()
    with pytest.raises(registry.Unreachable) as caught:
        registry.listing("http://127.0.0.1:9")  # the discard port: nothing listens
    assert caught.value.message == "The MLflow registry at http://127.0.0.1:9 does not answer."
    assert time.monotonic() - started < 15  # no minutes of retries


def test_promotion_says_the_change_in_cases_and_money_with_ranges():
    differences = [
        compare.Difference("accuracy_acted", 0.80, 0.82, 0.01, 0.03),
        compare.Difference("coverage", 0.85, 0.90, 0.03, 0.07),
        compare.Difference("net_per_case", 10.0, 10.5, 0.2, 0.8),
    ]
    said = compare.promotion(
        differences, "version 1 (@champion)", "version 2 (@challenger)", "customers", 20000, "month", "USD"
    )
    assert said == (
        "With version 2 (@challenger) in place of version 1 (@champion), each at its own setting, the model would "
        "cover about 1,000 more customers a month (95% range 600 to 1,400). It would be worth about $10,000 more a "
        "month (95% range $4,000 to $16,000)."
    )
    within = [dataclasses.replace(d, low=-abs(d.high)) for d in differences]
    assert compare.promotion(within, "A", "B", "customers", None, None, "USD", values_set=False) == (
        "With B in place of A, each at its own setting, the model would cover about as many customers (50 in every "
        "1,000 customers, 95% range -70 to 70, within the noise). No business values are set, so what that is "
        "worth cannot be said."
    )
    same = [
        dataclasses.replace(d, a=1.0, b=1.0, low=0.0, high=0.0) if d.figure == "coverage" else d for d in differences
    ]
    assert compare.promotion(same, "A", "B", "customers", 20000, "month", "USD").startswith(
        "With B in place of A, each at its own setting, the model would cover just as many customers. It would be "
        "worth about $10,000 more a month"
    )


# --- a real server ------------------------------------------------------------------------------


def _figures(bundle):
    data = metrics.from_bundle(bundle, scoring.compute_scores(bundle))
    return metrics.headline(data, bundle.spec.operating_point)


def test_home_lists_each_aliased_version_and_the_latest_of_a_model_without_one(mlflow_registry):
    listed = [v.ref.text for v in registry.listing(mlflow_registry.uri)]
    assert listed == [
        "mlflow:churn@champion",
        "mlflow:churn@challenger",
        "mlflow:no-rows/1",
        "mlflow:scores-only/1",
        "mlflow:tagged-pyfunc/1",
    ]


def test_a_version_opens_with_the_same_figures_as_its_folder_bundle_to_the_last_digit(mlflow_registry, tmp_path):
    for number, folder in (("1", "1"), ("2", "2"), ("1", "scores-only")):
        name = "scores-only" if folder == "scores-only" else "churn"
        version = registry.resolve(mlflow_registry.uri, registry.Ref(name, version=number))
        read, source = registry.materialize(mlflow_registry.uri, version, tmp_path)
        from_registry, from_folder = load_bundle(read), load_bundle(mlflow_registry.folders[folder])
        assert from_registry.figures_key == from_folder.figures_key
        assert from_registry.model_sha256 == from_folder.model_sha256
        ours, theirs = _figures(from_registry), _figures(from_folder)
        assert ours.kpis == theirs.kpis
        assert ours.ranges == theirs.ranges
        assert source.digests["eval"] == from_folder.eval_sha256


def test_a_version_says_which_it_is_and_what_was_read_from_where(mlflow_registry, tmp_path):
    version = registry.resolve(mlflow_registry.uri, registry.parse("mlflow:churn@champion"))
    assert (version.version, version.aliases) == ("1", ("champion",))
    _, source = registry.materialize(mlflow_registry.uri, version, tmp_path)
    assert source.headline() == (
        f"From the MLflow registry at {mlflow_registry.uri}: churn, version 1 (@champion), run {version.run_id[:8]}."
    )
    assert source.read_from() == (
        "Read from: the model through its scikit-learn flavour; the evaluation rows from the dataset 'evaluation' "
        "logged to its run; the description from its modelbrief/bundle.yaml."
    )
    assert source.files().startswith("Files by sha256: model ")


def test_a_version_is_read_once_and_then_opened_from_the_cache(mlflow_registry, tmp_path, monkeypatch):
    version = registry.resolve(mlflow_registry.uri, registry.Ref("churn", version="2"))
    first, _ = registry.materialize(mlflow_registry.uri, version, tmp_path)

    def no_download(*args, **kwargs):
        raise AssertionError("downloaded again")

    from core.bundles.registry import reading

    monkeypatch.setattr(reading, "_build", no_download)
    again, source = registry.materialize(mlflow_registry.uri, version, tmp_path)
    assert again == first
    assert source.aliases == ("challenger",)


def test_an_alias_resolves_when_asked_so_moving_it_changes_what_opens(mlflow_registry):
    from mlflow import MlflowClient

    client = MlflowClient(mlflow_registry.uri, mlflow_registry.uri)
    ref = registry.parse("mlflow:churn@champion")
    try:
        client.set_registered_model_alias("churn", "champion", "3")
        assert registry.resolve(mlflow_registry.uri, ref).version == "3"
    finally:
        client.set_registered_model_alias("churn", "champion", "1")
    assert registry.resolve(mlflow_registry.uri, ref).version == "1"


def test_a_version_without_evaluation_rows_is_one_sentence(mlflow_registry, tmp_path):
    version = registry.resolve(mlflow_registry.uri, registry.parse("mlflow:no-rows/1"))
    with pytest.raises(BundleError) as caught:
        registry.materialize(mlflow_registry.uri, version, tmp_path)
    assert caught.value.message == (
        "Version 1 of 'no-rows' in the MLflow registry has no evaluation rows, so its figures cannot be worked out."
    )
    assert caught.value.hint.startswith("Log them to its run with mlflow.log_input")


def test_a_missing_version_or_alias_is_one_sentence(mlflow_registry):
    with pytest.raises(BundleError) as caught:
        registry.resolve(mlflow_registry.uri, registry.parse("mlflow:churn@retired"))
    assert caught.value.message == "No model called 'churn' in the MLflow registry carries the alias @retired."
    with pytest.raises(BundleError) as caught:
        registry.resolve(mlflow_registry.uri, registry.parse("mlflow:churn/99"))
    assert caught.value.message == "No model called 'churn' in the MLflow registry has a version 99."


def test_a_pyfunc_model_described_by_tags_is_scored_like_its_model(mlflow_registry, tmp_path):
    version = registry.resolve(mlflow_registry.uri, registry.parse("mlflow:tagged-pyfunc/1"))
    folder, source = registry.materialize(mlflow_registry.uri, version, tmp_path)
    bundle = load_bundle(folder)
    assert bundle.spec.title == "Churn risk, served model"
    assert bundle.spec.summary == "Predicts which customers will cancel."
    assert bundle.spec.business.volume == 20000
    assert bundle.spec.access == ("group:reviewers", "@example.com")  # who may see it, from a tag
    assert source.model_from == "the model through its pyfunc flavour"
    assert source.eval_from == "the evaluation rows from its artifact modelbrief/eval.parquet"
    assert source.manifest_from == (
        "the description from the version's tags and description (it has no modelbrief/bundle.yaml)"
    )
    assert source.notes == ("Its chances are read from the output columns named after each class.",)
    fitted, rows = registry_models.models()
    expected = fitted["boosting"].predict_proba(rows[registry_models.FEATURES])
    np.testing.assert_allclose(bundle.model.predict_proba(bundle.X), expected, rtol=0, atol=1e-12)
    assert list(bundle.model.classes_) == list(fitted["boosting"].classes_)


def test_the_publisher_registers_a_new_version_from_the_command_line(mlflow_registry, tmp_path, capsys):
    import joblib

    fitted, rows = registry_models.models()
    joblib.dump(fitted["forest"], tmp_path / "model.joblib")
    rows.to_parquet(tmp_path / "eval.parquet")
    code = publish_main(
        [
            "--model",
            str(tmp_path / "model.joblib"),
            "--eval",
            str(tmp_path / "eval.parquet"),
            "--target",
            "churned",
            "--task",
            "binary",
            "--positive-class",
            "yes",
            "--out",
            str(tmp_path / "bundle"),
            "--no-explain",
            "--to-mlflow",
            "cli-churn",
            "--mlflow-alias",
            "candidate",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    version = registry.resolve(mlflow_registry.uri, registry.parse("mlflow:cli-churn@candidate"))
    assert (
        f"Registered 'cli-churn' version 1 with the alias @candidate in the MLflow registry at {mlflow_registry.uri} (run {version.run_id[:8]}); open it with ?bundle=mlflow:cli-churn/1."
        in printed
    )
    read, _ = registry.materialize(mlflow_registry.uri, version, tmp_path / "cache")
    assert load_bundle(read).figures_key == load_bundle(tmp_path / "bundle").figures_key


@pytest.fixture(autouse=True)
def _the_server(request, monkeypatch):
    """Tests that read the registry get MODELBRIEF_MLFLOW_URI set to it."""
    if "mlflow_registry" in request.fixturenames:
        monkeypatch.setenv(registry.URI_ENV, request.getfixturevalue("mlflow_registry").uri)


def test_reports_and_slides_name_the_registry_version(mlflow_registry, tmp_path):
    from core.outputs import deck

    version = registry.resolve(mlflow_registry.uri, registry.parse("mlflow:churn@challenger"))
    folder, _ = registry.materialize(mlflow_registry.uri, version, tmp_path)
    bundle = load_bundle(folder)
    spec = dataclasses.replace(bundle.spec, id="mlflow:churn/2")
    lines = deck.colophon(spec, ("m", "e", "b"), spec.operating_point)
    assert lines[1] == "Model version: churn, version 2 in the MLflow registry."
    assert deck.colophon(bundle.spec, ("m", "e", "b"), spec.operating_point)[1] == "Model file sha256 m"
