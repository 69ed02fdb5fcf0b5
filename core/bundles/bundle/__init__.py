"""Find, verify and open model bundles.

A bundle is a folder with `bundle.yaml`, a model file and an evaluation file. `load_bundle`
checks everything a person could get wrong and raises `BundleError` with a plain sentence;
nothing is unpickled before its sha256 has been checked.

- `folders`: where bundles live, their hashes and keys, the opened `Bundle`, reading `bundle.yaml`;
- `files`: model files opened safely (hash first, skops' trusted types) and evaluation rows read;
- `checks`: the evaluation rows against the model (columns, numbers, labels, the positive class);
- `scores_only`: bundles that bring their predictions instead of a model;
- `opening`: `load_bundle`, which puts the above together.
"""

from core.bundles.bundle.checks import (
    SCREEN_ROWS,
    align_categories,
    check_eval,
    class_index,
    declared_width,
    model_features,
    other_columns,
    own_names,
)
from core.bundles.bundle.files import (
    MISSING_MODULE_HINT,
    TRUSTED_TYPES_ENV,
    load_eval,
    load_model,
    missing_module,
    missing_module_sentence,
    needed_modules,
    read_rows,
    trusted_types,
)
from core.bundles.bundle.folders import (
    LFS_POINTER,
    MANIFEST,
    SMOKE_ROWS,
    Bundle,
    artifacts_root,
    content_hash_of,
    discover,
    figures_key_of,
    file_sha256,
    final_estimator,
    fingerprint,
    read_spec,
)
from core.bundles.bundle.opening import load_bundle
from core.bundles.bundle.scores_only import check_predictions, named_labels, predictions_digest

__all__ = [
    "MANIFEST",
    "LFS_POINTER",
    "SMOKE_ROWS",
    "artifacts_root",
    "discover",
    "file_sha256",
    "fingerprint",
    "Bundle",
    "content_hash_of",
    "figures_key_of",
    "read_spec",
    "final_estimator",
    "TRUSTED_TYPES_ENV",
    "trusted_types",
    "load_model",
    "read_rows",
    "load_eval",
    "model_features",
    "MISSING_MODULE_HINT",
    "missing_module",
    "missing_module_sentence",
    "needed_modules",
    "own_names",
    "declared_width",
    "other_columns",
    "SCREEN_ROWS",
    "align_categories",
    "check_eval",
    "class_index",
    "load_bundle",
    "named_labels",
    "predictions_digest",
    "check_predictions",
]
