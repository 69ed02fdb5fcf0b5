"""Explaining: why the model decides as it does, for all cases, one case, and a case changed by hand.

- `explain`: SHAP in probability points or target units, grouped back to the original columns,
  computed once per bundle and kept (`for_bundle`, `RowExplainer`, `importance`, `case`, `waterfall`);
- `treeshap`: exact Tree SHAP for HistGradientBoosting category splits, compiled with numba;
- `text`: text columns explained word by word, and requests the model was never built for;
- `whatif`: the form, one case assessed, the smallest flip, scenarios, and the What-if page's data.

Other wings use: `explain.{Explanation, RowExplainer, for_bundle, importance, case, waterfall, pick_case}`,
`text.{word_explainers, case_words, unseen_groups, text_columns}` and `whatif.{controls, assess, decide, ...}`.
"""
