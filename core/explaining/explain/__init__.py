"""SHAP explanations in the units people see, grouped back to the columns they know.

`explain(model, X, ...)` picks the explainer for the model (tree ensembles: TreeExplainer; linear
models: LinearExplainer; anything else: a permutation explainer on a small background, within a
time budget), explains the final estimator of a Pipeline on its transformed data, adds encoded
columns back up to the original ones, and returns contributions in probability points
(classifiers) or target units (regression) that add up to the model's own output.

- `shapley`: the explainer choice, grouping to original columns and the units people see;
- `kept`: explanations computed once per bundle, stored beside it or in the cache, keyed by content;
- `frames`: the tidy frames pages, report and slides draw (importance, beeswarm, dependence, a case).
"""

from core.explaining.explain.frames import (
    beeswarm,
    case,
    dependence,
    direction,
    importance,
    output_index,
    pick_case,
    waterfall,
)
from core.explaining.explain.kept import (
    BUNDLE_FILE,
    STORE_VERSION,
    explain_bundle,
    for_bundle,
    outputs_for,
    restore,
    store,
    stored_for_bundle,
)
from core.explaining.explain.shapley import (
    ADDITIVITY_TOLERANCE,
    AGNOSTIC_BACKGROUND,
    BACKGROUND_SIZE,
    CLUSTER_PART,
    LINEAR_CLASSES,
    METHOD_NAMES,
    METHOD_NOTES,
    SAMPLE_SIZE,
    TIME_BUDGET_SECONDS,
    TREE_CLASSES,
    TREE_MODULES,
    Explanation,
    RowExplainer,
    budget_seconds,
    column_groups,
    explain,
    explainer_kind,
    sample_rows,
    split_pipeline,
    through_link,
    to_output_units,
)

__all__ = [
    "SAMPLE_SIZE",
    "BACKGROUND_SIZE",
    "AGNOSTIC_BACKGROUND",
    "TIME_BUDGET_SECONDS",
    "budget_seconds",
    "ADDITIVITY_TOLERANCE",
    "METHOD_NOTES",
    "METHOD_NAMES",
    "TREE_MODULES",
    "TREE_CLASSES",
    "LINEAR_CLASSES",
    "Explanation",
    "explainer_kind",
    "split_pipeline",
    "column_groups",
    "sample_rows",
    "through_link",
    "to_output_units",
    "RowExplainer",
    "explain",
    "CLUSTER_PART",
    "output_index",
    "importance",
    "beeswarm",
    "dependence",
    "case",
    "pick_case",
    "waterfall",
    "direction",
    "STORE_VERSION",
    "BUNDLE_FILE",
    "store",
    "restore",
    "outputs_for",
    "explain_bundle",
    "stored_for_bundle",
    "for_bundle",
]
