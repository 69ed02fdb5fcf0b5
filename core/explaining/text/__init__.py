"""Text features: which columns a model reads as text, and exact reasons word by word.

A Pipeline whose ColumnTransformer sends a column through a text vectorizer (TF-IDF, counts,
hashing) reads that column as text. For a linear model on top, each vocabulary term's share of a
prediction is exact: its weight times how far this message's value for the term is from the
average message's (the same as Linear SHAP on the vectorised columns); any other model is explained
by masking words.

- `columns`: which columns a model reads as text, and how it counts a message's terms;
- `explainers`: the word explainers (exact for linear models, by masking otherwise);
- `terms`: a message's words with their shares, the strongest words for a case or a class;
- `flips`: the fewest words to take out or put in to change a decision;
- `unseen`: what people ask that the model was never built for, in their own words.
"""

from core.explaining.text.columns import VECTORIZERS, term_counter, text_columns
from core.explaining.text.explainers import MaskedWordExplainer, WordExplainer, WordReasons, word_strength
from core.explaining.text.flips import WordFlip, fewest_words, word_flip_sentence
from core.explaining.text.terms import (
    case_words,
    class_words,
    highlighted,
    output_index,
    top_words,
    word_explainers,
    word_lists,
    word_shares,
    word_steps,
    words_for,
)
from core.explaining.text.unseen import SAMPLE_MESSAGES, UnseenGroup, unseen_groups

__all__ = [
    "VECTORIZERS",
    "text_columns",
    "term_counter",
    "WordReasons",
    "WordExplainer",
    "MaskedWordExplainer",
    "word_strength",
    "word_shares",
    "highlighted",
    "word_lists",
    "word_steps",
    "top_words",
    "word_explainers",
    "output_index",
    "case_words",
    "class_words",
    "words_for",
    "WordFlip",
    "fewest_words",
    "word_flip_sentence",
    "SAMPLE_MESSAGES",
    "UnseenGroup",
    "unseen_groups",
]
