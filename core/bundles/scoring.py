"""Predictions for a bundle's evaluation rows, computed once and kept on disk.

Scores are keyed by the bundle's content hash (model + evaluation file), so a second session, a
restart or a rerun reads them back instead of asking the model again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.bundles.bundle import Bundle, artifacts_root, class_index
from core.bundles.contract import BundleError, describe
from core.bundles.stored import read_arrays, write_arrays

CHUNK_ROWS = 200_000

# How many times scores were computed by the model (not read back); tests and the bench read it.
compute_count = 0


@dataclass(frozen=True)
class Scores:
    """What the model says about every evaluation row.

    Classifiers: `proba` (rows x classes, in `classes` order). Regression: `predicted` values.
    """

    task: str
    proba: np.ndarray | None = None
    predicted: np.ndarray | None = None

    @property
    def pred_index(self) -> np.ndarray:
        return self.proba.argmax(axis=1)

    @property
    def confidence(self) -> np.ndarray:
        return self.proba.max(axis=1)


def cache_dir() -> Path:
    """$MODELBRIEF_CACHE, else a .cache folder beside the bundles (never mistaken for one)."""
    return Path(os.environ.get("MODELBRIEF_CACHE") or artifacts_root() / ".cache")


def compute_scores(bundle: Bundle) -> Scores:
    """Ask the model about every evaluation row, in chunks to bound memory.

    A predictions-only bundle's scores are read from its columns. A classifier with a decision but
    no probabilities gets a certain (0 or 1) chance for the class it decides, so every figure
    describes the model acting on its own decision for every case.
    """
    global compute_count
    compute_count += 1
    X = bundle.X
    if bundle.model is None:
        return _read_scores(bundle)
    if bundle.decides_only:
        decided = class_index(pd.Series(_in_chunks(bundle.model.predict, X)), bundle.model_classes)
        if (decided < 0).any():
            raise BundleError(
                "The model decided on a class it does not list among its classes.",
                "Publish the fitted classifier again.",
                field="model.path",
            )
        proba = np.zeros((len(X), len(bundle.model_classes)))
        proba[np.arange(len(X)), decided] = 1.0
        return Scores(task=bundle.spec.task, proba=proba)
    if bundle.spec.task == "regression":
        return Scores(task="regression", predicted=_in_chunks(bundle.model.predict, X).astype(np.float64))
    return Scores(task=bundle.spec.task, proba=_in_chunks(bundle.model.predict_proba, X).astype(np.float64))


def _in_chunks(method, X) -> np.ndarray:
    """`method` over every row of X, CHUNK_ROWS at a time to bound memory (on a Dask cluster's
    workers when the publisher runs inside `cluster.connected`)."""
    from core.bundles import cluster

    return np.concatenate(cluster.run_all(method, [X.iloc[i : i + CHUNK_ROWS] for i in range(0, len(X), CHUNK_ROWS)]))


def _read_scores(bundle: Bundle) -> Scores:
    """A predictions-only bundle's scores, from the columns its manifest names."""
    spec, frame = bundle.spec, bundle.eval
    if spec.task == "regression":
        return Scores(task="regression", predicted=frame[spec.prediction_column].to_numpy(dtype=np.float64))
    if spec.task == "binary":
        chance = frame[spec.prediction_column].to_numpy(dtype=np.float64)
        proba = np.zeros((len(frame), 2))
        index = bundle.classes.index(bundle.positive_class)
        proba[:, index], proba[:, 1 - index] = chance, 1 - chance
        return Scores(task="binary", proba=proba)
    proba = frame[[column for _, column in spec.prediction_columns]].to_numpy(dtype=np.float64)
    return Scores(task="multiclass", proba=proba / proba.sum(axis=1, keepdims=True))


def _fits(result: Scores, bundle: Bundle) -> bool:
    """Scores that answer every row of this bundle, in its classes, with real numbers."""
    values = result.predicted if bundle.spec.task == "regression" else result.proba
    if values is None or result.task != bundle.spec.task:
        return False
    shape = (len(bundle.eval),) if bundle.spec.task == "regression" else (len(bundle.eval), len(bundle.classes))
    return values.shape == shape and values.dtype.kind == "f"


def _checked(result: Scores, bundle: Bundle) -> Scores:
    values = result.predicted if result.task == "regression" else result.proba
    broken = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
    if broken.any():
        count = int(broken.sum())
        raise BundleError(
            f"The model gave no usable answer (not a number) for {count:,} of the "
            f"{len(values):,} evaluation {'row' if len(values) == 1 else 'rows'}.",
            "Check those rows for values the model cannot handle, such as missing or extreme numbers.",
            detail=f"first such row: {int(np.flatnonzero(broken)[0]) + 1:,}",
            field="eval.path",
        )
    return result


BUNDLE_FILE = "scores.npz"  # written by the publisher, travels with the bundle


