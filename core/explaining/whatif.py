"""What if: one case edited by hand, the smallest change that flips its decision, and scenarios.

Plain Python over a fitted model: `controls` describes each feature for a form (range and values
seen, unit, whether it may be changed), `assess` answers for one case (prediction, decision,
contributions), `smallest_flip` searches realistic changes to the actionable features, and
`scenario` applies one rule to many rows and counts what flips. Nothing here raises on odd input:
unseen categories and out-of-range numbers are accepted and reported as extrapolation.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.contract import BundleSpec, OperatingPoint

GRID = 12  # candidate values per numeric feature, from the values seen
PAIR_POOL = 8  # the most promising single changes that are combined in pairs and threes
SEARCH_SECONDS = 1.0


@dataclass(frozen=True)
class Control:
    """How a feature is shown and edited: its range or values as seen in the evaluation data."""

    name: str
    label: str
    numeric: bool
    unit: str | None
    actionable: bool
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    whole: bool = False
    grid: tuple = ()
    spread: float = 1.0
    text: bool = False  # free text (kind: text): typed, never picked from whole messages seen
    known_terms: object = field(default=None, compare=False)  # text: message -> how many terms the model knows

    @property
    def bound(self) -> float:
        """The largest size a value may have: far beyond anything seen, short of overflowing the model.

        >>> Control("age", "Age", True, "years", False, 18.0, 90.0).bound
        1000000.0
        """
        seen = max(abs(self.low or 0.0), abs(self.high or 0.0))
        return float(min(MAX_VALUE, max(1e6, 1000 * seen)))


MAX_VALUE = 1e15  # models that compute in float32 overflow near 3.4e38; nothing real is near either


def number(value, control: Control) -> float | None:
    """A value for a numeric feature, or None when it is no number, not finite or absurdly large.

    >>> c = Control("age", "Age", True, "years", False, 18.0, 90.0)
    >>> number("42", c), number("1e39", c), number("inf", c), number("banana", c)
    (42.0, None, None, None)
    """
    result = _float(value)
    if result is None or not math.isfinite(result) or abs(result) > control.bound:
        return None
    return result


def column_facts(X: pd.DataFrame, texts: set[str] = frozenset()) -> dict[str, dict]:
    """What the edit controls need from the evaluation rows, per column: the range, grid and spread
    of a number, the values of a category. Plain numbers and strings, so they keep on disk."""
    facts = {}
    for name in X.columns:
        column = X[name]
        if name in texts:
            facts[name] = {"kind": "text"}
        elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            seen = column.dropna().to_numpy(dtype=float)
            whole = bool(np.all(np.equal(np.mod(seen, 1), 0)))
            low, high = (float(seen.min()), float(seen.max())) if len(seen) else (0.0, 1.0)
            if len(seen):
                q1, q3 = np.quantile(seen, [0.25, 0.75])
                grid = [
                    float(v) for v in np.unique(np.quantile(seen, np.linspace(0, 1, GRID)).round(0 if whole else 2))
                ]
                spread = float(q3 - q1) or float(np.std(seen, ddof=1) if len(seen) > 1 else 0.0) or 1.0
            else:
                grid, spread = [], 1.0
            facts[name] = {"kind": "number", "low": low, "high": high, "whole": whole, "grid": grid, "spread": spread}
        else:
            values = column.dropna().astype(str).value_counts()
            facts[name] = {"kind": "category", "options": [str(v) for v in values.index]}
    return facts


def kept_facts(bundle, directory: Path) -> dict[str, dict]:
    """`column_facts` of a bundle's evaluation rows, read back when an earlier run kept them in
    `directory` (keyed by the evaluation file's hash and the columns), else computed and kept."""
    texts = sorted(set(bundle.spec.text_features) & set(bundle.features))
    key = hashlib.sha256(json.dumps([bundle.eval_sha256, list(bundle.features), texts]).encode()).hexdigest()[:24]
    path = Path(directory) / f"{key}.controls.json"
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(facts, dict) and list(facts) == list(bundle.features):
            return facts
    except (OSError, ValueError):
        pass  # absent or damaged: computed again
    facts = column_facts(bundle.X, set(texts))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(facts), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only disk still gets the controls, computed each start
    return facts


def controls(X: pd.DataFrame, spec: BundleSpec, model=None, facts: dict[str, dict] | None = None) -> list[Control]:
    """One control per feature; with the model, a text control can tell a message with no word it knows.

    `facts` are `column_facts` of X, when they were kept from an earlier run."""
    from core.explaining.text import term_counter

    texts = {name for name in X.columns if (info := spec.features.get(name)) is not None and info.kind == "text"}
    facts = facts if facts is not None else column_facts(X, texts)
    found = []
    for name in X.columns:
        info, fact = spec.features.get(name), facts[name]
        label, unit = spec.label(name), info.unit if info else None
        actionable = info.actionable if info else True
        if name in texts:  # typed; the flip search does not rewrite messages
            counter = term_counter(model, name) if model is not None else None
            found.append(Control(name, label, False, unit, False, text=True, known_terms=counter))
        elif fact["kind"] == "number":
            low, high, whole = fact["low"], fact["high"], fact["whole"]
            step = 1.0 if whole else float(10 ** math.floor(math.log10(max(high - low, 1e-9) / 100)))
            grid = tuple(fact["grid"])
            found.append(Control(name, label, True, unit, actionable, low, high, step, (), whole, grid, fact["spread"]))
        else:
            options = tuple(fact["options"])
            found.append(Control(name, label, False, unit, actionable, options=options, grid=options))
    return found


def warnings_for(case: dict, controls_: list[Control]) -> list[str]:
    """Plain warnings for values outside what the model saw (it still answers, by extrapolating)."""
    notes = []
    for c in controls_:
        value = case.get(c.name)
        if c.text:  # new text is what text is for: only an empty message is worth a word
            if value is None or not str(value).strip():
                notes.append(f"The {c.label.lower()} is empty, so the model reads nothing from it.")
            elif c.known_terms is not None and c.known_terms(str(value)) == 0:
                notes.append(
                    f"None of the words in the {c.label.lower()} are ones the model learned, "
                    "so it reads nothing from them and answers from the other features alone."
                )
            continue
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if c.numeric:
            try:
                number = float(value)
            except (TypeError, ValueError):
                notes.append(f"{c.label} should be a number; '{value}' is treated as unknown.")
                continue
            if c.low is not None and not (c.low <= number <= c.high):
                notes.append(
                    f"{c.label} = {number:g} is outside the range the model saw ({c.low:g} to {c.high:g}), "
                    f"so its answer is a guess beyond its experience."
                )
        elif str(value) not in c.options:
            notes.append(
                f"{c.label} = '{value}' never appears in the data the model saw, so its answer for it is a guess."
            )
    return notes


def frame_for(cases: list[dict], X: pd.DataFrame, controls_: list[Control] = ()) -> pd.DataFrame:
    """Cases as a frame with the evaluation data's columns and types (bad numbers become unknown,
    missing text an empty message: a vectorizer reads no words from it rather than failing)."""
    frame = pd.DataFrame(cases, columns=list(X.columns))
    text = {c.name for c in controls_ if c.text}
    for name in X.columns:
        if name in text:
            frame[name] = frame[name].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
        elif pd.api.types.is_numeric_dtype(X[name]) and not pd.api.types.is_bool_dtype(X[name]):
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        else:
            frame[name] = frame[name].astype(X[name].dtype) if frame[name].notna().all() else frame[name].astype(object)
    return frame


@dataclass(frozen=True)
class Decision:
    """What the model does with a case at an operating point."""

    acts: bool
    answer: str  # binary: "flag" / "not flag"; multiclass: the class; regression: the estimate
    chance: float  # binary: P(positive); multiclass: confidence; regression: the estimate
    confidence: float

    def same_as(self, other: Decision) -> bool:
        """The same thing happens to the case (a person handling it counts as one outcome)."""
        if not self.acts and not other.acts:
            return True
        return self.acts == other.acts and self.answer == other.answer


def decide(
    shown: np.ndarray, task: str, point: OperatingPoint, classes: tuple | None, positive_index: int = 1
) -> list[Decision]:
    """Decisions for rows of shown predictions (probabilities per class, or estimates): the rule
    of `_decided`, one Decision per row."""
    shown = np.atleast_2d(np.asarray(shown, dtype=float))
    acts, answer, confidence = _decided(shown, task, point, positive_index)
    if task == "regression":
        return [Decision(True, f"{value:.2f}", float(value), 1.0) for value in shown[:, 0]]
    if task == "binary":
        return [
            Decision(bool(a), "flag" if k else "not flag", float(p), float(c))
            for a, k, p, c in zip(acts, answer, shown[:, positive_index], confidence, strict=True)
        ]
    return [
        Decision(bool(a), str(classes[k]), float(c), float(c)) for a, k, c in zip(acts, answer, confidence, strict=True)
    ]


@dataclass(frozen=True)
class Assessment:
    decision: Decision
    shown: np.ndarray  # the prediction row the app shows
    values: np.ndarray  # contributions per feature for the explained output
    base: float
    output: int
    warnings: list[str] = field(default_factory=list)


def assess(
    explainer, case: dict, X: pd.DataFrame, point: OperatingPoint, controls_: list[Control], positive_index: int = 1
) -> Assessment:
    """One prediction and one row of contributions for an edited case."""
    frame = frame_for([case], X, controls_)
    values, base, shown_out, outputs = explainer.explain(frame)  # one prediction, one row of contributions
    full = explainer.last_shown
    decision = decide(full, explainer.task, point, explainer.classes, positive_index)[0]
    k = 0 if values.shape[2] == 1 else int(np.argmax(shown_out[0]))
    return Assessment(decision, full[0], values[0, :, k], float(base[k]), k, warnings_for(case, controls_))


# --- the smallest change that flips the decision --------------------------------------------


@dataclass(frozen=True)
class Flip:
    changes: tuple[tuple[str, object, object], ...]  # (feature, from, to)
    decision: Decision
    cost: float


def _cost(change: tuple[str, object, object], by_name: dict[str, Control]) -> float:
    name, before, after = change
    c = by_name[name]
    if not c.numeric:
        return 1.0
    try:
        return abs(float(after) - float(before)) / (c.spread or 1.0)
    except (TypeError, ValueError):
        return 1.0


def smallest_flip(
    model_predict,
    case: dict,
    X: pd.DataFrame,
    controls_: list[Control],
    original: Decision,
    task: str,
    point: OperatingPoint,
    classes,
    positive_index: int = 1,
    seconds: float = SEARCH_SECONDS,
) -> Flip | None:
    """The cheapest set of changes (one, two or three actionable features, values seen in the data)
    that changes the model's decision, or None within the time budget. Never touches a feature
    marked `actionable: false`.

    `model_predict(frame)` returns the shown predictions (probabilities per class, or estimates).
    """
    if task == "regression":
        return None
    started = time.perf_counter()
    by_name = {c.name: c for c in controls_}
    singles = []
    for c in controls_:
        if not c.actionable:
            continue
        current = case.get(c.name)
        for value in c.grid:
            same = (
                (str(value) == str(current))
                if not c.numeric
                else (
                    current is not None and _float(current) is not None and math.isclose(float(value), _float(current))
                )
            )
            if not same:
                singles.append((c.name, current, float(value) if c.numeric else value))
    if not singles:
        return None

    def evaluate(change_sets):
        cases = []
        for changes in change_sets:
            edited = dict(case)
            for name, _, after in changes:
                edited[name] = after
            cases.append(edited)
        shown = model_predict(frame_for(cases, X, controls_))
        return decide(shown, task, point, classes, positive_index), shown

    decisions, shown = evaluate([(s,) for s in singles])
    best = _cheapest([(s,) for s in singles], decisions, original, by_name)
    if best is not None:
        return best
    # no single change flips it: combine the changes that move the model most toward another answer
    target = _pressure(shown, task, original, classes, positive_index, point)
    order = np.argsort(-target)
    pool, used = [], set()
    for i in order:
        if singles[i][0] not in used:
            pool.append(singles[i])
            used.add(singles[i][0])
        if len(pool) == PAIR_POOL:
            break
    for size in (2, 3):
        if time.perf_counter() - started > seconds:
            break
        combos = [combo for combo in itertools.combinations(pool, size) if len({n for n, _, _ in combo}) == size]
        if not combos:
            continue
        decisions, _ = evaluate(combos)
        best = _cheapest(combos, decisions, original, by_name)
        if best is not None:
            return best
    return None


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _cheapest(change_sets, decisions, original: Decision, by_name) -> Flip | None:
    found = [
        (sum(_cost(c, by_name) for c in changes) + 0.5 * len(changes), changes, d)
        for changes, d in zip(change_sets, decisions, strict=True)
        if not d.same_as(original)
    ]
    if not found:
        return None
    cost, changes, decision = min(found, key=lambda item: item[0])
    return Flip(tuple(changes), decision, float(cost))


def _pressure(shown, task, original: Decision, classes, positive_index, point) -> np.ndarray:
    """How far each single change pushes the model toward a different decision."""
    shown = np.atleast_2d(shown)
    if task == "binary":
        p = shown[:, positive_index]
        return -p if original.answer == "flag" else p
    k = list(map(str, classes)).index(original.answer)
    return -shown[:, k]


# --- scenarios over many rows ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    feature: str
    action: str  # "set", "shift" or "scale"; for text, "remove word" or "add word"
    value: object

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        changed = frame.copy()
        column = changed[self.feature]
        if self.action == "set":
            changed[self.feature] = (
                pd.to_numeric(pd.Series([self.value] * len(changed), index=changed.index), errors="coerce")
                if pd.api.types.is_numeric_dtype(column)
                else pd.Series(
                    [self.value] * len(changed),
                    index=changed.index,
                    dtype=column.dtype if str(self.value) in set(column.astype(str)) else object,
                )
            )
        elif self.action == "shift":
            changed[self.feature] = column + float(self.value)
        elif self.action == "scale":
            changed[self.feature] = column * float(self.value)
        elif self.action == "remove word":  # text: the word taken out wherever it stands, in any case
            pattern = re.compile(rf"(?i)\b{re.escape(str(self.value).strip())}\b")
            changed[self.feature] = column.fillna("").astype(str).map(lambda m: " ".join(pattern.sub("", m).split()))
        elif self.action == "add word":  # text: the word put at the end of every message
            word = str(self.value).strip()
            changed[self.feature] = column.fillna("").astype(str).map(lambda m: f"{m} {word}".strip())
        else:
            raise ValueError(
                f"a scenario rule sets, shifts or scales a feature, or removes or adds a word, not '{self.action}'"
            )
        return changed


@dataclass(frozen=True)
class ScenarioResult:
    rows: int
    flips: pd.DataFrame  # from, to, count
    acted_before: int
    acted_after: int
    value_before: float | None  # expected value per period (or per case), by the model's own beliefs
    value_after: float | None
    mean_before: float | None = None  # regression: mean estimate
    mean_after: float | None = None
    events_before: float | None = None  # binary: how many of the rows the model expects to have the event
    events_after: float | None = None
    touched: int | None = None  # how many of the rows the rule changes at all


def _decided(shown: np.ndarray, task: str, point: OperatingPoint, positive_index: int):
    """(acts, answer code, confidence) for every row at once: binary answer 1 is "flag", multiclass
    the class's position; regression acts on every row."""
    if task == "regression":
        n = len(shown)
        return np.ones(n, bool), np.zeros(n, int), np.ones(n)
    if task == "binary":
        p = shown[:, positive_index]
        confidence = np.maximum(p, 1 - p)
        return confidence >= point.min_confidence, (p >= point.threshold).astype(int), confidence
    answer = shown.argmax(axis=1)
    confidence = shown[np.arange(len(shown)), answer]
    return confidence >= point.min_confidence, answer, confidence


def _expected(shown, acts, answer, confidence, task: str, values: dict, positive_index: int) -> np.ndarray | None:
    """Expected value per row if the model's probabilities are right (regression: None)."""
    if task == "regression":
        return None
    if task == "binary":
        p = shown[:, positive_index]
        flagged = p * values.get("true_positive", 0.0) + (1 - p) * values.get("false_positive", 0.0)
        passed = p * values.get("false_negative", 0.0) + (1 - p) * values.get("true_negative", 0.0)
        acted = np.where(answer == 1, flagged, passed)
    else:
        acted = confidence * values.get("correct", 0.0) + (1 - confidence) * values.get("wrong", 0.0)
    return np.where(acts, acted, values.get("abstain", 0.0))


def _changed(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Rows whose value the rule changed (unknown stays unknown: unchanged)."""
    same = before.eq(after) | (before.isna() & after.isna())
    return ~same.to_numpy(dtype=bool)


def scenario(
    model_predict,
    X: pd.DataFrame,
    rule: Rule,
    mask: np.ndarray,
    task: str,
    point: OperatingPoint,
    classes,
    spec: BundleSpec,
    positive_index: int = 1,
    before_shown: np.ndarray | None = None,
) -> ScenarioResult:
    """Apply one rule to the rows in `mask` and compare the model's decisions before and after.

    `before_shown`: the model's predictions for every row of X, when already known (the cached
    scores); then only the rows the rule really changes are predicted again. Decisions and values
    are worked out for all rows at once."""
    mask = np.asarray(mask, dtype=bool)
    rows = X[mask]
    changed = rule.apply(rows)
    moved = _changed(rows[rule.feature], changed[rule.feature])
    before = np.asarray(before_shown)[mask] if before_shown is not None else model_predict(rows)
    before = before.reshape(len(rows), -1)
    after = before.copy()
    if moved.any():
        after[moved] = np.asarray(model_predict(changed[moved]), dtype=float).reshape(int(moved.sum()), -1)
    acts_b, answer_b, conf_b = _decided(before, task, point, positive_index)
    acts_a, answer_a, conf_a = _decided(after, task, point, positive_index)
    if task == "regression":
        flips = pd.DataFrame(columns=["from", "to", "count"])
    else:
        names = np.array(["not flag", "flag"] if task == "binary" else [str(c) for c in classes], dtype=object)
        said_b = np.where(acts_b, names[answer_b], "a person")
        said_a = np.where(acts_a, names[answer_a], "a person")
        differ = said_b != said_a
        pairs = pd.DataFrame({"from": said_b[differ], "to": said_a[differ]})
        flips = (
            pairs.value_counts().rename("count").reset_index()
            if len(pairs)
            else pd.DataFrame(columns=["from", "to", "count"])
        )
    values = spec.business.values
    ev_before = _expected(before, acts_b, answer_b, conf_b, task, values, positive_index)
    ev_after = _expected(after, acts_a, answer_a, conf_a, task, values, positive_index)
    scale = (spec.business.volume / len(X)) if spec.business.volume else 1.0
    if task == "regression":
        return ScenarioResult(
            int(mask.sum()),
            flips,
            int(mask.sum()),
            int(mask.sum()),
            None,
            None,
            float(np.mean(before)),
            float(np.mean(after)),
            touched=int(moved.sum()),
        )
    return ScenarioResult(
        rows=int(mask.sum()),
        flips=flips,
        acted_before=int(acts_b.sum()),
        acted_after=int(acts_a.sum()),
        value_before=float(ev_before.sum() * scale),
        value_after=float(ev_after.sum() * scale),
        events_before=float(before[:, positive_index].sum()) if task == "binary" else None,
        events_after=float(after[:, positive_index].sum()) if task == "binary" else None,
        touched=int(moved.sum()),
    )


# --- sentences --------------------------------------------------------------------------------


def _value_words(value, c: Control) -> str:
    if c.numeric:
        number = _float(value)
        if number is None:
            return "unknown"
        text = f"{number:,.0f}" if c.whole or float(number).is_integer() else f"{number:,.2f}"
        return f"{text} {c.unit}" if c.unit and c.unit not in ("1 to 5",) else text
    return str(value)


def flip_sentence(flip: Flip | None, controls_: list[Control], original: Decision, spec: BundleSpec, task: str) -> str:
    """ "If the contract type were one-year and the monthly bill 15 USD lower, the model would no longer flag this customer." """
    if task == "regression":
        return "This model estimates a number, so there is no yes-or-no decision to flip."
    if flip is None:
        return (
            f"No change of up to three features the model may change flips its decision for this "
            f"{spec.subject} within the search time."
        )
    by_name = {c.name: c for c in controls_}
    parts = []
    for name, before, after in flip.changes:
        c = by_name[name]
        label = c.label[:1].lower() + c.label[1:] if c.label[1:2].islower() else c.label
        if c.numeric and _float(before) is not None:
            delta = float(after) - float(before)
            amount = _value_words(abs(delta), c)
            parts.append(f"the {label} were {amount} {'higher' if delta > 0 else 'lower'}")
        else:
            parts.append(f"the {label} were {_value_words(after, c)}")
    joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    outcome = _decision_words(flip.decision, spec, task)
    return f"If {joined}, the model would {outcome}."


def _decision_words(d: Decision, spec: BundleSpec, task: str) -> str:
    if not d.acts:
        return f"hand this {spec.subject} to a person"
    if task == "binary":
        return f"{'flag' if d.answer == 'flag' else 'not flag'} this {spec.subject}"
    return f"send this {spec.subject} to {fmt.class_label(d.answer)}"


def decision_sentence(d: Decision, spec: BundleSpec, task: str) -> str:
    if task == "regression":
        unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
        return f"The model estimates {d.chance:.2f}{' ' + unit if unit in ('hours', 'minutes', 'days') else ''}."
    if task == "binary":
        return f"The chance is {fmt.percent(d.chance)}, so the model would {_decision_words(d, spec, task)}."
    return (
        f"The model is {fmt.percent(d.confidence)} sure it is {fmt.class_label(d.answer)}, so it would "
        f"{_decision_words(d, spec, task)}."
    )


def edits(original: dict, edited: dict, controls_: list[Control]) -> dict[str, object]:
    """The features whose value differs from the original case (numbers compared as numbers)."""
    changed = {}
    for c in controls_:
        before, after = original.get(c.name), edited.get(c.name)
        same_number = (
            c.numeric
            and _float(before) is not None
            and _float(after) is not None
            and math.isclose(float(before), float(after))
        )
        if str(before) != str(after) and not same_number:
            changed[c.name] = after
    return changed


def changed_sentence(original: dict, edited: dict, controls_: list[Control]) -> list[str]:
    """What differs from the original case, feature by feature."""
    by_name = {c.name: c for c in controls_}
    return [
        f"{by_name[name].label}: {_value_words(original.get(name), by_name[name])} → "
        f"{_value_words(after, by_name[name])}"
        for name, after in edits(original, edited, controls_).items()
    ]


NO_ID = "(no id)"


class CaseIds:
    """A bundle's case ids as people type them: the id of a row and the row of an id, without a
    Python string per row (a million of them cost memory, and time on every rerun)."""

    PICKER_LIMIT = 5_000  # up to this many ids a picker lists them all; beyond it the id is typed

    def __init__(self, frame: pd.DataFrame, id_column: str | None):
        self.column = None
        if id_column:
            column = frame[id_column].astype("str")  # the same array when it is text already
            self.column = (column.fillna(NO_ID) if column.hasnans else column).reset_index(drop=True)
        self.n = len(frame)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, row: int) -> str:
        return str(self.column.iloc[row]) if self.column is not None else str(row + 1)

    def position(self, wanted: str | None) -> int | None:
        """The first row with this id, or None."""
        if wanted is None:
            return None
        wanted = str(wanted).strip()
        if self.column is None:
            return int(wanted) - 1 if wanted.isdigit() and 1 <= int(wanted) <= self.n else None
        hits = np.flatnonzero((self.column == wanted).to_numpy(dtype=bool, na_value=False))
        return int(hits[0]) if len(hits) else None

    @property
    def listed(self) -> list[str] | None:
        """Every id, for a picker, when there are few enough to list."""
        if self.n > self.PICKER_LIMIT:
            return None
        return self.column.tolist() if self.column is not None else [str(i + 1) for i in range(self.n)]


def pick_row(data, point: OperatingPoint, kind: str) -> int:
    """An evaluation row to start from: 'typical', 'borderline', 'most confident' or 'wrong'."""
    from core.evaluation.metrics import outcomes

    out = outcomes(data, point)
    if data.task == "regression":
        error = np.abs(data.predicted - data.y)
        if kind == "wrong":
            return int(error.argmax())
        if kind == "borderline" and data.tolerance.absolute is not None:
            return int(np.abs(error - data.tolerance.absolute).argmin())
        return int(np.abs(data.predicted - np.median(data.predicted)).argmin())
    confidence = data.confidence
    if data.task == "binary":
        edge = np.abs(data.p_positive - point.threshold)
    else:
        edge = np.abs(confidence - point.min_confidence)
    if kind == "most confident":
        return int(confidence.argmax())
    if kind == "borderline":
        return int(edge.argmin())
    if kind == "wrong":
        wrong = np.flatnonzero(out.acted & ~out.correct)
        return int(wrong[confidence[wrong].argmax()]) if len(wrong) else int(confidence.argmin())
    return int(np.abs(confidence - np.median(confidence)).argmin())


def scenario_sentence(result: ScenarioResult, rule: Rule, control: Control, spec: BundleSpec) -> str:
    """The effect of a rule, in words, with its predictions named as predictions."""
    label = control.label[:1].lower() + control.label[1:] if control.label[1:2].islower() else control.label
    what = {
        "set": f"Setting {label} to {_value_words(rule.value, control)}",
        "shift": f"Changing {label} by {_float(rule.value) or 0:+g}{' ' + control.unit if control.unit else ''}",
        "scale": f"Multiplying {label} by {_float(rule.value) or 0:g}",
        "remove word": f"Removing the word '{fmt.clean(str(rule.value).strip(), limit=40)}' from the {label}",
        "add word": f"Adding the word '{fmt.clean(str(rule.value).strip(), limit=40)}' to the {label}",
    }[rule.action]
    if rule.action == "remove word" and result.touched == 0:
        return f"No {spec.subject} in the group has the word '{fmt.clean(str(rule.value).strip(), limit=40)}', so removing it changes nothing."
    flipped = int(result.flips["count"].sum()) if not result.flips.empty else 0
    who = f"{fmt.count(result.rows)} test {fmt.plural(result.rows, spec.subject, spec.subjects)}"
    if result.mean_before is not None:
        unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
        return (
            f"{what} for {who} would move the average estimate from {result.mean_before:.2f} to "
            f"{result.mean_after:.2f}{' ' + unit if unit in ('hours', 'minutes', 'days') else ''}, by the model's "
            f"own predictions."
        )
    sentences = []
    if result.events_before is not None:
        moved = result.events_after - result.events_before
        if abs(moved) >= 0.5:
            sentences.append(
                f"By the model's predictions, {what[0].lower() + what[1:]} for {who} means about "
                f"{fmt.count(abs(moved))} {'more' if moved > 0 else 'fewer'} of them would {_event_verb(spec)} "
                f"({fmt.count(result.events_after)} instead of {fmt.count(result.events_before)})."
            )
        else:
            sentences.append(
                f"By the model's predictions, {what[0].lower() + what[1:]} for {who} changes hardly how many of them "
                f"would {_event_verb(spec)}."
            )
    else:
        sentences.append(f"{what} for {who} would change the model's answer for {fmt.count(flipped)} of them.")
    if rule.action == "remove word" and result.touched is not None:
        sentences.append(f"The word appears in {fmt.count(result.touched)} of them.")
    if result.events_before is not None:
        sentences.append(f"The model's decision changes for {fmt.count(flipped)} of them.")
    if result.acted_after != result.acted_before:
        sentences.append(
            f"It would act on {fmt.count(result.acted_after)} itself instead of {fmt.count(result.acted_before)}."
        )
    if result.value_before is not None and spec.business.is_set:
        change = result.value_after - result.value_before
        when = fmt.per(spec.business.per) if spec.business.volume else "in the test set"
        if abs(change) >= 0.5:
            sentences.append(
                f"The value of its decisions on them, at this setting and by its own predictions, would "
                f"{'rise' if change > 0 else 'fall'} by about {fmt.money(abs(change), spec.business.currency)} {when}: "
                "that is what acting on the predictions is worth, not money the change itself earns."
            )
    return " ".join(sentences)


def _event_verb(spec: BundleSpec) -> str:
    """The positive outcome as a verb phrase after 'would': 'cancel' from 'cancelled', else a label."""
    event = (spec.event or "").strip()
    if event.endswith("lled") and len(event) > 6:
        return event[:-3]  # cancelled -> cancel
    if event.endswith("ed") and len(event) > 4:
        stem = event[:-2]
        return stem + "e" if stem.endswith(("at", "iz", "ur", "as", "uc")) else stem
    if event:
        return f"end up {event}"
    return f"be labelled {spec.target}: {spec.positive_class}"


def decision_label(d: Decision, task: str) -> str:
    """The decision in two or three words, for a tile."""
    if task == "regression":
        return "Shows the estimate"
    if not d.acts:
        return "To a person"
    if task == "binary":
        return "Flag" if d.answer == "flag" else "Don't flag"
    return d.answer


def before_sentence(d: Decision, spec: BundleSpec, task: str) -> str:
    """The original case's decision, in the past tense."""
    if task == "binary":
        return f"Before the change, the chance was {fmt.percent(d.chance)} and the model would {_decision_words(d, spec, task)}."
    return (
        f"Before the change, the model was {fmt.percent(d.confidence)} sure it was {d.answer} and would "
        f"{_decision_words(d, spec, task)}."
    )


def most_important_first(controls: list, columns: list[str], contributions) -> list:
    """The controls ordered by how much their feature moved this case's prediction, largest first
    (ties keep the file's column order), so the features that matter come first."""
    weight = dict(zip(columns, np.abs(np.asarray(contributions, dtype=float)), strict=False))
    return sorted(controls, key=lambda c: -weight.get(c.name, 0.0))
