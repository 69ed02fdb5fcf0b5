"""The publisher: what it writes loads, predicts the same, and says what went wrong in words."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
import yaml

from core.bundles.bundle import file_sha256, load_bundle
from core.bundles.contract import BundleError
from core.publishing.publish import main, publish


def test_round_trip_gives_the_same_predictions(tmp_path, small_churn):
    model, evaluation = small_churn
    published = publish(
        model,
        evaluation,
        target="churned",
        task="binary",
        out=tmp_path / "churn",
        positive_class="yes",
        segments=["region"],
        title="Churn",
    )
    reopened = load_bundle(tmp_path / "churn")
    expected = model.predict_proba(evaluation[list(model.feature_names_in_)])
    np.testing.assert_array_equal(reopened.model.predict_proba(reopened.X), expected)
    assert reopened.model_sha256 == file_sha256(tmp_path / "churn" / "model.joblib") == published.model_sha256
    assert reopened.spec.segments == ("region",)


def test_manifest_has_defaults_and_comments_to_edit(tmp_path, small_churn):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "churn", positive_class="yes")
    text = (tmp_path / "churn" / "bundle.yaml").read_text()
    assert text.startswith("# Modelbrief bundle manifest.")
    assert "# value of ONE case for each outcome (true_positive, false_positive" in text
    fields = yaml.safe_load(text)
    assert fields["title"] == "Churn"
    assert fields["operating_point"] == {"threshold": 0.5, "min_confidence": 0.0}
    assert fields["business"]["value"] == {
        "true_positive": 0,
        "false_positive": 0,
        "false_negative": 0,
        "true_negative": 0,
        "abstain": 0,
    }
    assert set(fields["card"]) == {"intended_use", "not_for", "training_data", "limitations", "ethical_considerations"}


def test_command_line_publishes_from_files(tmp_path, small_churn, capsys):
    model, evaluation = small_churn
    joblib.dump(model, tmp_path / "m.joblib")
    evaluation.to_csv(tmp_path / "e.csv", index=False)
    code = main(
        [
            "--model",
            str(tmp_path / "m.joblib"),
            "--eval",
            str(tmp_path / "e.csv"),
            "--target",
            "churned",
            "--task",
            "binary",
            "--out",
            str(tmp_path / "out"),
            "--positive-class",
            "yes",
            "--segments",
            "region, plan",
            "--title",
            "Churn from files",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.startswith(
        f"Published 'Churn from files' to {tmp_path / 'out'} (200 evaluation rows"
    )
    bundle = load_bundle(tmp_path / "out")
    assert bundle.spec.eval_path.name == "eval.csv"
    assert bundle.spec.segments == ("region", "plan")


def test_command_line_failure_is_one_plain_sentence(tmp_path, small_churn, capsys):
    model, evaluation = small_churn
    joblib.dump(model, tmp_path / "m.joblib")
    evaluation.to_parquet(tmp_path / "e.parquet")
    code = main(
        [
            "--model",
            str(tmp_path / "m.joblib"),
            "--eval",
            str(tmp_path / "e.parquet"),
            "--target",
            "left",
            "--task",
            "binary",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "Not published: The evaluation file eval.parquet has no column 'left', which bundle.yaml names as the target. "
        "Add the true outcome as a column, or set `target` to the column that holds it."
    )
    assert "Traceback" not in err


def test_existing_folder_is_not_overwritten_by_accident(tmp_path, small_churn, capsys):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "b", positive_class="yes")
    joblib.dump(model, tmp_path / "m.joblib")
    evaluation.to_parquet(tmp_path / "e.parquet")
    args = [
        "--model",
        str(tmp_path / "m.joblib"),
        "--eval",
        str(tmp_path / "e.parquet"),
        "--target",
        "churned",
        "--task",
        "binary",
        "--out",
        str(tmp_path / "b"),
        "--positive-class",
        "yes",
    ]
    assert main(args) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    assert "  - Explanations: the reasons for 200 sample cases were worked out now" in capsys.readouterr().out
    assert (tmp_path / "b" / "explanations.npz").is_file()
    assert main([*args, "--force", "--no-explain"]) == 0
    assert "Explanations" not in capsys.readouterr().out
    assert not (tmp_path / "b" / "explanations.npz").exists()


def test_a_failed_publish_leaves_nothing_behind(tmp_path, small_churn):
    model, evaluation = small_churn
    with pytest.raises(BundleError) as caught:
        publish(model, evaluation.drop(columns=["churned"]), target="churned", task="binary", out=tmp_path / "m")
    assert caught.value.message.startswith("The evaluation file eval.parquet has no column 'churned'")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_republish_keeps_the_bundle_that_was_there(tmp_path, small_churn):
    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=tmp_path / "m", positive_class="yes")
    before = (tmp_path / "m" / "bundle.yaml").read_text()
    with pytest.raises(BundleError):
        publish(model, evaluation, target="nope", task="binary", out=tmp_path / "m", overwrite=True)
    assert (tmp_path / "m" / "bundle.yaml").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_the_command_line_says_one_sentence_for_a_surprise(tmp_path, small_churn, monkeypatch, capsys):
    import joblib

    import core.publishing.publish

    model, evaluation = small_churn
    joblib.dump(model, tmp_path / "model.joblib")
    evaluation.to_parquet(tmp_path / "eval.parquet")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at /srv/secret/place")

    monkeypatch.setattr(core.publishing.publish, "_copy_eval", broken)
    code = core.publishing.publish.main(
        ["--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "eval.parquet"), "--target", "churned",
         "--task", "binary", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err == "Not published: something unexpected went wrong (RuntimeError: disk on fire at place).\n"
    assert not (tmp_path / "out").exists()


def array_model_and_rows():
    """A bare estimator fitted on a NumPy array, and evaluation rows with a date and an id beside its columns."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 2))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] + rng.normal(0, 0.5, 400) > 0, "yes", "no")
    model = LogisticRegression().fit(X[:300], y[:300])
    import pandas as pd

    rows = pd.DataFrame(
        {
            "seen_on": pd.date_range("2026-01-01", periods=100, freq="D"),
            "tenure": X[300:, 0],
            "spend": X[300:, 1],
            "label": y[300:],
        }
    )
    return model, rows


