"""Publishing into an MLflow registry: a bundle logged into a run and registered as a model version.

The model is saved with MLflow's scikit-learn flavour before the bundle is written, and the bundle
is published with that very file, so the scores and explanations stored with it answer the model
the registry hands back, byte for byte. Into the run go the model (artifact path `model`), the
bundle's other files (`modelbrief/`: bundle.yaml, the evaluation rows, the stored figures) and the
evaluation rows as a logged dataset; the version is registered from the run and, when asked, given
an alias. Nothing global is touched: a training script's own run and tracking URI stay as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.bundles.bundle import MANIFEST, Bundle
from core.bundles.contract import BundleError, describe
from core.bundles.registry import URI_ENV, configured_uri, shown_uri
from core.bundles.registry.server import client

EXPERIMENT = "modelbrief"


@dataclass(frozen=True)
class Registered:
    name: str
    version: str
    run_id: str
    server: str
    alias: str | None

    @property
    def sentence(self) -> str:
        alias = f" with the alias @{self.alias}" if self.alias else ""
        return (
            f"Registered '{self.name}' version {self.version}{alias} in the MLflow registry at {self.server} "
            f"(run {self.run_id[:8]}); open it with ?bundle=mlflow:{self.name}/{self.version}."
        )


def tracking_uri(given: str | None = None) -> str:
    """The server to publish to: the one given, else $MODELBRIEF_MLFLOW_URI, else $MLFLOW_TRACKING_URI."""
    uri = given or configured_uri() or (os.environ.get("MLFLOW_TRACKING_URI") or "").strip()
    if not uri:
        raise BundleError(
            "No MLflow server was named to publish to.",
            f"Set {URI_ENV} (or MLFLOW_TRACKING_URI) to the tracking server, e.g. http://127.0.0.1:5000.",
        )
    return uri


def saved_model(model: Any, into: Path) -> Path:
    """The model saved with MLflow's scikit-learn flavour; returns its pickle (what the bundle publishes)."""
    import mlflow.sklearn

    target = into / "model"
    try:
        mlflow.sklearn.save_model(model, str(target), serialization_format="cloudpickle")
    except Exception as exc:  # noqa: BLE001
        raise BundleError(
            "The model could not be saved in MLflow's format.",
            "Check that the model can be pickled (python -m pickle), then publish again.",
            detail=describe(exc),
        ) from None
    return target / "model.pkl"


def register(
    bundle: Bundle, name: str, uri: str, model_dir: Path | None, alias: str | None = None, log_model: Any = None
) -> Registered:
    """Log the bundle into a new run and register it as a version of `name`; BundleError when the
    server refuses or does not answer."""
    from mlflow.entities import DatasetInput, InputTag

    mlflow_client = client(uri)
    folder = bundle.spec.folder
    work = Path(tempfile.mkdtemp(prefix="modelbrief-mlflow-"))
    try:
        experiment = mlflow_client.get_experiment_by_name(EXPERIMENT)
        experiment_id = experiment.experiment_id if experiment else mlflow_client.create_experiment(EXPERIMENT)
        run = mlflow_client.create_run(experiment_id, run_name=bundle.spec.title[:200])
        run_id = run.info.run_id
        files = work / "modelbrief"
        files.mkdir()
        model_file = bundle.spec.model_path
        for path in folder.iterdir():
            if path == model_file or path.name.startswith("."):
                continue
            (shutil.copytree if path.is_dir() else shutil.copyfile)(path, files / path.name)
        mlflow_client.log_artifacts(run_id, str(files), "modelbrief")
        if model_dir is None and log_model is not None:  # a model changed by the publisher (calibrated)
            model_dir = saved_model(log_model, work).parent
        if model_dir is not None:
            mlflow_client.log_artifacts(run_id, str(model_dir), "model")
        eval_name = bundle.spec.eval_path.name
        dataset = _dataset(bundle, f"{run.info.artifact_uri.rstrip('/')}/modelbrief/{eval_name}")
        mlflow_client.log_inputs(run_id, [DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "evaluation")])])
        mlflow_client.set_terminated(run_id)
        try:
            mlflow_client.create_registered_model(name)
        except Exception as exc:  # noqa: BLE001 - already there is fine
            if getattr(exc, "error_code", "") != "RESOURCE_ALREADY_EXISTS":
                raise
        source = f"runs:/{run_id}/{'model' if model_dir is not None else 'modelbrief'}"
        version = mlflow_client.create_model_version(
            name, source, run_id=run_id, description=bundle.spec.summary or None
        )
        if alias:
            mlflow_client.set_registered_model_alias(name, alias, version.version)
    except BundleError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise BundleError(
            f"The bundle could not be registered in the MLflow registry at {shown_uri(uri)}.",
            "Check that the server is running and that you may write to it; the bundle folder was kept.",
            detail=describe(exc),
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Registered(name, str(version.version), run_id, shown_uri(uri), alias)


def _dataset(bundle: Bundle, where: str):
    """The evaluation rows as an MLflow dataset entity whose source is the file logged to the run
    (MLflow has no dataset source for its own artifact URIs, so the entity is written directly)."""
    import json
    import warnings

    import mlflow.data
    from mlflow.entities import Dataset

    with warnings.catch_warnings():  # the rows' schema and profile, worked out by MLflow
        warnings.simplefilter("ignore")
        described = mlflow.data.from_pandas(
            bundle.eval, targets=bundle.spec.target, name="evaluation", digest=bundle.eval_sha256[:8]
        )._to_mlflow_entity()
    return Dataset(
        name=described.name,
        digest=described.digest,
        source_type="mlflow-artifacts",
        source=json.dumps({"uri": where}),
        schema=described.schema,
        profile=described.profile,
    )


__all__ = ["Registered", "tracking_uri", "saved_model", "register", "MANIFEST"]
