"""Each field of `bundle.yaml` checked, and `parse_manifest`, which turns the text into a `BundleSpec`."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path, PurePosixPath
from typing import Any

from core.bundles.contract.errors import BundleError, _fail
from core.bundles.contract.spec import (
    DEFAULT_TOLERANCE,
    EVAL_FORMATS,
    FEATURE_KINDS,
    MAX_NUMBER,
    MODEL_FORMATS,
    PICKLE_FORMATS,
    SCHEMA,
    SHORT_TEXT,
    TASKS,
    TEXT_LIMITS,
    VALUE_KEYS,
    BundleSpec,
    Business,
    FeatureInfo,
    OperatingPoint,
    Tolerance,
    TrafficSpec,
    control_point,
    tolerance_notice,
)
from core.bundles.contract.yaml_text import _short, load_yaml


def _text(raw: dict, key: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise _fail(key, f"the required field `{key}` is missing.", f"Add `{key}:` to bundle.yaml.")
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = _bounded_text(value, key)
    if required and not text:
        raise _fail(key, f"the required field `{key}` is empty.", f"Give `{key}` a value in bundle.yaml.")
    return text or None


def _bounded_text(value: Any, key: str) -> str:
    """A text field as written, refused when it is far longer than the field is meant to be."""
    if isinstance(value, (dict, list)):
        raise _fail(key, f"`{key}` must be a piece of text, not a {type(value).__name__}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(key, f"`{key}` must be a piece of text.")
    text = str(value).strip()
    limit = TEXT_LIMITS.get(key.split(".")[0], SHORT_TEXT)
    if len(text) > limit:
        raise _fail(
            key,
            f"`{_short(key)}` is {len(text):,} characters long; it may be at most {limit:,}.",
            "Shorten it: the app shows it as it is written.",
        )
    return text


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(name, f"`{name}` must be a number, not {_short(repr(value))}.")
    if isinstance(value, int) and abs(value) > MAX_NUMBER:  # a 100,000-digit integer overflows a float
        raise _fail(name, f"`{name}` is far too large to be meant ({len(str(abs(value))):,} digits).")
    if not math.isfinite(value):
        raise _fail(name, f"`{name}` must be a finite number, not {value}.")
    if abs(value) > MAX_NUMBER:
        raise _fail(name, f"`{name}` is far too large to be meant ({value:g}).")
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise _fail(name, f"`{name}` must be {shown}, not {value:g}.")
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


def _model_features(raw: dict) -> tuple[str, ...]:
    """model.features: for a model fitted on arrays, which columns it takes, in order."""
    listed = (raw.get("model") or {}).get("features") if isinstance(raw.get("model"), dict) else None
    if listed is None:
        return ()
    if not isinstance(listed, list) or not listed:
        raise _fail(
            "model.features", "`model.features` must be a list of column names, in the order the model takes them."
        )
    names = tuple(_bounded_text(name, "model.features") for name in listed)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _fail("model.features", f"`model.features` names {', '.join(repeated[:5])} more than once.")
    return names


def _predictions(raw: dict, task: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """predictions: the evaluation file's score columns, for a bundle without a model file."""
    entry = raw.get("predictions")
    if entry is None:
        return None, ()
    hint = (
        "Write `predictions: {column: p_yes}` (binary: the chance of the positive class; regression: the "
        "estimate), or for multiclass `predictions: {columns: {billing: p_billing, ...}}`."
    )
    if not isinstance(entry, dict):
        raise _fail("predictions", "`predictions` must be a mapping that names the score columns.", hint)
    unknown = sorted(str(k) for k in entry if k not in ("column", "columns"))
    if unknown:
        raise _fail("predictions", f"`predictions` has fields it does not use: {', '.join(unknown[:5])}.", hint)
    if task == "multiclass":
        columns = entry.get("columns")
        if not isinstance(columns, dict) or len(columns) < 2:
            raise _fail(
                "predictions.columns",
                "a multiclass bundle's `predictions.columns` must map each class to its score column.",
                hint,
            )
        pairs = tuple(
            (_bounded_text(k, "predictions.columns"), _bounded_text(v, "predictions.columns"))
            for k, v in columns.items()
        )
        return None, pairs
    column = entry.get("column")
    if column is None or isinstance(column, (dict, list)):
        raise _fail("predictions.column", f"a {task} bundle's `predictions.column` must name one score column.", hint)
    return _bounded_text(column, "predictions.column"), ()


PERIODS = ("day", "week", "month")


