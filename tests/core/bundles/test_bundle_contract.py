"""The bundle contract: every way a bundle can be broken, and the exact sentence a person sees."""

from __future__ import annotations

import pickle
from pathlib import Path

import joblib
import pandas as pd
import pytest
import yaml

from core.bundles.bundle import discover, file_sha256, load_bundle
from core.bundles.contract import BundleError


def edit_manifest(folder: Path, change) -> None:
    manifest = folder / "bundle.yaml"
    fields = yaml.safe_load(manifest.read_text())
    change(fields)
    manifest.write_text(yaml.safe_dump(fields, sort_keys=False))


def rewrite_eval(folder: Path, frame: pd.DataFrame, name: str = "eval.csv") -> None:
    """Replace the evaluation file and point bundle.yaml at it with a fresh hash."""
    (folder / "eval.parquet").unlink()
    path = folder / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    edit_manifest(folder, lambda f: f.update(eval={"path": name, "sha256": file_sha256(path)}))


def set_field(key, value):
    return lambda folder: edit_manifest(folder, lambda f: f.update({key: value}))


def drop_field(key):
    return lambda folder: edit_manifest(folder, lambda f: f.pop(key))


def bad_yaml(folder):
    (folder / "bundle.yaml").write_text("schema: modelbrief/v1\ntitle: [Churn, unclosed\ntask: binary\n")


def missing_model(folder):
    (folder / "model.joblib").unlink()


def escaping_path(folder):
    edit_manifest(folder, lambda f: f["model"].update(path="../elsewhere/model.joblib"))


def hash_mismatch(folder):
    with open(folder / "model.joblib", "ab") as handle:
        handle.write(b"\0")


def truncated_model(folder):
    path = folder / "model.joblib"
    path.write_bytes(path.read_bytes()[:300])
    edit_manifest(folder, lambda f: f["model"].update(sha256=file_sha256(path)))


def empty_eval(folder):
    frame = pd.read_parquet(folder / "eval.parquet")
    rewrite_eval(folder, frame.iloc[:0])


def missing_features(folder):
    frame = pd.read_parquet(folder / "eval.parquet")
    rewrite_eval(folder, frame.drop(columns=["tenure_months", "contract"]), "eval.parquet")


def text_in_numbers(folder):
    frame = pd.read_parquet(folder / "eval.parquet")
    frame["tenure_months"] = frame["tenure_months"].astype(object)
    frame.loc[3, "tenure_months"] = "unknown"
    frame.loc[7, "tenure_months"] = "twelve"
    rewrite_eval(folder, frame)


def lfs_pointer(folder):
    (folder / "eval.parquet").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 132487\n"
    )


def missing_pickle_hash(folder):
    edit_manifest(folder, lambda f: f["model"].pop("sha256"))


def missing_segment(folder):
    edit_manifest(folder, lambda f: f.update(segments=["region", "county"]))


def empty_targets(folder):
    frame = pd.read_parquet(folder / "eval.parquet")
    frame.loc[[0, 1, 2], "churned"] = None
    rewrite_eval(folder, frame, "eval.parquet")


def classifier_as_regression(folder):
    def change(fields):
        fields.update(task="regression")
        fields["business"]["value"] = {"per_unit_error": -1}

    edit_manifest(folder, change)


def unknown_outcome_value(folder):
    edit_manifest(folder, lambda f: f["business"]["value"].update(correct=3))


