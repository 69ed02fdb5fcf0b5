"""Explanations for every kind of model: the right explainer, exact additivity, grouped columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from core.explaining import explain
from core.outputs import charts
from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder

FEATURES = CHURN_CATEGORICAL + CHURN_NUMERIC
LABELS = {f: f.replace("_", " ").capitalize() for f in FEATURES}


@pytest.fixture(scope="module")
def churn():
    data = churn_data(n=1600, seed=5)
    return data[FEATURES], data["churned"], data


def numeric_only(X: pd.DataFrame) -> pd.DataFrame:
    return X[CHURN_NUMERIC].fillna(X[CHURN_NUMERIC].median())


MODELS = {
    "pipeline + gradient boosting": (
        lambda: Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
                ("model", GradientBoostingClassifier(n_estimators=60)),
            ]
        ),
        "tree",
        False,
    ),
    "hist gradient boosting": (lambda: HistGradientBoostingClassifier(max_iter=60), "tree", True),
    "pipeline + random forest": (
        lambda: Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
                ("model", RandomForestClassifier(60, max_depth=6, random_state=0)),
            ]
        ),
        "tree",
        False,
    ),
    "pipeline + lightgbm": (
        lambda: Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
                ("model", __import__("lightgbm").LGBMClassifier(n_estimators=60, verbose=-1, random_state=0)),
            ]
        ),
        "tree",
        False,
    ),
    "pipeline + logistic regression": (
        lambda: Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
                ("model", LogisticRegression(max_iter=500)),
            ]
        ),
        "linear",
        False,
    ),
    "pipeline + SVC with probabilities": (
        lambda: Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
                ("model", SVC(probability=True, random_state=0)),
            ]
        ),
        "permutation",
        False,
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_each_model_type_gets_its_explainer_and_adds_up(name, churn):
    build, kind, numeric = MODELS[name]
    X, y, _ = churn
    X = numeric_only(X) if numeric else X
    model = build().fit(X[:1200], y[:1200])
    held_out = X[1200:].reset_index(drop=True)
    size = 60 if kind == "permutation" else 300
    result = explain.explain(
        model, held_out, "binary", tuple(model.classes_), "yes", labels=y[1200:].to_numpy(), size=size
    )
    assert result.method == kind
    assert result.features == list(held_out.columns)  # original columns, not encoded ones
    assert result.values.shape == (len(result.rows), len(held_out.columns), 1)
    shown = model.predict_proba(held_out.iloc[result.rows])[:, list(model.classes_).index("yes")]
    np.testing.assert_allclose(result.predicted[:, 0], shown)
    # base + contributions = the probability the app shows
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_grouped_contributions_equal_the_sum_of_their_encoded_columns(churn):
    X, y, _ = churn
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", RandomForestClassifier(40, max_depth=5, random_state=0)),
        ]
    ).fit(X, y)
    result = explain.explain(model, X, "binary", tuple(model.classes_), "yes", labels=y.to_numpy(), size=200)
    transformed = model[:-1].transform(X.iloc[result.rows])
    raw = np.asarray(shap.TreeExplainer(model[-1]).shap_values(transformed))[:, :, 1]  # P(yes), per encoded column
    names = list(model[:-1].get_feature_names_out())
    contract = [i for i, n in enumerate(names) if n.startswith("contract_")]
    assert len(contract) == 3
    np.testing.assert_allclose(result.values[:, FEATURES.index("contract"), 0], raw[:, contract].sum(axis=1))
    tenure = names.index("tenure_months")
    np.testing.assert_allclose(result.values[:, FEATURES.index("tenure_months"), 0], raw[:, tenure])


def test_column_groups_follow_the_column_transformer(churn):
    X, y, _ = churn
    pipeline = Pipeline(
        [("encode", encoder(["contract", "plan"], ["tenure_months"])), ("model", LogisticRegression())]
    ).fit(X[["contract", "plan", "tenure_months"]], y)
    groups = explain.column_groups(pipeline[:-1], ["contract", "plan", "tenure_months"], 7)
    assert groups.tolist() == [0, 0, 0, 1, 1, 1, 2]  # three contracts, three plans, one number


def test_multiclass_explains_every_class(demo_root):
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(demo_root / "support-router")
    result = explain.explain(bundle.model, bundle.X, "multiclass", bundle.classes, labels=bundle.y.to_numpy(), size=300)
    assert result.method == "linear"  # TF-IDF into logistic regression: exact, and the message counts as one feature
    assert result.values.shape == (300, len(bundle.features), len(bundle.classes))
    np.testing.assert_allclose(result.predicted, bundle.model.predict_proba(bundle.X.iloc[result.rows]))
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_a_model_shap_cannot_read_falls_back_to_permutation(churn):
    X, _, data = churn
    X = numeric_only(X)
    y = data["contract"]  # three classes: multiclass GradientBoosting is not readable by TreeExplainer
    model = GradientBoostingClassifier(n_estimators=20).fit(X, y)
    result = explain.explain(model, X, "multiclass", tuple(model.classes_), labels=y.to_numpy(), size=40)
    assert result.method == "permutation"
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_regression_contributions_are_in_target_units(demo_root):
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(demo_root / "delivery-eta")
    result = explain.explain(bundle.model, bundle.X, "regression", labels=bundle.y.to_numpy(), size=300)
    assert result.method == "tree" and result.outputs == ["prediction"]
    np.testing.assert_allclose(result.predicted[:, 0], bundle.model.predict(bundle.X.iloc[result.rows]))
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_the_permutation_explainer_keeps_to_its_time_budget(churn):
    X, y, _ = churn
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
            ("model", SVC(probability=True, random_state=0)),
        ]
    ).fit(X[:600], y[:600])
    result = explain.explain(
        model, X, "binary", tuple(model.classes_), "yes", labels=y.to_numpy(), size=2000, time_budget=0.0
    )
    assert len(result.rows) == explain.shapley.PACE_ROWS  # stopped after timing its first rows, and says so
    assert result.planned == len(X) and result.cut_short  # every row was the sample (fewer than 2,000)
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_a_slow_model_is_explained_on_an_even_spread_of_the_sample_that_fits_the_budget(churn, monkeypatch):
    """Timed on its first rows, the rest of the sample is thinned evenly to what the budget allows,
    rather than explaining whichever rows came first."""
    from core.explaining.explain import shapley

    X, y, _ = churn
    model = Pipeline(
        [("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)), ("model", LogisticRegression(max_iter=300))]
    ).fit(X, y)
    monkeypatch.setattr(shapley, "explainer_kind", lambda estimator: "permutation")  # force the slow path
    clock = iter(np.arange(0.0, 10_000.0, 0.5))  # every reading half a second later: a pace of 0.1 s a row
    monkeypatch.setattr(shapley.time, "perf_counter", lambda: float(next(clock)))
    sample = explain.sample_rows(y.to_numpy(), 400)
    result = explain.explain(model, X, "binary", tuple(model.classes_), "yes", labels=y.to_numpy(), size=400,
                             time_budget=12.0)  # fmt: skip
    assert result.planned == 400 and 5 < len(result.rows) < 400
    assert set(result.rows) <= set(sample)
    first, rest = result.rows[: shapley.PACE_ROWS], result.rows[shapley.PACE_ROWS :]
    assert list(first) == list(sample[: shapley.PACE_ROWS])
    assert rest.max() > sample[300]  # the spread reaches the end of the sample, not just its start
    np.testing.assert_allclose(result.predicted[:, 0], model.predict_proba(X.iloc[result.rows])[:, 1])
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_an_exact_explainer_is_never_thinned_by_the_clock_and_reports_progress_batch_by_batch(churn, monkeypatch):
    """However slow the machine, exact contributions cover the whole sample (the figures drawn from
    them are the same everywhere); a big forest reports progress after every batch."""
    from core.explaining.explain import shapley

    X, y, _ = churn
    numbers = numeric_only(X)
    model = RandomForestClassifier(30, max_depth=6, random_state=0).fit(numbers, y)
    clock = iter(np.arange(0.0, 100_000.0, 5.0))  # every reading five seconds later: far over any budget
    monkeypatch.setattr(shapley.time, "perf_counter", lambda: float(next(clock)))
    steps: list[float] = []
    result = explain.explain(model, numbers, "binary", tuple(model.classes_), "yes", labels=y.to_numpy(), size=1500,
                             time_budget=12.0, progress=steps.append)  # fmt: skip
    assert result.method == "tree" and len(result.rows) == result.planned == 1500 and not result.cut_short
    assert len(steps) == 6 and steps == sorted(steps) and steps[-1] == 1.0  # 250 rows a batch
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def _wrapped_regressors():
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import BaggingRegressor, HistGradientBoostingRegressor, VotingRegressor
    from sklearn.linear_model import GammaRegressor, PoissonRegressor, Ridge, TweedieRegressor
    from sklearn.tree import DecisionTreeRegressor

    return {
        "TransformedTargetRegressor(HistGradientBoosting, log)": (
            TransformedTargetRegressor(HistGradientBoostingRegressor(max_iter=40), func=np.log, inverse_func=np.exp),
            "tree",
            "the transformed target the model was fitted on",
        ),
        "TransformedTargetRegressor(Ridge, log1p)": (
            TransformedTargetRegressor(Ridge(), func=np.log1p, inverse_func=np.expm1),
            "linear",
            "the transformed target the model was fitted on",
        ),
        "PoissonRegressor": (PoissonRegressor(), "linear", "the log of the estimate"),
        "GammaRegressor": (GammaRegressor(), "linear", "the log of the estimate"),
        "TweedieRegressor(power=1.5)": (TweedieRegressor(power=1.5), "linear", "the log of the estimate"),
        "BaggingRegressor(trees)": (
            BaggingRegressor(DecisionTreeRegressor(max_depth=5), n_estimators=8, max_features=0.7, random_state=0),
            "tree",
            None,
        ),
        "VotingRegressor(tree, ridge)": (
            VotingRegressor([("t", DecisionTreeRegressor(max_depth=4)), ("l", Ridge())], weights=[3, 1]),
            "tree",
            None,
        ),
    }


@pytest.mark.parametrize("name", list(_wrapped_regressors()))
def test_wrappers_of_trees_and_linear_models_are_explained_exactly(name):
    model, kind, scale = _wrapped_regressors()[name]
    rng = np.random.default_rng(0)
    X = pd.DataFrame({f"f{i}": rng.normal(size=900) for i in range(5)})
    y = np.exp(0.5 * X["f0"] + 0.3 * X["f1"] + rng.normal(0, 0.2, 900))
    model.fit(X[:600], y[:600])
    result = explain.explain(model, X[600:].reset_index(drop=True), "regression", size=300)
    assert (result.method, result.scale) == (kind, scale)
    np.testing.assert_allclose(result.predicted[:, 0], model.predict(X[600:].iloc[result.rows]))
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE
    if scale:
        assert result.note.endswith(
            f"worked out on {scale} and shared out in proportion so they add up to the estimate"
        )


def test_bagged_and_soft_voting_classifiers_are_explained_member_by_member(churn):
    from sklearn.ensemble import BaggingClassifier, HistGradientBoostingClassifier, VotingClassifier
    from sklearn.tree import DecisionTreeClassifier

    X, y, _ = churn
    numbers = numeric_only(X)
    bagged = BaggingClassifier(DecisionTreeClassifier(max_depth=4), n_estimators=6, max_features=0.8, random_state=0)
    soft = VotingClassifier(
        [("boosted", HistGradientBoostingClassifier(max_iter=30)), ("linear", LogisticRegression(max_iter=500))],
        voting="soft",
        weights=[2, 1],
    )
    for model in (bagged, soft):
        model.fit(numbers[:1200], y[:1200])
        held_out = numbers[1200:].reset_index(drop=True)
        result = explain.explain(model, held_out, "binary", tuple(model.classes_), "yes", labels=y[1200:].to_numpy(),
                                 size=200)  # fmt: skip
        assert result.method == "tree"
        shown = model.predict_proba(held_out.iloc[result.rows])[:, list(model.classes_).index("yes")]
        np.testing.assert_allclose(result.predicted[:, 0], shown)
        assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_stratified_sample_keeps_the_label_mix():
    labels = np.array(["yes"] * 300 + ["no"] * 9700)
    rows = explain.sample_rows(labels, 1000)
    assert len(rows) == 1000
    assert (labels[rows] == "yes").sum() == 30
    assert np.array_equal(explain.sample_rows(labels[:500], 1000), np.arange(500))


def test_charts_never_receive_more_than_the_stated_marks(demo_root):
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(demo_root / "churn-gbm")
    result = explain.explain_bundle(bundle)
    labels = {f: bundle.spec.label(f) for f in bundle.features}
    table = explain.importance(result, labels)
    swarm = explain.beeswarm(result, bundle.X, labels)
    built = [
        charts.importance_bars(table, "Average shift", True, "t"),
        charts.beeswarm(swarm, table["label"].head(8).tolist(), "Shift", True, "t"),
        charts.dependence(explain.dependence(result, bundle.X, "tenure_months"), "Tenure", "Shift", True, "t"),
        charts.waterfall(
            explain.waterfall(
                explain.case(result, 0, bundle.X, labels),
                float(result.base[0]),
                float(result.predicted[0, 0]),
                "Start",
                "This",
            ),
            "Chance",
            True,
            "t",
        ),
    ]
    counts = [charts.mark_count(chart) for chart in built]
    assert counts[1] == 8 * 300 and counts[2] == 1500
    assert max(counts) <= 2400 < charts.MAX_MARKS
    with pytest.raises(ValueError, match="aggregate to at most 5,000 first"):
        charts.dependence(pd.DataFrame({"value": np.arange(6000.0), "contribution": 0.0}), "x", "y", True, "t")


def test_stored_explanations_are_read_back_only_for_the_same_content(tmp_path, make_bundle):
    from core.bundles.bundle import load_bundle

    bundle = load_bundle(make_bundle(precompute_explanations=False))  # nothing shipped: the app computes it
    before = explain.kept.compute_count
    first = explain.for_bundle(bundle, tmp_path)
    again = explain.for_bundle(load_bundle(bundle.spec.folder), tmp_path)
    assert explain.kept.compute_count == before + 1
    np.testing.assert_array_equal(first.values, again.values)
    assert explain.restore(tmp_path / f"{bundle.content_hash}.explanations.npz", "another-hash") is None


def test_the_publisher_ships_the_explanations_so_no_first_visit_computes_them(tmp_path, small_churn):
    from core.publishing.publish import publish

    model, evaluation = small_churn
    said: list[str] = []
    common = dict(target="churned", task="binary", positive_class="yes")
    bundle = publish(model, evaluation, out=tmp_path / "shipped", say=said.append, **common)  # the default
    assert (tmp_path / "shipped" / explain.BUNDLE_FILE).is_file()
    assert said == [
        "Explanations: the reasons for 200 sample cases were worked out now and stored with the bundle, so no "
        "page waits for them (--no-explain leaves them to the app)."
    ]
    before = explain.kept.compute_count
    result = explain.for_bundle(bundle, tmp_path / "empty-cache")
    assert explain.kept.compute_count == before
    assert result.method == "linear"
    fresh = explain.explain_bundle(bundle)  # what the app would have worked out on a first visit
    np.testing.assert_array_equal(result.rows, fresh.rows)
    np.testing.assert_allclose(result.values, fresh.values, rtol=0, atol=1e-12)

    left = publish(model, evaluation, out=tmp_path / "left", precompute_explanations=False, **common)
    assert not (left.spec.folder / explain.BUNDLE_FILE).exists()


def test_explanations_the_publisher_cannot_store_are_said_and_never_stop_a_default_publish(
    tmp_path, small_churn, monkeypatch
):
    from core.bundles.contract import BundleError
    from core.publishing import publish as publishing

    model, evaluation = small_churn
    common = dict(target="churned", task="binary", positive_class="yes")
    scored = evaluation.assign(p_yes=model.predict_proba(evaluation)[:, 1])
    said: list[str] = []
    publishing.publish(None, scored, predictions="p_yes", out=tmp_path / "scores", say=said.append, **common)
    assert said[-1] == (
        "Explanations: none stored. This bundle holds the model's scores but not the model, so the reasons "
        "behind its predictions cannot be worked out."
    )

    def fails(bundle):
        raise BundleError("could not", detail="MemoryError: out of room")

    monkeypatch.setattr(publishing, "_explained", fails)
    said.clear()
    bundle = publishing.publish(model, evaluation, out=tmp_path / "failed", say=said.append, **common)
    assert not (bundle.spec.folder / explain.BUNDLE_FILE).exists()
    assert said[-1] == (
        "Explanations: none stored, because working them out failed (MemoryError: out of room); the app tries "
        "again on its Explanations page and says what went wrong."
    )
    with pytest.raises(BundleError, match="could not"):  # asked for (--explain): nothing is published without them
        publishing.publish(model, evaluation, out=tmp_path / "asked", precompute_explanations=True, **common)
    assert not (tmp_path / "asked").exists()


def test_a_sample_cut_short_by_the_time_allowed_is_said_with_its_counts(make_bundle):
    from types import SimpleNamespace

    from core.bundles.bundle import load_bundle
    from core.publishing import choices

    bundle = load_bundle(make_bundle(precompute_explanations=False))
    short = SimpleNamespace(rows=np.arange(230), planned=2000, budget=12.0)
    assert choices.explanations(bundle, short, None).sentence == (
        "Explanations: 230 sample cases of 2,000 were explained within the 12 seconds allowed and stored with "
        "the bundle; every page says so. Allow more with MODELBRIEF_EXPLAIN_SECONDS."
    )


def test_a_waterfall_of_a_chance_never_leaves_zero_to_one():
    # drawn largest-last, this case would dip to -9% before the last push up brings it to 9%
    case = pd.DataFrame(
        {
            "feature": ["tenure", "contract", "calls"],
            "label": ["Tenure", "Contract", "Calls"],
            "value": [6, "two-year", 0],
            "contribution": [0.18, -0.16, -0.13],
        }
    )
    plain = explain.waterfall(case, 0.20, 0.09, "Start", "This")
    assert plain["end"].min() < 0
    bounded = explain.waterfall(case, 0.20, 0.09, "Start", "This", bounded=True)
    assert bounded["end"].between(0, 1).all() and bounded["start"].between(0, 1).all()
    assert bounded["end"].iloc[-2] == pytest.approx(0.09)  # the last push lands on the prediction
    assert list(bounded["kind"]) == ["total", "raises", "lowers", "lowers", "total"]


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["yes", "no", "no", "maybe"] * 2500, dtype=object),
        np.arange(9000) % 7 - 1,
        pd.Series([True, False, False] * 3000),
    ],
)
def test_the_stratified_sample_is_the_one_drawn_label_by_label(labels):
    """Labels coded once (no string per row) draw exactly the rows the per-label definition does."""
    rng = np.random.default_rng(0)
    text = pd.Series(labels).astype(str).to_numpy()
    chosen = [
        rng.choice(
            np.flatnonzero(text == v),
            min(max(1, round(500 * (text == v).sum() / len(text))), (text == v).sum()),
            replace=False,
        )
        for v in np.unique(text)
    ]
    picked = np.concatenate(chosen)
    if len(picked) > 500:
        picked = rng.choice(picked, 500, replace=False)
    assert np.array_equal(explain.sample_rows(labels, 500), np.sort(picked))


def test_an_estimate_in_the_thousands_adds_up_within_a_millionth_despite_float32_trees():
    """XGBoost computes in float32: its own rounding (about 0.003 on 3,000) is spread evenly over the
    contributions, so they add up to the estimate shown."""
    import xgboost

    rng = np.random.default_rng(0)
    X = pd.DataFrame({f"f{i}": rng.normal(size=1500) * 100 for i in range(6)})
    y = X["f0"] * 3 + X["f1"] ** 2 / 50 + rng.normal(size=1500) * 10 + 1000
    model = xgboost.XGBRegressor(n_estimators=200, max_depth=8).fit(X[:1000], y[:1000])
    result = explain.explain(model, X[1000:].reset_index(drop=True), "regression", size=500)
    assert result.method == "tree" and np.abs(result.predicted).max() > 1000
    assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


def test_a_pipeline_with_a_resampler_is_explained_exactly():
    """imbalanced-learn's resamplers act only while fitting; the steps around them are explained as usual."""
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import Pipeline as ResamplingPipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = pd.DataFrame({f"f{i}": rng.normal(size=900) for i in range(5)})
    y = (X["f0"] + rng.normal(size=900) > 1.5).astype(int)
    for last, kind in (
        (RandomForestClassifier(30, max_depth=5, random_state=0), "tree"),
        (LogisticRegression(), "linear"),
    ):
        steps = [("scale", StandardScaler()), ("balance", RandomOverSampler(random_state=0)), ("model", last)]
        model = ResamplingPipeline(steps).fit(X[:600], y[:600])
        result = explain.explain(model, X[600:].reset_index(drop=True), "binary", (0, 1), 1, size=300)
        assert result.method == kind and len(result.rows) == 300
        np.testing.assert_allclose(result.predicted[:, 0], model.predict_proba(X[600:].iloc[result.rows])[:, 1])
        assert result.additivity_error() < explain.ADDITIVITY_TOLERANCE


@pytest.mark.parametrize(("value", "seconds"), [(None, 12.0), ("45", 45.0), ("0", 12.0), ("soon", 12.0), ("1e9", 12.0)])
def test_a_deployment_may_give_first_explanations_more_time(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(explain.shapley.BUDGET_ENV, raising=False)
    else:
        monkeypatch.setenv(explain.shapley.BUDGET_ENV, value)
    assert explain.budget_seconds() == seconds
