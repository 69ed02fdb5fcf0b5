"""The supported-model matrix: each kind a team brings publishes, opens, and gets scikit-learn's
numbers at the bundle's setting; where the model can be explained, contributions add up."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from tests.model_kinds import KINDS

DECIDES_ONLY = {"svc-no-probabilities", "linear-svc", "sgd-hinge", "ridge-classifier-codes", "voting-hard"}
PREDICTIONS_ONLY = {"predictions-binary", "predictions-multiclass", "predictions-regression"}


def _expected_answers(bundle) -> np.ndarray:
    """What the model says for each row, computed straight from the model or the score columns."""
    spec, frame = bundle.spec, bundle.eval
    if spec.predictions_only:
        if spec.task == "regression":
            return frame[spec.prediction_column].to_numpy()
        if spec.task == "binary":
            return np.where(frame[spec.prediction_column] >= 0.5, bundle.positive_class, bundle.classes[0])
        columns = [c for _, c in spec.prediction_columns]
        return np.array([k for k, _ in spec.prediction_columns], dtype=object)[frame[columns].to_numpy().argmax(axis=1)]
    answers = bundle.model.predict(bundle.X)
    if spec.task == "regression":
        return answers
    return np.array([spec.class_name(a) for a in answers], dtype=object)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_gets_scikit_learns_numbers(kinds_root, kind, tmp_path):
    root, bundles = kinds_root
    bundle = load_bundle(root / kind)  # opened afresh, as the app opens it
    assert bundle.decides_only == (kind in DECIDES_ONLY)
    assert bundle.spec.predictions_only == (kind in PREDICTIONS_ONLY)
    assert bundle.explainable == (kind not in DECIDES_ONLY | PREDICTIONS_ONLY)
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path))
    kpis = metrics.kpis(data, bundle.spec.operating_point)
    answers = _expected_answers(bundle)
    if bundle.spec.task == "regression":
        expected = np.mean(np.abs(answers - bundle.y.to_numpy()) <= 1.0)
    else:
        expected = accuracy_score(bundle.y.astype(str), answers.astype(str))
    assert kpis.coverage == 1.0
    assert kpis.accuracy_acted == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in DECIDES_ONLY | PREDICTIONS_ONLY])
def test_contributions_add_up_to_the_prediction_shown(kinds_root, kind):
    root, bundles = kinds_root
    bundle = bundles[kind]
    result = explain.explain_bundle(bundle, size=40)
    assert result.additivity_error() < 1e-6
    if kind.startswith(("hgb", "lightgbm", "xgboost", "catboost", "bagged", "voting")):
        assert result.method == "tree"  # exact, from the trees (categories and all, member by member)
    if kind in ("transformed-target", "poisson", "tweedie"):
        assert result.method == "linear" and result.scale  # exact on the model's own scale, which it names


def test_integer_codes_are_read_by_their_names(kinds_root):
    _, bundles = kinds_root
    bundle = bundles["ridge-classifier-codes"]
    assert bundle.classes == ("billing", "shipping", "returns", "account")
    assert set(bundle.y.unique()) <= set(bundle.classes)
    assert bundle.model_classes == (0, 1, 2, 3)


def test_a_bare_estimator_takes_only_the_columns_it_was_fitted_on(kinds_root):
    _, bundles = kinds_root
    bundle = bundles["bare-array"]
    assert bundle.features == ["tenure", "monthly", "tickets"]
    import pyarrow.parquet as pq

    assert "signup_date" in pq.read_schema(bundle.spec.eval_path).names
    assert "signup_date" not in bundle.eval.columns  # a column the bundle never uses is not read


def test_calibration_holds_out_rows_and_says_so(kinds_root):
    _, bundles = kinds_root
    bundle = bundles["svc-calibrated"]
    assert len(bundle.eval) == 280  # 30% of the 400 rows fitted the calibrator
    assert bundle.spec.calibration == (
        "SVC gives probabilities through a sigmoid calibrator that the publisher fitted on 120 of the "
        "evaluation rows (30%); every figure here comes from the other 280 rows."
    )
    assert not bundle.decides_only


def test_a_time_budget_cut_says_how_much_was_explained_and_survives_the_cache(kinds_root, tmp_path):
    _, bundles = kinds_root
    bundle = bundles["stacking"]  # explained by permutation: slow enough for a budget to bite
    result = explain.explain_bundle(bundle, time_budget=0.5)
    assert result.cut_short
    assert result.planned == len(bundle.eval) and 0 < len(result.rows) < result.planned
    assert result.additivity_error() < 1e-6
    explain.store(result, tmp_path / "e.npz", bundle.content_hash)
    back = explain.restore(tmp_path / "e.npz", bundle.content_hash, list(bundle.features), len(bundle.eval))
    assert (back.planned, back.budget, len(back.rows)) == (result.planned, 0.5, len(result.rows))
