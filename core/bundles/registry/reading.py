"""A registered model version turned into a bundle folder in the cache, once per version.

What is read from where, in order:

- the model: through its MLflow flavour. The scikit-learn flavour gives the estimator itself (its
  pickle is copied with its sha256, so explanations stay exact); any other flavour is scored through
  pyfunc; a version whose source holds no MLflow model is read as a predictions-only bundle when its
  manifest says so;
- the evaluation rows: a Parquet or CSV dataset logged to the version's run (`mlflow.log_input`),
  else the run's artifact `modelbrief/eval.parquet` (or `.csv`);
- the manifest's fields: the run's `modelbrief/bundle.yaml` artifact, else the version's tags
  (`modelbrief.<field>`, values read as YAML) and description, else the publisher's defaults.

The folder is keyed by the server, name, version, run id and what the run holds (artifact sizes and
dataset digests); every file in it carries its sha256 in the folder's `bundle.yaml`, checked each
time the bundle opens, so a changed file is refused, never shown.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from core.bundles.bundle.folders import file_sha256
from core.bundles.contract import (
    EVAL_FORMATS,
    MAX_MANIFEST_BYTES,
    BundleError,
    describe,
    load_yaml,
)
from core.bundles.registry.names import shown_uri
from core.bundles.registry.server import Unreachable, Version, _unreachable, client

MANIFEST_ARTIFACT = "modelbrief/bundle.yaml"
SOURCE_FILE = "source.json"
TAG_PREFIX = "modelbrief."
TEXT_TAGS = ("title", "task", "target", "positive_class", "subject", "subjects", "action", "owner", "summary",
             "id_column", "version", "created")  # fmt: skip
STRUCTURED = (  # tags whose values are YAML (or JSON) mappings and lists; the rest are text as written
    "segments", "groups", "features", "operating_point", "tolerance", "business", "card", "classes", "labels",
    "access", "predictions",
)  # fmt: skip
FIELDS_FROM_TAGS = TEXT_TAGS + STRUCTURED
_OWN_FILES = {"bundle.yaml", SOURCE_FILE}


@dataclass(frozen=True)
class Source:
    """Where a registry bundle came from: said on its card and at the top of every page."""

    server: str  # scheme, host and port: never a password
    name: str
    version: str
    run_id: str | None
    model_from: str
    eval_from: str
    manifest_from: str
    digests: dict = field(default_factory=dict, compare=False, hash=False)  # file role -> sha256
    notes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # as the registry said when this was resolved
    stale: str | None = None  # why this may not be what the registry holds now (it did not answer)

    @property
    def pinned_id(self) -> str:
        return f"mlflow:{self.name}/{self.version}"

    def headline(self) -> str:
        """One line: which version this is."""
        aliases = f" ({', '.join('@' + a for a in self.aliases)})" if self.aliases else ""
        run = f", run {self.run_id[:8]}" if self.run_id else ""
        return f"From the MLflow registry at {self.server}: {self.name}, version {self.version}{aliases}{run}."

    def read_from(self) -> str:
        return f"Read from: {self.model_from}; {self.eval_from}; {self.manifest_from}."

    def files(self) -> str:
        named = {"model": "model", "eval": "evaluation rows", "manifest": "bundle.yaml"}
        return "Files by sha256: " + ", ".join(
            f"{named.get(role, role)} {digest[:12]}…" for role, digest in self.digests.items()
        )

    def lines(self) -> list[str]:
        return [self.headline(), self.read_from(), self.files(), *self.notes, *([self.stale] if self.stale else [])]


def _key(uri: str, version: Version, listed: list, datasets: list) -> str:
    stamp = json.dumps([uri, version.name, version.version, version.run_id, version.source, listed, datasets])
    return hashlib.sha256(stamp.encode()).hexdigest()[:20]


def _folder_name(version: Version, key: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in version.name)[:60]
    return f"{safe}-v{version.version}-{key}"


def materialize(uri: str, version: Version, cache_root: Path) -> tuple[Path, Source]:
    """The version as a bundle folder under cache_root/registry (made once, then reused), and where
    its parts came from. Raises Unreachable when the server stops answering, BundleError when the
    version cannot be a bundle (one sentence, with the way out)."""
    mlflow_client = client(uri)
    try:
        listed = (
            sorted((f.path, f.file_size) for f in mlflow_client.list_artifacts(version.run_id, "modelbrief"))
            if version.run_id
            else []
        )
        run = mlflow_client.get_run(version.run_id) if version.run_id else None
    except Exception as exc:  # noqa: BLE001
        if getattr(exc, "error_code", "") == "RESOURCE_DOES_NOT_EXIST":
            listed, run = [], None  # a version whose run was deleted: read from its source alone
        else:
            raise _unreachable(uri, exc) from None
    datasets = _datasets(run)
    key = _key(uri, version, listed, [d["digest"] for d in datasets])
    root = Path(cache_root) / "registry"
    folder = root / _folder_name(version, key)
    if (folder / SOURCE_FILE).is_file() and (folder / "bundle.yaml").is_file():
        return folder, _with_aliases(_read_source(folder), version)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".reading-", dir=root))
    try:
        source = _build(uri, mlflow_client, version, listed, datasets, work, folder)
        try:
            os.replace(work, folder)
        except OSError:  # another session made it first: theirs is the same
            shutil.rmtree(work, ignore_errors=True)
            return folder, _with_aliases(_read_source(folder), version)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder, source


def _with_aliases(source: Source, version: Version) -> Source:
    from dataclasses import replace

    return replace(source, aliases=version.aliases)


def _read_source(folder: Path) -> Source:
    raw = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
    raw["notes"] = tuple(raw.get("notes", ()))
    raw["aliases"] = ()
    raw["stale"] = None
    return Source(**raw)


def _datasets(run) -> list[dict]:
    """The run's logged datasets that are files this app reads (Parquet or CSV), evaluation ones first."""
    if run is None or run.inputs is None:
        return []
    found = []
    for given in run.inputs.dataset_inputs or []:
        dataset = given.dataset
        try:
            where = json.loads(dataset.source or "{}").get("uri") or ""
        except (ValueError, AttributeError):
            continue
        if not isinstance(where, str) or Path(where.split("?")[0]).suffix.lower() not in EVAL_FORMATS:
            continue
        context = next((t.value for t in given.tags or [] if t.key == "mlflow.data.context"), "")
        found.append(
            {
                "name": dataset.name,
                "digest": dataset.digest,
                "uri": where,
                "type": dataset.source_type,
                "context": context,
            }
        )
    return sorted(found, key=lambda d: (d["context"] not in ("evaluation", "eval", "test"), d["name"]))


