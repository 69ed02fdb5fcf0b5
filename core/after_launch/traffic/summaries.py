"""What the test data looks like, and one batch summarised per day: computed once, cached by hash."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.after_launch.traffic.log import Batch, batches
from core.after_launch.traffic.text import LENGTH, NEW_WORDS, UNLIKE, UNLIKE_SHARE, batch_terms, watch
from core.bundles.bundle import Bundle, align_categories, class_index, named_labels, read_rows
from core.bundles.contract import BundleError, OperatingPoint

SUMMARY_VERSION = 3  # 2: text inputs watched, new category values counted; 3: the share of words new to it
FINE_BINS = 100  # numeric inputs: percentiles of the test data, so medians are quoted to within 1%
LEVELS = 30  # categories: the most common in the test data; the rest are "other"
MISSING, OTHER = "(missing)", "(other)"


@dataclass
class Reference:
    """Bins fixed by the test data: fine percentile edges for numbers, the common levels for
    categories, and the test data's share in each."""

    edges: dict[str, np.ndarray] = field(default_factory=dict)
    levels: dict[str, list[str]] = field(default_factory=dict)
    shares: dict[str, np.ndarray] = field(default_factory=dict)
    medians: dict[str, float] = field(default_factory=dict)
    texts: dict = field(default_factory=dict)  # text input -> its `text.TextWatch`
    known: dict[str, frozenset] = field(default_factory=dict)  # category -> every value the test data had

    @property
    def features(self) -> list[str]:
        return [*self.edges, *self.levels]

    def source(self, feature: str) -> str:
        """The input a watched feature comes from (`message · length` comes from `message`)."""
        for text in self.texts:
            if feature in (text + LENGTH, text + UNLIKE):
                return text
        return feature

    def derived(self, feature: str, frame: pd.DataFrame, cache: dict) -> pd.Series:
        """A watched feature's values in `frame`: the column itself, or a measure of a text input."""
        source = self.source(feature)
        if source == feature:
            return frame[feature]
        if feature not in cache:
            watched = self.texts[source]
            if feature.endswith(LENGTH):
                cache[feature] = pd.Series(watched.lengths(frame[source]), index=frame.index)
            else:
                cache[source + NEW_WORDS] = watched.unfamiliar(frame[source])
                unlike = cache[source + NEW_WORDS] >= UNLIKE_SHARE
                cache[feature] = pd.Series(np.where(unlike, "yes", "no"), index=frame.index)
        return cache[feature]

    def codes(self, feature: str, values: pd.Series) -> np.ndarray:
        """Each value's bin: numbers by edge (missing last), categories by level (other, then missing)."""
        if feature in self.edges:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(float)
            edges = self.edges[feature]
            code = np.searchsorted(edges, numbers, side="right")
            code[np.isnan(numbers)] = len(edges) + 1
            return code
        levels = self.levels[feature]
        found, distinct = _distinct(values)
        position = {level: i for i, level in enumerate(levels)}
        lookup = np.array([position.get(value, len(levels)) for value in distinct] + [len(levels) + 1], np.int64)
        return lookup[found]  # a missing value is found at -1: the last entry

    def size(self, feature: str) -> int:
        return len(self.edges[feature]) + 2 if feature in self.edges else len(self.levels[feature]) + 2


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(each value's index into the distinct values, -1 when missing; the distinct values as text,
    as `astype("string")` writes them): a category's values are read once, not once per row."""
    found, distinct = pd.factorize(values, use_na_sentinel=True)
    return found, [str(value) for value in np.asarray(pd.Series(distinct).astype("string"), dtype=object)]


