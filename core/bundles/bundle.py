"""Find, verify and open model bundles.

A bundle is a folder with `bundle.yaml`, a model file and an evaluation file. `load_bundle`
checks everything a person could get wrong and raises `BundleError` with a plain sentence;
nothing is unpickled before its sha256 has been checked.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.bundles.contract import MAX_MANIFEST_BYTES, PICKLE_FORMATS, BundleError, BundleSpec, describe, parse_manifest

MANIFEST = "bundle.yaml"
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
SMOKE_ROWS = 64
TRUSTED_TYPES_ENV = "MODELBRIEF_TRUSTED_TYPES"


def artifacts_root() -> Path:
    """The folder that holds the bundles: $MODELBRIEF_ARTIFACTS, else ./artifacts."""
    return Path(os.environ.get("MODELBRIEF_ARTIFACTS") or "artifacts").resolve()


def discover(root: Path | None = None) -> list[Path]:
    """Every bundle folder under root (a folder with a bundle.yaml), sorted by name."""
    root = root or artifacts_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir() and (p / MANIFEST).is_file())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(folder: Path) -> tuple:
    """A cheap stamp of a bundle folder's files (name, size, mtime) to key in-memory caches."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())


@dataclass
class Bundle:
    """An opened bundle: the spec, the fitted model and the checked evaluation rows."""

    spec: BundleSpec
    model: Any
    eval: pd.DataFrame
    features: list[str]
    classes: tuple | None
    positive_class: Any
    model_sha256: str
    eval_sha256: str
    decides_only: bool = False  # a classifier with a decision but no probabilities
    model_classes: tuple | None = None  # the classes as the model writes them (before `classes:` names)
    manifest_sha256: str = ""  # bundle.yaml as read: values, volume, positive class, tolerance, labels

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def explainable(self) -> bool:
        return self.model is not None and not self.decides_only

    @property
    def model_name(self) -> str:
        """The kind of model, as its class is called (the last step of a Pipeline)."""
        return type(final_estimator(self.model)).__name__ if self.model is not None else "scores only"

    @property
    def unexplainable_reason(self) -> str:
        """Why this bundle's predictions cannot be explained, and what would change that."""
        return self.unavailable("explanations")

    def unavailable(self, page: str) -> str:
        """Why the Explanations ('explanations') or What-if ('whatif') page cannot work for this bundle."""
        if self.model is None:
            lost = (
                "the reasons behind its predictions cannot be worked out"
                if page == "explanations"
                else ("a changed case cannot be scored")
            )
            return (
                f"This bundle holds the model's scores but not the model, so {lost}. Publish the fitted model "
                f"in the bundle (a model section in bundle.yaml instead of predictions) to "
                f"{'see them' if page == 'explanations' else 'try changes'}."
            )
        if self.decides_only:
            lost = "no chance to explain" if page == "explanations" else "no chance to follow as a case changes"
            return (
                f"This {self.model_name} gives a decision but no probabilities, so there is {lost}. "
                f"Publish it with --calibrate, which fits it probabilities, to "
                f"{'see the reasons' if page == 'explanations' else 'try changes'}."
            )
        return ""

    @property
    def content_hash(self) -> str:
        """Identifies what predictions depend on: the model and the evaluation rows."""
        return content_hash_of(self.model_sha256, self.eval_sha256)

    @property
    def figures_key(self) -> str:
        """Identifies what the figures depend on: the model, the evaluation rows and bundle.yaml
        (business values, volume, positive class, tolerance, names), so an edited manifest shows
        its new figures and two bundles on the same files never share figures."""
        return figures_key_of(self.model_sha256, self.eval_sha256, self.manifest_sha256)

    @property
    def X(self) -> pd.DataFrame:
        return self.eval[self.features]

    @property
    def y(self) -> pd.Series:
        return self.eval[self.spec.target]


def content_hash_of(model_sha256: str, eval_sha256: str) -> str:
    return hashlib.sha256(f"{model_sha256}:{eval_sha256}".encode()).hexdigest()[:24]


def figures_key_of(model_sha256: str, eval_sha256: str, manifest_sha256: str) -> str:
    content = content_hash_of(model_sha256, eval_sha256)
    return hashlib.sha256(f"{content}:{manifest_sha256}".encode()).hexdigest()[:24]


