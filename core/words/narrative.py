"""Plain-language findings, generated from computed results.

Each finding has a stable code, a severity, short plain sentences (what a product manager reads),
a technical addendum (metric names, ranges and method notes for a model review), and the numbers
it used, so a test can check "given these numbers, this sentence" and that every number in a
sentence is one of them. Pages show the findings that apply, most important first.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis

INFO, NOTE, WARNING = 0, 1, 2
PLAIN, TECHNICAL = "Plain", "Technical"
SMALL_N = 100


@dataclass(frozen=True)
class Finding:
    code: str
    severity: int
    sentence: str
    numbers: dict[str, float] = field(default_factory=dict)
    technical: str = ""

    def text(self, audience: str = PLAIN) -> str:
        """The sentence, with the technical addendum for a technical audience."""
        return f"{self.sentence} {self.technical}".strip() if audience == TECHNICAL else self.sentence


# --- words ----------------------------------------------------------------------------------


def _unit(spec: BundleSpec, amount: float) -> str:
    """The target's unit, read from its name ('delivery_hours' -> hours), singular for 1."""
    unit = spec.target.rsplit("_", 1)[-1] if "_" in spec.target else ""
    unit = unit if unit in ("hours", "minutes", "days", "weeks", "km", "kg") else "units"
    return unit[:-1] if amount == 1 and unit.endswith("s") else unit


def _within(spec: BundleSpec) -> str:
    """What counts as right for an estimate: 'within 1 hour', 'within 10% of the truth'."""
    tolerance = spec.tolerance
    if tolerance.absolute is not None:
        return f"within {tolerance.absolute:g} {_unit(spec, tolerance.absolute)}"
    if tolerance.relative is not None:
        return f"within {fmt.percent(tolerance.relative)} of the truth"
    return "exactly right"


def target_unit(spec: BundleSpec, amount: float = 2.0) -> str:
    return _unit(spec, amount)


def _lower(label: str) -> str:
    """'Contract type' -> 'contract type', but leave acronyms and quoted words alone."""
    return label[:1].lower() + label[1:] if label[:1].isupper() and not label[1:2].isupper() else label


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money(x: float, spec: BundleSpec) -> str:
    return fmt.money(x, spec.business.currency)


def _n(count: float, spec: BundleSpec) -> str:
    """'1 customer', '2,500 customers': a count of the bundle's subjects in the right number."""
    return fmt.counted(count, spec.subject, spec.subjects)


def _when(spec: BundleSpec) -> str:
    return fmt.per(spec.business.per) if spec.business.volume is not None else f"per {spec.subject}"


def _worth(k: Kpis) -> float:
    return k.net_per_period if k.net_per_period is not None else k.net_per_case


def _range(estimate, show) -> str:
    if estimate is None or estimate.low != estimate.low:
        return ""
    return f"95% range {show(estimate.low)} to {show(estimate.high)}, n = {fmt.count(estimate.n)}"


def shown_value(value, feature: str, spec: BundleSpec) -> str:
    """A feature's value with its unit: '21.6 km', '3 calls', 'month-to-month'."""
    if value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>":
        return "unknown"
    info = spec.features.get(feature)
    if info is not None and info.kind == "text":  # a message: its start, quoted
        return f"“{fmt.clean(' '.join(str(value).split()), limit=28)}”"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
        info = spec.features.get(feature)
        unit = info.unit if info and info.unit and info.unit not in ("1 to 5",) else None
        return fmt.quantity(float(value), unit, text)
    return str(value)


# --- the headline ---------------------------------------------------------------------------


NO_VALUES = (
    "No business values are set for this model, so there is no net value to show: add the value of each "
    "outcome under business: value in bundle.yaml."
)


def value_sentence(k: Kpis, spec: BundleSpec) -> str:
    """'That is worth about $44,580 a month more than having people handle every customer.'"""
    if not spec.business.is_set:
        return NO_VALUES
    amount = _worth(k)
    people = f"having people handle every {spec.subject}"
    shown = _money(abs(amount), spec)
    if shown.strip("$€£¥₹ ").rstrip(spec.business.currency).strip() in ("0", "0.00"):
        return f"That is worth about the same as {people}."
    if amount > 0:
        return f"That is worth about {shown} {_when(spec)} more than {people}."
    return f"That loses about {shown} {_when(spec)} compared with {people}."


