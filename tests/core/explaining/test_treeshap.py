"""Exact Tree SHAP for tree models on category columns: HistGradientBoosting (our own walk of its
trees), LightGBM, XGBoost and CatBoost (their native contributions)."""

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from core.explaining.explain import explain
from core.explaining.treeshap import HistGradientBoostingShap, is_categorical_hgb


def _frame(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "contract": pd.Categorical(rng.choice(["month-to-month", "one-year", "two-year"], n)),
            "tenure": rng.integers(0, 72, n).astype(float),
            "plan": pd.Categorical(rng.choice(list("abcdefg"), n)),
            "usage": rng.normal(size=n),
        }
    )
    X.loc[rng.random(n) < 0.05, "tenure"] = np.nan
    binary = ((X.contract == "month-to-month") & (X.tenure < 20) | X.plan.isin(["a", "c"])).astype(int)
    multi = (rng.integers(0, 2, n) + (X.contract == "two-year") + (X.usage > 1)).astype(int)
    amount = X.tenure.fillna(30) * 2 + (X.contract == "two-year") * 10 + rng.normal(size=n)
    return X, binary, multi, amount


def test_matches_shap_exactly_where_shap_can_read_the_model():
    X, _, _, amount = _frame()
    numeric = X[["tenure", "usage"]]
    model = HistGradientBoostingRegressor(max_iter=40, random_state=0).fit(numeric, amount)
    ours = HistGradientBoostingShap(model)
    values = ours.shap_values(ours.transform(numeric.iloc[:200]))[:, :, 0]
    theirs = shap.TreeExplainer(model).shap_values(numeric.iloc[:200])
    assert np.abs(values - theirs).max() < 1e-9
    assert not is_categorical_hgb(model)


@pytest.mark.parametrize("target", ["binary", "multi", "amount"])
def test_category_splits_add_up_to_the_raw_prediction(target):
    X, binary, multi, amount = _frame()
    y = {"binary": binary, "multi": multi, "amount": amount}[target]
    kind = HistGradientBoostingRegressor if target == "amount" else HistGradientBoostingClassifier
    model = kind(categorical_features="from_dtype", max_iter=40, random_state=0).fit(X, y)
    assert is_categorical_hgb(model)
    ours = HistGradientBoostingShap(model)
    assert ours.columns == ["contract", "plan", "tenure", "usage"]  # the model's own order: categories first
    rows = X.iloc[:300].copy()
    rows.loc[rows.index[:5], "plan"] = np.nan  # missing
    values = ours.shap_values(ours.transform(rows))
    raw = model._raw_predict(rows)
    assert np.abs(values.sum(axis=1) + ours.expected_value - raw).max() < 1e-9
    # a category split moves the prediction: the category column gets real credit
    assert np.abs(values[:, ours.columns.index("contract")]).mean() > 0.01


def test_a_category_the_model_never_saw_is_explained_as_missing():
    X, binary, _, _ = _frame()
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=30).fit(X, binary)
    ours = HistGradientBoostingShap(model)
    rows = X.iloc[:5].copy()
    rows["plan"] = pd.Categorical(["never-seen"] * 5)
    values = ours.shap_values(ours.transform(rows))
    assert np.abs(values.sum(axis=1) + ours.expected_value - model._raw_predict(rows)).max() < 1e-9


def _models():
    import catboost
    import lightgbm
    import xgboost

    X, binary, multi, amount = _frame()
    cats = ["contract", "plan"]
    return (
        X,
        [
            ("HistGradientBoosting", HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=30)),
            ("LightGBM", lightgbm.LGBMClassifier(n_estimators=30, verbose=-1)),
            ("XGBoost", xgboost.XGBClassifier(n_estimators=30, enable_categorical=True)),
            (
                "CatBoost",
                catboost.CatBoostClassifier(iterations=30, verbose=0, cat_features=cats, allow_writing_files=False),
            ),
        ],
        {"binary": binary, "multiclass": multi},
    )


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_every_categorical_tree_model_gets_exact_tree_shap_in_probability_points(task):
    X, models, targets = _models()
    y = targets[task]
    for name, model in models:
        model.fit(X, y)
        classes = tuple(model.classes_.tolist())
        result = explain(
            model, X, task, classes, classes[1] if task == "binary" else None, labels=y.to_numpy(), size=400
        )
        assert result.method == "tree", name
        assert result.additivity_error() < 1e-6, name
        proba = model.predict_proba(X.iloc[result.rows])
        expected = proba[:, 1:] if task == "binary" else proba
        assert np.abs(result.predicted - expected).max() < 1e-6, name  # the probabilities the app shows


def test_regressors_on_categories_add_up_in_target_units():
    import lightgbm
    import xgboost

    X, _, _, amount = _frame()
    for model in (
        HistGradientBoostingRegressor(categorical_features="from_dtype", max_iter=30),
        lightgbm.LGBMRegressor(n_estimators=30, verbose=-1),
        xgboost.XGBRegressor(n_estimators=30, enable_categorical=True),
    ):
        model.fit(X, amount)
        result = explain(model, X, "regression", size=400)
        assert result.method == "tree"
        assert result.additivity_error() < 1e-6
        assert np.abs(result.predicted[:, 0] - model.predict(X.iloc[result.rows])).max() < 1e-6