def _traffic(raw: dict, folder: Path, task: str, target: str) -> TrafficSpec | None:
    """traffic: where real requests since launch are kept, and which columns say what."""
    entry = raw.get("traffic")
    if entry is None:
        return None
    hint = "Write `traffic: {path: traffic/, timestamp: seen_at}`; see the README's section on traffic."
    if not isinstance(entry, dict):
        raise _fail("traffic", "`traffic` must be a mapping with a `path` and a `timestamp` column.", hint)
    known = ("path", "timestamp", "outcome", "scores", "period")
    unknown = sorted(str(k) for k in entry if k not in known)
    if unknown:
        raise _fail("traffic", f"`traffic` has fields it does not use: {', '.join(unknown[:5])}.", hint)
    if not entry.get("path"):
        raise _fail("traffic.path", "`traffic.path` is missing: name the file or folder of requests.", hint)
    path = _inside(folder, str(entry["path"]), "traffic.path")
    if path.suffix and path.suffix.lower() not in EVAL_FORMATS:
        raise _fail("traffic.path", f"`traffic.path` must be a folder or end in {', '.join(EVAL_FORMATS)}.", hint)
    if not entry.get("timestamp"):
        raise _fail("traffic.timestamp", "`traffic.timestamp` is missing: name the column that says when.", hint)
    period = entry.get("period")
    if period is not None and period not in PERIODS:
        raise _fail("traffic.period", f"`traffic.period` must be day, week or month, not '{_short(str(period))}'.")
    scores = entry.get("scores")
    column, columns = (None, ())
    if scores is not None:
        try:
            column, columns = _predictions({"predictions": scores}, task)
        except BundleError as exc:  # the same shape as `predictions:`, told as `traffic.scores`
            said = exc.message.removeprefix("bundle.yaml: ").replace("`predictions", "`traffic.scores")
            raise _fail("traffic.scores", said, exc.hint.replace("predictions:", "scores:")) from None
    return TrafficSpec(
        path=path,
        timestamp=_bounded_text(entry["timestamp"], "traffic.timestamp"),
        outcome=_bounded_text(entry["outcome"], "traffic.outcome") if entry.get("outcome") else target,
        score_column=column,
        score_columns=columns,
        period=period,
    )


ACCESS_HINT = (
    "List e-mail addresses (ana@example.com), domains (@example.com) or groups from the sign-in "
    "provider (group:reviewers), e.g. `access: [ana@example.com, group:reviewers]`."
)


def _access(raw: dict) -> tuple[str, ...]:
    """access: who may open the bundle when sign-in is on; no `access` key means everyone signed in.

    A key that lists nobody (`access: []`, or `access:` whose only entry is commented out) is
    refused: read as "everyone", it would open the bundle to all the very moment someone meant to
    close it."""
    if "access" not in raw:
        return ()
    listed = raw.get("access")
    if isinstance(listed, str):
        listed = [listed]
    if listed is None or listed == []:
        raise _fail(
            "access",
            "`access` lists nobody.",
            "Remove the key to open the bundle to everyone signed in, or list who may open it. " + ACCESS_HINT,
        )
    if not isinstance(listed, list):
        raise _fail("access", "`access` must be a list of e-mail addresses, domains or groups.", ACCESS_HINT)
    rules = []
    for item in listed:
        rule = _bounded_text(item, "access").strip().lower()
        kind = "group" if rule.startswith("group:") else "domain" if rule.startswith("@") else "email"
        body = rule.split(":", 1)[1] if kind == "group" else rule.lstrip("@")
        looks_right = (
            bool(body) and " " not in body
            if kind == "group"
            else "@" not in body and "." in body
            if kind == "domain"
            else rule.count("@") == 1 and "." in rule.split("@")[1] and rule.split("@")[0] != ""
        )
        if not looks_right:
            raise _fail(
                "access",
                f"`access` lists '{_short(str(item))}', which is not an e-mail address, @domain or group:name.",
                ACCESS_HINT,
            )
        rules.append(rule)
    return tuple(rules)


def _text_map(raw: dict, key: str, refusal: str) -> dict:
    """`key:` as the map it must be ({} when absent), or `refusal` when it is something else."""
    entry = raw.get(key)
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise _fail(key, refusal)
    return entry


def _labels(raw: dict) -> dict[str, str]:
    """labels: the words shown for class names and category values as written in the data, e.g.
    {bug_report: "Bug report", business_partner: "Business partner"} (the app's own wording otherwise)."""
    entry = _text_map(
        raw,
        "labels",
        "`labels` must map each class or category value as written to the words shown, "
        'e.g. `labels: {bug_report: "Bug report"}`.',
    )
    words = {_bounded_text(k, "labels"): _bounded_text(v, f"labels.{k}") for k, v in entry.items()}
    if any(not w.strip() for w in words.values()):
        raise _fail("labels", "`labels` gives a value empty words.")
    return words


def _class_names(raw: dict) -> dict[str, str]:
    """classes: names people read for labels written as codes, e.g. {0: billing, 1: shipping}."""
    entry = _text_map(
        raw,
        "classes",
        "`classes` must map each label to the name people read, e.g. `classes: {0: billing, 1: shipping}`.",
    )
    names = {_bounded_text(k, "classes"): _bounded_text(v, "classes") for k, v in entry.items()}
    repeated = sorted({n for n in names.values() if list(names.values()).count(n) > 1})
    if repeated:
        raise _fail("classes", f"`classes` gives the name {', '.join(repeated[:3])} to more than one label.")
    if any(not n for n in names.values()):
        raise _fail("classes", "`classes` gives a label an empty name.")
    return names


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
        name = _bounded_text(name, "features")
        kind = info.get("kind")
        if kind is not None and kind not in FEATURE_KINDS:
            raise _fail(
                f"features.{name}.kind",
                f"`features.{name}.kind` must be number, category or text, not '{_short(str(kind))}'.",
            )
        label = info.get("label")
        features[name] = FeatureInfo(
            name=name,
            label=_bounded_text(label, f"features.{name}.label") if label else name.replace("_", " ").capitalize(),
            unit=_bounded_text(info["unit"], f"features.{name}.unit") if info.get("unit") is not None else None,
            actionable=actionable,
            kind=kind,
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
        currency=_bounded_text(business.get("currency") or "USD", "business.currency"),
        volume=count,
        per=_bounded_text(volume["per"], "business.volume.per") if volume.get("per") else None,
        values=values,
    )


