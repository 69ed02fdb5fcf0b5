"""Chart and slide titles, each stating its finding."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis
from core.words.narrative.failures import _listed
from core.words.narrative.findings import INFO, Finding, _cap, _lower, _money, _n, _unit, _when, _within, net_worth
from core.words.narrative.reasons import contribution_words, what_it_predicts

CONTROL_NAMES = {
    "threshold": "chance needed to flag",
    "min_confidence": "confidence needed to act",
}  # as the charts name them


def _along(control: str, value: float) -> str:
    """Where on one control a figure is read: "from a 45% chance", "from 60% sure"."""
    if control == "threshold":
        return f"from a {fmt.percent(value)} chance"
    return "when it acts on every case" if value <= 0 else f"from {fmt.percent(value)} sure"


def setting_words(point, task: str) -> str:
    """A setting of both controls in a few words: "a 55% chance and 40% sure"."""
    sure = "acting on every case" if point.min_confidence <= 0 else f"{fmt.percent(point.min_confidence)} sure"
    return f"a {fmt.percent(point.threshold)} chance and {sure}" if task == "binary" else sure


def curve_title(
    curve, control: str, point, spec: BundleSpec, held: float | None = None, best=None, now_value: float | None = None
) -> str:
    """Net value along one control with the other (binary models have two) held at `held`: the
    curve's top, and the best-value setting (`best`, which moves both controls) in the same words
    when the curve runs through it, else named beside it with its own value, so the curve's top is
    never mistaken for the best; and where the setting is now (`point`, worth `now_value`)."""
    column = "net_per_period" if spec.business.volume is not None else "net_per_case"
    other = "min_confidence" if control == "threshold" else "threshold"
    fixed = f", with the {CONTROL_NAMES[other]} held at {fmt.percent(held)}" if held is not None else ""
    if not spec.business.is_set:
        return f"What the {CONTROL_NAMES[control]} trades{fixed}: accuracy against coverage (no values are set)"

    def on_curve(at) -> bool:
        return held is None or abs(getattr(at, other) - held) < 1e-9

    current = getattr(point, control)
    if on_curve(point):
        at_now = curve.iloc[(curve[control] - current).abs().argmin()][column] if now_value is None else now_value
        now = f"now {_money(at_now, spec)} at {fmt.percent(current)}"
    else:
        now = f"now {_money(now_value, spec)} at {setting_words(point, spec.task)}"
    top = curve.loc[curve[column].idxmax()]
    if best is not None and on_curve(best.point):
        best_value = best.net_per_period if column == "net_per_period" else best.net_per_case
        return (
            f"Net value along the {CONTROL_NAMES[control]}{fixed}: highest, {_money(best_value, spec)} {_when(spec)}, "
            f"at the best-value setting, {_along(control, getattr(best.point, control))} ({now})"
        )
    title = (
        f"Net value along the {CONTROL_NAMES[control]}{fixed}: highest along it {_money(top[column], spec)} "
        f"{_when(spec)}, {_along(control, top[control])} ({now})"
    )
    if best is not None:
        best_value = best.net_per_period if column == "net_per_period" else best.net_per_case
        title += (
            f"; the best-value setting, {setting_words(best.point, spec.task)}, earns {_money(best_value, spec)} "
            f"{_when(spec)}"
        )
    return title


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
    lean = f"{fmt.percent(summary_.over_share)} are too high"
    return f"{fmt.percent(summary_.within)} of estimates land {_within(spec)}; {lean}"


def importance_title(table, spec: BundleSpec) -> str:
    top = table.iloc[0]
    return f"{top['label']} moves predictions most: by {contribution_words(top['importance'], spec).lstrip('+')} on average"


def slide_title(code: str, sentence: str, numbers_: dict | None = None) -> Finding:
    return Finding(f"title_{code}", INFO, sentence, numbers_ or {})


def headline_title(k: Kpis, spec: BundleSpec) -> Finding:
    """ "It covers 6 in 10 tickets, and is right on 9 in 10 of those" """
    numbers_ = {"coverage": k.coverage, "accuracy_acted": k.accuracy_acted, "n": k.n}
    if k.acted == 0:
        return slide_title("headline", f"At this setting it acts on none of the {_n(k.n, spec)}", numbers_)
    if spec.task == "regression":
        tolerance = spec.tolerance
        within = _within(spec)
        numbers_["tolerance"] = tolerance.absolute if tolerance.absolute is not None else tolerance.relative or 0
        return slide_title(
            "headline", f"Its estimate is {within} for {fmt.frequency(k.accuracy_acted)} {spec.subjects}", numbers_
        )
    if k.coverage <= 0 or k.accuracy_acted != k.accuracy_acted:
        return slide_title("headline", f"It covers none of the {spec.subjects} it was built for", numbers_)
    right = (
        "always right"
        if k.accuracy_acted >= 1
        else "right on nearly all of those"
        if k.accuracy_acted >= 0.995
        else f"right on {fmt.frequency(k.accuracy_acted)} of those"
    )
    return slide_title("headline", f"It covers {fmt.frequency(k.coverage)} {spec.subjects}, and is {right}", numbers_)


def tradeoff_title(best, current: Kpis, spec: BundleSpec) -> Finding:
    """Where value peaks against where it stands, or (no values set) what the setting trades."""
    if best is None or not spec.business.is_set:
        return slide_title(
            "tradeoff",
            f"Asking it to be surer means it acts on fewer {spec.subjects} itself and hands more to a person",
        )
    best_value = best.net_per_period if best.net_per_period is not None else best.net_per_case
    now = net_worth(current)
    gap = best_value - now
    numbers_ = {"best_value": best_value, "now": now, "gap": gap}
    if gap <= max(abs(best_value) * 0.005, 0.005):
        return slide_title(
            "tradeoff", f"This setting already earns the most: about {_money(now, spec)} {_when(spec)}", numbers_
        )
    return slide_title(
        "tradeoff",
        f"A different setting adds {_money(gap, spec)} {_when(spec)} to its net value",
        numbers_,
    )


def errors_title(summary_, spec: BundleSpec) -> Finding:
    typical = round(summary_.median_abs_error, 2)
    return slide_title(
        "errors", f"A typical estimate is off by {typical:.2f} {_unit(spec, typical)}", {"median": typical}
    )


def people_title(k: Kpis, spec: BundleSpec) -> Finding:
    scale = spec.business.volume / k.n if spec.business.volume is not None else 1.0
    acts = k.acted * scale
    when = fmt.per(spec.business.per) if spec.business.volume is not None else "in the test set"
    return slide_title("people", f"It acts on {_n(acts, spec)} {when} itself", {"acts": acts})


def unseen_title(k: Kpis, spec: BundleSpec) -> Finding:
    unseen = 1 - k.scope_coverage
    if unseen < 0.005:
        return slide_title("unseen", f"Some {spec.subjects} ask for things it was never trained on")
    return slide_title(
        "unseen",
        f"{_cap(fmt.frequency(unseen))} {spec.subjects} ask for something it was never trained on",
        {"out_of_scope": unseen},
    )


def relies_title(table, spec: BundleSpec) -> Finding:
    names = [_lower(str(label)) for label in table["label"].head(3)]
    return slide_title("relies", f"It relies most on {_listed(names)}", {})


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
    return slide_title("case", f"A typical {spec.subject}: {did}{why}", {"estimate": decision.chance})


def number_word(count: int) -> str:
    """'One' to 'Nine' at the start of a sentence, digits from 10 on."""
    words = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
    return words[count - 1] if 0 < count < 10 else fmt.count(count)


def risks_title(risks_: list[Finding]) -> Finding:
    if not risks_:
        return slide_title("risks", "No risk stands out")
    count = len(risks_)
    said = number_word(count)
    return slide_title(
        "risks",
        f"{said} {'thing' if count == 1 else 'things'} to weigh before saying yes",
        {"count": count},
    )


def decision_title(spec: BundleSpec) -> Finding:
    """The question the review decides."""
    if spec.task == "regression":
        return slide_title("decision", f"Should the model {spec.action or 'make the estimates'}?")
    return slide_title("decision", f"Should the model {spec.action or 'act on its own'}, set as it is now?")


def comparison_title(net, other_title: str, spec: BundleSpec) -> Finding:
    """Against another model on the same cases: which is worth more, when it is beyond the noise."""
    scale = spec.business.volume or 1
    worth = net.difference * scale
    when = _when(spec)
    numbers_ = {"worth": abs(worth)}
    if not spec.business.is_set:
        return slide_title("comparison", f"How it compares with {other_title} on the same {spec.subjects}")
    if not net.beyond_noise:
        return slide_title("comparison", f"It is worth the same as {other_title}, within the noise", numbers_)
    if worth > 0:  # the difference is the other's figure minus this one's
        return slide_title("comparison", f"{other_title} adds {_money(worth, spec)} {when} more in net value", numbers_)
    return slide_title(
        "comparison", f"It adds {_money(abs(worth), spec)} {when} more in net value than {other_title}", numbers_
    )


def dependence_title(label: str, way: str, detail, spec: BundleSpec, output: str | None = None) -> str:
    """One feature up close: which way it pushes the prediction ("Higher monthly bill pushes the
    predicted chance up")."""
    what = what_it_predicts(spec, output)
    return {
        "raises": f"Higher {label.lower()} pushes {what} up",
        "lowers": f"Higher {label.lower()} pushes {what} down",
        "category": f"{label} '{detail}' pushes {what} up the most",
    }.get(way, f"{label} pushes predictions both ways")