def store(result: Scores, path: Path, content_hash: str) -> None:
    """Keep scores at path, marked with the model and evaluation rows they answer for."""
    arrays = {"task": np.array(result.task), "content_hash": np.array(content_hash)}
    arrays.update({k: v for k, v in (("proba", result.proba), ("predicted", result.predicted)) if v is not None})
    write_arrays(path, **arrays)


PARTS_FOLDER = "scores"  # the Dask path's scores: partitioned Parquet, one part per chunk of rows
PARTS_MARK = b"modelbrief.content_hash"


def store_parts(result: Scores, folder: Path, content_hash: str, rows: int | None = None) -> None:
    """Keep scores as partitioned Parquet in `folder` (part-00000.parquet, ...), each part marked
    with the model and evaluation rows it answers for. Written beside, then moved into place."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    values = result.predicted[:, None] if result.task == "regression" else result.proba
    names = ["predicted"] if result.task == "regression" else [f"proba_{i}" for i in range(values.shape[1])]
    building = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    metadata = {PARTS_MARK: content_hash.encode(), b"modelbrief.task": result.task.encode()}
    rows = rows or CHUNK_ROWS
    for number, start in enumerate(range(0, len(values), rows)):
        chunk = values[start : start + rows]
        table = pa.table({name: chunk[:, j] for j, name in enumerate(names)}).replace_schema_metadata(metadata)
        pq.write_table(table, building / f"part-{number:05d}.parquet")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(building, folder)


def _restore_parts(folder: Path, bundle: Bundle) -> Scores | None:
    """Scores kept as Parquet parts that answer this bundle's model and rows, or None."""
    import pyarrow.parquet as pq

    parts = sorted(Path(folder).glob("part-*.parquet")) if Path(folder).is_dir() else []
    if not parts or Path(folder).is_symlink():
        return None
    try:
        tables = [pq.read_table(part) for part in parts]
    except Exception:  # noqa: BLE001 - a damaged or foreign file is simply not used
        return None
    for table in tables:
        metadata = table.schema.metadata or {}
        if metadata.get(PARTS_MARK, b"").decode(errors="replace") != bundle.content_hash:
            return None
    task = bundle.spec.task
    names = tables[0].column_names
    if not names or any(t.column_names != names for t in tables):
        return None
    values = np.empty((sum(t.num_rows for t in tables), len(names)))
    start = 0
    try:
        for table in tables:  # each part straight into its rows: no second copy of every score
            for j, name in enumerate(names):
                values[start : start + table.num_rows, j] = table.column(name).to_numpy()
            start += table.num_rows
    except Exception:  # noqa: BLE001 - parts with columns that are not numbers
        return None
    del tables
    found = (
        Scores(task=task, predicted=values[:, 0].copy()) if task == "regression" else Scores(task=task, proba=values)
    )
    return found if _fits(found, bundle) else None


def _restore(path: Path, bundle: Bundle, marked: bool) -> Scores | None:
    """Stored scores that answer this bundle's model and rows, or None. A file in the bundle folder
    must name the bundle's content hash (`marked`); a cache file is named after it."""
    width = 1 if bundle.spec.task == "regression" else len(bundle.classes)
    stored = read_arrays(path, limit=8 * len(bundle.eval) * width + (1 << 20))  # exactly the scores, no more
    if stored is None or "task" not in stored:  # a damaged or foreign file is simply not used
        return None
    if "content_hash" in stored or marked:
        if str(stored.get("content_hash", "")) != bundle.content_hash:
            return None  # scores of another model or other rows
    found = Scores(task=str(stored["task"]), proba=stored.get("proba"), predicted=stored.get("predicted"))
    return found if _fits(found, bundle) else None


def scores(bundle: Bundle, directory: Path | None = None) -> Scores:
    """Scores for a bundle: shipped with it by the publisher, or from the disk cache, else
    computed and stored in the cache."""
    path = (directory or cache_dir()) / f"{bundle.content_hash}.scores.npz"
    for candidate, marked in ((bundle.spec.folder / BUNDLE_FILE, True), (path, False)):
        found = _restore(candidate, bundle, marked)
        if found is not None:
            return _checked(found, bundle)
    found = _restore_parts(bundle.spec.folder / PARTS_FOLDER, bundle)
    if found is not None:
        return _checked(found, bundle)
    try:
        result = _checked(compute_scores(bundle), bundle)
    except BundleError:
        raise
    except Exception as exc:
        raise BundleError(
            f"The model could not score every row of {bundle.spec.eval_path.name}.",
            "Check that the evaluation columns have the same types and categories as the training data.",
            detail=describe(exc, bundle.spec.eval_path.name),
            field="eval.path",
        ) from None
    try:
        store(result, path, bundle.content_hash)
    except OSError:
        pass  # a read-only disk still gets correct (uncached) answers
    return result


def truth_index(bundle: Bundle) -> np.ndarray:
    """Each row's true class as a position in the model's classes (-1 for unseen labels)."""
    return class_index(bundle.y, bundle.classes)
