"""After launch: real requests, added batch by batch, set against the test figures.

- `traffic`: the append-only batch log and `python -m core.traffic add`, one summary per batch,
  figures per period against their normal range, drift, and what changed in words.

Other wings use: `traffic.{since_launch, batches, reference, summary, card_line, keep_line, add}`.
"""
