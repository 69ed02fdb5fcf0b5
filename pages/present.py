"""Presentation mode: the selected model as full-width slides (six, or seven when real requests
it was never built for can be quoted), with speaker notes."""

import html

import streamlit as st

from core import charts, explain, links, narrative, session, story, ui
from core import format as fmt

bundle = ui.usable_bundle()
spec = bundle.spec
point = session.current_point(bundle)
data = session.eval_set(bundle)
result = session.headline(bundle, point)
story_so_far = ui.attempt(
    lambda: {
        f.code: f
        for f in story.findings(
            bundle,
            data,
            session.explanation(bundle),
            point,
            word_reasons=session.word_explainers(bundle),
            unseen=session.unseen_groups(bundle) if spec.task == "multiclass" else [],
        )
    }
)
found = story_so_far.value or {}
NEVER_BUILT_FOR = "What it was never built for"
SLIDES = ["The headline", "Accuracy, coverage and value", "What it relies on", "One case", "Risks", "The decision"]
if "unseen_words" in found:  # real requests it was never trained on, in the customers' own words
    SLIDES.insert(2, NEVER_BUILT_FOR)

if "slide" not in st.session_state:
    number, notice = links.slide_from_query(st.query_params.get("slide"), len(SLIDES))
    st.session_state["slide"] = number - 1
    if notice:
        st.info(fmt.literal(notice), icon=":material/link_off:")
slide = min(st.session_state["slide"], len(SLIDES) - 1)
name = SLIDES[slide]
st.query_params["slide"] = str(slide + 1)
st.query_params["present"] = "1"

st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header {display: none !important;}
.block-container {max-width: 1200px; padding-top: 2rem;}
.slide-title {font-size: 3rem; font-weight: 700; line-height: 1.15; margin: 0 0 1rem 0;}
.slide-text {font-size: 1.7rem; line-height: 1.45;}
</style>""")


def title(text: str) -> None:
    st.html(f"<div class='slide-title'>{html.escape(fmt.clean(text))}</div>")


def say(text: str) -> None:
    st.html(f"<div class='slide-text'>{html.escape(fmt.clean(text))}</div>")


notes = []
st.caption(fmt.literal(f"{spec.title} · slide {slide + 1} of {len(SLIDES)}"))
if story_so_far.show("This slide"):
    with ui.section("This slide"):
        if name == "The headline":
            title(name)
            say(found["headline"].sentence)
            ui.kpi_tiles(result, spec)
            notes = [found["executive"], found.get("out_of_scope")]
        elif name == "Accuracy, coverage and value":
            title(name)
            if spec.task == "regression":
                say(found["errors"].sentence)
                notes = [found["errors"], found.get("large_errors")]
            elif bundle.decides_only:
                say(found["people"].sentence)
                notes = [found["people"]]
            else:
                heading, built = story.tradeoff_chart(spec, session.index(bundle), point, session.best(bundle))
                ui.chart(built, heading)
                notes = [found["people"], found.get("best_point")]
        elif name == NEVER_BUILT_FOR:
            title(name)
            say(found["out_of_scope"].sentence if "out_of_scope" in found else found["unseen_words"].sentence)
            for group in session.unseen_groups(bundle)[:3]:
                examples = ", ".join(f"“{fmt.clean(e, limit=70)}”" for e in group.quoted)
                say(f"• {group.label} ({fmt.counted(group.n, spec.subject, spec.subjects)}): {examples}")
            notes = [found.get("out_of_scope"), found.get("unseen_requests"), found["unseen_words"]]
        elif name in ("What it relies on", "One case") and not bundle.explainable:
            title(name)
            say(bundle.unexplainable_reason)
            notes = []
        elif name == "What it relies on":
            title(name)
            say(found["drivers"].sentence)
            labels = {name: spec.label(name) for name in bundle.features}
            table = explain.importance(session.explanation(bundle), labels)
            heading = narrative.importance_title(table, spec)
            ui.chart(
                charts.importance_bars(table.head(8), "Average shift", spec.task != "regression", heading), heading
            )
            notes = [found["drivers"]]
        elif name == "One case":
            title(name)
            say(found["case"].sentence)
            notes = [found["case"]]
        elif name == "Risks":
            title(name)
            risks = narrative.risks([f for f in found.values() if f.code not in ("executive", "headline")])
            for risk in risks[:4]:
                say(f"• {risk.sentence}")
            if not risks:
                say("No risk stands out: the figures are steady, and no group does much worse than the rest.")
            notes = risks
        else:
            title(name)
            say(found["decision"].sentence)
            notes = [found["decision"]]


with st.expander("Speaker notes"):
    for finding in notes:
        if finding is not None:
            st.markdown(f"- {fmt.literal(finding.text(narrative.TECHNICAL))}")


def go(step: int) -> None:
    st.session_state["slide"] = min(max(st.session_state["slide"] + step, 0), len(SLIDES) - 1)


def leave() -> None:
    st.session_state.pop("slide", None)
    st.query_params.pop("slide", None)
    st.query_params.pop("present", None)


left, middle, right, end = st.columns([1, 2, 1, 1])
left.button("Previous", on_click=go, args=(-1,), disabled=slide == 0, icon=":material/arrow_back:", key="previous")
middle.markdown(
    f"**{slide + 1} / {len(SLIDES)}** · " + fmt.literal(f"{fmt.count(len(bundle.eval))} test {spec.subjects}")
)
right.button(
    "Next", on_click=go, args=(1,), disabled=slide == len(SLIDES) - 1, icon=":material/arrow_forward:", key="next"
)
if end.button("Leave presentation", on_click=leave, key="leave"):
    st.switch_page("pages/overview.py")
