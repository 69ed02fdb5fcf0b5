"""Explanations: what the model relies on overall, and why it said what it did about one case."""

import pandas as pd
import streamlit as st

from core import format as fmt
from core.app import links, session, ui
from core.explaining import explain
from core.outputs import charts, story
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
st.title("Explanations")
if not bundle.explainable:
    st.info(fmt.literal(bundle.unexplainable_reason), icon=":material/info:")
    session.view_link()
    st.stop()
explained = ui.attempt(session.explanation, bundle)
if not explained.show("The explanations"):
    st.stop()
result = explained.value
if result.cut_short:
    st.caption(fmt.literal(narrative.cut_short(result, spec)))
labels = {name: spec.label(name) for name in bundle.features}
X = bundle.X
percent = spec.task != "regression"
unit_title = narrative.shift_label(spec)
st.caption(
    fmt.literal(
        f"{spec.title} · explained on {fmt.count(len(result.rows))} of {fmt.count(len(bundle.eval))} test "
        f"{spec.subjects}"
        + (
            f" · {result.method_name}: {result.note}" if ui.audience() == narrative.TECHNICAL else ""
        )  # no method in Plain
    )
)

output = None
output_name = None
if st.session_state.get("_explain_for") != bundle.id:  # arriving: the link's feature and class win
    asked_feature, asked_class = st.query_params.get("feature"), st.query_params.get("explain")
    if asked_class is not None and asked_class not in result.outputs:  # a link naming the class as the data writes it
        asked_class = str(spec.class_name(asked_class))
    if asked_feature in labels:
        st.session_state["feature"] = asked_feature
    elif asked_feature is not None:
        st.info(
            fmt.literal(links.not_found("the feature", asked_feature, "the one it relies on most is shown")),
            icon=":material/link_off:",
        )
    if asked_class in result.outputs and spec.task == "multiclass":
        st.session_state["explain_class"] = asked_class
    elif asked_class is not None and spec.task == "multiclass":
        st.info(
            fmt.literal(links.not_found("the class", asked_class, "each case's predicted answer is explained")),
            icon=":material/link_off:",
        )
    st.session_state["_explain_for"] = bundle.id
if spec.task == "multiclass":
    ordered, words = story.class_choices(bundle, result.outputs)
    choice = st.selectbox(
        "Explain the chance of",
        ["Each case's predicted answer", *ordered],
        key="explain_class",
        format_func=lambda o: fmt.clean(words.get(o, o), limit=80),
        help="A model that sorts into categories has one chance per category; by default each "
        "case is explained for the answer the model gave."
        + (" Type to search; the most frequent come first." if len(ordered) >= story.MANY_CLASSES else ""),
    )
    if choice in result.outputs:
        output, output_name = result.outputs.index(choice), choice

st.subheader("What the model relies on")
with ui.section("What the model relies on"):
    table = explain.importance(result, labels, output)
    directions = {f: explain.direction(result, X, f, output) for f in table["feature"].head(3)}
    from core.explaining.text import words_for

    words = words_for(session.word_explainers(bundle), X.iloc[result.rows], output)
    finding = narrative.drivers(table, directions, spec, output_name, words=words)
    ui.findings([finding])
    title = narrative.importance_title(table, spec)
    ui.chart(
        charts.importance_bars(table.head(12), f"Average {unit_title[0].lower()}{unit_title[1:]}", percent, title),
        finding.sentence,
    )
    if spec.task != "regression":
        from core.explaining.text import class_words

        for column, explainer in session.word_explainers(bundle).items():
            listens = class_words(explainer, X.iloc[result.rows])
            if any(listens.values()):
                st.markdown(f"**The words of the {fmt.literal(labels[column].lower())} it listens to most, by answer**")
                st.dataframe(
                    pd.DataFrame(
                        {
                            "Answer": [fmt.class_label(spec.class_name(c)) for c in listens],
                            "Words that push toward it": [", ".join(w) for w in listens.values()],
                        }
                    ),
                    hide_index=True,
                )
    swarm = explain.beeswarm(result, X, labels, output=output)
    order = table["label"].head(8).tolist()
    swarm_title = "How high and low values push predictions (each dot is a case)"
    ui.chart(charts.beeswarm(swarm, order, unit_title, percent, swarm_title), swarm_title)


st.subheader("One feature up close")
with ui.section("One feature up close"):
    # a message has no order of values to draw against: its words are shown above and in the case below
    choices = [f for f in table["feature"] if f not in spec.text_features] or table["feature"].tolist()
    if st.session_state.get("feature") not in choices:
        st.session_state.pop("feature", None)
    feature = st.selectbox("Feature", choices, format_func=labels.get, key="feature")
    st.query_params["feature"] = feature
    if output_name:
        st.query_params["explain"] = output_name
    elif "explain" in st.query_params:
        del st.query_params["explain"]
    way, detail = explain.direction(result, X, feature, output)
    dependence_title = narrative.dependence_title(labels[feature], way, detail, spec, output_name)
    ui.chart(
        charts.dependence(
            explain.dependence(result, X, feature, output), labels[feature], unit_title, percent, dependence_title
        ),
        dependence_title,
    )


st.subheader("One case")
with ui.section("One case"):
    picks = ["typical", "most confident", "most surprising error"]
    all_ids = bundle.eval[spec.id_column].iloc[result.rows].astype(str).tolist() if spec.id_column else []
    if st.session_state.get("_case_for") != bundle.id:  # arriving: a case named in the link wins
        linked = st.query_params.get("case")
        if linked in all_ids:
            st.session_state["case_pick"], st.session_state["case_id"] = "by id", linked
        elif linked is not None:
            st.info(
                fmt.literal(links.not_found(f"{spec.subject} id", linked, f"a typical {spec.subject} is shown")),
                icon=":material/link_off:",
            )
        st.session_state["_case_for"] = bundle.id
    left, right = st.columns([2, 1])
    how = left.radio(
        "Pick a case",
        picks + (["by id"] if spec.id_column else []),
        horizontal=True,
        key="case_pick",
        format_func=str.capitalize,
    )
    truth = story.truth_for_cases(bundle, result.rows)
    position = explain.pick_case(result, how if how != "by id" else "typical", truth, session.typical_row(bundle))
    if how == "by id":
        ids = bundle.eval[spec.id_column].iloc[result.rows].astype(str).tolist()
        wanted = right.selectbox(
            fmt.literal(f"{spec.subject.capitalize()} id"),
            ids,
            key="case_id",
            help=fmt.literal(f"Only the {fmt.count(len(ids))} explained {spec.subjects} can be picked."),
        )
        position = ids.index(wanted)
    view = story.case_view(
        bundle, result, position, session.current_point(bundle), session.word_explainers(bundle), output
    )
    case_output, case_row = view.output, X.iloc[[result.rows[position]]]
    st.markdown(f"**{fmt.literal(view.identifier)}** · " + fmt.literal(f"what actually happened: {view.happened}"))
    if spec.id_column:
        st.query_params["case"] = view.key
    ui.findings([view.reasons])
    ui.chart(story.waterfall_chart(spec, view), view.reasons.sentence)
    from core.explaining.text import output_index

    for column, words in session.word_explainers(bundle).items():
        index = output_index(words, case_output) if spec.task == "multiclass" else 0
        flip = spec.task == "binary" and session.positive_index(bundle) == 0
        ui.message_words(words, case_row, spec.label(column), spec, index, case_output, flip)


session.view_link()
