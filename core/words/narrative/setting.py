"""The operating point in words: who goes to a person, the best-value setting, a change of setting."""

from __future__ import annotations

from core import format as fmt
from core.bundles.contract import BundleSpec
from core.evaluation.metrics import Kpis
from core.words.narrative.findings import INFO, NOTE, SMALL_N, WARNING, Finding, _money, _n, _when, net_worth


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
    if unseen >= 0.5:  # of all of them, not of those handed over: said so
        whole = fmt.count(business.volume or k.n)
        sentence += f" {fmt.count(unseen)} of all {whole} ask for something it was never trained on."
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
        return "acts on its own decision for every case (it gives no probabilities, so there is no setting to choose)"
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
    gap = best_value - net_worth(current)
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
    worth = net_worth(after) - net_worth(before)
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


def idle_settings(point, spec: BundleSpec, lowest: float) -> list[str]:
    """Why a control, where it stands, changes no decision: the confidence needed is at or below the
    least sure the model is of any test case (`lowest`), or (binary) the chance needed lies where
    the confidence needed leaves no case to decide differently. One sentence each, said beside the
    controls so a move that changes nothing is not a mystery."""
    said = []
    sure, chance = point.min_confidence, point.threshold
    if sure <= lowest:
        said.append(
            f"It is at least {fmt.percent(lowest)} sure of every {spec.subject} in the tests, so needing "
            f"{fmt.percent(sure)} lets it act on all of them: the confidence needed changes nothing here "
            f"until it is above {fmt.percent(lowest)}."
        )
    if spec.task == "binary" and sure > 0.5 and 1 - sure < chance <= sure:
        said.append(
            f"While it must be {fmt.percent(sure)} sure to act, it acts only on {spec.subjects} with a chance of "
            f"{fmt.percent(sure)} or more, or {fmt.percent(1 - sure)} or less, so any chance needed above "
            f"{fmt.percent(1 - sure)} and up to {fmt.percent(sure)} makes the same decisions: the chance needed "
            "changes nothing here."
        )
    return said
