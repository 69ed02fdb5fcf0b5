"""The caches every session shares, bounded and keyed by content: bundles, scores, figures, explanations."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import streamlit as st

from core import format as fmt
from core.bundles import memory, scoring
from core.bundles.bundle import Bundle, fingerprint, load_bundle, read_spec
from core.bundles.contract import BundleError, BundleSpec, OperatingPoint, describe
from core.evaluation import metrics, tradeoff
from core.publishing import summary
from core.publishing.summary import Summary

memory.return_large_blocks()  # before any large array is built
log = logging.getLogger("modelbrief")


@st.cache_resource(max_entries=64, show_spinner=False)
def _open(folder: str, stamp: tuple, as_id: str | None = None) -> Bundle | BundleError:
    try:
        opened = load_bundle(Path(folder))
        return opened if as_id is None else _named_as(opened, as_id)
    except BundleError as problem:
        return problem
    except Exception as exc:  # never let a surprise reach the page as a traceback
        log.error("Unexpected error while opening the bundle %s", Path(folder).name, exc_info=exc)
        return BundleError(
            "This bundle could not be opened because of an unexpected error.",
            "Check the bundle's files, or publish it again with `python -m core.publish`.",
            detail=describe(exc),
        )


def open_bundle(folder: Path, as_id: str | None = None) -> Bundle | BundleError:
    """The opened bundle, or the problem that stops it opening (both cached). `as_id` names a bundle
    whose folder is not its name (a registry version, kept in the cache)."""
    return _open(str(folder), fingerprint(folder), as_id)


def _named_as(bundle: Bundle, as_id: str) -> Bundle:
    import dataclasses

    return dataclasses.replace(bundle, spec=dataclasses.replace(bundle.spec, id=as_id))


@st.cache_resource(max_entries=256, show_spinner=False)
def _read(folder: str, stamp: tuple) -> tuple[BundleSpec | None, BundleError | None, Summary | None, str | None]:
    """A bundle's manifest and, when one answers its files, its summary: all a card needs; and
    why a shipped summary was not used, when it failed its checks (read once per set of files)."""
    try:
        spec = read_spec(Path(folder))
    except BundleError as problem:
        return None, problem, None, None
    except Exception as exc:
        return (
            None,
            BundleError("bundle.yaml could not be read.", detail=describe(exc), field="bundle.yaml"),
            None,
            None,
        )
    try:
        key = summary.figures_key(spec)
        found = summary.find(Path(folder), scoring.cache_dir(), spec, key=key)
        note = summary.refused(Path(folder), key) if found is None else None
    except OSError:
        found, note = None, None  # a file went missing between the listing and the hashing: opening says what
    return spec, None, found, note


@st.cache_resource(max_entries=32, show_spinner="Scoring the evaluation rows (once per model)...")
def _eval_set(key: str, _bundle: Bundle) -> metrics.EvalSet:
    return metrics.from_bundle(_bundle, scores(_bundle))  # the one cached copy of the scores


def eval_set(bundle: Bundle) -> metrics.EvalSet:
    """The engine's per-row arrays for a bundle: scored once, shared by every session."""
    return _eval_set(bundle.figures_key, bundle)


@st.cache_data(max_entries=256, show_spinner=False)
def _headline(key: str, threshold: float, min_confidence: float, _bundle: Bundle) -> metrics.Headline:
    return metrics.headline(eval_set(_bundle), OperatingPoint(threshold, min_confidence))


def headline(bundle: Bundle, point: OperatingPoint | None = None) -> metrics.Headline:
    """Accuracy, coverage and value with ranges, at the given point or the bundle's own."""
    point = point or bundle.spec.operating_point
    return _headline(bundle.figures_key, point.threshold, point.min_confidence, bundle)


@st.cache_resource(max_entries=32, show_spinner=False)
def _index(key: str, _bundle: Bundle) -> tradeoff.Index:
    return tradeoff.Index(eval_set(_bundle))


def index(bundle: Bundle) -> tradeoff.Index:
    """The bundle's rows sorted by score, answering any operating point at once (shared, cached)."""
    return _index(bundle.figures_key, bundle)


@st.cache_data(max_entries=64, show_spinner=False)
def _best(key: str, _bundle: Bundle) -> tradeoff.Best:
    return tradeoff.best_point(index(_bundle))


