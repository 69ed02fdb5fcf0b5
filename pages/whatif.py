"""What if: change a case and see the prediction and its reasons at once; find what flips it; try a rule on everyone."""

import streamlit as st

from core import format as fmt
from core.app import links, session, ui
from core.explaining import explain, whatif
from core.outputs import charts
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
X = bundle.X
if not bundle.explainable:
    st.title("What if")
    st.info(
        fmt.literal(bundle.unavailable("whatif")),
        icon=":material/info:",
    )
    session.view_link()
    st.stop()
controls = session.controls(bundle)
explainer = session.row_explainer(bundle)
data = session.eval_set(bundle)
positive = session.positive_index(bundle)
point = session.current_point(bundle)
labels = {c.name: c.label for c in controls}
st.title("What if")
st.caption(fmt.literal(f"{spec.title} · at the setting where the model {narrative.describe_point(point, spec)}"))

# --- which case to start from: a picker, an id, or the link -------------------------------
ids = session.case_ids(bundle)
picks = ["typical", "borderline", "most confident", "wrong", "by id"]
if st.session_state.get("_whatif_for") != bundle.id:
    linked = st.query_params.get("case")
    arrival = []
    linked_row = ids.position(linked)
    if linked is not None and linked_row is None:
        arrival.append(links.not_found(f"{spec.subject} id", linked, f"a typical {spec.subject} is shown"))
    for name in links.unknown_edits(st.query_params.get("edits"), list(X.columns)):
        arrival.append(links.not_found("a change to the feature", name, "that change is left out"))
    for notice in arrival:
        st.info(fmt.literal(notice), icon=":material/link_off:")
    st.session_state["whatif_pick"] = "by id" if linked_row is not None else "typical"
    st.session_state["whatif_id"] = ids[linked_row] if linked_row is not None else ids[0]
    st.session_state["_whatif_edits"] = links.edits_from_query(st.query_params.get("edits"), list(X.columns))
    st.session_state["_whatif_for"] = bundle.id
left, right = st.columns([3, 1])
pick = left.radio(
    "Start from",
    picks,
    horizontal=True,
    key="whatif_pick",
    format_func=str.capitalize,
    help="Typical: an ordinary case. Borderline: the model barely decided. Wrong: it acted and was wrong.",
)
if pick == "by id":
    id_label = fmt.literal(f"{spec.subject.capitalize()} id")
    if ids.listed is not None:
        right.selectbox(id_label, ids.listed, key="whatif_id")
    else:  # too many to list: typed, and kept only when it names a case
        right.text_input(
            id_label, key="whatif_id", help=f"Type the id of one of the {fmt.count(len(ids))} {spec.subjects}."
        )
    row = ids.position(st.session_state["whatif_id"])
    if row is None:
        st.info(
            fmt.literal(
                f"No {spec.subject} has the id '{fmt.clean(str(st.session_state['whatif_id']), limit=40)}', "
                f"so a typical {spec.subject} is shown."
            ),
            icon=":material/search_off:",
        )
        row = session.typical_row(bundle)
else:
    row = session.typical_row(bundle) if pick == "typical" else whatif.pick_row(data, point, pick)
original = whatif.views.case_values(X, row)
case_key = f"{bundle.id}:{row}"
if (
    st.session_state.get("_whatif_case") != case_key
):  # a new case: the form starts from its values (and the link's edits)
    values, notices = whatif.views.starting_values(controls, original, st.session_state.get("_whatif_edits", {}))
    st.session_state.update({f"edit_{name}": value for name, value in values.items()})
    st.session_state["_whatif_notices"] = notices
    st.session_state["_whatif_edits"] = {}
    st.session_state["_whatif_case"] = case_key
for notice in st.session_state.get("_whatif_notices", []):
    st.info(fmt.literal(notice), icon=":material/link_off:")
actual = bundle.y.iloc[row]
st.markdown(
    f"**{fmt.literal(f'{spec.subject.capitalize()} {ids[row]}')}** · "
    + fmt.literal(f"what actually happened: {narrative.outcome_words(actual, spec)}")
)


def reset() -> None:
    st.session_state.update({f"edit_{n}": v for n, v in whatif.views.reset_values(controls, original).items()})


def find_flip(edited: dict, decision, signature: str) -> None:
    words = session.word_explainers(bundle)
    said, found = whatif.views.flip_answer(
        explainer, words, edited, X, controls, decision, spec, point, bundle.classes, positive
    )
    st.session_state["_flip"] = (signature, said, found)


