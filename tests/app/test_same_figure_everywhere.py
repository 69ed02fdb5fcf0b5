"""A figure shown in two places is the same figure: every page, the slides and the report, for every
demo bundle and for a bundle published with the README's example command, at the bundle's setting.

Each labelled figure (right when it acts, coverage, cases acted on, net value, the best value) is
found wherever it appears, by the words that label it, and compared with the one computed value
to the precision it is shown with.
"""

from __future__ import annotations

import html
import re

import pytest

from core.bundles import scoring
from core.bundles.bundle import load_bundle
from core.evaluation import metrics, tradeoff
from core.outputs import report
from core.publishing.publish import publish
from core.words import narrative
from tests.helpers import seen

NUMBER = r"-?[$€£]?-?[\d,]+(?:\.\d+)?[kM]?"
SENTENCE_PATTERNS = {
    "accuracy": [r"right [^.]*?when it acts \((\d+(?:\.\d+)?)%\)", r"within [^()]*? for [^()]*?\((\d+(?:\.\d+)?)%\)"],
    "coverage": [r"(?:acts on|covers) (?:about|all|nearly all|no|almost no)[^().]*?\((\d+(?:\.\d+)?)%\)"],
    "acts": [r"(?<!now )(?:would act on|acts on all|acts on) ([\d,]+) "],
    "net": [r"((?:worth|loses|earn|lose) about " + NUMBER + ")"],
    "best": [r"highest, about (" + NUMBER + ")"],
}
TILES = {"Right when it acts": "accuracy", "Within tolerance": "accuracy", "Coverage": "coverage"}


def number(text: str) -> tuple[float, float]:
    """(value, half the last shown unit): '$104.9k' -> (104900, 50); 'loses about $5' -> (-5, 0.5)."""
    verb, _, amount = text.rpartition(" about ")
    if verb:
        value, half = number(amount)
        return (-abs(value) if verb in ("loses", "lose") else value), half
    body = text.replace(",", "").lstrip("-$€£").rstrip("%")
    scale = {"k": 1e3, "M": 1e6}.get(body[-1:], 1.0)
    body = body.rstrip("kM")
    places = len(body.split(".")[1]) if "." in body else 0
    value = float(body) * scale * (-1 if text.startswith("-") or text.startswith(("$-", "€-", "£-")) else 1)
    return value, 0.5 * scale * 10**-places


def reference(bundle) -> dict[str, float]:
    data = metrics.from_bundle(bundle, scoring.scores(bundle))
    k = metrics.kpis(data, bundle.spec.operating_point)
    scale = bundle.spec.business.volume / k.n if bundle.spec.business.volume is not None else 1.0
    figures = {
        "accuracy": k.accuracy_acted * 100,
        "coverage": k.coverage * 100,
        "acts": k.acted * scale,
        "net": narrative.net_worth(k),
    }
    if bundle.spec.task != "regression":
        best = tradeoff.best_point(tradeoff.Index(data))
        figures["best"] = best.net_per_period if best.net_per_period is not None else best.net_per_case
    return figures


def found_in(texts: list[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        for figure, patterns in SENTENCE_PATTERNS.items():
            for pattern in patterns:
                found += [(figure, m) for m in re.findall(pattern, text)]
    return found


def page_texts(at) -> list[str]:
    texts = [seen(e.value) for e in (*at.markdown, *at.info, *at.warning, *at.success, *at.caption)]
    texts += [seen(e.proto.body) for e in at.get("html")]
    return texts


def tile_figures(at) -> list[tuple[str, str]]:
    found = []
    for metric in at.metric:
        label = seen(metric.label)
        if label in TILES:
            found.append((TILES[label], seen(metric.value)))
        elif label.startswith("Net value"):
            found.append(("net", seen(metric.value)))
    for block in at.get("html"):  # a slide's tiles, drawn large
        for label, value in re.findall(
            r"<div class='label'>([^<]*)</div><div class='value'>([^<]*)</div>", block.proto.body
        ):
            label = html.unescape(label)
            found.append((TILES.get(label, "net" if label.startswith("Net value") else label), html.unescape(value)))
    return found


def check(figures: dict[str, float], found: list[tuple[str, str]], where: str) -> set[str]:
    for figure, shown in found:
        if figure not in figures:
            continue
        value, half_unit = number(shown)
        assert abs(value - figures[figure]) <= half_unit + 1e-9, (where, figure, shown, figures[figure])
    return {figure for figure, _ in found}


@pytest.fixture(scope="module")
def readme_root(tmp_path_factory, small_churn):
    """A bundle published as the README's example does (segments, business values, positive class)."""
    model, evaluation = small_churn
    root = tmp_path_factory.mktemp("readme")
    publish(
        model,
        evaluation,
        target="churned",
        task="binary",
        out=root / "my-churn-model",
        positive_class="yes",
        segments=["region", "plan"],
        business={
            "volume": {"count": 20000, "per": "month"},
            "value": {"true_positive": 180, "false_positive": -20, "false_negative": -220, "abstain": -8},
        },
    )
    return root


CASES = [("demo", "churn-gbm"), ("demo", "churn-logreg"), ("demo", "delivery-eta"), ("demo", "support-router"),
         ("readme", "my-churn-model")]  # fmt: skip


@pytest.mark.parametrize(("where", "bundle_id"), CASES)
def test_each_figure_is_the_same_wherever_it_appears(app, demo_root, readme_root, where, bundle_id, monkeypatch):
    root = demo_root if where == "demo" else readme_root
    monkeypatch.setenv("MODELBRIEF_CACHE", str(root / ".cache"))
    bundle = load_bundle(root / bundle_id)
    figures = reference(bundle)
    seen_figures: set[str] = set()
    for page in ("pages/overview.py", "pages/performance.py", "pages/card.py"):
        at = app(root, bundle=bundle_id).switch_page(page).run()
        assert not at.exception
        seen_figures |= check(figures, found_in(page_texts(at)) + tile_figures(at), page)
        if page == "pages/card.py":
            facts = {
                "Right when it acts": "accuracy",
                "Within tolerance": "accuracy",
                "Coverage": "coverage",
                "Net value": "net",
            }
            pairs = []
            for text in page_texts(at):
                head, _, rest = text.partition("\n")
                if head.strip("* ") in facts and rest:
                    pairs.append((facts[head.strip("* ")], rest.split(" ")[0]))
            assert len(pairs) == 3, pairs
            seen_figures |= check(figures, pairs, "card")
    slides = 6
    for slide in range(1, 10):
        at = app(root, bundle=bundle_id, slide=str(slide)).switch_page("pages/present.py").run()
        assert not at.exception
        slides = int(next(re.search(r"/ (\d+)", m.value).group(1) for m in at.markdown if " / " in m.value))
        if slide > slides:  # six slides, one more for requests it was never built for, one more for a comparison
            break
        seen_figures |= check(figures, found_in(page_texts(at)) + tile_figures(at), f"slide {slide}")
    built = report.build(bundle, metrics.from_bundle(bundle, scoring.scores(bundle)), None, bundle.spec.operating_point)
    texts = [built.summary, built.decision, *built.risks, *(f"{name} {value}" for name, value in built.facts)]
    seen_figures |= check(figures, found_in(texts), "report")
    tiles = [
        (TILES.get(label, "net" if label.startswith("Net value") else label), shown) for label, shown, _ in built.tiles
    ]
    seen_figures |= check(figures, tiles, "report tiles")
    expected = {"accuracy", "coverage", "acts", "net"} | ({"best"} if bundle.spec.task != "regression" else set())
    assert expected <= seen_figures, (bundle_id, expected - seen_figures)
