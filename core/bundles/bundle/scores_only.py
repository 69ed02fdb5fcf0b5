"""Bundles that bring their scores instead of a model: the score columns checked and named."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from core.bundles.bundle.checks import _check_rows, model_features, other_columns
from core.bundles.contract import BundleError, BundleSpec


def predictions_digest(spec: BundleSpec) -> str:
    """Stands in for the model file's hash in a predictions-only bundle: which columns hold the scores."""
    named = spec.prediction_column or ",".join(f"{k}={v}" for k, v in spec.prediction_columns)
    return hashlib.sha256(f"predictions:{spec.task}:{named}".encode()).hexdigest()


def named_labels(labels: pd.Series, spec: BundleSpec) -> pd.Series:
    """Labels as the data writes them (true labels, outcomes logged after launch) under the names
    the bundle's classes carry (`spec.class_name`), each distinct label named once; missing ones
    stay missing, and a column with nothing to name is returned as it is."""
    distinct = pd.unique(labels.dropna())
    names = {label: spec.class_name(label) for label in distinct}
    if all(names[label] == label for label in distinct):
        return labels
    return labels.map(names)


def _named(spec: BundleSpec, classes: tuple, positive: Any, frame: pd.DataFrame):
    """Classes, positive class and true labels under the names people read (`spec.class_name`);
    the frame is changed in place, and only when a name differs from its label."""
    named = tuple(spec.class_name(c) for c in classes)
    if named == tuple(classes):
        return tuple(classes), positive, frame
    frame[spec.target] = named_labels(frame[spec.target], spec)
    positive = spec.class_name(positive) if positive is not None else None
    return named, positive, frame


def _score_columns(spec: BundleSpec) -> list[str]:
    return [spec.prediction_column] if spec.prediction_column else [c for _, c in spec.prediction_columns]


ROW_SUM_SLACK = 0.01  # how far a row of class chances may be from 1 (rounding)


def check_predictions(spec: BundleSpec, frame: pd.DataFrame) -> tuple[list[str], tuple | None, Any]:
    """Check a predictions-only bundle's evaluation rows: the target, and real scores in every row.

    Returns the feature columns (every column that is not the target, a score, the id, a segment or
    the in-scope mark, unless `features:` lists them), the classes and the positive class.
    """
    file_name = spec.eval_path.name
    _check_rows(spec, frame, file_name)
    scores = _score_columns(spec)
    absent = [c for c in scores if c not in frame.columns]
    if absent:
        raise BundleError(
            f"bundle.yaml names {', '.join(repr(c) for c in absent[:5])} as score "
            f"{'column' if len(absent) == 1 else 'columns'} under `predictions`, but {file_name} has no such "
            f"{'column' if len(absent) == 1 else 'columns'}.",
            "Add the model's scores to the evaluation file, or correct the names in bundle.yaml.",
            field="predictions",
        )
    for column in scores:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            raise BundleError(
                f"The score column '{column}' in {file_name} has no usable number in {int(bad.sum()):,} "
                f"{'row' if int(bad.sum()) == 1 else 'rows'} (the first is row {int(np.flatnonzero(bad)[0]) + 1:,}).",
                "Every evaluation row needs the model's score; fill them in or drop those rows.",
                field="predictions",
            )
        if spec.task != "regression" and ((values < 0) | (values > 1)).any():
            raise BundleError(
                f"The score column '{column}' in {file_name} holds values outside 0 to 1, so they are not chances.",
                "Give each row the model's probability (between 0 and 1), not a raw score or a percentage.",
                field="predictions",
            )
        frame[column] = values.astype(np.float64)
    keep = set(other_columns(frame, spec.target, spec.id_column, (*spec.segments, *spec.groups), also=scores))
    features = [c for c in model_features(None, spec, frame) if c in keep]
    labels = frame[spec.target]
    if spec.task == "regression":
        if not pd.api.types.is_numeric_dtype(labels):
            raise BundleError(
                f"The target column '{spec.target}' must hold numbers for a regression model.", field="target"
            )
        return features, None, None
    if spec.task == "multiclass":
        classes = tuple(k for k, _ in spec.prediction_columns)
        rows = frame[scores].sum(axis=1).to_numpy()
        off = np.abs(rows - 1) > ROW_SUM_SLACK + 1e-9  # chances rounded to two decimals pass
        if off.any():
            first = int(np.flatnonzero(off)[0])
            raise BundleError(
                f"The class scores in {file_name} do not add up to 1 in {int(off.sum()):,} "
                f"{'row' if int(off.sum()) == 1 else 'rows'} (the first is row {first + 1:,}, which adds up to "
                f"{rows[first]:.4g}).",
                "Give one chance per class for each row, adding up to 1: divide each row's scores by the row's "
                "sum (a difference of up to 0.01 is allowed for rounding).",
                field="predictions.columns",
            )
        return features, classes, None
    seen = sorted(pd.unique(labels.dropna()).tolist(), key=str)
    if spec.positive_class is None and len(seen) != 2:
        raise BundleError(
            f"The target column '{spec.target}' holds {len(seen)} different labels; a binary bundle needs two.",
            "Set task to multiclass, or set positive_class to the label that means the event happened.",
            field="target",
        )
    if spec.positive_class is None:
        positive = seen[-1]
    else:  # the scores say which class they are the chance of, even if no test row has it
        positive = next((v for v in seen if str(v) == str(spec.positive_class)), spec.positive_class)
    others = [v for v in seen if v != positive]
    classes = (others[0] if others else f"not {positive}", positive)
    return features, classes, positive
