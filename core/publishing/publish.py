"""Turn a fitted model and its evaluation rows into a bundle folder the app can open.

    python -m core.publish --model model.joblib --eval eval.parquet --target churned \\
        --task binary --out artifacts/churn-gbm

or, from Python, `publish(model, eval_frame, target="churned", task="binary", out=...)`.
Files are copied in, hashes computed, and `bundle.yaml` written with defaults and comments to edit.
The result is opened once before `publish` returns, so a bundle it writes is a bundle that loads.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import yaml

from core.bundles.bundle import MANIFEST, Bundle, file_sha256, final_estimator, load_bundle, other_columns, read_rows
from core.bundles.contract import (
    EVAL_FORMATS,
    MODEL_FORMATS,
    SCHEMA,
    TASKS,
    VALUE_KEYS,
    BundleError,
    describe,
    humanise,
)
from core.publishing import choices

_LOG = logging.getLogger("modelbrief.publish")

_VALUE_COMMENT = {
    "binary": "true_positive, false_positive, false_negative, true_negative, abstain",
    "multiclass": "correct, wrong, abstain, out_of_scope",
    "regression": "per_unit_error (value per unit of absolute error), abstain",
}


def _dump(mapping: dict) -> str:
    return yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=100)


def _copy_model(model: Any, folder: Path) -> Path:
    if isinstance(model, (str, Path)):
        source = Path(model)
        if source.suffix.lower() not in MODEL_FORMATS:
            raise BundleError(f"The model file must end in {', '.join(MODEL_FORMATS)}, not '{source.suffix}'.")
        if not source.is_file():
            raise BundleError(f"The model file {source} does not exist.")
        target = folder / f"model{source.suffix.lower()}"
        shutil.copyfile(source, target)
        return target
    target = folder / "model.joblib"
    joblib.dump(model, target)
    return target


def _copy_eval(evaluation: Any, folder: Path) -> Path:
    if isinstance(evaluation, pd.DataFrame):
        target = folder / "eval.parquet"
        evaluation.to_parquet(target, index=False)
        return target
    source = Path(evaluation)
    if source.suffix.lower() not in EVAL_FORMATS:
        raise BundleError(f"The evaluation file must end in {', '.join(EVAL_FORMATS)}, not '{source.suffix}'.")
    if not source.is_file():
        raise BundleError(f"The evaluation file {source} does not exist.")
    target = folder / f"eval{source.suffix.lower()}"
    shutil.copyfile(source, target)
    return target


def manifest_text(fields: dict, task: str) -> str:
    """bundle.yaml as text: the fields in contract order, with comments saying what to edit."""
    head = {
        k: fields[k]
        for k in ("schema", "title", "version", "created", "owner", "summary", "task", "target")
        if fields.get(k) is not None
    }
    parts = [
        "# Modelbrief bundle manifest. Edit the plain-language fields freely; keep the hashes as written.",
        _dump(head).rstrip(),
    ]
    optional = [
        ("positive_class", "# binary: the label that means the event happened"),
        ("subject", "# what one row is, in plain words"),
        ("subjects", None),
        ("action", "# what acting on a prediction means"),
        ("event", "# binary: the positive outcome in past-tense words, e.g. cancelled"),
    ]
    chosen = fields.get("chosen") or {}  # field -> why the publisher chose its value
    for key, comment in optional:
        if fields.get(key) is not None:
            comment = f"# {chosen[key]}" if key in chosen else comment
            parts.append((comment + "\n" if comment else "") + _dump({key: fields[key]}).rstrip())
    if fields.get("classes"):
        parts.append(
            "# the names people read for labels written as codes\n" + _dump({"classes": fields["classes"]}).rstrip()
        )
    if fields.get("predictions"):
        parts.append(
            "# no model file: the scores are these columns of the evaluation file\n"
            + _dump({"predictions": fields["predictions"]}).rstrip()
        )
        parts.append(
            "# verified before the file is read; publish again after changing it\n"
            + _dump({"eval": fields["eval"]}).rstrip()
        )
    else:
        parts.append(
            "# verified before the model is opened; publish again after changing a file\n"
            + _dump({"model": fields["model"], "eval": fields["eval"]}).rstrip()
        )
    if fields.get("calibration"):
        parts.append(
            "# how the publisher gave the model probabilities\n"
            + _dump({"calibration": fields["calibration"]}).rstrip()
        )
    for key, comment in [
        ("id_column", None),
        ("features", "# plain labels and units; actionable: false keeps what-if from changing a feature"),
        ("segments", "# columns to break results down by"),
        (
            "groups",
            "# groups of people to compare for fairness (numeric columns banded); min_gap: the smallest gap to report",
        ),
        ("operating_point", "# when the model acts; below min_confidence a person handles the case"),
        ("tolerance", "# regression: a prediction this close to the truth counts as right"),
    ]:
        if fields.get(key) not in (None, {}, []):
            parts.append((comment + "\n" if comment else "") + _dump({key: fields[key]}).rstrip())
        elif key in chosen:  # a default the app applies: said, and left for the team to set
            parts.append(f"# {chosen[key]}")
    parts.append(
        f"# value of ONE case for each outcome ({_VALUE_COMMENT[task]}); negative = cost\n"
        + _dump({"business": fields["business"]}).rstrip()
    )
    parts.append("# the model card, written by the team\n" + _dump({"card": fields["card"]}).rstrip())
    if fields.get("traffic"):
        parts.append(
            "# real requests after launch: add a batch with `python -m core.traffic add BUNDLE FILE`\n"
            + _dump({"traffic": fields["traffic"]}).rstrip()
        )
    return "\n\n".join(parts) + "\n"


def publish(
    model: Any,
    evaluation: Any,
    *,
    target: str,
    task: str,
    out: str | Path,
    title: str | None = None,
    overwrite: bool = False,
    precompute_explanations: bool | None = None,
    model_features: list[str] | None = None,
    predictions: str | dict[str, str] | None = None,
    calibrate: bool = False,
    dask: str | None = None,
    say: Callable[[str], None] | None = None,
    mlflow: str | None = None,
    mlflow_alias: str | None = None,
    mlflow_uri: str | None = None,
    **fields: Any,
) -> Bundle:
    """Write a bundle folder and return it opened.

    `model` is a fitted estimator or a model file; `evaluation` a DataFrame or a parquet/csv
    file. Any other bundle.yaml field (summary, owner, positive_class, features, segments,
    operating_point, tolerance, business, card, classes, ...) can be passed by name.
    `model_features` lists, in order, the columns a model fitted on arrays takes (written as
    `model.features`).

    Without a model (`model=None`), `predictions` names the evaluation file's score columns: the
    chance of the positive class (binary) or the estimate (regression) as one column name, or a
    mapping of class to column (multiclass).

    The reasons behind the model's answers (SHAP contributions for the explanation sample) are
    worked out now and stored with the bundle, within the app's time budget, so no page computes
    them on its first visit. `precompute_explanations=None` (the default) stores them when the
    model can be explained and says why not otherwise; `True` refuses to publish without them;
    `False` leaves them to the app, which works them out once in the background.

    `calibrate=True` gives a classifier without probabilities (or with poor ones) calibrated
    probabilities: a sigmoid calibrator is fitted on a held-out part of the evaluation rows
    (`CALIBRATION_SHARE`), the model itself left as it is, and the bundle is evaluated on the rest.

    What the publisher chooses because it was not given (the positive class, a default tolerance,
    the columns a model that names none is handed, columns read as text) is written into
    `bundle.yaml` with the reason, and each choice is said as a sentence through `say` (the command
    line prints them; from Python they go to the `modelbrief.publish` logger).

    `mlflow="<name>"` also logs the bundle into a run on the MLflow server (`mlflow_uri`, else
    $MODELBRIEF_MLFLOW_URI, else $MLFLOW_TRACKING_URI) and registers it as a new version of that
    model, with the alias `mlflow_alias` when given; the model goes in through MLflow's scikit-learn
    flavour, and the bundle folder is published with that same file (see `to_mlflow`).
    """
    say = say or _LOG.info
    if mlflow is not None:
        return _publish_to_mlflow(
            model,
            evaluation,
            mlflow,
            mlflow_alias,
            mlflow_uri,
            say,
            target=target,
            task=task,
            out=out,
            title=title,
            overwrite=overwrite,
            precompute_explanations=precompute_explanations,
            model_features=model_features,
            predictions=predictions,
            calibrate=calibrate,
            dask=dask,
            **fields,
        )
    if task not in TASKS:
        raise BundleError(f"The task must be binary, multiclass or regression, not '{task}'.")
    if (model is None) != (predictions is not None):
        raise BundleError(
            "Give either a model or the names of the score columns (predictions), not both or neither.",
            "For scores made elsewhere: publish(None, frame, predictions='p_yes', ...) or --predictions p_yes.",
        )
    if predictions is not None:
        fields["predictions"] = _predictions_entry(predictions, task)
    if calibrate:
        if task == "regression":
            raise BundleError("Calibration gives a classifier probabilities; a regression model has none to give.")
        model, evaluation, fields["calibration"] = calibrate_on_held_out(model, evaluation, target, fields)
    final = Path(out)
    if final.exists() and any(final.iterdir()) and not overwrite:
        raise BundleError(f"The folder {final} already exists and is not empty.", "Pass overwrite=True (--force).")
    final.parent.mkdir(parents=True, exist_ok=True)
    # Everything is written and checked in a hidden folder beside the target, and moved into place
    # only once the bundle opens: a failed publish leaves nothing behind, and never half a bundle.
    folder = Path(tempfile.mkdtemp(prefix=f".publishing-{final.name}-", dir=final.parent))
    try:
        if model_features:
            fields["model_features"] = list(model_features)
        said = _write(model, evaluation, folder, final.name, target, task, title, precompute_explanations, fields, dask)
        if final.exists():
            shutil.rmtree(final)
        os.replace(folder, final)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    for choice in said:
        say(choice.sentence)
    return load_bundle(final)  # opened where it now lives, exactly as the app will open it


REGISTERED = "Registered '"  # how the registry's sentence starts (to_mlflow.Registered.sentence)


def _publish_to_mlflow(model, evaluation, name, alias, uri, say, **options) -> Bundle:
    """`publish` into a folder with the model as MLflow saves it, then that bundle registered."""
    from core.publishing import to_mlflow

    server = to_mlflow.tracking_uri(uri)
    staging = Path(tempfile.mkdtemp(prefix="modelbrief-mlflow-"))
    try:
        model_dir = None
        if model is not None and not options.get("calibrate"):
            is_file = isinstance(model, (str, Path))
            if not is_file or Path(model).suffix.lower() in (".joblib", ".pkl"):
                model = to_mlflow.saved_model(_read_model(model) if is_file else model, staging)
                model_dir = model.parent
        bundle = publish(model, evaluation, say=say, **options)
        registered = to_mlflow.register(
            bundle, name, server, model_dir, alias, log_model=bundle.model if model_dir is None else None
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(registered.sentence)
    return bundle


CALIBRATION_SHARE = 0.3  # of the evaluation rows, held out to fit the calibrator


def _predictions_entry(predictions: str | dict[str, str], task: str) -> dict:
    if task == "multiclass":
        if not isinstance(predictions, dict):
            raise BundleError(
                "A multiclass bundle needs one score column per class.",
                "Pass predictions={'billing': 'p_billing', ...} (--predictions billing=p_billing,...).",
            )
        return {"columns": {str(k): str(v) for k, v in predictions.items()}}
    if isinstance(predictions, dict):
        raise BundleError(
            f"A {task} bundle takes one score column, not a column per class.",
            "Pass predictions='p_yes' (--predictions p_yes).",
        )
    return {"column": str(predictions)}


def _read_frame(evaluation: Any) -> pd.DataFrame:
    if isinstance(evaluation, pd.DataFrame):
        return evaluation
    path = Path(evaluation)
    if not path.is_file():
        raise BundleError(f"The evaluation file {path} does not exist.")
    return read_rows(path)


def _read_model(model: Any) -> Any:
    if not isinstance(model, (str, Path)):
        return model
    path = Path(model)
    if path.suffix.lower() not in (".joblib", ".pkl") or not path.is_file():
        raise BundleError(
            "To calibrate, give the fitted model itself or a .joblib/.pkl file.",
            "Load a .skops model in Python and pass it to publish(..., calibrate=True).",
        )
    return joblib.load(path)


def calibrate_on_held_out(model: Any, evaluation: Any, target: str, fields: dict) -> tuple[Any, pd.DataFrame, str]:
    """(calibrated model, the evaluation rows it was not fitted on, the sentence the model card shows)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import train_test_split

    model, frame = _read_model(model), _read_frame(evaluation).reset_index(drop=True)
    if target not in frame.columns:
        raise BundleError(f"The evaluation rows have no column '{target}' to calibrate against.")
    names = getattr(model, "feature_names_in_", None)
    features = [str(n) for n in names] if names is not None else fields.get("model_features")
    if features is None:
        features = other_columns(
            frame, target, fields.get("id_column"), [*(fields.get("segments") or []), *(fields.get("groups") or [])]
        )
    labels = frame[target]
    counts = labels.value_counts()
    stratify = labels if counts.min() >= 2 else None
    try:
        held, rest = train_test_split(
            frame, train_size=CALIBRATION_SHARE, stratify=stratify, random_state=0, shuffle=True
        )
        calibrated = CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid")
        calibrated.fit(held[features], held[target])
    except Exception as exc:
        raise BundleError(
            "The model could not be calibrated on the evaluation rows, so nothing was published.",
            "Check that the evaluation rows hold every class the model knows, with enough rows of each.",
            detail=describe(exc),
        ) from None
    sentence = (
        f"{type(final_estimator(model)).__name__} gives probabilities through a sigmoid calibrator that the publisher fitted on "
        f"{len(held):,} of the evaluation rows ({CALIBRATION_SHARE:.0%}); every figure here comes from the other "
        f"{len(rest):,} rows."
    )
    return calibrated, rest.sort_index().reset_index(drop=True), sentence


