"""Model card: the team's card beside the facts the app computed; missing parts are shown as gaps."""

import streamlit as st

from core import format as fmt
from core.app import session, ui
from core.evaluation import breakdown
from core.explaining import explain
from core.words import card, narrative

bundle = ui.usable_bundle()
spec = bundle.spec
point = session.current_point(bundle)
result = session.headline(bundle, point)
data = session.eval_set(bundle)
st.title("Model card")
st.caption(fmt.literal(f"{spec.title}{' · ' + spec.summary if spec.summary else ''}"))

labels = {name: spec.label(name) for name in bundle.features}


explained = ui.attempt(session.explanation, bundle)  # still being worked out: the other facts meanwhile


def measured():
    if explained.pending is not None:
        drivers = None
    else:
        drivers = (
            explain.importance(explained.value, labels)["label"].head(3).tolist() if explained.value is not None else []
        )
    weak = []
    if spec.task != "regression":
        for column in spec.segments:
            row = breakdown.weakest_segment(breakdown.segment_table(data, point, session.segments(bundle, column)))
            if row is not None and result.kpis.accuracy_acted - row["accuracy_acted"] >= 0.02:
                weak.append(
                    f"{spec.label(column)} {spec.value_name(row['segment'])} ({row['accuracy_acted'] * 100:.0f}% right when it acts)"
                )
    unseen = 1 - result.kpis.scope_coverage if result.kpis.scope_coverage < 0.99 else None
    return card.facts(
        spec,
        len(bundle.eval),
        result,
        drivers,
        weak,
        unseen,
        narrative.describe_point(point, spec),
        narrative.card_line(session.groups(bundle, point), spec) if spec.groups else None,
    )


left, right = st.columns([3, 2])
with left:
    st.subheader("In the team's words")
    with ui.section("The team's card"):
        gaps = card.gap_sentence(spec)
        if gaps:
            st.warning(fmt.literal(gaps), icon=":material/edit_note:")
        for section in card.sections(spec):
            st.markdown(f"**{fmt.literal(section.title)}**")
            if section.missing:
                st.markdown(":orange[Not written yet.]")
            else:
                ui.say_paragraphs(section.text)
with right:
    st.subheader("What the app measured")
    facts = ui.attempt(measured)
    if facts.show("The measured facts"):
        for name, value in facts.value:
            st.markdown(f"**{fmt.literal(name)}**  \n{fmt.literal(value)}")
        if explained.pending is not None:
            explained.show("What it relies on")  # its progress; the page updates itself when it is done

st.subheader("Decisions signed")
with ui.section("The decision log"):
    ui.decision_history(bundle)

session.view_link()
