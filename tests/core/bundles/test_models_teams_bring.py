"""Models and inputs as teams bring them: figures equal to the library's own on correctly aligned
rows, or a refusal whose sentence names the way out. Never a figure that is silently wrong."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError
from core.evaluation import metrics
from core.explaining import explain
from core.publishing import summary
from core.publishing.publish import left_unset, publish

# what the publisher says when it stores the explanations (every row of a small evaluation file is in the sample)
STORED = (
    "Explanations: the reasons for {n} sample cases were worked out now and stored with the bundle, so no page "
    "waits for them (--no-explain leaves them to the app)."
)


def customers(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "tenure": rng.normal(24, 8, n),
            "spend": rng.normal(50, 15, n),
            "tickets": rng.poisson(2, n).astype(float),
            "plan": pd.Categorical(rng.choice(["basic", "plus", "pro"], n)),
        }
    )
    signal = -0.08 * (frame["tenure"] - 24) + 0.05 * (frame["spend"] - 50) + 0.4 * frame["tickets"] - 1.6
    signal += np.where(frame["plan"] == "basic", 0.8, 0.0)
    frame["left"] = (signal + rng.normal(0, 1, n) > 0).astype(int)
    return frame


def accuracy_shown(bundle, tmp_path) -> float:
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path / "cache"))
    point = bundle.spec.operating_point
    return metrics.headline(data, point).kpis.accuracy_acted


# --- columns handed to a model by position ---------------------------------------------------


def test_a_model_fitted_on_an_array_is_refused_until_its_columns_are_named_then_matches_scikit_learn(tmp_path):
    frame = customers()
    columns = ["tenure", "spend", "tickets"]
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(
        frame[columns].to_numpy()[:1000], frame["left"][:1000]
    )
    shuffled = frame.iloc[1000:][["tickets", "tenure", "spend", "left"]]  # another order than the model's
    with pytest.raises(BundleError) as caught:
        publish(model, shuffled, target="left", task="binary", out=tmp_path / "rf")
    assert caught.value.message == (
        "The model was fitted on 3 unnamed columns and the evaluation file has 3 other columns "
        "(tickets, tenure, spend), so the app cannot tell which the model reads, or in what order."
    )
    assert caught.value.hint == (
        "Name the columns the model takes, in order, with --features when publishing "
        "(or model.features in bundle.yaml)."
    )
    with_date = shuffled.assign(seen_on=pd.Timestamp("2026-01-01"), customer="x")
    with pytest.raises(BundleError) as caught:
        publish(model, with_date, target="left", task="binary", out=tmp_path / "rf")
    assert caught.value.message.startswith("The model was fitted on 3 unnamed columns and the evaluation file has 5")
    with pytest.raises(BundleError) as caught:
        publish(model, shuffled, target="left", task="binary", out=tmp_path / "rf", model_features=["tenure", "spend"])
    assert caught.value.message == "The model takes 3 columns, but `model.features` in bundle.yaml lists 2."
    bundle = publish(model, with_date, target="left", task="binary", out=tmp_path / "rf", model_features=columns)
    truth = frame["left"][1000:].to_numpy()
    chance = model.predict_proba(frame[columns].to_numpy()[1000:])[:, 1]
    expected = accuracy_score(truth, chance >= 0.5)  # the bundle's setting: flag at a chance of 50% or more
    assert accuracy_shown(bundle, tmp_path) == pytest.approx(expected)


# --- native models ---------------------------------------------------------------------------


def test_a_lightgbm_booster_opens_as_a_classifier_scores_as_itself_and_is_explained_exactly(tmp_path):
    import lightgbm as lgb

    frame = customers()
    features = ["tenure", "spend", "tickets", "plan"]
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "seed": 0}, lgb.Dataset(frame[features][:1000], frame["left"][:1000]), 40
    )
    said: list[str] = []
    evaluation = frame.iloc[1000:].astype({"plan": str})  # a CSV would lose the category type too
    bundle = publish(booster, evaluation, target="left", task="binary", out=tmp_path / "lgb", say=said.append)
    assert (bundle.model_name, bundle.classes, bundle.positive_class) == ("LightGBM Booster", (0, 1), 1)
    assert said == [
        "Positive class '1': it reads as yes (the labels are '0' and '1'). If the event is '0', publish again "
        "with --positive-class 0.",
        STORED.format(n=len(evaluation)),
    ]
    expected = accuracy_score(frame["left"][1000:], booster.predict(frame[features][1000:]) >= 0.5)
    assert accuracy_shown(bundle, tmp_path) == pytest.approx(expected)
    explained = explain.explain_bundle(bundle)
    assert explained.method == "tree"
    with pytest.raises(BundleError) as caught:
        publish(booster, evaluation, target="left", task="regression", out=tmp_path / "wrong")
    assert caught.value.message == "bundle.yaml says task: regression, but the model is a classifier with classes 0, 1."
    assert caught.value.hint == "Set task to binary or multiclass."


@pytest.mark.parametrize("objective", ["multi:softprob", "multi:softmax"])
def test_an_xgboost_booster_gives_chances_for_its_classes_even_when_trained_for_classes_only(tmp_path, objective):
    import xgboost as xgb

    frame = customers()
    frame["band"] = np.digitize(frame["spend"], [40, 60])
    features = ["tenure", "spend", "tickets", "plan"]
    train = xgb.DMatrix(frame[features][:1000], label=frame["band"][:1000], enable_categorical=True)
    booster = xgb.train({"objective": objective, "num_class": 3, "tree_method": "hist", "seed": 0}, train, 30)
    bundle = publish(booster, frame.iloc[1000:], target="band", task="multiclass", out=tmp_path / "xgb")
    assert bundle.classes == (0, 1, 2) and bundle.explainable
    test = xgb.DMatrix(frame[features][1000:], enable_categorical=True)
    own = booster.predict(test)
    predicted = own.argmax(axis=1) if own.ndim == 2 else own.astype(int)
    expected = accuracy_score(frame["band"][1000:], predicted)
    assert accuracy_shown(bundle, tmp_path) == pytest.approx(expected)
    chances = bundle.model.predict_proba(frame[features][1000:])
    assert np.allclose(chances.sum(axis=1), 1) and (chances.argmax(axis=1) == predicted).all()
    assert explain.explain_bundle(bundle).method == "tree"


def test_a_regression_booster_called_a_classifier_is_told_both_ways_out(tmp_path):
    import lightgbm as lgb

    frame = customers()
    booster = lgb.train(
        {"objective": "regression", "verbose": -1},
        lgb.Dataset(frame[["tenure", "spend"]][:1000], frame["spend"][:1000]),
        5,
    )
    with pytest.raises(BundleError) as caught:
        publish(
            booster, frame.iloc[1000:][["tenure", "spend", "left"]], target="left", task="binary", out=tmp_path / "r"
        )
    assert (
        caught.value.message
        == "bundle.yaml says task: binary, but LightGBM Booster estimates numbers and knows no classes."
    )
    assert caught.value.hint.startswith("If it estimates a number, set task to regression. If it is a classifier,")


def test_a_statsmodels_result_is_refused_with_the_predictions_only_command(tmp_path):
    import statsmodels.api as sm

    frame = customers()
    result = sm.Logit(frame["left"][:1000], sm.add_constant(frame[["tenure", "spend"]][:1000])).fit(disp=0)
    with pytest.raises(BundleError) as caught:
        publish(
            result, frame.iloc[1000:][["tenure", "spend", "left"]], target="left", task="binary", out=tmp_path / "s"
        )
    assert caught.value.message == (
        "model.joblib holds a statsmodels BinaryResultsWrapper, which the app cannot score rows with directly."
    )
    assert "--predictions <column>" in caught.value.hint and "task to regression" not in caught.value.hint


# --- what the publisher chooses, it says ------------------------------------------------------


def test_the_event_is_chosen_out_loud_and_written_with_its_reason(tmp_path):
    from sklearn.linear_model import LogisticRegression

    frame = customers()
    frame["churned"] = np.where(frame["left"] == 1, "left", "stayed")
    columns = ["tenure", "spend", "tickets"]
    model = LogisticRegression(max_iter=500).fit(frame[columns][:1000], frame["churned"][:1000])
    said: list[str] = []
    rows = frame.iloc[1000:][[*columns, "churned"]]
    bundle = publish(model, rows, target="churned", task="binary", out=tmp_path / "c", say=said.append)
    n_left = int((rows["churned"] == "left").sum())
    assert n_left < len(rows) / 2 and bundle.positive_class == "left"
    why = (
        f"the rarer of 'left' and 'stayed' in the evaluation rows ({n_left:,} of {len(rows):,}), as the event a model "
        "looks for usually is"
    )
    assert said == [
        f"Positive class 'left': {why}. If the event is 'stayed', publish again with --positive-class stayed.",
        STORED.format(n=f"{len(rows):,}"),
    ]
    text = (tmp_path / "c" / "bundle.yaml").read_text()
    assert f"# chosen by the publisher: {why}; set it to 'stayed' if that is the event\npositive_class: left\n" in text
    assert yaml.safe_load(text)["positive_class"] == "left"


def test_a_file_of_scores_names_the_label_its_column_is_the_chance_of(tmp_path):
    frame = customers().iloc[:600]
    frame["churned"] = np.where(frame["left"] == 1, "left", "stayed")
    frame["p_stay"] = np.clip(1 - frame["left"] * 0.6 - 0.2 + np.random.default_rng(1).normal(0, 0.1, 600), 0, 1)
    said: list[str] = []
    bundle = publish(
        None, frame[["tenure", "churned", "p_stay"]], target="churned", task="binary", out=tmp_path / "p",
        predictions="p_stay", say=said.append,
    )  # fmt: skip
    assert bundle.positive_class == "stayed"
    assert said[0] == (
        "Positive class 'stayed': 'p_stay' is higher for rows labelled 'stayed', so it is that label's chance. "
        "If the event is 'left', publish again with --positive-class left."
    )


def test_a_target_that_reaches_zero_gets_a_default_tolerance_in_its_units_called_the_default(tmp_path):
    from sklearn.linear_model import Ridge

    from core.words import narrative

    frame = customers()
    frame["margin"] = frame["spend"] - 50 + np.random.default_rng(2).normal(0, 5, len(frame))  # crosses zero
    model = Ridge().fit(frame[["spend"]][:1000], frame["margin"][:1000])
    said: list[str] = []
    bundle = publish(model, frame.iloc[1000:][["spend", "margin"]], target="margin", task="regression",
                     out=tmp_path / "m", say=said.append)  # fmt: skip
    truth = frame["margin"][1000:]
    low, high = np.percentile(truth, [25, 75])
    amount = float(f"{0.1 * (high - low):.2g}")
    assert (bundle.spec.tolerance.absolute, bundle.spec.tolerance.relative, bundle.spec.tolerance.default) == (
        amount, None, True,
    )  # fmt: skip
    assert narrative.findings._within(bundle.spec) == f"within the default {amount:g} units"
    assert bundle.spec.notices == (
        f"bundle.yaml sets no tolerance, so by default an estimate within {amount:g} of the truth counts as right "
        "(a tenth of the spread of the middle half of the true values, which reach zero); set `tolerance:` to say "
        "what is close enough.",
    )
    assert said[0].startswith(f"Tolerance: not set, so an estimate within {amount:g} of the truth counts as right")
    assert "tolerance (how close counts as right), so every page says the default is used" in left_unset(bundle.spec)
    text = (tmp_path / "m" / "bundle.yaml").read_text()
    assert f"# say what is close enough, e.g. tolerance: {{absolute: {amount:g}}}" in text
    assert "tolerance" not in yaml.safe_load(text)  # the team has not set it: every page keeps saying default
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path / "cache"))
    within = np.abs(model.predict(frame[["spend"]][1000:]) - truth.to_numpy()) <= amount
    assert metrics.headline(data, bundle.spec.operating_point).kpis.accuracy_acted == pytest.approx(within.mean())


# --- a team's own code ------------------------------------------------------------------------


def test_a_model_that_needs_a_team_module_the_app_lacks_is_named_on_opening_and_on_its_card(tmp_path, monkeypatch):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    code = tmp_path / "code"
    code.mkdir()
    (code / "team_features.py").write_text("def tidy(frame):\n    return frame.fillna(0)\n")
    monkeypatch.syspath_prepend(str(code))
    import team_features

    frame = customers()
    columns = ["tenure", "spend"]
    model = Pipeline([("tidy", FunctionTransformer(team_features.tidy)), ("model", LogisticRegression())])
    model.fit(frame[columns][:1000], frame["left"][:1000])
    bundle = publish(model, frame.iloc[1000:][[*columns, "left"]], target="left", task="binary", out=tmp_path / "t")
    found = summary.read(tmp_path / "t" / summary.BUNDLE_FILE, bundle.figures_key)
    assert "team_features" in found.modules and summary.cannot_open(found, bundle.spec) is None
    assert "__builtin__" not in found.modules  # as Python 3 names them, so every module here is found
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(code)])
    monkeypatch.delitem(sys.modules, "team_features")
    refused = summary.cannot_open(found, bundle.spec)
    assert refused.message == "model.joblib needs the Python module 'team_features', which cannot be imported here."
    assert refused.hint == (
        "Make 'team_features' importable where the app runs: install the package that provides it, or add the "
        "folder that holds it to PYTHONPATH; then reload."
    )
    with pytest.raises(BundleError) as caught:
        load_bundle(tmp_path / "t")
    assert (caught.value.message, caught.value.hint) == (refused.message, refused.hint)


def test_catboost_text_features_are_read_word_by_word_not_as_one_category(tmp_path):
    import catboost

    from core.explaining.text import MaskedWordExplainer, word_explainers
    from tests.core.explaining.test_text import tickets

    frame = tickets(600, seed=3)
    model = catboost.CatBoostClassifier(
        iterations=60, verbose=0, text_features=["message"], cat_features=["channel"], allow_writing_files=False
    )
    model.fit(frame[["message", "channel"]][:400], frame["intent"][:400])
    said: list[str] = []
    rows = frame.iloc[400:][["message", "channel", "intent"]].reset_index(drop=True)
    bundle = publish(
        model, rows, target="intent", task="multiclass", out=tmp_path / "cb", say=said.append,
        precompute_explanations=False,  # slow by masking; the app's explanation of it is tested elsewhere
    )  # fmt: skip
    assert said == [
        "Text: 'message' is read as free text and explained word by word, because the CatBoost model declares it "
        "a text feature."
    ]
    assert bundle.spec.features["message"].kind == "text"
    explainers = word_explainers(bundle.model, bundle.X)
    assert list(explainers) == ["message"] and isinstance(explainers["message"], MaskedWordExplainer)
    reasons = explainers["message"].explain(bundle.X.iloc[[0]])
    assert len(reasons.terms) > 1  # the message's words, each with its share, not the message as one value
    import re

    assert set(reasons.terms) <= set(re.split(r"\W+", str(bundle.X["message"].iloc[0]).lower()))
