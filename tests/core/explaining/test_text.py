"""Word-level reasons for text models: exact for a linear model over a vectorizer."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from core.explaining.text import WordExplainer, text_columns

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
    from core.bundles.bundle import load_bundle
    from core.publishing.publish import publish

    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    bundle = publish(model, frame, target="intent", task="multiclass", out=tmp_path / "t")
    assert bundle.spec.features["message"].kind == "text"
    assert bundle.spec.features["channel"].kind is None
    assert "  message:\n    label: Message\n    kind: text\n" in (tmp_path / "t" / "bundle.yaml").read_text()
    text = (tmp_path / "t" / "bundle.yaml").read_text().replace("kind: text", "kind: prose")
    (tmp_path / "t" / "bundle.yaml").write_text(text)
    from core.bundles.contract import BundleError

    with pytest.raises(BundleError) as caught:
        load_bundle(tmp_path / "t")
    assert caught.value.message == "bundle.yaml: `features.message.kind` must be number, category or text, not 'prose'."


def test_word_shares_keep_the_total_of_the_message_terms():
    from core.explaining.text import highlighted, word_shares

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
    assert ":red-background[Refund↑]" in text and "\\!" in text  # punctuation shown as text, not markup


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_the_fewest_words_flip_the_decision_when_predicted_again(task):
    from core.bundles.contract import OperatingPoint
    from core.explaining.text import fewest_words, word_flip_sentence
    from core.explaining.whatif import decide

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
    words = flip.removed or flip.added
    listed = " and ".join(f"'{w}'" for w in words) if len(words) <= 2 else None
    if listed:
        change = (
            f"Take the word{'s' if len(words) > 1 else ''} {listed} out of"
            if flip.removed
            else (f"Add the word{'s' if len(words) > 1 else ''} {listed} to")
        )
        assert sentence == f"{change} the message. The model would then do something else."
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
    from core.explaining.text import top_words

    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    explainer = WordExplainer(model, frame[["message", "channel"]], "message")
    billing = list(model.classes_).index("billing")
    words = top_words(explainer, frame[["message", "channel"]], billing, n=4)
    assert len(words) == 4
    assert set(words) & {"refund", "charged", "twice", "invoice", "payment"}


# --- any other model: SHAP's text masker -------------------------------------------------


_FITTED: dict[tuple[int, int], Pipeline] = {}


def boosted(frame: pd.DataFrame, target) -> Pipeline:
    """A gradient-boosted model over TF-IDF words, fitted once per data and target (several tests
    read the same one; none changes it)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    key = (
        int(pd.util.hash_pandas_object(frame, index=False).sum()),
        int(pd.util.hash_pandas_object(pd.Series(target), index=False).sum()),
    )
    if key not in _FITTED:
        encode = ColumnTransformer(
            [("text", TfidfVectorizer(), "message"), ("channel", OneHotEncoder(), ["channel"])], sparse_threshold=0
        )
        model = Pipeline([("encode", encode), ("model", HistGradientBoostingClassifier(max_iter=30, random_state=0))])
        _FITTED[key] = model.fit(frame[["message", "channel"]], target)
    return _FITTED[key]


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_masked_word_reasons_of_a_boosted_text_model_add_up_to_its_chance(task):
    from core.explaining.text import MaskedWordExplainer, word_explainers

    frame = tickets()
    target = frame["intent"] if task == "multiclass" else (frame["intent"] == "billing")
    model = boosted(frame, target)
    explainers = word_explainers(model, frame[["message", "channel"]])
    assert isinstance(explainers["message"], MaskedWordExplainer) and not explainers["message"].exact
    for i in range(3):
        row = frame[["message", "channel"]].iloc[[i]]
        reasons = explainers["message"].explain(row)
        proba = model.predict_proba(row).ravel()
        expected = proba[1:] if task == "binary" else proba
        total = reasons.base_points + reasons.points.sum(axis=0) + reasons.rest_points + reasons.absent_points
        assert np.abs(total - expected).max() < 1e-9
        assert np.abs(reasons.shown - expected).max() < 1e-12
        words = set(re.findall(r"\w+", frame["message"].iloc[i].lower()))
        assert set(reasons.terms) <= words and len(reasons.terms) == len(re.findall(r"\w+", frame["message"].iloc[i]))
        # the starting point is the model's answer with every word hidden
        blank = model.predict_proba(row.assign(message=" ")).ravel()
        assert np.abs(reasons.base_points - (blank[1:] if task == "binary" else blank)).max() < 1e-9


