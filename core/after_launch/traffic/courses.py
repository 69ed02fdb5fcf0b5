"""One figure's course over the periods: which periods left its range, and whether a change is under way.

A figure has changed when it stays outside its range on one side for `RUNS` periods running, and the
change is over only once it has been back within the range for `RUNS` periods running: one period
either way is what normal variation gives now and then. Every period outside its range belongs to
a change or is named as a period outside it alone, so nothing the charts show goes unsaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RUNS = 2  # periods running: what makes a change, and what ends one


@dataclass
class Course:
    """A figure's periods against their ranges. `side` per period: -1 below its range, 1 above, 0
    within it (or no figure that period). `runs`: each stretch of `RUNS` or more periods
    outside on one side (`first`..`last`: the latest); `back`: the most periods running back within
    the range since it."""

    side: np.ndarray
    runs: list[tuple[int, int]] = field(default_factory=list)  # every run of RUNS or more, oldest first
    back: int = 0

    @property
    def first(self) -> int | None:
        return self.runs[-1][0] if self.runs else None

    @property
    def last(self) -> int | None:
        return self.runs[-1][1] if self.runs else None

    @property
    def ongoing(self) -> bool:
        """A change under way: the latest run, and fewer than `RUNS` periods back within range since."""
        return self.first is not None and self.back < RUNS

    @property
    def ended(self) -> bool:
        return self.first is not None and self.back >= RUNS

    @property
    def outside(self) -> np.ndarray:
        return self.side != 0

    def alone(self) -> list[int]:
        """The periods outside the range that are not part of a run."""
        covered = {i for first, last in self.runs for i in range(first, last + 1)}
        return [int(i) for i in np.flatnonzero(self.outside) if i not in covered]


def course(values, low, high) -> Course:
    """`values` per period against `low`..`high`; a missing value is within (there is nothing to judge)."""
    values = np.asarray(values, float)
    present = ~np.isnan(values)
    side = np.where(present & (values < np.asarray(low, float)), -1, 0)
    side = np.where(present & (values > np.asarray(high, float)), 1, side).astype(int)
    found = Course(side)
    i = 0
    while i < len(side):
        if side[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(side) and side[j + 1] == side[i]:
            j += 1
        if j - i + 1 >= RUNS:
            found.runs.append((i, j))
        i = j + 1
    if found.first is not None:
        steady = 0
        for s in side[found.last + 1 :]:  # the longest stretch back within range since the run
            steady = steady + 1 if s == 0 else 0
            found.back = max(found.back, steady)
    return found


def at_least(values, threshold: float) -> Course:
    """`values` per period against a threshold (a drift index, a share of new values): at or above
    it is outside."""
    values = np.asarray(values, float)
    return course(values, np.full(len(values), -np.inf), np.full(len(values), np.nextafter(threshold, -np.inf)))
