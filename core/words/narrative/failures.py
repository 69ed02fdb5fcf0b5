"""Where the model works and where it fails: outcomes, calibration, segments, unseen requests, errors."""

from __future__ import annotations

import dataclasses

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis
from core.words.narrative.findings import INFO, NOTE, WARNING, Finding, _cap, _lower, _money, _n, _unit, _when, _within


def binary_outcomes(o, spec: BundleSpec) -> Finding:
    """ "Of the 1,172 customers who cancelled, the model flagged 482..." """
    event = spec.event or f"were labelled {spec.target}: {spec.positive_class}"
    sentence = (
        f"Of the {_n(o.events, spec)} who {event}, the model flagged {fmt.count(o.flagged)} "
        f"and missed {fmt.count(o.missed)}. "
        + (f"It handed {fmt.count(o.to_person)} to a person. " if o.to_person else "")
        + f"It also flagged "
        f"{fmt.count(o.false_alarms)} of the {fmt.count(o.non_events)} who did not."
    )
    acted_events = o.flagged + o.missed
    technical = (
        f"Recall on acted cases {fmt.percent(o.flagged / acted_events if acted_events else float('nan'), 1)}; "
        f"false positives {fmt.count(o.false_alarms)}."
    )
    return Finding(
        "outcomes",
        INFO,
        sentence,
        {
            "events": o.events,
            "flagged": o.flagged,
            "missed": o.missed,
            "to_person": o.to_person,
            "false_alarms": o.false_alarms,
            "non_events": o.non_events,
        },
        technical,
    )


def calibration(
    example,
    gap: float,
    excess: float | None = None,
    n: int | None = None,
    left_out: float = 0.0,
    spec: BundleSpec | None = None,
) -> Finding | None:
    """ "When the model says it is about 78% sure, it is right 75% of the time." A warning only when
    its stated confidence lies outside the 95% range of how often it was right (`excess` > 1 point);
    with fewer than MIN_CALIBRATION_CASES cases, it says there are too few to tell. Measured on the
    cases it was built for: `left_out`, the share it was never built for, is said in a sentence of
    its own."""
    finding = _calibration(example, gap, excess, n)
    if finding is None or left_out <= 0:
        return finding
    subjects = spec.subjects if spec is not None else "cases"
    scope = (
        f" This is measured on the {subjects} it was built for; the {fmt.percent(left_out)} it was never built "
        "for are wrong whatever it says, and count against its coverage instead."
    )
    return dataclasses.replace(
        finding, sentence=finding.sentence + scope, numbers={**finding.numbers, "left_out": left_out}
    )


def _calibration(example, gap: float, excess: float | None, n: int | None) -> Finding | None:
    from core.evaluation.breakdown import MIN_CALIBRATION_CASES

    if n is not None and n < MIN_CALIBRATION_CASES:
        return Finding(
            "calibration",
            INFO,
            f"There are too few test cases ({fmt.count(n)}) to tell whether its stated confidence holds.",
            {"n": n},
            f"At least {MIN_CALIBRATION_CASES} cases are needed.",
        )
    if example is None:
        return None
    said, right = float(example["stated"]), float(example["observed"])
    numbers_ = {"stated": said, "observed": right, "gap": gap}
    sentence = (
        f"When the model says it is about {fmt.percent(said)} sure, it is right {fmt.percent(right)} of the time."
    )
    technical = f"Expected calibration error {gap:.3f} over ten equal-width confidence bins."
    if "low" in example:
        numbers_.update(low=float(example["low"]), high=float(example["high"]), cases=int(example["n"]))
        technical += (
            f" This bin: {fmt.percent(float(example['low']))} to {fmt.percent(float(example['high']))} "
            f"(95% range, n = {fmt.count(int(example['n']))})."
        )
    beyond_noise = gap >= 0.03 if excess is None else excess >= 0.01
    if not beyond_noise:
        return Finding(
            "calibration",
            INFO,
            sentence + " Its confidence can be taken at face value, within the noise of this many cases.",
            numbers_,
            technical,
        )
    tone = "more sure of itself than it should be" if right < said else "less sure of itself than it could be"
    return Finding(
        "calibration",
        WARNING if gap >= 0.1 else NOTE,
        f"{sentence} It is {tone}, off by {gap * 100:.0f} points on average.",
        numbers_,
        technical,
    )


