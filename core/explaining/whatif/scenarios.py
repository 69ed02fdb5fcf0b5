"""Scenarios: one rule applied to many rows, counting what flips and what it is worth."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bundles.contract import BundleSpec, OperatingPoint
from core.explaining.whatif.case import _decided


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
