"""Modelbrief's logic: bundles, figures, explanations, words and reports, usable without Streamlit.

The wings, lowest first; a wing imports only the wings below it (checked by `lint-imports`):

- `format`: numbers, counts and money as people read them ("about 8 in 10", "$142,180");
- `bundles`: the `bundle.yaml` contract, finding and opening bundles, scores kept on disk, the cluster;
- `evaluation` | `team`: the figures (accuracy, coverage, value, their ranges, every setting at once,
  breakdowns, two models compared) | who may see a model and the decision log;
- `explaining`: SHAP in the units people see, words in text features, what if;
- `words`: findings in plain words, the glossary, the model card;
- `outputs` | `after_launch`: the story, charts, the report and the deck | real traffic after launch;
- `publishing`: the publisher, the summaries Home reads, the demo bundles;
- `app`: the only Streamlit code: shared caches, the sidebar, links, background jobs, page pieces.

`core.publish`, `core.traffic` and `core.demo` are the commands (`python -m core.publish ...`).
"""

__version__ = "0.1.0"
