"""The evaluation rows checked against the model: its columns, numbers, labels and positive class."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.bundles.bundle.folders import SMOKE_ROWS, final_estimator
from core.bundles.contract import BundleError, BundleSpec, describe


def model_features(model: Any, spec: BundleSpec, frame: pd.DataFrame) -> list[str]:
    """The columns the model reads: as the model says (scikit-learn's feature_names_in_, CatBoost's
    feature_names_), else as
    `model.features` lists them, else the labelled features, else every column that is not the
    target, the id, a segment or the in-scope mark."""
    names = getattr(model, "feature_names_in_", None)
    if names is None and type(final_estimator(model)).__module__.split(".")[0] == "catboost":
        names = getattr(final_estimator(model), "feature_names_", None) or None  # CatBoost's own spelling
    if names is not None:
        names = [str(n) for n in names]
        if spec.model_features and list(spec.model_features) != names:
            raise BundleError(
                "bundle.yaml: `model.features` does not match the columns the model was fitted on "
                f"({', '.join(names[:6])}{' and more' if len(names) > 6 else ''}).",
                "Remove model.features (the model names its own columns), or list exactly those.",
                field="model.features",
            )
        return names
    if spec.model_features:
        return list(spec.model_features)
    if spec.features:
        return list(spec.features)
    return other_columns(frame, spec.target, spec.id_column, spec.segments)


def other_columns(frame: pd.DataFrame, target: str, id_column: str | None, segments, also=()) -> list[str]:
    """Every column that is not the target, the id, a segment, the in-scope mark (or `also`)."""
    reserved = {target, id_column, "in_scope", *segments, *also}
    return [c for c in frame.columns if c not in reserved]


SCREEN_ROWS = 2_000  # a column is screened on this many rows before every row is read as numbers


def _check_numeric_text(frame: pd.DataFrame, columns: list[str], file_name: str) -> None:
    """Refuse a column of numbers with some rows of text in it (a typo, 'n/a'), naming examples."""
    for column in columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        present = series.dropna()
        if present.empty:
            continue
        if len(present) > SCREEN_ROWS:  # mostly words in a fixed sample: text, as a column of numbers never is
            sample = present.sample(SCREEN_ROWS, random_state=0)
            if pd.to_numeric(sample, errors="coerce").notna().mean() < 0.4:
                continue
        counts = present.value_counts(sort=False)  # each distinct value parsed once, weighed by its rows
        parsed = pd.to_numeric(pd.Series(counts.index, dtype=object), errors="coerce").to_numpy()
        failed = np.isnan(parsed.astype(float))
        bad_rows = int(counts.to_numpy()[failed].sum())
        if 0 < bad_rows and 1 - bad_rows / len(present) >= 0.5:
            bad = counts.index[failed]
            examples = ", ".join(f"'{v}'" for v in pd.unique(bad.astype(str))[:3])
            raise BundleError(
                f"Column '{column}' in {file_name} should hold numbers, "
                f"but {bad_rows:,} {'row holds' if bad_rows == 1 else 'rows hold'} text such as {examples}.",
                "Replace those values with numbers, or leave them empty if they are unknown.",
                field=column,
            )


def _check_finite(frame: pd.DataFrame, columns: list[str], file_name: str) -> None:
    """Every row, not a sample: one infinite value breaks every figure computed from the rows."""
    for column in columns:
        series = frame[column]
        if not pd.api.types.is_float_dtype(series):
            continue
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        infinite = np.isinf(values)
        if infinite.any():
            count = int(infinite.sum())
            first = int(np.flatnonzero(infinite)[0]) + 1
            raise BundleError(
                f"Column '{column}' in {file_name} holds an infinite value in {count:,} "
                f"{'row' if count == 1 else 'rows'} (the first is row {first:,}).",
                "Replace those values with real numbers, or leave them empty if they are unknown.",
                field=column,
            )


def _resolve_positive(spec: BundleSpec, classes: tuple, labels: pd.Series) -> Any:
    if spec.positive_class is None:
        return classes[1]
    for candidate in classes:
        if candidate == spec.positive_class or str(candidate) == str(spec.positive_class):
            return candidate
    for candidate in classes:  # the name `classes:` gives it, when no label is spelled that way
        if str(spec.class_name(candidate)) == str(spec.positive_class):
            return candidate
    seen = ", ".join(f"'{c}'" for c in sorted({str(v) for v in pd.unique(labels.dropna())})[:6])
    raise BundleError(
        f"bundle.yaml: positive_class '{spec.positive_class}' is not one of the labels in the evaluation file ({seen}).",
        "Set positive_class to the label that means the event happened, spelled as in the file.",
        field="positive_class",
    )


def _check_rows(spec: BundleSpec, frame: pd.DataFrame, file_name: str) -> None:
    """What every bundle's evaluation rows need, whatever scores them."""
    duplicated = pd.unique(frame.columns[frame.columns.duplicated()].astype(str))
    if len(duplicated):
        raise BundleError(
            f"The evaluation file {file_name} has more than one column named "
            f"{', '.join(repr(c) for c in duplicated[:5])}.",
            "Give every column its own name, so the app knows which one the model reads.",
            field="eval.path",
        )
    if spec.target not in frame.columns:
        raise BundleError(
            f"The evaluation file {file_name} has no column '{spec.target}', which bundle.yaml names as the target.",
            "Add the true outcome as a column, or set `target` to the column that holds it.",
            field="target",
        )
    for key, columns in (("segments", spec.segments), ("id_column", [spec.id_column] if spec.id_column else [])):
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise BundleError(
                f"bundle.yaml: {key} names {', '.join(absent)}, which {'is' if len(absent) == 1 else 'are'} "
                f"not a column of {file_name}.",
                f"Remove it from {key} or add the column to the evaluation file.",
                field=key,
            )
    if "in_scope" in frame.columns and not pd.api.types.is_bool_dtype(frame["in_scope"]):
        raise BundleError(
            f"Column 'in_scope' in {file_name} must hold only true or false.",
            "Mark each row true if the model was built for it, false if not.",
            field="in_scope",
        )
    labels = frame[spec.target]
    if labels.isna().any():
        raise BundleError(
            f"The target column '{spec.target}' is empty in {int(labels.isna().sum()):,} rows of {file_name}.",
            "Remove those rows or fill in their true outcome.",
            field="target",
        )
    if spec.task == "regression":
        _check_finite(frame, [spec.target], file_name)


