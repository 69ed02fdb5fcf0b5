"""Models of the kinds teams bring, each published as a bundle: the supported-model matrix.

`publish_kind(name, root)` fits one kind on the same synthetic customers (a fixed seed) and
publishes it under root; `KINDS` names them all. The tests open every page with each, and the
bench times each kind's first explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier, StackingClassifier
from sklearn.linear_model import LogisticRegression, PoissonRegressor, Ridge, RidgeClassifier, SGDClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC, LinearSVC

from core.bundles.bundle import Bundle
from core.publishing.publish import publish

CATEGORICAL = ["contract", "plan", "region"]
NUMERIC = ["tenure", "monthly", "tickets"]
FEATURES = CATEGORICAL + NUMERIC
TOPICS = ["billing", "shipping", "returns", "account"]
TRAIN_ROWS, EVAL_ROWS = 1200, 400


def customers(n: int | None = None, seed: int = 11) -> pd.DataFrame:
    """Customers with category columns, an id, a sign-up date, and three outcomes to predict
    (TRAIN_ROWS + EVAL_ROWS of them unless `n` says; `bench.kinds` sets EVAL_ROWS larger)."""
    n = n if n is not None else TRAIN_ROWS + EVAL_ROWS
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "signup_date": [
                (dt.date(2024, 1, 1) + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 600, n)
            ],
            "contract": pd.Categorical(rng.choice(["month-to-month", "one-year", "two-year"], n, p=[0.5, 0.3, 0.2])),
            "plan": pd.Categorical(rng.choice(["basic", "plus", "premium"], n)),
            "region": pd.Categorical(rng.choice(["north", "south", "east", "west"], n)),
            "tenure": rng.integers(0, 72, n),
            "monthly": rng.normal(60, 20, n).round(2),
            "tickets": rng.poisson(1.5, n),
        }
    )
    risk = (
        -1.0
        + 1.6 * (frame["contract"] == "month-to-month")
        - 0.03 * frame["tenure"]
        + 0.02 * (frame["monthly"] - 60)
        + 0.35 * frame["tickets"]
        + 0.4 * (frame["plan"] == "basic")
    )
    frame["churned"] = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    topic = np.where(
        frame["tickets"] >= 3,
        0,
        np.where(frame["region"] == "north", 1, np.where(frame["contract"] == "two-year", 3, rng.integers(0, 4, n))),
    )
    flip = rng.random(n) < 0.25
    frame["topic_code"] = np.where(flip, rng.integers(0, 4, n), topic)
    frame["topic"] = np.array(TOPICS, dtype=object)[frame["topic_code"]]
    frame["hours"] = np.round(
        np.exp(1.5 + 0.3 * (frame["region"] == "south") + 0.02 * frame["tickets"] + rng.normal(0, 0.25, n)), 2
    )
    return frame


def _split():
    frame = customers()
    return frame.iloc[:TRAIN_ROWS].reset_index(drop=True), frame.iloc[TRAIN_ROWS:].reset_index(drop=True)


# The models explained by permutation are published without their explanations: each takes the whole
# time allowed, and the matrix then also holds bundles whose explanation the app works out on a first visit.
FIRST_VISIT_EXPLAINS = {"precompute_explanations": False}


def _encoded(estimator) -> Pipeline:
    encode = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
            ("numbers", StandardScaler(), NUMERIC),
        ]
    )
    return Pipeline([("encode", encode), ("model", estimator)])


def _binary(name: str, model, root: Path, train=None, evaluation=None, **kw) -> Bundle:
    train_, evaluation_ = _split()
    train, evaluation = train if train is not None else train_, evaluation if evaluation is not None else evaluation_
    model.fit(train[FEATURES], train["churned"])
    columns = ["customer_id", "signup_date", *FEATURES, "churned"]
    return publish(
        model,
        evaluation[columns],
        target="churned",
        task="binary",
        out=root / name,
        title=name.replace("-", " ").capitalize(),
        id_column="customer_id",
        segments=["region"],
        business={"currency": "USD", "value": {"true_positive": 120, "false_positive": -20, "false_negative": -150}},
        **kw,
    )


def _multiclass(name: str, model, root: Path, target="topic", **kw) -> Bundle:
    train, evaluation = _split()
    model.fit(train[FEATURES], train[target])
    return publish(
        model,
        evaluation[["customer_id", *FEATURES, target]],
        target=target,
        task="multiclass",
        out=root / name,
        title=name.replace("-", " ").capitalize(),
        id_column="customer_id",
        business={"currency": "USD", "value": {"correct": 4, "wrong": -6, "abstain": -1}},
        **kw,
    )


def _regression(name: str, model, root: Path, **kw) -> Bundle:
    train, evaluation = _split()
    model.fit(train[FEATURES], train["hours"])
    return publish(
        model,
        evaluation[["customer_id", *FEATURES, "hours"]],
        target="hours",
        task="regression",
        out=root / name,
        title=name.replace("-", " ").capitalize(),
        tolerance={"absolute": 1.0},
        **kw,
    )


def hgb_categories(root: Path) -> Bundle:
    return _binary(
        "hgb-categories", HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=60), root
    )


def lightgbm_categories(root: Path) -> Bundle:
    """LightGBM on category columns, its evaluation rows written to CSV (where the category type is lost)."""
    import lightgbm

    train, evaluation = _split()
    model = lightgbm.LGBMClassifier(n_estimators=60, verbose=-1).fit(train[FEATURES], train["churned"])
    path = root / "lightgbm-eval.csv"
    evaluation[["customer_id", "signup_date", *FEATURES, "churned"]].to_csv(path, index=False)
    return publish(
        model, path, target="churned", task="binary", out=root / "lightgbm-categories", id_column="customer_id"
    )


def xgboost_categories_binary(root: Path) -> Bundle:
    import xgboost

    return _binary("xgboost-categories-binary", xgboost.XGBClassifier(n_estimators=60, enable_categorical=True), root)


def xgboost_categories_multiclass(root: Path) -> Bundle:
    import xgboost

    model = xgboost.XGBClassifier(n_estimators=40, enable_categorical=True)
    return _multiclass(
        "xgboost-categories-multiclass", model, root, target="topic_code", classes=dict(enumerate(TOPICS))
    )


def catboost_categories(root: Path) -> Bundle:
    import catboost

    model = catboost.CatBoostClassifier(iterations=60, verbose=0, cat_features=CATEGORICAL, allow_writing_files=False)
    return _binary("catboost-categories", model, root)


def pipeline_logistic(root: Path) -> Bundle:
    return _binary("pipeline-logistic", _encoded(LogisticRegression(max_iter=500)), root)


def svc_no_probabilities(root: Path) -> Bundle:
    return _binary("svc-no-probabilities", _encoded(SVC()), root)


def svc_calibrated(root: Path) -> Bundle:
    return _binary("svc-calibrated", _encoded(SVC()), root, calibrate=True, **FIRST_VISIT_EXPLAINS)


def linear_svc(root: Path) -> Bundle:
    return _binary("linear-svc", _encoded(LinearSVC()), root)


def sgd_hinge(root: Path) -> Bundle:
    return _binary("sgd-hinge", _encoded(SGDClassifier(loss="hinge", random_state=0)), root)


def ridge_classifier_codes(root: Path) -> Bundle:
    """RidgeClassifier on integer-coded classes, named by `classes:`."""
    return _multiclass(
        "ridge-classifier-codes",
        _encoded(RidgeClassifier()),
        root,
        target="topic_code",
        classes=dict(enumerate(TOPICS)),
    )


def calibrated_forest(root: Path) -> Bundle:
    forest = _encoded(RandomForestClassifier(n_estimators=40, max_depth=6, random_state=0))
    return _binary("calibrated-forest", CalibratedClassifierCV(forest, cv=3), root, **FIRST_VISIT_EXPLAINS)


def stacking(root: Path) -> Bundle:
    model = StackingClassifier(
        [
            ("forest", _encoded(RandomForestClassifier(n_estimators=30, max_depth=5, random_state=0))),
            ("linear", _encoded(LogisticRegression(max_iter=500))),
        ],
        final_estimator=LogisticRegression(),
        cv=3,
    )
    return _binary("stacking", model, root, **FIRST_VISIT_EXPLAINS)


def transformed_target(root: Path) -> Bundle:
    model = TransformedTargetRegressor(_encoded(Ridge()), func=np.log, inverse_func=np.exp)
    return _regression("transformed-target", model, root)


def poisson(root: Path) -> Bundle:
    return _regression("poisson", _encoded(PoissonRegressor(alpha=1e-3)), root)


def tweedie(root: Path) -> Bundle:
    """A GLM with a log link: explained exactly on the link, shared out into hours."""
    from sklearn.linear_model import TweedieRegressor

    return _regression("tweedie", _encoded(TweedieRegressor(power=1.5, alpha=1e-3)), root)


def lightgbm_booster(root: Path) -> Bundle:
    """A native `lightgbm.train` Booster on category columns: no classes of its own, 0/1 outcomes."""
    import lightgbm

    train, evaluation = _split()
    booster = lightgbm.train(
        {"objective": "binary", "verbose": -1, "seed": 0}, lightgbm.Dataset(train[FEATURES], train["churned"]), 60
    )
    return publish(
        booster, evaluation[["customer_id", *FEATURES, "churned"]], target="churned", task="binary",
        out=root / "lightgbm-booster", id_column="customer_id", segments=["region"],
    )  # fmt: skip


def xgboost_booster_multiclass(root: Path) -> Bundle:
    """A native `xgboost.train` Booster (multi:softprob) on codes named by `classes:`."""
    import xgboost

    train, evaluation = _split()
    data = xgboost.DMatrix(train[FEATURES], label=train["topic_code"], enable_categorical=True)
    booster = xgboost.train({"objective": "multi:softprob", "num_class": 4, "seed": 0}, data, 40)
    return publish(
        booster, evaluation[["customer_id", *FEATURES, "topic_code"]], target="topic_code", task="multiclass",
        out=root / "xgboost-booster-multiclass", id_column="customer_id", classes=dict(enumerate(TOPICS)),
    )  # fmt: skip


def bagged_trees(root: Path) -> Bundle:
    """Bagged decision trees on the number columns: explained exactly, member by member."""
    from sklearn.ensemble import BaggingClassifier
    from sklearn.tree import DecisionTreeClassifier

    train, evaluation = _split()
    model = BaggingClassifier(DecisionTreeClassifier(max_depth=5), n_estimators=15, max_features=0.67, random_state=0)
    model.fit(train[NUMERIC], train["churned"])
    return publish(
        model, evaluation[["customer_id", *NUMERIC, "churned"]], target="churned", task="binary",
        out=root / "bagged-trees", id_column="customer_id",
    )  # fmt: skip


def voting_soft(root: Path) -> Bundle:
    from sklearn.ensemble import VotingClassifier

    members = [
        ("boosted", HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=40)),
        ("linear", _encoded(LogisticRegression(max_iter=500))),
    ]
    return _binary("voting-soft", VotingClassifier(members, voting="soft", weights=[2, 1]), root)


def voting_hard(root: Path) -> Bundle:
    """Hard voting: a decision, no chances."""
    from sklearn.ensemble import VotingClassifier

    members = [
        ("boosted", HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=40)),
        ("linear", _encoded(LogisticRegression(max_iter=500))),
        ("forest", _encoded(RandomForestClassifier(n_estimators=20, max_depth=5, random_state=0))),
    ]
    return _binary("voting-hard", VotingClassifier(members, voting="hard"), root)


def boolean_target(root: Path) -> Bundle:
    """The outcome written True/False: True is the event, and the publisher says it chose so."""
    train, evaluation = _split()
    train, evaluation = (f.assign(churned=f["churned"].astype(bool)) for f in (train, evaluation))
    return _binary("boolean-target", _encoded(LogisticRegression(max_iter=500)), root, train, evaluation)


def bare_array(root: Path) -> Bundle:
    """A bare estimator fitted on a NumPy array; the evaluation file also holds an id and a date."""
    train, evaluation = _split()
    model = LogisticRegression(max_iter=500).fit(train[NUMERIC].to_numpy(float), train["churned"])
    return publish(
        model,
        evaluation[["customer_id", "signup_date", *NUMERIC, "churned"]],
        target="churned",
        task="binary",
        out=root / "bare-array",
        id_column="customer_id",
        model_features=NUMERIC,
    )


def skops_file(root: Path) -> Bundle:
    import skops.io as sio

    train, evaluation = _split()
    model = _encoded(LogisticRegression(max_iter=500)).fit(train[FEATURES], train["churned"])
    path = root / "model-file.skops"
    sio.dump(model, path)
    return publish(path, evaluation[[*FEATURES, "churned"]], target="churned", task="binary", out=root / "skops-file")


def predictions_binary(root: Path) -> Bundle:
    train, evaluation = _split()
    model = _encoded(LogisticRegression(max_iter=500)).fit(train[FEATURES], train["churned"])
    frame = evaluation[["customer_id", *FEATURES, "churned"]].copy()
    frame["p_churn"] = model.predict_proba(evaluation[FEATURES])[:, 1]
    return publish(
        None,
        frame,
        target="churned",
        task="binary",
        out=root / "predictions-binary",
        predictions="p_churn",
        id_column="customer_id",
    )


def predictions_multiclass(root: Path) -> Bundle:
    train, evaluation = _split()
    model = _encoded(LogisticRegression(max_iter=500)).fit(train[FEATURES], train["topic"])
    frame = evaluation[["customer_id", *FEATURES, "topic"]].copy()
    proba = model.predict_proba(evaluation[FEATURES])
    columns = {}
    for i, topic in enumerate(model.classes_):
        frame[f"p_{topic}"] = proba[:, i]
        columns[str(topic)] = f"p_{topic}"
    return publish(
        None, frame, target="topic", task="multiclass", out=root / "predictions-multiclass", predictions=columns
    )


def predictions_regression(root: Path) -> Bundle:
    train, evaluation = _split()
    model = _encoded(Ridge()).fit(train[FEATURES], train["hours"])
    frame = evaluation[[*FEATURES, "hours"]].copy()
    frame["predicted_hours"] = model.predict(evaluation[FEATURES])
    return publish(
        None,
        frame,
        target="hours",
        task="regression",
        out=root / "predictions-regression",
        predictions="predicted_hours",
        tolerance={"absolute": 1.0},
    )


def wide_many_classes(root: Path) -> Bundle:
    """Twenty-four classes and fourteen features: searchable pickers and "More features"."""
    rng = np.random.default_rng(5)
    n = 1600
    frame = pd.DataFrame({f"signal_{i:02d}": rng.normal(size=n) for i in range(14)})
    weights = rng.normal(size=(14, 24))
    logits = frame.to_numpy() @ weights + rng.normal(size=(n, 24)) + np.linspace(2, -2, 24)
    frame["intent"] = np.array([f"intent {i:02d}" for i in range(24)], dtype=object)[logits.argmax(axis=1)]
    features = [c for c in frame.columns if c.startswith("signal_")]
    model = LogisticRegression(max_iter=1000).fit(frame[features][:1200], frame["intent"][:1200])
    return publish(
        model,
        frame.iloc[1200:].reset_index(drop=True),
        target="intent",
        task="multiclass",
        out=root / "wide-many-classes",
    )


def text_pipeline(root: Path) -> Bundle:
    """TF-IDF on a free-text message (with the channel) into logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from tests.core.explaining.test_text import pipeline, tickets

    frame = tickets(600, seed=3)
    model = pipeline(TfidfVectorizer(ngram_range=(1, 2))).fit(
        frame[["message", "channel"]][:400], frame["intent"][:400]
    )
    return publish(
        model,
        frame.iloc[400:].reset_index(drop=True),
        target="intent",
        task="multiclass",
        out=root / "text-pipeline",
        subject="ticket",
    )


