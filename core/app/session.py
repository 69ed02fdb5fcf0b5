"""Streamlit glue: the caches every session shares, and which bundle this session looks at.

This is the only module that caches with Streamlit. Opened bundles are keyed by their folder's
file stamps; scores and headline figures by the bundle's content hash, so they are computed
once per model and evaluation file, whoever asks first.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core import format as fmt
from core.app import links
from core.bundles import memory, scoring
from core.bundles.bundle import Bundle, artifacts_root, discover, fingerprint, load_bundle, read_spec
from core.bundles.contract import BundleError, BundleSpec, OperatingPoint, describe
from core.evaluation import metrics, tradeoff
from core.publishing import summary
from core.publishing.summary import Summary

memory.return_large_blocks()  # before any large array is built

BUNDLE_KEY = "bundle"
log = logging.getLogger("modelbrief")
_build_lock = threading.Lock()


@st.cache_resource(max_entries=64, show_spinner=False)
def _open(folder: str, stamp: tuple) -> Bundle | BundleError:
    try:
        return load_bundle(Path(folder))
    except BundleError as problem:
        return problem
    except Exception as exc:  # never let a surprise reach the page as a traceback
        log.error("Unexpected error while opening the bundle %s", Path(folder).name, exc_info=exc)
        return BundleError(
            "This bundle could not be opened because of an unexpected error.",
            "Check the bundle's files, or publish it again with `python -m core.publish`.",
            detail=describe(exc),
        )


def open_bundle(folder: Path) -> Bundle | BundleError:
    """The opened bundle, or the problem that stops it opening (both cached)."""
    return _open(str(folder), fingerprint(folder))


@st.cache_resource(max_entries=256, show_spinner=False)
def _read(folder: str, stamp: tuple) -> tuple[BundleSpec | None, BundleError | None, Summary | None]:
    """A bundle's manifest and, when one answers its files, its summary: all a card needs."""
    try:
        spec = read_spec(Path(folder))
    except BundleError as problem:
        return None, problem, None
    except Exception as exc:
        return None, BundleError("bundle.yaml could not be read.", detail=describe(exc), field="bundle.yaml"), None
    try:
        found = summary.find(Path(folder), scoring.cache_dir(), spec)
    except OSError:
        found = None  # a file went missing between the listing and the hashing: opening says what
    return spec, None, found


@dataclass(frozen=True)
class Entry:
    """A bundle in the catalogue: its manifest and summary, read without opening it.

    The bundle itself (model and evaluation rows) opens on first use of `bundle` or `problem`.
    """

    id: str
    folder: Path
    spec: BundleSpec | None
    spec_problem: BundleError | None = None
    summary: Summary | None = None

    @property
    def title(self) -> str:
        return self.spec.title if self.spec else self.id

    @property
    def opened(self) -> Bundle | BundleError:
        return self.spec_problem or open_bundle(self.folder)

    @property
    def bundle(self) -> Bundle | None:
        opened = self.opened
        return opened if isinstance(opened, Bundle) else None

    @property
    def problem(self) -> BundleError | None:
        opened = self.opened
        return opened if isinstance(opened, BundleError) else None


def catalogue() -> list[Entry]:
    """The bundles the person looking may see (every one when sign-in is off), with their
    manifests (or the problem reading them)."""
    from core.app import viewer
    from core.team import access

    entries = every_bundle()
    if not viewer.sign_in_on():
        return entries
    who = viewer.viewer()
    return [e for e in entries if e.spec is not None and access.allows(e.spec.access, who, True)]


def every_bundle() -> list[Entry]:
    """Every bundle under the artifacts root, whoever is looking."""
    entries = []
    for folder in discover():
        try:
            spec, problem, found = _read(str(folder), fingerprint(folder))
        except OSError:  # removed while listed
            continue
        entries.append(Entry(folder.name, folder, spec, problem, found))
    return entries


def _card_job(entry: Entry):
    """Open a bundle published without a summary, measure it, and keep its summary (in the background)."""
    from core.app import jobs

    def work(progress) -> Summary:
        progress(0.05)
        opened = open_bundle(entry.folder)
        if isinstance(opened, BundleError):
            raise opened
        progress(0.5)
        result = headline(opened)
        found = summary.of(opened, result)
        try:
            summary.write(found, summary.cached_path(scoring.cache_dir(), found.figures_key))
        except OSError:
            pass  # a read-only disk: the next start measures it again
        return found

    return jobs.start(f"card:{entry.folder}:{hash(fingerprint(entry.folder))}", work)


