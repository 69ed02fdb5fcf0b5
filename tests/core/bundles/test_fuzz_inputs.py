"""Fuzzing what a bundle's publisher and a link's sender control.

Every manifest ends in an opened bundle or one BundleError sentence, never another exception,
and quickly; every query string ends in a setting the controls accept.
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.app import links
from core.bundles.bundle import load_bundle
from core.bundles.contract import BundleError, OperatingPoint, parse_manifest
from tests.helpers import make_spec

SECONDS = 5.0  # far above what one load takes here; a manifest that blows up would take much longer

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300)
    | st.sampled_from(["binary", "multiclass", "regression", "yes", "no", "model.joblib", "../x", "0.5", "[]"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "schema", "title", "task", "target", "positive_class", "subject", "subjects", "action", "event", "id_column",
    "segments", "features", "operating_point", "tolerance", "business", "card", "model", "eval", "version",
    "created", "owner", "summary",
]  # fmt: skip


def _one_sentence(error: BundleError) -> None:
    assert error.message and "\n" not in error.message and "Traceback" not in error.detail
    assert len(error.message) < 600


@settings(max_examples=300, deadline=timedelta(seconds=SECONDS), suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=2000) | st.binary(max_size=2000).map(lambda b: b.decode("latin-1")))
def test_any_text_as_a_manifest_is_a_spec_or_one_sentence(tmp_path_factory, text):
    folder = tmp_path_factory.getbasetemp() / "fuzz-text"
    try:
        parse_manifest(text, folder)
    except BundleError as error:
        _one_sentence(error)


@pytest.fixture(scope="module")
def valid_bundle(tmp_path_factory, small_churn):
    from core.publishing.publish import publish

    model, evaluation = small_churn
    folder = tmp_path_factory.mktemp("fuzz") / "valid"
    publish(model, evaluation, target="churned", task="binary", out=folder, positive_class="yes")
    return folder


@settings(
    max_examples=150,
    deadline=timedelta(seconds=SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=4), data=st.data())
def test_any_change_to_a_manifest_opens_or_is_one_sentence(valid_bundle, tmp_path, changes, data):
    folder = tmp_path / f"bundle-{time.monotonic_ns()}"
    shutil.copytree(valid_bundle, folder)
    fields = yaml.safe_load((folder / "bundle.yaml").read_text())
    for key, value in changes.items():
        if isinstance(fields.get(key), dict) and isinstance(value, dict) and data.draw(st.booleans()):
            fields[key].update(value)  # change one part of a section, keeping the rest
        else:
            fields[key] = value
    (folder / "bundle.yaml").write_text(yaml.safe_dump(fields, allow_unicode=True))
    started = time.monotonic()
    try:
        bundle = load_bundle(folder)
    except BundleError as error:
        _one_sentence(error)
    else:
        assert bundle.spec.task in ("binary", "multiclass", "regression")
    assert time.monotonic() - started < SECONDS


queries = st.dictionaries(
    st.sampled_from(["threshold", "min_confidence", "slide", "bundle", "case", "edits", "audience", "x"]),
    st.text(max_size=60) | st.floats(allow_nan=True).map(str) | st.integers().map(str),
    max_size=5,
)


@settings(max_examples=500, deadline=timedelta(seconds=1))
@given(query=queries, threshold=st.floats(0, 1), min_confidence=st.floats(0, 1))
def test_any_link_gives_a_setting_the_controls_accept(query, threshold, min_confidence):
    spec = make_spec(operating_point=OperatingPoint(threshold, min_confidence))
    point, notices = links.point_from_query(query, spec)
    for key in links.POINT_KEYS:
        low, high = links.CONTROL_RANGES[key]
        value = getattr(point, key)
        assert low <= value <= high and round(value, 2) == value and str(value) != "-0.0"
    assert all(len(n) < 400 for n in notices)
    number, notice = links.slide_from_query(query.get("slide"), 6)
    assert 1 <= number <= 6
    edits = links.edits_from_query(query.get("edits"), ["contract", "monthly_charges"])
    assert set(edits) <= {"contract", "monthly_charges"}
