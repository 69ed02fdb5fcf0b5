"""The built-in demo bundles, generated from fixed seeds (nothing is downloaded).

    python -m core.demo [--out artifacts] [--force]

- churn-gbm / churn-logreg: who cancels in the next 90 days; a gradient-boosting champion and a
  logistic-regression challenger scored on the same evaluation customers.
- support-router: which team a support ticket goes to, read from the customer's own message; a
  third of real tickets ask for things the model was never trained on, which its accuracy alone
  does not show.
- delivery-eta: how many hours a parcel takes, with a one-hour tolerance.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from core.bundles.bundle import artifacts_root, discover
from core.publishing.demo_data import (
    CHURN_CATEGORICAL,
    CHURN_FEATURES,
    CHURN_NUMERIC,
    DELIVERY_CATEGORICAL,
    DELIVERY_FEATURES,
    DELIVERY_NUMERIC,
    KNOWN_INTENTS,
    ROUTER_FEATURES,
    UNSEEN_INTENTS,
    churn_data,
    delivery_data,
    encoder,
    tickets,
    with_household,
)
from core.publishing.demo_traffic import TRAFFIC, churn_week, delivery_week, router_week
from core.publishing.demo_traffic import write as write_traffic
from core.publishing.publish import publish

Progress = Callable[[float, str], None]
CREATED = "2026-11-20"


CHURN_COMMON = dict(
    target="churned",
    task="binary",
    positive_class="yes",
    subject="customer",
    action="offer a retention discount",
    event="cancelled",
    id_column="customer_id",
    features=CHURN_FEATURES,
    segments=["region", "plan"],
    operating_point={"threshold": 0.5, "min_confidence": 0.6},
    business={
        "currency": "USD",
        "volume": {"count": 20_000, "per": "month"},
        "value": {"true_positive": 120, "false_positive": -50, "false_negative": 0, "true_negative": 0, "abstain": -5},
    },
    owner="Retention data science",
    created=CREATED,
    traffic=TRAFFIC,
)


def build_churn(root: Path, seed: int = 7) -> None:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    data = churn_data(seed=seed)
    train, evaluation = data.iloc[:6000], with_household(data.iloc[6000:].reset_index(drop=True), seed)
    X = train[CHURN_CATEGORICAL + CHURN_NUMERIC]
    y = train["churned"]
    champion = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
            ("model", GradientBoostingClassifier(n_estimators=150, max_depth=3, learning_rate=0.08, random_state=seed)),
        ]
    ).fit(X, y)
    publish(
        champion,
        evaluation,
        out=root / "churn-gbm",
        overwrite=True,
        title="Churn risk, gradient boosting",
        version="2026.11.1",
        summary="Predicts which customers will cancel in the next 90 days, so the retention team can offer a discount first.",
        card={
            "intended_use": "Rank current consumer customers by their risk of cancelling in the next 90 days, to target retention offers.",
            "not_for": "Pricing decisions, credit decisions or business accounts.",
            "training_data": "6,000 consumer customers active in 2025, with their outcome 90 days later.",
            "limitations": "Satisfaction is missing for a third of customers; customers in their first month have little history.",
            "ethical_considerations": "Age is used as a signal but must never decide who is offered a discount on its own.",
        },
        groups=["age", "household"],
        **CHURN_COMMON,
    )
    write_traffic(root / "churn-gbm", churn_week)
    challenger = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
            ("model", LogisticRegression(max_iter=1000, C=0.5)),
        ]
    ).fit(X, y)
    publish(
        challenger,
        evaluation,
        out=root / "churn-logreg",
        overwrite=True,
        title="Churn risk, logistic regression (challenger)",
        version="2026.11.1-challenger",
        summary="A simpler, fully linear model of the same 90-day cancellation risk, scored on the same customers.",
        card={
            "intended_use": "A transparent challenger to the gradient-boosting churn model.",
            "training_data": "The same 6,000 customers as the champion.",
        },
        groups=["age", "region"],
        **CHURN_COMMON,
    )
    write_traffic(root / "churn-logreg", churn_week)


def build_router(root: Path, seed: int = 11) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(seed)
    train = tickets(KNOWN_INTENTS, 8000, rng, vague=0.07)
    known = tickets(KNOWN_INTENTS, 2400, rng, vague=0.07)
    unseen = tickets(UNSEEN_INTENTS, 1200, rng)
    evaluation = pd.concat([known, unseen]).sample(frac=1, random_state=seed).reset_index(drop=True)
    evaluation.insert(0, "ticket_id", [f"T-{50001 + i}" for i in range(len(evaluation))])
    columns = ["message", "channel", "customer_plan"]
    model = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [
                        ("message", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "message"),
                        ("categories", OneHotEncoder(handle_unknown="ignore"), ["channel", "customer_plan"]),
                    ]
                ),
            ),
            ("model", LogisticRegression(C=4.0, max_iter=2000)),
        ]
    ).fit(train[columns], train["intent"])
    publish(
        model,
        evaluation,
        out=root / "support-router",
        overwrite=True,
        target="intent",
        task="multiclass",
        title="Support ticket router",
        version="2026.11.3",
        summary="Reads an incoming support ticket and sends it to the team for its intent, or to a person when unsure.",
        subject="ticket",
        action="route the ticket automatically",
        id_column="ticket_id",
        features=ROUTER_FEATURES,
        segments=["channel", "customer_plan"],
        operating_point={"min_confidence": 0.7},
        business={
            "currency": "USD",
            "volume": {"count": 45_000, "per": "month"},
            "value": {"correct": 4.0, "wrong": -6.0, "abstain": -2.5, "out_of_scope": -9.0},
        },
        owner="Customer support automation",
        created=CREATED,
        card={
            "intended_use": "Route English support tickets to one of ten teams.",
            "not_for": "Answering customers directly, or tickets about legal or privacy matters.",
            "training_data": "8,000 English tickets from ten known intents, labelled by support leads in 2025; "
            "about one in eight was vague and labelled with the lead's best guess.",
            "limitations": "Tickets about anything outside the ten intents are always routed wrongly or handed to a person.",
        },
        traffic=TRAFFIC,
    )
    write_traffic(root / "support-router", router_week)


def build_delivery(root: Path, seed: int = 23) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    data = delivery_data(seed=seed)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    categorical = ColumnTransformer(
        [
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)
                ),
                DELIVERY_CATEGORICAL,
            ),
            ("numbers", SimpleImputer(strategy="median"), DELIVERY_NUMERIC),
        ],
        verbose_feature_names_out=False,
    )
    model = Pipeline(
        [
            ("encode", categorical),
            ("model", GradientBoostingRegressor(n_estimators=200, max_depth=3, learning_rate=0.08, random_state=seed)),
        ]
    ).fit(train[DELIVERY_CATEGORICAL + DELIVERY_NUMERIC], train["delivery_hours"])
    publish(
        model,
        evaluation,
        out=root / "delivery-eta",
        overwrite=True,
        target="delivery_hours",
        task="regression",
        title="Delivery time estimate",
        version="2026.10.4",
        summary="Estimates how many hours an order takes to reach the customer, shown at checkout.",
        subject="order",
        action="show the estimate at checkout",
        id_column="order_id",
        features=DELIVERY_FEATURES,
        segments=["warehouse", "carrier"],
        tolerance={"absolute": 1.0},
        business={
            "currency": "USD",
            "volume": {"count": 30_000, "per": "month"},
            "value": {"per_unit_error": -6.0, "abstain": -5.0},
        },
        owner="Logistics analytics",
        created=CREATED,
        card={
            "intended_use": "Show customers a delivery estimate at checkout.",
            "not_for": "Promising guaranteed delivery times, or planning driver shifts.",
            "training_data": "6,000 same-day orders from the three hubs, summer and autumn 2026.",
        },
        traffic=TRAFFIC,
    )
    write_traffic(root / "delivery-eta", delivery_week)


DEMOS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "customer churn (champion and challenger)": (build_churn, ("churn-gbm", "churn-logreg")),
    "support ticket routing": (build_router, ("support-router",)),
    "delivery time": (build_delivery, ("delivery-eta",)),
}
DEMO_IDS = tuple(bundle_id for _, ids in DEMOS.values() for bundle_id in ids)
MARKER = ".modelbrief-demos"  # in an artifacts root where the demos were built: rebuild any missing


def missing_demos(root: Path | None = None) -> list[str]:
    """Demo bundles this root should hold and does not.

    All of them for a root with no bundle at all; the missing ones for a root where the demos
    were built before (an interrupted first start); none for a root of the team's own bundles.
    """
    root = Path(root or artifacts_root())
    present = {p.name for p in discover(root)}
    if present and not (root / MARKER).exists():
        return []
    return [bundle_id for bundle_id in DEMO_IDS if bundle_id not in present]


def build_demos(
    root: Path | None = None, progress: Progress | None = None, only: list[str] | None = None
) -> list[Path]:
    """Build the demo bundles under root (or `only` those named); `progress(fraction, message)` hears each step.

    Each demo is built in a hidden folder beside the bundles and moved into place when complete,
    so an interrupted build never leaves a half-written bundle where the app looks.
    """
    root = Path(root or artifacts_root())
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).touch()
    chosen = [(name, build, ids) for name, (build, ids) in DEMOS.items() if only is None or set(ids) & set(only)]
    for step, (name, build, ids) in enumerate(chosen):
        if progress:
            progress(step / len(chosen), f"Building the {name} demo")
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
        try:
            build(staging)
            for bundle_id in ids:
                target = root / bundle_id
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging / bundle_id, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if progress:
        progress(1.0, "Demo bundles ready")
    return discover(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.demo", description="Build the demo bundles.")
    parser.add_argument(
        "--out", type=Path, default=None, help="artifacts root (default: $MODELBRIEF_ARTIFACTS or ./artifacts)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folders = build_demos(args.out, progress=lambda f, m: print(f"[{f:4.0%}] {m}"))
    print(f"{len(folders)} bundles in {time.perf_counter() - started:.1f} s: {', '.join(p.name for p in folders)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
