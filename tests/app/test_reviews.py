"""Compare and Model card through AppTest."""

from __future__ import annotations

from tests.app.test_home import DEMOS
from tests.helpers import html_tables, seen


def open_page(app, root, page, **query):
    return app(root, **query).switch_page(page).run()


def test_compare_champion_and_challenger(app, demo_root):
    at = open_page(app, demo_root, "pages/compare.py", bundle="churn-gbm")
    assert not at.exception
    assert at.selectbox(key="compare").value == "churn-logreg"
    assert at.query_params["compare"] == "churn-logreg"
    assert [h.value for h in at.subheader][:1] == ["The verdict"]
    verdict = seen(at.main.markdown[0].value)
    assert "Churn risk" in verdict and ("noise" in verdict)
    assert len(html_tables(at)) >= 4


def test_compare_explains_rows_that_do_not_match(app, demo_root):
    at = open_page(app, demo_root, "pages/compare.py", bundle="support-router", compare="churn-gbm")
    assert not at.exception
    assert seen(at.main.warning[0].value) == (
        "These two cannot be compared case by case. Support ticket router is a multiclass model and Churn risk, "
        "gradient boosting a binary one, so they answer different questions."
    )


def test_model_card_for_every_demo_bundle(app, demo_root):
    for bundle_id in DEMOS:
        at = open_page(app, demo_root, "pages/card.py", bundle=bundle_id)
        assert not at.exception
        assert [h.value for h in at.subheader] == ["In the team's words", "What the app measured", "Decisions signed"]
        facts = [seen(m.value.split("**")[1]) for m in at.main.markdown if m.value.startswith("**") and "\n" in m.value]
        assert facts[:3] == ["Evaluated on", "Version and date", "Owner"]
    at = open_page(app, demo_root, "pages/card.py", bundle="churn-logreg")
    assert seen(at.main.warning[0].value).startswith(
        "The team has not yet written 3 of the 5 parts of this card: Not for"
    )
    assert sum(m.value == ":orange[Not written yet.]" for m in at.main.markdown) == 3


def test_a_broken_bundle_is_never_offered_to_compare(app, mixed_root, small_churn):
    import shutil

    import numpy as np
    import yaml

    from core.bundles.bundle import file_sha256
    from core.publishing.publish import publish

    model, evaluation = small_churn
    publish(model, evaluation, target="churned", task="binary", out=mixed_root / "healthy", positive_class="yes")
    shutil.copytree(mixed_root / "healthy", mixed_root / "inf-row")
    broken = evaluation.copy()
    broken.loc[150, "monthly_charges"] = np.inf  # one bad row deep in the file, with a matching hash
    broken.to_parquet(mixed_root / "inf-row" / "eval.parquet", index=False)
    fields = yaml.safe_load((mixed_root / "inf-row" / "bundle.yaml").read_text())
    fields["eval"]["sha256"] = file_sha256(mixed_root / "inf-row" / "eval.parquet")
    fields["title"] = "Inf row"
    (mixed_root / "inf-row" / "bundle.yaml").write_text(yaml.safe_dump(fields))

    at = open_page(app, mixed_root, "pages/compare.py", bundle="healthy")
    assert not at.exception
    assert seen(at.main.info[0].value) == (
        "No other model was evaluated on the same cases as Healthy, so none can be compared with it case by case. "
        "Publish a second model with the same evaluation file to compare them."
    )
    assert at.selectbox(key="compare").value is None  # it never opens on a model it cannot be compared with
    assert not at.subheader
    offered = at.selectbox(key="compare").options
    assert "Churn risk, gradient boosting (other rows: cannot be compared)" in offered
    assert not [title for title in offered if "Inf row" in title or "broken" in title.lower()]