def best(bundle: Bundle) -> tradeoff.Best:
    """The best-value setting of a classifier bundle (cached)."""
    return _best(bundle.figures_key, bundle)


BLOCK_SECONDS = 8.0  # a page waits this long for a first explanation, then shows its progress instead


class Pending(Exception):
    """Slow work still running in the background: the page shows its progress, not an error."""

    def __init__(self, job, what: str):
        super().__init__(what)
        self.job, self.what = job, what


def explanation_job(bundle: Bundle):
    """The bundle's explanation as a background job, shared by every session: started, or joined."""
    from core.app import jobs
    from core.explaining import explain

    return jobs.start(
        f"explain:{bundle.figures_key}",
        lambda progress: explain.for_bundle(bundle, scoring.cache_dir(), progress=progress),
        budget=explain.budget_seconds(),
    )


def explanation(bundle: Bundle, wait_for_all: bool = False):
    """SHAP contributions for a sample of the bundle's rows: computed once, shared by all sessions.

    None for a bundle whose predictions cannot be explained (`bundle.unexplainable_reason` says
    why). A first explanation runs in the background: this waits up to BLOCK_SECONDS (or, with
    `wait_for_all`, until it is done) with a progress bar, then raises `Pending`, which the page
    shows as progress while the work goes on.
    """
    if not bundle.explainable:
        return None
    block = None if wait_for_all else BLOCK_SECONDS
    job = explanation_job(bundle)
    waited = st.session_state.setdefault("_waited", {})
    run = st.session_state.get("_run_number")
    if waited.get(job.key) == run:  # this run already waited for it once: the page is not held up twice
        block = 0.0 if block is not None else None
    if not job.done:
        bar = None

        def tick(job) -> None:  # drawn only when the wait is long enough to notice
            nonlocal bar
            if job.elapsed() > 0.5:
                bar = bar or st.empty()
                bar.progress(job.fraction, text=waiting_words(job))

        finished = job.wait(block, tick)
        if bar is not None:
            bar.empty()
        if not finished:
            waited[job.key] = run
            raise Pending(job, "the explanations")
    if job.error is not None:
        from core.app import jobs

        jobs.forget(job.key)  # the next visit tries again
        raise job.error
    return job.result


def waiting_words(job) -> str:
    """What is happening and how long it will take, in words."""
    left = job.seconds_left()
    if left is None:
        when = "estimating how long this takes"
    elif left < 60:
        when = f"about {max(5, round(left / 5) * 5):.0f} seconds left"
    else:
        when = f"about {fmt.counted(left / 60, 'minute', 'minutes')} left"
    return (
        f"Explaining the model on a sample of cases (once per model): {job.fraction:.0%} done, {when}. "
        "This page updates itself when it is done; the other pages keep working."
    )


@st.cache_resource(max_entries=16, show_spinner="Preparing to explain single cases (once per model)...")
def _row_explainer(key: str, _bundle: Bundle):
    from core.explaining.explain import RowExplainer

    return RowExplainer(_bundle.model, _bundle.X, _bundle.spec.task, _bundle.classes, _bundle.positive_class)


def row_explainer(bundle: Bundle):
    """The bundle's explainer, built once and shared: explains one edited case at a time."""
    return _row_explainer(bundle.figures_key, bundle)


@st.cache_resource(max_entries=16, show_spinner=False)
def _word_explainers(key: str, _bundle: Bundle) -> dict:
    from core.explaining.text import word_explainers

    found = word_explainers(_bundle.model, _bundle.X)
    for explainer in found.values():
        if not explainer.exact and len(_bundle.X):  # SHAP compiles its masking code on first use: start now
            first = _bundle.X.iloc[[0]]
            threading.Thread(target=lambda e=explainer, row=first: _quietly(e.explain, row), daemon=True).start()
    return found


def _quietly(work, *args) -> None:
    """Run work in the background; a failure here shows up again, with its message, where it is used."""
    try:
        work(*args)
    except Exception:  # noqa: BLE001 - the page that needs the result reports the error itself
        logging.getLogger(__name__).debug("background warm-up failed", exc_info=True)


