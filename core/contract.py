"""The bundle contract: what `bundle.yaml` may say, checked field by field.

`parse_manifest` turns the YAML text of a bundle into a `BundleSpec` or raises a `BundleError`
whose message names the field and says, in one plain sentence, what is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

SCHEMA = "modelbrief/v1"
TASKS = ("binary", "multiclass", "regression")
MODEL_FORMATS = (".joblib", ".pkl", ".skops")
PICKLE_FORMATS = (".joblib", ".pkl")
EVAL_FORMATS = (".parquet", ".csv")
VALUE_KEYS = {
    "binary": ("true_positive", "false_positive", "false_negative", "true_negative", "abstain", "out_of_scope"),
    "multiclass": ("correct", "wrong", "abstain", "out_of_scope"),
    "regression": ("per_unit_error", "abstain", "out_of_scope"),
}


class BundleError(Exception):
    """A problem with a bundle, told to a person: what is wrong, and what to do about it.

    `message` is one plain sentence; `hint` says what to do; `detail` holds the technical
    particulars that the app shows only on demand.
    """

    def __init__(self, message: str, hint: str = "", detail: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        self.field = field


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    label: str
    unit: str | None = None
    actionable: bool = True


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float = 0.5
    min_confidence: float = 0.0


@dataclass(frozen=True)
class Tolerance:
    absolute: float | None = None
    relative: float | None = None


@dataclass(frozen=True)
class Business:
    currency: str = "USD"
    volume: int | None = None
    per: str | None = None
    values: dict[str, float] = field(default_factory=dict)

    def value(self, outcome: str, default: float = 0.0) -> float:
        return float(self.values.get(outcome, default))


@dataclass(frozen=True)
class BundleSpec:
    """Everything `bundle.yaml` says, with defaults filled in."""

    id: str
    folder: Path
    title: str
    task: str
    target: str
    model_path: Path
    eval_path: Path
    model_sha256: str | None = None
    eval_sha256: str | None = None
    version: str | None = None
    created: str | None = None
    owner: str | None = None
    summary: str | None = None
    positive_class: Any = None
    subject: str = "case"
    subjects: str = "cases"
    action: str | None = None
    event: str | None = None  # binary: the positive outcome in past-tense words ("cancelled")
    id_column: str | None = None
    features: dict[str, FeatureInfo] = field(default_factory=dict)
    segments: tuple[str, ...] = ()
    operating_point: OperatingPoint = OperatingPoint()
    tolerance: Tolerance = Tolerance()
    business: Business = Business()
    card: dict[str, str] = field(default_factory=dict)

    def label(self, feature: str) -> str:
        info = self.features.get(feature)
        return info.label if info else feature.replace("_", " ").capitalize()


def _fail(field_name: str, message: str, hint: str = "", detail: str = "") -> BundleError:
    return BundleError(f"bundle.yaml: {message}", hint=hint, detail=detail, field=field_name)


def _text(raw: dict, key: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise _fail(key, f"the required field `{key}` is missing.", f"Add `{key}:` to bundle.yaml.")
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        raise _fail(key, f"`{key}` must be a piece of text, not a {type(value).__name__}.")
    text = str(value).strip()
    if required and not text:
        raise _fail(key, f"the required field `{key}` is empty.", f"Give `{key}` a value in bundle.yaml.")
    return text or None


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(name, f"`{name}` must be a number, not {value!r}.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _fail(name, f"`{name}` must be between {low:g} and {high:g}, not {value:g}.")
    return float(value)


def _mapping(raw: dict, key: str) -> dict:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(key, f"`{key}` must be a mapping of names to values.")
    return value


def _inside(folder: Path, relative: str, name: str) -> Path:
    """Resolve a path from bundle.yaml, refusing anything that leaves the bundle folder."""
    pure = PurePosixPath(relative.replace("\\", "/"))
    resolved = (folder / pure).resolve()
    if pure.is_absolute() or not resolved.is_relative_to(folder.resolve()):
        raise _fail(
            name,
            f"`{name}` must point to a file inside the bundle folder, not '{relative}'.",
            "Copy the file into the bundle folder and give its name relative to bundle.yaml.",
        )
    return resolved


def _file_entry(raw: dict, key: str, folder: Path, formats: tuple[str, ...]) -> tuple[Path, str | None]:
    entry = raw.get(key)
    if not isinstance(entry, dict) or not entry.get("path"):
        raise _fail(f"{key}.path", f"the required field `{key}.path` is missing.", f"Add `{key}: {{path: FILE}}`.")
    path = _inside(folder, str(entry["path"]), f"{key}.path")
    if path.suffix.lower() not in formats:
        raise _fail(
            f"{key}.path",
            f"`{key}.path` must end in {', '.join(formats)}, not '{path.suffix or path.name}'.",
        )
    digest = entry.get("sha256")
    if digest is not None:
        digest = str(digest).strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise _fail(f"{key}.sha256", f"`{key}.sha256` must be 64 hexadecimal characters.")
    return path, digest


def _features(raw: dict) -> dict[str, FeatureInfo]:
    features = {}
    for name, info in _mapping(raw, "features").items():
        info = info or {}
        if isinstance(info, str):
            info = {"label": info}
        if not isinstance(info, dict):
            raise _fail(f"features.{name}", f"`features.{name}` must be a mapping such as {{label: ...}}.")
        actionable = info.get("actionable", True)
        if not isinstance(actionable, bool):
            raise _fail(f"features.{name}.actionable", f"`features.{name}.actionable` must be true or false.")
        features[str(name)] = FeatureInfo(
            name=str(name),
            label=str(info.get("label") or str(name).replace("_", " ").capitalize()),
            unit=str(info["unit"]) if info.get("unit") is not None else None,
            actionable=actionable,
        )
    return features


def _business(raw: dict, task: str) -> Business:
    business = _mapping(raw, "business")
    volume = _mapping(business, "volume")
    count = volume.get("count")
    if count is not None:
        count = int(_number(count, "business.volume.count", low=0))
    values = {}
    for key, value in _mapping(business, "value").items():
        if key not in VALUE_KEYS[task]:
            raise _fail(
                f"business.value.{key}",
                f"`business.value.{key}` is not an outcome of a {task} model; use {', '.join(VALUE_KEYS[task])}.",
            )
        values[key] = _number(value, f"business.value.{key}")
    return Business(
        currency=str(business.get("currency") or "USD"),
        volume=count,
        per=str(volume["per"]) if volume.get("per") else None,
        values=values,
    )


def parse_manifest(text: str, folder: Path) -> BundleSpec:
    """Validate the text of a bundle.yaml and return the spec it describes."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise BundleError(
            f"bundle.yaml is not valid YAML{where}.",
            "Check the indentation and quoting around that line.",
            detail=str(exc),
            field="bundle.yaml",
        ) from None
    if not isinstance(raw, dict):
        raise BundleError("bundle.yaml is empty or is not a mapping of fields.", "Start from a published bundle.yaml.")

    schema = raw.get("schema")
    if schema is None:
        raise _fail("schema", "the required field `schema` is missing.", f"Add `schema: {SCHEMA}`.")
    if schema != SCHEMA:
        raise _fail("schema", f"`schema` must be '{SCHEMA}', not '{schema}'.", "This app reads modelbrief/v1 bundles.")
    title = _text(raw, "title", required=True)
    task = _text(raw, "task", required=True)
    if task not in TASKS:
        raise _fail("task", f"`task` must be binary, multiclass or regression, not '{task}'.")
    target = _text(raw, "target", required=True)
    model_path, model_sha = _file_entry(raw, "model", folder, MODEL_FORMATS)
    eval_path, eval_sha = _file_entry(raw, "eval", folder, EVAL_FORMATS)
    if model_path.suffix.lower() in PICKLE_FORMATS and model_sha is None:
        raise _fail(
            "model.sha256",
            f"`model.sha256` is required for {model_path.suffix} models, because opening them can run code.",
            "Publish the bundle with `python -m core.publish`, which writes the hash for you.",
        )

    operating = _mapping(raw, "operating_point")
    tolerance = _mapping(raw, "tolerance")
    segments = raw.get("segments") or []
    if not isinstance(segments, list):
        raise _fail("segments", "`segments` must be a list of column names.")
    subject = _text(raw, "subject") or "case"
    return BundleSpec(
        id=folder.name,
        folder=folder,
        title=title,
        task=task,
        target=target,
        model_path=model_path,
        eval_path=eval_path,
        model_sha256=model_sha,
        eval_sha256=eval_sha,
        version=_text(raw, "version"),
        created=_text(raw, "created"),
        owner=_text(raw, "owner"),
        summary=_text(raw, "summary"),
        positive_class=raw.get("positive_class"),
        subject=subject,
        subjects=_text(raw, "subjects") or f"{subject}s",
        action=_text(raw, "action"),
        event=_text(raw, "event"),
        id_column=_text(raw, "id_column"),
        features=_features(raw),
        segments=tuple(str(s) for s in segments),
        operating_point=OperatingPoint(
            threshold=_number(operating.get("threshold", 0.5), "operating_point.threshold", 0, 1),
            min_confidence=_number(operating.get("min_confidence", 0.0), "operating_point.min_confidence", 0, 1),
        ),
        tolerance=Tolerance(
            absolute=_number(tolerance["absolute"], "tolerance.absolute", low=0) if "absolute" in tolerance else None,
            relative=_number(tolerance["relative"], "tolerance.relative", low=0) if "relative" in tolerance else None,
        ),
        business=_business(raw, task),
        card={str(k): str(v) for k, v in _mapping(raw, "card").items() if v is not None},
    )
