"""Scoring and explaining beyond one machine: a Dask cluster, through joblib's Dask backend.

    python -m core.publish ... --dask tcp://scheduler:8786     (or MODELBRIEF_DASK=tcp://...)

The publisher cuts the evaluation rows into the same chunks it scores on one machine and sends
each chunk (with the model) to a worker; the explanation sample is cut the same way. Every row is
answered by the same model code either way, so the result is identical to the single-machine
path; the tests hold it to that on a `dask.distributed.LocalCluster`.

Dask is needed only where this path is used: `pip install "dask[distributed]"`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

ENV = "MODELBRIEF_DASK"
CONNECT_SECONDS = 10  # how long the publisher tries to reach a scheduler before it says it cannot
_active: list = []  # the clients of the `connected` blocks the publisher is inside, innermost last


def address(given: str | None = None) -> str | None:
    """The scheduler to use: the one given, else $MODELBRIEF_DASK, else none (this machine)."""
    return (given or os.environ.get(ENV) or "").strip() or None


@contextmanager
def connected(scheduler: str | None) -> Iterator[Any]:
    """Within this block, `run_all` sends its work to the cluster at `scheduler` (None: runs here)."""
    if scheduler is None:
        yield None
        return
    try:
        from dask.distributed import Client
    except ModuleNotFoundError as exc:
        from core.bundles.contract import BundleError

        raise BundleError(
            "Publishing on a Dask cluster needs the Python package 'dask[distributed]', which is not installed here.",
            'Install it (pip install "dask[distributed]"), or publish without --dask.',
        ) from exc
    with Client(scheduler, timeout=f"{CONNECT_SECONDS}s", set_as_default=False) as client:
        _active.append(client)
        try:
            yield client
        finally:
            _active.pop()


def active() -> bool:
    """Whether work is being sent to a cluster (inside `connected` with a scheduler)."""
    return bool(_active)


def run_all(function: Callable[[Any], Any], parts: Sequence[Any]) -> list[Any]:
    """function(part) for every part, in order: on the cluster's workers inside `connected`,
    else one after another here."""
    if not active() or len(parts) < 2:
        return [function(part) for part in parts]
    import joblib

    with joblib.parallel_config(backend="dask", client=_active[-1]):
        return joblib.Parallel(n_jobs=-1)(joblib.delayed(function)(part) for part in parts)