CARD_WAIT = 3.0  # seconds Home waits in all for bundles measured on the spot, before showing progress


def card_summary(entry: Entry, wait: float) -> Summary | BaseException | Pending:
    """What a card shows: the stored summary, else one measured in the background, waiting up to
    `wait` seconds for it; `Pending` while it runs on; the error (a `BundleError` when the bundle
    cannot open) when it failed."""
    if entry.spec_problem is not None:
        return entry.spec_problem
    if entry.summary is not None:
        return entry.summary
    job = _card_job(entry)
    if not job.wait(max(wait, 0.0)):
        return Pending(job, "the figures")
    if job.error is not None:
        from core.app import jobs

        jobs.forget(job.key)  # the next visit tries again
        if not isinstance(job.error, BundleError):
            log.error("Unexpected error while measuring the bundle %s", entry.id, exc_info=job.error)
        return job.error
    return job.result


def ensure_demos() -> None:
    """Build the demo bundles on first start, and any a previous start left unbuilt."""
    from core.publishing.demos import build_demos, missing_demos

    if not missing_demos():
        return
    with _build_lock:
        missing = missing_demos()
        if not missing:
            return
        with st.status("Building the demo bundles (first start only)...", expanded=True) as status:
            bar = st.progress(0.0)
            try:
                build_demos(
                    artifacts_root(), progress=lambda done, message: bar.progress(done, text=message), only=missing
                )
            except Exception as exc:
                log.error("The demo bundles could not be built", exc_info=exc)
                status.update(label="The demo bundles could not be built.", state="error")
                st.error(
                    "The demo bundles could not be built in the artifacts folder. "
                    "Check that the folder is writable, or set MODELBRIEF_ARTIFACTS to another folder."
                )
                with st.expander("Details"):
                    st.code(describe(exc), language=None)
                return
            status.update(label="Demo bundles ready", state="complete", expanded=False)


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


def sign_in_panel() -> None:
    """Who is signed in, with a sign-out, in the sidebar; with sign-in on and nobody signed in, a
    sign-in button and nothing else. With sign-in off, the sidebar says the app is open."""
    from core.app import viewer

    if not viewer.sign_in_on():
        st.sidebar.caption(
            "Sign-in is off: this app runs open on one machine, and anyone who can reach it sees every model."
        )
        return
    providers = [name for name, value in st.secrets["auth"].items() if isinstance(value, dict)]
    provider = providers[0] if providers else None
    if not st.user.get("is_logged_in"):
        st.title("Modelbrief")
        st.markdown("Sign in to see the models you may open.")
        st.button("Sign in", on_click=st.login, args=(provider,) if provider else (), icon=":material/login:")
        st.stop()
    who = viewer.viewer()
    st.sidebar.caption(fmt.literal(f"Signed in as {who.email or st.user.get('name') or 'you'}"))
    st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign-out")


def select_bundle(entries: list[Entry]) -> Entry | None:
    """The sidebar's bundle picker, kept in the URL as ?bundle=ID so a copied link opens it."""
    if not entries:
        return None
    ids = [e.id for e in entries]
    by_id = {e.id: e for e in entries}
    if st.session_state.get(BUNDLE_KEY) not in ids:
        wanted = st.query_params.get(BUNDLE_KEY)
        from core.app import viewer
        from core.team import access

        if wanted and wanted not in ids and viewer.sign_in_on():
            # nothing of a model this person may not see: not its title, not even whether it exists
            st.error(access.NO_ACCESS, icon=":material/lock:")
            st.query_params.pop(BUNDLE_KEY, None)
            st.stop()
        if wanted and wanted not in ids:
            st.session_state["bundle_notice"] = (
                ids[0],
                f"There is no model called '{fmt.clean(wanted, limit=40)}' here, so the first one is shown.",
            )
        st.session_state[BUNDLE_KEY] = wanted if wanted in ids else ids[0]
    names = picker_names(entries)
    st.sidebar.selectbox(
        "Model",
        ids,
        key=BUNDLE_KEY,
        persist_state="session",
        format_func=lambda i: names[i],
        help="The model every page describes. The page link includes it, so a copied link opens the same model.",
    )
    st.query_params[BUNDLE_KEY] = st.session_state[BUNDLE_KEY]
    return by_id[st.session_state[BUNDLE_KEY]]


