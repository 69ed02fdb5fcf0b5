"""What if: change a case and see the prediction and its reasons at once; find what flips it; try a rule on everyone."""

import numpy as np
import pandas as pd
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
        row = whatif.pick_row(data, point, "typical")
else:
    row = whatif.pick_row(data, point, pick)
original = {name: X.iloc[row][name] for name in X.columns}
original = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in original.items()}
case_key = f"{bundle.id}:{row}"
if st.session_state.get("_whatif_case") != case_key:
    notices = []
    for c in controls:  # a new case: the form starts from its values (plus any edits from the link)
        value = st.session_state.get("_whatif_edits", {}).get(c.name, original[c.name])
        if c.numeric and value is not None:
            value = whatif.number(value, c)
            if value is None:
                asked = fmt.clean(st.session_state["_whatif_edits"][c.name], limit=40)
                notices.append(
                    f"The link set {c.label} to '{asked}', which is not a usable number, so the case's own value is shown."
                )
                value = whatif.number(original[c.name], c) if original[c.name] is not None else None
        st.session_state[f"edit_{c.name}"] = value
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
    for c in controls:
        value = original[c.name]
        st.session_state[f"edit_{c.name}"] = whatif._float(value) if c.numeric and value is not None else value


def find_flip(edited: dict, decision, signature: str) -> None:
    flip = whatif.smallest_flip(
        explainer.shown, edited, X, controls, decision, spec.task, point, bundle.classes, positive
    )
    sentences, found = [whatif.flip_sentence(flip, controls, decision, spec, spec.task)], flip is not None
    words = session.word_explainers(bundle)
    for c in controls:  # a text feature: the fewest words to take out or put in
        if c.text and c.name in words and str(edited.get(c.name) or "").strip():
            from core.explaining.text import fewest_words, word_flip_sentence

            def decide(frame):
                return whatif.decide(explainer.shown(frame), spec.task, point, bundle.classes, positive)[0]

            row = whatif.frame_for([edited], X, controls)
            k = int(np.argmax(explainer.shown(row)[0])) if spec.task == "multiclass" else 0
            sign = 1.0
            if spec.task == "binary":  # the weights speak for classes[1]: toward the answer given, which way?
                sign = (1.0 if decision.answer == "flag" else -1.0) * (1.0 if positive == 1 else -1.0)
            change = fewest_words(words[c.name], row, decide, k, sign=sign)
            outcome = whatif._decision_words(change.decision, spec, spec.task) if change else ""
            sentences.append(word_flip_sentence(change, c.label, outcome))
            found = found or change is not None
    st.session_state["_flip"] = (signature, " ".join(sentences), found)


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
            hint = (
                f"Seen from {c.low:g} to {c.high:g}{' ' + c.unit if c.unit else ''}."
                if c.numeric
                else f"Seen: {', '.join(c.options[:8])}{'...' if len(c.options) > 8 else ''}."
            )
            if not c.actionable:
                hint += " Not something that can be changed in practice: the search below leaves it alone."
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
                st.selectbox(fmt.literal(c.label), options, key=key, help=fmt.literal(hint), accept_new_options=True)


def edited_case() -> None:
    before_key = (case_key, point)
    if st.session_state.get("_whatif_before", (None,))[0] != before_key:  # the original is assessed once
        st.session_state["_whatif_before"] = (
            before_key,
            whatif.assess(explainer, original, X, point, controls, positive),
        )
    before = st.session_state["_whatif_before"][1]
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
    tiles = st.columns(3)
    if spec.task == "regression":
        tiles[0].metric(
            "Estimate",
            f"{now.decision.chance:.2f}",
            f"{now.decision.chance - before.decision.chance:+.2f}",
            delta_color="off",
        )
    else:
        label = "Chance" if spec.task == "binary" else f"Sure it is {now.decision.answer}"
        tiles[0].metric(
            fmt.literal(label),
            fmt.percent(now.decision.chance),
            f"{(now.decision.chance - before.decision.chance) * 100:+.0f} points" if changed else None,
            delta_color="off",
        )
    tiles[1].metric("Decision", fmt.literal(whatif.decision_label(now.decision, spec.task)))
    tiles[2].metric("Changes from the original", str(len(changed)))
    ui.say(whatif.decision_sentence(now.decision, spec, spec.task))
    if changed:
        st.markdown("**What changed:** " + fmt.literal("; ".join(changed) + "."))
        if not now.decision.same_as(before.decision):
            st.success(
                fmt.literal("The decision changed. " + whatif.before_sentence(before.decision, spec, spec.task)),
                icon=":material/swap_horiz:",
            )

    output = explainer.outputs[now.output] if spec.task == "multiclass" else None
    frame = pd.DataFrame(
        {
            "feature": list(X.columns),
            "label": [labels[n] for n in X.columns],
            "value": [edited[n] for n in X.columns],
            "contribution": now.values,
        }
    )
    frame = frame.reindex(frame["contribution"].abs().sort_values(ascending=False, kind="stable").index)
    top = frame.head(8)
    if len(frame) > 8:
        top = pd.concat(
            [
                top,
                pd.DataFrame(
                    [
                        {
                            "feature": "",
                            "label": f"{len(frame) - 8} other features",
                            "value": "",
                            "contribution": frame["contribution"].iloc[8:].sum(),
                        }
                    ]
                ),
            ]
        )
    predicted = (
        float(now.shown[now.output if spec.task != "binary" else positive])
        if spec.task != "regression"
        else float(now.shown[0])
    )
    from core.explaining.text import case_words

    row_frame = whatif.frame_for([edited], X, controls)
    said = case_words(session.word_explainers(bundle), row_frame, output)
    reasons = narrative.case_reasons(top.reset_index(drop=True), now.base, predicted, spec, output, words=said)
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
        top.reset_index(drop=True),
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


RULE_ACTIONS = {  # the words on the page -> the rule's action
    "set to": "set",
    "shift by": "shift",
    "scale by": "scale",
    "remove the word": "remove word",
    "add the word": "add word",
}


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
    groups = ["All test cases"] + [
        f"{spec.label(col)} = {value}"
        for col in spec.segments
        for value in bundle.eval[col].dropna().astype(str).value_counts().index
    ]
    group = st.selectbox("Apply to", groups, key="scenario_group")
    names = [c.name for c in controls]
    feature = st.selectbox("Feature", names, format_func=labels.get, key="scenario_feature")
    control = next(c for c in controls if c.name == feature)
    if control.text:  # a word rule: never one message for everyone
        actions = ["remove the word", "add the word"]
    else:
        actions = ["set to", "shift by", "scale by"] if control.numeric else ["set to"]
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
        value = st.selectbox("Value", list(control.options), key="scenario_category", accept_new_options=True)
    mask = np.ones(len(X), bool)
    if group != groups[0]:
        column = next(col for col in spec.segments if group.startswith(spec.label(col) + " = "))
        mask = bundle.eval[column].astype(str).to_numpy() == group.split(" = ", 1)[1]
    rule = whatif.Rule(feature, RULE_ACTIONS[action], value)
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
