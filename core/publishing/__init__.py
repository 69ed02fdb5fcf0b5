"""Publishing: turning a fitted model and its evaluation rows into a bundle, and the demos.

- `publish`: the publisher (`publish(...)` and `python -m core.publish`);
- `choices`: what the publisher chooses when it is not told (positive class, default tolerance,
  columns, text), each said as a sentence and written into `bundle.yaml` with its reason;
- `summary`: a bundle's card in a few hundred bytes (`summary.json`), what Home reads;
- `demos`: the built-in demo bundles (`python -m core.demo`), from `demo_data`'s generators;
- `demo_traffic`: twelve weeks of demo traffic for each demo bundle.

Other wings use: `publish.publish`, `summary.{Summary, of, find, write}` and `demos.{build_demos, missing_demos}`.
"""
