"""One typical case per model, chosen by one rule (`metrics.typical_row`) and the same on What if,
Explanations, the case slide and the story the slides tell; and it is a case the model gets right."""

from __future__ import annotations

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics
from core.explaining import explain
from tests.app.test_home import DEMOS
from tests.app.test_model_kinds_app import settle
from tests.helpers import seen


def shown_ids(at, subject: str) -> list[str]:
    """Every "<Subject> <id> · what actually happened" the page shows, by id."""
    found = []
    for element in (*at.markdown, *at.get("html")):
        text = seen(getattr(element, "value", None) or element.proto.body)
        marker = f"{subject.capitalize()} "
        for part in text.split(marker)[1:]:
            if "what actually happened" in part[:80]:
                found.append(part.split(" ")[0].strip("*<·"))
    return found


@pytest.mark.parametrize("bundle_id", DEMOS)
def test_the_typical_case_is_one_case_everywhere_and_the_model_gets_it_right(app, demo_root, bundle_id):
    bundle = load_bundle(demo_root / bundle_id)
    spec = bundle.spec
    data = metrics.from_bundle(bundle, scoring.scores(bundle, demo_root / ".test-cache"))
    row = metrics.typical_row(data, spec.operating_point)
    out = metrics.outcomes(data, spec.operating_point)
    assert out.correct[row] and (out.acted[row] or spec.task == "regression")  # a case it gets right
    key = str(bundle.eval[spec.id_column].iloc[row])
    explained = explain.for_bundle(bundle, demo_root / ".test-cache")
    assert row in explained.rows  # the explanation sample holds it
    assert explained.rows[explain.pick_case(explained, "typical", typical=row)] == row  # what the story tells

    whatif = app(demo_root, bundle=bundle_id).switch_page("pages/whatif.py").run()
    assert shown_ids(whatif, spec.subject)[:1] == [key]
    explanations = settle(app(demo_root, bundle=bundle_id).switch_page("pages/explanations.py").run())
    assert shown_ids(explanations, spec.subject)[:1] == [key]
    case_slide = 4 if spec.task != "multiclass" else 5
    slide = settle(app(demo_root, bundle=bundle_id, slide=str(case_slide)).switch_page("pages/present.py").run())
    assert key in " ".join(seen(h.proto.body) for h in slide.get("html") if "slide-fact" in h.proto.body)
