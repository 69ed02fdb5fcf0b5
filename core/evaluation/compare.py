"""Champion against challenger on the same evaluation rows: differences beyond the noise, or not.

The paired bootstrap resamples rows once for both models, so each resample compares them on the
same cases: that is what makes a small difference detectable, and why the rows must match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.contract import OperatingPoint
from core.evaluation.metrics import EvalSet, Outcomes, kpis_from, outcomes

SAMPLES = 1000
SEED = 20261124
FIGURES = ("accuracy_acted", "coverage", "net_per_case")


def rows_problem(a, b) -> str | None:
    """Why two bundles cannot be compared row by row, in one sentence; None when they can."""
    if a.spec.task != b.spec.task:
        return f"{a.spec.title} is a {a.spec.task} model and {b.spec.title} a {b.spec.task} one, so they answer different questions."
    if len(a.eval) != len(b.eval):
        return (
            f"They were evaluated on different rows: {fmt.count(len(a.eval))} against {fmt.count(len(b.eval))}. "
            f"Publish both with the same evaluation file to compare them."
        )
    same_file = a.eval_sha256 == b.eval_sha256 and a.spec.id_column == b.spec.id_column  # the same ids, row for row
    if a.spec.id_column and b.spec.id_column and not same_file:
        same = a.eval[a.spec.id_column].astype(str).to_numpy() == b.eval[b.spec.id_column].astype(str).to_numpy()
        if not same.all():
            return (
                f"Their evaluation rows differ: {fmt.count((~same).sum())} of {fmt.count(len(same))} ids do not "
                f"match row for row. Publish both with the same evaluation file to compare them."
            )
    truth_a, truth_b = _as_outcomes(a.y), _as_outcomes(b.y)
    if not (truth_a == truth_b).all():
        return (
            f"Their evaluation rows differ: the true outcome disagrees on {fmt.count((truth_a != truth_b).sum())} "
            f"rows. Publish both with the same evaluation file to compare them."
        )
    return None


def _as_outcomes(labels) -> np.ndarray:
    """True outcomes in one spelling, so the same rows written as True/False, 1/0, "1"/"0" or 1.0/0.0
    agree: numbers when every label reads as one, else text. Each distinct label is spelled once
    (a million rows hold a few labels, not a million strings).

    >>> _as_outcomes([True, False, True]), _as_outcomes(["1", "0", "1.0"]), _as_outcomes(["yes", 1])
    (array([1., 0., 1.]), array([1., 0., 1.]), array(['yes', '1'], dtype=object))
    """
    codes, distinct = pd.factorize(pd.Series(labels), use_na_sentinel=False)
    series = pd.Series(distinct)
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(int)
    as_numbers = pd.to_numeric(series.astype(str).str.strip().replace({"True": "1", "False": "0"}), errors="coerce")
    if as_numbers.notna().all():
        return as_numbers.to_numpy(dtype=float)[codes]
    return series.astype(str).to_numpy(dtype=object)[codes]


@dataclass(frozen=True)
class Difference:
    figure: str
    a: float
    b: float
    low: float  # 95% range of (b - a)
    high: float

    @property
    def difference(self) -> float:
        return self.b - self.a

    @property
    def beyond_noise(self) -> bool:
        return self.low > 0 or self.high < 0


def _sums(out: Outcomes) -> np.ndarray:
    """Per-row columns whose weighted sums give every figure: acted, right & acted, covered, value."""
    return np.column_stack([out.acted, out.acted & out.correct, out.acted & out.in_scope, out.value]).astype(float)


def _figures(totals: np.ndarray, n: float, baseline: float) -> np.ndarray:
    acted, right, covered, value = totals.T
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(acted > 0, right / np.where(acted > 0, acted, 1), np.nan)
    return np.column_stack([accuracy, covered / n, value / n - baseline])


def paired(
    data_a: EvalSet,
    point_a: OperatingPoint,
    data_b: EvalSet,
    point_b: OperatingPoint,
    samples: int = SAMPLES,
    seed: int = SEED,
) -> list[Difference]:
    """Accuracy when acting, coverage and net value per case for both, with a paired 95% range of B - A."""
    out_a, out_b = outcomes(data_a, point_a), outcomes(data_b, point_b)
    rows_a, rows_b = _sums(out_a), _sums(out_b)
    n = len(rows_a)
    fa = _figures(rows_a.sum(0)[None, :], n, out_a.baseline)[0]
    fb = _figures(rows_b.sum(0)[None, :], n, out_b.baseline)[0]
    rng = np.random.default_rng(seed)
    if out_a.kind is not None and out_b.kind is not None:
        diffs = _grouped_differences(out_a, out_b, n, samples, rng)
    else:  # regression values are continuous: resample rows, the same rows for both
        diffs = np.empty((samples, 3))
        for i in range(samples):
            weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            diffs[i] = (
                _figures((weights @ rows_b)[None, :], n, out_b.baseline)[0]
                - _figures((weights @ rows_a)[None, :], n, out_a.baseline)[0]
            )
    result = []
    for j, name in enumerate(FIGURES):
        column = diffs[:, j][~np.isnan(diffs[:, j])]
        low, high = np.percentile(column, [2.5, 97.5]) if len(column) else (np.nan, np.nan)
        result.append(Difference(name, float(fa[j]), float(fb[j]), float(low), float(high)))
    return result


def _grouped_differences(out_a: Outcomes, out_b: Outcomes, n: int, samples: int, rng) -> np.ndarray:
    """Paired resampling by groups: rows with the same pair of outcomes (one per model) are drawn
    together, so the cost depends on the number of such groups, not on the number of rows."""
    code_a = out_a.kind * 4 + out_a.in_scope * 2 + out_a.correct
    code_b = out_b.kind * 4 + out_b.in_scope * 2 + out_b.correct
    width = int(code_b.max()) + 1
    counts = np.bincount(code_a * width + code_b)
    present = np.flatnonzero(counts)
    draws = rng.multinomial(n, counts[present] / n, size=samples).astype(float)

    def group_rows(codes: np.ndarray, out: Outcomes) -> np.ndarray:
        kind, scope, right = codes // 4, (codes // 2) % 2, codes % 2
        acted = kind != 0
        return np.column_stack([acted, acted & (right == 1), acted & (scope == 1), out.kind_values[kind]]).astype(float)

    rows_a = group_rows(present // width, out_a)
    rows_b = group_rows(present % width, out_b)
    return _figures(draws @ rows_b, n, out_b.baseline) - _figures(draws @ rows_a, n, out_a.baseline)


def agreement(out_a: Outcomes, out_b: Outcomes, answer_a: np.ndarray, answer_b: np.ndarray) -> float:
    """The share of cases on which both do the same thing (both hand it over, or both give the same answer)."""
    same = (~out_a.acted & ~out_b.acted) | (out_a.acted & out_b.acted & (answer_a == answer_b))
    return float(same.mean())


def segment_winners(data_a: EvalSet, point_a, data_b: EvalSet, point_b, segment: pd.Series) -> pd.DataFrame:
    """For each value of a segment column: both models' accuracy when acting and net value, and who wins."""
    out_a, out_b = outcomes(data_a, point_a), outcomes(data_b, point_b)
    from core.evaluation.breakdown import Coded

    coded = Coded.of(segment)
    rows = []
    for code, value in enumerate(coded.names):
        mask = coded.codes == code
        ka = kpis_from(_subset(out_a, mask))
        kb = kpis_from(_subset(out_b, mask))
        rows.append(
            {
                "segment": str(value),
                "n": int(mask.sum()),
                "accuracy_a": ka.accuracy_acted,
                "accuracy_b": kb.accuracy_acted,
                "net_a": ka.net_per_case,
                "net_b": kb.net_per_case,
            }
        )
    frame = pd.DataFrame(rows).sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    frame["wins"] = np.where(
        frame["net_b"] > frame["net_a"], "B", np.where(frame["net_b"] < frame["net_a"], "A", "tie")
    )
    return frame


