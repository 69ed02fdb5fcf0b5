"""The form: one control per feature (range and values seen, unit, may it change), and a case as model input."""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.bundles.contract import BundleSpec

GRID = 12  # candidate values per numeric feature, from the values seen


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


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


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


def most_important_first(controls: list, columns: list[str], contributions) -> list:
    """The controls ordered by how much their feature moved this case's prediction, largest first
    (ties keep the file's column order), so the features that matter come first."""
    weight = dict(zip(columns, np.abs(np.asarray(contributions, dtype=float)), strict=False))
    return sorted(controls, key=lambda c: -weight.get(c.name, 0.0))
