"""The publisher: what it writes loads, predicts the same, and says what went wrong in words."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
import yaml

from core.bundle import file_sha256, load_bundle
from core.contract import BundleError
from core.publish import main, publish


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

    import core.publish

    model, evaluation = small_churn
    joblib.dump(model, tmp_path / "model.joblib")
    evaluation.to_parquet(tmp_path / "eval.parquet")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at /srv/secret/place")

    monkeypatch.setattr(core.publish, "_copy_eval", broken)
    code = core.publish.main(
        ["--model", str(tmp_path / "model.joblib"), "--eval", str(tmp_path / "eval.parquet"), "--target", "churned",
         "--task", "binary", "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err == "Not published: something unexpected went wrong (RuntimeError: disk on fire at place).\n"
    assert not (tmp_path / "out").exists()
