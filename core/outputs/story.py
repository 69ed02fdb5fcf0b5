"""Every finding the app can tell about one bundle at one operating point, in one list.

Pages pick the findings they need; this gathers them all so that tests can hold every generated
sentence to the same bars (readability, no jargon, every number traceable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.bundle import Bundle, class_index
from core.bundles.contract import OperatingPoint
from core.evaluation import breakdown, metrics, tradeoff
from core.explaining import explain
from core.words import narrative


def class_names(bundle: Bundle) -> list[str]:
    """Class names in the engine's order: binary [negative, positive], else the model's classes."""
    if bundle.spec.task == "binary":
        negative = next(c for c in bundle.classes if c != bundle.positive_class)
        return [str(negative), str(bundle.positive_class)]
    return [str(c) for c in bundle.classes]


MANY_CLASSES = 20  # from this many classes on, pickers list them by how often they occur


def class_choices(bundle: Bundle, outputs: list[str]) -> tuple[list[str], dict[str, str]]:
    """(classes in picker order, how each reads): with many classes, the most frequent first and
    each with its count, so the ones that matter are at the top of a searchable list."""
    if len(outputs) < MANY_CLASSES:
        return list(outputs), {o: o for o in outputs}
    counts = bundle.y.astype(str).value_counts()
    ordered = sorted(outputs, key=lambda o: -int(counts.get(o, 0)))  # stable: ties keep the model's order
    words = {o: f"{o} ({fmt.count(int(counts.get(o, 0)))} {bundle.spec.subjects})" for o in ordered}
    return ordered, words


def calibration_finding(data: metrics.EvalSet, spec=None):
    """Whether its stated confidence holds, beyond the noise of the number of cases behind it,
    on the cases it was built for (the share it was not, said apart)."""
    frame = breakdown.reliability(data)
    return narrative.calibration(
        breakdown.reliability_example(frame),
        breakdown.calibration_gap(frame),
        breakdown.calibration_excess(frame),
        int(frame["n"].sum()),
        left_out=float(1 - data.in_scope.mean()) if data.n else 0.0,
        spec=spec,
    )


def rare_classes_finding(bundle: Bundle, data: metrics.EvalSet):
    """The classes under 2% of the rows, with how often the model gets them right (multiclass)."""
    rare = breakdown.rare_classes(data, bundle.classes)
    return narrative.rare_classes(rare, bundle.spec, breakdown.recall_overall(data))


def truth_for_cases(bundle: Bundle, rows: np.ndarray) -> np.ndarray:
    """What "right" means for picking cases: the value, the event (0/1), or the class position."""
    if bundle.spec.task == "regression":
        return bundle.y.to_numpy(float)[rows]
    if bundle.spec.task == "binary":
        return (bundle.y.iloc[rows] == bundle.positive_class).to_numpy(float)
    return class_index(bundle.y.iloc[rows], bundle.classes)


def findings(
    bundle: Bundle,
    data: metrics.EvalSet,
    explained: explain.Explanation | None,
    point: OperatingPoint | None = None,
    word_reasons: dict | None = None,
    unseen: list | None = None,
) -> list[narrative.Finding]:
    """All findings for a bundle (those that apply), in the order the pages show them; without an
    explanation (a bundle of scores only), those about the model's reasons are left out.

    `word_reasons`: the bundle's word explainers (`core.explaining.text.word_explainers`), and `unseen`: its
    `unseen_groups`, when the caller has them cached; built here otherwise."""
    spec = bundle.spec
    point = point or spec.operating_point
    result = metrics.headline(data, point)
    k = result.kpis
    own = metrics.kpis(data, spec.operating_point)
    labels = {name: spec.label(name) for name in bundle.features}
    drivers = None
    explainers = {}
    if explained is not None:
        table = explain.importance(explained, labels)
        directions = {f: explain.direction(explained, bundle.X, f) for f in table["feature"].head(3)}
        from core.explaining.text import word_explainers, words_for

        explainers = word_explainers(bundle.model, bundle.X) if word_reasons is None else word_reasons
        words = words_for(explainers, bundle.X.iloc[explained.rows])
        drivers = narrative.drivers(table, directions, spec, words=words)
    found = [
        narrative.executive(k, spec, drivers),
        *narrative.summary(k, spec, result.ranges),
        narrative.people(k, spec),
        narrative.point_change(own, k, spec),
        narrative.small_sample(result.ranges, spec),
        drivers,
    ]
    if spec.task == "regression":
        summary = breakdown.error_summary(data)
        found.append(narrative.regression_errors(summary, spec))
        found.append(narrative.heavy_tail(summary, spec, data.n))
        found += segment_risks(bundle, data, point, k, summary=summary)
        found += group_findings(bundle, data, point)
    else:
        if not spec.decides_only:  # a decision with no probabilities has no setting to choose, no chances to check
            found.append(narrative.best_point(tradeoff.best_point(tradeoff.Index(data)), k, point, spec))
        if spec.task == "binary":
            found.append(narrative.binary_outcomes(breakdown.binary_outcomes(data, point), spec))
        if not spec.decides_only:
            found.append(calibration_finding(data, spec))
        found += segment_risks(bundle, data, point, k)
        found += group_findings(bundle, data, point)
        if spec.task == "multiclass":
            found.append(rare_classes_finding(bundle, data))
            found.append(narrative.unseen_requests(breakdown.unseen_requests(data, point, bundle.y.to_numpy()), spec))
            found.append(narrative.unseen_words(unseen_groups(bundle, data) if unseen is None else unseen, spec))
    truth = truth_for_cases(bundle, explained.rows) if explained is not None else None
    typical = metrics.typical_row(data, spec.operating_point) if explained is not None else None
    for pick in ("typical", "most confident", "most surprising error") if explained is not None else ():
        position = explain.pick_case(explained, pick, truth, typical)
        k_out = int(explained.predicted[position].argmax()) if explained.values.shape[2] > 1 else 0
        case = explain.case(explained, position, bundle.X, labels, k_out)
        output = explained.outputs[k_out] if spec.task == "multiclass" else None
        from core.explaining.text import case_words

        said = case_words(explainers, bundle.X.iloc[[explained.rows[position]]], output) if explainers else None
        found.append(
            narrative.case_reasons(
                case,
                float(explained.base[k_out]),
                float(explained.predicted[position, k_out]),
                spec,
                output,
                words=said,
            )
        )
    found.append(losing_money(k, spec))
    risks = narrative.risks([f for f in found if f is not None and f.code not in ("executive", "headline")])
    found.append(narrative.decision(k, spec, point, len(risks)))
    return [f for f in found if f is not None]


def assess_groups(bundle: Bundle, data: metrics.EvalSet, point: OperatingPoint):
    """Who bears the errors at a setting (`groups.Assessment`), or None without `groups:`."""
    from core.evaluation import groups

    if not bundle.spec.groups:
        return None
    coded = {c: groups.coded(bundle.eval[c]) for c in bundle.spec.groups}
    return groups.assess(data, point, coded, bundle.spec.group_min_gap)


def group_risks(bundle: Bundle, data: metrics.EvalSet, point: OperatingPoint, groups_of=None) -> list:
    """The largest gap between groups of people beyond the noise, as a risk (none without one).
    `groups_of()` gives the assessment when the caller keeps it cached."""
    assessed = groups_of() if groups_of is not None else assess_groups(bundle, data, point)
    if assessed is None or not assessed.gaps:
        return []
    return [narrative.gap_finding(assessed.gaps[0], bundle.spec, assessed.looked_at)]


def group_findings(bundle: Bundle, data: metrics.EvalSet, point: OperatingPoint, assessed=None) -> list:
    """What the groups show: the largest gap beyond the noise (a risk), or, when `groups:` names
    columns and none stands out, that no group is treated worse (not a risk); nothing without groups."""
    assessed = assessed if assessed is not None else assess_groups(bundle, data, point)
    if assessed is None:
        return []
    if assessed.gaps:
        return [narrative.gap_finding(assessed.gaps[0], bundle.spec, assessed.looked_at)]
    said = narrative.no_gap(bundle.spec, list(bundle.spec.groups))
    return [narrative.Finding("groups_even", narrative.INFO, said, {"min_gap": bundle.spec.group_min_gap * 100})]


def group_table(found, spec) -> pd.DataFrame:
    """One group column's table (`groups.Table`) in plain words with its ranges, for pages, reports and slides."""
    table = found.frame
    frame = pd.DataFrame(
        {
            spec.label(found.column): table["group"].map(spec.value_name),
            spec.subjects.capitalize(): table["n"].map(fmt.count),
            "Acted on": table["share_acted"].map(fmt.percent),
            "Right when it acts": [
                f"{fmt.percent(v)} ({fmt.percent(lo)} to {fmt.percent(hi)})" if v == v else "acts on none"
                for v, lo, hi in zip(
                    table["accuracy_acted"], table["accuracy_low"], table["accuracy_high"], strict=True
                )
            ],
        }
    )
    for metric in found.rates:
        frame[narrative.RATE_WORDS[metric]] = [
            f"{fmt.percent(v)} ({fmt.percent(lo)} to {fmt.percent(hi)})" if n else "none to judge"
            for v, lo, hi, n in zip(
                table[metric], table[f"{metric}_low"], table[f"{metric}_high"], table[f"{metric}_n"], strict=True
            )
        ]
    if "typical_error" in table:
        frame["Typical error"] = table["typical_error"].map(lambda x: f"{x:,.2f}")
    if spec.business.is_set and spec.business.volume:
        frame[f"Errors cost {fmt.per(spec.business.per)}"] = table["errors_cost"].map(
            lambda x: fmt.money(x, spec.business.currency)
        )
    return frame


