"""Arrays the app keeps on disk (scores, explanations): written atomically, read within limits.

A stored file may come from anywhere (a bundle folder is written by whoever publishes it), so it
is read only after its zip directory and every array header say it fits: no pickles, no member
larger than it claims, nothing beyond a size limit. Anything odd reads as "not there".
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

MAX_BYTES = 512 * 1024 * 1024  # far above what scores or explanations of a large bundle take


def write_arrays(path: Path, **arrays: np.ndarray) -> None:
    """Store arrays at path (an .npz file), replacing any earlier file in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def _header(handle) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise ValueError(f"unknown array format {version}")
    return tuple(shape), dtype


def read_arrays(path: Path, limit: int = MAX_BYTES) -> dict[str, np.ndarray] | None:
    """The arrays in an .npz file, or None when it is absent, damaged, too large or holds objects."""
    path = Path(path)
    if not path.is_file() or path.is_symlink():
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > limit or len(members) > 64:
                return None
            for member in members:
                with archive.open(member) as handle:
                    shape, dtype = _header(handle)
                if dtype.hasobject or any(d < 0 for d in shape):
                    return None
                if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > member.file_size:
                    return None  # the header promises more data than the member holds
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, MemoryError):
        return None