@st.fragment
def edit_loop() -> None:
    """Each edit reruns only this part: one prediction, one row of contributions, the sentences."""
    with ui.section("The edited case"):
        edited_case()


FIRST_SHOWN = 8  # features shown before "More features": those that matter most for this case


def edit_controls(shown) -> None:
    columns = st.columns(3)
    for i, c in enumerate(shown):
        with columns[i % 3]:
            key = f"edit_{c.name}"
            hint = whatif.views.control_hint(c)
            if c.text:
                st.text_area(
                    fmt.literal(c.label),
                    key=key,
                    help="Type or paste a message; the model reads it as it would a new one.",
                )
            elif c.numeric:
                st.number_input(
                    fmt.literal(c.label + (f" ({c.unit})" if c.unit else "")),
                    min_value=-c.bound,
                    max_value=c.bound,
                    step=c.step,
                    key=key,
                    help=fmt.literal(hint),
                    format="%.0f" if c.whole else "%.2f",
                )
            else:
                current = st.session_state.get(key)
                options = list(c.options) + ([current] if current is not None and current not in c.options else [])
                st.selectbox(fmt.literal(c.label), options, key=key, help=fmt.literal(hint), accept_new_options=True,
                             format_func=spec.value_name)  # fmt: skip


def edited_case() -> None:
    before = session.original_case(bundle, row, point)
    ranked = whatif.most_important_first(controls, list(X.columns), before.values)
    with st.container(border=True):
        st.markdown("**Change the case**")
        if len(ranked) > FIRST_SHOWN:
            st.caption(
                f"The {FIRST_SHOWN} features that matter most for this {fmt.literal(spec.subject)} come first; "
                "the rest are under More features."
            )
        edit_controls(ranked[:FIRST_SHOWN])
        if len(ranked) > FIRST_SHOWN:
            with st.expander(f"More features ({len(ranked) - FIRST_SHOWN})"):
                edit_controls(ranked[FIRST_SHOWN:])
        st.button("Reset to the original case", on_click=reset, icon=":material/undo:")
    edited = {c.name: st.session_state.get(f"edit_{c.name}") for c in controls}
    changed = whatif.changed_sentence(original, edited, controls)
    edits = whatif.edits(original, edited, controls)
    st.query_params["case"] = ids[row]
    if edits:
        st.query_params["edits"] = links.edits_to_query(edits)
    elif "edits" in st.query_params:
        del st.query_params["edits"]

    session.view_link()
    now = whatif.assess(explainer, edited, X, point, controls, positive)
    for note in now.warnings:
        st.warning(fmt.literal(note), icon=":material/explore:")
    for column, tile in zip(
        st.columns(3), whatif.views.tiles(now, before, spec.task, bundle.classes, len(changed)), strict=True
    ):
        column.metric(fmt.literal(tile.label), fmt.literal(tile.value), tile.delta, delta_color="off")
    ui.say(whatif.decision_sentence(now.decision, spec, spec.task))
    if changed:
        st.markdown("**What changed:** " + fmt.literal("; ".join(changed) + "."))
        if not now.decision.same_as(before.decision):
            st.success(
                fmt.literal("The decision changed. " + whatif.before_sentence(before.decision, spec, spec.task)),
                icon=":material/swap_horiz:",
            )

    output = explainer.outputs[now.output] if spec.task == "multiclass" else None
    top = whatif.views.reason_rows(list(X.columns), labels, edited, now.values)
    predicted = whatif.views.predicted(now, spec.task, positive)
    from core.explaining.text import case_words

    row_frame = whatif.frame_for([edited], X, controls)
    said = case_words(session.word_explainers(bundle), row_frame, output)
    reasons = narrative.case_reasons(top, now.base, predicted, spec, output, words=said)
    ui.findings([reasons])
    for c in controls:
        if c.text and c.name in session.word_explainers(bundle) and str(edited.get(c.name) or "").strip():
            with ui.section(f"The words of the {c.label.lower()}"):
                from core.explaining.text import output_index

                words = session.word_explainers(bundle)[c.name]
                k = output_index(words, output) if spec.task == "multiclass" else 0
                flip = spec.task == "binary" and positive == 0  # the word reasons speak for the other class
                ui.message_words(words, row_frame, c.label, spec, k, output, flip)
    steps = explain.waterfall(
        top,
        now.base,
        predicted,
        "Starting point",
        f"This {spec.subject}",
        show=lambda value, name: narrative.shown_value(value, name, spec),
        bounded=spec.task != "regression",
    )
    ui.chart(
        charts.waterfall(
            steps,
            "Predicted chance" if spec.task != "regression" else f"Estimate ({narrative.target_unit(spec)})",
            spec.task != "regression",
            f"From the starting point to this {spec.subject}, reason by reason",
        ),
        reasons.sentence,
    )

    if spec.task != "regression":
        st.subheader("The smallest change that flips the decision")
        texts = [c.label.lower() for c in controls if c.text and c.name in session.word_explainers(bundle)]
        st.caption(
            fmt.literal(
                "Only features that can be changed in practice, to values seen in the data; up to three at once"
                + "".join(f". In the {t}: the fewest words to take out or add" for t in texts)
                + "."
            )
        )
        signature = f"{case_key}|{links.edits_to_query(edited)}"
        st.button(
            "Find it",
            icon=":material/search:",
            key="find_flip",
            on_click=find_flip,
            args=(edited, now.decision, signature),
        )
        saved = st.session_state.get("_flip")
        if saved and saved[0] == signature:  # the answer stays until the case changes
            (st.info if saved[2] else st.warning)(fmt.literal(saved[1]))


