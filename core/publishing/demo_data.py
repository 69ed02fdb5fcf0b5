"""The demo data, generated from fixed seeds: customers, support tickets and deliveries.

Plain NumPy and pandas, no bundle and no model: the demo builders (`core.publishing.demos`) and
the demo traffic (`core.publishing.demo_traffic`) both draw on it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd


def encoder(categorical: list[str], numeric: list[str], scale: bool = False):
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


HOUSEHOLDS = ["Single", "Couple", "Family", "Shared house"]


def with_household(frame: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """The churn rows with the customer's household, drawn from its own random stream (every other
    column unchanged). Families take fiber more often, so the model, which leans on fiber, errs
    differently for them; a few customers share a house, too few to judge."""
    rng = np.random.default_rng(seed + 1_000)
    fiber = frame["internet_service"].to_numpy() == "Fiber"
    draw = rng.random(len(frame))
    shared = rng.random(len(frame)) < 0.006
    household = np.where(
        fiber,
        np.where(draw < 0.62, "Family", np.where(draw < 0.82, "Couple", "Single")),
        np.where(draw < 0.18, "Family", np.where(draw < 0.50, "Couple", "Single")),
    )
    household = np.where(shared, "Shared house", household)
    return frame.assign(household=household)
