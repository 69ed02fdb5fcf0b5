"""Plain-language findings, generated from computed results, one room per subject.

Each finding has a stable code, a severity, short plain sentences (what a product manager reads), a
technical addendum (metric names, ranges and method notes for a model review), and the numbers it used,
so a test can check "given these numbers, this sentence" and that every number in a sentence is one of
them. Pages show the findings that apply, most important first.

- `findings`: the `Finding` itself and the word helpers every sentence uses (units, money, ranges);
- `figures`: the headline, its value sentence and the figure tiles pages, report and slides share;
- `setting`: the operating point (who goes to a person, the best setting, a change of setting);
- `failures`: where it works and where it fails (outcomes, calibration, segments, unseen requests, errors);
- `reasons`: what drives the model overall and for one case;
- `overview`: the risks, the decision and the executive paragraph;
- `titles`: chart and slide titles, each stating its finding;
- `since_launch`: the sentences about real traffic after launch.

Other wings call these through the package (`narrative.headline(...)`).
"""

from core.words.narrative.failures import (
    binary_outcomes,
    calibration,
    heavy_tail,
    large_errors,
    rare_classes,
    regression_errors,
    unseen_requests,
    unseen_words,
    weakest_segment,
)
from core.words.narrative.figures import NO_VALUES, headline, out_of_scope, summary, tiles, value_sentence
from core.words.narrative.findings import (
    INFO,
    NOTE,
    PLAIN,
    SMALL_N,
    TECHNICAL,
    WARNING,
    Finding,
    net_worth,
    shown_value,
    target_unit,
    within_tolerance,
)
from core.words.narrative.overview import NO_RISKS, approval, decision, executive, risks
from core.words.narrative.reasons import (
    case_reasons,
    contribution_words,
    cut_short,
    drivers,
    reason_lines,
    shift_label,
    what_it_predicts,
)
from core.words.narrative.setting import best_point, describe_point, outcome_words, people, point_change, small_sample
from core.words.narrative.since_launch import (
    FIGURES,
    PSI_WORDS,
    how_much_moved,
    traffic_accuracy,
    traffic_acts,
    traffic_alone,
    traffic_answers,
    traffic_ended,
    traffic_inputs_also,
    traffic_level,
    traffic_line,
    traffic_median,
    traffic_not_over,
    traffic_steady,
    traffic_unmeasured,
    traffic_value,
)
from core.words.narrative.titles import (
    calibration_title,
    case_title,
    comparison_title,
    curve_title,
    decision_title,
    dependence_title,
    errors_title,
    headline_title,
    histogram_title,
    importance_title,
    number_word,
    people_title,
    relies_title,
    risks_title,
    segment_title,
    slide_title,
    tradeoff_title,
    unseen_title,
)

__all__ = [
    "NO_RISKS",
    "cut_short",
    "reason_lines",
    "shift_label",
    "dependence_title",
    "INFO",
    "NOTE",
    "WARNING",
    "PLAIN",
    "TECHNICAL",
    "SMALL_N",
    "Finding",
    "target_unit",
    "within_tolerance",
    "net_worth",
    "shown_value",
    "NO_VALUES",
    "value_sentence",
    "headline",
    "out_of_scope",
    "summary",
    "tiles",
    "people",
    "describe_point",
    "outcome_words",
    "best_point",
    "point_change",
    "small_sample",
    "binary_outcomes",
    "calibration",
    "weakest_segment",
    "unseen_requests",
    "unseen_words",
    "regression_errors",
    "large_errors",
    "heavy_tail",
    "rare_classes",
    "curve_title",
    "segment_title",
    "calibration_title",
    "histogram_title",
    "importance_title",
    "slide_title",
    "headline_title",
    "tradeoff_title",
    "errors_title",
    "people_title",
    "unseen_title",
    "relies_title",
    "case_title",
    "number_word",
    "risks_title",
    "decision_title",
    "comparison_title",
    "contribution_words",
    "what_it_predicts",
    "drivers",
    "case_reasons",
    "risks",
    "decision",
    "executive",
    "approval",
    "traffic_acts",
    "traffic_accuracy",
    "traffic_median",
    "traffic_level",
    "PSI_WORDS",
    "FIGURES",
    "how_much_moved",
    "traffic_value",
    "traffic_answers",
    "traffic_steady",
    "traffic_alone",
    "traffic_ended",
    "traffic_inputs_also",
    "traffic_not_over",
    "traffic_unmeasured",
    "traffic_line",
]
