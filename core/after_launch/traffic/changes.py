"""Since launch put together: each period against its normal range, what changed in words, and the one line every summary carries."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from core import format as fmt
from core.after_launch.traffic import text
from core.after_launch.traffic.courses import Course, at_least, course
from core.after_launch.traffic.log import LOG, _kept, _log
from core.after_launch.traffic.periods import (
    ANSWERS,
    MEASURED,
    MIN_ROWS,
    PSI_MOVED,
    SinceLaunch,
    Z,
    choose_period,
    coarse,
    js_distance,
    median_from,
    period_start,
    period_words,
    psi,
    test_answers,
)
from core.after_launch.traffic.summaries import Reference, Summary, expected_values
from core.bundles.bundle import Bundle
from core.bundles.contract import BundleError, OperatingPoint


def since_launch(bundle: Bundle, combined: Summary, ref: Reference, test, data, point: OperatingPoint,
                 calibrated: bool) -> SinceLaunch:  # fmt: skip
    """Per period: requests, the share the model acts on, accuracy where outcomes arrived and its
    estimate from confidence (only when `calibrated`), net value per request, drift per input and
    (classifiers) in its answers, each against the range a period of that size shows when nothing
    has changed. `test` is the bundle's `metrics.Headline` and `data` its `metrics.EvalSet`, at
    `point`, the setting the traffic was summarised at."""
    from core.evaluation import metrics

    spec = bundle.spec
    days = combined.days.copy()
    period = choose_period(days["day"], spec.traffic.period)
    days["start"] = period_start(days["day"], period)
    per = days.drop(columns="day").groupby("start", as_index=False, sort=True).sum()
    k = test.kpis
    act_rate = k.acted / k.n

    def band(rate: float, test_se: float, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        spread = Z * np.sqrt(rate * (1 - rate) / np.maximum(n, 1) + test_se**2)
        return np.clip(rate - spread, 0, 1), np.clip(rate + spread, 0, 1)

    n = per["n"].to_numpy(float)
    per["act_share"] = per["acted"] / per["n"]
    per["act_low"], per["act_high"] = band(act_rate, np.sqrt(act_rate * (1 - act_rate) / k.n), n)
    accuracy = k.accuracy_acted if k.accuracy_acted == k.accuracy_acted else 0.0
    acc_se = np.sqrt(accuracy * (1 - accuracy) / max(k.acted, 1))
    # the confidence-based estimate, set right by how far the model's confidence was off in the tests
    offset = 0.0
    if spec.task != "regression" and k.acted:
        acted = metrics.outcomes(data, point).acted
        offset = accuracy - float(data.confidence[acted].mean())
    with np.errstate(invalid="ignore", divide="ignore"):
        per["accuracy"] = np.where(per["known_acted"] > 0, per["right"] / per["known_acted"], np.nan)
        per["estimate"] = np.where(per["acted"] > 0, per["expected_right"] / per["acted"] + offset, np.nan)
        spread = Z * np.sqrt(per["expected_var"] / per["acted"] ** 2 + acc_se**2)
        if spec.task == "regression":  # an estimate's worth is known only once its outcome is
            per["net_per_request"] = np.where(per["known"] > 0, per["value_known"] / per["known"], np.nan)
        else:
            per["net_per_request"] = (per["value_known"] + per["value_expected"]) / per["n"]
    if spec.task == "regression":
        per["estimate"] = np.nan
    per["estimate_low"], per["estimate_high"] = per["estimate"] - spread, per["estimate"] + spread
    per["outcome_share"] = per["known"] / per["n"]
    # a period is measured once outcomes have arrived for at least half its requests; the others
    # are estimated from the model's confidence, when that held in the tests (`estimated`): the
    # page, the findings and the slides show one or the other for a period, never both
    per["measured"] = (per["outcome_share"] >= MEASURED) & (per["known_acted"] > 0)
    per.loc[~per["measured"], "accuracy"] = np.nan
    if not calibrated:
        per[["estimate", "estimate_low", "estimate_high"]] = np.nan
    per["estimated"] = per["estimate"].where(~per["measured"])
    # normal variation for that many acted requests with an outcome (estimated periods: for all it
    # acted on, which is what the estimate is judged against)
    judged = np.where(per["measured"], per["known_acted"], per["acted"]).astype(float)
    per["accuracy_low"], per["accuracy_high"] = band(accuracy, acc_se, judged)
    # net value per period against what the test figures say that many requests are worth
    spread_case = float(metrics.outcomes(data, point).value.std()) if data.n > 1 else 0.0
    net_se = (test.ranges.net_per_case.high - test.ranges.net_per_case.low) / (2 * Z)
    if net_se != net_se:
        net_se = 0.0
    if spec.task != "regression":
        # where outcomes have not arrived, the value expected from the model's chances, set right by
        # how far that expectation was off in the tests (requests it was never built for, for one)
        out = metrics.outcomes(data, point)
        if data.task == "binary":
            chance, answer = data.p_positive, (data.p_positive >= point.threshold).astype(int)
        else:
            chance, answer = data.confidence, data.answer
        expected = expected_values(data.task, chance, answer, out.acted, data.values)
        value_offset = k.net_per_case - float((expected - out.baseline).mean())
        per["net_per_request"] += value_offset * (per["n"] - per["known"]) / per["n"]
    per["net"] = per["net_per_request"] * per["n"]
    half = Z * np.sqrt(spread_case**2 / np.maximum(n, 1) + net_se**2) * n
    per["net_low"], per["net_high"] = k.net_per_case * n - half, k.net_per_case * n + half
    per["test_act"], per["test_accuracy"], per["test_net"] = act_rate, k.accuracy_acted, k.net_per_case

    # per text input, the share of messages that look like nothing the model was trained on, against
    # the range that many messages show when nothing has changed
    for feature in ref.texts:
        key = feature + text.UNLIKE
        part = combined.inputs[combined.inputs["feature"] == key]
        starts = period_start(pd.to_datetime(part["day"]), period)
        yes = part[part["bin"] == 1].groupby(starts[part["bin"] == 1])["count"].sum()
        every = part.groupby(starts)["count"].sum()
        share = (yes.reindex(per["start"], fill_value=0) / every.reindex(per["start"])).to_numpy(float)
        rate = float(ref.shares[key][1])
        per[f"unlike:{feature}"] = share
        per[f"unlike_test:{feature}"] = rate
        per[f"unlike_low:{feature}"], per[f"unlike_high:{feature}"] = band(
            rate,
            np.sqrt(rate * (1 - rate) / max(len(bundle.X), 1)),
            every.reindex(per["start"]).fillna(0).to_numpy(float),
        )

    drift_rows = []
    inputs = combined.inputs.copy()
    if len(inputs):
        inputs["start"] = period_start(inputs["day"], period)
        grouped = inputs.groupby(["start", "feature", "bin"], as_index=False)["count"].sum()
        for (start, feature), part in grouped.groupby(["start", "feature"], sort=True):
            if feature.endswith(text.UNLIKE):
                continue  # a share judged against its own range above, not by how its mix moved
            counts = np.bincount(
                part["bin"].to_numpy(int), weights=part["count"].to_numpy(float), minlength=ref.size(feature)
            )
            if counts.sum() < MIN_ROWS:
                continue
            expected = coarse(ref, feature, ref.shares[feature])
            actual = coarse(ref, feature, counts / counts.sum())
            drift_rows.append({"start": start, "feature": feature, "psi": psi(expected, actual),
                               "js": js_distance(expected, actual), "n": counts.sum()})  # fmt: skip
    drift = pd.DataFrame(drift_rows, columns=["start", "feature", "psi", "js", "n"])

    answers = pd.DataFrame(columns=["start", "answer", "share"])
    if len(combined.answers):
        shown = combined.answers.copy()
        shown["start"] = period_start(shown["day"], period)
        shown = shown.groupby(["start", "answer"], as_index=False)["count"].sum()
        shown["share"] = shown["count"] / shown.groupby("start")["count"].transform("sum")
        answers = shown
        expected = test_answers(data, point)
        for start, part in shown.groupby("start", sort=True):
            counts = np.bincount(part["answer"].to_numpy(int) + 1, weights=part["count"].to_numpy(float),
                                 minlength=len(expected))  # fmt: skip
            if counts.sum() >= MIN_ROWS:
                drift_rows.append({"start": start, "feature": ANSWERS, "psi": psi(expected, counts / counts.sum()),
                                   "js": js_distance(expected, counts / counts.sum()), "n": counts.sum()})  # fmt: skip
        drift = pd.DataFrame(drift_rows, columns=["start", "feature", "psi", "js", "n"])
    result = SinceLaunch(period, per, drift, answers, trusted_confidence=calibrated, requests=int(per["n"].sum()))
    result.valued = spec.business.is_set
    result.findings = findings(
        bundle, result, ref, combined, test_answers(data, point) if spec.task != "regression" else None
    )
    return result


def figure_courses(result: SinceLaunch) -> list[tuple[str, np.ndarray, Course]]:
    """(figure, the positions of its periods in `result.periods`, its course) for each figure the
    page draws against a range: the share it acts on, accuracy where measured, its estimate where
    not, net value, and per text input the share of messages unlike anything it trained on."""
    per = result.periods
    everywhere = np.arange(len(per))
    found = [("acts", everywhere, course(per["act_share"], per["act_low"], per["act_high"]))]
    for name, column, rows in (
        ("accuracy", "accuracy", per["measured"]),
        ("estimate", "estimated", per["estimated"].notna()),
    ):
        at = np.flatnonzero(rows.to_numpy(bool))
        if len(at):
            part = per.iloc[at]
            found.append((name, at, course(part[column], part["accuracy_low"], part["accuracy_high"])))
    at = np.flatnonzero(per["net"].notna().to_numpy())
    if len(at) and result.valued:
        part = per.iloc[at]
        found.append(("value", at, course(part["net"], part["net_low"], part["net_high"])))
    for column in [c for c in per.columns if c.startswith("unlike:")]:
        feature = column.split(":", 1)[1]
        found.append(
            (column, everywhere, course(per[column], per[f"unlike_low:{feature}"], per[f"unlike_high:{feature}"]))
        )
    return found


def findings(bundle: Bundle, result: SinceLaunch, ref: Reference, combined: Summary, expected_answers=None) -> list:
    """What has changed and is still changed, in plain words: the share it acts on, accuracy (or
    its estimate), net value, the inputs that moved most, and (classifiers) the mix of answers.
    Periods outside their range that are not a change under way go to `result.notes`."""
    from core.words import narrative

    spec, per, period = bundle.spec, result.periods, result.period
    said, notes, alone, firsts, moved_texts = [], [], [], [], []
    starts = per["start"].tolist()

    def when(i: int) -> str:
        return period_words(starts[i], period)

    for name, at, found in figure_courses(result):
        for first, last in found.runs if not found.ongoing else found.runs[:-1]:
            after = at[last + 1 :]
            back = when(after[0]) if found.runs[-1] == (first, last) and found.ended and len(after) else None
            notes.append(narrative.traffic_ended(name, found.side[first], when(at[first]), when(at[last]), back, spec))
        if found.alone():
            alone.append((name, [when(at[i]) for i in found.alone()]))
        if not found.ongoing:
            continue
        if name.startswith("unlike:"):  # a change in what comes in: named with the inputs below
            moved_texts.append((name.split(":", 1)[1], starts[at[found.first]]))
            continue
        rows = per.iloc[at[found.first :]]
        since = when(at[found.first])
        if name == "acts":
            share = float(rows["acted"].sum() / rows["n"].sum())
            finding = narrative.traffic_acts(share, float(per["test_act"].iloc[0]), since, spec)
        elif name == "accuracy":
            finding = narrative.traffic_accuracy(float(rows["right"].sum() / rows["known_acted"].sum()),
                                                 float(per["test_accuracy"].iloc[0]), since, spec, False)  # fmt: skip
        elif name == "estimate":
            estimate = float((rows["estimated"] * rows["acted"]).sum() / rows["acted"].sum())
            finding = narrative.traffic_accuracy(estimate, float(per["test_accuracy"].iloc[0]), since, spec, True)
        else:
            finding = narrative.traffic_value(float(rows["net"].mean()), float((rows["test_net"] * rows["n"]).mean()),
                                              since, period, spec)  # fmt: skip
        result.changed[name] = (since, finding.numbers)
        if found.side[-1] == 0:  # the latest period is back within its range: not yet the end of it
            finding = narrative.traffic_not_over(finding, period)
        said.append(finding)
        firsts.append(int(at[found.first]))
    inputs = _inputs_moved(bundle, result, ref, combined, expected_answers, notes, moved_texts)
    # a change in what the model does names the changes in what comes in that began with it
    used = set()
    for j, (change, first) in enumerate(zip(said, firsts, strict=True)):
        causes = [(psi_, i) for i, (psi_, start, feature, _) in enumerate(inputs)
                  if feature != ANSWERS and i not in used and abs(starts.index(start) - first) <= 1]  # fmt: skip
        causes = [i for _, i in sorted(causes, reverse=True)[:2]]
        if causes:
            said[j] = narrative.traffic_because(change, [inputs[i][3] for i in causes], when(first), period)
            used |= set(causes)
    rest = [entry for i, entry in enumerate(inputs) if i not in used]
    said += [finding for *_, finding in rest[:3]]
    also = [feature for _, _, feature, _ in rest[3:]]
    if also:
        labels = ["the model's answers" if f == ANSWERS else text.label(spec, f) for f in also]
        notes.append(narrative.traffic_inputs_also(labels, period))
    if alone:
        notes.append(narrative.traffic_alone(alone, period, spec))
    result.notes = [f for f in notes if f is not None]
    return [f for f in said if f is not None]


def _inputs_moved(
    bundle: Bundle,
    result: SinceLaunch,
    ref: Reference,
    combined: Summary,
    expected_answers,
    notes: list,
    moved_texts: list,
) -> list:
    """(how far it moved, start, feature, finding) for each input (and the model's answers) that moved two
    periods running or more and is still moved, biggest first: a text input once, through its
    messages; a category's new values named. Inputs moved in the latest period only go to `notes`.
    `moved_texts`: (text input, start) whose share of messages unlike anything it trained on left its range."""
    from core.words import narrative

    drift, period, spec = result.drift, result.period, bundle.spec
    found, latest_only = [], []
    for feature, start in moved_texts:  # ordered with the rest by how far that share moved
        now, test = float(result.periods[f"unlike:{feature}"].iloc[-1]), float(ref.shares[feature + text.UNLIKE][1])
        found.append((psi(np.array([1 - test, test]), np.array([1 - now, now])), start, feature + text.UNLIKE))
    for feature, part in drift.groupby("feature") if len(drift) else ():
        part = part.sort_values("start")
        course_ = at_least(part["psi"], PSI_MOVED)
        if course_.ongoing:
            found.append((float(part["psi"].iloc[-1]), part["start"].iloc[course_.first], feature))
        elif course_.side[-1] and part["start"].iloc[-1] == drift["start"].max():
            latest_only.append(feature)
    said, texts = [], set()
    for psi_, start, feature in sorted(found, key=lambda f: (-f[0], f[2])):
        source = ref.source(feature)
        if feature == ANSWERS:
            finding = _answers_moved(bundle, combined, expected_answers, start, period)
        elif source != feature:
            if source in texts:
                continue
            texts.add(source)
            finding = _text_moved(bundle, ref, combined, source, start, period)
            feature = source
        else:
            finding = _moved(bundle, ref, combined, feature, start, period)
        if finding is not None:
            said.append((psi_, start, feature, finding))
    said += _new_values(bundle, result, ref, combined, {f for *_, f, _ in said})
    if latest_only:
        labels = ["the model's answers" if f == ANSWERS else text.label(spec, f) for f in latest_only]
        notes.append(narrative.traffic_inputs_also(labels, period))
    return said


def _since(frame: pd.DataFrame, start, period: str) -> pd.DataFrame:
    return frame[period_start(pd.to_datetime(frame["day"]), period) >= start] if len(frame) else frame


def _text_moved(bundle: Bundle, ref: Reference, combined: Summary, feature: str, start, period: str):
    """A text input that moved, in words: the share of messages that look like nothing the model
    was trained on, and the words rising most, with a real message."""
    from core.words import narrative

    key = feature + text.UNLIKE
    part = _since(combined.inputs, start, period)
    part = part[part["feature"] == key]
    counts = np.bincount(part["bin"].to_numpy(int), weights=part["count"].to_numpy(float), minlength=ref.size(key))
    share = float(counts[1] / counts.sum()) if counts.sum() else 0.0
    terms = _since(combined.terms, start, period)
    examples = _since(combined.examples, start, period)
    rising = text.rising(
        ref.texts[feature], terms[terms["feature"] == feature], examples[examples["feature"] == feature]
    )
    days = _since(combined.days, start, period)
    column = feature + text.NEW_WORDS
    new_words = (
        (float(days[column].sum() / days["n"].sum()), ref.texts[feature].new_words_test) if column in days else None
    )
    return narrative.traffic_text(bundle.spec.label(feature), share, float(ref.shares[key][1]), rising,
                                  period_words(start, period), bundle.spec, new_words)  # fmt: skip


NEW_VALUES = 0.01  # new category values on this share of requests, two periods running: named


def _new_values(bundle: Bundle, result: SinceLaunch, ref: Reference, combined: Summary, named: set) -> list:
    """Categories whose values the test data never had reach `NEW_VALUES` of requests two periods
    running (and no drift finding names them already)."""
    from core.words import narrative

    if not len(combined.novel):
        return []
    per, period, said = result.periods, result.period, []
    novel = combined.novel.copy()
    novel["start"] = period_start(pd.to_datetime(novel["day"]), period)
    for feature, part in novel.groupby("feature"):
        if feature in named:
            continue
        share = part.groupby("start")["count"].sum().reindex(per["start"], fill_value=0).to_numpy(float) / per[
            "n"
        ].to_numpy(float)
        found = at_least(share, NEW_VALUES)
        if not found.ongoing:
            continue
        start = per["start"].iloc[found.first]
        total = float(per.loc[per["start"] >= start, "n"].sum())
        values = _new_since(combined, feature, start, period, total)
        finding = narrative.traffic_new_values(bundle.spec.label(feature), values, sum(share for _, share in values),
                                               period_words(start, period), bundle.spec)  # fmt: skip
        said.append((float(share[-1]), start, feature, finding))
    return said


def _new_since(combined: Summary, feature: str, start, period: str, total: float) -> list[tuple[str, float]]:
    """A category's values the test data never had, since `start`: (value, its share of `total`
    requests), most common first."""
    novel = _since(combined.novel, start, period)
    if not len(novel):
        return []
    counts = novel[novel["feature"] == feature].groupby("value")["count"].sum()
    return [(str(v), float(c / total)) for v, c in counts.sort_values(ascending=False, kind="stable").items()]


def _moved(bundle: Bundle, ref: Reference, combined: Summary, feature: str, start, period: str):
    """One input that moved, in words: its median for numbers, the level that grew most for categories."""
    from core.words import narrative

    inputs = combined.inputs
    days = pd.to_datetime(inputs["day"])
    part = inputs[(inputs["feature"] == feature) & (period_start(days, period) >= start)]
    counts = np.bincount(part["bin"].to_numpy(int), weights=part["count"].to_numpy(float), minlength=ref.size(feature))
    label = bundle.spec.label(feature)
    if feature in ref.edges:
        now = median_from(ref, feature, counts)
        return narrative.traffic_median(
            label, feature, now, ref.medians[feature], period_words(start, period), bundle.spec
        )
    shares = counts / counts.sum()
    growth = shares - ref.shares[feature]
    k = int(np.argmax(growth))
    levels = [*ref.levels[feature], "something new", "missing"]
    values = _new_since(combined, feature, start, period, float(counts.sum())) if k == len(ref.levels[feature]) else []
    if values:
        return narrative.traffic_new_values(label, values, float(shares[k]), period_words(start, period), bundle.spec)
    return narrative.traffic_level(label, levels[k], float(shares[k]), float(ref.shares[feature][k]),
                                   period_words(start, period), bundle.spec)  # fmt: skip


def _answers_moved(bundle: Bundle, combined: Summary, expected: np.ndarray, start, period: str):
    """What the model says changed: the answer that grew most (a person, a flag, a class)."""
    from core.words import narrative

    shown = combined.answers
    part = shown[period_start(pd.to_datetime(shown["day"]), period) >= start]
    counts = np.bincount(
        part["answer"].to_numpy(int) + 1, weights=part["count"].to_numpy(float), minlength=len(expected)
    )
    shares = counts / counts.sum()
    k = int(np.argmax(shares - expected))
    if k == 0:
        what = "hands to a person"
    elif bundle.spec.task == "binary":
        what = "flags" if k == 2 else "lets pass without a flag"
    else:
        what = f"sends to {fmt.class_label(bundle.spec.class_name(bundle.classes[k - 1]))}"
    return narrative.traffic_answers(
        what, float(shares[k]), float(expected[k]), period_words(start, period), bundle.spec
    )


def _line_path(cache: Path, figures_key: str) -> Path:
    return cache / "traffic" / f"line-{figures_key}.json"


def _listing(folder: Path) -> list:
    """What is in a traffic folder, as cheaply as a card can look: each data file's name, size and
    time, and the log's; a batch added, removed or put there by hand changes it."""
    from core.after_launch.traffic.log import FORMATS

    return sorted(
        [p.name, p.stat().st_size, p.stat().st_mtime_ns]
        for p in folder.iterdir()
        if p.is_file() and (p.suffix.lower() in FORMATS or p.name == LOG)
    )