def _download(uri: str, artifact_uri: str, into: Path) -> Path:
    import mlflow.artifacts

    try:
        return Path(
            mlflow.artifacts.download_artifacts(artifact_uri=artifact_uri, dst_path=str(into), tracking_uri=uri)
        )
    except Exception as exc:  # noqa: BLE001
        if "does not exist" in str(exc).lower() or "not found" in str(exc).lower():
            raise FileNotFoundError(artifact_uri) from None
        raise _unreachable(uri, exc) from None


def _build(uri: str, mlflow_client, version: Version, listed: list, datasets: list, work: Path, final: Path) -> Source:
    import mlflow.artifacts

    downloads = work / ".downloads"
    notes: list[str] = []
    # the manifest's fields
    run_files = None
    if listed:
        try:
            run_files = Path(
                mlflow.artifacts.download_artifacts(
                    run_id=version.run_id, artifact_path="modelbrief", dst_path=str(downloads / "run"), tracking_uri=uri
                )
            )
        except Exception as exc:  # noqa: BLE001
            raise _unreachable(uri, exc) from None
    fields, manifest_from = _manifest(version, run_files)
    if not fields.get("target"):
        raise BundleError(
            f"Version {version.version} of '{version.name}' does not say which column of its evaluation rows holds "
            "the truth.",
            "Tag the version modelbrief.target, or log a modelbrief/bundle.yaml (python -m core.publish --to-mlflow "
            "does both).",
            field="target",
        )
    # the model
    try:
        model_uri = mlflow_client.get_model_version_download_uri(version.name, version.version)
        model_dir = _download(uri, model_uri, downloads / "model")
    except FileNotFoundError:
        model_dir = None
    except Unreachable:
        raise
    digests: dict[str, str] = {}
    eval_path, eval_from = _evaluation(uri, version, datasets, run_files, downloads, work)
    fields["eval"] = {"path": eval_path.name, "sha256": file_sha256(eval_path)}
    digests_eval = fields["eval"]["sha256"]
    model_from = _model(version, fields, model_dir, work, eval_path, notes, final)
    if "model" in fields:
        digests["model"] = fields["model"]["sha256"]
    digests["eval"] = digests_eval
    # the app's own stored files the publisher logged (scores, explanations, summary): used only when
    # their content marks answer this model and these rows
    if run_files is not None:
        for path in run_files.iterdir():
            if (
                path.is_file()
                and path.name not in _OWN_FILES
                and path.name != eval_path.name
                and not path.name.startswith("model.")
            ):
                shutil.copyfile(path, work / path.name)
            elif path.is_dir() and path.name != "traffic":
                shutil.copytree(path, work / path.name, dirs_exist_ok=True)
    if fields.pop("traffic", None) is not None:
        notes.append(
            "Its traffic after launch is not read from the registry; publish it to a folder bundle for Since launch."
        )
    logged = run_files / "bundle.yaml" if run_files is not None else None
    if logged is not None and logged.is_file() and load_yaml(logged.read_text(encoding="utf-8")) == fields:
        shutil.copyfile(logged, work / "bundle.yaml")  # as published, byte for byte: the same figures key
    else:
        text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)
        (work / "bundle.yaml").write_text(text, encoding="utf-8")
    digests["manifest"] = file_sha256(work / "bundle.yaml")
    source = Source(
        server=shown_uri(uri),
        name=version.name,
        version=version.version,
        run_id=version.run_id,
        model_from=model_from,
        eval_from=eval_from,
        manifest_from=manifest_from,
        digests=digests,
        notes=tuple(notes),
    )
    saved = asdict(source)
    for transient in ("aliases", "stale"):
        saved.pop(transient)
    saved["notes"] = list(saved["notes"])
    (work / SOURCE_FILE).write_text(json.dumps(saved, indent=1), encoding="utf-8")
    shutil.rmtree(downloads, ignore_errors=True)
    return Source(**{**asdict(source), "notes": tuple(notes), "aliases": version.aliases, "stale": None})


