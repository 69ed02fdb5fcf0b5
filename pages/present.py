"""Presentation mode: the selected model as full-width slides (six, or seven when real requests
it was never built for can be quoted), with speaker notes."""

import html

import streamlit as st

from core import deck, links, narrative, session, story, ui
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
SLIDES = deck.names(found)

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


def context(name: str) -> dict:
    """What one slide needs from the session's caches."""
    needs = {}
    if name == "Accuracy, coverage and value" and spec.task != "regression" and not bundle.decides_only:
        needs.update(index=session.index(bundle), best=session.best(bundle), point=point)
    if name == "What it relies on" and bundle.explainable:
        needs["explanation"] = session.explanation(bundle)
    if name == deck.NEVER_BUILT_FOR:
        needs["groups"] = session.unseen_groups(bundle)
    return needs


notes = []
st.caption(fmt.literal(f"{spec.title} · slide {slide + 1} of {len(SLIDES)}"))
if story_so_far.show("This slide"):
    with ui.section("This slide"):
        shown = deck.slide(name, found, bundle, **context(name))
        st.html(f"<div class='slide-title'>{html.escape(fmt.clean(shown.title))}</div>")
        for sentence in shown.sentences:
            st.html(f"<div class='slide-text'>{html.escape(fmt.clean(sentence))}</div>")
        if shown.tiles:
            ui.kpi_tiles(result, spec)
        if shown.chart is not None:
            ui.chart(shown.chart[1], shown.chart[0], downloads=False)  # no app controls on a slide
        notes = shown.notes


with st.expander("Speaker notes"):
    for finding in notes:
        if finding is not None:
            st.markdown(f"- {fmt.literal(finding.text(narrative.TECHNICAL))}")


def whole_deck() -> bytes:
    """Every slide as a PowerPoint file, with the bundle's version and file hashes on the last."""
    shown = [deck.slide(n, found, bundle, **context(n)) for n in SLIDES]
    colophon = [
        f"{spec.title}{f', version {spec.version}' if spec.version else ''}",
        f"Model file sha256 {bundle.model_sha256}",
        f"Evaluation file sha256 {bundle.eval_sha256}",
        f"bundle.yaml sha256 {bundle.manifest_sha256}",
        f"At the setting where the model {narrative.describe_point(point, spec)}.",
    ]
    return deck.pptx_bytes(shown, "About these slides", colophon)


if story_so_far.value is not None:
    st.download_button(
        "Download the slides (PowerPoint)",
        whole_deck,
        file_name=f"{bundle.id}-review.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        icon=":material/download:",
        key="deck-pptx",
    )


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
