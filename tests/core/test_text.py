"""Word-level reasons for text models: exact for a linear model over a vectorizer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from core.text import WordExplainer, text_columns

WORDS = {
    "billing": ["refund", "charged twice", "invoice", "payment"],
    "shipping": ["parcel", "delivery", "tracking", "courier"],
    "account": ["password", "login", "locked out", "email"],
}


def tickets(n=400, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    intents = rng.choice(list(WORDS), n)
    messages = [
        f"hi, {' '.join(rng.choice(WORDS[i], 2))} please help with order {rng.integers(1000, 9999)}" for i in intents
    ]
    return pd.DataFrame({"message": messages, "channel": rng.choice(["email", "chat"], n), "intent": intents})


def pipeline(vectorizer) -> Pipeline:
    encode = ColumnTransformer([("text", vectorizer, "message"), ("channel", OneHotEncoder(), ["channel"])])
    return Pipeline([("encode", encode), ("model", LogisticRegression(max_iter=1000))])


@pytest.mark.parametrize("vectorizer", [TfidfVectorizer(ngram_range=(1, 2)), CountVectorizer()])
@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_word_reasons_add_up_exactly_in_margin_and_in_probability_points(vectorizer, task):
    frame = tickets()
    target = frame["intent"] if task == "multiclass" else (frame["intent"] == "billing")
    model = pipeline(vectorizer).fit(frame[["message", "channel"]], target)
    assert text_columns(model) == {"message": "text"}
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")
    for i in range(5):
        row = frame[["message", "channel"]].iloc[[i]]
        reasons = explainer.explain(row)
        raw = reasons.base_margin + reasons.margin.sum(axis=0) + reasons.absent_margin + reasons.rest_margin
        assert np.abs(raw - np.atleast_1d(model.decision_function(row).ravel())).max() < 1e-9
        total = reasons.base_points + reasons.points.sum(axis=0) + reasons.absent_points + reasons.rest_points
        proba = model.predict_proba(row).ravel()
        assert np.abs(total - (proba[1:] if task == "binary" else proba)).max() < 1e-6
        assert set(reasons.terms) <= set(model[0].named_transformers_["text"].get_feature_names_out())


def test_the_words_that_carry_a_message_are_its_own_words():
    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"] == "billing")
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")
    row = pd.DataFrame({"message": ["I was charged twice, I want a refund"], "channel": ["email"]})
    reasons = explainer.explain(row)
    top = [reasons.terms[i] for i in np.argsort(-reasons.points[:, 0])[:3]]
    assert {"refund", "charged", "twice"} & set(top)
    assert all(term in "i was charged twice, i want a refund" for term in reasons.terms)


def test_a_model_that_reads_no_text_is_refused_in_one_sentence():
    frame = tickets()
    encode = ColumnTransformer([("channel", OneHotEncoder(), ["channel"])])
    model = Pipeline([("encode", encode), ("model", LogisticRegression())]).fit(frame[["channel"]], frame["intent"])
    assert text_columns(model) == {}
    with pytest.raises(ValueError, match="the model does not read 'message' as text"):
        WordExplainer(model, frame[["channel"]], "message")


def test_the_publisher_marks_a_vectorised_column_as_text(tmp_path):
    from core.bundle import load_bundle
    from core.publish import publish

    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    bundle = publish(model, frame, target="intent", task="multiclass", out=tmp_path / "t")
    assert bundle.spec.features["message"].kind == "text"
    assert bundle.spec.features["channel"].kind is None
    assert "  message:\n    label: Message\n    kind: text\n" in (tmp_path / "t" / "bundle.yaml").read_text()
    text = (tmp_path / "t" / "bundle.yaml").read_text().replace("kind: text", "kind: prose")
    (tmp_path / "t" / "bundle.yaml").write_text(text)
    from core.contract import BundleError

    with pytest.raises(BundleError) as caught:
        load_bundle(tmp_path / "t")
    assert caught.value.message == "bundle.yaml: `features.message.kind` must be number, category or text, not 'prose'."


def test_word_shares_keep_the_total_of_the_message_terms():
    from core.text import highlighted, word_shares

    frame = tickets()
    model = pipeline(TfidfVectorizer(ngram_range=(1, 2))).fit(
        frame[["message", "channel"]], frame["intent"] == "billing"
    )
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")
    message = "Refund please, refund the invoice!"
    reasons = explainer.explain(pd.DataFrame({"message": [message], "channel": ["chat"]}))
    shares = word_shares(reasons, message)
    assert "".join(token for token, _ in shares) == message  # every character kept, in order
    assert sum(share for _, share in shares) == pytest.approx(reasons.points[:, 0].sum(), abs=1e-12)
    text = highlighted(shares)
    assert ":red-background[Refund]" in text and "\\!" in text  # punctuation shown as text, not markup


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_the_fewest_words_flip_the_decision_when_predicted_again(task):
    from core.contract import OperatingPoint
    from core.text import fewest_words, word_flip_sentence
    from core.whatif import decide

    frame = tickets()
    target = frame["intent"] if task == "multiclass" else (frame["intent"] == "billing")
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], target)
    classes = tuple(model.classes_.tolist())
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")

    def decision(rows):
        return decide(model.predict_proba(rows), task, OperatingPoint(0.5, 0.0), classes, 1)[0]

    row = pd.DataFrame({"message": ["hi, a refund for my parcel please"], "channel": ["email"]})
    before = decision(row)
    k = int(np.argmax(model.predict_proba(row)[0])) if task == "multiclass" else 0
    sign = 1.0 if task == "multiclass" or before.answer == "flag" else -1.0
    flip = fewest_words(explainer, row, decision, k, sign=sign)
    assert flip is not None and 1 <= len(flip.removed + flip.added) <= 3
    again = decision(row.assign(message=flip.message))  # the change is real: predict it again
    assert not again.same_as(before) and again.same_as(flip.decision)
    for word in flip.removed:
        assert word not in flip.message.lower().split()
    sentence = word_flip_sentence(flip, "Message", "do something else")
    assert sentence.startswith(("Removing the word", "Adding the word"))
    assert word_flip_sentence(None, "Message", "") == (
        "No change of up to three words in the message changes what the model does with it."
    )


def test_text_reduced_after_the_vectorizer_gets_no_word_reasons():
    from sklearn.decomposition import TruncatedSVD

    frame = tickets()
    reduced = Pipeline([("tfidf", TfidfVectorizer()), ("svd", TruncatedSVD(5, random_state=0))])
    model = pipeline(reduced).fit(frame[["message", "channel"]], frame["intent"])
    assert text_columns(model) == {"message": "text"}  # still text, for the contract
    with pytest.raises(ValueError, match="transformed again after the vectorizer"):
        WordExplainer(model, frame[["message", "channel"]], "message")


def test_top_words_are_the_ones_each_class_listens_to():
    from core.text import top_words

    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")
    billing = list(model.classes_).index("billing")
    words = top_words(explainer, frame[["message", "channel"]], billing, n=4)
    assert len(words) == 4
    assert set(words) & {"refund", "charged", "twice", "invoice", "payment"}