def weakest_segment(row, column_label: str, overall: Kpis, spec: BundleSpec, min_gap: float = 0.02) -> Finding | None:
    """The weakest segment, when it trails the whole by at least `min_gap` (2 points) and the whole
    lies above the 95% range of the segment's own accuracy (beyond the noise of its size)."""
    if row is None or not overall.accuracy_acted - row["accuracy_acted"] >= min_gap:
        return None
    if "accuracy_high" in row and overall.accuracy_acted <= row["accuracy_high"]:
        return None  # within the noise of a group this size
    within = (
        f", range {fmt.percent(row['accuracy_low'])} to {fmt.percent(row['accuracy_high'])}"
        if "accuracy_low" in row
        else ""
    )
    sentence = (
        f"It does worst for {_lower(column_label)} {spec.value_name(row['segment'])}. There it is right "
        f"{fmt.percent(row['accuracy_acted'])} of the time when it acts, against "
        f"{fmt.percent(overall.accuracy_acted)} overall ({_n(row['acted'], spec)}{within})."
    )
    severity = WARNING if overall.accuracy_acted - row["accuracy_acted"] >= 0.05 else NOTE
    return Finding(
        "weakest_segment",
        severity,
        sentence,
        {
            "accuracy": float(row["accuracy_acted"]),
            "overall": overall.accuracy_acted,
            "n": int(row["acted"]),
            **(
                {"low": float(row["accuracy_low"]), "high": float(row["accuracy_high"])}
                if "accuracy_low" in row
                else {}
            ),
        },
        "Lowest accuracy on acted cases among segments with at least 30 acted cases.",
    )


def unseen_requests(table, spec: BundleSpec, top: int = 3) -> Finding | None:
    if table is None or table.empty or not spec.business.is_set:  # no values: nothing to say it would add
        return None
    head = table.head(top)
    per_period = spec.business.volume is not None
    worth = float(head["worth_per_period"].sum()) if per_period else float(head["worth_per_case"].sum())
    named = [f"{r.label} ({fmt.percent(r.share)})" for r in head.itertuples()]
    names = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    sentence = (
        f"The biggest requests it was never trained on are {names}. Teaching it "
        f"{'this one' if len(head) == 1 else f'these {len(head)}'} could add "
        f"about {_money(worth, spec)} {_when(spec)} to its net value. That is if it then does as well as on the rest."
    )
    return Finding(
        "unseen_requests",
        NOTE,
        sentence,
        {"worth": worth, "count": len(head), **{f"share_{i}": float(s) for i, s in enumerate(head["share"])}},
        "Worth assumes the new intents reach the model's in-scope accuracy.",
    )


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def unseen_words(groups, spec: BundleSpec, top: int = 2) -> Finding | None:
    """What people ask that the model was never trained on, in their own words: for the largest
    groups (`core.explaining.text.unseen_groups`), two real messages and the words that set the group apart."""
    groups = [g for g in groups if g.examples][:top]
    if not groups:
        return None
    sentences = []
    for g in groups:
        shortest = g.quoted
        examples = _listed([f"“{fmt.clean(e, limit=90)}”" for e in shortest])  # their words, quoted as written
        sentences.append(f"{_cap(spec.subjects)} labelled {g.label} ({fmt.count(g.n)}) say things like {examples}.")
        if g.words:
            telling = _listed([f"'{w}'" for w in g.words])
            sentences.append(f"Their telling words are {telling}.")
    return Finding(
        "unseen_words",
        NOTE,
        " ".join(sentences),
        {f"n_{i}": float(g.n) for i, g in enumerate(groups)},
        "Examples are the messages that use most of the group's distinguishing words; distinguishing words are "
        "those the group uses often and other messages seldom (share times log ratio).",
    )


def regression_errors(summary_, spec: BundleSpec) -> Finding:
    tolerance = spec.tolerance.absolute
    within = _within(spec)
    typical = round(summary_.median_abs_error, 2)
    sentence = (
        f"{fmt.percent(summary_.within)} of estimates are {within}. A typical estimate is off by "
        f"{typical:.2f} {_unit(spec, typical)}."
    )
    if summary_.cost_per_period is not None and spec.business.is_set:
        sentence += f" Errors cost about {_money(abs(summary_.cost_per_period), spec)} {fmt.per(spec.business.per)}."
    technical = f"Mean absolute error {summary_.mean_abs_error:.3f}; median {summary_.median_abs_error:.3f}."
    return Finding(
        "errors",
        INFO,
        sentence,
        {
            "within": summary_.within,
            "median": typical,
            "cost": abs(summary_.cost_per_period or 0),
            "tolerance": tolerance or 0,
        },
        technical,
    )


