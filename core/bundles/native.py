"""Models saved as a library's own object rather than a scikit-learn estimator, made to answer like one.

A `lightgbm.train` or `xgboost.train` Booster, or a CatBoost core model, predicts raw numbers and
knows no labels: its task and class count come from its objective, and its classes are the codes
0, 1, ... it was trained on (`classes:` in bundle.yaml names them). `NativeModel` gives it
`predict`, `predict_proba`, `classes_` and its column names, and keeps the Booster itself for exact
Tree SHAP (`.booster`).

Objects the app cannot score at all (a statsmodels result, a dict) are refused with a sentence that
names predictions-only publishing.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from core.bundles.contract import BundleError

PREDICTIONS_ONLY_HINT = (
    "Score the evaluation rows with it yourself and publish the scores instead: add the chance of the "
    "event (or the estimate) as a column and run python -m core.publish --predictions <column> "
    "--eval <file> --target <column> --task <task> --out <folder>."
)


LIBRARIES = {"lightgbm": "LightGBM", "xgboost": "XGBoost", "catboost": "CatBoost"}


class NativeModel:
    """A LightGBM, XGBoost or CatBoost core model with the scikit-learn methods the app calls:
    `predict`, and `classes_` for a classifier (`NativeClassifier` adds `predict_proba`)."""

    def __init__(self, booster: Any, library: str, objective: str, task: str, n_classes: int, names, width: int):
        self.booster, self.library, self.objective, self.task = booster, library, objective, task
        self.n_features_in_ = int(width)
        if names is not None:
            self.feature_names_in_ = np.asarray([str(n) for n in names], dtype=object)
        if task != "regression":
            self.classes_ = np.arange(n_classes)

    @property
    def kind_name(self) -> str:
        """'LightGBM Booster', 'XGBoost Booster', 'CatBoost CatBoost'."""
        return f"{LIBRARIES[self.library]} {type(self.booster).__name__}"

    def _raw(self, X: pd.DataFrame, margin: bool = False) -> np.ndarray:
        if self.library == "lightgbm":
            return np.asarray(self.booster.predict(X, raw_score=margin), dtype=float)
        if self.library == "xgboost":
            import xgboost

            data = xgboost.DMatrix(X, enable_categorical=True)
            return np.asarray(self.booster.predict(data, output_margin=margin), dtype=float)
        kind = "Probability" if self.task != "regression" and not margin else "RawFormulaVal"
        return np.asarray(self.booster.predict(X, prediction_type=kind), dtype=float)

    def _chances(self, X: pd.DataFrame) -> np.ndarray:
        if self.objective == "multi:softmax":  # XGBoost gives classes only: chances from its margins
            margin = self._raw(X, margin=True).reshape(len(X), -1)
            exp = np.exp(margin - margin.max(axis=1, keepdims=True))
            return exp / exp.sum(axis=1, keepdims=True)
        raw = self._raw(X)
        if self.task == "binary":
            positive = raw[:, -1] if raw.ndim == 2 else raw
            return np.column_stack([1 - positive, positive])
        return raw.reshape(len(X), -1)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return self._raw(X).reshape(-1)
        if self.objective == "binary:hinge":  # a decision, no chance
            return (self._raw(X, margin=True).reshape(-1) > 0).astype(int)
        return self.classes_[self._chances(X).argmax(axis=1)]


class NativeClassifier(NativeModel):
    """A native classifier that gives chances."""

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self._chances(X)


def _native(booster, library: str, objective: str, task: str, n_classes: int, names, width: int) -> NativeModel:
    chances = task != "regression" and objective != "binary:hinge"
    kind = NativeClassifier if chances else NativeModel
    return kind(booster, library, objective, task, n_classes, names, width)


def _lightgbm(booster) -> NativeModel:
    params = booster.params if booster.params.get("objective") else _lightgbm_header(booster)
    name = str(params.get("objective") or "regression").split()[0]
    n_classes = int(params.get("num_class") or 1)
    if name in ("binary", "cross_entropy", "xentropy"):
        task, n_classes = "binary", 2
    elif name in ("multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr"):
        task = "multiclass"
    elif name in ("lambdarank", "rank_xendcg", "xendcg"):
        raise BundleError(
            f"The LightGBM model ranks items (objective {name}); the app measures classifiers and estimates.",
            PREDICTIONS_ONLY_HINT,
            field="model.path",
        )
    else:
        task = "regression"
    names = booster.feature_name()
    unnamed = all(n == f"Column_{i}" for i, n in enumerate(names))
    return _native(booster, "lightgbm", name, task, n_classes, None if unnamed else names, booster.num_feature())


def _lightgbm_header(booster) -> dict[str, str]:
    """The `key=value` lines at the head of a Booster's model text (objective, num_class, ...), for
    a Booster whose params were not kept (one loaded from a file)."""
    header = {}
    for line in booster.model_to_string(num_iteration=0).splitlines()[:40]:
        key, sep, value = line.partition("=")
        if sep:
            header[key] = value
    return header


def _xgboost(booster) -> NativeModel:
    config = json.loads(booster.save_config())["learner"]
    name = config["objective"]["name"]
    n_classes = int(config["learner_model_param"].get("num_class") or 0)
    if name.startswith("binary:"):
        task, n_classes = "binary", 2
    elif name.startswith("multi:"):
        task = "multiclass"
    elif name.startswith("rank:"):
        raise BundleError(
            f"The XGBoost model ranks items (objective {name}); the app measures classifiers and estimates.",
            PREDICTIONS_ONLY_HINT,
            field="model.path",
        )
    else:
        task = "regression"
    return _native(booster, "xgboost", name, task, n_classes, booster.feature_names, booster.num_features())


def _catboost(model) -> NativeModel:
    loss = str(model.get_all_params().get("loss_function", "RMSE")).split(":")[0]
    if loss in ("Logloss", "CrossEntropy"):
        task, n_classes = "binary", 2
    elif loss in ("MultiClass", "MultiClassOneVsAll"):
        task, n_classes = "multiclass", len(model.get_all_params().get("class_names") or []) or 0
    else:
        task, n_classes = "regression", 0
    names = list(model.feature_names_ or [])
    return _native(model, "catboost", loss, task, n_classes, names or None, len(names))


def adapt(model: Any, file_name: str) -> Any:
    """The model as the app scores it: a library's native model wrapped, anything else as it is.

    Refuses objects that cannot score rows, naming predictions-only publishing."""
    module = type(model).__module__.split(".")[0]
    name = type(model).__name__
    if module == "lightgbm" and name == "Booster":
        return _lightgbm(model)
    if module == "xgboost" and name == "Booster":
        return _xgboost(model)
    if module == "catboost" and name == "CatBoost":
        return _catboost(model)
    if module == "statsmodels":
        raise BundleError(
            f"{file_name} holds a statsmodels {name}, which the app cannot score rows with directly.",
            PREDICTIONS_ONLY_HINT,
            field="model.path",
        )
    if not hasattr(model, "predict"):
        raise BundleError(
            f"{file_name} holds a {name}, not a fitted model the app can score rows with.",
            "Save the fitted estimator or Pipeline itself. " + PREDICTIONS_ONLY_HINT,
            field="model.path",
        )
    return model