def _manifest(version: Version, run_files: Path | None) -> tuple[dict, str]:
    """The manifest's fields and where they came from."""
    artifact = run_files / "bundle.yaml" if run_files is not None else None
    if artifact is not None and artifact.is_file():
        if artifact.stat().st_size > MAX_MANIFEST_BYTES:
            raise BundleError(
                f"The {MANIFEST_ARTIFACT} artifact is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB, so it was not read.",
                "A manifest is a few kilobytes: keep long documents out of it.",
                field="bundle.yaml",
            )
        raw = load_yaml(artifact.read_text(encoding="utf-8", errors="replace"))
        if not isinstance(raw, dict):
            raise BundleError(
                f"The {MANIFEST_ARTIFACT} artifact is empty or is not a mapping of fields.",
                "Log the bundle.yaml that python -m core.publish writes.",
                field="bundle.yaml",
            )
        return dict(raw), f"the description from its {MANIFEST_ARTIFACT}"
    fields: dict = {"schema": "modelbrief/v1"}
    tagged = False
    for key in FIELDS_FROM_TAGS:
        value = version.tags.get(TAG_PREFIX + key)
        if value is None:
            continue
        if key in STRUCTURED or (key == "positive_class" and value.strip().lstrip("-").isdigit()):
            try:
                fields[key] = load_yaml(value)
            except BundleError:
                fields[key] = value
        else:
            fields[key] = value  # text as written: a tag 'yes' is the label yes, not true
        tagged = True
    if version.description and "summary" not in fields:
        fields["summary"] = version.description
        tagged = True
    fields.setdefault("title", f"{version.name}, version {version.version}")
    if tagged:
        return fields, "the description from the version's tags and description (it has no modelbrief/bundle.yaml)"
    return fields, (
        "the description from the publisher's defaults (the version has no modelbrief/bundle.yaml and no modelbrief tags)"
    )


def _evaluation(uri, version, datasets, run_files, downloads: Path, work: Path) -> tuple[Path, str]:
    """The evaluation rows copied into the folder, and where they came from."""
    for dataset in datasets:
        where = dataset["uri"]
        local = None
        if where.startswith(("runs:/", "mlflow-artifacts:", "models:/")) or dataset["type"] == "mlflow-artifacts":
            try:
                local = _download(uri, where, downloads / "dataset")
            except FileNotFoundError:
                continue
        elif dataset["type"] == "local" or where.startswith("file:"):
            path = Path(where.removeprefix("file://"))
            local = path if path.is_file() else None
        if local is None or not local.is_file():
            continue
        target = work / f"eval{local.suffix.lower()}"
        shutil.copyfile(local, target)
        return target, f"the evaluation rows from the dataset '{dataset['name']}' logged to its run"
    if run_files is not None:
        for name in ("eval.parquet", "eval.csv"):
            if (run_files / name).is_file():
                target = work / name
                shutil.copyfile(run_files / name, target)
                return target, f"the evaluation rows from its artifact modelbrief/{name}"
    raise BundleError(
        f"Version {version.version} of '{version.name}' in the MLflow registry has no evaluation rows, so its "
        "figures cannot be worked out.",
        "Log them to its run with mlflow.log_input (a Parquet or CSV dataset) or as the artifact "
        "modelbrief/eval.parquet, or publish with python -m core.publish --to-mlflow.",
        field="eval",
    )


