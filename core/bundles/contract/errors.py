"""`BundleError`: what is wrong in one plain sentence, with a hint and details; any failure worded without paths."""

from __future__ import annotations

import re


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


def _fail(field_name: str, message: str, hint: str = "", detail: str = "") -> BundleError:
    return BundleError(f"bundle.yaml: {message}", hint=hint, detail=detail, field=field_name)