def reference(bundle: Bundle) -> Reference:
    """The test data's spread of every input the model reads; a text input through its length and
    the share of messages that look like nothing the model was trained on (`text`)."""
    ref = Reference()
    text = [f for f in bundle.spec.text_features if f in bundle.X.columns]
    for feature in text:
        ref.texts[feature] = watch(bundle.model, bundle.X[feature], feature)
        ref.levels[feature + UNLIKE] = ["no", "yes"]
    cache: dict = {}
    for feature in [f for f in bundle.features if f not in text] + [f + k for f in text for k in (LENGTH, UNLIKE)]:
        values = ref.derived(feature, bundle.X, cache)
        if feature.endswith(UNLIKE) and ref.source(feature) != feature:
            codes = ref.codes(feature, values)
            ref.shares[feature] = np.bincount(codes, minlength=ref.size(feature)) / len(values)
            source = ref.source(feature)  # measuring it measured the share of each message's words new to the model
            ref.texts[source].new_words_test = float(cache[source + NEW_WORDS].mean())
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.to_numpy(float)
            present = numbers[~np.isnan(numbers)]
            if len(present) == 0:
                continue
            ref.edges[feature] = np.unique(np.percentile(present, np.linspace(0, 100, FINE_BINS + 1)[1:-1]))
            ref.medians[feature] = float(np.median(present))
        else:
            counts = values.astype("string").value_counts()
            ref.levels[feature] = [str(level) for level in counts.index[:LEVELS]]
            ref.known[feature] = frozenset(str(level) for level in counts.index)
        codes = ref.codes(feature, values)
        ref.shares[feature] = np.bincount(codes, minlength=ref.size(feature)) / len(values)
    return ref


TERMS = ["day", "feature", "term", "count"]
EXAMPLES = ["day", "feature", "term", "message"]
NOVEL = ["day", "feature", "value", "count"]
NAMES = ("days", "inputs", "answers", "terms", "examples", "novel")


