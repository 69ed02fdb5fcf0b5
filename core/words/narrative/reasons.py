"""What drives the model, overall and for one case, in the units people see."""

from __future__ import annotations

import numbers

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.words.narrative.failures import _listed
from core.words.narrative.findings import INFO, Finding, _cap, _lower, _unit, shown_value, target_unit


def contribution_words(x: float, spec: BundleSpec) -> str:
    """A contribution as people read it: '+12 points' of chance, or '+0.40 hours'."""
    sign = "+" if x >= 0 else "−"
    if spec.task == "regression":
        return f"{sign}{abs(x):.2f} {_unit(spec, round(abs(x), 2))}"
    points = abs(x) * 100
    if points < 0.05:  # would read "+0.0 points"
        return "almost no change"
    shown = f"{points:.0f}" if points >= 1 else f"{points:.1f}"
    return f"{sign}{shown} {'point' if shown == '1' else 'points'}"


def what_it_predicts(spec: BundleSpec, output: str | None = None) -> str:
    if spec.task == "regression":
        return "the estimate"
    if spec.task == "multiclass":
        return f"the chance of {output}" if output else "the chance of its answer"
    return "the predicted chance"


def word_directions(raising: list[str], lowering: list[str], what: str, top: int = 6) -> str:
    """The coloured words of a message as a list, for a reader who does not see the colours:
    "Raising the chance of billing: refund, invoice. Lowering it: thanks." (the strongest `top` each way)."""
    quoted = lambda words: _listed([f"'{w}'" for w in words[:top]])  # noqa: E731
    parts = []
    if raising:
        parts.append(f"Raising {what}: {quoted(raising)}.")
    if lowering:
        parts.append(f"Lowering it: {quoted(lowering)}." if raising else f"Lowering {what}: {quoted(lowering)}.")
    return " ".join(parts) or f"No word moved {what} by much."


def drivers(
    table,
    directions: dict[str, tuple[str, str]],
    spec: BundleSpec,
    output: str | None = None,
    words: dict[str, list[str]] | None = None,
) -> Finding:
    """What the model relies on most, and which way the top features push; a text feature among
    them is named with the words that matter most in it (`words`)."""
    top = table.head(3)
    names = [_lower(str(label)) for label in top["label"]]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    sentences = [f"The model relies most on {listed}."]
    for row in top.itertuples():
        said = (words or {}).get(row.feature)
        if said:
            quoted = [f"'{w}'" for w in said]
            shown = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
            sentences.append(f"In the {_lower(row.label)}, the words that matter most are {shown}.")
    if not (spec.task == "multiclass" and output is None):  # directions only mean something for one answer
        for row in top.itertuples():
            way, detail = directions.get(row.feature, ("mixed", ""))
            if way in ("raises", "lowers"):
                sentences.append(
                    f"The higher the {_lower(row.label)}, the {'higher' if way == 'raises' else 'lower'} "
                    f"{what_it_predicts(spec, output)}."
                )
            elif way == "category" and detail and row.feature not in (words or {}):
                sentences.append(
                    f"{_cap(_lower(row.label))} '{detail}' raises {what_it_predicts(spec, output)} the most."
                )
    technical = "Ranked by mean absolute SHAP value on the explained sample, " + (
        "in probability points." if spec.task != "regression" else "in the target's units."
    )
    return Finding(
        "drivers", INFO, " ".join(sentences), {f"top_{i}": float(v) for i, v in enumerate(top["importance"])}, technical
    )


def case_reasons(
    case_frame,
    base: float,
    predicted: float,
    spec: BundleSpec,
    output: str | None = None,
    reasons: int = 3,
    words: dict[str, list[str]] | None = None,
) -> Finding:
    """One case in words: its prediction against the model's starting point, and the biggest
    reasons; a text feature is named with the words of it that pushed most (`words`), never quoted whole."""
    if spec.task == "regression":
        unit = _unit(spec, 2)
        sentences = [
            f"This {spec.subject}'s estimate is {predicted:.2f} {unit}.",
            f"Before it looks at the details, the model starts from {base:.2f}.",
        ]
    else:
        sentences = [
            f"For this {spec.subject}, {what_it_predicts(spec, output)} is {fmt.percent(predicted)}.",
            f"Before it looks at the details, the model starts from {fmt.percent(base)}.",
        ]
    named = case_frame[case_frame["feature"] != ""].head(reasons)
    for row in named.itertuples():
        info = spec.features.get(row.feature)
        if info is not None and info.kind == "text":
            said = [f"'{w}'" for w in (words or {}).get(row.feature, [])]
            most = f", most of all {_listed(said)}" if said else ""
            sentences.append(f"The {_lower(row.label)}: {contribution_words(row.contribution, spec)}{most}.")
            continue
        sentences.append(  # "Support calls (0 calls): −8 points." never "is 0 calls"
            f"{_cap(_lower(row.label))} ({shown_value(row.value, row.feature, spec)}): "
            f"{contribution_words(row.contribution, spec)}."
        )
    technical = "Contributions are SHAP values; the starting point is the model's expected output."
    quoted = {f"value_{i}": float(v) for i, v in enumerate(named["value"]) if isinstance(v, numbers.Real)}
    return Finding(
        "case",
        INFO,
        " ".join(sentences),
        {
            "predicted": predicted,
            "base": base,
            **quoted,
            **{f"reason_{i}": float(c) for i, c in enumerate(named["contribution"])},
        },
        technical,
    )


PUSHES = {"raises": "higher values raise it", "lowers": "higher values lower it"}


def reason_lines(table, directions: dict, words: dict, spec: BundleSpec, top: int = 3) -> list[tuple[str, str]]:
    """The Overview's top reasons: each feature's label, and how it moves the prediction
    ("moves the predicted chance by 12 points on average; higher values raise it")."""
    lines = []
    for row in table.head(top).itertuples():
        way, detail = directions[row.feature]
        push = PUSHES.get(way, f"'{detail}' raises it most" if way == "category" else "it pushes both ways")
        if row.feature in words:
            push = "the words that matter most are " + ", ".join(f"'{w}'" for w in words[row.feature])
        moves = contribution_words(row.importance, spec).lstrip("+−")
        if moves == "almost no change":
            lines.append((row.label, f": barely moves {what_it_predicts(spec)}; {push}."))
        else:
            lines.append((row.label, f": moves {what_it_predicts(spec)} by {moves} on average; {push}."))
    return lines


def cut_short(explained, spec: BundleSpec) -> str:
    """Why an explanation sample is smaller than planned (a slow model and its time budget)."""
    return (
        f"The sample is smaller than planned: {fmt.count(len(explained.rows))} of the {fmt.count(explained.planned)} "
        f"sampled {spec.subjects}, spread evenly over them, fit in the {explained.budget:.0f}-second time budget. "
        f"This model is explained by trying many variations of each {spec.subject}, which is slow for it."
    )


def shift_label(spec: BundleSpec) -> str:
    """The axis of a contribution: 'Shift in predicted chance', or the estimate with its unit."""
    if spec.task == "regression":
        return f"Shift in the estimate ({target_unit(spec)})"
    return "Shift in " + what_it_predicts(spec).replace("the ", "", 1)