def headline(k: Kpis, spec: BundleSpec, ranges=None) -> Finding:
    """Accuracy, coverage and value together, never accuracy alone."""
    subjects = spec.subjects
    numbers_ = {"coverage": k.coverage, "accuracy_acted": k.accuracy_acted, "worth": _worth(k), "n": k.n}
    technical = (
        f"Accuracy on the cases it acts on {fmt.percent(k.accuracy_acted, 1)}"
        f"{' (' + _range(ranges.accuracy_acted, lambda x: fmt.percent(x, 1)) + ')' if ranges else ''}; "
        f"on all in-scope cases {fmt.percent(k.accuracy_in_scope, 1)}; coverage {fmt.percent(k.coverage, 1)} "
        f"= scope {fmt.percent(k.scope_coverage, 1)} x confidence {fmt.percent(k.confidence_coverage, 1)}; "
        f"net value per case {_money(k.net_per_case, spec)} against the all-human baseline."
    )
    if k.acted == 0:
        sentence = (
            f"At this setting the model acts on none of the {_n(k.n, spec)}. "
            f"People handle every one, so it adds no value yet."
        )
        return Finding("headline", WARNING, sentence, numbers_, technical)
    if spec.task == "regression":
        tolerance = spec.tolerance
        numbers_["tolerance"] = tolerance.absolute if tolerance.absolute is not None else tolerance.relative
        within = _within(spec)
        sentence = f"The estimate is {within} for {fmt.frequency(k.accuracy_acted)} {subjects} ({fmt.percent(k.accuracy_acted)})."
        if k.coverage < 0.995:
            sentence += f" It covers {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)})."
    elif k.coverage <= 0 or k.accuracy_acted != k.accuracy_acted:  # covers no case: nothing to be right about
        sentence = f"The model covers no {subjects} (0%): it hands every one it was built for to a person."
    else:
        right = (
            "never right"
            if k.accuracy_acted <= 0
            else "almost never right"
            if k.accuracy_acted < 0.005
            else "always right"
            if k.accuracy_acted >= 1
            else "nearly always right"
            if k.accuracy_acted >= 0.995
            else f"right {fmt.frequency(k.accuracy_acted)} times"
        )
        if k.covered == k.acted:  # every case it acts on is one it was built for: acting is covering
            sentence = f"The model acts on {fmt.frequency(k.coverage)} {subjects} itself ({fmt.percent(k.coverage)}). "
        else:
            sentence = (
                f"The model covers {fmt.frequency(k.coverage)} {subjects} ({fmt.percent(k.coverage)}): it acts on "
                f"them itself, and they are the kind it was built for. "
            )
        sentence += f"It is {right} when it acts ({fmt.percent(k.accuracy_acted)})."
    sentence += " " + value_sentence(k, spec)
    losing = spec.business.is_set and _worth(k) < 0
    return Finding("headline", WARNING if losing else INFO, sentence, numbers_, technical)


def out_of_scope(k: Kpis, spec: BundleSpec) -> Finding | None:
    """Real cases the model was never built for: the part accuracy does not show."""
    unseen = 1 - k.scope_coverage
    if unseen < 0.01:
        return None
    sentence = (
        f"{_cap(fmt.frequency(unseen))} {spec.subjects} ({fmt.percent(unseen)}) ask for something the model "
        f"was never trained on. Its {fmt.percent(k.accuracy_in_scope)} accuracy in tests only covers the rest."
    )
    technical = (
        f"Scope coverage {fmt.percent(k.scope_coverage, 1)}: labels outside the model's classes count as "
        f"wrong and against coverage."
    )
    return Finding(
        "out_of_scope",
        WARNING if unseen >= 0.1 else NOTE,
        sentence,
        {"out_of_scope": unseen, "accuracy_in_scope": k.accuracy_in_scope},
        technical,
    )


def summary(k: Kpis, spec: BundleSpec, ranges=None) -> list[Finding]:
    """The headline first, then what else applies, most important first."""
    others = [f for f in (out_of_scope(k, spec),) if f is not None]
    return [headline(k, spec, ranges), *sorted(others, key=lambda f: -f.severity)]


# --- the operating point --------------------------------------------------------------------


def people(k: Kpis, spec: BundleSpec) -> Finding:
    """The operating point in people: "Of 20,000 customers a month, the model acts on 17,400 itself..." """
    business = spec.business
    if business.volume is not None:
        scale, lead = business.volume / k.n, f"Of {_n(business.volume, spec)} {fmt.per(business.per)}"
    else:
        scale, lead = 1.0, f"Of the {fmt.count(k.n)} test {fmt.plural(k.n, spec.subject, spec.subjects)}"
    acts, person = k.acted * scale, (k.n - k.acted) * scale
    unseen = (k.n - k.in_scope) * scale
    if k.acted == k.n:
        sentence = f"{lead}, the model acts on all {fmt.count(acts)} itself."
    else:
        sentence = f"{lead}, the model acts on {fmt.count(acts)} itself and hands {fmt.count(person)} to a person."
    if unseen >= 0.5:
        sentence += f" {fmt.count(unseen)} of them ask for something it was never trained on."
    return Finding(
        "people",
        INFO,
        sentence,
        {"acts": acts, "to_person": person, "unseen": unseen, "volume": business.volume or k.n},
    )