def keep_line(cache: Path, bundle: Bundle, result: SinceLaunch | None = None, problem: str | None = None) -> None:
    """Keep a bundle's since-launch line, its summary line for `result` or why the figures could not
    be worked out (`problem`), where Home can read it without opening the bundle, for exactly what
    is in the traffic folder now (written only when it changed; nothing without a traffic folder)."""
    from core.words import narrative

    folder = bundle.spec.traffic.path if bundle.spec.traffic is not None else None
    if folder is None or not folder.is_dir() or (result is None and problem is None):
        return
    said = narrative.traffic_unknown(problem) if problem is not None else narrative.traffic_line(result, bundle.spec)
    try:
        entry = {"listing": _listing(folder), "sentence": said.sentence, "severity": said.severity}
        path = _line_path(cache, bundle.figures_key)
        if path.exists() and json.loads(path.read_text()) == entry:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(entry))
    except (OSError, ValueError):
        pass  # a read-only disk: the card says what the log says instead


def card_line(spec, figures_key: str, cache: Path) -> tuple[str, int] | None:
    """(sentence, severity) for a card, read without opening the bundle: the line kept when the
    figures were last worked out for exactly what is in the traffic folder, else what the batch
    log says; a log that cannot be read is a warning."""
    from core.words import narrative

    if spec.traffic is None or not spec.traffic.path.is_dir():
        return None
    try:
        logged = _log(spec.traffic.path)
    except BundleError as error:
        unknown = narrative.traffic_unknown(error.message)
        return unknown.sentence, unknown.severity
    try:
        kept = json.loads(_line_path(cache, figures_key).read_text())
        if kept.get("listing") == _listing(spec.traffic.path):
            return kept["sentence"], int(kept["severity"])
    except (OSError, ValueError, KeyError):
        pass
    logged = list(_kept(logged).values())  # a batch withdrawn with `remove` counts no more
    if not logged:
        return None
    rows = sum(int(entry.get("rows", 0)) for entry in logged)
    first = min(entry.get("first", "") for entry in logged)
    last = max(entry.get("last", "") for entry in logged)
    when = ""
    if first and last:
        a, b = pd.Timestamp(first), pd.Timestamp(last)
        when = f" from {a.day} {a:%b} to {b.day} {b:%b %Y}"
    return (
        f"Since launch: {fmt.counted(rows, spec.subject, spec.subjects)}{when}. Open Since launch to see how it is doing.",
        0,
    )