def word_explainers(bundle: Bundle) -> dict:
    """{text column: its exact word-level explainer}, for linear models over a text vectorizer (cached)."""
    return _word_explainers(bundle.figures_key, bundle)


@st.cache_resource(max_entries=16, show_spinner=False)
def _unseen_groups(key: str, _bundle: Bundle) -> list:
    from core.outputs import story

    return story.unseen_groups(_bundle, eval_set(_bundle))


def unseen_groups(bundle: Bundle) -> list:
    """What people asked that the model was never trained on, in their own words (cached)."""
    return _unseen_groups(bundle.figures_key, bundle)


@st.cache_data(max_entries=64, show_spinner=False)
def _typical(key: str, _bundle: Bundle) -> int:
    return metrics.typical_row(eval_set(_bundle), _bundle.spec.operating_point)


def typical_row(bundle: Bundle) -> int:
    """The bundle's one typical case (its row), the same on every page and slide (cached)."""
    return _typical(bundle.figures_key, bundle)


@st.cache_resource(max_entries=64, show_spinner=False)
def _story(key: str, threshold: float, min_confidence: float, _bundle: Bundle, _explained) -> dict:
    from core.outputs import story

    unseen = unseen_groups(_bundle) if _bundle.spec.task == "multiclass" else []
    point = OperatingPoint(threshold, min_confidence)
    found = story.findings(
        _bundle, eval_set(_bundle), _explained, point, word_reasons=word_explainers(_bundle), unseen=unseen
    )
    return {finding.code: finding for finding in found}


def story_findings(bundle: Bundle, point: OperatingPoint) -> dict:
    """{code: finding} of the story the slides tell at `point`, cached once the explanations are in
    (until then `explanation` raises `Pending`). Shared by every session: nothing may change them."""
    explained = explanation(bundle)
    return _story(bundle.figures_key, point.threshold, point.min_confidence, bundle, explained)


@st.cache_resource(max_entries=16, show_spinner=False)
def _controls(key: str, _bundle: Bundle):
    from core.explaining.whatif import controls, kept_facts

    return controls(_bundle.X, _bundle.spec, _bundle.model, facts=kept_facts(_bundle, scoring.cache_dir()))


def controls(bundle: Bundle):
    """How each feature is edited on the What-if page (ranges and values seen): cached, and the
    figures from the rows kept on disk, so a restart does not read every row again."""
    return _controls(bundle.figures_key, bundle)


@st.cache_resource(max_entries=32, show_spinner=False)
def _case_ids(key: str, _bundle: Bundle):
    from core.explaining.whatif import CaseIds

    return CaseIds(_bundle.eval, _bundle.spec.id_column)


def case_ids(bundle: Bundle):
    """The bundle's case ids, to find a row by id and name a row (cached)."""
    return _case_ids(bundle.figures_key, bundle)


def positive_index(bundle: Bundle) -> int:
    return bundle.classes.index(bundle.positive_class) if bundle.spec.task == "binary" else 1


@st.cache_data(max_entries=256, show_spinner=False)
def _original_case(key: str, row: int, threshold: float, min_confidence: float, _bundle: Bundle):
    from core.explaining import whatif

    original = whatif.views.case_values(_bundle.X, row)
    point = OperatingPoint(threshold, min_confidence)
    return whatif.assess(row_explainer(_bundle), original, _bundle.X, point, controls(_bundle), positive_index(_bundle))


def original_case(bundle: Bundle, row: int, point: OperatingPoint):
    """A test case as it is, assessed once per bundle, row and setting: What if's starting point,
    which every edit is measured against."""
    return _original_case(bundle.figures_key, row, point.threshold, point.min_confidence, bundle)


@st.cache_resource(max_entries=32, show_spinner=False)
def _scores(key: str, _bundle: Bundle):
    return scoring.scores(_bundle)


def scores(bundle: Bundle):
    """The model's answers for every evaluation row (cached)."""
    return _scores(bundle.figures_key, bundle)


@st.cache_resource(max_entries=64, show_spinner=False)
def _segments(key: str, column: str, _bundle: Bundle):
    from core.evaluation import breakdown

    return breakdown.Segments.of(eval_set(_bundle), _bundle.eval[column])


def segments(bundle: Bundle, column: str):
    """A classifier's segment column coded and indexed once per bundle, so a table at a new
    setting is a few binary searches per segment (cached)."""
    return _segments(bundle.figures_key, column, bundle)


