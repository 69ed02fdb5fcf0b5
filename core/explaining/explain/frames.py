"""The tidy frames every explanation view draws: importance, beeswarm, dependence, one case, a waterfall."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.explaining.explain.shapley import Explanation


def output_index(explanation: Explanation, output: str | None) -> int:
    return explanation.outputs.index(output) if output in explanation.outputs else 0


def importance(explanation: Explanation, labels: dict[str, str], output: int | None = None) -> pd.DataFrame:
    """Mean absolute contribution per original feature, largest first.

    With `output=None` on a multiclass model, each row counts its predicted class.
    """
    values = _per_row(explanation, output)
    frame = pd.DataFrame(
        {
            "feature": explanation.features,
            "label": [labels.get(f, f) for f in explanation.features],
            "importance": np.abs(values).mean(axis=0),
            "mean_effect": values.mean(axis=0),
        }
    )
    return frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def _per_row(explanation: Explanation, output: int | None) -> np.ndarray:
    if output is not None or explanation.values.shape[2] == 1:
        return explanation.values[:, :, output or 0]
    predicted = explanation.predicted.argmax(axis=1)
    return explanation.values[np.arange(len(predicted)), :, predicted]


def beeswarm(
    explanation: Explanation,
    X: pd.DataFrame,
    labels: dict[str, str],
    top: int = 8,
    per_feature: int = 300,
    output: int | None = None,
) -> pd.DataFrame:
    """Contributions of the top features for up to `per_feature` rows each, with how high each value is."""
    values = _per_row(explanation, output)
    order = importance(explanation, labels, output)["feature"].head(top)
    rng = np.random.default_rng(0)
    keep = np.sort(rng.choice(len(values), min(per_feature, len(values)), replace=False))
    sample = X.iloc[explanation.rows[keep]]
    parts = []
    for feature in order:
        j = explanation.features.index(feature)
        raw = sample[feature]
        numeric = pd.api.types.is_numeric_dtype(raw)
        # categories have no "high" or "low": they sit in the neutral middle of the colour scale
        level = raw.rank(pct=True).fillna(0.5).to_numpy() if numeric else np.full(len(raw), 0.5)
        parts.append(
            pd.DataFrame(
                {
                    "feature": feature,
                    "label": labels.get(feature, feature),
                    "contribution": values[keep, j],
                    "level": level,
                    "value": raw.astype(str).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def dependence(
    explanation: Explanation, X: pd.DataFrame, feature: str, output: int | None = None, limit: int = 1500
) -> pd.DataFrame:
    """A feature's value against its contribution, for up to `limit` sampled rows."""
    values = _per_row(explanation, output)
    j = explanation.features.index(feature)
    rng = np.random.default_rng(1)
    keep = np.sort(rng.choice(len(values), min(limit, len(values)), replace=False))
    raw = X.iloc[explanation.rows[keep]][feature]
    return pd.DataFrame({"value": raw.to_numpy(), "contribution": values[keep, j]})


def case(
    explanation: Explanation,
    position: int,
    X: pd.DataFrame,
    labels: dict[str, str],
    output: int | None = None,
    top: int = 8,
) -> pd.DataFrame:
    """One sampled row's contributions, largest first, the rest gathered as "Other features"."""
    k = (
        output
        if output is not None
        else (int(explanation.predicted[position].argmax()) if explanation.values.shape[2] > 1 else 0)
    )
    contributions = explanation.values[position, :, k]
    row = X.iloc[explanation.rows[position]]
    frame = pd.DataFrame(
        {
            "feature": explanation.features,
            "label": [labels.get(f, f) for f in explanation.features],
            "value": [row[f] for f in explanation.features],
            "contribution": contributions,
        }
    )
    frame = frame.reindex(frame["contribution"].abs().sort_values(ascending=False, kind="stable").index)
    head, tail = frame.head(top), frame.iloc[top:]
    if len(tail):
        head = pd.concat(
            [
                head,
                pd.DataFrame(
                    [
                        {
                            "feature": "",
                            "label": f"{len(tail)} other features",
                            "value": "",
                            "contribution": tail["contribution"].sum(),
                        }
                    ]
                ),
            ]
        )
    return head.reset_index(drop=True)


