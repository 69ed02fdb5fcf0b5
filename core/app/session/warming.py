"""What the pages will need, made ready while the person reads the page in front of them.

The first page anyone opens after a start would otherwise pay for Python loading the modules that
draw charts and explain models, for opening the model and its rows, and for the figures every page
shares. Once a page is drawn, `warm` does that work in the background, once per process and
bundle, through the same shared caches the pages read: a page that asks for something still being
made waits for it (Streamlit's caches hold one computation per key), never computes it twice.

It steps aside for the pages: after opening the bundle (which whatever page comes next needs), it
waits between its steps until no page is running and none has finished within `QUIET_SECONDS`, so
it never competes with a page being computed or sent to the browser (both would slow down, on one
interpreter). A step already under way finishes first.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from core.bundles.bundle import Bundle, fingerprint

# What the pages import beyond Home, what most pages need first; shap (What if, and explanations not
# stored) last. shap is imported from `_prepare`, whose stack holds no bundle: its first import keeps
# the importing stack alive for good.
MODULES = (
    "core.outputs.charts",
    "core.outputs.story",
    "core.evaluation.breakdown",
    "core.explaining.explain",
    "core.explaining.whatif",
    "shap",
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
    jobs.start(
        f"warm:{entry.folder}:{hash(stamp)}" + (f":{entry.as_id}" if entry.as_id else ""),
        lambda progress: _prepare(entry.folder, progress, entry.as_id),
    )


QUIET_SECONDS = 1.0  # after a page's run ends, its last parts are still being sent and drawn
SETTLE_SECONDS = 0.5  # before opening the bundle, which any next page needs: the page just run is sent first
_runs = 0  # page runs under way, in every session
_last_end = 0.0  # when the last one ended (time.monotonic)
_state = threading.Condition()


@contextmanager
def page_run() -> Iterator[None]:
    """Around each run of the app (the router): the warm-up waits while it runs, and just after."""
    global _runs, _last_end
    with _state:
        _runs += 1
    try:
        yield
    finally:
        with _state:
            _runs -= 1
            _last_end = time.monotonic()
            _state.notify_all()


def quiet() -> None:
    """Wait until no page is running and none has ended within `QUIET_SECONDS`."""
    with _state:
        while True:
            left = QUIET_SECONDS - (time.monotonic() - _last_end)
            if _runs == 0 and left <= 0:
                return
            _state.wait(timeout=left if _runs == 0 else QUIET_SECONDS)


def _when_quiet(work, *args):
    """One step of the warm-up, once the pages are quiet."""
    quiet()
    return work(*args)


def _prepare(folder, progress, as_id=None) -> None:
    """What every page needs first, then the modules the pages import, then the rest, each step
    when the pages are quiet. Only the helpers hold the bundle: this frame never does, while shap
    is first imported from it."""
    if not _figures(folder, as_id):
        return
    progress(0.4)
    for module in MODULES:
        _when_quiet(importlib.import_module, module)
    progress(0.6)
    _the_rest(folder, as_id)


def _figures(folder, as_id=None) -> bool:
    """The bundle opened and the figures every page shows; False when it cannot open."""
    from core.app.session import caches

    time.sleep(SETTLE_SECONDS)  # every page needs the bundle open: that step does not wait for quiet
    bundle = caches.open_bundle(folder, as_id)
    if not isinstance(bundle, Bundle):
        return False
    for step in (caches.headline, caches.index, caches.typical_row):
        _when_quiet(step, bundle)
    if bundle.explainable and _stored_explanation(bundle):  # read back without shap: started at once
        caches.explanation_job(bundle)
    if bundle.spec.task != "regression":
        _when_quiet(caches.best, bundle)
        for column in bundle.spec.segments:
            _when_quiet(caches.segments, bundle, column)
    return True


def _stored_explanation(bundle: Bundle) -> bool:
    from core.bundles import scoring
    from core.explaining import explain

    return explain.stored_for_bundle(bundle, scoring.cache_dir()) is not None


def _the_rest(folder, as_id=None) -> None:
    """The explanation started (read back when the publisher stored it), What if's controls and
    explainer, the requests since launch, and Compare's pieces against the model it opens on."""
    from core.app.session import caches, comparing, entries

    bundle = caches.open_bundle(folder, as_id)
    if bundle.explainable:
        caches.explanation_job(bundle)
        for step in (caches.controls, caches.row_explainer):
            _when_quiet(step, bundle)
    if bundle.spec.traffic is not None:
        _when_quiet(caches.since_launch, bundle)
    other = _when_quiet(comparing.comparable, bundle, None, entries.every_bundle())
    if other is not None:
        point = bundle.spec.operating_point
        _when_quiet(comparing.figures_side_by_side, bundle, point, other)
        for column in bundle.spec.segments:
            _when_quiet(comparing.segment_winners, bundle, point, other, column)
        _when_quiet(comparing.disagreements, bundle, point, other)