def shown_scores(bundle: Bundle):
    """The cached scores in the form What if predicts (class chances, or the estimate as one
    column), or None when they do not match what the model says now (checked on a few rows)."""
    import numpy as np

    cached = scores(bundle)
    values = cached.predicted[:, None] if cached.predicted is not None else cached.proba
    explainer = row_explainer(bundle)
    if values is None or explainer is None or len(values) != len(bundle.X):
        return None
    rows = np.linspace(0, len(bundle.X) - 1, min(len(bundle.X), 5)).astype(int)
    again = explainer.shown(bundle.X.iloc[rows])
    if again.shape != values[rows].shape or not np.allclose(again, values[rows], atol=1e-9):
        return None
    return values


@st.cache_resource(max_entries=16, show_spinner="Reading the requests since launch (each batch once)...")
def _since_launch(key: str, batches: tuple, threshold: float, min_confidence: float, _bundle: Bundle):
    from core import alerts

    point = OperatingPoint(threshold, min_confidence)
    return alerts.measure(_bundle, scoring.cache_dir(), point, eval_set(_bundle), headline(_bundle, point))


def since_launch(bundle: Bundle):
    """The bundle's traffic per period against its test figures, at the setting in bundle.yaml
    (the one in use); None without traffic. Recomputed only when a batch is added. Its summary
    line, or why it could not be worked out, is kept for Home's card."""
    from core.after_launch import traffic

    if bundle.spec.traffic is None:
        return None
    try:
        found = tuple((b.path.name, b.sha256) for b in traffic.batches(bundle))  # oldest first
        if not found:
            return None
        point = bundle.spec.operating_point
        result = _since_launch(bundle.figures_key, found, point.threshold, point.min_confidence, bundle)
    except Exception as exc:  # the card warns that the page cannot be shown
        message = exc.message if isinstance(exc, BundleError) else "Something unexpected went wrong."
        traffic.keep_line(scoring.cache_dir(), bundle, problem=message)
        raise
    traffic.keep_line(scoring.cache_dir(), bundle, result)  # Home's cards read it without opening the bundle
    return result


@st.cache_resource(max_entries=64, show_spinner=False)
def _group_codes(key: str, column: str, _bundle: Bundle):
    from core.evaluation import groups

    return groups.coded(_bundle.eval[column])


@st.cache_resource(max_entries=64, show_spinner=False)
def _groups(key: str, threshold: float, min_confidence: float, _bundle: Bundle):
    from core.evaluation import groups

    coded = {column: _group_codes(key, column, _bundle) for column in _bundle.spec.groups}
    return groups.assess(
        eval_set(_bundle), OperatingPoint(threshold, min_confidence), coded, _bundle.spec.group_min_gap
    )


def groups(bundle: Bundle, point: OperatingPoint):
    """Who bears the errors at a setting: every `groups:` column's table, the gaps beyond the noise,
    the groups too small to judge (cached per setting; the columns coded once per bundle)."""
    return _groups(bundle.figures_key, point.threshold, point.min_confidence, bundle)


def group_codes(bundle: Bundle, column: str):
    return _group_codes(bundle.figures_key, column, bundle)


@st.cache_resource(max_entries=32, show_spinner=False)
def _narrowing_curve(key: str, column: str, metric: str, worse: str, better: str, min_confidence: float, _bundle):
    from core.evaluation import groups

    coded = group_codes(_bundle, column)
    return groups.curve(eval_set(_bundle), min_confidence, coded, metric, worse, better, index(_bundle))


def narrowing(bundle: Bundle, point: OperatingPoint, gap):
    """The setting that narrows `gap` at the least cost (None when none does); its curve worked out
    once per pair of groups and confidence bar, so a slider move only picks from it."""
    from core.evaluation import groups

    if bundle.spec.task != "binary" or gap.metric not in ("wrongly_flagged", "missed"):
        return None
    found = _narrowing_curve(
        bundle.figures_key, gap.column, gap.metric, gap.worse, gap.better, point.min_confidence, bundle
    )
    return groups.narrowing(eval_set(bundle), point, group_codes(bundle, gap.column), gap, index(bundle), found)
