"""Since launch: how the model is doing on real requests, period by period, against its tests."""

import pandas as pd
import streamlit as st

from core import format as fmt
from core.after_launch import traffic
from core.after_launch.traffic import text
from core.app import session, ui
from core.outputs import charts
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
expert = ui.audience() == narrative.TECHNICAL
st.title("Since launch")
if spec.traffic is None and bundle.id.startswith("mlflow:"):
    st.info(
        "This version comes from the MLflow registry, and real requests after launch are read only from bundle "
        "folders. Publish it to a folder with a `traffic:` section to follow it here; the README's section on "
        "traffic shows how.",
        icon=":material/info:",
    )
    st.stop()
if spec.traffic is None:
    st.info(
        "This model has no traffic yet. Add a `traffic:` section to bundle.yaml (a folder of real requests and "
        "the column that says when each came in), then add each batch with "
        "`python -m core.traffic add BUNDLE FILE`. The README's section on traffic shows how."
        if expert
        else "This model has no traffic yet. Whoever publishes it can add real requests batch by batch, as the "
        "README's section on traffic shows; how it is doing will then show here.",
        icon=":material/info:",
    )
    session.view_link()
    st.stop()
found = ui.attempt(session.since_launch, bundle)
if not found.show("The requests since launch"):
    st.stop()
result = found.value
if result is None:
    st.info(
        fmt.literal(
            f"No requests have been added yet. Add a batch with `python -m core.traffic add {bundle.id} FILE`."
            if expert
            else "No requests have been added yet. Whoever publishes the model adds them batch by batch."
        ),
        icon=":material/info:",
    )
    session.view_link()
    st.stop()

per = result.periods
first, last = per["start"].iloc[0], per["start"].iloc[-1]
setting = "the setting in bundle.yaml (the one in use)" if expert else "the setting in use"
st.caption(
    fmt.literal(
        f"{spec.title} · {fmt.counted(result.requests, spec.subject, spec.subjects)} from "
        f"{traffic.period_words(first, result.period)} to {traffic.period_words(last, result.period)}, per "
        f"{result.period} · at {setting}, where the model {narrative.describe_point(spec.operating_point, spec)}"
    )
)

with ui.section("What changed"):
    if result.findings or result.notes:
        ui.findings([*result.findings, *result.notes])
    else:
        ui.findings([narrative.traffic_steady(result.requests, len(per), result.period, spec)])
    st.caption(
        fmt.literal(
            "A figure counts as changed when it leaves the range a "
            f"{result.period} of that many requests shows when nothing has changed, two {result.period}s running, "
            f"and the change is over once it is back within that range two {result.period}s running."
        )
    )

st.subheader("Is it still handling the work?")
with ui.section("The share it acts on"):
    shown = per.assign(outcomes=lambda f: ["outcome known" if m else "not yet" for m in f["measured"]])
    requests_title = f"{fmt.count(result.requests)} {spec.subjects} in {len(per)} {result.period}s"
    ui.chart(charts.traffic_requests(shown[["start", "n", "outcomes"]], requests_title, spec.subjects), requests_title)
    test_act = float(per["test_act"].iloc[0])
    if "acts" in result.changed:  # the figure the finding quotes, for the period it quotes
        since, numbers = result.changed["acts"]
        act_title = f"Since {since}, it acts on {fmt.percent(numbers['share'])} of {spec.subjects}"
    else:
        act_title = (
            f"It acts on {fmt.percent(per['acted'].sum() / result.requests)} of {spec.subjects} over the "
            f"{fmt.count(len(per))} {result.period}s"
        )
    act_title += f", against {fmt.percent(test_act)} in the tests (shaded: normal variation per {result.period})"
    ui.chart(
        charts.traffic_band(per[["start", "act_share", "act_low", "act_high"]], "act_share", "act_low", "act_high",
                            act_title, "Share it acts on"),
        act_title,
    )  # fmt: skip