def _model(
    version: Version, fields: dict, model_dir: Path | None, work: Path, eval_path: Path, notes: list, final: Path
) -> str:
    """The model copied into the folder (its manifest fields set), and where it came from."""
    mlmodel = model_dir / "MLmodel" if model_dir is not None else None
    if mlmodel is None or not mlmodel.is_file():
        if fields.get("predictions"):
            fields.pop("model", None)
            return "the scores in its evaluation rows (the version holds no model)"
        raise BundleError(
            f"Version {version.version} of '{version.name}' holds no MLflow model and names no score columns.",
            "Register a version logged with an MLflow flavour, or add a predictions section to its "
            "modelbrief/bundle.yaml.",
            field="model",
        )
    flavors = (yaml.safe_load(mlmodel.read_text(encoding="utf-8")) or {}).get("flavors") or {}
    declared = (fields.get("model") or {}) if isinstance(fields.get("model"), dict) else {}
    kept = {k: v for k, v in declared.items() if k == "features"}
    sklearn = flavors.get("sklearn")
    if sklearn and sklearn.get("pickled_model"):
        pickled = model_dir / sklearn["pickled_model"]
        kind = sklearn.get("serialization_format") or "cloudpickle"
        target = work / ("model.skops" if kind == "skops" else "model.pkl")
        shutil.copyfile(pickled, target)
        fields["model"] = {"path": target.name, "sha256": file_sha256(target), **kept}
        _fill_task(version, fields, target, notes)
        return "the model through its scikit-learn flavour"
    if "python_function" not in flavors:
        raise BundleError(
            f"Version {version.version} of '{version.name}' has no flavour this app can score "
            f"({', '.join(sorted(flavors)) or 'none'}).",
            "Log the model with the scikit-learn flavour, or with any flavour that includes python_function.",
            field="model",
        )
    import joblib
    import pandas as pd

    from core.bundles.registry import pyfunc

    kept_dir = work / "mlflow-model"
    shutil.copytree(model_dir, kept_dir)
    task = fields.get("task")
    target = fields.get("target")
    if task not in ("binary", "multiclass", "regression") or not target:
        raise BundleError(
            f"Version {version.version} of '{version.name}' is a pyfunc model, which does not say its task or "
            "its label column.",
            "Tag the version modelbrief.task and modelbrief.target, or log a modelbrief/bundle.yaml.",
            field="task",
        )
    frame = pd.read_parquet(eval_path) if eval_path.suffix == ".parquet" else pd.read_csv(eval_path)
    if target not in frame.columns:
        raise BundleError(
            f"The evaluation rows have no column '{target}', the label column this version names.",
            "Log the evaluation rows with their labels, or correct modelbrief.target.",
            field="target",
        )
    names = _input_names(kept_dir) or list(
        (fields.get("model") or {}).get("features") or [c for c in frame.columns if c != target]
    )
    labels = sorted(frame[target].dropna().unique().tolist(), key=str) if task != "regression" else []
    try:
        wrapped, how = pyfunc.wrap(str(kept_dir.resolve()), task, frame.head(64), labels, names)
    except BundleError:
        raise
    except Exception as exc:  # noqa: BLE001 - the author's predict can fail in any way
        raise BundleError(
            "The model's pyfunc predict failed on the evaluation rows.",
            "Check that the evaluation rows hold the columns the model takes, as it takes them.",
            detail=describe(exc),
            field="model",
        ) from None
    notes.append(how)
    wrapped.folder = str((final / kept_dir.name).resolve())  # where it is loaded from once the folder is in place
    path = work / "model.pkl"
    joblib.dump(wrapped, path)
    fields["model"] = {"path": path.name, "sha256": file_sha256(path), **({"features": names} if kept else {})}
    return "the model through its pyfunc flavour"


def _input_names(model_dir: Path) -> list[str] | None:
    """The input columns the model's signature names, in order."""
    try:
        from mlflow.models import Model

        signature = Model.load(str(model_dir)).signature
        return (
            list(signature.inputs.input_names())
            if signature is not None and signature.inputs.has_input_names()
            else None
        )
    except Exception:  # noqa: BLE001 - no or odd signature: the columns are chosen another way
        return None


def _fill_task(version: Version, fields: dict, model_file: Path, notes: list) -> None:
    """A scikit-learn model with no task in its manifest: the task read from the model, said."""
    if fields.get("task") in ("binary", "multiclass", "regression"):
        return
    import joblib

    try:
        model = joblib.load(model_file) if model_file.suffix == ".pkl" else None
    except Exception:  # noqa: BLE001 - opening it properly says what is wrong
        model = None
    classes = getattr(model, "classes_", None)
    if model is None or not hasattr(model, "predict"):
        return  # the manifest check names the missing task
    fields["task"] = "regression" if classes is None else ("binary" if len(classes) == 2 else "multiclass")
    notes.append(
        f"The task ({fields['task']}) was read from the model, as neither a modelbrief/bundle.yaml nor a "
        "modelbrief.task tag gives it."
    )