def _positive_class(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        _number(value, "positive_class")
        return value
    return _bounded_text(value, "positive_class")


def _groups(raw: dict) -> tuple[tuple[str, ...], float]:
    """groups: a list of columns, or {columns: [...], min_gap: 0.05}; ((), default) without the key."""
    given = raw.get("groups")
    min_gap = 0.05
    if given is None:
        return (), min_gap
    if isinstance(given, dict):
        min_gap = _number(given.get("min_gap", min_gap), "groups.min_gap", 0, 1)
        given = given.get("columns")
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or not given:
        raise _fail(
            "groups",
            "`groups` must list the columns whose groups to compare.",
            "Write groups: [age_band, region], or groups: {columns: [age_band], min_gap: 0.05}.",
        )
    return tuple(dict.fromkeys(_bounded_text(c, "groups") for c in given)), min_gap


def parse_manifest(text: str, folder: Path) -> BundleSpec:
    """Validate the text of a bundle.yaml and return the spec it describes."""
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise BundleError("bundle.yaml is empty or is not a mapping of fields.", "Start from a published bundle.yaml.")

    schema = raw.get("schema")
    if schema is None:
        raise _fail("schema", "the required field `schema` is missing.", f"Add `schema: {SCHEMA}`.")
    if schema != SCHEMA:
        raise _fail(
            "schema",
            f"`schema` must be '{SCHEMA}', not '{_short(str(schema))}'.",
            "This app reads modelbrief/v1 bundles.",
        )
    title = _text(raw, "title", required=True)
    task = _text(raw, "task", required=True)
    if task not in TASKS:
        raise _fail("task", f"`task` must be binary, multiclass or regression, not '{task}'.")
    target = _text(raw, "target", required=True)
    prediction_column, prediction_columns = _predictions(raw, task)
    predictions_only = prediction_column is not None or bool(prediction_columns)
    if predictions_only and raw.get("model") is not None:
        raise _fail(
            "predictions",
            "`model` and `predictions` are both given; the app reads the scores from one of them.",
            "Keep `model` to let the app explain the model, or `predictions` for scores made elsewhere.",
        )
    model_path, model_sha = (None, None) if predictions_only else _file_entry(raw, "model", folder, MODEL_FORMATS)
    eval_path, eval_sha = _file_entry(raw, "eval", folder, EVAL_FORMATS)
    if model_path is not None and model_path.suffix.lower() in PICKLE_FORMATS and model_sha is None:
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
    groups, group_min_gap = _groups(raw)
    subject = _text(raw, "subject") or "case"
    point, notices = control_point(
        OperatingPoint(
            threshold=_number(operating.get("threshold", 0.5), "operating_point.threshold", 0, 1),
            min_confidence=_number(operating.get("min_confidence", 0.0), "operating_point.min_confidence", 0, 1),
        ),
        source="bundle.yaml sets",
    )
    allowed = Tolerance(
        absolute=_number(tolerance["absolute"], "tolerance.absolute", low=0) if "absolute" in tolerance else None,
        relative=_number(tolerance["relative"], "tolerance.relative", low=0) if "relative" in tolerance else None,
    )
    if task == "regression" and allowed == Tolerance():
        # with no tolerance only exact estimates would count as right, which no regression reaches;
        # opening the bundle moves the default into the target's units when the truth reaches zero
        allowed = DEFAULT_TOLERANCE
        notices.append(tolerance_notice(allowed))
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
        positive_class=_positive_class(raw.get("positive_class")),
        subject=subject,
        subjects=_text(raw, "subjects") or f"{subject}s",
        action=_text(raw, "action"),
        event=_text(raw, "event"),
        id_column=_text(raw, "id_column"),
        features=_features(raw),
        model_features=_model_features(raw),
        segments=tuple(_bounded_text(s, "segments") for s in segments),
        groups=groups,
        group_min_gap=group_min_gap,
        operating_point=point,
        tolerance=allowed,
        business=_business(raw, task),
        card={
            _bounded_text(k, "card"): _bounded_text(v, f"card.{k}")
            for k, v in _mapping(raw, "card").items()
            if v is not None
        },
        notices=tuple(notices),
        prediction_column=prediction_column,
        prediction_columns=prediction_columns,
        class_names=_class_names(raw),
        labels=_labels(raw),
        calibration=_text(raw, "calibration"),
        traffic=_traffic(raw, folder, task, target),
        access=_access(raw),
    )