def describe_point(point, spec) -> str:
    """When the model acts at a setting, in words (`spec` is the bundle's spec, or its task)."""
    task = spec if isinstance(spec, str) else spec.task
    if not isinstance(spec, str) and spec.decides_only:
        return "acts on its own decision for every case (it gives no probabilities to set a confidence on)"
    act = f"acts when at least {fmt.percent(point.min_confidence)} sure" if point.min_confidence > 0 else "always acts"
    if task == "binary":
        return f"flags a case from a {fmt.percent(point.threshold)} chance and {act}"
    return act


def outcome_words(label, spec: BundleSpec) -> str:
    """What actually happened to a case, in the bundle's words: its event ('cancelled', 'not
    cancelled') for a binary model that names one, else the label as written."""
    if spec.task == "binary" and spec.event:
        return spec.event if str(label) == str(spec.positive_class) else f"not {spec.event}"
    return str(label)


def best_point(best, current: Kpis, current_point, spec: BundleSpec) -> Finding | None:
    """Where net value peaks, and how far the current setting is from it."""
    if not spec.business.is_set:  # no values: every setting is worth the same nothing
        return None
    per_period = best.net_per_period is not None
    best_value = best.net_per_period if per_period else best.net_per_case
    gap = best_value - _worth(current)
    numbers_ = {
        "best_value": best_value,
        "gap": gap,
        "threshold": best.point.threshold,
        "min_confidence": best.point.min_confidence,
    }
    technical = (
        f"Best of a grid search over the decision threshold and the minimum confidence "
        f"(threshold {best.point.threshold:.2f}, minimum confidence {best.point.min_confidence:.2f})."
    )
    if gap <= max(abs(best_value) * 0.005, 0.005):
        return Finding(
            "best_point", INFO, "This is already the setting with the highest net value.", numbers_, technical
        )
    sentence = (
        f"Net value is highest, about {_money(best_value, spec)} {_when(spec)}, when the model "
        f"{describe_point(best.point, spec)}. That is {_money(gap, spec)} {_when(spec)} more than now."
    )
    return Finding("best_point", NOTE, sentence, numbers_, technical)


def point_change(before: Kpis, after: Kpis, spec: BundleSpec) -> Finding | None:
    """What changed against the bundle's own setting, in people and money."""
    scale = (spec.business.volume / after.n) if spec.business.volume is not None else 1.0
    acted = (after.acted - before.acted) * scale
    right = (after.accuracy_acted - before.accuracy_acted) * 100
    worth = _worth(after) - _worth(before)
    if abs(acted) < 0.5 and abs(worth) < 0.005:
        return None
    when = fmt.per(spec.business.per) if spec.business.volume is not None else ""
    parts = [
        f"Compared with the bundle's own setting, the model now acts on {fmt.count(abs(acted))} "
        f"{'more' if acted >= 0 else 'fewer'} {spec.subjects}{' ' + when if when else ''} itself."
    ]
    if right == right and abs(right) >= 0.5:
        parts.append(
            f"It is right {abs(right):.0f} {'point' if round(abs(right)) == 1 else 'points'} "
            f"{'more' if right > 0 else 'less'} often when it acts."
        )
    parts.append(f"Net value {'rises' if worth >= 0 else 'falls'} by {_money(abs(worth), spec)} {_when(spec)}.")
    return Finding(
        "point_change", NOTE, " ".join(parts), {"acts": abs(acted), "right": abs(right), "worth": abs(worth)}
    )


def small_sample(ranges, spec: BundleSpec) -> Finding | None:
    """A caution when few cases stand behind the accuracy figure, or its range is wide."""
    estimate = ranges.accuracy_acted
    if estimate.n >= SMALL_N and not (estimate.high - estimate.low > 0.2):
        return None
    numbers_ = {"n": estimate.n, "low": estimate.low, "high": estimate.high}
    if estimate.n == 0:
        return Finding(
            "small_sample",
            WARNING,
            "No cases stand behind the accuracy figure at this setting, so there is nothing to judge it by.",
            numbers_,
        )
    sentence = (
        f"Only {fmt.count(estimate.n)} {spec.subjects if estimate.n != 1 else spec.subject} stand behind the "
        f"accuracy figure. It could be anywhere from {fmt.percent(estimate.low)} to "
        f"{fmt.percent(estimate.high)}, so treat it as a rough guide."
    )
    return Finding(
        "small_sample", WARNING, sentence, numbers_, "Percentile bootstrap over evaluation rows, 2,000 resamples."
    )


