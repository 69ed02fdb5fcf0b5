"""Shared fixtures: the demo bundles built once per test run, and a small bundle to break.

The suite runs in parallel (pytest-xdist): what takes long to build (the demo bundles, every model
kind published) is built once per run by whichever worker asks first, and read by all of them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
import shap  # noqa: F401 - first, from here: its first import keeps the importing stack (and its bundle) alive
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
from core.publishing.demos import build_demos
from core.publishing.publish import publish

OUTPUT = Path(__file__).parent / "output"

# In this process each page makes what it needs, so a test sees exactly what its page computed; the
# warm-up has tests of its own (tests/app/test_warm_up.py), and every browser test's server runs with it.
os.environ["MODELBRIEF_WARM_UP"] = "0"


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder `build(folder)` fills, built once per test run and shared by every worker.

    The first worker to ask builds it under a lock; the others wait for it, then read it. A build
    that failed half-way is built again by the next to ask."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above every worker's own
    folder, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory) -> Path:
    """The built-in demo bundles, built exactly as a first start builds them."""
    return built_once(tmp_path_factory, "artifacts", build_demos)


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

    def make(name: str = "small-churn", evaluation=None, **fields) -> Path:
        model, rows = small_churn
        evaluation = rows if evaluation is None else evaluation
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
    from core.bundles.bundle import load_bundle
    from tests.model_kinds import KINDS, publish_all

    published = {}

    def build(root: Path) -> None:
        published.update(publish_all(root))

    root = built_once(tmp_path_factory, "kinds", build)
    return root, published or {name: load_bundle(root / name) for name in KINDS}


SLOW_FIRST = (  # the longest single tests and fixtures first, so no worker is left alone with one at the end
    "tests/core/outputs/test_rendered_decks.py",
    "tests/core/bundles/test_cluster.py",
    "tests/core/test_sentence_properties.py",
    "tests/browser/",
    "tests/app/",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the markers into groups
def pytest_collection_modifyitems(items):
    """Tests that share a module-scoped fixture (a server of their own, a cluster, a provider, a
    model fitted for the module) run on one worker, so the fixture is built once, not once per
    worker (`--dist loadgroup`); every other test goes wherever a worker is free.

    The slowest tests are handed out first (the decks rendered by LibreOffice, the cluster, the
    sentence properties, real browsers, then whole pages through AppTest, then the rest), so the
    two workers finish together rather than one waiting on a long test at the end."""
    items.sort(key=lambda item: next((i for i, part in enumerate(SLOW_FIRST) if part in item.nodeid), len(SLOW_FIRST)))
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def mlflow_registry(tmp_path_factory):
    """A real `mlflow server` on loopback (SQLite store, local artifact root), filled as
    `tests.registry_models.seed` says. Every test that uses it is in the xdist group "mlflow", so
    one worker starts it once."""
    from types import SimpleNamespace

    from tests import registry_models

    folder = tmp_path_factory.mktemp("mlflow")
    uri, process = registry_models.start_server(folder / "server")
    try:
        folders = registry_models.seed(uri, folder / "bundles")
        yield SimpleNamespace(uri=uri, folders=folders, folder=folder)
    finally:
        registry_models.stop_server(process)