BROKEN = {
    "missing model file": (
        missing_model,
        "The file model.joblib named in bundle.yaml (model.path) is missing from the bundle folder.",
    ),
    "bad yaml": (bad_yaml, "bundle.yaml is not valid YAML (line 3, column 5)."),
    "unknown task": (
        set_field("task", "clustering"),
        "bundle.yaml: `task` must be binary, multiclass or regression, not 'clustering'.",
    ),
    "target not in file": (
        set_field("target", "cancelled"),
        "The evaluation file eval.parquet has no column 'cancelled', which bundle.yaml names as the target.",
    ),
    "missing feature columns": (
        missing_features,
        "The evaluation file eval.parquet lacks 2 columns the model needs: contract, tenure_months.",
    ),
    "path escaping the bundle": (
        escaping_path,
        "bundle.yaml: `model.path` must point to a file inside the bundle folder, not '../elsewhere/model.joblib'.",
    ),
    "hash mismatch": (hash_mismatch, "model.joblib does not match the sha256 in bundle.yaml, so it was not opened."),
    "truncated model": (truncated_model, "model.joblib could not be read: the file is truncated or damaged."),
    "empty eval file": (empty_eval, "The evaluation file eval.csv has no rows."),
    "text in a numeric column": (
        text_in_numbers,
        "Column 'tenure_months' in eval.csv should hold numbers, but 2 rows hold text such as 'unknown', 'twelve'.",
    ),
    "git lfs pointer": (lfs_pointer, "eval.parquet is a Git LFS pointer, not the file itself."),
    "positive class not a label": (
        set_field("positive_class", "Yes"),
        "bundle.yaml: positive_class 'Yes' is not one of the labels in the evaluation file ('no', 'yes').",
    ),
    "missing title": (drop_field("title"), "bundle.yaml: the required field `title` is missing."),
    "wrong schema": (
        set_field("schema", "mlflow/v2"),
        "bundle.yaml: `schema` must be 'modelbrief/v1', not 'mlflow/v2'.",
    ),
    "pickle without hash": (
        missing_pickle_hash,
        "bundle.yaml: `model.sha256` is required for .joblib models, because opening them can run code.",
    ),
    "classifier called regression": (
        classifier_as_regression,
        "bundle.yaml says task: regression, but the model is a classifier with classes no, yes.",
    ),
    "segment column absent": (
        missing_segment,
        "bundle.yaml: segments names county, which is not a column of eval.parquet.",
    ),
    "empty target values": (empty_targets, "The target column 'churned' is empty in 3 rows of eval.parquet."),
    "value for another task's outcome": (
        unknown_outcome_value,
        "bundle.yaml: `business.value.correct` is not an outcome of a binary model; use true_positive, "
        "false_positive, false_negative, true_negative, abstain, out_of_scope.",
    ),
    "threshold out of range": (
        set_field("operating_point", {"threshold": 1.5}),
        "bundle.yaml: `operating_point.threshold` must be between 0 and 1, not 1.5.",
    ),
}


def test_a_published_bundle_loads(make_bundle):
    bundle = load_bundle(make_bundle())
    assert bundle.spec.task == "binary"
    assert bundle.positive_class == "yes"
    assert len(bundle.eval) == 200


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_bundle_says_what_is_wrong(case, make_bundle):
    breaker, message = BROKEN[case]
    folder = make_bundle()
    breaker(folder)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.message == message
    assert caught.value.hint or caught.value.detail or caught.value.field


def test_every_broken_bundle_has_advice(make_bundle):
    """Messages say what to do, not only what is wrong, for the cases people hit most."""
    folder = make_bundle()
    hash_mismatch(folder)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.hint == (
        "The file changed after the bundle was published: publish it again, or update model.sha256 if you trust this file."
    )
    assert "bundle.yaml says" in caught.value.detail


def test_discovery_finds_only_folders_with_a_manifest(tmp_path, make_bundle):
    make_bundle("a")
    make_bundle("b")
    (tmp_path / "notes").mkdir()
    (tmp_path / "stray.txt").write_text("not a bundle")
    assert [p.name for p in discover(tmp_path)] == ["a", "b"]
    assert discover(tmp_path / "absent") == []


class Payload:
    """A pickle that creates a file when it is opened: stands in for any code an attacker plants."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_tampered_pickle_is_refused_before_it_can_run(tmp_path, make_bundle):
    folder = make_bundle()
    marker = tmp_path / "code-ran"
    (folder / "model.joblib").write_bytes(pickle.dumps(Payload(marker)))

    with pytest.raises(BundleError) as caught:
        load_bundle(folder)

    assert caught.value.message == "model.joblib does not match the sha256 in bundle.yaml, so it was not opened."
    assert not marker.exists()
    # the same bytes do run code when unpickled: the refusal above is what kept it from running
    joblib.load(folder / "model.joblib")
    assert marker.exists()


def test_skops_models_load_without_a_hash(tmp_path, small_churn):
    import skops.io as sio

    from core.publishing.publish import publish

    model, evaluation = small_churn
    source = tmp_path / "churn.skops"
    sio.dump(model, source)
    bundle = publish(
        source, evaluation, target="churned", task="binary", out=tmp_path / "skops-churn", positive_class="yes"
    )
    assert bundle.spec.model_path.name == "model.skops"
    assert list(bundle.model.predict(evaluation.head(20))) == list(model.predict(evaluation.head(20)))


def test_a_regression_without_a_tolerance_gets_a_stated_default():
    text = (
        "schema: modelbrief/v1\ntitle: ETA\ntask: regression\ntarget: hours\n"
        "model: {path: model.skops}\neval: {path: eval.csv}\n"
    )
    from core.bundles.contract import parse_manifest

    spec = parse_manifest(text, Path("eta"))
    assert (spec.tolerance.absolute, spec.tolerance.relative, spec.tolerance.default) == (None, 0.1, True)
    assert spec.notices == (
        "bundle.yaml sets no tolerance, so by default an estimate within 10% of the truth counts as right; "
        "set `tolerance:` to say what is close enough.",
    )
    stated = parse_manifest(text + "tolerance: {absolute: 1.5}\n", Path("eta"))
    assert (stated.tolerance.absolute, stated.notices) == (1.5, ())