def read_spec(folder: Path) -> BundleSpec:
    """Read and validate bundle.yaml, and check that the files it names are there."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if manifest.is_symlink():
        raise BundleError(
            "bundle.yaml is a link to another file, so it was not read.",
            "Put the manifest itself in the bundle folder.",
            field="bundle.yaml",
        )
    if not manifest.is_file():
        raise BundleError(
            f"The folder '{folder.name}' has no bundle.yaml.", "Publish the bundle with `python -m core.publish`."
        )
    if manifest.stat().st_size > MAX_MANIFEST_BYTES:
        raise BundleError(
            f"bundle.yaml is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB, so it was not read.",
            "A manifest is a few kilobytes: keep long documents out of it.",
            field="bundle.yaml",
        )
    spec = parse_manifest(manifest.read_text(encoding="utf-8", errors="replace"), folder)
    for path, key in ((spec.model_path, "model.path"), (spec.eval_path, "eval.path")):
        if path is None:  # a predictions-only bundle has no model file
            continue
        if not path.is_file():
            raise BundleError(
                f"The file {path.name} named in bundle.yaml ({key}) is missing from the bundle folder.",
                "Copy the file into the bundle folder, or correct the name in bundle.yaml.",
                field=key,
            )
        with open(path, "rb") as handle:
            head = handle.read(len(LFS_POINTER))
        if head == LFS_POINTER:
            raise BundleError(
                f"{path.name} is a Git LFS pointer, not the file itself.",
                "Run `git lfs pull` in the repository that holds the bundle, then reload.",
                field=key,
            )
    return spec


def _verify(path: Path, expected: str | None, key: str) -> str:
    actual = file_sha256(path)
    if expected is not None and actual != expected:
        raise BundleError(
            f"{path.name} does not match the sha256 in bundle.yaml, so it was not opened.",
            "The file changed after the bundle was published: publish it again, "
            f"or update {key} if you trust this file.",
            detail=f"bundle.yaml says {expected}\nthe file is   {actual}",
            field=key,
        )
    return actual


def trusted_types() -> frozenset[str]:
    """Type names the deployment trusts in .skops files beyond skops' own list.

    Read from the file named by $MODELBRIEF_TRUSTED_TYPES (one name a line, # for comments). The
    file must live outside the artifacts folder: whoever can publish a bundle must not be able to
    widen what the app trusts.
    """
    setting = os.environ.get(TRUSTED_TYPES_ENV)
    if not setting:
        return frozenset()
    path = Path(setting).resolve()
    if path.is_relative_to(artifacts_root()):
        raise BundleError(
            "The list of trusted model types is inside the artifacts folder, where anyone who publishes a "
            "bundle could change it, so it is not used.",
            f"Move the file named by {TRUSTED_TYPES_ENV} outside the artifacts folder.",
            field="model.path",
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BundleError(
            "The list of trusted model types could not be read.",
            f"Check the file named by {TRUSTED_TYPES_ENV}.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    return frozenset(n for n in (line.split("#", 1)[0].strip() for line in lines) if n)


def _load_skops(path: Path, verified: bool) -> Any:
    """Open a .skops file: skops' own trusted types always; any other type only when allowed.

    A type outside skops' list is allowed when the deployment's list names it, or when the
    manifest carries the file's sha256 (checked before this is called): publishing the hash is
    the team vouching for the file, exactly as for a pickle.
    """
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise BundleError(
            f"{path.name} could not be read: the file is truncated or damaged.",
            "Publish the bundle again from the original model.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    if verified:
        return sio.load(path, trusted=untrusted)
    foreign = sorted(set(untrusted) - trusted_types()) if untrusted else []
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise BundleError(
            f"{path.name} holds types that are not on the trusted list ({shown}), so it was not opened.",
            "If your team vouches for the file, publish it with its sha256 in bundle.yaml (model.sha256); "
            f"a deployment can also trust a type by naming it in the file given by {TRUSTED_TYPES_ENV}.",
            field="model.sha256",
        )
    return sio.load(path, trusted=list(untrusted) or None)


def load_model(spec: BundleSpec) -> tuple[Any, str]:
    """Verify the model file's hash, then open it. Returns the model and its sha256."""
    path = spec.model_path
    digest = _verify(path, spec.model_sha256, "model.sha256")
    try:
        if path.suffix.lower() in PICKLE_FORMATS:
            import joblib

            model = joblib.load(path)
        else:
            model = _load_skops(path, verified=spec.model_sha256 is not None)
    except BundleError:
        raise
    except ModuleNotFoundError as exc:
        raise BundleError(
            f"{path.name} needs the Python package '{exc.name}', which is not installed here.",
            f"Install it (pip install {exc.name}) and reload.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    except (EOFError, pickle.UnpicklingError, ValueError, IndexError, KeyError, OSError) as exc:
        raise BundleError(
            f"{path.name} could not be read: the file is truncated or damaged.",
            "Publish the bundle again from the original model.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    except Exception as exc:  # unpickling can raise almost anything
        raise BundleError(
            f"{path.name} could not be opened with the libraries installed here.",
            "It may have been saved with another version of scikit-learn; publish it again here.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    return model, digest


def read_rows(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """An evaluation file as a frame: parquet, else csv. `columns`: only these (parquet), those
    the file does not hold left out (the checks then say what is missing).

    Parquet is converted column by column, each freed as it is converted (`self_destruct`), and
    the memory Arrow kept for reuse is handed back: at a million rows that is about 90 MB less
    held, and less at the peak."""
    if path.suffix.lower() != ".parquet":
        return pd.read_csv(path)
    import pyarrow as pa
    import pyarrow.parquet as pq

    if columns is not None:
        held = pq.read_schema(path).names
        columns = [c for c in held if c in set(columns)]  # in the file's order
    table = pq.read_table(path, columns=columns)
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    pa.default_memory_pool().release_unused()
    return frame


def load_eval(spec: BundleSpec, columns: list[str] | None = None) -> tuple[pd.DataFrame, str]:
    """Verify and read the evaluation file (only `columns` when given). Returns the frame and its sha256."""
    path = spec.eval_path
    digest = _verify(path, spec.eval_sha256, "eval.sha256")
    try:
        frame = read_rows(path, columns)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except Exception as exc:
        raise BundleError(
            f"{path.name} could not be read as a {path.suffix[1:]} file.",
            "Check that the file is complete and in the format its name says.",
            detail=describe(exc, path.name),
            field="eval.path",
        ) from None
    if len(frame) == 0:
        raise BundleError(
            f"The evaluation file {path.name} has no rows.",
            "Export the held-out evaluation rows again; the app needs them to measure the model.",
            field="eval.path",
        )
    return frame, digest


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


def final_estimator(model: Any) -> Any:
    """The last step of a Pipeline, else the model itself."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def _align_categories(model: Any, frame: pd.DataFrame, features: list[str]) -> None:
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

    _align_categories(model, frame, features)
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


def load_bundle(folder: Path) -> Bundle:
    """Open a bundle folder, or raise BundleError saying what is wrong and what to do."""
    spec = read_spec(Path(folder))
    if spec.predictions_only:
        frame, eval_sha = load_eval(spec)
        features, classes, positive = check_predictions(spec, frame)
        model, model_sha, decides_only, model_classes = None, predictions_digest(spec), False, classes
    else:
        model, model_sha = load_model(spec)
        frame, eval_sha = load_eval(spec, _used_columns(model, spec))
        features, model_classes, positive = check_eval(spec, model, frame)
        decides_only = spec.task != "regression" and not hasattr(model, "predict_proba")
        classes = model_classes
    notices = _check_labels(spec, frame, model_classes) if model_classes is not None else []
    if classes is not None and spec.class_names:
        classes, positive, frame = _named(spec, classes, positive, frame)
    # what the model turned out to be: sentences read the positive class and the kind of scores from the spec
    spec = dataclasses.replace(
        spec,
        decides_only=decides_only,
        positive_class=positive if spec.task == "binary" else spec.positive_class,
        notices=(*spec.notices, *notices),
    )
    _lean(frame, [spec.target, *spec.segments], set(features))
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
    )


def _used_columns(model: Any, spec: BundleSpec) -> list[str] | None:
    """The columns of the evaluation file a bundle uses, when the model or the manifest names its
    features (else every column: the features are then the columns left over)."""
    named = getattr(model, "feature_names_in_", None)
    if named is None and type(final_estimator(model)).__module__.split(".")[0] == "catboost":
        named = getattr(final_estimator(model), "feature_names_", None) or None
    features = [str(n) for n in named] if named is not None else list(spec.model_features or spec.features or [])
    if not features:
        return None
    return [*features, spec.target, *spec.segments, *([spec.id_column] if spec.id_column else []), "in_scope"]


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


def predictions_digest(spec: BundleSpec) -> str:
    """Stands in for the model file's hash in a predictions-only bundle: which columns hold the scores."""
    named = spec.prediction_column or ",".join(f"{k}={v}" for k, v in spec.prediction_columns)
    return hashlib.sha256(f"predictions:{spec.task}:{named}".encode()).hexdigest()


def _named(spec: BundleSpec, classes: tuple, positive: Any, frame: pd.DataFrame):
    """Classes, positive class and true labels under the names `classes:` gives them."""
    named = tuple(spec.class_name(c) for c in classes)
    frame = frame.copy()
    frame[spec.target] = frame[spec.target].map(spec.class_name)
    positive = spec.class_name(positive) if positive is not None else None
    return named, positive, frame


def _score_columns(spec: BundleSpec) -> list[str]:
    return [spec.prediction_column] if spec.prediction_column else [c for _, c in spec.prediction_columns]


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
    keep = set(other_columns(frame, spec.target, spec.id_column, spec.segments, also=scores))
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
        off = np.abs(rows - 1) > 0.01
        if off.any():
            raise BundleError(
                f"The class scores in {file_name} do not add up to 1 in {int(off.sum()):,} "
                f"{'row' if int(off.sum()) == 1 else 'rows'} (the first is row {int(np.flatnonzero(off)[0]) + 1:,}).",
                "Give one probability per class, so that each row's add up to 1.",
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
