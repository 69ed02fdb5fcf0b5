"""The evaluation rows checked against the model: its columns, numbers, labels and positive class."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.bundles.bundle.folders import SMOKE_ROWS, final_estimator
from core.bundles.contract import BundleError, BundleSpec, describe
from core.bundles.native import NativeModel


def own_names(model: Any) -> list[str] | None:
    """The columns a model names itself (scikit-learn's feature_names_in_, CatBoost's
    feature_names_), or None for a model fitted on an array."""
    names = getattr(model, "feature_names_in_", None)
    if names is None and type(final_estimator(model)).__module__.split(".")[0] == "catboost":
        names = getattr(final_estimator(model), "feature_names_", None) or None  # CatBoost's own spelling
    return None if names is None else [str(n) for n in names]


def declared_width(model: Any) -> int | None:
    """How many columns the model takes, when it says (scikit-learn's n_features_in_)."""
    width = getattr(model, "n_features_in_", None)
    return int(width) if isinstance(width, (int, np.integer)) else None


def _listed(columns) -> str:
    columns = [str(c) for c in columns]
    return ", ".join(columns[:6]) + (f" and {len(columns) - 6} more" if len(columns) > 6 else "")


def model_features(model: Any, spec: BundleSpec, frame: pd.DataFrame) -> list[str]:
    """The columns the model reads, in the order it reads them.

    As the model names them, else as `model.features` lists them. A model that takes columns by
    position but names none (fitted on an array) is refused without `model.features`: handed the
    evaluation file's columns in another order it would score the wrong numbers without an error.
    A model that says neither names nor a count (a team's own class) is handed every column that
    is not the target, the id, a segment or the in-scope mark, by name."""
    names = own_names(model) if model is not None else None
    if names is not None:
        if spec.model_features and list(spec.model_features) != names:
            raise BundleError(
                f"bundle.yaml: `model.features` does not match the columns the model was fitted on ({_listed(names)}).",
                "Remove model.features (the model names its own columns), or list exactly those.",
                field="model.features",
            )
        return names
    width = declared_width(model) if model is not None else None
    if spec.model_features:
        if width is not None and width != len(spec.model_features):
            raise BundleError(
                f"The model takes {width} {'column' if width == 1 else 'columns'}, but `model.features` in "
                f"bundle.yaml lists {len(spec.model_features)}.",
                f"List in model.features exactly the {width} columns the model was fitted on, in that order.",
                field="model.features",
            )
        return list(spec.model_features)
    others = other_columns(frame, spec.target, spec.id_column, (*spec.segments, *spec.groups))
    if width is not None and not (width == 1 and len(others) == 1):  # one column cannot be out of order
        raise BundleError(
            f"The model was fitted on {width} unnamed {'column' if width == 1 else 'columns'} and the evaluation "
            f"file has {len(others)} other {'column' if len(others) == 1 else 'columns'} ({_listed(others)}), "
            "so the app cannot tell which the model reads, or in what order.",
            "Name the columns the model takes, in order, with --features when publishing "
            "(or model.features in bundle.yaml).",
            field="model.features",
        )
    if spec.features:
        return list(spec.features)
    return others


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
    for key, columns in (
        ("segments", spec.segments),
        ("groups", spec.groups),
        ("id_column", [spec.id_column] if spec.id_column else []),
    ):
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
    estimator = model.booster if isinstance(model, NativeModel) else final_estimator(model)
    if type(estimator).__module__.split(".")[0] not in ("lightgbm", "xgboost"):
        return
    if estimator is not model and not isinstance(model, NativeModel):
        return  # a Pipeline's last step reads what the steps before it give, not these columns
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
    name = _kind_name(model)
    if spec.task == "regression":
        if classes is not None:
            raise BundleError(
                f"bundle.yaml says task: regression, but the model is a classifier with classes {_shown_labels(np.asarray(classes).tolist(), 5)}.",
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
        if classes is None and has_proba:  # gives chances but does not say of which classes
            raise BundleError(
                f"bundle.yaml says task: {spec.task}, and {name} gives chances but does not say which classes "
                "they are for (it has no classes_).",
                "Save the fitted classifier itself (its classes_ name the columns of its chances), or publish "
                "its scores as columns of the evaluation file with --predictions.",
                field="model.path",
            )
        if classes is None:
            raise BundleError(
                f"bundle.yaml says task: {spec.task}, but {name} estimates numbers and knows no classes.",
                "If it estimates a number, set task to regression. If it is a classifier, save the fitted "
                "classifier itself, or publish its scores as columns of the evaluation file with --predictions.",
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
    _check_missing(model, frame, features, file_name, has_proba)
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


def _gaps(frame: pd.DataFrame, features: list[str]) -> tuple[pd.Series, str | None]:
    """Which rows miss a feature value, and the column that misses most."""
    empty = frame[features].isna()
    per_column = empty.sum()
    return empty.any(axis=1), (str(per_column.idxmax()) if per_column.max() > 0 else None)


def _check_missing(model: Any, frame: pd.DataFrame, features: list[str], file_name: str, has_proba: bool) -> None:
    """Rows with a missing value, tried on the model itself: refused in one sentence when it cannot
    score them (rather than a complaint about types from deep inside it)."""
    rows, worst = _gaps(frame, features)
    if worst is None:
        return
    sample = frame.loc[rows, features].head(SMOKE_ROWS)
    try:
        model.predict_proba(sample) if has_proba else model.predict(sample)
    except Exception as exc:
        count = int(rows.sum())
        raise BundleError(
            f"{count:,} {'row' if count == 1 else 'rows'} of {file_name} {'has' if count == 1 else 'have'} a missing "
            f"value (most in '{worst}'), and the model cannot score a row with one.",
            "Fill them in or drop those rows before publishing, or publish a model that fills them in itself "
            "(a Pipeline with an imputer).",
            detail=describe(exc, file_name),
            field="eval.path",
        ) from None


def missing_values_notice(frame: pd.DataFrame, features: list[str], subjects: str) -> str | None:
    """One sentence for evaluation rows with a missing value that the model scores anyway."""
    rows, worst = _gaps(frame, features)
    if worst is None:
        return None
    count = int(rows.sum())
    return (
        f"{count:,} of the {len(frame):,} evaluation {subjects} ({count / len(frame):.0%}) "
        f"{'has' if count == 1 else 'have'} a missing value (most in '{worst}'); the model fills {'it' if count == 1 else 'them'} "
        "in itself, and every figure includes them."
    )


def _kind_name(model: Any) -> str:
    """The model's kind as a reader knows it: 'LightGBM Booster', 'Pipeline', 'RandomForestClassifier'."""
    return model.kind_name if isinstance(model, NativeModel) else type(model).__name__


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
