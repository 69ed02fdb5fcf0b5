"""What a bundle may say once checked: the limits, `BundleSpec` and the parts it is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    default: bool = False  # chosen by the app because bundle.yaml sets none: every page says so


DEFAULT_TOLERANCE = Tolerance(relative=0.1, default=True)
DEFAULT_SPREAD_SHARE = 0.1  # a target that reaches zero: the default is this share of its middle half's width


def default_tolerance(target) -> Tolerance:
    """The tolerance a regression bundle that sets none is measured with.

    10% of the truth, unless the target reaches zero or below: a share of a zero truth is zero, so
    only exact estimates would count as right near it. Then a distance in the target's units: a
    tenth of the width of its middle half (of its standard deviation when that width is zero),
    to two significant figures."""
    import numpy as np

    values = np.asarray(target, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values) or values.min() > 0:
        return DEFAULT_TOLERANCE
    low, high = np.percentile(values, [25, 75])
    spread = float(high - low) or float(values.std())
    if spread <= 0:
        return DEFAULT_TOLERANCE
    amount = DEFAULT_SPREAD_SHARE * spread
    digits = 1 - int(np.floor(np.log10(amount)))
    return Tolerance(absolute=float(round(amount, digits)), default=True)


def tolerance_notice(tolerance: Tolerance) -> str:
    """The sentence every page shows for a tolerance the app chose."""
    if tolerance.absolute is not None:
        close = (
            f"an estimate within {tolerance.absolute:g} of the truth counts as right (a tenth of the spread of "
            "the middle half of the true values, which reach zero)"
        )
    else:
        close = f"an estimate within {tolerance.relative * 100:.0f}% of the truth counts as right"
    return f"bundle.yaml sets no tolerance, so by default {close}; set `tolerance:` to say what is close enough."


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


def _identifier(text: str) -> bool:
    """Whether a value is written as a snake_case identifier ('bug_report'), not as words.

    >>> _identifier("bug_report"), _identifier("month-to-month"), _identifier("Premium"), _identifier("_x")
    (True, False, False, False)
    """
    import re

    return re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+", text) is not None


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
    groups: tuple[str, ...] = ()  # columns whose groups of people are compared for fairness (numbers banded)
    group_min_gap: float = 0.05  # groups.min_gap: the smallest gap in an error rate worth a finding
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
    labels: dict[str, str] = field(default_factory=dict)  # labels: class or category value as written -> words shown
    calibration: str | None = None  # how the publisher calibrated a model, in words (model card)
    decides_only: bool = False  # set on opening: a classifier with a decision but no probabilities
    traffic: TrafficSpec | None = None  # real requests after launch
    access: tuple[str, ...] = ()  # who may open it when sign-in is on: e-mails, @domains, group:names

    @property
    def predictions_only(self) -> bool:
        return self.model_path is None

    def class_name(self, label: Any) -> Any:
        """The name people read for a class: as `labels:` or `classes:` name it, else a name written
        as an identifier in words ('bug_report' -> 'Bug report'), else the label itself."""
        text = str(label)
        return self.labels.get(text) or self.class_names.get(text) or (humanise(text) if _identifier(text) else label)

    def value_name(self, value: Any) -> str:
        """The words shown for a category value: as `labels:` names it, else a value written as an
        identifier in words ('business_partner' -> 'Business partner'), else the value itself."""
        text = str(value)
        return self.labels.get(text) or (humanise(text) if _identifier(text) else text)

    def label(self, feature: str) -> str:
        info = self.features.get(feature)
        return info.label if info else humanise(feature)

    @property
    def text_features(self) -> list[str]:
        """The features marked `kind: text`, in the order the manifest lists them."""
        return [name for name, info in self.features.items() if info.kind == "text"]