def segment_risks(bundle: Bundle, data: metrics.EvalSet, point: OperatingPoint, k, segments_of=None, summary=None):
    """For each segment column, where it does worst: its large errors (regression) or its weakest
    segment at the setting (classifiers); None where nothing stands out. `segments_of(column)`
    gives a column's coded segments when the caller keeps them cached; `summary` the error summary
    when the caller has it."""
    spec = bundle.spec
    if spec.task == "regression":
        summary = summary or breakdown.error_summary(data)
        return [
            narrative.large_errors(
                breakdown.large_errors_by_segment(data, bundle.eval[column], summary.large_threshold),
                spec.label(column),
                spec,
                summary.large_threshold,
            )
            for column in spec.segments
        ]
    return [
        narrative.weakest_segment(
            breakdown.weakest_segment(
                breakdown.segment_table(data, point, segments_of(column) if segments_of else bundle.eval[column])
            ),
            spec.label(column),
            k,
            spec,
        )
        for column in spec.segments
    ]


def overview_risks(
    bundle: Bundle, data: metrics.EvalSet, point: OperatingPoint, result, unseen=(), segments_of=None, groups_of=None
):
    """The Overview's risks at a setting, most important first: requests it was never built for,
    a small sample, what people asked for in their words, large errors or untrustworthy
    confidence, the weakest segment of each segment column, and a model that loses money.
    `segments_of(column)` gives a column's segments (cached by the caller); `unseen` the groups of
    never-built-for requests."""
    spec, k = bundle.spec, result.kpis
    found = [narrative.out_of_scope(k, spec), narrative.small_sample(result.ranges, spec)]
    if spec.task == "multiclass":
        found.append(narrative.unseen_words(unseen, spec))
    if spec.task != "regression" and not spec.decides_only:  # no chances, no confidence to check
        found.append(calibration_finding(data, spec))
    summary = breakdown.error_summary(data) if spec.task == "regression" else None
    if summary is not None:
        found.append(narrative.heavy_tail(summary, spec, data.n))
    if spec.task == "multiclass":
        found.append(rare_classes_finding(bundle, data))
    found += segment_risks(bundle, data, point, k, segments_of, summary=summary)
    found += group_risks(bundle, data, point, groups_of)
    found.append(losing_money(k, spec))
    return narrative.risks([f for f in found if f is not None])


