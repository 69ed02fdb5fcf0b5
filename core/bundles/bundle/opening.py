"""`load_bundle`: a bundle folder opened, every file verified and every row checked, or one plain sentence."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from core.bundles.bundle.checks import (
    _check_labels,
    check_eval,
    declared_width,
    missing_values_notice,
    own_names,
)
from core.bundles.bundle.files import load_eval, load_model
from core.bundles.bundle.folders import MANIFEST, Bundle, file_sha256, read_spec
from core.bundles.bundle.scores_only import _named, check_predictions, predictions_digest
from core.bundles.contract import BundleSpec, default_tolerance, tolerance_notice


def load_bundle(folder: Path) -> Bundle:
    """Open a bundle folder, or raise BundleError saying what is wrong and what to do."""
    spec = read_spec(Path(folder))
    if spec.predictions_only:
        frame, eval_sha, rows = load_eval(spec)
        features, classes, positive = check_predictions(spec, frame)
        model, model_sha, decides_only, model_classes = None, predictions_digest(spec), False, classes
    else:
        model, model_sha = load_model(spec)
        frame, eval_sha, rows = load_eval(spec, _used_columns(model, spec))
        features, model_classes, positive = check_eval(spec, model, frame)
        decides_only = spec.task != "regression" and not hasattr(model, "predict_proba")
        classes = model_classes
    notices = _check_labels(spec, frame, model_classes) if model_classes is not None else []
    if not spec.predictions_only and (gaps := missing_values_notice(frame, features, spec.subjects)) is not None:
        notices.insert(0, gaps)
    if classes is not None:  # under the names people read
        classes, positive, frame = _named(spec, classes, positive, frame)
    # what the model turned out to be: sentences read the positive class and the kind of scores from the spec
    if spec.task == "regression" and spec.tolerance.default:
        chosen = default_tolerance(frame[spec.target])
        if chosen != spec.tolerance:  # the truth reaches zero: the default moves into the target's units
            notices_before = [
                tolerance_notice(chosen) if n == tolerance_notice(spec.tolerance) else n for n in spec.notices
            ]
            spec = dataclasses.replace(spec, tolerance=chosen, notices=tuple(notices_before))
    spec = dataclasses.replace(
        spec,
        decides_only=decides_only,
        positive_class=positive if spec.task == "binary" else spec.positive_class,
        notices=(*spec.notices, *notices),
    )
    _lean(frame, [spec.target, *spec.segments, *spec.groups], set(features))
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # what the checks' Arrow work kept for reuse
    return Bundle(
        spec=spec,
        model=model,
        eval=frame.reset_index(drop=True),
        features=features,
        classes=classes,
        positive_class=positive,
        model_sha256=model_sha,
        eval_sha256=eval_sha,
        decides_only=decides_only,
        model_classes=model_classes,
        manifest_sha256=file_sha256(spec.folder / MANIFEST),
        shared_rows=rows,
    )


def _used_columns(model: Any, spec: BundleSpec) -> list[str] | None:
    """The columns of the evaluation file a bundle uses, when the model or the manifest names its
    features (else every column: the features are then the columns left over)."""
    named = own_names(model)
    if named is None and declared_width(model) is not None and not spec.model_features:
        return None  # a model that takes unnamed columns: every column is read, to say which it may be
    features = named if named is not None else list(spec.model_features or spec.features or [])
    if not features:
        return None
    return [
        *features,
        spec.target,
        *spec.segments,
        *spec.groups,
        *([spec.id_column] if spec.id_column else []),
        "in_scope",
    ]


def _lean(frame: pd.DataFrame, columns: list[str], features: set[str]) -> None:
    """Text columns the model never reads (the label, segments) held as categories when they repeat
    a few values: a code a row instead of the text (at a million rows, megabytes a column)."""
    for column in dict.fromkeys(columns):
        series = frame[column]
        if column in features or not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype) or series.nunique(dropna=True) > max(len(series) // 100, 1):
            continue
        frame[column] = series.astype("category")
