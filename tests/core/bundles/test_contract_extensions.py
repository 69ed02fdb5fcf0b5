"""The contract extensions: predictions-only bundles, `classes:` names, calibration by the
publisher, and the command line that writes them; every refusal is one exact sentence."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.svm import LinearSVC

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError
from core.publishing.publish import main, publish


def rows(n=300, seed=4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"tenure": rng.integers(0, 60, n).astype(float), "spend": rng.normal(50, 10, n)})
    frame["left"] = np.where(rng.random(n) < 1 / (1 + np.exp(0.05 * (frame["tenure"] - 20))), "yes", "no")
    frame["p_left"] = 1 / (1 + np.exp(0.05 * (frame["tenure"] - 20)))
    frame["code"] = (frame["tenure"] // 20).astype(int)
    return frame


def refusal(tmp_path, manifest: str, frame: pd.DataFrame) -> str:
    folder = tmp_path / "b"
    folder.mkdir(exist_ok=True)
    frame.to_csv(folder / "eval.csv", index=False)
    (folder / "bundle.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    return caught.value.message


HEAD = "schema: modelbrief/v1\ntitle: T\ntask: {task}\ntarget: {target}\neval: {{path: eval.csv}}\n"


def test_a_predictions_only_bundle_reads_its_scores_from_the_file(tmp_path):
    frame = rows()
    bundle = publish(
        None, frame, target="left", task="binary", out=tmp_path / "p", predictions="p_left", positive_class="yes"
    )
    assert bundle.model is None and not bundle.explainable
    assert bundle.classes == ("no", "yes") and bundle.positive_class == "yes"
    assert "p_left" not in bundle.features and "left" not in bundle.features
    proba = scoring.scores(bundle, tmp_path / "cache").proba
    assert np.array_equal(proba[:, 1], frame["p_left"].to_numpy())
    assert np.allclose(proba.sum(axis=1), 1)
    text = (tmp_path / "p" / "bundle.yaml").read_text()
    assert "predictions:\n  column: p_left" in text and "model:" not in text


def test_predictions_only_refusals_are_exact(tmp_path):
    frame = rows()
    base = HEAD.format(task="binary", target="left")
    assert refusal(tmp_path, base + "predictions: {column: p_gone}\n", frame) == (
        "bundle.yaml names 'p_gone' as score column under `predictions`, but eval.csv has no such column."
    )
    wide = frame.assign(p_left=frame["p_left"] * 100)
    assert refusal(tmp_path, base + "predictions: {column: p_left}\n", wide) == (
        "The score column 'p_left' in eval.csv holds values outside 0 to 1, so they are not chances."
    )
    gaps = frame.assign(p_left=frame["p_left"].where(frame.index != 7))
    assert refusal(tmp_path, base + "predictions: {column: p_left}\n", gaps) == (
        "The score column 'p_left' in eval.csv has no usable number in 1 row (the first is row 8)."
    )
    both = base + "model: {path: m.joblib}\npredictions: {column: p_left}\n"
    assert refusal(tmp_path, both, frame) == (
        "bundle.yaml: `model` and `predictions` are both given; the app reads the scores from one of them."
    )
    multi = HEAD.format(task="multiclass", target="code") + "predictions: {column: p_left}\n"
    assert refusal(tmp_path, multi, frame) == (
        "bundle.yaml: a multiclass bundle's `predictions.columns` must map each class to its score column."
    )
    lopsided = frame.assign(a=0.5, b=0.6)
    uneven = HEAD.format(task="multiclass", target="code") + "predictions: {columns: {0: a, 1: b}}\n"
    assert (
        refusal(tmp_path, uneven, lopsided)
        == "The class scores in eval.csv do not add up to 1 in 300 rows (the first is row 1, which adds up to 1.1)."
    )


def test_class_chances_rounded_to_two_decimals_are_accepted_and_beyond_that_the_hint_says_how_to_normalise(tmp_path):
    frame = rows().assign(code=lambda f: (f["tenure"] > 30).astype(int))
    manifest = HEAD.format(task="multiclass", target="code") + "predictions: {columns: {0: a, 1: b}}\n"
    folder = tmp_path / "rounded"
    folder.mkdir()
    frame.assign(a=0.34, b=0.67).to_csv(folder / "eval.csv", index=False)  # 1.0100000000000002 as floats
    (folder / "bundle.yaml").write_text(manifest, encoding="utf-8")
    assert load_bundle(folder).classes == ("0", "1")
    assert refusal(tmp_path, manifest, frame.assign(a=0.34, b=0.68)) == (
        "The class scores in eval.csv do not add up to 1 in 300 rows (the first is row 1, which adds up to 1.02)."
    )
    folder = tmp_path / "b"
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.hint == (
        "Give one chance per class for each row, adding up to 1: divide each row's scores by the row's sum "
        "(a difference of up to 0.01 is allowed for rounding)."
    )


def test_classes_name_integer_codes_everywhere(tmp_path):
    frame = rows()
    model = RidgeClassifier().fit(frame[["tenure", "spend"]], frame["code"])
    names = {0: "new", 1: "settled", 2: "loyal"}
    bundle = publish(
        model, frame[["tenure", "spend", "code"]], target="code", task="multiclass", out=tmp_path / "c", classes=names
    )
    assert bundle.classes == ("new", "settled", "loyal")
    assert bundle.model_classes == (0, 1, 2)
    assert set(bundle.y) <= {"new", "settled", "loyal"}
    proba = scoring.scores(bundle, tmp_path / "cache").proba
    decided = np.array(bundle.classes)[proba.argmax(axis=1)]
    assert list(decided) == [names[c] for c in model.predict(frame[["tenure", "spend"]])]
    folder = tmp_path / "c"
    text = (folder / "bundle.yaml").read_text().replace("2: loyal", "2: new")
    (folder / "bundle.yaml").write_text(text)
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.message == "bundle.yaml: `classes` gives the name new to more than one label."


def test_a_classifier_without_probabilities_acts_on_its_own_decision(tmp_path):
    frame = rows()
    model = LinearSVC().fit(frame[["tenure", "spend"]], frame["left"])
    bundle = publish(
        model,
        frame[["tenure", "spend", "left"]],
        target="left",
        task="binary",
        out=tmp_path / "s",
        positive_class="yes",
    )
    assert bundle.decides_only and bundle.spec.decides_only and not bundle.explainable
    proba = scoring.scores(bundle, tmp_path / "cache").proba
    assert set(np.unique(proba)) == {0.0, 1.0}
    assert list(np.array(bundle.classes)[proba.argmax(axis=1)]) == list(model.predict(frame[["tenure", "spend"]]))
    assert bundle.unavailable("explanations") == (
        "This LinearSVC gives a decision but no probabilities, so there is no chance to explain. "
        "Publish it with --calibrate, which fits it probabilities, to see the reasons."
    )


def test_the_command_line_publishes_scores_names_and_calibration(tmp_path, capsys):
    frame = rows()
    frame.to_csv(tmp_path / "e.csv", index=False)
    common = ["--eval", str(tmp_path / "e.csv"), "--task", "binary", "--positive-class", "yes"]
    assert main([*common, "--target", "left", "--predictions", "p_left", "--out", str(tmp_path / "p")]) == 0
    assert "(300 evaluation rows, scores from the evaluation file)" in capsys.readouterr().out
    assert load_bundle(tmp_path / "p").spec.prediction_column == "p_left"

    model = LinearSVC().fit(frame[["tenure", "spend"]], frame["left"])
    joblib.dump(model, tmp_path / "svc.joblib")
    args = [
        *common,
        "--target",
        "left",
        "--model",
        str(tmp_path / "svc.joblib"),
        "--calibrate",
        "--out",
        str(tmp_path / "cal"),
    ]
    assert main(args) == 0
    calibrated = load_bundle(tmp_path / "cal")
    assert not calibrated.decides_only and len(calibrated.eval) == 210
    assert calibrated.spec.calibration.startswith("LinearSVC gives probabilities through a sigmoid calibrator")

    multi = ["--eval", str(tmp_path / "e.csv"), "--task", "multiclass", "--target", "code"]
    frame.assign(a=0.2, b=0.3, c=0.5).to_csv(tmp_path / "e.csv", index=False)
    assert (
        main(
            [
                *multi,
                "--predictions",
                "0=a,1=b,2=c",
                "--classes",
                "0=new,1=settled,2=loyal",
                "--out",
                str(tmp_path / "m"),
            ]
        )
        == 0
    )
    bundle = load_bundle(tmp_path / "m")
    assert bundle.classes == ("new", "settled", "loyal")
    assert bundle.spec.prediction_columns == (("0", "a"), ("1", "b"), ("2", "c"))

    assert main([*multi, "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip() == (
        "Not published: give either --model (a model file) or --predictions (score columns)."
    )
    assert main([*multi, "--predictions", "0=a,1", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip() == (
        "Not published: --predictions takes name=value pairs separated by commas, not '1'."
    )
    assert (
        main([*common, "--target", "left", "--predictions", "p_left", "--explain", "--out", str(tmp_path / "e")]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("Not published: --explain: This bundle holds the model's scores but not the model")
    assert not (tmp_path / "e").exists()


def test_calibration_refuses_a_regression_model(tmp_path):
    frame = rows()
    model = LogisticRegression().fit(frame[["tenure"]], frame["left"])
    with pytest.raises(BundleError) as caught:
        publish(model, frame, target="spend", task="regression", out=tmp_path / "r", calibrate=True)
    assert caught.value.message == "Calibration gives a classifier probabilities; a regression model has none to give."


def test_the_publisher_writes_label_stubs_and_lists_what_it_left_unset(tmp_path, capsys):
    frame = rows().rename(columns={"spend": "monthlySpend"})
    model = LogisticRegression().fit(frame[["tenure", "monthlySpend"]], frame["left"])
    joblib.dump(model, tmp_path / "m.joblib")
    frame[["tenure", "monthlySpend", "left"]].to_csv(tmp_path / "e.csv", index=False)
    args = ["--model", str(tmp_path / "m.joblib"), "--eval", str(tmp_path / "e.csv"), "--target", "left",
            "--task", "binary", "--positive-class", "yes", "--out", str(tmp_path / "b")]  # fmt: skip
    assert main(args) == 0
    text = (tmp_path / "b" / "bundle.yaml").read_text()
    assert "features:\n  tenure:\n    label: Tenure\n  monthlySpend:\n    label: Monthly spend\n" in text
    assert load_bundle(tmp_path / "b").spec.label("monthlySpend") == "Monthly spend"
    out = capsys.readouterr().out
    assert out.endswith(
        "Left unset, for you to fill in:\n"
        "  - business values (what each outcome is worth), so no net value is shown\n"
        "  - business.volume (cases per period), so value is per case, not per month\n"
        "  - summary (one sentence on what the model is for)\n"
        "  - event (the positive outcome in words, e.g. cancelled)\n"
        "  - the model card (intended use, not for, training data, limitations, ethical considerations)\n"
    )


def test_labels_written_as_identifiers_are_shown_in_words_and_labels_chooses_other_words(tmp_path):
    frame = rows()
    frame["stage"] = np.array(["new_customer", "long_stay", "loyal"])[frame["code"].clip(0, 2)]
    frame["plan"] = np.where(frame["spend"] > 50, "business_partner", "home")
    model = LogisticRegression(max_iter=500).fit(frame[["tenure", "spend"]], frame["stage"])
    bundle = publish(
        model, frame[["tenure", "spend", "plan", "stage"]], target="stage", task="multiclass",
        out=tmp_path / "l", segments=["plan"],
    )  # fmt: skip
    assert bundle.model_classes == ("long_stay", "loyal", "new_customer")
    assert bundle.classes == ("Long stay", "loyal", "New customer")  # words; "loyal" was never an identifier
    assert set(bundle.y) <= set(bundle.classes)
    proba = scoring.scores(bundle, tmp_path / "cache").proba
    decided = np.array(bundle.classes)[proba.argmax(axis=1)]
    assert list(decided) == [bundle.spec.class_name(c) for c in model.predict(frame[["tenure", "spend"]])]
    spec = bundle.spec
    assert [spec.value_name(v) for v in ("business_partner", "month-to-month", "Premium", 3)] == [
        "Business partner", "month-to-month", "Premium", "3",
    ]  # fmt: skip

    folder = tmp_path / "l"
    manifest = (folder / "bundle.yaml").read_text()
    (folder / "bundle.yaml").write_text(
        manifest + 'labels: {long_stay: "Staying a while", business_partner: Partner}\n'
    )
    named = load_bundle(folder)
    assert named.classes == ("Staying a while", "loyal", "New customer")
    assert (
        named.spec.value_name("business_partner") == "Partner"
        and named.spec.class_name("long_stay") == "Staying a while"
    )

    (folder / "bundle.yaml").write_text(manifest + "labels: [long_stay]\n")
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.message == (
        "bundle.yaml: `labels` must map each class or category value as written to the words shown, "
        'e.g. `labels: {bug_report: "Bug report"}`.'
    )
    (folder / "bundle.yaml").write_text(manifest + 'labels: {long_stay: " "}\n')
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    assert caught.value.message == "bundle.yaml: `labels` gives a value empty words."


def test_outcomes_logged_after_launch_are_matched_under_the_names_shown(tmp_path):
    from core.bundles.bundle import named_labels
    from core.bundles.contract.spec import BundleSpec

    spec = BundleSpec("b", tmp_path, "T", "multiclass", "y", None, tmp_path / "e.csv", labels={"long_stay": "Staying"})
    logged = pd.Series(["new_customer", None, "long_stay", "loyal"], dtype=object)
    named = named_labels(logged, spec)
    assert named.isna().tolist() == [False, True, False, False]  # an outcome not in yet stays missing
    assert named.dropna().tolist() == ["New customer", "Staying", "loyal"]
    plain = pd.Series(["a", "b"])
    assert named_labels(plain, spec) is plain  # nothing to name: the same column, not a copy