# --- where it works and where it fails ------------------------------------------------------


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


def calibration(example, gap: float, excess: float | None = None, n: int | None = None) -> Finding | None:
    """ "When the model says it is about 78% sure, it is right 75% of the time." A warning only when
    its stated confidence lies outside the 95% range of how often it was right (`excess` > 1 point);
    with fewer than MIN_CALIBRATION_CASES cases, it says there are too few to tell."""
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
        f"It does worst for {_lower(column_label)} {row['segment']}. There it is right "
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
    within = f"within {tolerance:g} {_unit(spec, tolerance)}" if tolerance is not None else "within tolerance"
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


# --- chart titles (each states its finding) -------------------------------------------------


def curve_title(curve, control: str, current: float, spec: BundleSpec, held: float | None = None) -> str:
    """Net value along one control with the other held where it is: the top of this curve (not the
    best-value setting, which moves both controls) and where it is now. `held` is the other
    control's value (binary models have two)."""
    column = "net_per_period" if spec.business.volume is not None else "net_per_case"
    top = curve.loc[curve[column].idxmax()]
    if control == "threshold":
        where = f"from a {fmt.percent(top[control])} chance"
        fixed = f"with the confidence needed to act held at {fmt.percent(held)}" if held is not None else ""
    else:
        where = "when it acts on every case" if top[control] <= 0 else f"from {fmt.percent(top[control])} sure"
        fixed = f"with the chance needed to flag held at {fmt.percent(held)}" if held is not None else ""
    now = curve.iloc[(curve[control] - current).abs().argmin()]
    return (
        f"Net value along this control{' ' + fixed if fixed else ''}: {_money(top[column], spec)} {_when(spec)} "
        f"at most, {where} (now {_money(now[column], spec)} at {fmt.percent(current)})"
    )


def segment_title(table, column_label: str, overall: Kpis) -> str:
    ranked = table.dropna(subset=["accuracy_acted"]).sort_values("accuracy_acted", kind="stable")
    if ranked.empty:
        return f"Right when it acts, by {column_label.lower()}"
    low, high = ranked.iloc[0], ranked.iloc[-1]
    return (
        f"By {column_label.lower()}: from {fmt.percent(low['accuracy_acted'])} right ({low['segment']}) to "
        f"{fmt.percent(high['accuracy_acted'])} ({high['segment']}); {fmt.percent(overall.accuracy_acted)} overall"
    )


def calibration_title(example) -> str:
    if example is None:
        return "Stated confidence against how often it was right"
    return (
        f"When it says {fmt.percent(float(example['stated']))}, it is right "
        f"{fmt.percent(float(example['observed']))} of the time"
    )


def histogram_title(summary_, spec: BundleSpec) -> str:
    tolerance = spec.tolerance.absolute
    lean = f"{fmt.percent(summary_.over_share)} are too high"
    if tolerance is None:
        return f"{fmt.percent(summary_.over_share)} of estimates are too high"
    return f"{fmt.percent(summary_.within)} of estimates land within {tolerance:g} {_unit(spec, tolerance)}; {lean}"


def importance_title(table, spec: BundleSpec) -> str:
    top = table.iloc[0]
    return f"{top['label']} moves predictions most: by {_amount(top['importance'], spec).lstrip('+')} on average"


# --- explanations ---------------------------------------------------------------------------


def _amount(x: float, spec: BundleSpec) -> str:
    """A contribution as people read it: '+12 points' of chance, or '+0.40 hours'."""
    sign = "+" if x >= 0 else "−"
    if spec.task == "regression":
        return f"{sign}{abs(x):.2f} {_unit(spec, round(abs(x), 2))}"
    points = abs(x) * 100
    if points < 0.05:  # would read "+0.0 points"
        return "almost no change"
    shown = f"{points:.0f}" if points >= 1 else f"{points:.1f}"
    return f"{sign}{shown} {'point' if shown == '1' else 'points'}"