@dataclass
class Summary:
    """One or more batches, per day: `days` holds the counts and sums, `inputs` the requests per
    input bin, `answers` (classifiers) the requests per answer."""

    days: pd.DataFrame
    inputs: pd.DataFrame  # day, feature, bin, count
    answers: pd.DataFrame  # day, answer, count
    terms: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TERMS))  # sampled messages per term
    examples: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=EXAMPLES)
    )  # real messages per rising term
    novel: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=NOVEL)
    )  # category values the tests never had

    @staticmethod
    def combine(parts: list[Summary]) -> Summary:
        """Batches added up, day by day (a day split across batches is one day)."""

        def added(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
            kept = [f for f in frames if len(f)]
            if not kept:
                return frames[0]
            return pd.concat(kept, ignore_index=True).groupby(keys, as_index=False, sort=True).sum()

        kept = [p.examples for p in parts if len(p.examples)]
        return Summary(
            added([p.days for p in parts], ["day"]),
            added([p.inputs for p in parts], ["day", "feature", "bin"]),
            added([p.answers for p in parts], ["day", "answer"]),
            added([p.terms for p in parts], ["day", "feature", "term"]),
            pd.concat(kept, ignore_index=True) if kept else parts[0].examples,
            added([p.novel for p in parts], ["day", "feature", "value"]),
        )


def scores_of(bundle: Bundle, frame: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(probabilities in the bundle's class order, or None; estimates, or None) for a batch: the
    live model's scores when the traffic carries them, else the model asked now."""
    spec, traffic = bundle.spec, bundle.spec.traffic
    if traffic.score_column or traffic.score_columns:
        if spec.task == "regression":
            return None, frame[traffic.score_column].to_numpy(float)
        if spec.task == "binary":
            chance = frame[traffic.score_column].to_numpy(float)
            proba = np.zeros((len(frame), 2))
            index = bundle.classes.index(bundle.positive_class)
            proba[:, index], proba[:, 1 - index] = chance, 1 - chance
            return proba, None
        by_class = dict(traffic.score_columns)
        proba = frame[[by_class[str(c)] for c in bundle.classes]].to_numpy(float)
        return proba / proba.sum(axis=1, keepdims=True), None
    if bundle.model is None:
        raise BundleError(
            "This bundle has no model file, so the traffic must carry the live model's scores.",
            "Name them under `traffic.scores` in bundle.yaml.",
            field="traffic.scores",
        )
    X = frame[bundle.features]  # copied on write only: align_categories may change a column of its own
    align_categories(bundle.model, X, bundle.features)
    from core.bundles.scoring import CHUNK_ROWS

    chunks = [X.iloc[i : i + CHUNK_ROWS] for i in range(0, len(X), CHUNK_ROWS)]
    if spec.task == "regression":
        return None, np.concatenate([bundle.model.predict(c) for c in chunks]).astype(float)
    if bundle.decides_only:
        decided = class_index(
            pd.Series(np.concatenate([bundle.model.predict(c) for c in chunks])), bundle.model_classes
        )
        proba = np.zeros((len(X), len(bundle.model_classes)))
        proba[np.arange(len(X)), decided] = 1.0
        return proba, None
    return np.concatenate([bundle.model.predict_proba(c) for c in chunks]).astype(float), None


def expected_values(task: str, chance: np.ndarray, answer: np.ndarray, acted: np.ndarray, values: dict) -> np.ndarray:
    """What each request is worth if the model's chances are right (binary: `chance` of the
    positive class; multiclass: its confidence), before any outcome is known."""
    abstain = float(values.get("abstain", 0.0))
    if task == "binary":
        flagged = chance * values.get("true_positive", 0.0) + (1 - chance) * values.get("false_positive", 0.0)
        passed = chance * values.get("false_negative", 0.0) + (1 - chance) * values.get("true_negative", 0.0)
        acted_value = np.where(answer == 1, flagged, passed)
    else:
        acted_value = chance * values.get("correct", 0.0) + (1 - chance) * values.get("wrong", 0.0)
    return np.where(acted, acted_value, abstain)


PART = 125_000  # rows summarised at a time: a large batch costs a part's working memory, not its own


def summarise(
    bundle: Bundle,
    frame: pd.DataFrame,
    ref: Reference,
    point: OperatingPoint,
    workers: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> Summary:
    """One batch, per day, at the bundle's setting: summarised in parts of `PART` rows, added up; a
    text input's words over the whole batch. With `workers` > 1 the parts are shared among that many
    processes where forking is safe (`forks.map_forked`; a thread scores no faster), and this one
    runs `meanwhile()` first, while the others work."""
    from core.after_launch.traffic import forks

    _lacking(bundle, frame, ref)
    starts = list(range(0, len(frame), PART)) or [0]
    made = forks.map_forked(_part_at, (bundle, frame, ref, point), starts, workers, meanwhile)
    summary = Summary.combine(made)
    if ref.texts:
        keep, day = _days(frame, bundle.spec.traffic.timestamp)
        terms, examples = [pd.DataFrame(columns=TERMS)], [pd.DataFrame(columns=EXAMPLES)]
        for feature, watched in ref.texts.items():
            if feature in frame.columns:
                counted, quoted = batch_terms(watched, frame.loc[keep, feature], day)
                terms.append(counted)
                examples.append(quoted)
        summary.terms = pd.concat([f for f in terms if len(f)] or terms[:1], ignore_index=True)
        summary.examples = pd.concat([f for f in examples if len(f)] or examples[:1], ignore_index=True)
    return summary


def _lacking(bundle: Bundle, frame: pd.DataFrame, ref: Reference) -> None:
    """Refuse a batch without the timestamp or an input the model reads (or that is watched)."""
    traffic = bundle.spec.traffic
    missing = [c for c in [traffic.timestamp, *bundle.features] if c not in frame.columns]
    if traffic.score_column or traffic.score_columns:
        missing = [c for c in missing if c == traffic.timestamp or c in ref.features]
    if missing:
        raise BundleError(
            f"A traffic batch lacks columns the model reads: {', '.join(missing[:5])}.",
            "Each batch needs the timestamp and the model's input columns, as in the evaluation file.",
            field="traffic.path",
        )


def _days(frame: pd.DataFrame, timestamp: str) -> tuple[np.ndarray, np.ndarray]:
    """(which rows have a readable time; the day of each of those, in one unit kept through Parquet)."""
    when = pd.to_datetime(frame[timestamp], errors="coerce", utc=True)
    keep = when.notna().to_numpy()
    return keep, when[keep].dt.tz_localize(None).dt.floor("D").to_numpy("datetime64[ns]")


def _part_at(work: tuple, start: int) -> Summary:
    """The `PART` rows of a batch from `start`: `work` is (bundle, rows, reference, setting)."""
    bundle, frame, ref, point = work
    return _summarise_part(bundle, frame.iloc[start : start + PART], ref, point)


def _summarise_part(bundle: Bundle, frame: pd.DataFrame, ref: Reference, point: OperatingPoint) -> Summary:
    """Some rows of a batch, per day, at the bundle's setting (text inputs' words aside)."""
    from core.evaluation import metrics

    spec = bundle.spec
    traffic = spec.traffic
    keep, day = _days(frame, traffic.timestamp)
    frame = frame.loc[keep]
    n = len(frame)
    proba, estimate = scores_of(bundle, frame)
    outcome = frame[traffic.outcome] if traffic.outcome in frame.columns else pd.Series([None] * n, index=frame.index)
    known = outcome.notna().to_numpy()
    values = spec.business.values
    abstain = float(values.get("abstain", 0.0))
    if spec.task == "regression":
        acted = np.ones(n, bool)
        confidence = np.ones(n)
        answer = np.zeros(n, int)
        data = metrics.EvalSet.regression(
            pd.to_numeric(outcome, errors="coerce").fillna(0).to_numpy(float), estimate, spec.tolerance, values
        )
        expected = np.full(n, np.nan)
    else:
        outcome = named_labels(outcome, spec)
        if spec.task == "binary":
            positive = bundle.classes.index(bundle.positive_class)
            p = proba[:, positive]
            confidence = np.maximum(p, 1 - p)
            answer = (p >= point.threshold).astype(int)
            truth = np.where(outcome.astype("string").fillna("") == str(bundle.positive_class), 1, 0)
            data = metrics.EvalSet.binary(truth, p, values)
        else:
            answer = proba.argmax(axis=1)
            confidence = proba[np.arange(n), answer]
            truth = class_index(outcome.astype(object).where(known, None), bundle.classes)
            data = metrics.EvalSet.multiclass(truth, proba, values)
        acted = confidence >= point.min_confidence
        expected = expected_values(spec.task, p if spec.task == "binary" else confidence, answer, acted, values)
    out = metrics.outcomes(data, point)
    right = out.correct & acted & known
    rows = pd.DataFrame(
        {
            "day": day,
            "n": 1,
            "acted": acted.astype(int),
            "expected_right": np.where(acted, confidence, 0.0),
            "expected_var": np.where(acted, confidence * (1 - confidence), 0.0),
            "known": known.astype(int),
            "known_acted": (known & acted).astype(int),
            "right": right.astype(int),
            "value_known": np.where(known, out.value - abstain, 0.0),
            "value_expected": np.where(known, 0.0, np.nan_to_num(expected - abstain)),
        }
    )
    cache: dict = {}
    for feature in ref.texts:  # per text input, the share of each message's words new to the model, summed
        if feature in frame.columns:
            ref.derived(feature + UNLIKE, frame, cache)
            rows[feature + NEW_WORDS] = cache[feature + NEW_WORDS]
    days = rows.groupby("day", as_index=False, sort=True).sum()
    days_of = np.unique(day, return_inverse=True)  # (the days, each request's day among them)
    parts = []
    for feature in ref.features:
        if ref.source(feature) not in frame.columns:
            continue
        codes = ref.codes(feature, ref.derived(feature, frame, cache))
        counted = _per_day(days_of, codes, ref.size(feature), "bin")
        counted["feature"] = feature
        parts.append(counted)
    inputs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["day", "bin", "count", "feature"])
    answers = pd.DataFrame(columns=["day", "answer", "count"])
    if spec.task != "regression":
        shown = np.where(acted, answer, -1)  # -1: handed to a person
        answers = _per_day(days_of, shown + 1, proba.shape[1] + 1, "answer")
        answers["answer"] -= 1
    novel = [pd.DataFrame(columns=NOVEL)]
    for feature, known in ref.known.items():
        if feature in frame.columns:
            found, distinct = _distinct(frame[feature])
            unknown = np.array([value not in known for value in distinct] + [False])
            new = unknown[found]
            if new.any():
                named = np.array(distinct, dtype=object)[found[new]]
                counted = pd.DataFrame({"day": day[new], "value": named}).value_counts()
                counted = counted.reset_index(name="count").sort_values("count", ascending=False).head(200)
                novel.append(counted.assign(feature=feature)[NOVEL])
    novel = pd.concat([f for f in novel if len(f)] or novel[:1], ignore_index=True)
    return Summary(days, inputs[["day", "feature", "bin", "count"]], answers, novel=novel)


def _per_day(days_of: tuple[np.ndarray, np.ndarray], codes: np.ndarray, size: int, name: str) -> pd.DataFrame:
    """How many requests fall in each of `size` codes (0 to size - 1) per day: day, `name`, count,
    only the pairs that occur."""
    days, index = days_of
    counts = np.bincount(index.astype(np.int64) * size + codes, minlength=len(days) * size)
    seen = np.flatnonzero(counts)
    return pd.DataFrame({"day": days[seen // size], name: seen % size, "count": counts[seen]})


def _cache_key(bundle: Bundle, batch: Batch, point: OperatingPoint) -> str:
    text = f"{SUMMARY_VERSION}|{bundle.figures_key}|{batch.sha256}|{point.threshold}|{point.min_confidence}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def batch_summary(bundle: Bundle, batch: Batch, ref: Reference, point: OperatingPoint, cache: Path) -> Summary:
    """A batch's summary: read from the cache, or computed once and kept there."""
    folder = cache / "traffic" / _cache_key(bundle, batch, point)
    if (kept := _read(folder)) is not None:
        return kept
    summary = summarise(bundle, read_rows(batch.path), ref, point)
    keep(folder, summary)
    return summary


def keep(folder: Path, summary: Summary) -> None:
    """A batch's summary written into the cache under its key (`folder`)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    # written under a name of its own, then moved into place: processes sharing the cache (several
    # servers, or workers) may summarise the same batch at once, and the first to finish keeps it
    partial = Path(tempfile.mkdtemp(prefix=f"{folder.name}.partial-", dir=folder.parent))
    for name in NAMES:
        getattr(summary, name).to_parquet(partial / f"{name}.parquet", index=False)
    if folder.exists() and not all((folder / f"{name}.parquet").exists() for name in NAMES):
        shutil.rmtree(folder, ignore_errors=True)  # left half-written by a process that was stopped
    try:
        partial.rename(folder)
    except OSError:  # another process kept the same summary first
        shutil.rmtree(partial, ignore_errors=True)


def add(folder: Path, file: Path, opened: Bundle | None = None, cache: Path | None = None, workers: int = 1) -> Path:
    """Add a batch (`log.add`) summarised as it is added: the summary is made from the rows already
    read, before anything is written (a batch that cannot be summarised is refused), and kept in
    the cache once the batch is logged, with the running total of every batch so far, so the page
    never reads a batch's rows and reads one total. `workers`: how many
    processes share a large batch's parts (the command uses every core)."""
    from core.after_launch.traffic import log
    from core.bundles import scoring

    def prepare(bundle: Bundle, frame: pd.DataFrame, meanwhile):
        point = bundle.spec.operating_point
        made = summarise(bundle, frame, reference(bundle), point, workers, meanwhile)

        def logged(digest: str) -> None:
            kept = cache or scoring.cache_dir()
            try:
                keep(kept / "traffic" / _cache_key(bundle, Batch(Path(), digest), point), made)
                summary(bundle, kept, point)  # the running total grown by this batch, for the page to read
            except OSError:
                pass  # no cache to write: the page summarises the batch itself, once

        return logged

    return log.add(folder, file, opened, prepare=prepare)


computed = 0  # batches summarised (not read from the cache): tests count it


def summary(bundle: Bundle, cache: Path, point: OperatingPoint | None = None, ref: Reference | None = None) -> Summary:
    """Every batch of a bundle's traffic, added up (each batch summarised once).

    The batches are added one at a time, oldest first, and the running total after each is kept
    in the cache under a key chained from the batches so far: a page reads one total, not one
    summary per batch, and a new batch adds itself to the total before it. Always the same sums in
    the same order, so the figures are the same whether the total was read or worked out.
    """
    global computed
    point = point or bundle.spec.operating_point
    found = batches(bundle)
    if not found:
        return None
    chain = _chained_keys(bundle, found, point)
    start, total = len(found), None
    while start > 0 and (total := _read(cache / "traffic" / chain[start - 1])) is None:
        start -= 1
    for at in range(start, len(found)):
        batch = found[at]
        if not (cache / "traffic" / _cache_key(bundle, batch, point)).exists():
            computed += 1
        ref = ref or reference(bundle)
        part = batch_summary(bundle, batch, ref, point, cache)
        total = Summary.combine([part] if total is None else [total, part])
    if start < len(found):
        keep(cache / "traffic" / chain[-1], total)
        if start > 0:  # the total it grew from is no longer the newest: one total kept per bundle
            shutil.rmtree(cache / "traffic" / chain[start - 1], ignore_errors=True)
    return total


def _chained_keys(bundle: Bundle, found: list[Batch], point: OperatingPoint) -> list[str]:
    """The key of the running total after each batch: each holds the one before it."""
    keys, before = [], "total"
    for batch in found:
        before = hashlib.sha256(f"{before}|{_cache_key(bundle, batch, point)}".encode()).hexdigest()[:32]
        keys.append(before)
    return keys


def _read(folder: Path) -> Summary | None:
    """A summary kept in the cache, or None (not there, or removed while it was read)."""
    try:
        return Summary(*(pd.read_parquet(folder / f"{name}.parquet") for name in NAMES))
    except (OSError, ValueError):
        return None
