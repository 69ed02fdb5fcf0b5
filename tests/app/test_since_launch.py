"""The Since launch page with every demo bundle, and with a bundle that has no traffic."""

from __future__ import annotations

import json

import pytest

from core.bundles.contract import BundleError
from tests.app.test_home import DEMOS
from tests.core.after_launch.test_traffic import CHANGES
from tests.helpers import charts_with_titles, seen


def texts(at) -> list[str]:
    return [seen(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success)]


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_the_page_tells_each_demo_what_changed_since_launch(app, demo_root, bundle_id):
    at = app(demo_root, bundle=bundle_id).switch_page("pages/since_launch.py").run()
    assert not at.exception and not at.error
    assert [s.value for s in at.subheader] == [
        "Is it still handling the work?",
        "Is it still right?",
        "What changed in what comes in",
    ]
    shown = texts(at)
    assert any("18,000" in t and "from the week of 31 Aug to the week of 16 Nov, per week" in t for t in shown)
    if bundle_id in CHANGES:
        assert CHANGES[bundle_id] in shown
    assert len(at.get("vega_lite_chart")) >= 3
    assert at.dataframe  # drift per input
    assert at.query_params["bundle"] in (bundle_id, [bundle_id])


UNMEASURED = {
    "churn-gbm": "The latest six weeks have no outcomes yet, so the dashed line estimates how often it was right from "
    "its own confidence, which held in the tests. It is an estimate, not a measurement.",
    "support-router": "The latest six weeks have no outcomes yet, and nothing is drawn for them: its confidence did "
    "not hold in the tests, so it cannot stand in for outcomes. They will be measured as their outcomes are added.",
    "delivery-eta": "The latest six weeks have no outcomes yet, and nothing is drawn for them: a model that estimates "
    "a number gives no confidence to estimate from. They will be measured as their outcomes are added.",
}


@pytest.mark.parametrize("bundle_id", list(UNMEASURED))
def test_weeks_without_outcomes_are_estimated_or_say_why_not(app, demo_root, bundle_id):
    at = app(demo_root, bundle=bundle_id).switch_page("pages/since_launch.py").run()
    assert UNMEASURED[bundle_id] in texts(at)
    title, spec = next((t, c) for t, c in charts_with_titles(at) if "when it acts" in json.dumps(c))
    right = json.dumps(spec)
    assert "of the time when it acts in the 6 weeks with outcomes (to 5 Oct); " in title, title
    if bundle_id == "churn-gbm":  # measured and estimated, with a legend naming both
        assert "Measured where outcomes have arrived" in right
        assert "Estimated from its confidence (outcomes not in yet)" in right
    else:
        assert "Estimated" not in right


def test_a_bundle_without_traffic_says_how_to_add_it(app, make_bundle, tmp_path):
    make_bundle("no-traffic")
    at = app(tmp_path, bundle="no-traffic").switch_page("pages/since_launch.py").run()
    assert not at.exception
    assert at.info[0].value.startswith("This model has no traffic yet.")


def test_every_summary_carries_one_since_launch_line(app, demo_root, tmp_path, monkeypatch):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(demo_root / "support-router", root / "support-router")
    monkeypatch.setenv("MODELBRIEF_CACHE", str(tmp_path / "cache"))
    logged = "Since launch: 18,000 tickets from 31 Aug to 22 Nov 2026. Open Since launch to see how it is doing."
    home = app(root)
    assert not home.exception
    assert logged in [seen(c.value) for c in home.caption]  # from the batch log: Home opens no bundle

    overview = app(root, bundle="support-router").switch_page("pages/overview.py").run()
    line = f"Since launch: 18,000 tickets over 12 weeks. {CHANGES['support-router']} One more thing has changed beyond normal variation."
    assert line in [seen(w.value) for w in overview.warning]
    home = app(root)
    assert line in [seen(w.value) for w in home.warning]  # the figures, once worked out, reach the card

    slide = app(root, bundle="support-router", slide="1").switch_page("pages/present.py").run()
    assert any(line in h.proto.body for h in slide.get("html"))


