"""Twelve weeks of real requests for each demo bundle, generated from fixed seeds.

Each demo's traffic changes from week 8 on, as real traffic does, and outcomes have arrived for
the first six weeks only:

- churn: a price rise lifts every monthly bill by a fifth, and more customers cancel;
- support router: a new product brings gift-card questions the router was never trained on;
- delivery time: winter comes, rain is forecast far more often, and parcels arrive later.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

WEEKS = 12
CHANGE_WEEK = 8  # the first week of the change (1-based)
OUTCOME_WEEKS = 6  # outcomes have arrived for these first weeks only
FIRST_MONDAY = pd.Timestamp("2026-08-31")
TIMESTAMP = "seen_at"
TRAFFIC = {"path": "traffic", "timestamp": TIMESTAMP}


def _stamped(frame: pd.DataFrame, week: int, rng: np.random.Generator, target: str) -> pd.DataFrame:
    """A week's requests: a time within the week for each, and no outcome yet after OUTCOME_WEEKS."""
    start = FIRST_MONDAY + pd.Timedelta(weeks=week - 1)
    seconds = np.sort(rng.integers(0, 7 * 24 * 3600, len(frame)))
    frame = frame.copy()
    frame.insert(0, TIMESTAMP, start + pd.to_timedelta(seconds, unit="s"))
    if week > OUTCOME_WEEKS:
        frame[target] = pd.Series([None] * len(frame), dtype=object)
    return frame


def churn_week(week: int, rows: int = 1500) -> pd.DataFrame:
    from core.publishing.demo_data import churn_data

    rng = np.random.default_rng(1000 + week)
    data = churn_data(rows, seed=2000 + week, price_rise=0.2 if week >= CHANGE_WEEK else 0.0)
    data["customer_id"] = [f"C-{900000 + week * 10_000 + i}" for i in range(rows)]
    return _stamped(data, week, rng, "churned")


def router_week(week: int, rows: int = 1500) -> pd.DataFrame:
    from core.publishing.demo_data import KNOWN_INTENTS, UNSEEN_INTENTS, tickets

    rng = np.random.default_rng(3000 + week)
    # as in the tests, a third ask for something it was never trained on; from the change on, a
    # quarter are gift-card questions on top
    gift = int(rows * 0.25) if week >= CHANGE_WEEK else 0
    known = int((rows - gift) * 2 / 3)
    parts = [
        tickets(KNOWN_INTENTS, known, rng, vague=0.07),
        tickets(UNSEEN_INTENTS, rows - known - gift, rng),
        tickets({"gift_card": UNSEEN_INTENTS["gift_card"]}, gift, rng),
    ]
    data = pd.concat(parts).sample(frac=1, random_state=week).reset_index(drop=True)
    data.insert(0, "ticket_id", [f"T-{900000 + week * 10_000 + i}" for i in range(len(data))])
    return _stamped(data, week, rng, "intent")


def delivery_week(week: int, rows: int = 1500) -> pd.DataFrame:
    from core.publishing.demo_data import delivery_data

    rng = np.random.default_rng(5000 + week)
    data = delivery_data(rows, seed=6000 + week)
    if week >= CHANGE_WEEK:  # winter: rain most days, and every parcel slower
        rain = rng.random(rows) < 0.65
        was = data["rain"].eq("yes").to_numpy()
        data["rain"] = np.where(rain, "yes", "no")
        data["delivery_hours"] = (data["delivery_hours"] + 0.55 * (rain & ~was) + 0.35).round(2)
    data["order_id"] = [f"O-{900000 + week * 10_000 + i}" for i in range(rows)]
    return _stamped(data, week, rng, "delivery_hours")


WEEKLY = {
    "churn-gbm": churn_week,
    "churn-logreg": churn_week,
    "support-router": router_week,
    "delivery-eta": delivery_week,
}


def write(folder: Path, make_week, weeks: int = WEEKS) -> None:
    """Add each week to the bundle as a batch, the way a team would (`core.after_launch.traffic.add`)."""
    from core.after_launch import traffic
    from core.bundles.bundle import load_bundle

    opened = load_bundle(folder)  # opened once, checked against by every week
    with tempfile.TemporaryDirectory() as scratch:
        for week in range(1, weeks + 1):
            path = Path(scratch) / f"week-{week:02d}.parquet"
            make_week(week).to_parquet(path, index=False)
            traffic.add(folder, path, opened=opened)
