"""What the pages will need, made ready while the person reads the page in front of them.

The first page anyone opens after a start would otherwise pay for Python loading the modules that
draw charts and explain models, for opening the model and its rows, and for the figures every page
shares. Once a page is drawn, `warm` does that work in the background, once per process and
bundle, through the same shared caches the pages read: a page that asks for something still being
made waits for it (Streamlit's caches hold one computation per key), never computes it twice.
"""

from __future__ import annotations

import importlib
import os
import time

from core.bundles.bundle import Bundle, fingerprint

# What the pages import beyond Home, heaviest first (each is read once per process). shap is imported
# from `_prepare`, whose stack holds no bundle: its first import keeps the importing stack alive for good.
MODULES = (
    "shap",
    "core.outputs.story",
    "core.explaining.explain",
    "core.outputs.charts",
    "core.evaluation.breakdown",
    "core.explaining.whatif",
)
SWITCH = "MODELBRIEF_WARM_UP"  # "0": nothing is made ready ahead (each page makes what it needs)


def on() -> bool:
    return os.environ.get(SWITCH, "1").strip() != "0"


def warm(entry) -> None:
    """Make the selected bundle's shared figures ready in the background (once per process and set of files)."""
    if entry is None or entry.spec is None or entry.spec_problem is not None or not on():
        return
    from core.app import jobs

    try:
        stamp = fingerprint(entry.folder)
    except OSError:  # removed while listed: the page that opens it says so
        return
    jobs.start(f"warm:{entry.folder}:{hash(stamp)}", lambda progress: _prepare(entry.folder, progress))


SETTLE_SECONDS = 0.5  # the page just run is sent and drawn first: the warm-up would slow that down


def _prepare(folder, progress) -> None:
    """What every page needs first, then the modules the pages import, then the rest. Only the
    helpers hold the bundle: this frame never does, while shap is first imported from it."""
    time.sleep(SETTLE_SECONDS)
    if not _figures(folder):
        return
    progress(0.4)
    for module in MODULES:
        importlib.import_module(module)
    progress(0.6)
    _the_rest(folder)


def _figures(folder) -> bool:
    """The bundle opened and the figures every page shows; False when it cannot open."""
    from core.app.session import caches

    bundle = caches.open_bundle(folder)
    if not isinstance(bundle, Bundle):
        return False
    caches.headline(bundle)
    caches.index(bundle)
    caches.typical_row(bundle)
    if bundle.explainable and _stored_explanation(bundle):  # read back without shap: started at once
        caches.explanation_job(bundle)
    if bundle.spec.task != "regression":
        caches.best(bundle)
        for column in bundle.spec.segments:
            caches.segments(bundle, column)
    return True


def _stored_explanation(bundle: Bundle) -> bool:
    from core.bundles import scoring
    from core.explaining import explain

    return explain.stored_for_bundle(bundle, scoring.cache_dir()) is not None


def _the_rest(folder) -> None:
    """The explanation started (read back when the publisher stored it), What if's controls and
    explainer, the requests since launch, and Compare's pieces against the model it opens on."""
    from core.app.session import caches, comparing, entries

    bundle = caches.open_bundle(folder)
    if bundle.explainable:
        caches.explanation_job(bundle)
        caches.controls(bundle)
        caches.row_explainer(bundle)
    if bundle.spec.traffic is not None:
        caches.since_launch(bundle)
    other = comparing.comparable(bundle, entries=entries.every_bundle())
    if other is not None:
        point = bundle.spec.operating_point
        comparing.figures_side_by_side(bundle, point, other)
        for column in bundle.spec.segments:
            comparing.segment_winners(bundle, point, other, column)
        comparing.disagreements(bundle, point, other)