def test_a_bad_batch_gets_one_sentence_and_the_rest_of_the_app_keeps_working(app, demo_root, tmp_path):
    import shutil

    import pandas as pd

    from core.after_launch import traffic

    root = tmp_path / "root"
    shutil.copytree(demo_root / "delivery-eta", root / "delivery-eta")
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"seen_at": ["2026-11-23 10:00"] * 3, "carrier": ["Own fleet"] * 3}).to_parquet(bad)
    with pytest.raises(BundleError):  # `add` refuses it ...
        traffic.add(root / "delivery-eta", bad)
    shutil.copyfile(bad, root / "delivery-eta" / "traffic" / "by-hand.parquet")  # ... so it is put there by hand
    at = app(root, bundle="delivery-eta").switch_page("pages/since_launch.py").run()
    assert not at.exception
    said = [seen(e.value) for e in at.error]
    assert len(said) == 1 and "A traffic batch lacks columns the model reads: warehouse, weekday, rain" in said[0]
    overview = app(root, bundle="delivery-eta").switch_page("pages/overview.py").run()
    assert not overview.exception
    assert [s.value for s in overview.subheader][0] == "The top three reasons behind its predictions"


# --- the risks include it ------------------------------------------------------------------------------


def test_changes_since_launch_are_risks_on_the_overview_the_slides_and_the_report(app, demo_root):
    from core.app.session import caches  # noqa: F401 - the page's caches, as the app builds them
    from core.bundles.bundle import load_bundle
    from core.outputs import deck, report, story
    from tests.core.after_launch.test_traffic import launched

    change = CHANGES["support-router"]
    overview = app(demo_root, bundle="support-router").switch_page("pages/overview.py").run()
    assert not overview.exception
    assert "Risks and caveats" in [s.value for s in overview.subheader]
    assert change in [seen(w.value) for w in overview.warning]  # among the risks, not only in the line

    bundle = load_bundle(demo_root / "support-router")
    since = launched(bundle, demo_root / ".test-cache")
    from core.bundles import scoring
    from core.evaluation import metrics

    point = bundle.spec.operating_point
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    result = metrics.headline(data, point)
    found = {f.code: f for f in story.findings(bundle, data, None, point)}
    slide = deck.slide(deck.RISKS, found, bundle, result=result, point=point, data=data, since=since)
    assert f"• {change}" in slide.sentences and change in [n.sentence for n in slide.notes]
    decided = deck.slide(deck.DECISION, found, bundle, result=result, point=point, data=data, since=since)
    assert decided.sentences[0].endswith("Weigh the risks first.")
    built = report.build(bundle, data, None, point, since=since)
    assert change in built.risks
    assert built.since_launch.startswith("Since launch: 18,000 tickets over 12 weeks.")
    html = report.to_html(built)
    from core import format as fmt

    assert f"<div class='risk'>{fmt.html_text(change)}</div>" in html.split("<h2>Risks and caveats</h2>")[1]


def test_when_since_launch_cannot_be_worked_out_the_risks_and_home_say_so(app, demo_root, tmp_path, monkeypatch):
    import shutil

    import pandas as pd

    root = tmp_path / "root"
    shutil.copytree(demo_root / "delivery-eta", root / "delivery-eta")
    monkeypatch.setenv("MODELBRIEF_CACHE", str(tmp_path / "cache"))
    bad = root / "delivery-eta" / "traffic" / "by-hand.parquet"
    pd.DataFrame({"seen_at": ["2026-11-23 10:00"] * 3, "carrier": ["Own fleet"] * 3}).to_parquet(bad)
    unknown = (
        "How it is doing since launch cannot be shown, so a change there would go unseen: A traffic batch lacks columns"
    )
    overview = app(root, bundle="delivery-eta").switch_page("pages/overview.py").run()
    assert not overview.exception
    assert any(seen(w.value).startswith(unknown) for w in overview.warning)  # a risk of its own
    home = app(root)
    assert any(seen(w.value).startswith(unknown) for w in home.warning)  # Home's card warns

    bad.unlink()  # the folder changed: the card no longer repeats the old warning
    home = app(root)
    assert not any(seen(w.value).startswith(unknown) for w in home.warning)

    log = root / "delivery-eta" / "traffic" / "batches.jsonl"
    log.write_text(log.read_text() + '{"file": "week-13.parquet", "sha')  # a write cut short
    home = app(root)
    assert any(seen(w.value).startswith("How it is doing since launch cannot be shown") and "traffic log" in seen(w.value)
               for w in home.warning)  # fmt: skip


@pytest.mark.parametrize("audience", ["Plain", "Technical"])
def test_plain_mode_says_how_much_an_input_moved_in_words_and_names_no_files(app, demo_root, audience):
    at = app(demo_root, bundle="churn-gbm")
    at.session_state["audience"] = audience
    at = at.switch_page("pages/since_launch.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "How much it changed" in table.columns
    assert table.set_index("Input").loc["Monthly bill", "How much it changed"] == "a large change"
    page = " ".join(texts(at)) + " ".join(table.columns)
    for expert_only in ("Stability index (PSI)", "Jensen-Shannon distance", "bundle.yaml"):
        assert (expert_only in page) == (audience == "Technical"), expert_only
