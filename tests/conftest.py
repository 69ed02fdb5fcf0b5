"""Shared fixtures: the demo bundles built once per test run, and a small bundle to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
from core.publishing.demos import build_demos
from core.publishing.publish import publish

OUTPUT = Path(__file__).parent / "output"


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    """The built-in demo bundles, built exactly as a first start builds them."""
    root = tmp_path_factory.mktemp("artifacts")
    build_demos(root)
    return root


@pytest.fixture(scope="session")
def small_churn():
    """A small fitted churn model and its evaluation rows (fast to publish and to break)."""
    data = churn_data(n=600, seed=3)
    features = CHURN_CATEGORICAL + CHURN_NUMERIC
    model = Pipeline(
        [
            ("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)),
            ("model", LogisticRegression(max_iter=500)),
        ]
    ).fit(data[features][:400], data["churned"][:400])
    return model, data.iloc[400:].reset_index(drop=True)


@pytest.fixture
def make_bundle(tmp_path, small_churn):
    """Publish the small churn model as a valid bundle folder and return its path."""

    def make(name: str = "small-churn", **fields) -> Path:
        model, evaluation = small_churn
        fields.setdefault("positive_class", "yes")
        publish(model, evaluation, target="churned", task="binary", out=tmp_path / name, **fields)
        return tmp_path / name

    return make


@pytest.fixture
def mixed_root(tmp_path, demo_root, make_bundle) -> Path:
    """An artifacts root with two working demo bundles and one broken bundle."""
    root = tmp_path / "mixed"
    root.mkdir()
    for name in ("churn-gbm", "support-router"):
        shutil.copytree(demo_root / name, root / name)
    broken = make_bundle("broken-model")
    with open(broken / "model.joblib", "ab") as handle:
        handle.write(b"tampered")
    shutil.move(broken, root / "broken-model")
    return root


@pytest.fixture(scope="session")
def kinds_root(tmp_path_factory):
    """Every model kind of the supported-model matrix, published once per test run."""
    from tests.model_kinds import publish_all

    root = tmp_path_factory.mktemp("kinds")
    return root, publish_all(root)
