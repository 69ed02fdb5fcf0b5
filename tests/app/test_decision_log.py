"""The decision log on the Model card and in the report, with entries on older files marked; the
sign-off offered on the Overview and on the decision slide."""

from __future__ import annotations

import shutil

from tests.helpers import seen


def root_with(demo_root, tmp_path, bundle_id="churn-gbm"):
    root = tmp_path / "root"
    shutil.copytree(demo_root / bundle_id, root / bundle_id)
    return root


def test_an_entry_on_older_files_is_marked_and_the_report_lists_the_log(app, demo_root, tmp_path, monkeypatch):
    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics
    from core.outputs import report
    from core.team import decisions

    root = root_with(demo_root, tmp_path)
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(root))
    bundle = load_bundle(root / "churn-gbm")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path / "cache"))
    headline = metrics.headline(data, bundle.spec.operating_point)
    older = type(bundle)(**{**bundle.__dict__, "model_sha256": "1" * 64})
    decisions.record(older, bundle.spec.operating_point, headline, "reject", "Too few cases.", "ana@example.com")
    decisions.record(bundle, bundle.spec.operating_point, headline, "approve", "", "ben@example.com")
    card = app(root, bundle="churn-gbm").switch_page("pages/card.py").run()
    shown = [seen(m.value) for m in card.markdown]
    assert any(m.startswith("**Approved** · ben@example.com · ") and "older" not in m for m in shown), shown
    assert any(
        m.startswith("**Rejected** · ana@example.com · ") and m.endswith("made on an older version of the files")
        for m in shown
    )
    lines = report.decision_lines(decisions.history("churn-gbm"), bundle)
    assert lines[0].startswith("Approved by ben@example.com, ")
    assert lines[1].endswith("(made on an older version of the files): Too few cases.")
    built = report.build(bundle, data, None, bundle.spec.operating_point)
    built.decisions = lines
    html = report.to_html(built)
    assert "Decisions signed" in html and "ana@example.com" in html


def test_the_decision_slide_and_the_overview_offer_a_sign_off(app, demo_root, tmp_path):
    """(Signing itself is clicked in a real browser: tests/browser/test_decision_browser.py.)"""
    root = root_with(demo_root, tmp_path)
    from core.outputs import deck

    last = len(deck.names({"group_gap": None}))  # the decision is the last slide (churn-gbm has groups, no rival here)
    at = app(root, bundle="churn-gbm", slide=str(last)).switch_page("pages/present.py").run()
    assert not at.exception
    assert "Sign off" in [seen(p.proto.popover.label) for p in at.get("popover")]
    overview = app(root, bundle="churn-gbm").switch_page("pages/overview.py").run()
    assert overview.button(key="sign-overview").proto.label == "Sign"
    assert [o for o in overview.radio(key="verdict-overview").options] == [
        "Approved", "Approved with conditions", "Rejected", "Needs more work"
    ]  # fmt: skip


def test_the_card_says_whether_the_log_is_verified_and_names_an_entry_changed_outside_it(
    app, demo_root, tmp_path, monkeypatch
):
    from sqlalchemy import create_engine, text

    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics
    from core.team import decisions

    root = root_with(demo_root, tmp_path)
    monkeypatch.setenv("MODELBRIEF_ARTIFACTS", str(root))
    bundle = load_bundle(root / "churn-gbm")
    data = metrics.from_bundle(bundle, scoring.scores(bundle, tmp_path / "cache"))
    headline = metrics.headline(data, bundle.spec.operating_point)
    for signer in ("ana@example.com", "ben@example.com"):
        decisions.record(bundle, bundle.spec.operating_point, headline, "approve", "", signer)
    card = app(root, bundle="churn-gbm").switch_page("pages/card.py").run()
    assert "Verified: 2 entries, none changed or removed outside the app." in [seen(c.value) for c in card.caption]
    assert not card.warning
    with create_engine(decisions.database_url()).begin() as connection:  # someone edits the database by hand
        connection.execute(text("update modelbrief_decisions set verdict = 'reject' where seq = 1"))
    card = app(root, bundle="churn-gbm").switch_page("pages/card.py").run()
    day = f"{decisions.history('churn-gbm')[0].signed_at:%d %b %Y}"
    assert [seen(w.value) for w in card.warning] == [
        f"Not verified: entry 1 (Rejected by ana@example.com on {day}) was changed outside the app."
    ]


def test_the_sign_off_confirmation_stays_through_later_runs(app, demo_root, tmp_path):
    """Background work the page waited on reruns it when done; the confirmation must still be there."""
    from core.team import decisions

    root = root_with(demo_root, tmp_path)
    overview = app(root, bundle="churn-gbm").switch_page("pages/overview.py").run()
    overview.radio(key="verdict-overview").set_value("reject")
    overview.button(key="sign-overview").click().run()
    assert not overview.exception

    def confirmed():
        return [seen(s.value).split(", by ")[0] for s in overview.success if "decision log" in seen(s.value)]

    assert confirmed() == ["Kept in the decision log: Rejected"]
    overview.run()
    assert confirmed() == ["Kept in the decision log: Rejected"]
    assert [e.verdict for e in decisions.history("churn-gbm")] == ["reject"]  # kept once, not once per run
