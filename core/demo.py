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
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from core.bundle import artifacts_root, discover
from core.demo_traffic import TRAFFIC, churn_week, delivery_week, router_week
from core.demo_traffic import write as write_traffic
from core.publish import publish

Progress = Callable[[float, str], None]
CREATED = "2026-11-20"


def _encoder(categorical: list[str], numeric: list[str], scale: bool = False):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

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


def churn_data(n: int = 10_000, seed: int = 7, price_rise: float = 0.0) -> pd.DataFrame:
    """Telecom customers; about one in four cancels within 90 days (more after a `price_rise`,
    a share added to every bill)."""
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
    charges = np.clip(charges * (1 + price_rise), 18, 140 * (1 + price_rise)).round(2)
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
    traffic=TRAFFIC,
)


def build_churn(root: Path, seed: int = 7) -> None:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

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
    write_traffic(root / "churn-gbm", churn_week)
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
    write_traffic(root / "churn-logreg", churn_week)


# --- support-ticket routing -----------------------------------------------------------------

# What customers write, per intent: templates whose {slots} are filled at random. The ten known
# intents are what the router was trained on; the unseen ones are real traffic it was never built
# for, written with many of the same words (order, account, card, broken, price).
KNOWN_INTENTS = {
    "billing_question": [
        "why was I charged {amount} on my last invoice",
        "I don't understand the charges on my invoice this month",
        "can you send me a copy of my invoice for {month}",
        "my bill is higher than usual, what is the extra charge of {amount}",
        "how do I update the card you charge every month",
        "there is a charge I don't recognise on my statement",
        "is VAT included in the price on my invoice",
    ],
    "refund_request": [
        "I want a refund for order {order}",
        "please refund the {product} I returned last week",
        "I was charged twice for order {order}, please give me my money back",
        "the {product} arrived broken, I would like a refund",
        "still waiting on my refund for {order}, it has been two weeks",
        "can I get my money back for the month I didn't use",
        "refund please, the {product} is not what I ordered",
    ],
    "password_reset": [
        "I forgot my password",
        "how do I reset my password",
        "the password reset email never arrives",
        "need a new password, the reset link has expired",
        "can you send me a password reset link",
        "reset my password please, I changed my email",
    ],
    "login_problem": [
        "I can't log in to my account",
        "the app says my login is invalid but the password is right",
        "login fails with an error on my {device}",
        "I keep getting logged out and can't sign in again",
        "the two factor code is not working, I cannot sign in",
        "sign in page just spins on my {device}",
    ],
    "delivery_status": [
        "where is my order {order}",
        "my package has not arrived yet, order {order}",
        "tracking for {order} has not updated in five days",
        "when will my {product} be delivered",
        "the courier says delivered but I have no parcel",
        "is order {order} shipped yet",
    ],
    "cancel_subscription": [
        "please cancel my subscription",
        "I want to cancel my {plan_name} plan at the end of the month",
        "how do I close my account and stop the monthly payments",
        "cancel my membership, I no longer need it",
        "stop my subscription from renewing",
        "I'd like to end my plan, how do I cancel",
    ],
    "bug_report": [
        "the app crashes when I open settings on my {device}",
        "I get an error 500 when I try to save",
        "the screen freezes after the update",
        "export to pdf is broken since yesterday",
        "buttons do nothing on the checkout page on my {device}",
        "error message when uploading a photo, the app shows a blank page",
    ],
    "change_address": [
        "I moved, please update my address to {street}",
        "change the delivery address for order {order}",
        "how do I change my shipping address",
        "wrong address on my account, the new one is {street}",
        "please send order {order} to {street} instead",
    ],
    "upgrade_plan": [
        "I want to upgrade to the {plan_name} plan",
        "how much is it to move from free to {plan_name}",
        "can I upgrade my plan in the middle of the month",
        "we need more seats, how do I upgrade",
        "what do I get if I switch to a higher plan",
        "upgrade our team to {plan_name} please",
    ],
    "product_question": [
        "does the {product} work with my {device}",
        "is the {product} available in blue",
        "what is the battery life of the {product}",
        "do you have a size guide for the {product}",
        "can the {product} be used outdoors",
        "what is the difference between the {product} and the {product} pro",
    ],
}
UNSEEN_INTENTS = {
    "warranty_claim": [
        "my {product} stopped working after {months} months, is it under warranty",
        "I want to make a warranty claim for the {product}",
        "the {product} is broken again, the warranty should cover a repair",
        "how long is the warranty on the {product}",
        "I need a replacement under warranty for order {order}",
        "the {product} arrived broken and I want it repaired, not a refund",
        "the {product} broke after a month, can you send a new one",
    ],
    "data_privacy_request": [
        "please delete all the personal data you hold about me",
        "I want a copy of my data under GDPR",
        "remove my email from your marketing lists and delete my account data",
        "what personal information do you store about me",
        "I request access to my personal data",
        "close my account and delete all my data",
    ],
    "gift_card": [
        "do you sell gift cards",
        "can I buy a voucher for my sister",
        "my gift card code {code} is not accepted at checkout",
        "how do I check the balance on my gift card",
        "can I pay with a gift card and a credit card together",
        "I was charged for a gift card that never arrived",
    ],
    "complaint_escalation": [
        "this is the third time I write, I want to speak to a manager",
        "your service is terrible and I want to file a formal complaint",
        "nobody answers my emails, escalate this now",
        "I am extremely unhappy with how my case was handled",
        "I will leave a bad review unless a supervisor calls me",
        "I want my money back and I want to talk to a manager about order {order}",
    ],
    "accessibility_help": [
        "the website does not work with my screen reader",
        "can you make the text larger, I have poor eyesight",
        "is there a version of the app for blind users",
        "the captcha is impossible for me to solve, I am visually impaired",
    ],
    "business_partnership": [
        "we would like to sell your products in our shop, who handles partnerships",
        "I run a company and want to discuss a wholesale price",
        "interested in a reseller agreement for our stores",
        "can we talk about an affiliate partnership",
        "what price can you offer for 500 units for our business",
    ],
}
# vague tickets a support lead still labelled with one of a few intents: the router's honest mistakes
VAGUE = {
    "I have a question about my account": [
        "billing_question",
        "login_problem",
        "cancel_subscription",
        "change_address",
    ],
    "need help with my order {order}": ["delivery_status", "refund_request", "change_address"],
    "something is wrong with my payment": ["billing_question", "refund_request"],
    "it does not work, please fix": ["bug_report", "login_problem"],
    "I have a question about the {plan_name} plan": ["upgrade_plan", "product_question", "cancel_subscription"],
}
SLOTS = {
    "amount": lambda r: f"${r.integers(5, 200)}.{r.integers(0, 100):02d}",
    "month": lambda r: r.choice(["January", "March", "June", "September", "October", "last month"]),
    "order": lambda r: r.choice(["#", "#", "no. ", ""]) + str(r.integers(100000, 999999)),
    "product": lambda r: r.choice(["headphones", "blender", "desk lamp", "phone case", "coffee maker", "backpack"]),
    "device": lambda r: r.choice(["iPhone", "Android phone", "laptop", "tablet", "Mac"]),
    "plan_name": lambda r: r.choice(["Pro", "Business", "Plus"]),
    "street": lambda r: f"{r.integers(1, 200)} {r.choice(['Elm Street', 'Mill Road', 'Park Lane', 'High Street'])}",
    "months": lambda r: str(r.integers(2, 20)),
    "code": lambda r: f"GC-{r.integers(1000, 9999)}",
}
GREETINGS = ["", "", "hi", "hello", "hey there", "good morning", "hi team", "dear support"]
SIGN_OFFS = ["", "", "", "thanks", "thank you", "thx", "cheers", "regards, {name}", "please help"]
NAMES = ["Anna", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo"]
URGENT = ["urgent: ", "URGENT ", "asap ", "need help fast, "]


def _typo(word: str, rng: np.random.Generator) -> str:
    """Swap two neighbouring letters or drop one, as a hurried typist does."""
    i = int(rng.integers(1, len(word) - 1))
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def message(template: str, rng: np.random.Generator) -> str:
    """One customer's message: the template's slots filled, with greeting, sign-off, urgency and typos."""
    text = re.sub(r"\{(\w+)\}", lambda m: str(SLOTS[m.group(1)](rng)), template)
    words = [_typo(w, rng) if len(w) >= 5 and w.isalpha() and rng.random() < 0.04 else w for w in text.split(" ")]
    text = " ".join(words)
    if rng.random() < 0.1:
        text = rng.choice(URGENT) + text
    greeting, sign_off = rng.choice(GREETINGS), rng.choice(SIGN_OFFS).replace("{name}", rng.choice(NAMES))
    question = text.split(" ")[0].lower() in ("how", "what", "can", "is", "do", "does", "when", "where", "why")
    text = (
        (f"{greeting}, " if greeting else "") + text + rng.choice(["?", "?", ""] if question else [".", "", "!", "..."])
    )
    text += f" {sign_off}" if sign_off else ""
    return text.lower() if rng.random() < 0.3 else text[0].upper() + text[1:]


def tickets(intents: dict[str, list[str]], n: int, rng: np.random.Generator, vague: float = 0.0) -> pd.DataFrame:
    """n tickets spread evenly over the intents, a share of them vague (labelled by a support lead's best guess)."""
    names = list(intents)
    intent = np.array(names)[rng.integers(0, len(names), n)]
    messages = []
    for i, name in enumerate(intent):
        if rng.random() < vague:
            template = rng.choice(list(VAGUE))
            intent[i] = rng.choice(VAGUE[template])
        else:
            template = rng.choice(intents[name])
        messages.append(message(template, rng))
    bug = np.isin(intent, ["bug_report", "login_problem"])
    return pd.DataFrame(
        {
            "message": messages,
            "channel": np.where(
                bug & (rng.random(n) < 0.4),
                "app",
                rng.choice(["email", "chat", "phone", "app"], n, p=[0.4, 0.35, 0.1, 0.15]),
            ),
            "customer_plan": np.where(
                (intent == "upgrade_plan") & (rng.random(n) < 0.5),
                "free",
                rng.choice(["free", "pro", "business"], n, p=[0.55, 0.35, 0.1]),
            ),
            "intent": intent,
        }
    )


ROUTER_FEATURES = {
    "message": {"label": "Message", "kind": "text"},
    "channel": {"label": "Channel"},
    "customer_plan": {"label": "Customer plan"},
}


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
