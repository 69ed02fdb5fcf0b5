"""One case: its prediction, the decision at the setting, and the contributions behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.bundles.contract import OperatingPoint
from core.explaining.whatif.form import Control, frame_for, warnings_for


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
    """An evaluation row to start from: 'typical' (`metrics.typical_row`), 'borderline', 'most
    confident' or 'wrong'."""
    from core.evaluation.metrics import outcomes, typical_row

    out = outcomes(data, point)
    if data.task == "regression":
        error = np.abs(data.predicted - data.y)
        if kind == "wrong":
            return int(error.argmax())
        if kind == "borderline" and data.tolerance.absolute is not None:
            return int(np.abs(error - data.tolerance.absolute).argmin())
        return typical_row(data, point)
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
    return typical_row(data, point)
