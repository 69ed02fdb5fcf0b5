"""Hostile bundles and links: no code runs, no markup survives, every input is bounded.

Each refusal is checked by its exact sentence and the field it names.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from core import format as fmt
from core.app import links
from core.bundles import scoring
from core.bundles.bundle import file_sha256, load_bundle, read_spec
from core.bundles.contract import BundleError, describe, parse_manifest
from core.bundles.stored import read_arrays, write_arrays
from core.explaining import explain
from tests.helpers import make_spec


def manifest_of(folder: Path) -> dict:
    return yaml.safe_load((folder / "bundle.yaml").read_text())


def write_manifest(folder: Path, text: str) -> None:
    (folder / "bundle.yaml").write_text(text)


def refusal(folder: Path) -> BundleError:
    with pytest.raises(BundleError) as caught:
        load_bundle(folder)
    return caught.value


# --- the manifest: size, depth, aliases, duplicates, numbers, text, links --------------------


def test_a_manifest_over_one_megabyte_is_not_read(make_bundle):
    folder = make_bundle()
    text = (folder / "bundle.yaml").read_text()
    write_manifest(folder, text + "# " + "x" * 1_000_100 + "\n")
    error = refusal(folder)
    assert error.message == "bundle.yaml is larger than 1 MB, so it was not read."
    assert error.field == "bundle.yaml"


def test_deep_nesting_is_refused_without_recursing(make_bundle):
    folder = make_bundle()
    write_manifest(folder, (folder / "bundle.yaml").read_text() + "extra: " + "[" * 50_000 + "]" * 50_000 + "\n")
    error = refusal(folder)
    assert error.message == "bundle.yaml: it is nested more than 20 levels deep."


def test_a_billion_laughs_is_refused_before_it_expands(make_bundle):
    folder = make_bundle()
    laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    write_manifest(folder, (folder / "bundle.yaml").read_text() + laughs)
    error = refusal(folder)
    assert error.message == "bundle.yaml: its aliases expand to more than 100,000 values."


def test_a_field_given_twice_is_named(make_bundle):
    folder = make_bundle()
    write_manifest(folder, (folder / "bundle.yaml").read_text() + "title: A second title\n")
    error = refusal(folder)
    assert error.message.startswith("bundle.yaml: the field `title` is given twice (line ")
    assert error.field == "title"


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (".nan", "bundle.yaml: `business.volume.count` must be a finite number, not nan."),
        (".inf", "bundle.yaml: `business.volume.count` must be a finite number, not inf."),
        ("1" * 100_000, "bundle.yaml: the number on line {line} is far too large to be meant (100,000 digits)."),
        ("1.0e+300", "bundle.yaml: `business.volume.count` is far too large to be meant (1e+300)."),
        ("-5", "bundle.yaml: `business.volume.count` must be at least 0, not -5."),
    ],
    ids=["nan", "inf", "100k digits", "1e300", "negative"],
)
def test_absurd_numbers_are_refused_by_field(make_bundle, count, message):
    folder = make_bundle(business={"currency": "USD", "volume": {"count": 10, "per": "month"}})
    text = (folder / "bundle.yaml").read_text().replace("count: 10", f"count: {count}")
    write_manifest(folder, text)
    error = refusal(folder)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith("count:"))
    assert error.message == message.format(line=line)
    assert error.field == ("bundle.yaml" if "digits" in message else "business.volume.count")


def test_a_title_far_longer_than_a_title_is_refused(make_bundle):
    folder = make_bundle()
    fields = manifest_of(folder)
    fields["title"] = "x" * 201
    write_manifest(folder, yaml.safe_dump(fields, sort_keys=False))
    error = refusal(folder)
    assert error.message == "bundle.yaml: `title` is 201 characters long; it may be at most 200."


def test_a_manifest_that_links_elsewhere_is_not_read(make_bundle, tmp_path):
    folder = make_bundle()
    outside = tmp_path / "secret.yaml"
    outside.write_text((folder / "bundle.yaml").read_text())
    (folder / "bundle.yaml").unlink()
    os.symlink(outside, folder / "bundle.yaml")
    error = refusal(folder)
    assert error.message == "bundle.yaml is a link to another file, so it was not read."


def test_a_parse_error_names_the_line_but_never_prints_it(make_bundle):
    folder = make_bundle()
    write_manifest(folder, "schema: modelbrief/v1\ntitle: [secret-token-123, unclosed\n")
    error = refusal(folder)
    assert error.message == "bundle.yaml is not valid YAML (line 3, column 1)."
    assert "secret-token-123" not in error.detail
    assert error.detail.startswith("YAML error in bundle.yaml (line 3, column 1): ")


def test_python_tags_are_refused_as_invalid_yaml():
    with pytest.raises(BundleError) as caught:
        parse_manifest("!!python/object/apply:os.system ['touch /tmp/pwned']\n", Path("x"))
    assert caught.value.message == "bundle.yaml is not valid YAML (line 1, column 1)."


# --- the evaluation rows: every row, every column --------------------------------------------


def republish_eval(folder: Path, frame: pd.DataFrame) -> None:
    frame.to_parquet(folder / "eval.parquet", index=False)
    fields = manifest_of(folder)
    fields["eval"]["sha256"] = file_sha256(folder / "eval.parquet")
    write_manifest(folder, yaml.safe_dump(fields, sort_keys=False))


def test_an_infinite_value_deep_in_the_rows_is_found(make_bundle, small_churn):
    folder = make_bundle()
    frame = small_churn[1].copy()
    frame.loc[150, "monthly_charges"] = np.inf
    frame.loc[170, "monthly_charges"] = -np.inf
    republish_eval(folder, frame)
    error = refusal(folder)
    assert error.message == (
        "Column 'monthly_charges' in eval.parquet holds an infinite value in 2 rows (the first is row 151)."
    )
    assert error.field == "monthly_charges"


def test_duplicate_column_names_are_named(make_bundle, small_churn):
    folder = make_bundle()
    frame = small_churn[1].copy()
    frame.insert(1, "age_copy", frame["age"])
    frame.columns = [c if c != "age_copy" else "age" for c in frame.columns]
    frame.to_csv(folder / "eval.csv", index=False)  # parquet refuses duplicate names; csv keeps them
    fields = manifest_of(folder)
    fields["eval"] = {"path": "eval.csv", "sha256": file_sha256(folder / "eval.csv")}
    write_manifest(folder, yaml.safe_dump(fields, sort_keys=False))
    raw = pd.read_csv(folder / "eval.csv")
    raw.columns = frame.columns  # pandas renames duplicates on read ("age.1"): give them back
    from core.bundles.bundle import check_eval, load_model

    spec = read_spec(folder)
    model, _ = load_model(spec)
    with pytest.raises(BundleError) as caught:
        check_eval(spec, model, raw)
    assert caught.value.message == "The evaluation file eval.csv has more than one column named 'age'."


def test_a_model_that_answers_nan_is_a_sentence(make_bundle, tmp_path):
    folder = make_bundle()
    (folder / scoring.BUNDLE_FILE).unlink()  # so the (replaced) model is asked
    bundle = load_bundle(folder)

    class Broken:
        classes_ = bundle.model.classes_

        def predict_proba(self, X):
            out = np.full((len(X), 2), 0.5)
            out[3] = np.nan
            return out

    bundle.model = Broken()
    with pytest.raises(BundleError) as caught:
        scoring.scores(bundle, tmp_path / "cache")
    assert (
        caught.value.message
        == f"The model gave no usable answer (not a number) for 1 of the {len(bundle.eval)} evaluation rows."
    )


# --- model files: .skops trusts what skops trusts, the deployment's list, or a published hash --


def runstring_pipeline():
    from numpy.testing._private.utils import runstring
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    X = np.random.default_rng(0).random((40, 2))
    y = np.where(X[:, 0] > 0.5, "yes", "no")
    return Pipeline(
        [("run", FunctionTransformer(runstring, kw_args={"dict": {}})), ("model", LogisticRegression())]
    ), LogisticRegression().fit(X, y)


def skops_bundle(tmp_path: Path, model, with_hash: bool) -> Path:
    import skops.io as sio

    from core.publishing.publish import publish

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.random(30), "b": rng.random(30)})
    frame["label"] = np.where(frame["a"] > 0.5, "yes", "no")
    source = tmp_path / "source.skops"
    sio.dump(model, source)
    folder = tmp_path / "skops-bundle"
    if with_hash:  # a model fitted on an array names its columns in order
        publish(
            source, frame, target="label", task="binary", out=folder, positive_class="yes", model_features=["a", "b"]
        )
    if not with_hash:
        folder.mkdir()
        sio.dump(model, folder / "model.skops")
        frame.to_parquet(folder / "eval.parquet", index=False)
        write_manifest(
            folder,
            "schema: modelbrief/v1\ntitle: T\ntask: binary\ntarget: label\npositive_class: 'yes'\n"
            "model: {path: model.skops, features: [a, b]}\neval: {path: eval.parquet}\n",
        )
    return folder


def test_a_skops_file_that_would_run_code_is_refused_and_runs_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "marker"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    proof, _ = runstring_pipeline()
    # the payload is live: a model holding runstring executes a string it is handed
    proof.named_steps["run"].transform(code.replace("marker", "marker-proof"))
    assert (tmp_path / "marker-proof").exists()
    pipeline, _ = runstring_pipeline()
    folder = skops_bundle(tmp_path, pipeline, with_hash=False)
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(tmp_path))
    error = refusal(folder)
    assert error.message == (
        "model.skops holds types that are not on the trusted list (numpy.testing._private.utils.runstring), "
        "so it was not opened."
    )
    assert error.hint.startswith("If your team vouches for the file, publish it with its sha256 in bundle.yaml")
    assert error.field == "model.sha256"
    assert not marker.exists()


def test_skops_own_trusted_types_load_without_a_hash(tmp_path, monkeypatch):
    _, plain = runstring_pipeline()
    folder = skops_bundle(tmp_path, plain, with_hash=False)
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(tmp_path))
    assert type(load_bundle(folder).model).__name__ == "LogisticRegression"


def test_a_published_hash_is_the_teams_decision_to_trust_the_file(tmp_path):
    from sklearn.ensemble import GradientBoostingClassifier

    X = np.random.default_rng(0).random((40, 2))
    model = GradientBoostingClassifier(n_estimators=3).fit(X, np.where(X[:, 0] > 0.5, "yes", "no"))
    folder = skops_bundle(tmp_path, model, with_hash=True)
    assert manifest_of(folder)["model"]["sha256"] == file_sha256(folder / "model.skops")
    assert type(load_bundle(folder).model).__name__ == "GradientBoostingClassifier"


def test_the_deployment_allowlist_trusts_named_types_only_from_outside_the_artifacts(tmp_path, monkeypatch):
    from sklearn.ensemble import GradientBoostingClassifier

    X = np.random.default_rng(0).random((40, 2))
    model = GradientBoostingClassifier(n_estimators=3).fit(X, np.where(X[:, 0] > 0.5, "yes", "no"))
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    folder = skops_bundle(artifacts, model, with_hash=False)
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(artifacts))
    assert refusal(folder).message == (
        "model.skops holds types that are not on the trusted list (sklearn.tree._tree.Tree), so it was not opened."
    )
    allowlist = tmp_path / "trusted-types.txt"
    allowlist.write_text("# types our platform team reviewed\nsklearn.tree._tree.Tree\n")
    monkeypatch.setenv("MODELBRIEF_TRUSTED_TYPES", str(allowlist))
    assert type(load_bundle(folder).model).__name__ == "GradientBoostingClassifier"
    planted = artifacts / "trusted-types.txt"
    planted.write_text(allowlist.read_text())
    monkeypatch.setenv("MODELBRIEF_TRUSTED_TYPES", str(planted))
    assert refusal(folder).message == (
        "The list of trusted model types is inside the artifacts folder, where anyone who publishes a bundle "
        "could change it, so it is not used."
    )


# --- stored explanations and scores: checked before use --------------------------------------


def test_stored_arrays_are_read_only_within_limits(tmp_path):
    write_arrays(tmp_path / "ok.npz", values=np.arange(6.0).reshape(2, 3))
    assert read_arrays(tmp_path / "ok.npz")["values"].shape == (2, 3)
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("values.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "<f8", "fortran_order": False, "shape": (80_000_000,)}
            )
            block = bytes(1 << 20)
            for _ in range(640):
                member.write(block)
    assert bomb.stat().st_size < 1_000_000  # under a megabyte on disk, 640 MB unpacked
    assert read_arrays(bomb) is None
    liar = tmp_path / "liar.npz"
    with zipfile.ZipFile(liar, "w") as archive:
        with archive.open("values.npy", "w") as member:
            np.lib.format.write_array_header_1_0(member, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)})
            member.write(bytes(80))
    assert read_arrays(liar) is None
    objects = tmp_path / "objects.npz"
    np.savez(objects, values=np.array([{"a": 1}], dtype=object))
    assert read_arrays(objects) is None


def test_a_forged_explanation_in_the_bundle_is_ignored(make_bundle, tmp_path):
    folder = make_bundle()
    bundle = load_bundle(folder)
    features = list(bundle.features)
    forged = explain.Explanation(
        method="tree",
        features=features,
        outputs=["yes"],
        rows=np.array([0, 1, len(bundle.eval) + 5]),  # a row beyond the evaluation file
        values=np.zeros((3, len(features), 1)),
        base=np.zeros(1),
        predicted=np.zeros((3, 1)),
        seconds=0.0,
    )
    explain.store(forged, folder / explain.BUNDLE_FILE, bundle.content_hash)
    shape = {"features": features, "n_rows": len(bundle.eval)}
    assert explain.restore(folder / explain.BUNDLE_FILE, bundle.content_hash, **shape) is None
    bad_shape = explain.Explanation(**{**forged.__dict__, "rows": np.array([0, 1, 2]), "values": np.zeros((3, 2, 1))})
    explain.store(bad_shape, folder / explain.BUNDLE_FILE, bundle.content_hash)
    assert explain.restore(folder / explain.BUNDLE_FILE, bundle.content_hash, **shape) is None
    result = explain.for_bundle(bundle, tmp_path / "cache")
    assert result.values.shape[1] == len(features) and result.additivity_error() < 1e-6


def test_a_forged_score_cache_is_recomputed(make_bundle, tmp_path):
    folder = make_bundle()
    (folder / scoring.BUNDLE_FILE).unlink()  # published before bundles carried their scores
    bundle = load_bundle(folder)
    cache = tmp_path / "cache"
    write_arrays(cache / f"{bundle.content_hash}.scores.npz", task=np.array("binary"), proba=np.zeros((3, 2)))
    before = scoring.compute_count
    result = scoring.scores(bundle, cache)
    assert scoring.compute_count == before + 1
    assert result.proba.shape == (len(bundle.eval), 2)


# --- what people see: text is text, details name no server path -----------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("![t](http://x.test/t.png)", "\\!\\[t\\]\\(http\\:\u2060\\/\\/x\\.test\\/t\\.png\\)"),
        ("$$x$$ and :red[y]", "\\$\\$x\\$\\$ and \\:\u2060red\\[y\\]"),
        ("www.x.test a@b.test", "www\u2060\\.x\\.test a\\@\u2060b\\.test"),
        ("line one\n# line two", r"line one \# line two"),
        ("safe\u202egnp.exe", r"safegnp\.exe"),
    ],
)
def test_literal_escapes_every_piece_of_markup(text, shown):
    assert fmt.literal(text) == shown


def test_literal_shortens_text_beyond_its_limit():
    assert fmt.literal("L" * 100_000) == "L" * 1_999 + "…"


def test_html_text_holds_no_address():
    assert fmt.html_text("<a href='http://x.test/'>") == "&lt;a href=&#x27;http&#58;&#47;&#47;x.test&#47;&#x27;&gt;"


def test_details_show_the_kind_of_error_and_the_file_never_a_path():
    error = FileNotFoundError(2, "No such file or directory", "/srv/modelbrief/artifacts/churn/model.joblib")
    assert describe(error, "model.joblib") == (
        "FileNotFoundError while reading model.joblib: [Errno 2] No such file or directory: 'model.joblib'"
    )


# --- links: every value clamped to what the controls accept -----------------------------------


@pytest.mark.parametrize(
    ("query", "point", "notices"),
    [
        (
            {"threshold": "0.003"},
            (0.01, 0.6),
            [
                "The link asks for a decision threshold of 0%, beyond what the controls offer (1% to 99%), so 1% is used."
            ],
        ),
        (
            {"threshold": "1"},
            (0.99, 0.6),
            [
                "The link asks for a decision threshold of 100%, beyond what the controls offer (1% to 99%), so 99% is used."
            ],
        ),
        (
            {"threshold": "-0"},
            (0.01, 0.6),
            [
                "The link asks for a decision threshold of 0%, beyond what the controls offer (1% to 99%), so 1% is used."
            ],
        ),
        (
            {"min_confidence": "0.999"},
            (0.5, 0.99),
            [
                "The link asks for a confidence needed to act of 100%, beyond what the controls offer (0% to 99%), so 99% is used."
            ],
        ),
        (
            {"min_confidence": "nan"},
            (0.5, 0.6),
            [
                "The link asked for a confidence needed to act of 'nan', which is not a number from 0 to 1, so the bundle's own setting (60%) is used."
            ],
        ),
        (
            {"threshold": "[Click here](http://x.test) " + "9" * 5000},
            (0.5, 0.6),
            [
                "The link asked for a decision threshold of '[Click here](http://x.test) 99999999999…', which is not a number from 0 to 1, so the bundle's own setting (50%) is used."
            ],
        ),
    ],
)
def test_link_settings_are_clamped_to_the_controls(query, point, notices):
    spec = make_spec(operating_point=links.OperatingPoint(0.5, 0.6))
    found, said = links.point_from_query(query, spec)
    assert (found.threshold, found.min_confidence) == point
    assert said == notices


def test_a_manifest_setting_beyond_the_controls_is_moved_with_a_notice(make_bundle):
    folder = make_bundle(operating_point={"threshold": 1.0, "min_confidence": 1.0})
    spec = load_bundle(folder).spec
    assert (spec.operating_point.threshold, spec.operating_point.min_confidence) == (0.99, 0.99)
    assert spec.notices[:2] == (
        "bundle.yaml sets a decision threshold of 100%, beyond what the controls offer (1% to 99%), so 99% is used.",
        "bundle.yaml sets a confidence needed to act of 100%, beyond what the controls offer (0% to 99%), so 99% is used.",
    )
    assert spec.notices[2:] == (  # the small churn rows leave satisfaction empty now and then
        "61 of the 200 evaluation cases (30%) have a missing value (most in 'satisfaction'); the model fills "
        "them in itself, and every figure includes them.",
    )


@pytest.mark.parametrize("raw", ["²", "0", "7", "9" * 5000, "-1", "1.5", " "])
def test_a_slide_that_does_not_exist_opens_the_first(raw):
    number, notice = links.slide_from_query(raw, 6)
    assert number == 1
    assert notice.endswith("but there are slides 1 to 6, so slide 1 is shown.")
