"""The bundle contract: what `bundle.yaml` may say, checked field by field.

`parse_manifest` turns the YAML text of a bundle into a `BundleSpec` or raises a `BundleError`
whose message names the field and says, in one plain sentence, what is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

SCHEMA = "modelbrief/v1"
TASKS = ("binary", "multiclass", "regression")
MODEL_FORMATS = (".joblib", ".pkl", ".skops")
PICKLE_FORMATS = (".joblib", ".pkl")
EVAL_FORMATS = (".parquet", ".csv")
MAX_MANIFEST_BYTES = 1_000_000
MAX_DEPTH = 20  # nesting of mappings and lists
MAX_NODES = 100_000  # values in the manifest once every alias is expanded
MAX_NUMBER = 1e15  # larger than any count, value or volume a team could mean
TEXT_LIMITS = {"card": 20_000, "summary": 2_000}  # characters; every other text field: SHORT_TEXT
SHORT_TEXT = 200
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
        message = _one_line(message)  # a value quoted from a file may hold line breaks: the sentence stays one line
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        self.field = field


def _one_line(text: str) -> str:
    r"""Line breaks and other control characters shown as escapes, so a message is one line.

    >>> _one_line("not '0\n0'")
    "not '0\\n0'"
    """
    return "".join(ch.encode("unicode_escape").decode() if ord(ch) < 32 or ord(ch) == 127 else ch for ch in str(text))


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:]+){2,}[\\/]?")


def scrub(text: str, limit: int = 300) -> str:
    """Technical text without server paths (each becomes its last part), and not too long.

    >>> scrub("No such file: '/srv/models/artifacts/churn/model.joblib'")
    "No such file: 'model.joblib'"
    """
    shown = _PATH.sub(lambda m: m.group(0).rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1], text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def describe(exc: BaseException, file_name: str | None = None) -> str:
    """What the details of a problem show: the kind of error and the file, never a traceback."""
    where = f" while reading {file_name}" if file_name else ""
    message = scrub(str(exc))
    return f"{type(exc).__name__}{where}" + (f": {message}" if message else "")


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    label: str
    unit: str | None = None
    actionable: bool = True
    kind: str | None = None  # "text" for a column the model reads as free text; None: as the data says


FEATURE_KINDS = ("number", "category", "text")


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float = 0.5
    min_confidence: float = 0.0


# What the app's controls offer. A setting outside them could not be shown on the Performance
# page, so it is moved inside, and the person is told.
CONTROL_RANGES = {"threshold": (0.01, 0.99), "min_confidence": (0.0, 0.99)}
CONTROL_NAMES = {"threshold": "decision threshold", "min_confidence": "confidence needed to act"}


def control_point(point: OperatingPoint, source: str = "The link asks for") -> tuple[OperatingPoint, list[str]]:
    """The point on the controls' two-decimal grid and inside their range, with a notice for each value moved.

    >>> control_point(OperatingPoint(1.0, 0.3))[1]
    ['The link asks for a decision threshold of 100%, beyond what the controls offer (1% to 99%), so 99% is used.']
    """
    chosen, notices = {}, []
    for key, (low, high) in CONTROL_RANGES.items():
        value = round(getattr(point, key), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
        inside = min(max(value, low), high)
        if inside != value:
            notices.append(
                f"{source} a {CONTROL_NAMES[key]} of {value * 100:.0f}%, beyond what the controls offer "
                f"({low * 100:.0f}% to {high * 100:.0f}%), so {inside * 100:.0f}% is used."
            )
        chosen[key] = inside
    return OperatingPoint(**chosen), notices


@dataclass(frozen=True)
class Tolerance:
    absolute: float | None = None
    relative: float | None = None


DEFAULT_TOLERANCE = Tolerance(relative=0.1)


@dataclass(frozen=True)
class Business:
    currency: str = "USD"
    volume: int | None = None
    per: str | None = None
    values: dict[str, float] = field(default_factory=dict)

    def value(self, outcome: str, default: float = 0.0) -> float:
        return float(self.values.get(outcome, default))

    @property
    def is_set(self) -> bool:
        """Whether the team has given any outcome a value: with none, there is no net value to show."""
        return any(v != 0 for v in self.values.values())


def humanise(column: str) -> str:
    """A column name as words: 'tenure_months' -> 'Tenure months', 'monthlyCharges' -> 'Monthly charges'.

    >>> humanise("tenure_months"), humanise("monthlyCharges"), humanise("NPS_score")
    ('Tenure months', 'Monthly charges', 'NPS score')
    """
    import re

    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(column)).replace("_", " ").replace("-", " ").split()
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class TrafficSpec:
    """`traffic:`: real requests after launch, in a file or a folder of batch files."""

    path: Path  # a .parquet/.csv file, or a folder of them (one batch each)
    timestamp: str  # the column that says when a request came in
    outcome: str | None = None  # the column with the outcome, once known (default: the target's name)
    score_column: str | None = None  # the live model's score (binary chance, regression estimate) ...
    score_columns: tuple[tuple[str, str], ...] = ()  # ... or, multiclass, one column per class
    period: str | None = None  # day, week or month; by default chosen from the time the data spans


@dataclass(frozen=True)
class BundleSpec:
    """Everything `bundle.yaml` says, with defaults filled in."""

    id: str
    folder: Path
    title: str
    task: str
    target: str
    model_path: Path | None  # None for a predictions-only bundle
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
    model_features: tuple[str, ...] = ()  # model.features: the columns a bare estimator takes, in order
    segments: tuple[str, ...] = ()
    operating_point: OperatingPoint = OperatingPoint()
    tolerance: Tolerance = Tolerance()
    business: Business = Business()
    card: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()  # values the app adjusted to what it can show, in plain words
    # predictions-only bundles: the score column (binary chance, regression estimate) ...
    prediction_column: str | None = None
    # ... or, multiclass, one column per class, as (class, column) pairs
    prediction_columns: tuple[tuple[str, str], ...] = ()
    class_names: dict[str, str] = field(default_factory=dict)  # classes: label as written -> name people read
    calibration: str | None = None  # how the publisher calibrated a model, in words (model card)
    decides_only: bool = False  # set on opening: a classifier with a decision but no probabilities
    traffic: TrafficSpec | None = None  # real requests after launch
    access: tuple[str, ...] = ()  # who may open it when sign-in is on: e-mails, @domains, group:names

    @property
    def predictions_only(self) -> bool:
        return self.model_path is None

    def class_name(self, label: Any) -> Any:
        """The name people read for a label (as `classes:` maps it), else the label itself."""
        return self.class_names.get(str(label), label)

    def label(self, feature: str) -> str:
        info = self.features.get(feature)
        return info.label if info else humanise(feature)

    @property
    def text_features(self) -> list[str]:
        """The features marked `kind: text`, in the order the manifest lists them."""
        return [name for name, info in self.features.items() if info.kind == "text"]


class _ManifestLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: nesting depth, expanded size, and no duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _fail(
                    "bundle.yaml",
                    f"it is nested more than {MAX_DEPTH} levels deep.",
                    "A manifest needs only a few levels; start from a published bundle.yaml.",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > 30:  # Python refuses to parse past 4,300 digits; nothing meant is past 30
            raise _fail(
                "bundle.yaml",
                f"the number on line {node.start_mark.line + 1} is far too large to be meant ({digits:,} digits).",
            )
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise _fail(
                        key_node.value,
                        f"the field `{_short(key_node.value)}` is given twice (line {key_node.start_mark.line + 1}).",
                        "Keep one of them; a repeated field would silently replace the other.",
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_ManifestLoader.add_constructor("tag:yaml.org,2002:int", _ManifestLoader.construct_yaml_int)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds with every alias written out (without writing them)."""
    sizes: dict[int, int] = {}
    order, stack = [], [root]
    while stack:  # children before parents, each node once
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = 0
        order.append(node)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    for node in reversed(order):
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
    return sizes[id(root)]