def test_masked_words_name_what_each_class_listens_to_and_flip_when_predicted_again():
    from core.bundles.contract import OperatingPoint
    from core.explaining.text import MaskedWordExplainer, fewest_words, top_words
    from core.explaining.whatif import decide

    frame = tickets()
    model = boosted(frame, frame["intent"])
    X = frame[["message", "channel"]]
    explainer = MaskedWordExplainer(model, X, "message", seconds=600)  # every one of the 60 rows below
    shipping = list(model.classes_).index("shipping")
    assert set(top_words(explainer, X.iloc[:60], shipping, n=3)) & {"parcel", "delivery", "tracking", "courier"}
    assert len(explainer.sample(X.iloc[:60])) == 60
    classes = tuple(model.classes_.tolist())

    def decision(rows):
        return decide(model.predict_proba(rows), "multiclass", OperatingPoint(0.5, 0.0), classes, 1)[0]

    row = pd.DataFrame({"message": ["hi, my parcel tracking please help"], "channel": ["email"]})
    before = decision(row)
    k = int(np.argmax(model.predict_proba(row)[0]))
    flip = fewest_words(explainer, row, decision, k)
    assert flip is not None
    again = decision(row.assign(message=flip.message))
    assert not again.same_as(before) and again.same_as(flip.decision)


def test_an_empty_message_has_no_words_and_its_chance_is_the_starting_point():
    from core.explaining.text import MaskedWordExplainer

    frame = tickets()
    model = boosted(frame, frame["intent"])
    reasons = MaskedWordExplainer(model, frame[["message", "channel"]], "message").explain(
        pd.DataFrame({"message": ["  ...  "], "channel": ["chat"]})
    )
    assert reasons.terms == [] and np.allclose(reasons.base_points, reasons.shown)


# --- what-if warnings, case sentences, and the requests never trained on -------------------


def test_a_message_with_no_word_the_model_knows_is_warned_about_and_a_new_one_is_not():
    from core.bundles.contract import FeatureInfo
    from core.explaining.whatif import controls, warnings_for
    from tests.helpers import make_spec

    frame = tickets()
    model = pipeline(TfidfVectorizer()).fit(frame[["message", "channel"]], frame["intent"])
    spec = make_spec(features={"message": FeatureInfo(name="message", label="Message", kind="text")})
    found = controls(frame[["message", "channel"]], spec, model)
    assert warnings_for({"message": "zzgrok qwxv!", "channel": "email"}, found) == [
        "None of the words in the message are ones the model learned, so it reads nothing from them "
        "and answers from the other features alone."
    ]
    assert warnings_for({"message": "my refund, never seen this sentence", "channel": "email"}, found) == []
    assert warnings_for({"message": "   ", "channel": "email"}, found) == [
        "The message is empty, so the model reads nothing from it."
    ]


def test_unseen_groups_quote_real_messages_and_the_words_that_set_them_apart():
    from core.explaining.text import unseen_groups

    messages = pd.Series(
        [
            "do you sell gift cards",
            "can I buy a gift card for my sister",
            "gift card balance please",
            "gift card code not accepted",
            "where is my parcel",
            "my parcel is late",
            "refund for my order",
            "I want a refund",
            "delete my personal data",
            "please delete all my personal data",
        ]
    )
    labels = ["gift", "gift", "gift", "gift", "ship", "ship", "bill", "bill", "privacy", "privacy"]
    unseen = [True, True, True, True, False, False, False, False, True, True]
    groups = unseen_groups(messages, labels, unseen, examples=3)
    assert [(g.label, g.n) for g in groups] == [("gift", 4), ("privacy", 2)]
    # 'gift' is in every gift message and no other (4/4 x log(1.01/0.01)); 'card' in 3 of 4; the
    # bigram 'gift card' repeats a word already named
    assert groups[0].words == ["gift", "card"]
    # most telling words first, then shortest; a message with much the same words is no new example
    assert groups[0].examples == ["gift card balance please", "do you sell gift cards"]
    assert groups[1].words == ["data", "delete", "personal"] and groups[1].examples == ["delete my personal data"]
    assert unseen_groups(messages, labels, [False] * 10) == []