def _subset(out: Outcomes, mask: np.ndarray) -> Outcomes:
    return Outcomes(out.acted[mask], out.in_scope[mask], out.correct[mask], out.value[mask], out.baseline)


def disagreements(score_a: np.ndarray, score_b: np.ndarray, top: int = 10) -> np.ndarray:
    """Rows where the two models' scores (binary: chance; else confidence in their answer) differ most."""
    gap = np.abs(np.asarray(score_a, float) - np.asarray(score_b, float))
    return np.argsort(-gap, kind="stable")[:top]


def verdict(
    differences: list[Difference],
    title_a: str,
    title_b: str,
    agree: float,
    subjects: str,
    volume: int | None,
    per: str | None,
    currency: str,
    values_set: bool = True,
) -> str:
    """The comparison in plain words: which differences are real, and what to decide. Without
    business values, value is never shown (not even as $0): it says they are not set."""
    by = {d.figure: d for d in differences}
    acc, cov, net = by["accuracy_acted"], by["coverage"], by["net_per_case"]
    scale = volume or 1
    when = fmt.per(per) if volume else f"per {subjects[:-1] if subjects.endswith('s') else subjects}"
    sentences = []
    worth = net.difference * scale
    if not values_set:
        sentences.append("No business values are set, so the two are not compared on value.")
    elif net.beyond_noise:
        better = title_b if worth > 0 else title_a
        sentences.append(
            f"{better} is worth more: about {fmt.money(abs(worth), currency)} {when}, "
            f"a difference larger than the noise."
        )
    else:
        sentences.append(
            f"Their net value differs by about {fmt.money(abs(worth), currency)} {when}, which is within the noise."
        )
    for d, words in ((acc, "is right more often when it acts"), (cov, "covers more of the work")):
        if d.beyond_noise:
            better = title_b if d.difference > 0 else title_a
            sentences.append(f"{better} {words} ({fmt.percent(max(d.a, d.b))} against {fmt.percent(min(d.a, d.b))}).")
    if not acc.beyond_noise and not cov.beyond_noise:
        sentences.append("Accuracy and coverage are the same within the noise.")
    sentences.append(f"They do the same thing for {fmt.frequency(agree)} {subjects} ({fmt.percent(agree)}).")
    if not values_set:
        sentences.append(
            "Without business values the numbers cannot weigh being right against covering more: set them in "
            "bundle.yaml to let them decide."
        )
    elif net.beyond_noise:
        choice = title_b if worth > 0 else title_a
        sentences.append(f"The numbers favour {choice}.")
    else:
        sentences.append("The numbers do not decide between them: choose on cost, simplicity or explainability.")
    return " ".join(sentences)