st.subheader("Is it still right?")
with ui.section("Right when it acts"):
    measured = per[per["measured"]]
    waiting = int((~per["measured"]).sum())
    estimated = per["estimated"].notna().any()
    test_accuracy = float(per["test_accuracy"].iloc[0])
    if measured.empty and not estimated:
        right_title = None
    elif "accuracy" in result.changed:
        since, numbers = result.changed["accuracy"]
        right_title = f"Since {since}, right {fmt.percent(numbers['accuracy'])} of the time when it acts"
    elif not measured.empty:
        last_measured = measured["start"].iloc[-1]
        right_title = (
            f"Right {fmt.percent(measured['right'].sum() / measured['known_acted'].sum())} of the time when it acts "
            f"in the {fmt.count(len(measured))} {result.period}{'s' if len(measured) != 1 else ''} with outcomes "
            f"(to {last_measured.day} {last_measured:%b})"
        )
    else:
        right_title = "No outcomes yet: estimated from its confidence"
    if right_title is not None:
        right_title += f"; {fmt.percent(test_accuracy)} in the tests"
        drawn = per[["start", "accuracy", "accuracy_low", "accuracy_high", "estimated"]].copy()
        nothing = drawn["accuracy"].isna() & drawn["estimated"].isna()
        drawn.loc[nothing, ["accuracy_low", "accuracy_high"]] = float("nan")  # no range where nothing is drawn
        ui.chart(
            charts.traffic_band(drawn, "accuracy",
                                "accuracy_low", "accuracy_high", right_title, "Right when it acts",
                                "estimated" if estimated else None),
            right_title,
        )  # fmt: skip
    if waiting:
        why = (
            "estimated"
            if estimated
            else "numbers"
            if spec.task == "regression"
            else "no chances"
            if bundle.decides_only
            else "unsure"
        )
        ui.findings([narrative.traffic_unmeasured(waiting, result.period, why, spec)])
    if spec.business.is_set:
        valued = per[per["net"].notna()]
        if len(valued):
            money = lambda x: fmt.money(x, spec.business.currency)  # noqa: E731
            if "value" in result.changed:
                since, numbers = result.changed["value"]
                value_title = (
                    f"Net value since {since}: about {money(numbers['net'])} a {result.period}, against "
                    f"{money(numbers['test'])} that many {spec.subjects} were worth in the tests"
                )
            else:
                latest_value = valued.iloc[-1]
                value_title = (
                    f"Net value: {money(latest_value['net'])} in the latest {result.period} with a figure, against "
                    f"{money(latest_value['test_net'] * latest_value['n'])} that many {spec.subjects} were worth in the tests"
                )
            ui.chart(
                charts.traffic_band(valued[["start", "net", "net_low", "net_high"]], "net", "net_low", "net_high",
                                    value_title, f"Net value ({spec.business.currency})", money=True),
                value_title,
            )  # fmt: skip
            st.caption(
                "Realised where outcomes have arrived; where they have not, expected from the model's chances."
                if spec.task != "regression"
                else "Only where outcomes have arrived: an estimate's worth is known once its outcome is."
            )


st.subheader("What changed in what comes in")
for column in [c for c in per.columns if c.startswith("unlike:")]:
    feature = column.split(":", 1)[1]
    with ui.section(f"What people write in {spec.label(feature)}"):
        unlike_title = (
            f"{fmt.percent(per[column].iloc[-1])} of {spec.subjects} look like nothing it was trained on in the "
            f"latest {result.period}, against {fmt.percent(per['unlike_test:' + feature].iloc[0])} in the tests"
        )
        shares = per[["start", column, f"unlike_low:{feature}", f"unlike_high:{feature}"]]
        shares.columns = ["start", "share", "low", "high"]  # no colons: Vega reads them as a type
        ui.chart(
            charts.traffic_band(shares, "share", "low", "high", unlike_title, "Looks like nothing it trained on"),
            unlike_title,
        )
        st.caption(
            "A message looks like nothing the model was trained on when a quarter or more of its words are ones it "
            f"never saw. Shaded: normal variation for a {result.period} of that many {spec.subjects}."
        )
with ui.section("What changed in the inputs"):
    drift = result.drift
    if drift.empty:
        st.info("Too few requests per period to judge whether the inputs moved.", icon=":material/info:")
    else:
        latest_start = drift["start"].max()
        table = drift[drift["start"] == latest_start].sort_values("psi", ascending=False)
        names = ["The model's answers" if f == traffic.ANSWERS else text.label(spec, f) for f in table["feature"]]
        columns = {"Input": names, "How much it changed": [narrative.how_much_moved(v) for v in table["psi"]]}
        if expert:
            columns |= {"Stability index (PSI)": table["psi"].round(3), "Jensen-Shannon distance": table["js"].round(3)}
        columns["Moved?"] = ["yes" if v >= traffic.PSI_MOVED else "no" for v in table["psi"]]
        st.dataframe(pd.DataFrame(columns), hide_index=True)
        st.caption(
            fmt.literal(
                f"In the latest {result.period}, against the test data. An index of {traffic.PSI_MOVED} or more is a "
                "shift worth acting on; numbers are compared over tenths of the test data."
                if expert
                else f"In the latest {result.period}, against the test data. A large change is one worth acting on."
            )
        )
    if spec.task != "regression" and len(result.answers):
        mix = result.answers.copy()
        names = {-1: "A person"}
        if spec.task == "binary":
            names.update({0: "Not flagged", 1: "Flagged"})
        else:
            names.update({i: fmt.class_label(spec.class_name(c)) for i, c in enumerate(bundle.classes)})
        mix["label"] = mix["answer"].map(names)
        top = mix.groupby("label")["share"].mean().sort_values(ascending=False).index[:7]
        mix["label"] = mix["label"].where(mix["label"].isin(top), "Other answers")
        mix = mix.groupby(["start", "label"], as_index=False)["share"].sum()
        person = result.answers[(result.answers["answer"] == -1) & (result.answers["start"] == last)]
        mix_title = (
            f"What the model answers, per {result.period}: it hands "
            f"{fmt.percent(float(person['share'].sum()))} to a person in the latest"
        )
        ui.chart(charts.traffic_answers(mix, mix_title), mix_title)

session.view_link()