def test_many_messages_are_read_from_a_sample_but_every_one_is_counted(monkeypatch):
    from core.explaining import text

    rng = np.random.default_rng(0)
    gift = [f"can I buy a gift card for {rng.integers(100)} dollars" for _ in range(300)]
    ship = [f"where is my parcel number {rng.integers(1000)}" for _ in range(700)]
    rare = ["a question about the warranty please"]
    messages = pd.Series(gift + ship + rare)
    labels = ["gift"] * 300 + ["ship"] * 700 + ["warranty"]
    unseen = [True] * 300 + [False] * 700 + [True]
    monkeypatch.setattr(text.unseen, "SAMPLE_MESSAGES", 100)
    groups = text.unseen_groups(messages, labels, unseen)
    assert [(g.label, g.n) for g in groups] == [("gift", 300), ("warranty", 1)]  # counted on every row
    assert groups[0].words[0] in ("gift", "card", "buy", "gift card", "dollars") and groups[0].examples


def test_the_unseen_words_sentence_quotes_two_messages_and_names_the_telling_words():
    from core.explaining.text import UnseenGroup
    from core.words import narrative
    from tests.helpers import make_spec

    spec = make_spec(subject="ticket", subjects="tickets")
    groups = [
        UnseenGroup(
            "gift_card",
            192,
            ["do you sell gift cards?", "can I buy a voucher for my sister", "x" * 80],
            ["gift", "voucher"],
        ),
        UnseenGroup("privacy", 40, ["delete my data"], []),
        UnseenGroup("warranty", 3, ["is it under warranty"], ["warranty"]),
    ]
    found = narrative.unseen_words(groups, spec)
    assert found.sentence == (
        "Tickets labelled gift_card (192) say things like “do you sell gift cards?” and “can I buy a voucher for "
        "my sister”. Their telling words are 'gift' and 'voucher'. Tickets labelled privacy (40) say things like "
        "“delete my data”."
    )
    assert found.numbers == {"n_0": 192.0, "n_1": 40.0}
    assert narrative.unseen_words([], spec) is None


def test_a_case_names_the_words_of_its_message_never_the_whole_message():
    from core.bundles.contract import FeatureInfo
    from core.words import narrative
    from tests.helpers import make_spec

    spec = make_spec(
        subject="ticket",
        subjects="tickets",
        features={"message": FeatureInfo(name="message", label="Message", kind="text")},
    )
    case = pd.DataFrame(
        {
            "feature": ["message", "channel"],
            "label": ["Message", "Channel"],
            "value": ["hi, the screen freezes", "app"],
            "contribution": [0.74, -0.02],
        }
    )
    found = narrative.case_reasons(case, 0.1, 0.82, spec, "bug_report", words={"message": ["freezes", "screen"]})
    assert "The message: +74 points, most of all 'freezes' and 'screen'." in found.sentence
    assert "hi, the screen freezes" not in found.sentence


def test_the_strongest_words_stand_on_colour_the_middling_in_colour_and_the_faint_plain():
    from core.explaining.text import highlighted

    shares = [("big", 0.30), (" ", 0.0), ("mid", -0.05), (" ", 0.0), ("faint", 0.02), (", ", 0.0), ("low", -0.12)]
    assert highlighted(shares) == ":red-background[big↑] :blue[mid↓] faint\\, :blue-background[low↓]"
    assert highlighted([("tiny", 0.004)]) == "tiny"  # under half a point: never coloured


def test_the_coloured_words_carry_their_direction_in_a_list_too():
    from core.explaining.text import word_lists
    from core.words import narrative

    shares = [("big", 0.30), (" ", 0.0), ("mid", -0.05), (" ", 0.0), ("faint", 0.02), (", ", 0.0), ("low", -0.12)]
    shares += [(" ", 0.0), ("Big", 0.04)]  # the same word again: listed once
    assert word_lists(shares) == (["big"], ["low", "mid"])
    assert narrative.word_directions(*word_lists(shares), "the chance of billing") == (
        "Raising the chance of billing: 'big'. Lowering it: 'low' and 'mid'."
    )
    assert narrative.word_directions([], ["low"], "the estimate") == "Lowering the estimate: 'low'."
    assert narrative.word_directions([], [], "the estimate") == "No word moved the estimate by much."
    assert word_lists([("tiny", 0.004)]) == ([], [])
