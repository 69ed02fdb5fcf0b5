"""Predictions for a bundle's evaluation rows, computed once and kept on disk.

Scores are keyed by the bundle's content hash (model + evaluation file), so a second session, a
restart or a rerun reads them back instead of asking the model again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.bundle import Bundle, artifacts_root, class_index

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
    """Ask the model about every evaluation row, in chunks to bound memory."""
    global compute_count
    compute_count += 1
    X = bundle.X
    if bundle.spec.task == "regression":
        parts = [bundle.model.predict(X.iloc[i : i + CHUNK_ROWS]) for i in range(0, len(X), CHUNK_ROWS)]
        return Scores(task="regression", predicted=np.concatenate(parts).astype(np.float64))
    parts = [bundle.model.predict_proba(X.iloc[i : i + CHUNK_ROWS]) for i in range(0, len(X), CHUNK_ROWS)]
    return Scores(task=bundle.spec.task, proba=np.concatenate(parts).astype(np.float64))


def scores(bundle: Bundle, directory: Path | None = None) -> Scores:
    """Scores for a bundle: from the disk cache when present, else computed and stored."""
    path = (directory or cache_dir()) / f"{bundle.content_hash}.scores.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as stored:
                return Scores(
                    task=str(stored["task"]),
                    proba=stored["proba"] if "proba" in stored else None,
                    predicted=stored["predicted"] if "predicted" in stored else None,
                )
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is simply recomputed
    result = compute_scores(bundle)
    arrays = {"task": np.array(result.task)}
    arrays.update({k: v for k, v in (("proba", result.proba), ("predicted", result.predicted)) if v is not None})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only disk still gets correct (uncached) answers
    return result


def truth_index(bundle: Bundle) -> np.ndarray:
    """Each row's true class as a position in the model's classes (-1 for unseen labels)."""
    return class_index(bundle.y, bundle.classes)