def since_launch_risks(since=None, problem=None) -> list[narrative.Finding]:
    """What real traffic adds to the risks, wherever risks are listed (Overview, slides, report):
    the changes under way since launch (`since`, a `SinceLaunch`), or, when its figures could not be
    worked out (`problem`, a `BundleError`), one sentence saying so, so no all-clear stands beside it."""
    if problem is not None:
        return [narrative.traffic_unknown(problem.message)]
    return list(since.findings) if since is not None else []


def losing_money(k, spec) -> narrative.Finding | None:
    """A model that loses money against having people handle every case: a risk wherever risks are
    listed, so no all-clear stands beside a loss."""
    if narrative.net_worth(k) >= 0:
        return None
    worth = abs(narrative.net_worth(k))
    return narrative.Finding("losing_money", narrative.WARNING, narrative.value_sentence(k, spec), {"worth": worth})


def unseen_groups(bundle: Bundle, data: metrics.EvalSet) -> list:
    """What people asked that the model was never trained on, in the words of its first text
    feature (`core.explaining.text.unseen_groups`); none without a text feature."""
    from core.explaining.text import unseen_groups as groups

    column = next((name for name in bundle.spec.text_features if name in bundle.eval), None)
    if column is None or data.in_scope.all():
        return []
    return groups(bundle.eval[column], bundle.y.to_numpy(), ~data.in_scope)


