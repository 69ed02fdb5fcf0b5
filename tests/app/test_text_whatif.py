"""What if on a text model: a text box for the message, any new message answered without a
"never seen" warning, and scenario rules that remove or add a word, never one message for all."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer

from core.publishing.publish import publish
from tests.core.explaining.test_text import pipeline, tickets
from tests.helpers import seen


def publish_router(root, vectorizer=None):
    """A TF-IDF ticket router (message and channel into logistic regression), published under root."""
    frame = tickets()
    model = pipeline(vectorizer or TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    publish(model, frame, target="intent", task="multiclass", out=root / "router", subject="ticket")


def test_typing_a_new_message_reroutes_the_ticket(app, tmp_path):
    publish_router(tmp_path, TfidfVectorizer(ngram_range=(1, 2)))
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    assert not at.exception
    box = at.text_area(key="edit_message")
    for message, team in (("my parcel never arrived, where is the courier", "shipping"),
                          ("I was charged twice, please refund the invoice", "billing")):  # fmt: skip
        box.input(message).run()
        assert not at.exception and not at.error
        decision = next(seen(m.value) for m in at.metric if seen(m.label) == "Decision")
        assert team in decision
        assert not any("never appears" in seen(w.value) for w in at.warning)
    box.input("   ").run()
    assert any("is empty, so the model reads nothing from it" in seen(w.value) for w in at.warning)
    box.input("zzqx vvrk").run()
    assert any("None of the words in the message are ones the model learned" in seen(w.value) for w in at.warning)


def test_the_message_is_shown_word_by_word_with_its_pushes(app, tmp_path):
    publish_router(tmp_path)
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    at.text_area(key="edit_message").input("charged twice, refund my invoice please").run()
    assert not at.exception and not at.error
    words = [m.value for m in at.markdown if "-background[" in m.value]
    assert len(words) == 1
    assert ":red-background[refund↑]" in words[0] and ":red-background[invoice↑]" in words[0]
    captions = [seen(c.value) for c in at.caption]
    assert (
        "Red words, marked ↑, raise the chance of billing; blue words, marked ↓, lower it (exact). The strongest "
        "stand on a coloured background." in captions
    )
    listed = next(c for c in captions if c.startswith("Raising the chance of billing: "))
    assert "'refund'" in listed and "'invoice'" in listed


def test_find_it_names_the_fewest_words_that_change_the_answer(app, tmp_path):
    publish_router(tmp_path)
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    at.text_area(key="edit_message").input("hi, a refund for my parcel please").run()
    at.button(key="find_flip").click().run()
    assert not at.exception and not at.error
    said = " ".join(seen(e.value) for e in (*at.info, *at.warning))
    import re

    assert re.search(
        r"(Take|Add) the words? '[^']+'.* (out of|to) the message\. The model would then send this ticket to \w+", said
    )
    assert at.info  # a change was found: said as information, not as a warning


def test_the_drivers_name_the_words_that_matter_most(app, tmp_path):
    publish_router(tmp_path)
    for page in ("pages/explanations.py", "pages/overview.py"):
        at = app(tmp_path, bundle="router").switch_page(page).run()
        assert not at.exception and not at.error
        said = " ".join(seen(e.value) for e in (*at.markdown, *at.info))
        assert "the words that matter most are '" in said, page


def test_a_word_rule_removes_a_word_from_every_message_and_counts_what_changes(app, tmp_path):
    import re

    import numpy as np

    from core.bundles.bundle import load_bundle
    from core.explaining.whatif import decide

    publish_router(tmp_path)
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    at.selectbox(key="scenario_feature").select("message").run()
    assert at.radio(key="scenario_action").options == ["remove the word", "add the word"]
    at.text_input(key="scenario_word").input("refund").run()
    assert not [m for m in at.markdown if "would change the model's answer" in seen(m.value)]  # not until asked
    at.button(key="scenario_apply").click().run()
    assert not at.exception and not at.error
    bundle = load_bundle(tmp_path / "router")
    X, model, point = bundle.X, bundle.model, bundle.spec.operating_point
    has = X["message"].str.contains(r"(?i)\brefund\b")
    removed = X.assign(message=X["message"].str.replace(r"(?i)\brefund\b", "", regex=True).str.split().str.join(" "))
    before = decide(model.predict_proba(X), "multiclass", point, bundle.classes, 1)
    after = decide(model.predict_proba(removed), "multiclass", point, bundle.classes, 1)
    changed = sum(not a.same_as(b) for a, b in zip(before, after, strict=True))
    said = " ".join(seen(m.value) for m in at.markdown)
    assert (
        f"Removing the word 'refund' from the message for {len(X)} test tickets would change the model's answer "
        f"for {changed} of them. The word appears in {int(has.sum())} of them." in said
    )
    assert changed > 0 and np.sum(has) > 0
    at.radio(key="scenario_action").set_value("add the word").run()
    at.button(key="scenario_apply").click().run()
    said = " ".join(seen(m.value) for m in at.markdown)
    assert re.search(
        r"Adding the word 'refund' to the message for 400 test tickets would change the model's answer", said
    )


def test_a_boosted_text_model_is_explained_word_by_word_by_hiding_words(app, kinds_root):
    root, _ = kinds_root
    for page in ("pages/explanations.py", "pages/whatif.py"):
        at = app(root, bundle="text-boosted").switch_page(page).run()
        assert not at.exception and not at.error, page
        captions = [seen(c.value) for c in at.caption]
        assert any(
            c.startswith(
                "Red words, marked ↑, raise the predicted chance; blue words, marked ↓, lower it (estimated by hiding"
            )
            for c in captions
        ), (page, captions)
        assert len([m for m in at.markdown if "-background[" in m.value]) == 1, page
    at.text_area(key="edit_message").input("I was charged twice, refund the invoice").run()
    assert not at.exception and not at.error
    from core.bundles.bundle import load_bundle
    from core.explaining.whatif import decide, decision_label

    bundle = load_bundle(root / "text-boosted")
    row = bundle.X.iloc[[0]].assign(message="I was charged twice, refund the invoice")
    row["channel"] = at.session_state["edit_channel"]
    positive = bundle.classes.index("yes")
    expected = decide(bundle.model.predict_proba(row), "binary", bundle.spec.operating_point, bundle.classes, positive)
    shown = next(seen(m.value) for m in at.metric if seen(m.label) == "Decision")
    assert shown == decision_label(expected[0], "binary")


def test_the_requests_never_trained_on_are_counted_the_same_on_page_report_and_slide(app, demo_root):
    import re

    from core.bundles import scoring
    from core.bundles.bundle import load_bundle
    from core.evaluation import metrics
    from core.outputs import report

    at = app(demo_root, bundle="support-router").switch_page("pages/performance.py").run()
    page = {m.group(1): int(m.group(2).replace(",", "")) for e in at.expander
            if (m := re.match(r"(.+?) · ([\d,]+) tickets", seen(e.label)))}  # fmt: skip
    bundle = load_bundle(demo_root / "support-router")
    data = metrics.from_bundle(bundle, scoring.scores(bundle))
    built = report.build(bundle, data, None, bundle.spec.operating_point)
    table = next(t for title, t in built.tables if title == "Never trained on, in their own words")
    in_report = {r: int(n.replace(",", "")) for r, n in zip(table["Request"], table["Tickets"], strict=True)}
    truth = bundle.y[~bundle.y.isin(bundle.classes)].astype(str).value_counts().to_dict()
    assert page == in_report == truth and len(truth) == 6
    slide = app(demo_root, bundle="support-router", slide="3").switch_page("pages/present.py").run()
    said = " ".join(h.proto.body for h in slide.get("html"))
    for label, n in sorted(truth.items(), key=lambda p: -p[1])[:3]:
        assert f"{label} ({n:,} tickets)" in said