def large_errors(table, column_label: str, spec: BundleSpec, large: float) -> Finding | None:
    """Where the estimates that miss by more than the tolerance concentrate."""
    if table is None or table.empty:
        return None
    top = table.iloc[0]
    if top["ratio"] < 1.5 or top["large"] < 10:
        return None
    sentence = (
        f"Misses of more than {large:g} {_unit(spec, large)} pile up in {_lower(column_label)} "
        f"{top['segment']}. It has {fmt.percent(top['share_of_rows'])} of {spec.subjects} but "
        f"{fmt.percent(top['share_of_large'])} of those misses."
    )
    return Finding(
        "large_errors",
        WARNING,
        sentence,
        {"share_of_rows": float(top["share_of_rows"]), "share_of_large": float(top["share_of_large"]), "large": large},
        f"{top['ratio']:.1f} times the overall rate of misses beyond the tolerance.",
    )


HEAVY_TAIL_SHARE = 0.15  # the worst 1% carrying this much of all the error is a heavy tail (normal errors: ~3%)
MIN_TAIL_CASES = 200  # fewer estimates than this: the worst 1% is too few cases to judge a tail by


def heavy_tail(summary_, spec: BundleSpec, n: int) -> Finding | None:
    """A few estimates that miss by far more than the rest: the worst 1%'s share of all the error
    and the largest miss, against a typical one. A warning: a mean or a share within tolerance
    hides them."""
    if n < MIN_TAIL_CASES or summary_.worst_share < HEAVY_TAIL_SHARE:
        return None
    largest, typical = summary_.largest, summary_.median_abs_error
    worst = summary_.worst_n
    sentence = (
        f"A few estimates miss by far more than the rest: the worst {fmt.count(worst)} {spec.subjects} "
        f"(1%) carry {fmt.percent(summary_.worst_share)} of all the error, and the largest miss is "
        f"{_amount(largest)} {_unit(spec, largest)}, against a typical miss of {_amount(typical)}."
    )
    return Finding(
        "heavy_tail",
        WARNING,
        sentence,
        {"worst": worst, "worst_share": summary_.worst_share, "largest": largest, "typical": typical, "tail": 0.01},
        f"Mean absolute error {summary_.mean_abs_error:.3f} against a median of {typical:.3f}.",
    )


def _amount(x: float) -> str:
    """A size of miss: whole units from 100 up (1,177), else two decimals (1.06)."""
    return fmt.count(x) if abs(x) >= 100 else f"{x:.2f}"


def rare_classes(table, spec: BundleSpec, overall: float | None = None) -> Finding | None:
    """The rarest classes named, with how often the model gets them right and the 95% range; a
    note when that range lies below how often it is right overall."""
    if table is None or table.empty:
        return None
    shown = table.head(3)
    parts = [
        f"{row['label']} ({fmt.count(int(row['n']))} {spec.subjects}): right "
        f"{fmt.percent(float(row['right']))} (95% range {fmt.percent(float(row['low']))} to "
        f"{fmt.percent(float(row['high']))})"
        for _, row in shown.iterrows()
    ]
    more = f", and {len(table) - 3} more" if len(table) > 3 else ""
    behind = overall is not None and bool((shown["high"] < overall).any())
    sentence = f"Some classes are rare in the tests, each under 2% of {spec.subjects}: {'; '.join(parts)}{more}. " + (
        "For at least one of them the model is right less often than overall, beyond the noise."
        if behind
        else "With so few cases, how well it does on them is known only roughly."
    )
    numbers_ = {}
    for i, (_, row) in enumerate(shown.iterrows()):
        numbers_.update(
            {f"n_{i}": float(row["n"]), f"right_{i}": float(row["right"]), f"low_{i}": float(row["low"]),
             f"high_{i}": float(row["high"])}
        )  # fmt: skip
    numbers_.update(more=float(len(table) - 3), rare=0.02)
    return Finding("rare_classes", NOTE if behind else INFO, sentence, numbers_, "Recall per class, Wilson 95% range.")
