"""Model and evaluation files, opened safely: the sha256 first, skops' trusted types, rows read lean."""

from __future__ import annotations

import os
import pickle
import threading
import weakref
from pathlib import Path
from typing import Any

import pandas as pd

from core.bundles.bundle.folders import artifacts_root, file_sha256
from core.bundles.contract import PICKLE_FORMATS, BundleError, BundleSpec, describe

TRUSTED_TYPES_ENV = "MODELBRIEF_TRUSTED_TYPES"


def _verify(path: Path, expected: str | None, key: str) -> str:
    actual = file_sha256(path)
    if expected is not None and actual != expected:
        raise BundleError(
            f"{path.name} does not match the sha256 in bundle.yaml, so it was not opened.",
            "The file changed after the bundle was published: publish it again, "
            f"or update {key} if you trust this file.",
            detail=f"bundle.yaml says {expected}\nthe file is   {actual}",
            field=key,
        )
    return actual


def trusted_types() -> frozenset[str]:
    """Type names the deployment trusts in .skops files beyond skops' own list.

    Read from the file named by $MODELBRIEF_TRUSTED_TYPES (one name a line, # for comments). The
    file must live outside the artifacts folder: whoever can publish a bundle must not be able to
    widen what the app trusts.
    """
    setting = os.environ.get(TRUSTED_TYPES_ENV)
    if not setting:
        return frozenset()
    path = Path(setting).resolve()
    if path.is_relative_to(artifacts_root()):
        raise BundleError(
            "The list of trusted model types is inside the artifacts folder, where anyone who publishes a "
            "bundle could change it, so it is not used.",
            f"Move the file named by {TRUSTED_TYPES_ENV} outside the artifacts folder.",
            field="model.path",
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BundleError(
            "The list of trusted model types could not be read.",
            f"Check the file named by {TRUSTED_TYPES_ENV}.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    return frozenset(n for n in (line.split("#", 1)[0].strip() for line in lines) if n)


def _load_skops(path: Path, verified: bool) -> Any:
    """Open a .skops file: skops' own trusted types always; any other type only when allowed.

    A type outside skops' list is allowed when the deployment's list names it, or when the
    manifest carries the file's sha256 (checked before this is called): publishing the hash is
    the team vouching for the file, exactly as for a pickle.
    """
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise BundleError(
            f"{path.name} could not be read: the file is truncated or damaged.",
            "Publish the bundle again from the original model.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    if verified:
        return sio.load(path, trusted=untrusted)
    foreign = sorted(set(untrusted) - trusted_types()) if untrusted else []
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise BundleError(
            f"{path.name} holds types that are not on the trusted list ({shown}), so it was not opened.",
            "If your team vouches for the file, publish it with its sha256 in bundle.yaml (model.sha256); "
            f"a deployment can also trust a type by naming it in the file given by {TRUSTED_TYPES_ENV}.",
            field="model.sha256",
        )
    return sio.load(path, trusted=list(untrusted) or None)


def load_model(spec: BundleSpec) -> tuple[Any, str]:
    """Verify the model file's hash, then open it. Returns the model and its sha256."""
    path = spec.model_path
    digest = _verify(path, spec.model_sha256, "model.sha256")
    try:
        if path.suffix.lower() in PICKLE_FORMATS:
            import joblib

            model = joblib.load(path)
        else:
            model = _load_skops(path, verified=spec.model_sha256 is not None)
    except BundleError:
        raise
    except ModuleNotFoundError as exc:
        raise BundleError(
            missing_module_sentence(path.name, exc.name),
            MISSING_MODULE_HINT.format(module=exc.name),
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    except (EOFError, pickle.UnpicklingError, ValueError, IndexError, KeyError, OSError) as exc:
        raise BundleError(
            f"{path.name} could not be read: the file is truncated or damaged.",
            "Publish the bundle again from the original model.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    except Exception as exc:  # unpickling can raise almost anything
        raise BundleError(
            f"{path.name} could not be opened with the libraries installed here.",
            "It may have been saved with another version of scikit-learn; publish it again here.",
            detail=describe(exc, path.name),
            field="model.path",
        ) from None
    from core.bundles import native

    return native.adapt(model, path.name), digest


MISSING_MODULE_HINT = (
    "Make '{module}' importable where the app runs: install the package that provides it, or add the folder "
    "that holds it to PYTHONPATH; then reload."
)


def missing_module_sentence(file_name: str, module: str | None) -> str:
    return f"{file_name} needs the Python module '{module}', which cannot be imported here."


def needed_modules(model: Any) -> tuple[str, ...]:
    """The top-level Python modules a model's pickle names (where its classes and functions live),
    sorted: what must be importable to open it again. Read from the pickle's GLOBAL opcodes
    (protocol 2 names each global as "module name"); () when the model cannot be pickled."""
    import pickle
    import pickletools

    try:
        data = pickle.dumps(model, protocol=2, fix_imports=False)  # names as Python 3 writes them
    except Exception:
        return ()
    found = {arg.split(" ", 1)[0].split(".")[0] for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"}
    return tuple(sorted(found))


def missing_module(modules) -> str | None:
    """The first of `modules` that cannot be imported here, without importing any of them."""
    import importlib.util

    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):  # __main__ and the like: opening says what is wrong
            continue
    return None


def read_rows(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """An evaluation file as a frame: parquet, else csv. `columns`: only these (parquet), those
    the file does not hold left out (the checks then say what is missing).

    Parquet is converted column by column, each freed as it is converted (`self_destruct`), and
    the memory Arrow kept for reuse is handed back: at a million rows that is about 90 MB less
    held, and less at the peak."""
    if path.suffix.lower() != ".parquet":
        return pd.read_csv(path)
    import pyarrow as pa
    import pyarrow.parquet as pq

    if columns is not None:
        held = pq.read_schema(path).names
        columns = [c for c in held if c in set(columns)]  # in the file's order
    table = pq.read_table(path, columns=columns)
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    pa.default_memory_pool().release_unused()
    return frame


class SharedRows:
    """The columns of one evaluation file as read, shared by every bundle opened on a file with the
    same sha256 (a champion and its challenger): each bundle gets a frame of its own over the same
    column arrays, and a column one bundle changes (copy on write) is its own. Held while a bundle
    holds it."""

    def __init__(self, digest: str):
        self.digest = digest
        self.columns: dict[str, pd.Series] = {}
        self.order: list[str] | None = None  # every column of the file, in its order, once known
        self.lock = threading.Lock()

    def frame(self, path: Path, wanted: list[str] | None) -> pd.DataFrame:
        """The file's rows, only the `wanted` columns it holds (in its order), reading only those
        not read before."""
        with self.lock:
            if self.order is None and (wanted is None or path.suffix.lower() != ".parquet"):
                read = read_rows(path)  # every column (a csv is read whole)
                self.order = list(read.columns)
                self.columns.update({c: read[c] for c in read.columns if c not in self.columns})
            elif self.order is None:
                import pyarrow.parquet as pq

                self.order = list(pq.read_schema(path).names)
            held = self.order if wanted is None else [c for c in self.order if c in set(wanted)]
            missing = [c for c in held if c not in self.columns]
            if missing:
                read = read_rows(path, missing)
                self.columns.update({c: read[c] for c in read.columns})
            if not held:
                return pd.DataFrame()
            return pd.DataFrame({c: self.columns[c] for c in held}, copy=False)


_shared: weakref.WeakValueDictionary[str, SharedRows] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def shared_rows(digest: str) -> SharedRows:
    """The rows of the evaluation file with this sha256, shared while any bundle holds them."""
    with _shared_lock:
        rows = _shared.get(digest)
        if rows is None:
            rows = _shared[digest] = SharedRows(digest)
        return rows


def load_eval(spec: BundleSpec, columns: list[str] | None = None) -> tuple[pd.DataFrame, str, SharedRows]:
    """Verify and read the evaluation file (only `columns` when given). Returns the frame, its
    sha256 and the rows it shares with other bundles on the same file (hold them while using the frame)."""
    path = spec.eval_path
    digest = _verify(path, spec.eval_sha256, "eval.sha256")
    rows = shared_rows(digest)
    try:
        frame = rows.frame(path, columns)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except Exception as exc:
        raise BundleError(
            f"{path.name} could not be read as a {path.suffix[1:]} file.",
            "Check that the file is complete and in the format its name says.",
            detail=describe(exc, path.name),
            field="eval.path",
        ) from None
    if len(frame) == 0:
        raise BundleError(
            f"The evaluation file {path.name} has no rows.",
            "Export the held-out evaluation rows again; the app needs them to measure the model.",
            field="eval.path",
        )
    return frame, digest, rows
