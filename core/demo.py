"""The built-in demo bundles, generated from fixed seeds (nothing is downloaded).

    python -m core.demo [--out artifacts] [--force]

- churn-gbm / churn-logreg: who cancels in the next 90 days; a gradient-boosting champion and a
  logistic-regression challenger scored on the same evaluation customers.
- support-router: which team a support ticket goes to; a third of real tickets ask for things the
  model was never trained on, which its accuracy alone does not show.
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
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.bundle import artifacts_root, discover
from core.publish import publish

Progress = Callable[[float, str], None]
CREATED = "2026-11-20"


def _encoder(categorical: list[str], numeric: list[str], scale: bool = False) -> ColumnTransformer:
    numeric_steps = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
    return ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ("numbers", make_pipeline(*numeric_steps), numeric),
        ],
        verbose_feature_names_out=False,
    )


# --- customer churn -------------------------------------------------------------------------

CHURN_CATEGORICAL = ["contract", "plan", "internet_service", "payment_method", "paperless_billing"]
CHURN_NUMERIC = ["tenure_months", "monthly_charges", "support_calls_90d", "late_payments_12m", "satisfaction", "age"]
CHURN_FEATURES = {
    "tenure_months": {"label": "Months as a customer", "unit": "months", "actionable": False},
    "monthly_charges": {"label": "Monthly bill", "unit": "USD"},
    "contract": {"label": "Contract type"},
    "plan": {"label": "Plan"},
    "internet_service": {"label": "Internet service"},
    "payment_method": {"label": "Payment method"},
    "paperless_billing": {"label": "Paperless billing"},
    "support_calls_90d": {"label": "Support calls in the last 90 days", "unit": "calls"},
    "late_payments_12m": {"label": "Late payments in the last year", "unit": "payments", "actionable": False},
    "satisfaction": {"label": "Satisfaction survey score", "unit": "1 to 5", "actionable": False},
    "age": {"label": "Age", "unit": "years", "actionable": False},
}


def churn_data(n: int = 10_000, seed: int = 7) -> pd.DataFrame:
    """Telecom customers; about one in four cancels within 90 days."""
    rng = np.random.default_rng(seed)
    tenure = np.clip(rng.gamma(1.6, 16, n), 1, 72).round()
    contract = np.where(
        rng.random(n) < np.clip(0.75 - tenure / 110, 0.2, 0.75),
        "month-to-month",
        np.where(rng.random(n) < 0.55, "one-year", "two-year"),
    )
    plan = rng.choice(["Basic", "Standard", "Premium"], n, p=[0.4, 0.4, 0.2])
    internet = rng.choice(["Fiber", "DSL", "None"], n, p=[0.45, 0.4, 0.15])
    base = {"Basic": 30, "Standard": 55, "Premium": 85}
    extra = {"Fiber": 25, "DSL": 10, "None": 0}
    charges = np.array([base[p] + extra[i] for p, i in zip(plan, internet, strict=False)]) + rng.normal(0, 6, n)
    charges = np.clip(charges, 18, 140).round(2)
    payment = rng.choice(["Card", "Bank transfer", "Electronic check", "Mailed check"], n, p=[0.35, 0.25, 0.3, 0.1])
    paperless = np.where(rng.random(n) < 0.6, "Yes", "No")
    calls = rng.poisson(0.8 + 0.9 * (internet == "Fiber") + 0.4 * (plan == "Basic"))
    late = rng.poisson(0.25 + 0.5 * (payment == "Electronic check"))
    age = np.clip(rng.normal(46, 15, n), 18, 90).round()
    satisfaction = np.clip((4.1 - 0.35 * calls + rng.normal(0, 0.9, n)).round(), 1, 5)
    region = rng.choice(["North", "South", "East", "West"], n, p=[0.3, 0.25, 0.25, 0.2])

    logit = (
        -2.3
        + 1.3 * (contract == "month-to-month")
        - 0.9 * (contract == "two-year")
        - 0.035 * tenure
        + 0.018 * (charges - 65)
        + 0.32 * calls
        + 0.55 * (payment == "Electronic check")
        + 0.35 * (internet == "Fiber")
        + 0.30 * late
        - 0.45 * (satisfaction - 3.5)
        + 0.35 * (region == "South")
        - 0.008 * (age - 46)
        + 1.2 * (tenure <= 6)  # the first months are the riskiest, a step no straight line captures
        + 0.9 * ((internet == "Fiber") & (calls >= 3))  # fiber customers who keep calling are fed up
        + rng.normal(0, 0.4, n)
    )
    churned = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    # a third of customers never answer the survey, and a few bills are not yet in the warehouse
    satisfaction[rng.random(n) < 0.33] = np.nan
    charges[rng.random(n) < 0.02] = np.nan
    return pd.DataFrame(
        {
            "customer_id": [f"C-{100001 + i}" for i in range(n)],
            "region": region,
            "tenure_months": tenure,
            "contract": contract,
            "plan": plan,
            "internet_service": internet,
            "monthly_charges": charges,
            "payment_method": payment,
            "paperless_billing": paperless,
            "support_calls_90d": calls,
            "late_payments_12m": late,
            "satisfaction": satisfaction,
            "age": age,
            "churned": churned,
        }
    )


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
)


def build_churn(root: Path, seed: int = 7) -> None:
    data = churn_data(seed=seed)
    train, evaluation = data.iloc[:6000], data.iloc[6000:].reset_index(drop=True)
    X = train[CHURN_CATEGORICAL + CHURN_NUMERIC]
    y = train["churned"]
    champion = Pipeline(
        [
            ("encode", _encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
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
        **CHURN_COMMON,
    )
    challenger = Pipeline(
        [
            ("encode", _encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
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
        **CHURN_COMMON,
    )


# --- support-ticket routing -----------------------------------------------------------------

KEYWORDS = [
    "refund",
    "charge",
    "invoice",
    "password",
    "login",
    "delivery",
    "cancel",
    "error",
    "address",
    "upgrade",
    "price",
    "account",
    "feature",
]
# Poisson rates of each keyword in a ticket, per intent (keywords not named: 0.05)
KNOWN_INTENTS = {
    "billing_question": {"charge": 2.2, "invoice": 2.4, "price": 0.4, "account": 0.3},
    "refund_request": {"refund": 3.0, "charge": 0.6},
    "password_reset": {"password": 3.0, "account": 0.5},
    "login_problem": {"login": 3.0, "error": 0.8, "account": 0.3},
    "delivery_status": {"delivery": 3.0, "address": 0.2},
    "cancel_subscription": {"cancel": 3.0, "account": 0.5},
    "bug_report": {"error": 3.0, "feature": 0.6},
    "change_address": {"address": 3.0, "account": 0.4},
    "upgrade_plan": {"upgrade": 2.8, "price": 1.0},
    "product_question": {"feature": 2.8, "price": 0.5},
}
# requests the router was never built for: real traffic that looks partly like known intents
UNSEEN_INTENTS = {
    "warranty_claim": {"refund": 1.2, "error": 1.2, "delivery": 0.4},
    "data_privacy_request": {"account": 1.5, "cancel": 0.6},
    "gift_card": {"charge": 1.0, "price": 0.8, "invoice": 0.3},
    "complaint_escalation": {"refund": 0.8, "cancel": 0.8, "error": 0.6, "delivery": 0.6},
    "accessibility_help": {"login": 0.7, "feature": 0.7},
    "business_partnership": {"price": 0.9, "upgrade": 0.6, "invoice": 0.4},
}
ROUTER_FEATURES = {
    **{f"kw_{k}": {"label": f"Mentions of '{k}'", "unit": "mentions"} for k in KEYWORDS},
    "channel": {"label": "Channel"},
    "customer_plan": {"label": "Customer plan"},
    "message_words": {"label": "Message length", "unit": "words"},
    "has_order_number": {"label": "Quotes an order number"},
    "previous_tickets_90d": {"label": "Earlier tickets in 90 days", "unit": "tickets"},
}


def tickets(intents: dict[str, dict[str, float]], n: int, rng: np.random.Generator) -> pd.DataFrame:
    names = list(intents)
    which = rng.integers(0, len(names), n)
    intent = np.array(names)[which]
    rates = np.array([[intents[i].get(k, 0.05) for k in KEYWORDS] for i in names])
    counts = rng.poisson(rates[which])
    frame = pd.DataFrame(counts, columns=[f"kw_{k}" for k in KEYWORDS])
    frame["channel"] = rng.choice(["email", "chat", "phone", "app"], n, p=[0.4, 0.35, 0.1, 0.15])
    frame["customer_plan"] = rng.choice(["free", "pro", "business"], n, p=[0.55, 0.35, 0.1])
    frame["message_words"] = np.clip(rng.lognormal(3.8, 0.6, n), 5, 600).round()
    order_likely = np.isin(intent, ["refund_request", "delivery_status", "change_address", "warranty_claim"])
    frame["has_order_number"] = np.where(rng.random(n) < np.where(order_likely, 0.75, 0.1), "yes", "no")
    frame["previous_tickets_90d"] = rng.poisson(0.6, n).astype(float)
    frame.loc[rng.random(n) < 0.05, "previous_tickets_90d"] = np.nan
    frame["intent"] = intent
    return frame


def build_router(root: Path, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    train = tickets(KNOWN_INTENTS, 8000, rng)
    known = tickets(KNOWN_INTENTS, 2400, rng)
    unseen = tickets(UNSEEN_INTENTS, 1200, rng)
    evaluation = pd.concat([known, unseen]).sample(frac=1, random_state=seed).reset_index(drop=True)
    evaluation.insert(0, "ticket_id", [f"T-{50001 + i}" for i in range(len(evaluation))])
    numeric = [f"kw_{k}" for k in KEYWORDS] + ["message_words", "previous_tickets_90d"]
    categorical = ["channel", "customer_plan", "has_order_number"]
    model = Pipeline(
        [
            ("encode", _encoder(categorical, numeric)),
            (
                "model",
                HistGradientBoostingClassifier(
                    max_iter=120, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False, random_state=seed
                ),
            ),
        ]
    ).fit(train[categorical + numeric], train["intent"])
    publish(
        model,
        evaluation,
        out=root / "support-router",
        overwrite=True,
        target="intent",
        task="multiclass",
        title="Support ticket router",
        version="2026.11.2",
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
            "training_data": "8,000 tickets from ten known intents, labelled by support leads in 2025.",
            "limitations": "Tickets about anything outside the ten intents are always routed wrongly or handed to a person.",
        },
    )


# --- delivery time --------------------------------------------------------------------------

DELIVERY_CATEGORICAL = ["warehouse", "carrier", "weekday", "rain"]
DELIVERY_NUMERIC = ["distance_km", "items", "weight_kg", "hour_of_day"]
DELIVERY_FEATURES = {
    "distance_km": {"label": "Distance", "unit": "km", "actionable": False},
    "items": {"label": "Items in the order", "unit": "items"},
    "weight_kg": {"label": "Parcel weight", "unit": "kg"},
    "hour_of_day": {"label": "Hour the order was placed", "unit": "h"},
    "warehouse": {"label": "Warehouse"},
    "carrier": {"label": "Carrier"},
    "weekday": {"label": "Day of the week"},
    "rain": {"label": "Rain forecast", "actionable": False},
}


def delivery_data(n: int = 9000, seed: int = 23) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    warehouse = rng.choice(["North hub", "Central hub", "South hub"], n, p=[0.3, 0.45, 0.25])
    carrier = rng.choice(["Own fleet", "Partner A", "Partner B"], n, p=[0.5, 0.3, 0.2])
    distance = np.clip(rng.lognormal(2.4, 0.7, n), 0.5, 80).round(1)
    items = 1 + rng.poisson(1.8, n)
    weight = np.clip(items * rng.gamma(2.0, 0.6, n), 0.1, 40).round(1)
    hour = rng.integers(6, 23, n)
    weekday = rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], n)
    rain = np.where(rng.random(n) < 0.25, "yes", "no")
    rush = ((hour >= 16) & (hour <= 19)).astype(float)
    hours = (
        0.9
        + 0.055 * distance
        + 0.06 * items
        + 0.02 * weight
        + 0.8 * rush
        + 0.55 * (rain == "yes")
        + 0.45 * (carrier == "Partner A")
        + 1.1 * (carrier == "Partner B")
        + 0.4 * (warehouse == "South hub")
        + 0.3 * np.isin(weekday, ["Sat", "Sun"])
        # partners and rain make the timing less predictable, not only slower
        + rng.gamma(1.5, 0.35 + 0.55 * (carrier == "Partner B") + 0.25 * (rain == "yes"), n)
    ).round(2)
    recorded = rng.random(n) >= 0.04  # a few forecasts were not recorded
    return pd.DataFrame(
        {
            "order_id": [f"O-{700001 + i}" for i in range(n)],
            "warehouse": warehouse,
            "carrier": carrier,
            "distance_km": distance,
            "items": items,
            "weight_kg": weight,
            "hour_of_day": hour,
            "weekday": weekday,
            "rain": pd.Series(rain).where(recorded),
            "delivery_hours": hours,
        }
    )


def build_delivery(root: Path, seed: int = 23) -> None:
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
    )


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
