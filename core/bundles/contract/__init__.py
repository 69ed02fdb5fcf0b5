"""The bundle contract: what `bundle.yaml` may say, checked field by field.

`parse_manifest` turns the YAML text of a bundle into a `BundleSpec` or raises a `BundleError`
whose message names the field and says, in one plain sentence, what is wrong.

- `errors`: `BundleError` and the one-line, path-free wording of any failure;
- `spec`: the limits, and the `BundleSpec` a manifest becomes (features, setting, tolerance, business);
- `yaml_text`: the manifest's YAML read within limits (depth, expanded size, no duplicate keys);
- `manifest`: each field checked and `parse_manifest`, which puts them together.
"""

from core.bundles.contract.errors import BundleError, describe, scrub
from core.bundles.contract.manifest import ACCESS_HINT, PERIODS, parse_manifest
from core.bundles.contract.spec import (
    CONTROL_NAMES,
    CONTROL_RANGES,
    DEFAULT_TOLERANCE,
    EVAL_FORMATS,
    FEATURE_KINDS,
    MAX_DEPTH,
    MAX_MANIFEST_BYTES,
    MAX_NODES,
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
    default_tolerance,
    humanise,
    tolerance_notice,
)
from core.bundles.contract.yaml_text import load_yaml

__all__ = [
    "SCHEMA",
    "TASKS",
    "MODEL_FORMATS",
    "PICKLE_FORMATS",
    "EVAL_FORMATS",
    "MAX_MANIFEST_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_NUMBER",
    "TEXT_LIMITS",
    "SHORT_TEXT",
    "VALUE_KEYS",
    "FeatureInfo",
    "FEATURE_KINDS",
    "OperatingPoint",
    "CONTROL_RANGES",
    "CONTROL_NAMES",
    "control_point",
    "Tolerance",
    "DEFAULT_TOLERANCE",
    "default_tolerance",
    "tolerance_notice",
    "Business",
    "humanise",
    "TrafficSpec",
    "BundleSpec",
    "BundleError",
    "scrub",
    "describe",
    "load_yaml",
    "PERIODS",
    "ACCESS_HINT",
    "parse_manifest",
]