def picker_names(entries: list[Entry]) -> dict[str, str]:
    """How each bundle reads in the picker, every name different: the picker tells options apart by
    what they read, so two bundles with one title (a copy, say) also show their folder names."""
    titles = {e.id: fmt.clean(e.title if e.spec else f"⚠ {e.id} (cannot open)", limit=80) for e in entries}
    seen = Counter(titles.values())
    return {i: (t if seen[t] == 1 else f"{t} ({fmt.clean(i, limit=60)})") for i, t in titles.items()}


def bundle_notice() -> str | None:
    """Why the model shown is not the one a link asked for: said for as long as it is the one shown."""
    shown, notice = st.session_state.get("bundle_notice") or (None, None)
    return notice if shown is not None and st.session_state.get(BUNDLE_KEY) == shown else None


def choose(bundle_id: str) -> None:
    """Make another bundle the selected one (for buttons, as an on_click callback)."""
    st.session_state[BUNDLE_KEY] = bundle_id


def current() -> Entry | None:
    """The selected bundle (chosen in the router's picker), opened or with its problem."""
    selected = st.session_state.get(BUNDLE_KEY)
    return next((e for e in catalogue() if e.id == selected), None)


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


def init_point(bundle: Bundle) -> list[str]:
    """Set the operating-point controls for this bundle: from the link on arrival, else its own.

    Returns notices for link values that could not be used.
    """
    arrived = "_point_for" not in st.session_state
    if st.session_state.get("_point_for") == bundle.id and "min_confidence" in st.session_state:
        return []
    same_bundle = st.session_state.get("_point_for") in (None, bundle.id)
    if arrived or same_bundle:
        point, notices = links.point_from_query(st.query_params.to_dict(), bundle.spec)
    else:  # another bundle was picked: its own setting, not the previous bundle's link
        point, notices = bundle.spec.operating_point, []
    st.session_state["threshold"] = point.threshold
    st.session_state["min_confidence"] = point.min_confidence
    st.session_state["_point_for"] = bundle.id
    return [*bundle.spec.notices, *notices]


def move_to(point: OperatingPoint) -> None:
    """Move the controls to a point (an on_click callback)."""
    st.session_state["threshold"] = round(point.threshold, 2)
    st.session_state["min_confidence"] = round(point.min_confidence, 2)


def write_point(point: OperatingPoint, bundle: Bundle) -> None:
    """Keep the chosen point in the URL, so a copied link opens the page at it."""
    for key, value in links.point_to_query(point, bundle.spec).items():
        st.query_params[key] = value


BLOCK_SECONDS = 8.0  # a page waits this long for a first explanation, then shows its progress instead


class Pending(Exception):
    """Slow work still running in the background: the page shows its progress, not an error."""

    def __init__(self, job, what: str):
        super().__init__(what)
        self.job, self.what = job, what


