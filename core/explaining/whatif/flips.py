"""The smallest realistic change to the actionable features that flips a case's decision."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bundles.contract import OperatingPoint
from core.explaining.whatif.case import Decision, decide
from core.explaining.whatif.form import Control, _float, frame_for

PAIR_POOL = 8  # the most promising single changes that are combined in pairs and threes
SEARCH_SECONDS = 1.0


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
