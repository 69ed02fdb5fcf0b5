"""One glossary for the whole app: every ML term a page uses, in one jargon-free line.

Pages show these as tooltips; `JARGON` lists the words that Plain mode must not use anywhere
else (a test walks every page in Plain mode and checks).
"""

from __future__ import annotations

GLOSSARY = {
    "acts_on": "The model acts on a case when it makes the decision itself, whatever the case. Otherwise it "
    "hands the case to a person.",
    "accuracy_acted": "How often the model is right on the cases it acts on. Cases it hands to a person "
    "do not count here.",
    "accuracy_in_scope": "How often the model is right on every case it was built for, as a test report would "
    "say, whether or not it was sure enough to act.",
    "coverage": "The share of all real cases the model covers: it acts on them, and they are the kind it was "
    "built for. The rest go to a person, or are requests it was never trained on.",
    "hands_to_person": "A case the model is not sure enough about goes to a person, who decides instead.",
    "net_value": "What the model is worth over the period compared with people handling every case, using the "
    "value of each outcome in the bundle.",
    "min_confidence": "How sure the model must be before it acts on a case. Below this, it hands the case to a "
    "person: more of its answers are right, but it acts on fewer cases.",
    "threshold": "The chance at which the model says yes. Lower it and the model catches more of the cases that "
    "matter, at the price of more false alarms.",
    "range": "The 95% range: where the figure would most likely land on other, similar cases (from resampling "
    "the test cases). n is the number of cases behind it.",
    "calibration": "Whether the model's stated confidence matches how often it is right.",
    "shap": "Each feature's share in moving one prediction away from the model's starting point.",
    "audience": "Plain speaks in everyday words and natural frequencies; Technical adds metric names, ranges "
    "and method notes for a model review.",
    "segment": "A group of cases that share a value, such as a region or a plan.",
    "best_value": "The one setting of the controls where net value is highest, found by trying every "
    "combination of them.",
    "out_of_scope": "Requests the model was never trained on: it cannot get them right.",
}

TERMS = {  # the glossary as people look words up: term -> one line
    "Acts on": GLOSSARY["acts_on"],
    "Covers (coverage)": GLOSSARY["coverage"],
    "Hands to a person": GLOSSARY["hands_to_person"],
    "Right when it acts (accuracy)": GLOSSARY["accuracy_acted"],
    "Accuracy in tests": GLOSSARY["accuracy_in_scope"],
    "Net value": GLOSSARY["net_value"],
    "Best-value setting": GLOSSARY["best_value"],
    "Confidence needed to act": GLOSSARY["min_confidence"],
    "Chance needed to flag (threshold)": GLOSSARY["threshold"],
    "95% range and n": GLOSSARY["range"],
    "Can its confidence be trusted (calibration)": GLOSSARY["calibration"],
    "Contribution (SHAP)": GLOSSARY["shap"],
    "Segment": GLOSSARY["segment"],
    "Never trained on (out of scope)": GLOSSARY["out_of_scope"],
}

# Words a product manager should not have to know; Plain mode keeps them inside tooltips.
JARGON = (
    "precision",
    "recall",
    "f1",
    "auc",
    "shap",
    "log-odds",
    "logit",
    "calibration",
    "threshold",
    "false positive",
    "false negative",
    "true positive",
    "true negative",
    "confusion matrix",
    "bootstrap",
    "roc",
    "confidence interval",
    "expected calibration error",
    "softmax",
)
