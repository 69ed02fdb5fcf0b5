"""Evaluation: how often it is right, how much it covers, what that is worth, with honest ranges.

- `metrics`: the operating-point engine (`EvalSet`, `outcomes`, `kpis`, `headline` with bootstrap ranges);
- `tradeoff`: every setting at once (rows sorted once, prefix sums) and the best-value setting;
- `breakdown`: outcome counts, calibration, segments, unseen requests, regression errors, as tidy frames;
- `compare`: two models on the same rows (row checks, paired bootstrap, segment winners, verdict).

Other wings use: `metrics.{EvalSet, Kpis, Headline, Estimate, outcomes, headline}`,
`tradeoff.{Index, Best, curve, best_point}`, `breakdown`'s frames and `compare.judged`.
"""