edit_loop()


@st.fragment
def scenario_section() -> None:
    with ui.section("The rule applied to many cases"):
        scenario()


def scenario() -> None:
    st.subheader(fmt.literal(f"What if it applied to many {spec.subjects}?"))
    st.caption(
        "A rule applied to every test case (or one group). The results are the model's own predictions "
        "under the rule, not outcomes anyone has observed."
    )
    groups = whatif.views.scenario_groups(bundle.eval, spec)
    group = st.selectbox("Apply to", groups, key="scenario_group")
    names = [c.name for c in controls]
    feature = st.selectbox("Feature", names, format_func=labels.get, key="scenario_feature")
    control = next(c for c in controls if c.name == feature)
    actions = whatif.views.rule_actions(control)
    if st.session_state.get("scenario_action") not in actions:
        st.session_state["scenario_action"] = actions[0]
    action = st.radio("Change", actions, horizontal=True, key="scenario_action")
    if control.text:
        if "scenario_word" not in st.session_state:  # start from the word the model leans on most
            from core.explaining.text import top_words

            reader = session.word_explainers(bundle).get(control.name)
            found = top_words(reader, X.iloc[: min(len(X), 300)]) if reader is not None else []
            st.session_state["scenario_word"] = found[0].split()[0] if found else ""
        value = st.text_input("Word", key="scenario_word", max_chars=60).strip()
        if not value or not any(ch.isalnum() for ch in value):
            st.info("Type a word to remove from, or add to, every message.", icon=":material/edit:")
            return
    elif control.numeric:
        if st.session_state.get("scenario_value") is not None:  # another feature may allow less
            st.session_state["scenario_value"] = min(
                max(st.session_state["scenario_value"], -control.bound), control.bound
            )
        value = st.number_input(
            "Value",
            min_value=-control.bound,
            max_value=control.bound,
            value=1.0 if action == "scale by" else 0.0,
            key="scenario_value",
        )
    else:
        value = st.selectbox(
            "Value",
            list(control.options),
            key="scenario_category",
            accept_new_options=True,
            format_func=spec.value_name,
        )
    mask = whatif.views.group_mask(bundle.eval, spec, group)
    rule = whatif.Rule(feature, whatif.views.RULE_ACTIONS[action], value)
    signature = (bundle.figures_key, group, feature, action, str(value), point)
    saved = st.session_state.get("_scenario")
    if saved is not None and saved[0] != signature:  # a different rule: its answer is not this one
        saved = None
    st.button(
        fmt.literal(f"Apply the rule to {fmt.count(int(mask.sum()))} {spec.subjects}"),
        icon=":material/play_arrow:",
        key="scenario_apply",
        on_click=lambda: st.session_state.update(_scenario_asked=signature),
    )
    if saved is None and st.session_state.get("_scenario_asked") == signature:
        with st.spinner("Applying the rule..."):
            before = session.shown_scores(bundle)
            result = whatif.scenario(
                explainer.shown, X, rule, mask, spec.task, point, bundle.classes, spec, positive, before_shown=before
            )
        saved = (signature, result)
        st.session_state["_scenario"] = saved
    if saved is None:
        return
    result = saved[1]
    ui.say(whatif.scenario_sentence(result, rule, control, spec))
    if not result.flips.empty:
        st.dataframe(
            result.flips.rename(
                columns={"from": "Decision before", "to": "Decision after", "count": spec.subjects.capitalize()}
            ),
            hide_index=True,
        )


scenario_section()