def _explain_job(bundle: Bundle):
    from core.app import jobs
    from core.explaining import explain

    return jobs.start(
        f"explain:{bundle.figures_key}",
        lambda progress: explain.for_bundle(bundle, scoring.cache_dir(), progress=progress),
        budget=explain.TIME_BUDGET_SECONDS,
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
    job = _explain_job(bundle)
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


AUDIENCES = ("Plain", "Technical")


def select_audience() -> str:
    """The sidebar's audience switch, kept in the URL as ?audience=plain|technical."""
    if st.session_state.get("audience") not in AUDIENCES:
        wanted = str(st.query_params.get("audience", "")).capitalize()
        st.session_state["audience"] = wanted if wanted in AUDIENCES else AUDIENCES[0]
    st.sidebar.segmented_control(
        "Audience",
        AUDIENCES,
        key="audience",
        persist_state="session",
        required=True,
        help="Plain speaks in everyday words; Technical adds metric names, ranges and method notes for a model review.",
    )
    st.query_params["audience"] = st.session_state["audience"].lower()
    return st.session_state["audience"]


def glossary_panel() -> None:
    """The glossary, one line per term, in the sidebar of every page."""
    from core.words.glossary import TERMS

    with st.sidebar.expander("What the words mean"):
        st.markdown("\n".join(f"- **{term}**: {line}" for term, line in TERMS.items()))


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


def current_point(bundle: Bundle) -> OperatingPoint:
    """The setting chosen on the Performance page for this bundle, else the bundle's own."""
    if st.session_state.get("_point_for") == bundle.id and "min_confidence" in st.session_state:
        return OperatingPoint(
            st.session_state.get("threshold", bundle.spec.operating_point.threshold), st.session_state["min_confidence"]
        )
    return bundle.spec.operating_point


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


def comparable(bundle: Bundle, wanted: str | None = None) -> Bundle | None:
    """A published model that can be set against `bundle` case by case (same task, same rows):
    `wanted` when it qualifies, else the first such. Bundles whose summary shows another task or
    row count are never opened."""
    candidates = [
        e
        for e in catalogue()
        if e.id != bundle.id
        and e.spec is not None
        and e.spec.task == bundle.spec.task
        and (e.summary is None or e.summary.rows == len(bundle.eval))
    ]
    candidates.sort(key=lambda e: e.id != wanted)  # the one asked for first, the rest in order
    for entry in candidates:
        other = entry.bundle
        if other is not None and _same_rows(bundle.figures_key, other.figures_key, bundle, other):
            return other
    return None


@st.cache_data(max_entries=64, show_spinner=False)
def _same_rows(key_a: str, key_b: str, _a: Bundle, _b: Bundle) -> bool:
    from core.evaluation import compare

    return compare.rows_problem(_a, _b) is None


@st.cache_resource(max_entries=16, show_spinner="Comparing the two models case by case...")
def _judged(key_a: str, key_b: str, threshold: float, min_confidence: float, _a: Bundle, _b: Bundle):
    from core.evaluation import compare

    point = OperatingPoint(threshold, min_confidence)
    return compare.judged(
        eval_set(_a), point, _a.spec.title, eval_set(_b), _b.spec.operating_point, _b.spec.title, _a.spec
    )


def judged(bundle: Bundle, other: Bundle, point: OperatingPoint):
    """`bundle` at `point` against `other` at its own setting, on the same rows (computed once)."""
    return _judged(bundle.figures_key, other.figures_key, point.threshold, point.min_confidence, bundle, other)


@st.cache_resource(max_entries=16, show_spinner="Reading the requests since launch (each batch once)...")
def _since_launch(key: str, batches: tuple, threshold: float, min_confidence: float, _bundle: Bundle):
    from core.after_launch import traffic
    from core.outputs import story

    point = OperatingPoint(threshold, min_confidence)
    ref = traffic.reference(_bundle)
    combined = traffic.summary(_bundle, scoring.cache_dir(), point, ref)
    if combined is None or not len(combined.days):
        return None
    data = eval_set(_bundle)
    trusted = False
    if _bundle.spec.task != "regression" and not _bundle.decides_only:
        said = story.calibration_finding(data)
        trusted = said is not None and said.severity == 0 and "face value" in said.sentence
    return traffic.since_launch(_bundle, combined, ref, headline(_bundle, point), data, point, trusted)


def since_launch(bundle: Bundle):
    """The bundle's traffic per period against its test figures, at the setting in bundle.yaml
    (the one in use); None without traffic. Recomputed only when a batch is added."""
    from core.after_launch import traffic

    if bundle.spec.traffic is None:
        return None
    found = tuple((b.path.name, b.sha256) for b in traffic.batches(bundle))  # oldest first
    if not found:
        return None
    point = bundle.spec.operating_point
    result = _since_launch(bundle.figures_key, found, point.threshold, point.min_confidence, bundle)
    if result is not None:  # Home's cards read it from here without opening the bundle
        from core.words import narrative

        line = narrative.traffic_line(result, bundle.spec)
        traffic.keep_line(scoring.cache_dir(), bundle.figures_key, [b for _, b in found], line)
    return result


@dataclass
class Room:
    """A presentation shown in more than one window: the presenter's view leads, and every
    audience window opened from it follows its slide and case."""

    slide: int = 0
    case: str | None = None
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _rooms() -> dict[str, Room]:
    return {}


def room(name: str) -> Room:
    """The room a presenter and their audience windows share (kept for the server's life; a room
    holds two small values)."""
    rooms = _rooms()
    if name not in rooms and len(rooms) >= ROOMS:
        rooms.pop(next(iter(rooms)), None)  # the oldest presentation makes way
    return rooms.setdefault(name, Room())


ROOMS = 1000


def view_link() -> None:
    """The link to exactly this view (page, model, setting, audience, case, comparison), to copy.

    Drawn by each page where its state settles (inside a fragment when the fragment changes the
    link), so it is never a step behind.
    """
    from urllib.parse import urlencode

    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    with st.expander("Link to this view", icon=":material/link:"):
        st.caption("Opens this page with the same model, setting, audience and choices. Use the copy button.")
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
