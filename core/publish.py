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
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import yaml

from core.bundle import MANIFEST, Bundle, file_sha256, load_bundle, read_spec
from core.contract import EVAL_FORMATS, MODEL_FORMATS, SCHEMA, TASKS, VALUE_KEYS, BundleError, describe

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
    for key, comment in optional:
        if fields.get(key) is not None:
            parts.append((comment + "\n" if comment else "") + _dump({key: fields[key]}).rstrip())
    parts.append(
        "# verified before the model is opened; publish again after changing a file\n"
        + _dump({"model": fields["model"], "eval": fields["eval"]}).rstrip()
    )
    for key, comment in [
        ("id_column", None),
        ("features", "# plain labels and units; actionable: false keeps what-if from changing a feature"),
        ("segments", "# columns to break results down by"),
        ("operating_point", "# when the model acts; below min_confidence a person handles the case"),
        ("tolerance", "# regression: a prediction this close to the truth counts as right"),
    ]:
        if fields.get(key) not in (None, {}, []):
            parts.append((comment + "\n" if comment else "") + _dump({key: fields[key]}).rstrip())
    parts.append(
        f"# value of ONE case for each outcome ({_VALUE_COMMENT[task]}); negative = cost\n"
        + _dump({"business": fields["business"]}).rstrip()
    )
    parts.append("# the model card, written by the team\n" + _dump({"card": fields["card"]}).rstrip())
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
    precompute_explanations: bool = False,
    model_features: list[str] | None = None,
    **fields: Any,
) -> Bundle:
    """Write a bundle folder and return it opened.

    `model` is a fitted estimator or a model file; `evaluation` a DataFrame or a parquet/csv
    file. Any other bundle.yaml field (summary, owner, positive_class, features, segments,
    operating_point, tolerance, business, card, ...) can be passed by name. `model_features`
    lists, in order, the columns a model fitted on arrays takes (written as `model.features`).
    """
    if task not in TASKS:
        raise BundleError(f"The task must be binary, multiclass or regression, not '{task}'.")
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
        bundle = _write(model, evaluation, folder, final.name, target, task, title, precompute_explanations, fields)
        if final.exists():
            shutil.rmtree(final)
        os.replace(folder, final)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return dataclasses.replace(bundle, spec=read_spec(final))


def _write(model, evaluation, folder: Path, name: str, target, task, title, precompute_explanations, fields) -> Bundle:
    model_file = _copy_model(model, folder)
    eval_file = _copy_eval(evaluation, folder)

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
        "model": {
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
    }
    (folder / MANIFEST).write_text(manifest_text(manifest, task), encoding="utf-8")
    bundle = load_bundle(folder)
    if precompute_explanations:
        from core import explain

        try:
            result = explain.explain(
                bundle.model, bundle.X, task, bundle.classes, bundle.positive_class, labels=bundle.y.to_numpy()
            )
        except Exception as exc:
            raise BundleError(
                "The bundle is valid, but its explanations could not be computed, so nothing was published.",
                "Publish without --explain: the app then says on its Explanations page what it can explain.",
                detail=describe(exc),
            ) from None
        explain.store(result, folder / explain.BUNDLE_FILE, bundle.content_hash)
    return bundle


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="fitted model file (.joblib, .pkl or .skops)")
    parser.add_argument("--eval", required=True, help="evaluation rows (.parquet or .csv)")
    parser.add_argument("--target", required=True, help="the label column in the evaluation file")
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--out", required=True, help="the bundle folder to write, e.g. artifacts/my-model")
    parser.add_argument("--title", help="a title people will read")
    parser.add_argument("--positive-class", help="binary: the label that means the event happened")
    parser.add_argument("--id-column", help="the column that identifies a row")
    parser.add_argument("--segments", help="comma-separated columns to break results down by")
    parser.add_argument(
        "--features", help="comma-separated columns a model fitted on arrays takes, in order (model.features)"
    )
    parser.add_argument(
        "--tolerance",
        help="regression: how close counts as right, in the target's units (2.5) or relative to the truth (10%%)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing bundle folder")
    parser.add_argument(
        "--explain", action="store_true", help="compute the SHAP explanations now and ship them in the bundle folder"
    )
    args = parser.parse_args(argv)
    try:
        tolerance = _tolerance(args.tolerance)
    except ValueError:
        print(f"Not published: --tolerance must be a number or a percentage, not '{args.tolerance}'.", file=sys.stderr)
        return 2
    extra = {
        "tolerance": tolerance,
        "model_features": [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None,
        "positive_class": args.positive_class,
        "id_column": args.id_column,
        "segments": [s.strip() for s in args.segments.split(",") if s.strip()] if args.segments else None,
    }
    try:
        bundle = publish(
            args.model,
            args.eval,
            target=args.target,
            task=args.task,
            out=args.out,
            title=args.title,
            overwrite=args.force,
            precompute_explanations=args.explain,
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
    print(
        f"Published '{bundle.spec.title}' to {bundle.spec.folder} "
        f"({len(bundle.eval):,} evaluation rows, model sha256 {bundle.model_sha256[:12]}...).\n"
        f"Edit {bundle.spec.folder / MANIFEST} to add plain labels, business values and the model card."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
