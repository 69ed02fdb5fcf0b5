"""A real MLflow tracking server on loopback, and the registered models the registry tests read.

`start_server` runs `mlflow server` with a SQLite store and a local artifact root, answering its
health check. `seed` fills it as teams do: three versions of one model with two aliases (published
with `--to-mlflow`, each also a folder bundle to compare with), a version with no evaluation rows,
a pyfunc model described only by tags, and a predictions-only version.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from core.publishing.demo_data import CHURN_CATEGORICAL, CHURN_NUMERIC, churn_data, encoder
from core.publishing.publish import publish

FEATURES = CHURN_CATEGORICAL + CHURN_NUMERIC
BUSINESS = {
    "currency": "USD",
    "volume": {"count": 20000, "per": "month"},
    "value": {"true_positive": 180, "false_positive": -20, "false_negative": -220, "true_negative": 0, "abstain": -8},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path, port: int | None = None) -> tuple[str, subprocess.Popen]:
    """`mlflow server` on loopback over a SQLite store in `folder`; (its URI, its process)."""
    port = port or _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / "server.log", "a")  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{folder / 'store.db'}",
            "--artifacts-destination",
            str(folder / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"},
    )
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mlflow server stopped: {(folder / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                if answer.status == 200:
                    return uri, process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("mlflow server did not answer within 90 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ChurnChances:
    """A pyfunc model as a team writes one: predict returns a frame with a column per class."""

    def __init__(self, model):
        self.model = model

    def load_context(self, context):
        pass

    def predict(self, context, model_input, params=None):
        chances = self.model.predict_proba(model_input[FEATURES])
        return pd.DataFrame(chances, columns=[str(c) for c in self.model.classes_])


def _pyfunc(model):
    import mlflow.pyfunc

    class Wrapped(mlflow.pyfunc.PythonModel):
        def __init__(self, inner):
            self.inner = inner

        def predict(self, context, model_input, params=None):
            return self.inner.predict(context, model_input, params)

    return Wrapped(ChurnChances(model))


@functools.lru_cache(maxsize=4)
def models(n: int = 1500, seed: int = 5):
    """Three fitted churn models and their shared evaluation rows (fitted once per process: do not change them)."""
    data = churn_data(n=n, seed=seed)
    train, rows = data.iloc[: n // 2], data.iloc[n // 2 :].reset_index(drop=True)
    fitted = {}
    for name, final in (
        ("logreg", LogisticRegression(max_iter=500)),
        ("boosting", HistGradientBoostingClassifier(max_iter=60, random_state=0)),
        ("forest", RandomForestClassifier(n_estimators=40, random_state=0)),
    ):
        fitted[name] = Pipeline(
            [("encode", encoder(CHURN_CATEGORICAL, CHURN_NUMERIC, scale=True)), ("model", final)]
        ).fit(train[FEATURES], train["churned"])
    return fitted, rows


def seed(uri: str, root: Path) -> dict:
    """Fill the registry; returns the folder bundles published beside the versions."""
    from mlflow import MlflowClient

    fitted, rows = models()
    common = dict(
        target="churned",
        task="binary",
        positive_class="yes",
        subject="customer",
        business=BUSINESS,
        owner="Retention data science",
        segments=["region"],
        mlflow_uri=uri,
        say=lambda sentence: None,
    )
    folders = {}
    for version, (kind, alias) in enumerate(
        (("logreg", "champion"), ("boosting", "challenger"), ("forest", None)), start=1
    ):
        out = root / f"churn-v{version}"
        publish(
            fitted[kind],
            rows,
            out=out,
            title=f"Churn risk, {kind}",
            precompute_explanations=False,  # the pages work the explanation out; the stored scores travel
            mlflow="churn",
            mlflow_alias=alias,
            **common,
        )
        folders[str(version)] = out
    client = MlflowClient(uri, uri)
    # a version logged by hand with the scikit-learn flavour, and no evaluation rows anywhere
    _log_model_only(client, "no-rows", fitted["logreg"])
    # a pyfunc model described by tags and a description, its rows as the artifact modelbrief/eval.parquet
    _log_pyfunc(client, "tagged-pyfunc", fitted["boosting"], rows)
    # scores made elsewhere: no model at all
    scored = rows.copy()
    scored["p_yes"] = fitted["forest"].predict_proba(rows[FEATURES])[:, list(fitted["forest"].classes_).index("yes")]
    publish(
        None,
        scored,
        predictions="p_yes",
        out=root / "scores-only",
        title="Churn scores from the warehouse",
        precompute_explanations=False,
        mlflow="scores-only",
        **{k: v for k, v in common.items() if k != "segments"},
    )
    folders["scores-only"] = root / "scores-only"
    return folders


def _run(client, name: str) -> str:
    experiment = client.get_experiment_by_name("hand-logged") or None
    experiment_id = experiment.experiment_id if experiment else client.create_experiment("hand-logged")
    return client.create_run(experiment_id, run_name=name).info.run_id


def _register(client, name: str, run_id: str, path: str, description: str = "", tags: dict | None = None) -> str:
    try:
        client.create_registered_model(name)
    except Exception:  # noqa: BLE001 - already there
        pass
    return client.create_model_version(
        name, f"runs:/{run_id}/{path}", run_id=run_id, description=description, tags=tags
    ).version


def _log_model_only(client, name: str, model) -> None:
    import mlflow.sklearn

    work = Path(tempfile.mkdtemp())
    mlflow.sklearn.save_model(model, str(work / "model"), serialization_format="cloudpickle")
    run_id = _run(client, name)
    client.log_artifacts(run_id, str(work / "model"), "model")
    client.set_terminated(run_id)
    _register(client, name, run_id, "model", tags={"modelbrief.target": "churned"})
    shutil.rmtree(work, ignore_errors=True)


def _log_pyfunc(client, name: str, model, rows: pd.DataFrame) -> None:
    import mlflow.pyfunc

    work = Path(tempfile.mkdtemp())
    mlflow.pyfunc.save_model(str(work / "model"), python_model=_pyfunc(model))
    (work / "modelbrief").mkdir()
    rows.to_parquet(work / "modelbrief" / "eval.parquet", index=False)
    run_id = _run(client, name)
    client.log_artifacts(run_id, str(work / "model"), "model")
    client.log_artifacts(run_id, str(work / "modelbrief"), "modelbrief")
    client.set_terminated(run_id)
    tags = {
        "modelbrief.title": "Churn risk, served model",
        "modelbrief.task": "binary",
        "modelbrief.target": "churned",
        "modelbrief.positive_class": "yes",
        "modelbrief.subject": "customer",
        "modelbrief.business": json.dumps(BUSINESS),
        "modelbrief.access": "[group:reviewers, '@example.com']",
    }
    _register(client, name, run_id, "model", description="Predicts which customers will cancel.", tags=tags)
    shutil.rmtree(work, ignore_errors=True)


def chances(model, frame: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(frame[FEATURES])