CONTROL_LABELS = {control: name[:1].upper() + name[1:] for control, name in narrative.CONTROL_NAMES.items()}


def tradeoff_chart(
    spec,
    index: tradeoff.Index,
    point: OperatingPoint,
    best: tradeoff.Best,
    control: str | None = None,
    through_best: bool = False,
):
    """(title, chart): accuracy, coverage and net value along one control, titled with its finding.

    The other control (binary models have two) is held where the setting is now, for a page whose
    controls move; or, `through_best`, where the best-value setting has it, so the curve's top is
    the best value (a slide or a report states that value). `control` unset: the one along which
    the curve runs through both the setting now and the best one, if one does. The best-value
    setting is marked only on a curve that runs through it, and "now" only on one that runs
    through the setting now."""
    from core import format as fmt
    from core.outputs import charts

    binary = spec.task == "binary"
    if control is None:
        control = "min_confidence"
        if binary and through_best and point.min_confidence == best.point.min_confidence:
            control = "threshold"
    other = {"threshold": "min_confidence", "min_confidence": "threshold"}[control]
    basis = best.point if through_best else point
    held = getattr(basis, other) if binary else None
    curve = tradeoff.curve(index, basis, control)
    now_on = held is None or abs(getattr(point, other) - held) < 1e-9
    best_on = held is None or abs(getattr(best.point, other) - held) < 1e-9
    per_period = spec.business.volume is not None
    column = "net_per_period" if per_period else "net_per_case"
    now_value = float(index.frame(point.threshold, point.min_confidence)[column].iloc[0])
    title = narrative.curve_title(curve, control, point, spec, held, best, now_value)
    value_label = f"Net value {fmt.per(spec.business.per)}" if per_period else "Net value per case"
    best_at = getattr(best.point, control) if best_on else None
    # built once; each move puts the marker, the title and the curve (the other control may have
    # moved it) into a copy of the built spec
    key = (control, best_at, now_on, column, value_label, spec.business.currency)
    built = getattr(index, "_charts", None)
    if built is None:
        built = index._charts = {}
    drawn = charts.tradeoff_data(curve, control)
    if key not in built:
        if len(built) >= 16:
            built.pop(next(iter(built)))
        chart = charts.tradeoff(
            curve, control, CONTROL_LABELS[control], charts.Marked.PLACE if now_on else None, best_at, column,
            value_label, spec.business.currency, "",
        )  # fmt: skip
        built[key] = charts.Marked(chart, control, drawn) if now_on else charts.Template(chart, drawn)
    if now_on:
        return title, built[key].at(getattr(point, control), title, drawn)
    return title, built[key].at(title, drawn)


