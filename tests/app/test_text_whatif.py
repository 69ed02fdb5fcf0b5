"""What if on a text model: a text box for the message, any new message answered without a
"never seen" warning, and the scenario rules leave messages alone."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer

from core.publish import publish
from tests.core.test_text import pipeline, tickets
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
    assert "message" not in at.selectbox(key="scenario_feature").options


def test_the_message_is_shown_word_by_word_with_its_pushes(app, tmp_path):
    publish_router(tmp_path)
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    at.text_area(key="edit_message").input("charged twice, refund my invoice please").run()
    assert not at.exception and not at.error
    words = [m.value for m in at.markdown if "-background[" in m.value]
    assert len(words) == 1
    assert ":red-background[refund]" in words[0] and ":red-background[invoice]" in words[0]
    assert any(seen(c.value) == "Red words raise the chance of billing, blue words lower it." for c in at.caption)


def test_find_it_names_the_fewest_words_that_change_the_answer(app, tmp_path):
    publish_router(tmp_path)
    at = app(tmp_path, bundle="router").switch_page("pages/whatif.py").run()
    at.text_area(key="edit_message").input("hi, a refund for my parcel please").run()
    at.button(key="find_flip").click().run()
    assert not at.exception and not at.error
    said = " ".join(seen(e.value) for e in (*at.info, *at.warning))
    import re

    assert re.search(
        r"(Removing|Adding) the words? '[^']+'.* (from|to) the message, the model would send this ticket to \w+", said
    )
    assert at.info  # a change was found: said as information, not as a warning


def test_the_drivers_name_the_words_that_matter_most(app, tmp_path):
    publish_router(tmp_path)
    for page in ("pages/explanations.py", "pages/overview.py"):
        at = app(tmp_path, bundle="router").switch_page(page).run()
        assert not at.exception and not at.error
        said = " ".join(seen(e.value) for e in (*at.markdown, *at.info))
        assert "the words that matter most are '" in said, page
