"""Since launch: how the model is doing on real requests, period by period, against its tests."""

import pandas as pd
import streamlit as st

from core import format as fmt
from core.after_launch import traffic
from core.app import session, ui
from core.outputs import charts
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
st.title("Since launch")
if spec.traffic is None:
    st.info(
        "This model has no traffic yet. Add a `traffic:` section to bundle.yaml (a folder of real requests and "
        "the column that says when each came in), then add each batch with "
        "`python -m core.traffic add BUNDLE FILE`. The README's section on traffic shows how.",
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
        ),
        icon=":material/info:",
    )
    session.view_link()
    st.stop()

per = result.periods
first, last = per["start"].iloc[0], per["start"].iloc[-1]
st.caption(
    fmt.literal(
        f"{spec.title} · {fmt.counted(result.requests, spec.subject, spec.subjects)} from "
        f"{traffic.period_words(first, result.period)} to {traffic.period_words(last, result.period)}, per "
        f"{result.period} · at the setting in bundle.yaml (the one in use), where the model "
        f"{narrative.describe_point(spec.operating_point, spec)}"
    )
)

with ui.section("What changed"):
    line = narrative.traffic_line(result, spec)
    if result.findings:
        ui.findings(result.findings)
    else:
        ui.findings([narrative.traffic_steady(result.requests, len(per), result.period, spec)])
    st.caption(
        fmt.literal(
            "A figure counts as changed when it leaves the range a "
            f"{result.period} of that many requests shows when nothing has changed, two {result.period}s running."
        )
    )

st.subheader("Is it still handling the work?")
with ui.section("The share it acts on"):
    shown = per.assign(outcomes=lambda f: ["outcome known" if s > 0.5 else "not yet" for s in f["outcome_share"]])
    requests_title = f"{fmt.count(result.requests)} {spec.subjects} in {len(per)} {result.period}s"
    ui.chart(charts.traffic_requests(shown[["start", "n", "outcomes"]], requests_title, spec.subjects), requests_title)
    latest = per.iloc[-1]
    act_title = (
        f"It acts on {fmt.percent(latest['act_share'])} of {spec.subjects} in the latest {result.period}, "
        f"against {fmt.percent(latest['test_act'])} in the tests (shaded: normal variation)"
    )
    ui.chart(
        charts.traffic_band(per[["start", "act_share", "act_low", "act_high"]], "act_share", "act_low", "act_high",
                            act_title, "Share it acts on"),
        act_title,
    )  # fmt: skip

st.subheader("Is it still right?")
with ui.section("Right when it acts"):
    known = per[per["known_acted"] > 0]
    if known.empty and not result.trusted_confidence:
        st.info(
            fmt.literal(
                "No outcomes have arrived yet, and the model's confidence did not hold in the tests, so how often "
                "it is right since launch cannot be told yet."
            ),
            icon=":material/hourglass_empty:",
        )
    else:
        columns = ["start", "accuracy", "accuracy_low", "accuracy_high"]
        estimate = "estimate" if result.trusted_confidence else None
        if estimate:
            columns += ["estimate"]
        done = per["outcome_share"] > 0.5
        right_title = (
            f"Right {fmt.percent(known['right'].sum() / known['known_acted'].sum())} of the time when it acts, where "
            f"outcomes have arrived ({fmt.count(known['known'].sum())} {spec.subjects}); {fmt.percent(per['test_accuracy'].iloc[0])} in the tests"
            if not known.empty
            else f"No outcomes yet; {fmt.percent(per['test_accuracy'].iloc[0])} in the tests"
        )
        frame = per[columns].copy()
        frame.loc[~(per["known_acted"] > 0), "accuracy"] = float("nan")
        ui.chart(
            charts.traffic_band(frame, "accuracy", "accuracy_low", "accuracy_high", right_title, "Right when it acts", estimate),
            right_title,
        )  # fmt: skip
        if estimate:
            waiting = int((~done).sum())
            st.caption(
                fmt.literal(
                    f"Dashed: an estimate from the model's own confidence, for the {waiting} {result.period}"
                    f"{'s' if waiting != 1 else ''} whose outcomes have not arrived (the model's confidence held in the "
                    "tests, so it is shown, set right by how far it was off there). It is an estimate, not a measurement."
                )
            )
    if spec.business.is_set:
        valued = per[per["net"].notna()]
        if len(valued):
            latest_value = valued.iloc[-1]
            money = lambda x: fmt.money(x, spec.business.currency)  # noqa: E731
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
with ui.section("What changed in the inputs"):
    drift = result.drift
    if drift.empty:
        st.info("Too few requests per period to judge whether the inputs moved.", icon=":material/info:")
    else:
        latest_start = drift["start"].max()
        table = drift[drift["start"] == latest_start].sort_values("psi", ascending=False)
        st.dataframe(
            pd.DataFrame(
                {
                    "Input": [
                        "The model's answers" if f == traffic.ANSWERS else spec.label(f) for f in table["feature"]
                    ],
                    "Stability index (PSI)": table["psi"].round(3),
                    "Jensen-Shannon distance": table["js"].round(3),
                    "Moved?": ["yes" if v >= traffic.PSI_MOVED else "no" for v in table["psi"]],
                }
            ),
            hide_index=True,
        )
        st.caption(
            fmt.literal(
                f"In the latest {result.period}, against the test data. An index of {traffic.PSI_MOVED} or more is a shift "
                "worth acting on; numbers are compared over tenths of the test data."
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
            f"What the model answers, per {result.period}: a person handles "
            f"{fmt.percent(float(person['share'].sum()))} in the latest"
        )
        ui.chart(charts.traffic_answers(mix, mix_title), mix_title)

session.view_link()
