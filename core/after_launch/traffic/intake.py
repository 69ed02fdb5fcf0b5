"""A batch checked against the bundle before anything is written: every column the model reads,
types as in the evaluation rows, finite numbers, dates a person can read within a sane window, and
outcome labels the model knows. A refusal is one sentence naming the column and the rows.

Also the batch's content digest: the same rows in another file format or compression are the same
batch, whatever their bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from core import format as fmt
from core.bundles.bundle import named_labels
from core.bundles.contract import BundleError

EARLIEST = pd.Timestamp("2000-01-01")  # no batch of real requests is older than this
SHOWN_ROWS = 3


def rows_named(mask) -> str:
    """The rows a check failed on, as a person counts them in the file (the first data row is 1):
    "rows 3, 17 and 90", or "rows 3, 17, 90 and 1,204 more"."""
    numbers = [int(i) + 1 for i in np.flatnonzero(np.asarray(mask))]
    shown = [f"{n:,}" for n in numbers[:SHOWN_ROWS]]
    rest = len(numbers) - len(shown)
    if rest:
        return f"rows {', '.join(shown)} and {rest:,} more"
    if len(shown) == 1:
        return f"row {shown[0]}"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _name(column) -> str:
    return fmt.clean(str(column), limit=60)


def _refuse(message: str, hint: str = "Fix the file and add it again; nothing was changed.") -> BundleError:
    return BundleError(message, hint, field="traffic")


def check(bundle, frame: pd.DataFrame, now: dt.datetime | None = None) -> pd.Series:
    """Refuse a batch that would break or bend the figures; return its times, read."""
    spec = bundle.spec
    traffic = spec.traffic
    if len(frame) == 0:
        raise _refuse("The batch has no rows.")
    if traffic.timestamp not in frame.columns:
        raise _refuse(f"The batch has no '{_name(traffic.timestamp)}' column, which `traffic.timestamp` names.")
    when = _times(frame[traffic.timestamp], traffic.timestamp, now)
    needed = list(bundle.features) if not spec.predictions_only else []
    needed += [c for c in (traffic.score_column, *(c for _, c in traffic.score_columns)) if c]
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        named = ", ".join(f"'{_name(c)}'" for c in missing[:3]) + (
            f" and {len(missing) - 3:,} more" if len(missing) > 3 else ""
        )
        raise _refuse(
            f"The batch has no {named} {'column' if len(missing) == 1 else 'columns'}, which the model reads.",
            "Every batch holds the columns of the evaluation rows; nothing was changed.",
        )
    for column in dict.fromkeys(c for c in bundle.features if c in frame.columns and not spec.predictions_only):
        _like_the_evaluation_rows(frame[column], bundle.eval[column], column)
    for column in dict.fromkeys(c for c in (traffic.score_column, *(c for _, c in traffic.score_columns)) if c):
        _scores(frame[column], column, bounded=spec.task != "regression")
    outcome = traffic.outcome or spec.target
    if outcome in frame.columns:
        _outcomes(frame[outcome], bundle, outcome)
    return when


def _times(values: pd.Series, column: str, now: dt.datetime | None) -> pd.Series:
    when = pd.to_datetime(values, errors="coerce", utc=True).dt.tz_localize(None)
    unread = when.isna().to_numpy()
    if unread.any():
        raise _refuse(f"The batch's '{_name(column)}' column holds values that are not dates ({rows_named(unread)}).")
    latest = pd.Timestamp(now or dt.datetime.now(dt.UTC)).tz_localize(None) + pd.Timedelta(days=1)
    for wrong, words in ((when > latest, "after tomorrow"), (when < EARLIEST, "before 2000")):
        if wrong.any():
            raise _refuse(f"The batch's '{_name(column)}' column holds dates {words} ({rows_named(wrong)}).")
    return when


def _like_the_evaluation_rows(values: pd.Series, reference: pd.Series, column: str) -> None:
    if pd.api.types.is_bool_dtype(reference) or not pd.api.types.is_numeric_dtype(reference):
        return  # categories and text: any value is read (new ones are named on Since launch)
    numbers = pd.to_numeric(values, errors="coerce")
    text = (numbers.isna() & values.notna()).to_numpy()
    if text.any():
        raise _refuse(
            f"The batch's '{_name(column)}' column holds text where the evaluation rows hold numbers ({rows_named(text)})."
        )
    infinite = np.isinf(numbers.to_numpy(dtype=float, na_value=np.nan))
    if infinite.any():
        raise _refuse(f"The batch's '{_name(column)}' column holds infinite numbers ({rows_named(infinite)}).")
    empty = numbers.isna().to_numpy()
    if empty.any() and not reference.isna().any():
        raise _refuse(
            f"The batch's '{_name(column)}' column has empty values ({rows_named(empty)}), and the evaluation "
            "rows have none, so nothing shows how the model treats them.",
            "Fill them as your service does before it asks the model, or leave those rows out; nothing was changed.",
        )


def _scores(values: pd.Series, column: str, bounded: bool) -> None:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    wrong = ~np.isfinite(numbers) & values.notna().to_numpy()
    if wrong.any():
        raise _refuse(
            f"The batch's score column '{_name(column)}' holds values that are not finite numbers ({rows_named(wrong)})."
        )
    if bounded:
        outside = (numbers < 0) | (numbers > 1)
        if outside.any():
            raise _refuse(
                f"The batch's score column '{_name(column)}' holds chances outside 0 to 1 ({rows_named(outside)})."
            )


def _outcomes(values: pd.Series, bundle, column: str) -> None:
    arrived = values.notna().to_numpy()
    if bundle.spec.task == "regression":
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        wrong = arrived & ~np.isfinite(numbers)
        if wrong.any():
            raise _refuse(
                f"The batch's outcome column '{_name(column)}' holds values that are not finite numbers ({rows_named(wrong)})."
            )
        return
    known = {str(c) for c in bundle.classes} | {
        str(v) for v in pd.unique(bundle.y.dropna())
    }  # and the out-of-scope ones
    shown = named_labels(values, bundle.spec).astype(str)  # as written, or as shown
    unknown = arrived & ~(values.astype(str).isin(known) | shown.isin(known)).to_numpy()
    if unknown.any():
        seen = ", ".join(f"'{_name(v)}'" for v in pd.unique(values[unknown])[:3])
        raise _refuse(
            f"The batch's outcome column '{_name(column)}' holds labels neither the model nor the evaluation rows know: {seen} ({rows_named(unknown)}).",
            "Outcomes use the labels of the evaluation rows; leave an outcome empty until it is known. Nothing was changed.",
        )


SLICE = 500_000  # rows hashed at a time: a column of text becomes Python strings only this many at once


def _repeats(column: pd.Series) -> bool:
    """Whether to hash a column's distinct values once each (pandas' default): it pays when values
    repeat. Hashing every row as it is gives the same hashes except for missing values, so it is
    chosen only for a column without them whose values mostly differ (ids, free text)."""
    if column.dtype.kind in "biufcmM" or column.hasnans:
        return True
    sample = column.iloc[:10_000]
    return sample.nunique() <= len(sample) // 2


class _Digest:
    """The rows' content digest, fed one column at a time in name order: the sha256 of the column
    names and of pandas' row hashes (`hash_pandas_object` over the columns in name order), so a
    column can be hashed as it is read and dropped if nothing else needs it."""

    def __init__(self, names: list) -> None:
        self.names, self.done = sorted(names, key=str), 0
        self.combined, self.mult = None, np.uint64(1000003)

    def add(self, column: pd.Series) -> None:
        """The next column (in `names` order): its row hashes folded in as pandas combines them."""
        categorize = _repeats(column)
        hashed = np.concatenate(
            [
                pd.util.hash_pandas_object(column.iloc[i : i + SLICE], index=False, categorize=categorize).to_numpy()
                for i in range(0, len(column), SLICE)
            ]
            or [np.zeros(0, np.uint64)]
        )
        if self.combined is None:
            self.combined = np.zeros_like(hashed) + np.uint64(0x345678)
        self.combined ^= hashed
        self.combined *= self.mult
        self.mult += np.uint64(82520 + 2 * (len(self.names) - self.done))
        self.done += 1

    def hexdigest(self) -> str:
        digest = hashlib.sha256("\x1f".join(map(str, self.names)).encode("utf-8"))
        if self.combined is not None:
            digest.update((self.combined + np.uint64(97531)).tobytes())
        return digest.hexdigest()


def content_digest(frame: pd.DataFrame) -> str:
    """The sha256 of the rows themselves (columns in name order, values as read), so the same rows
    in another format or compression are recognised as the batch they are."""
    digest = _Digest(list(frame.columns))
    for name in digest.names:
        digest.add(frame[name])
    return digest.hexdigest()


def read(path, needed) -> tuple[pd.DataFrame, Callable[[], str]]:
    """A batch file's rows, only the `needed` columns kept (those the file has), and a function
    that returns the content digest of all its columns (worked out once, when first asked: a caller
    may ask while its workers summarise the rows). Parquet is read a column at a time, and the
    columns not needed are read again only to be hashed and dropped, so the batch is held once."""
    from pathlib import Path

    path, needed = Path(path), set(needed)
    if path.suffix.lower() != ".parquet":
        frame = pd.read_csv(path)
        content = content_digest(frame)
        return frame[[c for c in frame.columns if c in needed]], lambda: content
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)  # its metadata read once, for every column
    names = file.schema_arrow.names
    kept = {name: _column(file, name) for name in names if name in needed}
    frame = pd.DataFrame(kept, copy=False)  # in the file's order
    del kept

    @functools.cache
    def content() -> str:
        digest = _Digest(names)
        for name in digest.names:
            digest.add(frame[name] if name in frame.columns else _column(file, name))
        return digest.hexdigest()

    return frame, content


def _column(file, name: str) -> pd.Series:
    """One column of an open Parquet file, as pandas reads it (its Arrow buffers handed over, not copied)."""
    import pyarrow as pa

    table = file.read(columns=[name])
    column = table.to_pandas(self_destruct=True)[name]
    del table
    pa.default_memory_pool().release_unused()
    return column


def needed(bundle) -> list[str]:
    """The columns of a batch anything reads: its time, the model's inputs, the scores and the outcome."""
    spec, traffic = bundle.spec, bundle.spec.traffic
    return [traffic.timestamp, *bundle.features, *(c for c in (traffic.score_column, *(c for _, c in traffic.score_columns)) if c),
            traffic.outcome or spec.target]  # fmt: skip