def _write(
    model, evaluation, folder: Path, name: str, target, task, title, precompute_explanations, fields, dask=None
) -> list[choices.Choice]:
    """Write the bundle's files into `folder` and open it once; what the publisher chose, said."""
    model_file = None if model is None else _copy_model(model, folder)
    eval_file = _copy_eval(evaluation, folder)
    said: list[choices.Choice] = []
    if task == "binary" and fields.get("positive_class") is None:
        frame = evaluation if isinstance(evaluation, pd.DataFrame) else read_rows(eval_file)
        if target in frame.columns:
            score = (fields.get("predictions") or {}).get("column")
            fields["positive_class"], choice = choices.positive_class(frame, target, model, score)
            said.append(choice)

    business = dict(fields.pop("business", None) or {})
    business.setdefault("currency", "USD")
    business.setdefault("value", {k: 0 for k in VALUE_KEYS[task] if k != "out_of_scope"})
    card = {k: "" for k in ("intended_use", "not_for", "training_data", "limitations", "ethical_considerations")}
    card.update(fields.pop("card", None) or {})
    manifest = {
        "schema": SCHEMA,
        "title": title or name.replace("-", " ").replace("_", " ").capitalize(),
        "version": fields.pop("version", None),
        "created": fields.pop("created", None) or dt.date.today().isoformat(),
        "task": task,
        "target": target,
        "model": None
        if model_file is None
        else {
            "path": model_file.name,
            "sha256": file_sha256(model_file),
            **({"features": fields.pop("model_features")} if fields.get("model_features") else {}),
        },
        "eval": {"path": eval_file.name, "sha256": file_sha256(eval_file)},
        "operating_point": fields.pop("operating_point", None)
        or (
            {"threshold": 0.5, "min_confidence": 0.0}
            if task == "binary"
            else {"min_confidence": 0.0}
            if task == "multiclass"
            else None
        ),
        "business": business,
        "card": card,
        **fields,
        "chosen": {c.field: c.comment for c in said},
    }
    (folder / MANIFEST).write_text(manifest_text(manifest, task), encoding="utf-8")
    bundle = load_bundle(folder)
    from core.explaining.text import text_columns

    asked = set(fields.pop("text_features", None) or [])
    found = [c for c in text_columns(bundle.model) if c in bundle.features]
    texts = set(found) | asked
    for choice in (
        choices.tolerance(bundle),
        choices.features(bundle, named_by_team=bool(manifest["model"] and manifest["model"].get("features"))),
        choices.text_columns(found, asked, catboost=set(text_columns(bundle.model).values()) == {"catboost"}),
    ):
        if choice is not None:
            said.append(choice)
            if choice.comment:
                manifest["chosen"][choice.field] = choice.comment
    manifest.pop("text_features", None)
    features = dict(manifest.get("features") or {})
    if not features and bundle.features:  # label stubs for the team to edit
        features = {name: {"label": humanise(name)} for name in bundle.features}
    for name in texts & set(bundle.features):  # columns the model reads as text say so
        entry = features.get(name) or {}
        entry = {"label": entry} if isinstance(entry, str) else dict(entry)
        entry.setdefault("label", humanise(name))
        entry["kind"] = "text"
        features[name] = entry
    if features != (manifest.get("features") or {}) or "tolerance" in manifest["chosen"]:
        manifest["features"] = features
        (folder / MANIFEST).write_text(manifest_text(manifest, task), encoding="utf-8")
    bundle = dataclasses.replace(bundle, manifest_sha256=file_sha256(folder / MANIFEST))
    if precompute_explanations and not bundle.explainable:
        raise BundleError(
            f"--explain: {bundle.unexplainable_reason.split('. To see')[0]}.", "Publish without --explain."
        )
    from core.bundles import cluster
    from core.explaining import explain

    with cluster.connected(cluster.address(dask)) as client:
        _store_figures(bundle, folder, parts=client is not None)
        explained, problem = None, None
        if precompute_explanations or (precompute_explanations is None and bundle.explainable):
            try:
                explained = _explained(bundle)
            except BundleError as failed:
                if precompute_explanations:
                    raise
                problem = failed.detail or failed.message
    if explained is not None:
        explain.store(explained, folder / explain.BUNDLE_FILE, bundle.content_hash)
    if precompute_explanations is None:
        said.append(choices.explanations(bundle, explained, problem))
    return said


