"""No page falls over: a failure inside one section is one sentence, and the rest of the page renders.

Each case makes one core call a section depends on raise, opens the page, and checks that the page
has no exception, shows that section's sentence, and still shows the other sections.
"""

from __future__ import annotations

import pytest

from tests.helpers import seen

CASES = [
    ("pages/overview.py", "core.explaining.explain.importance", "The reasons", ["Risks and caveats", "The decision"]),
    ("pages/overview.py", "core.evaluation.breakdown.reliability", "The risks", ["The decision", "A report to leave behind"]),
    ("pages/overview.py", "core.words.narrative.decision", "The decision", ["Risks and caveats", "A report to leave behind"]),
    ("pages/performance.py", "core.outputs.story.tradeoff_chart", "The best-value setting", ["Can its confidence be trusted?"]),
    ("pages/performance.py", "core.evaluation.breakdown.outcome_counts", "What it decided", ["Where it works and where it does not"]),
    ("pages/performance.py", "core.evaluation.breakdown.segment_table", "The breakdown by region", ["Can its confidence be trusted?"]),
    ("pages/performance.py", "core.evaluation.breakdown.reliability", "Whether its confidence can be trusted", ["Where it works and where it does not"]),
    ("pages/explanations.py", "core.explaining.explain.beeswarm", "What the model relies on", ["One feature up close", "One case"]),
    ("pages/explanations.py", "core.explaining.explain.dependence", "One feature up close", ["One case"]),
    ("pages/explanations.py", "core.explaining.explain.case", "One case", ["What the model relies on"]),
    ("pages/compare.py", "core.evaluation.compare.disagreements", "The disagreements", ["The verdict"]),
    ("pages/compare.py", "core.evaluation.compare.segment_winners", "Where each one wins", ["The verdict", "Where they disagree most"]),
    ("pages/card.py", "core.words.card.facts", "The measured facts", ["In the team's words"]),
    ("pages/whatif.py", "core.explaining.whatif.assess", "The edited case", ["What if it applied to many customers?"]),
    ("pages/whatif.py", "core.explaining.whatif.scenario", "The rule applied to many cases", ["The smallest change that flips the decision"]),
    ("pages/present.py", "core.app.session.story_findings", "This slide", []),
]  # fmt: skip


@pytest.mark.parametrize(("page", "target", "section", "others"), CASES, ids=[f"{c[0][6:-3]}:{c[1]}" for c in CASES])
def test_a_failing_section_is_one_sentence_and_the_rest_of_the_page_renders(
    app, demo_root, monkeypatch, page, target, section, others
):
    module, name = target.rsplit(".", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    import importlib

    from core.app.session import caches

    # Since launch is measured once per process and kept; measured here first, so the injected
    # failure meets only the section under test whichever test ran before in this process
    caches.since_launch(caches.open_bundle(demo_root / "churn-gbm"))
    monkeypatch.setattr(importlib.import_module(module), name, broken)
    from core.app.session import comparing

    for kept in (comparing._figures, comparing._winners, comparing._disagreements):
        kept.clear()  # Compare keeps its pieces: each must be worked out again to meet the failure
    at = app(demo_root, bundle="churn-gbm").switch_page(page).run()
    if target == "core.explaining.whatif.scenario":  # the rule is applied when asked
        at.button(key="scenario_apply").click().run()
    assert not at.exception
    errors = [seen(e.value) for e in at.error]
    sections = (
        [section, "The breakdown by plan"] if section == "The breakdown by region" else [section]
    )  # each segment fails
    assert errors == [
        f"**{part} could not be shown:** Something unexpected went wrong while working on this model. "
        "The details below help whoever maintains the bundle; the server log has the full trace."
        for part in sections
    ]
    assert "RuntimeError: injected failure" in [c.value for c in at.code]
    headings = [seen(h.value) for h in at.subheader]
    for other in others:
        assert other in headings
    if page == "pages/present.py":
        assert [b.label for b in at.button][:2] == ["Previous", "Next"]