def test_model_features_name_the_columns_a_bare_estimator_takes(tmp_path):
    from sklearn.metrics import accuracy_score

    from core.bundles import scoring
    from core.evaluation import metrics

    model, rows = array_model_and_rows()
    with pytest.raises(BundleError) as caught:  # without the list, which columns, in which order?
        publish(model, rows, target="label", task="binary", out=tmp_path / "bare", positive_class="yes")
    assert caught.value.message == (
        "The model was fitted on 2 unnamed columns and the evaluation file has 3 other columns "
        "(seen_on, tenure, spend), so the app cannot tell which the model reads, or in what order."
    )
    assert caught.value.hint == (
        "Name the columns the model takes, in order, with --features when publishing (or model.features in bundle.yaml)."
    )
    bundle = publish(
        model, rows, target="label", task="binary", out=tmp_path / "bare", positive_class="yes",
        model_features=["tenure", "spend"],
    )  # fmt: skip
    assert bundle.features == ["tenure", "spend"]
    assert yaml.safe_load((tmp_path / "bare" / "bundle.yaml").read_text())["model"]["features"] == ["tenure", "spend"]
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path / "cache"))
    kpis = metrics.kpis(data, bundle.spec.operating_point)
    expected = accuracy_score(rows["label"], model.predict(rows[["tenure", "spend"]].to_numpy()))
    assert kpis.accuracy_acted == pytest.approx(expected) and kpis.coverage == 1.0


def test_model_features_must_match_a_model_that_names_its_columns(make_bundle):
    folder = make_bundle()
    fields = yaml.safe_load((folder / "bundle.yaml").read_text())
    fields["model"]["features"] = ["age", "tenure_months"]
    (folder / "bundle.yaml").write_text(yaml.safe_dump(fields))
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.message.startswith(
        "bundle.yaml: `model.features` does not match the columns the model was fitted on ("
    )


def test_the_command_line_takes_features_and_a_tolerance(tmp_path):
    model, rows = array_model_and_rows()
    joblib.dump(model, tmp_path / "model.joblib")
    rows.to_parquet(tmp_path / "eval.parquet")
    args = ["--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "eval.parquet"), "--target", "label",
            "--task", "binary", "--positive-class", "yes", "--features", "tenure,spend", "--out", str(tmp_path / "b")]  # fmt: skip
    assert main(args) == 0
    assert load_bundle(tmp_path / "b").features == ["tenure", "spend"]
    from sklearn.linear_model import LinearRegression

    regressor = LinearRegression().fit(rows[["tenure"]].to_numpy(), rows["spend"].to_numpy())
    joblib.dump(regressor, tmp_path / "reg.joblib")
    args = ["--model", str(tmp_path / "reg.joblib"), "--eval", str(tmp_path / "eval.parquet"), "--target", "spend",
            "--task", "regression", "--features", "tenure", "--tolerance", "10%", "--out", str(tmp_path / "r")]  # fmt: skip
    assert main(args) == 0
    spec = load_bundle(tmp_path / "r").spec
    assert (spec.tolerance.absolute, spec.tolerance.relative) == (None, 0.1)