def _explained(bundle: Bundle):
    from core.explaining import explain

    try:
        return explain.explain_bundle(bundle)
    except Exception as exc:
        raise BundleError(
            "The bundle is valid, but its explanations could not be computed, so nothing was published.",
            "Publish without --explain: the app then says on its Explanations page what it can explain.",
            detail=describe(exc),
        ) from None


def _store_figures(bundle: Bundle, folder: Path, parts: bool = False) -> None:
    """Scores and the card's summary in the bundle, so the app opens it without asking the model
    about every row, and Home shows it without opening it (scores as partitioned Parquet with
    `parts`, the Dask path). A model that cannot score every row gets neither: the app says what
    went wrong when it opens the bundle."""
    from core.bundles import scoring
    from core.evaluation import metrics
    from core.publishing import summary

    try:
        scores = scoring.compute_scores(bundle)
        if bundle.model is not None and parts:
            scoring.store_parts(scores, folder / scoring.PARTS_FOLDER, bundle.content_hash)
        elif bundle.model is not None:
            scoring.store(scores, folder / scoring.BUNDLE_FILE, bundle.content_hash)
        headline = metrics.headline(metrics.from_bundle(bundle, scores), bundle.spec.operating_point)
    except Exception:  # noqa: BLE001 - the app scores it on opening and says what went wrong there
        return
    summary.write(summary.of(bundle, headline), folder / summary.BUNDLE_FILE)