def promotion(
    differences: list[Difference],
    champion: str,
    challenger: str,
    subjects: str,
    volume: int | None,
    per: str | None,
    currency: str,
    values_set: bool = True,
) -> str:
    """What promoting the challenger in place of the champion would change, in cases and in money,
    each model at its own setting, with the 95% range of each change (B - A, B the challenger).

    Without a volume the cases are counted per 1,000 of them; without business values the money
    is said not to be known, never shown as nothing."""
    by = {d.figure: d for d in differences}
    cov, net = by["coverage"], by["net_per_case"]
    scale, when = (volume, fmt.per(per)) if volume else (1000, f"in every 1,000 {subjects}")

    def cases(d: Difference) -> str:
        change = d.difference * scale
        more = "more" if change > 0 else "fewer"
        ranged = f"95% range {fmt.count(round(d.low * scale)):s} to {fmt.count(round(d.high * scale)):s}"
        if d.low == d.high == 0:
            return f"cover just as many {subjects}"
        if not d.beyond_noise:
            return f"cover about as many {subjects} ({fmt.count(round(change))} {when}, {ranged}, within the noise)"
        return f"cover about {fmt.count(round(abs(change)))} {more} {subjects} {when} ({ranged})"

    def money(d: Difference) -> str:
        change = d.difference * scale
        ranged = f"95% range {fmt.money(d.low * scale, currency)} to {fmt.money(d.high * scale, currency)}"
        if not d.beyond_noise:
            return f"be worth about the same ({fmt.money(change, currency)} {when}, {ranged}, within the noise)"
        return f"be worth about {fmt.money(abs(change), currency)} {'more' if change > 0 else 'less'} {when} ({ranged})"

    said = f"With {challenger} in place of {champion}, each at its own setting, the model would {cases(cov)}."
    if not values_set:
        return said + " No business values are set, so what that is worth cannot be said."
    return f"{said} It would {money(net)}."


def answers(data: EvalSet, point: OperatingPoint) -> tuple[np.ndarray, np.ndarray]:
    """(what each row's answer is, the score it is judged by): binary the flag and its chance,
    multiclass the class and its confidence, regression the estimate (every row acts)."""
    if data.task == "binary":
        return data.p_positive >= point.threshold, data.p_positive
    if data.task == "multiclass":
        return data.answer, data.confidence
    return np.zeros(data.n), data.predicted


@dataclass(frozen=True)
class Judged:
    """Two models on the same rows, each at its own setting."""

    other_title: str
    differences: list[Difference]
    agree: float
    verdict: str

    def figure(self, name: str) -> Difference:
        return next(d for d in self.differences if d.figure == name)


def judged(data_a: EvalSet, point_a, title_a: str, data_b: EvalSet, point_b, title_b: str, spec) -> Judged:
    """The comparison the Compare page shows first: figures, agreement and verdict."""
    differences = paired(data_a, point_a, data_b, point_b)
    answer_a, _ = answers(data_a, point_a)
    answer_b, _ = answers(data_b, point_b)
    agree = agreement(outcomes(data_a, point_a), outcomes(data_b, point_b), answer_a, answer_b)
    business = spec.business
    said = verdict(
        differences,
        title_a,
        title_b,
        agree,
        spec.subjects,
        business.volume,
        business.per,
        business.currency,
        values_set=business.is_set,
    )
    return Judged(title_b, differences, agree, said)