def load_yaml(text: str) -> Any:
    """Parse a manifest's YAML within the limits; raise BundleError naming what is wrong."""
    if len(text.encode("utf-8", errors="replace")) > MAX_MANIFEST_BYTES:
        raise BundleError(
            f"bundle.yaml is larger than {MAX_MANIFEST_BYTES // 1_000_000} MB, so it was not read.",
            "A manifest is a few kilobytes: keep long documents out of it.",
            field="bundle.yaml",
        )
    loader = None
    try:
        loader = _ManifestLoader(text)
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_NODES:
            raise _fail(
                "bundle.yaml",
                f"its aliases expand to more than {MAX_NODES:,} values.",
                "Write the fields out plainly instead of repeating them through anchors and aliases.",
            )
        return loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or (
            f"a character it cannot hold (#x{exc.character:04x})" if isinstance(exc, yaml.reader.ReaderError) else ""
        )
        problem = problem or type(exc).__name__
        raise BundleError(
            f"bundle.yaml is not valid YAML{where}.",
            "Check the indentation and quoting around that line.",
            detail=f"YAML error in bundle.yaml{where}: {problem}",  # not the line itself: it may hold anything
            field="bundle.yaml",
        ) from None
    except RecursionError:
        raise _fail("bundle.yaml", "it is nested too deeply to read.", "Start from a published bundle.yaml.") from None
    finally:
        if loader is not None:
            loader.dispose()


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
    """access: who may open the bundle when sign-in is on; empty means everyone signed in."""
    listed = raw.get("access")
    if listed is None:
        return ()
    if isinstance(listed, str):
        listed = [listed]
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


def _class_names(raw: dict) -> dict[str, str]:
    """classes: names people read for labels written as codes, e.g. {0: billing, 1: shipping}."""
    entry = raw.get("classes")
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise _fail(
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
        # with no tolerance only exact estimates would count as right, which no regression reaches
        allowed = DEFAULT_TOLERANCE
        notices.append(
            f"bundle.yaml sets no tolerance, so an estimate within {DEFAULT_TOLERANCE.relative * 100:.0f}% of the "
            "truth counts as right; set `tolerance:` to say what is close enough."
        )
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
        calibration=_text(raw, "calibration"),
        traffic=_traffic(raw, folder, task, target),
        access=_access(raw),
    )