def left_unset(spec) -> list[str]:
    """What the publisher left for the team to fill in, in words (the command line lists them)."""
    from core.words.card import missing_fields

    unset = []
    if not spec.business.is_set:
        unset.append("business values (what each outcome is worth), so no net value is shown")
    if spec.business.volume is None:
        unset.append("business.volume (cases per period), so value is per case, not per month")
    if not spec.summary:
        unset.append("summary (one sentence on what the model is for)")
    if spec.task == "regression" and spec.tolerance.default:
        unset.append("tolerance (how close counts as right), so every page says the default is used")
    if spec.task == "binary" and not spec.event:
        unset.append("event (the positive outcome in words, e.g. cancelled)")
    gaps = missing_fields(spec)
    if gaps:
        unset.append(f"the model card ({', '.join(g.lower() for g in gaps)})")
    return unset


def _tolerance(text: str | None) -> dict | None:
    """'2.5' -> {'absolute': 2.5}; '10%' -> {'relative': 0.1}.

    >>> _tolerance("2.5"), _tolerance("10%"), _tolerance(None)
    ({'absolute': 2.5}, {'relative': 0.1}, None)
    """
    if text is None:
        return None
    text = text.strip()
    if text.endswith("%"):
        return {"relative": float(text[:-1]) / 100}
    return {"absolute": float(text)}