def text_boosted(root: Path) -> Bundle:
    """TF-IDF on a message into gradient boosting (binary): word reasons by SHAP's text masker."""
    from tests.core.explaining.test_text import boosted, tickets

    frame = tickets(600, seed=5)
    frame["billing"] = np.where(frame["intent"] == "billing", "yes", "no")
    model = boosted(frame[:400], frame["billing"][:400])
    return publish(
        model,
        frame.drop(columns="intent").iloc[400:].reset_index(drop=True),
        target="billing",
        task="binary",
        positive_class="yes",
        out=root / "text-boosted",
        subject="ticket",
    )


KINDS: dict[str, Callable[[Path], Bundle]] = {
    "hgb-categories": hgb_categories,
    "lightgbm-categories": lightgbm_categories,
    "xgboost-categories-binary": xgboost_categories_binary,
    "xgboost-categories-multiclass": xgboost_categories_multiclass,
    "catboost-categories": catboost_categories,
    "pipeline-logistic": pipeline_logistic,
    "svc-no-probabilities": svc_no_probabilities,
    "svc-calibrated": svc_calibrated,
    "linear-svc": linear_svc,
    "sgd-hinge": sgd_hinge,
    "ridge-classifier-codes": ridge_classifier_codes,
    "calibrated-forest": calibrated_forest,
    "stacking": stacking,
    "transformed-target": transformed_target,
    "poisson": poisson,
    "tweedie": tweedie,
    "lightgbm-booster": lightgbm_booster,
    "xgboost-booster-multiclass": xgboost_booster_multiclass,
    "bagged-trees": bagged_trees,
    "voting-soft": voting_soft,
    "voting-hard": voting_hard,
    "boolean-target": boolean_target,
    "bare-array": bare_array,
    "skops-file": skops_file,
    "predictions-binary": predictions_binary,
    "predictions-multiclass": predictions_multiclass,
    "predictions-regression": predictions_regression,
    "wide-many-classes": wide_many_classes,
    "text-pipeline": text_pipeline,
    "text-boosted": text_boosted,
}


def publish_all(root: Path, only: list[str] | None = None) -> dict[str, Bundle]:
    return {name: KINDS[name](root) for name in (only or KINDS)}
