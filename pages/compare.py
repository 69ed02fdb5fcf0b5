"""Compare: the selected model (A) against another on the same evaluation rows (B)."""

import pandas as pd
import streamlit as st

from core import format as fmt
from core.app import links, session, ui
from core.bundles.bundle import Bundle
from core.evaluation import compare

bundle = ui.usable_bundle()
spec = bundle.spec
st.title("Compare two models")
others = [e for e in session.catalogue() if e.bundle is not None and e.bundle_id != bundle.id]
if not others:
    st.info("There is only one model to look at. Publish a second one, on the same evaluation rows, to compare.")
    st.stop()
ids = [e.id for e in others]
titles = {e.id: e.title for e in others}
same_rows = {e.id for e in others if session.rows_problem(bundle, e.bundle) is None}
linked = st.query_params.get("compare")
pair = session.partner(session.current())  # a registry champion opens on its challenger, and back
if st.session_state.get("compare") not in ids:
    comparable = sorted(same_rows, key=lambda i: (i != pair, ids.index(i)))
    st.session_state.pop("compare", None)
    if linked in ids or comparable:
        st.session_state["compare"] = linked if linked in ids else comparable[0]
    if linked is not None and linked not in ids:  # said for as long as the one shown instead is shown
        st.session_state["_compare_notice"] = (
            st.session_state.get("compare"),
            links.compared_instead(linked, titles[comparable[0]] if comparable else None),
        )
shown_instead, notice = st.session_state.get("_compare_notice") or (None, None)
if notice and shown_instead == st.session_state.get("compare"):
    st.info(fmt.literal(notice), icon=":material/link_off:")


def _choice(i: str) -> str:
    return fmt.clean(titles[i], limit=80) + ("" if i in same_rows else " (other rows: cannot be compared)")


if not same_rows:
    st.info(
        f"No other model was evaluated on the same {spec.subjects} as {fmt.clean(spec.title, limit=80)}, so none can "
        "be compared with it case by case. Publish a second model with the same evaluation file to compare them."
    )
unpicked = {} if "compare" in st.session_state else {"index": None}  # never opens on one it cannot compare with
other_id = st.selectbox(
    "Compare with", ids, key="compare", format_func=_choice, placeholder="Pick a model to compare with", **unpicked
)
if other_id is None:
    st.stop()
st.query_params["compare"] = other_id
other: Bundle = next(e.bundle for e in others if e.id == other_id)
st.caption(fmt.literal(f"A: {spec.title} · B: {other.spec.title}"))
if pair is not None and other_id == pair:
    st.caption(
        fmt.literal(f"Champion against challenger in the MLflow registry: {bundle.id} (A) against {other.id} (B).")
    )

problem = session.rows_problem(bundle, other)
if problem:
    st.warning(fmt.literal(f"These two cannot be compared case by case. {problem}"), icon=":material/rule:")
    st.stop()

scored_b = ui.attempt(session.eval_set, other)
if scored_b.error is not None:
    ui.problem(scored_b.error, "The other model cannot be measured")
    st.caption("Pick another model to compare with.")
    st.stop()
own_a = session.current_point(bundle)
currency, volume, per = spec.business.currency, spec.business.volume, spec.business.per
subjects = spec.subjects


def figures_table(differences) -> pd.DataFrame:
    scale = volume or 1
    points = lambda x: f"{x * 100:+.1f} points"  # noqa: E731
    money = lambda x: fmt.money(x * scale, currency)  # noqa: E731
    shown = {  # (label, how a figure is shown, how a difference is shown)
        "accuracy_acted": ("Right when it acts", fmt.percent, points),
        "coverage": ("Coverage", fmt.percent, points),
        "net_per_case": (f"Net value {fmt.per(per)}" if volume else "Net value per case", money, money),
    }
    rows = []
    for d in differences:
        if d.figure == "net_per_case" and not spec.business.is_set:
            continue  # no values set: no value to show, not even $0
        label, show, change = shown[d.figure]
        rows.append(
            {
                "Figure": label,
                "A": show(d.a),
                "B": show(d.b),
                "B minus A": change(d.difference),
                "95% range of the difference": f"{change(d.low)} to {change(d.high)}",
                "Beyond the noise?": "yes" if d.beyond_noise else "no",
            }
        )
    return pd.DataFrame(rows)


with ui.section("The figures side by side"):
    shown = session.figures_side_by_side(bundle, own_a, other)
    own, agree = shown.own, shown.agreement
    own_tab, common_tab = st.tabs(["Each at its own setting", "Both at A's setting"])
    with own_tab:
        ui.table(figures_table(own))
    with common_tab:
        ui.table(figures_table(shown.common))


st.subheader("The verdict")
with ui.section("The verdict"):
    ui.say(
        compare.verdict(
            own, spec.title, other.spec.title, agree, subjects, volume, per, currency, values_set=spec.business.is_set
        )
    )


with ui.section("Where each one wins"):
    if spec.segments:
        st.subheader("Where each one wins")
        for column in spec.segments:
            table = session.segment_winners(bundle, own_a, other, column)
            ui.table(
                pd.DataFrame(
                    {
                        spec.label(column): table["segment"],
                        subjects.capitalize(): table["n"].map(fmt.count),
                        "A right when it acts": table["accuracy_a"].map(fmt.percent),
                        "B right when it acts": table["accuracy_b"].map(fmt.percent),
                        **(
                            {"Worth more": table["wins"].map({"A": "A", "B": "B", "tie": "neither"})}
                            if spec.business.is_set  # no values set: nothing is worth more
                            else {}
                        ),
                    }
                ),
                hide_index=True,
            )


st.subheader("Where they disagree most")
with ui.section("The disagreements"):
    rows, score_a, score_b = session.disagreements(bundle, own_a, other)
    ids_column = spec.id_column
    ui.table(
        pd.DataFrame(
            {
                spec.subject.capitalize(): bundle.eval[ids_column].iloc[rows].astype(str).to_numpy()
                if ids_column
                else rows + 1,
                "A says": [f"{x:.2f}" if spec.task == "regression" else fmt.percent(x) for x in score_a],
                "B says": [f"{x:.2f}" if spec.task == "regression" else fmt.percent(x) for x in score_b],
                "What happened": bundle.y.iloc[rows].astype(str).to_numpy(),
            }
        ),
        hide_index=True,
    )


session.view_link()