def _what(spec: BundleSpec, output: str | None = None) -> str:
    if spec.task == "regression":
        return "the estimate"
    if spec.task == "multiclass":
        return f"the chance of {output}" if output else "the chance of its answer"
    return "the predicted chance"


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
                    f"{_what(spec, output)}."
                )
            elif way == "category" and detail and row.feature not in (words or {}):
                sentences.append(f"{_cap(_lower(row.label))} '{detail}' raises {_what(spec, output)} the most.")
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
            f"For this {spec.subject}, {_what(spec, output)} is {fmt.percent(predicted)}.",
            f"Before it looks at the details, the model starts from {fmt.percent(base)}.",
        ]
    named = case_frame[case_frame["feature"] != ""].head(reasons)
    for row in named.itertuples():
        info = spec.features.get(row.feature)
        if info is not None and info.kind == "text":
            said = [f"'{w}'" for w in (words or {}).get(row.feature, [])]
            most = f", most of all {_listed(said)}" if said else ""
            sentences.append(f"The {_lower(row.label)}: {_amount(row.contribution, spec)}{most}.")
            continue
        sentences.append(  # "Support calls (0 calls): −8 points." never "is 0 calls"
            f"{_cap(_lower(row.label))} ({shown_value(row.value, row.feature, spec)}): "
            f"{_amount(row.contribution, spec)}."
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


# --- the overview ---------------------------------------------------------------------------


def risks(found: list[Finding]) -> list[Finding]:
    """The cautions among the findings, worst first."""
    return sorted([f for f in found if f.severity >= NOTE and f.code != "best_point"], key=lambda f: -f.severity)


def decision(k: Kpis, spec: BundleSpec, point, risk_count: int) -> Finding:
    """The question a reader is asked to decide, with what saying yes means."""
    scale = (spec.business.volume / k.n) if spec.business.volume is not None else 1.0
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    if spec.task == "regression":
        question = f"The decision: use the model to {spec.action or 'make the estimates'}?"
    else:
        question = f"The decision: let the model {spec.action or 'act'} at this setting?"
    worth = _worth(k)
    if k.acted == 0:
        consequence = "At this setting it would act on nothing, so there is nothing to decide yet."
    elif not spec.business.is_set:
        consequence = (
            f"It would act on {_n(k.acted * scale, spec)} {when} itself; with no business values "
            "set, what that is worth is not known."
        )
    else:
        consequence = (
            f"It would act on {_n(k.acted * scale, spec)} {when} itself"
            + (
                f", {fmt.count((k.acted - k.covered) * scale)} of them ones it was never built for,"
                if k.acted > k.covered
                else ""
            )
            + f" and {'earn' if worth >= 0 else 'lose'} about {_money(abs(worth), spec)} {_when(spec)}."
        )
    caution = "Weigh the risks above first." if risk_count else "Nothing above argues against it."
    return Finding(
        "decision",
        INFO,
        f"{question} {consequence} {caution}",
        {"acts": k.acted * scale, "worth": abs(worth), "never_built_for": (k.acted - k.covered) * scale},
        f"Operating point: {describe_point(point, spec)}.",
    )


def executive(k: Kpis, spec: BundleSpec, drivers_: Finding | None) -> Finding:
    """The paragraph a product manager reads first: what it does, how well, how much, what it is worth."""
    head = headline(k, spec)
    sentences = [spec.summary, head.sentence] if spec.summary else [head.sentence]
    unseen = out_of_scope(k, spec)
    if unseen is not None:
        sentences.append(unseen.sentence)
    if drivers_ is not None:
        sentences.append(drivers_.sentence.split(". ")[0].rstrip(".") + ".")
    numbers_ = {**head.numbers, **(unseen.numbers if unseen else {}), **(drivers_.numbers if drivers_ else {})}
    return Finding("executive", head.severity, " ".join(sentences), numbers_, head.technical)


# --- slide titles (each slide's title is its finding) ---------------------------------------


def _title(code: str, sentence: str, numbers_: dict | None = None) -> Finding:
    return Finding(f"title_{code}", INFO, sentence, numbers_ or {})


def headline_title(k: Kpis, spec: BundleSpec) -> Finding:
    """ "It handles 6 in 10 tickets, and is right on 9 in 10 of those" """
    numbers_ = {"coverage": k.coverage, "accuracy_acted": k.accuracy_acted, "n": k.n}
    if k.acted == 0:
        return _title("headline", f"At this setting it acts on none of the {_n(k.n, spec)}", numbers_)
    if spec.task == "regression":
        tolerance = spec.tolerance
        within = _within(spec)
        numbers_["tolerance"] = tolerance.absolute if tolerance.absolute is not None else tolerance.relative or 0
        return _title(
            "headline", f"Its estimate is {within} for {fmt.frequency(k.accuracy_acted)} {spec.subjects}", numbers_
        )
    if k.coverage <= 0 or k.accuracy_acted != k.accuracy_acted:
        return _title("headline", f"It handles none of the {spec.subjects} it was built for", numbers_)
    right = (
        "always right"
        if k.accuracy_acted >= 1
        else "right on nearly all of those"
        if k.accuracy_acted >= 0.995
        else f"right on {fmt.frequency(k.accuracy_acted)} of those"
    )
    return _title("headline", f"It handles {fmt.frequency(k.coverage)} {spec.subjects}, and is {right}", numbers_)


def tradeoff_title(best, current: Kpis, spec: BundleSpec) -> Finding:
    """Where value peaks against where it stands, or (no values set) what the setting trades."""
    if best is None or not spec.business.is_set:
        return _title(
            "tradeoff",
            f"Asking it to be surer means it acts on fewer {spec.subjects}, and people handle the rest",
        )
    best_value = best.net_per_period if best.net_per_period is not None else best.net_per_case
    now = _worth(current)
    gap = best_value - now
    numbers_ = {"best_value": best_value, "now": now, "gap": gap}
    if gap <= max(abs(best_value) * 0.005, 0.005):
        return _title(
            "tradeoff", f"This setting already earns the most: about {_money(now, spec)} {_when(spec)}", numbers_
        )
    return _title(
        "tradeoff",
        f"A different setting adds {_money(gap, spec)} {_when(spec)} to its net value",
        numbers_,
    )


def errors_title(summary_, spec: BundleSpec) -> Finding:
    typical = round(summary_.median_abs_error, 2)
    return _title("errors", f"A typical estimate is off by {typical:.2f} {_unit(spec, typical)}", {"median": typical})


def people_title(k: Kpis, spec: BundleSpec) -> Finding:
    scale = spec.business.volume / k.n if spec.business.volume is not None else 1.0
    acts = k.acted * scale
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    return _title("people", f"It acts on {_n(acts, spec)} {when} itself", {"acts": acts})


def unseen_title(k: Kpis, spec: BundleSpec) -> Finding:
    unseen = 1 - k.scope_coverage
    if unseen < 0.005:
        return _title("unseen", f"Some {spec.subjects} ask for things it was never trained on")
    return _title(
        "unseen",
        f"{_cap(fmt.frequency(unseen))} {spec.subjects} ask for something it was never trained on",
        {"out_of_scope": unseen},
    )


def relies_title(table, spec: BundleSpec) -> Finding:
    names = [_lower(str(label)) for label in table["label"].head(3)]
    return _title("relies", f"It relies most on {_listed(names)}", {})


def case_title(case_frame, decision, spec: BundleSpec) -> Finding:
    """ "A typical customer: the model would not flag it, most of all because of the support calls":
    the reason named is the one that pushed most toward what the model decided."""
    named = case_frame[case_frame["feature"] != ""]
    toward = named
    if spec.task == "regression":
        did = f"it estimates {decision.chance:.2f} {_unit(spec, round(decision.chance, 2))}"
    elif not decision.acts:
        did = "the model would hand it to a person"
    elif spec.task == "binary":
        flag = decision.answer == "flag"
        did = f"the model would {'flag' if flag else 'not flag'} it"
        toward = named[named["contribution"] > 0] if flag else named[named["contribution"] < 0]
    else:
        did = f"the model would send it to {fmt.class_label(decision.answer)}"
        toward = named[named["contribution"] > 0]
    if spec.task == "regression" and len(named):
        why = f"; the {_lower(str(named.iloc[0]['label']))} moves it most"
    elif len(toward) and decision.acts:
        why = f", most of all because of the {_lower(str(toward.iloc[0]['label']))}"
    elif len(named):
        why = f"; the {_lower(str(named.iloc[0]['label']))} weighs most"
    else:
        why = ""
    return _title("case", f"A typical {spec.subject}: {did}{why}", {"estimate": decision.chance})


def number_word(count: int) -> str:
    """'One' to 'Nine' at the start of a sentence, digits from 10 on."""
    words = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
    return words[count - 1] if 0 < count < 10 else fmt.count(count)


def risks_title(risks_: list[Finding]) -> Finding:
    if not risks_:
        return _title("risks", "No risk stands out")
    count = len(risks_)
    said = number_word(count)
    return _title(
        "risks",
        f"{said} {'thing' if count == 1 else 'things'} to weigh before saying yes",
        {"count": count},
    )


def decision_title(spec: BundleSpec) -> Finding:
    """The question the review decides."""
    if spec.task == "regression":
        return _title("decision", f"Should the model {spec.action or 'make the estimates'}?")
    return _title("decision", f"Should the model {spec.action or 'act on its own'}, set as it is now?")


def approval(k: Kpis, spec: BundleSpec, point, risk_count: int) -> Finding:
    """What approving the setting means, in cases and money per period: the decision slide's body."""
    scale = (spec.business.volume / k.n) if spec.business.volume is not None else 1.0
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    acts, person = k.acted * scale, (k.n - k.acted) * scale
    worth = _worth(k)
    sentences = [f"The setting: the model {describe_point(point, spec)}."]
    if k.acted == 0:
        sentences.append("At this setting it would act on nothing, so there is nothing to decide yet.")
    else:
        sentences.append(
            f"Saying yes means it acts on {_n(acts, spec)} {when} itself"
            + (f" and hands {fmt.count(person)} to a person." if person >= 0.5 else ".")
        )
        if spec.business.is_set:
            sentences.append(
                f"That {'earns' if worth >= 0 else 'loses'} about {_money(abs(worth), spec)} {_when(spec)}, "
                f"against having people handle every {spec.subject}."
            )
        else:
            sentences.append("No business values are set, so what that is worth is not known.")
    sentences.append("Weigh the risks first." if risk_count else "Nothing in these figures argues against it.")
    numbers_ = {
        "acts": acts,
        "to_person": person,
        "worth": abs(worth),
        "threshold": point.threshold,
        "min_confidence": point.min_confidence,
    }
    return Finding("approval", INFO, " ".join(sentences), numbers_, f"Operating point: {describe_point(point, spec)}.")


def comparison_title(net, other_title: str, spec: BundleSpec) -> Finding:
    """Against another model on the same cases: which is worth more, when it is beyond the noise."""
    scale = spec.business.volume or 1
    worth = net.difference * scale
    when = _when(spec)
    numbers_ = {"worth": abs(worth)}
    if not spec.business.is_set:
        return _title("comparison", f"How it compares with {other_title} on the same {spec.subjects}")
    if not net.beyond_noise:
        return _title("comparison", f"It is worth the same as {other_title}, within the noise", numbers_)
    if worth > 0:  # the difference is the other's figure minus this one's
        return _title("comparison", f"{other_title} adds {_money(worth, spec)} {when} more in net value", numbers_)
    return _title(
        "comparison", f"It adds {_money(abs(worth), spec)} {when} more in net value than {other_title}", numbers_
    )


def tiles(result, spec, technical: bool = False) -> list[tuple[str, str, str, str]]:
    """The headline figures as (label, value, range, glossary key): accuracy, coverage and net
    value, always together, each with its 95% range and n. One builder for the pages, the report
    and the slides, so the tiles read the same everywhere."""
    k, r = result.kpis, result.ranges
    money = lambda x: fmt.money(x, spec.business.currency, compact=True)  # noqa: E731

    def span(estimate, show) -> str:
        if estimate.low != estimate.low:  # NaN: nothing behind it
            return f"no range · n = {fmt.count(estimate.n)}"
        return f"95% range {show(estimate.low)} to {show(estimate.high)} · n = {fmt.count(estimate.n)}"

    if r.net_per_period is not None:
        value, value_label = r.net_per_period, f"Net value {fmt.per(spec.business.per)}"
    else:
        value, value_label = r.net_per_case, f"Net value per {spec.subject}"
    accuracy_label = (
        "Within tolerance"
        if spec.task == "regression"
        else "Accuracy when it acts"
        if technical
        else "Right when it acts"
    )
    return [
        (accuracy_label, fmt.percent(k.accuracy_acted), span(r.accuracy_acted, fmt.percent), "accuracy_acted"),
        ("Coverage", fmt.percent(k.coverage), span(r.coverage, fmt.percent), "coverage"),
        (value_label, money(value.value), span(value, money), "net_value")
        if spec.business.is_set
        else ("Net value", "not set", "no business values in bundle.yaml", "net_value"),
    ]


# --- since launch (real traffic) ------------------------------------------------------------


def traffic_acts(share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """The share it acts on left the range a period of that size shows when nothing has changed."""
    way = "fewer" if share < test else "more"
    return Finding(
        "traffic_acts",
        WARNING,
        f"Since {when}, the model acts on {way} {spec.subjects} itself: {fmt.percent(share)}, "
        f"against {fmt.percent(test)} in the tests.",
        {"share": share, "test": test},
        "Outside the 95% range for a period of that many requests, two periods running or more.",
    )


def traffic_accuracy(accuracy: float, test: float, when: str, spec: BundleSpec, estimated: bool) -> Finding:
    """Accuracy on real requests (or its estimate from the model's confidence) left its range."""
    way = "less" if accuracy < test else "more"
    lead = "Going by its own confidence, since" if estimated else "Since"
    about = "about " if estimated else ""
    sentence = (
        f"{lead} {when} it is right {way} often when it acts: {about}{fmt.percent(accuracy)}, "
        f"against {fmt.percent(test)} in the tests."
    )
    if estimated:
        sentence += " The real outcomes have not come in yet."
    technical = (
        "Confidence-based estimate: the mean confidence of the cases it acted on, shown because its "
        "confidence held in the tests."
        if estimated
        else "Accuracy on acted requests whose outcome has arrived, outside its 95% range."
    )
    return Finding("traffic_accuracy", WARNING, sentence, {"accuracy": accuracy, "test": test}, technical)


def traffic_median(
    label: str, feature: str, now: float | None, test: float, when: str, spec: BundleSpec
) -> Finding | None:
    """A number input that moved: its median now against the test data's."""
    if now is None:
        return None
    way = "higher" if now > test else "lower"
    return Finding(
        "traffic_input",
        NOTE,
        f"Since {when}, the {_lower(label)} is {way}: half are above {shown_value(round(now, 2), feature, spec)}, "
        f"against {shown_value(round(test, 2), feature, spec)} in the test data.",
        {"now": round(now, 2), "test": round(test, 2)},
        f"Population stability index of {PSI_WORDS} or more over tenths of the test data, two periods running.",
    )


def traffic_level(label: str, level: str, share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """A category input that moved: the value that grew most."""
    if level == "something new":
        sentence = (
            f"Since {when}, {fmt.percent(share)} of {spec.subjects} have a {_lower(label)} the test data never had."
        )
    elif level == "missing":
        sentence = (
            f"Since {when}, the {_lower(label)} is missing for {fmt.percent(share)} of {spec.subjects}, "
            f"against {fmt.percent(test)} in the test data."
        )
    else:
        sentence = (
            f"Since {when}, more {spec.subjects} have {_lower(label)} '{level}': {fmt.percent(share)}, "
            f"against {fmt.percent(test)} in the test data."
        )
    return Finding(
        "traffic_input",
        NOTE,
        sentence,
        {"share": share, "test": test},
        f"Population stability index of {PSI_WORDS} or more over its values, two periods running.",
    )


PSI_WORDS = "0.2"


def traffic_value(net: float, test: float, when: str, period: str, spec: BundleSpec) -> Finding:
    """Net value per period left the range of what that many requests were worth in the tests."""
    way = "less" if net < test else "more"
    return Finding(
        "traffic_value",
        WARNING if net < test else NOTE,
        f"Since {when}, it is worth {way}: about {_money(net, spec)} a {period}, against "
        f"{_money(test, spec)} for that many {spec.subjects} in the tests.",
        {"net": net, "test": test},
        "Realised value where outcomes arrived, expected from the model's chances where not; outside its 95% range.",
    )


def traffic_answers(what: str, share: float, test: float, when: str, spec: BundleSpec) -> Finding:
    """What the model says moved: the answer that grew most since the change."""
    return Finding(
        "traffic_answers",
        WARNING,
        f"Since {when}, the model {what} more {spec.subjects}: {fmt.percent(share)}, "
        f"against {fmt.percent(test)} in the tests.",
        {"share": share, "test": test},
        f"Population stability index of its answers of {PSI_WORDS} or more, two periods running.",
    )


def traffic_steady(requests: int, periods: int, period: str, spec: BundleSpec) -> Finding:
    return Finding(
        "traffic_steady",
        INFO,
        f"Nothing has changed beyond normal variation since launch: {_n(requests, spec)} over "
        f"{fmt.count(periods)} {period}{'s' if periods != 1 else ''}.",
        {"requests": requests, "periods": periods},
    )


def traffic_line(result, spec: BundleSpec) -> Finding:
    """One line for every summary: how much traffic, what it acts on, and whether anything moved."""
    periods = len(result.periods)
    share = float(result.periods["acted"].sum() / max(result.requests, 1))
    test = float(result.periods["test_act"].iloc[0]) if periods else float("nan")
    moved = len(result.findings)
    tail = (
        "Nothing has changed beyond normal variation."
        if not moved
        else f"{number_word(moved)} {'thing has' if moved == 1 else 'things have'} changed beyond normal variation."
    )
    return Finding(
        "traffic_line",
        WARNING if moved else INFO,
        f"Since launch: {_n(result.requests, spec)} over {fmt.count(periods)} {result.period}"
        f"{'s' if periods != 1 else ''}, and it acts on {fmt.percent(share)} of them ({fmt.percent(test)} in the tests). "
        + tail,
        {"requests": result.requests, "periods": periods, "share": share, "test": test, "moved": moved},
    )