def align_categories(model: Any, frame: pd.DataFrame, features: list[str]) -> None:
    """Text columns as pandas categories for LightGBM and XGBoost, which read categories only from
    that type (a CSV file loses it); each model maps the categories back to its own codes."""
    estimator = final_estimator(model)
    if type(estimator).__module__.split(".")[0] not in ("lightgbm", "xgboost") or estimator is not model:
        return
    for column in features:
        series = frame[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            if not isinstance(series.dtype, pd.CategoricalDtype):
                frame[column] = series.astype("category")


def check_eval(spec: BundleSpec, model: Any, frame: pd.DataFrame) -> tuple[list[str], tuple | None, Any]:
    """Check the evaluation rows against the manifest and the model.

    Returns the feature columns, the model's classes (None for regression) and the positive class.
    """
    file_name = spec.eval_path.name
    _check_rows(spec, frame, file_name)
    features = model_features(model, spec, frame)
    missing = [c for c in features if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (" and more" if len(missing) > 8 else "")
        raise BundleError(
            f"The evaluation file {file_name} lacks {len(missing)} "
            f"{'column' if len(missing) == 1 else 'columns'} the model needs: {shown}.",
            "Export the evaluation rows with every column the model was trained on.",
            field="eval.path",
        )
    _check_numeric_text(frame, features, file_name)
    _check_finite(frame, features, file_name)
    labels = frame[spec.target]

    has_proba = hasattr(model, "predict_proba")
    if not hasattr(model, "predict"):
        raise BundleError(
            f"{spec.model_path.name} holds a {type(model).__name__}, which has no predict method.",
            "Save the fitted estimator or Pipeline itself.",
            field="model.path",
        )
    classes = getattr(model, "classes_", None)
    if spec.task == "regression":
        if classes is not None:
            raise BundleError(
                f"bundle.yaml says task: regression, but the model is a classifier with classes {list(classes)[:5]}.",
                "Set task to binary or multiclass.",
                field="task",
            )
        if not pd.api.types.is_numeric_dtype(labels):
            raise BundleError(
                f"The target column '{spec.target}' must hold numbers for a regression model.",
                field="target",
            )
        positive = None
    else:
        if classes is None:
            raise BundleError(
                f"bundle.yaml says task: {spec.task}, but {type(model).__name__} is not a classifier "
                "(it has no classes).",
                "Set task to regression, or save the fitted classifier.",
                field="task",
            )
        classes = tuple(classes.tolist())
        if spec.task == "binary" and len(classes) != 2:
            raise BundleError(
                f"bundle.yaml says task: binary, but the model knows {len(classes)} classes.",
                "Set task to multiclass.",
                field="task",
            )
        positive = _resolve_positive(spec, classes, labels) if spec.task == "binary" else None

    align_categories(model, frame, features)
    try:
        model.predict_proba(frame[features].head(SMOKE_ROWS)) if has_proba else model.predict(
            frame[features].head(SMOKE_ROWS)
        )
    except Exception as exc:
        raise BundleError(
            f"The model could not score the rows of {file_name}.",
            "Check that the evaluation columns have the same types as the training data.",
            detail=describe(exc, file_name),
            field="eval.path",
        ) from None
    return features, classes, positive


def _shown_labels(values, limit: int = 6) -> str:
    values = [str(v) for v in values]
    return ", ".join(values[:limit]) + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _check_labels(spec: BundleSpec, frame: pd.DataFrame, classes: tuple) -> list[str]:
    """Refuse true labels that share nothing with the model's classes; say so when some do not."""
    labels = frame[spec.target]
    known = class_index(labels, classes) >= 0
    found = sorted(pd.unique(labels.astype(str)), key=str)
    if not known.any():
        raise BundleError(
            f"The labels in the target column '{spec.target}' ({_shown_labels(found)}) share nothing with the "
            f"model's classes ({_shown_labels(classes)}).",
            "Write the true outcomes the way the model names its classes (or name codes with `classes:`).",
            field="target",
        )
    unknown = int((~known).sum())
    if spec.task == "binary" and unknown:
        strays = sorted(pd.unique(labels[~known].astype(str)), key=str)
        return [
            f"{unknown:,} evaluation {'row has a label' if unknown == 1 else 'rows have labels'} the model does not "
            f"know ({_shown_labels(strays)}); {'it counts' if unknown == 1 else 'they count'} as "
            f"{spec.subjects} the model was not built for."
        ]
    return []


def class_index(labels: pd.Series | np.ndarray, classes: tuple) -> np.ndarray:
    """Position of each label in `classes`, -1 for labels the model cannot predict."""
    lookup = {c: i for i, c in enumerate(classes)}
    lookup.update({str(c): i for i, c in enumerate(classes)})
    codes, distinct = pd.factorize(pd.Series(labels))  # each distinct label looked up once
    found = pd.Series(distinct).map(lookup)
    missing = found.isna()
    if missing.any():
        found[missing] = pd.Series(distinct)[missing].astype(str).map(lookup)
    positions = np.append(found.fillna(-1).to_numpy(dtype=np.int64), -1)  # code -1 (missing label): -1
    return positions[codes]