@dataclass(frozen=True)
class CaseView:
    """One explained case as the Explanations page and the case slide show it."""

    position: int  # in the explained sample
    key: str  # what a link names it by: its id, or its row number without an id column
    identifier: str  # "Customer C-00042", or "Row 12"
    happened: str  # what actually happened, in the bundle's words
    decision: object  # whatif.Decision at the setting
    frame: object  # its contributions, largest first
    reasons: narrative.Finding
    output: str | None  # the class explained (multiclass)
    k: int  # the explained output's position
    steps: object  # the waterfall's bars


def case_keys(bundle: Bundle, explained: explain.Explanation) -> list[str]:
    """How each explained case is named in a link: its id, or its row number (from 1)."""
    if bundle.spec.id_column:
        return bundle.eval[bundle.spec.id_column].iloc[explained.rows].astype(str).tolist()
    return [str(int(row) + 1) for row in explained.rows]


def case_position(keys: list[str], wanted: str | None, explained: explain.Explanation, typical: int | None) -> int:
    """Which explained case to show: the one a link or a picker names, else the typical one
    (`typical`, its row, from `metrics.typical_row`)."""
    return keys.index(wanted) if wanted in keys else explain.pick_case(explained, "typical", typical=typical)


def case_view(
    bundle: Bundle,
    explained: explain.Explanation,
    position: int,
    point: OperatingPoint,
    explainers: dict | None = None,
    output: int | None = None,
) -> CaseView:
    """A sampled case: who it is, what the model decides at `point`, and why, in words and bars."""
    from core.explaining import whatif
    from core.explaining.text import case_words

    spec = bundle.spec
    labels = {name: spec.label(name) for name in bundle.features}
    k = (
        output
        if output is not None
        else (int(explained.predicted[position].argmax()) if explained.values.shape[2] > 1 else 0)
    )
    frame = explain.case(explained, position, bundle.X, labels, k)
    case_output = explained.outputs[k] if spec.task == "multiclass" else None
    row = int(explained.rows[position])
    said = case_words(explainers, bundle.X.iloc[[row]], case_output) if explainers else None
    reasons = narrative.case_reasons(
        frame, float(explained.base[k]), float(explained.predicted[position, k]), spec, case_output, words=said
    )
    predicted = explained.predicted[position]
    if spec.task == "binary":
        shown, classes = np.array([1 - predicted[0], predicted[0]]), None
    else:
        shown, classes = predicted, tuple(explained.outputs)
    decision = whatif.decide(shown, spec.task, point, classes)[0]
    key = case_keys(bundle, explained)[position]
    identifier = f"{spec.subject.capitalize()} {key}" if spec.id_column else f"Row {key}"
    steps = explain.waterfall(
        frame,
        float(explained.base[k]),
        float(explained.predicted[position, k]),
        "Starting point",
        f"This {spec.subject}",
        show=lambda value, name: narrative.shown_value(value, name, spec),
        bounded=spec.task != "regression",
    )
    happened = narrative.outcome_words(bundle.y.iloc[row], spec)
    return CaseView(position, key, identifier, happened, decision, frame, reasons, case_output, k, steps)


def waterfall_chart(spec, view: CaseView, title: str | None = None):
    from core.outputs import charts

    percent = spec.task != "regression"
    prediction_title = "Predicted chance" if percent else f"Estimate ({narrative.target_unit(spec)})"
    return charts.waterfall(
        view.steps,
        prediction_title,
        percent,
        title or f"From the starting point to this {spec.subject}, reason by reason",
    )