def _pairs(text: str, option: str) -> dict[str, str]:
    """'0=billing,1=shipping' -> {'0': 'billing', '1': 'shipping'}.

    >>> _pairs("0=billing, 1=shipping", "--classes")
    {'0': 'billing', '1': 'shipping'}
    """
    pairs = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{option} takes name=value pairs separated by commas, not '{part}'.")
        pairs[key.strip()] = value.strip()
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="fitted model file (.joblib, .pkl or .skops); or give --predictions")
    parser.add_argument(
        "--predictions",
        help="no model file: the score column (binary chance or regression estimate), "
        "or for multiclass class=column pairs, e.g. billing=p_billing,shipping=p_shipping",
    )
    parser.add_argument("--eval", required=True, help="evaluation rows (.parquet or .csv)")
    parser.add_argument("--target", required=True, help="the label column in the evaluation file")
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--out", required=True, help="the bundle folder to write, e.g. artifacts/my-model")
    parser.add_argument("--title", help="a title people will read")
    parser.add_argument("--positive-class", help="binary: the label that means the event happened")
    parser.add_argument("--id-column", help="the column that identifies a row")
    parser.add_argument("--segments", help="comma-separated columns to break results down by")
    parser.add_argument(
        "--groups",
        help="comma-separated columns whose groups of people to compare for fairness (read by the model or not)",
    )
    parser.add_argument(
        "--features", help="comma-separated columns a model fitted on arrays takes, in order (model.features)"
    )
    parser.add_argument(
        "--tolerance",
        help="regression: how close counts as right, in the target's units (2.5) or relative to the truth (10%%)",
    )
    parser.add_argument("--classes", help="names for labels written as codes, e.g. 0=billing,1=shipping")
    parser.add_argument("--text", help="comma-separated columns the model reads as free text (kind: text)")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="fit a sigmoid calibrator on part of the evaluation rows, so a classifier without "
        "probabilities gets them (figures come from the other rows)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing bundle folder")
    parser.add_argument(
        "--dask",
        help="score and explain on this Dask scheduler, e.g. tcp://host:8786 "
        "(default: $MODELBRIEF_DASK, else this machine)",
    )
    parser.add_argument(
        "--to-mlflow",
        metavar="NAME",
        help="also log the bundle into an MLflow run and register it as a new version of this model "
        "(server: $MODELBRIEF_MLFLOW_URI, else $MLFLOW_TRACKING_URI)",
    )
    parser.add_argument("--mlflow-alias", help="with --to-mlflow: give the new version this alias, e.g. challenger")
    explaining = parser.add_mutually_exclusive_group()
    explaining.add_argument(
        "--explain",
        action="store_true",
        help="refuse to publish unless the SHAP explanations are worked out now (by default they are, when the "
        "model can be explained, and stored in the bundle folder)",
    )
    explaining.add_argument(
        "--no-explain",
        action="store_true",
        help="leave the explanations to the app, which works them out once in the background",
    )
    args = parser.parse_args(argv)
    from core.bundles import memory

    memory.return_large_blocks()
    if (args.model is None) == (args.predictions is None):
        print("Not published: give either --model (a model file) or --predictions (score columns).", file=sys.stderr)
        return 2
    try:
        tolerance = _tolerance(args.tolerance)
    except ValueError:
        print(f"Not published: --tolerance must be a number or a percentage, not '{args.tolerance}'.", file=sys.stderr)
        return 2
    try:
        predictions = (
            _pairs(args.predictions, "--predictions")
            if args.predictions and "=" in args.predictions
            else args.predictions
        )
        classes = _pairs(args.classes, "--classes") if args.classes else None
    except ValueError as exc:
        print(f"Not published: {exc}", file=sys.stderr)
        return 2
    extra = {
        "tolerance": tolerance,
        "model_features": [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None,
        "positive_class": args.positive_class,
        "id_column": args.id_column,
        "segments": [s.strip() for s in args.segments.split(",") if s.strip()] if args.segments else None,
        "groups": [s.strip() for s in args.groups.split(",") if s.strip()] if args.groups else None,
        "predictions": predictions,
        "classes": classes,
        "calibrate": args.calibrate,
        "text_features": [t.strip() for t in args.text.split(",") if t.strip()] if args.text else None,
    }
    chosen: list[str] = []
    try:
        bundle = publish(
            args.model if args.model else None,
            args.eval,
            target=args.target,
            task=args.task,
            out=args.out,
            title=args.title,
            overwrite=args.force,
            precompute_explanations=True if args.explain else False if args.no_explain else None,
            dask=args.dask,
            say=chosen.append,
            mlflow=args.to_mlflow,
            mlflow_alias=args.mlflow_alias,
            **{k: v for k, v in extra.items() if v},
        )
    except BundleError as exc:
        print(f"Not published: {exc.message} {exc.hint}".rstrip(), file=sys.stderr)
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        return 2
    except Exception as exc:  # one sentence, never a traceback; nothing was left behind
        print(f"Not published: something unexpected went wrong ({describe(exc)}).", file=sys.stderr)
        return 2
    source = (
        "scores from the evaluation file" if bundle.model is None else f"model sha256 {bundle.model_sha256[:12]}..."
    )
    print(
        f"Published '{bundle.spec.title}' to {bundle.spec.folder} ({len(bundle.eval):,} evaluation rows, {source}).\n"
        f"Edit {bundle.spec.folder / MANIFEST} to add plain labels, business values and the model card."
    )
    registered = [c for c in chosen if c.startswith(REGISTERED)]
    chosen = [c for c in chosen if not c.startswith(REGISTERED)]
    for line in registered:
        print(line)
    if chosen:
        print("Chosen for you (written into bundle.yaml with the reason):\n" + "\n".join(f"  - {c}" for c in chosen))
    unset = left_unset(bundle.spec)
    if unset:
        print("Left unset, for you to fill in:\n" + "\n".join(f"  - {item}" for item in unset))
    return 0


if __name__ == "__main__":
    sys.exit(main())
