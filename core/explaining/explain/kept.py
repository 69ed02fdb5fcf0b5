"""Explanations computed once: stored beside the bundle or in the cache, keyed by content, read back checked."""

from __future__ import annotations

import numpy as np

from core.explaining.explain.shapley import METHOD_NOTES, SAMPLE_SIZE, Explanation, explain

STORE_VERSION = 1
BUNDLE_FILE = "explanations.npz"  # written by the publisher, travels with the bundle


def store(explanation: Explanation, path, content_hash: str) -> None:
    from core.bundles.stored import write_arrays

    write_arrays(
        path,
        version=STORE_VERSION,
        content_hash=content_hash,
        method=explanation.method,
        features=np.array(explanation.features),
        outputs=np.array(explanation.outputs),
        rows=explanation.rows,
        values=explanation.values,
        base=explanation.base,
        predicted=explanation.predicted,
        seconds=explanation.seconds,
        planned=explanation.planned if explanation.planned is not None else len(explanation.rows),
        budget=explanation.budget if explanation.budget is not None and np.isfinite(explanation.budget) else -1.0,
        scale=explanation.scale or "",
    )


def restore(path, content_hash: str, features: list[str] | None = None, n_rows: int | None = None):
    """A stored explanation, or None when absent, damaged, or not made for this model and data.

    With the bundle's `features` and row count, the arrays must also fit them: one row of
    contributions per sampled row and feature, every sampled row inside the evaluation file, and
    real numbers throughout. A file that fails any check is ignored (and recomputed).
    """
    from core.bundles.stored import MAX_BYTES, read_arrays

    limit = MAX_BYTES
    if features is not None and n_rows is not None:  # room for every sampled row, every feature, every class
        rows = min(n_rows, SAMPLE_SIZE)
        limit = 8 * rows * (len(features) + 1) * 64 + (1 << 20)
    stored = read_arrays(path, limit=limit)
    if stored is None:
        return None
    try:
        if int(stored["version"]) != STORE_VERSION or str(stored["content_hash"]) != content_hash:
            return None
        found = Explanation(
            method=str(stored["method"]),
            features=[str(f) for f in stored["features"]],
            outputs=[str(o) for o in stored["outputs"]],
            rows=np.asarray(stored["rows"]),
            values=np.asarray(stored["values"], dtype=np.float64),
            base=np.asarray(stored["base"], dtype=np.float64),
            predicted=np.asarray(stored["predicted"], dtype=np.float64),
            seconds=float(stored["seconds"]),
            planned=int(stored["planned"]) if "planned" in stored else None,
            budget=float(stored["budget"]) if "budget" in stored and float(stored["budget"]) > 0 else None,
            scale=str(stored["scale"]) or None if "scale" in stored else None,
        )
    except (KeyError, ValueError, TypeError):
        return None
    return found if _fits(found, features, n_rows) else None


def _fits(found: Explanation, features: list[str] | None, n_rows: int | None) -> bool:
    rows, values, base, predicted = found.rows, found.values, found.base, found.predicted
    outputs = len(found.outputs)
    if found.method not in METHOD_NOTES or rows.ndim != 1 or rows.dtype.kind not in "iu" or outputs == 0:
        return False
    if values.shape != (len(rows), len(found.features), outputs) or base.shape != (outputs,):
        return False
    if predicted.shape != (len(rows), outputs):
        return False
    if features is not None and found.features != list(features):
        return False
    if n_rows is not None and len(rows) and (rows.min() < 0 or rows.max() >= n_rows):
        return False
    return bool(np.isfinite(values).all() and np.isfinite(base).all() and np.isfinite(predicted).all())


# How many explanations were computed (not read back); tests and the bench read it.
compute_count = 0


def outputs_for(bundle) -> list[str]:
    """What a bundle's explanation explains: the positive class, every class, or the estimate."""
    if bundle.spec.task == "regression":
        return ["prediction"]
    if bundle.spec.task == "binary":
        return [str(bundle.positive_class)]
    return [str(c) for c in bundle.classes]


def _cached(bundle, cache_directory):
    return cache_directory / f"{bundle.content_hash}.explanations.npz"


def typical_row(bundle, cache_directory=None) -> int:
    """The bundle's typical case (`metrics.typical_row` at its own setting), from its scores."""
    from core.bundles import scoring
    from core.evaluation import metrics

    data = metrics.from_bundle(bundle, scoring.scores(bundle, cache_directory))
    return metrics.typical_row(data, bundle.spec.operating_point)


def explain_bundle(bundle, cache_directory=None, **options) -> Explanation:
    """`explain` for an opened bundle: its model, rows, classes and labels, its sample holding its
    typical case (`options`: size, budget...)."""
    return explain(
        bundle.model,
        bundle.X,
        bundle.spec.task,
        bundle.classes,
        bundle.positive_class,
        labels=bundle.y,
        include=(typical_row(bundle, cache_directory),),
        **options,
    )


def stored_for_bundle(bundle, cache_directory) -> Explanation | None:
    """The bundle's explanation if it was computed before (shipped with it, or in the cache) for
    the classes bundle.yaml names now and with its typical case (unless its time ran out first):
    an edited positive class, class name or setting is explained afresh."""
    shape = {"features": list(bundle.features), "n_rows": len(bundle.eval)}
    wanted = outputs_for(bundle)
    typical = None
    for path in (bundle.spec.folder / BUNDLE_FILE, _cached(bundle, cache_directory)):
        found = restore(path, bundle.content_hash, **shape)
        if found is None or found.outputs != wanted:
            continue
        typical = typical_row(bundle, cache_directory) if typical is None else typical
        cut_short = found.planned is not None and len(found.rows) < found.planned
        if cut_short or typical in found.rows:
            return found
    return None


def for_bundle(bundle, cache_directory, progress=None) -> Explanation:
    """The bundle's explanation: shipped with it, cached, or computed now (and cached)."""
    global compute_count
    found = stored_for_bundle(bundle, cache_directory)
    if found is not None:
        return found
    compute_count += 1
    result = explain_bundle(bundle, cache_directory, progress=progress)
    try:
        store(result, _cached(bundle, cache_directory), bundle.content_hash)
    except OSError:
        pass
    return result