def pick_case(
    explanation: Explanation, kind: str, truth_index: np.ndarray | None = None, typical: int | None = None
) -> int:
    """A sampled row position: 'typical' (the row `typical` names, `metrics.typical_row`, when it
    was explained), 'most confident' or 'most surprising error'."""
    predicted = explanation.predicted
    if kind == "typical" and typical is not None:
        at = np.flatnonzero(explanation.rows == typical)
        if len(at):
            return int(at[0])
    if kind == "most confident":
        confidence = np.maximum(predicted, 1 - predicted).max(axis=1) if predicted.shape[1] == 1 else predicted.max(1)
        return int(confidence.argmax())
    if kind == "most surprising error" and truth_index is not None:
        if predicted.shape[1] == 1:  # binary (positive chance) or regression
            miss = np.abs(predicted[:, 0] - truth_index)
        else:
            safe = np.clip(truth_index, 0, None)
            miss = np.where(truth_index >= 0, 1 - predicted[np.arange(len(safe)), safe], predicted.max(axis=1))
        return int(miss.argmax())
    level = predicted[:, 0] if predicted.shape[1] == 1 else predicted.max(axis=1)  # multiclass: its confidence
    return int(np.abs(level - np.median(level)).argmin())


def waterfall(
    case_frame: pd.DataFrame,
    base: float,
    predicted: float,
    start_label: str,
    end_label: str,
    show=None,
    bounded: bool = False,
) -> pd.DataFrame:
    """Bars from the starting point, through each contribution, to this case's prediction.

    `show(value, feature)` formats a feature's value for its label (default: as it is). With
    `bounded` (a chance), the pushes up are drawn before the pushes down, or the other way round,
    whichever keeps every step between 0% and 100%.
    """
    show = show or (lambda value, feature: str(value))
    steps = case_frame.iloc[::-1].reset_index(drop=True)  # smallest first, so the largest land last
    if bounded:
        up, down = steps[steps["contribution"] >= 0], steps[steps["contribution"] < 0]
        if base + up["contribution"].sum() <= 1:
            steps = pd.concat([up, down], ignore_index=True)
        elif base + down["contribution"].sum() >= 0:
            steps = pd.concat([down, up], ignore_index=True)
    ends = base + steps["contribution"].cumsum()
    frame = pd.DataFrame(
        {
            "step": [
                start_label,
                *[
                    f"{label} = {show(value, feature)}" if feature else label
                    for label, value, feature in zip(steps["label"], steps["value"], steps["feature"], strict=True)
                ],
                end_label,
            ],
            "start": [0.0, *(ends - steps["contribution"]).tolist(), 0.0],
            "end": [base, *ends.tolist(), predicted],
            "contribution": [base, *steps["contribution"].tolist(), predicted],
            "kind": ["total", *np.where(steps["contribution"] >= 0, "raises", "lowers").tolist(), "total"],
        }
    )
    frame["order"] = np.arange(len(frame))
    return frame


def direction(explanation: Explanation, X: pd.DataFrame, feature: str, output: int | None = None) -> tuple[str, str]:
    """('raises' | 'lowers' | 'mixed', detail): how a feature's value moves the prediction.

    Numeric: the sign of the rank correlation between value and contribution. Categorical: the
    category that raises the prediction most (detail).
    """
    values = _per_row(explanation, output)[:, explanation.features.index(feature)]
    raw = X.iloc[explanation.rows][feature]
    if pd.api.types.is_numeric_dtype(raw):
        mask = raw.notna().to_numpy()
        if mask.sum() < 3 or raw[mask].nunique() < 2:
            return "mixed", ""
        rho = pd.Series(values[mask]).corr(pd.Series(raw[mask].to_numpy(dtype=float)), method="spearman")
        return ("raises" if rho > 0.3 else "lowers" if rho < -0.3 else "mixed"), ""
    means = pd.Series(values).groupby(raw.astype(str).to_numpy()).mean().sort_values()
    return "category", str(means.index[-1])
