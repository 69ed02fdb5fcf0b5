"""Presentation mode: the selected model as full-screen slides, each titled with its finding.

`?present=1&slide=N` shows slide N to the audience; `&notes=1` opens the presenter view (this
slide small, the next one, the technical notes); `&case=ID` keeps the case chosen for the case
slide. Both downloads (PowerPoint and PDF) hold the same slides.
"""

from urllib.parse import urlencode

import streamlit as st

from core import format as fmt
from core.app import links, session, ui
from core.bundles.registry import file_stem
from core.outputs import charts, deck, slide_html, story
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
point = session.current_point(bundle)
data = session.eval_set(bundle)
result = session.headline(bundle, point)
presenter = st.query_params.get("notes") == "1"
story_so_far = ui.attempt(session.story_findings, bundle, point)
found = story_so_far.value or {}
if story_so_far.pending is not None:  # the reasons still being worked out: every other slide meanwhile
    unseen = session.unseen_groups(bundle) if spec.task == "multiclass" else []
    found = {f.code: f for f in story.findings(bundle, data, None, point, session.word_explainers(bundle), unseen)}
asked_compare = st.query_params.get("compare")
other = ui.attempt(session.comparable, bundle, asked_compare).value
if asked_compare is not None and (other is None or other.id != asked_compare) and "slide" not in st.session_state:
    st.info(
        fmt.literal(links.compared_instead(asked_compare, other.spec.title if other is not None else None)),
        icon=":material/link_off:",
    )
SLIDES = deck.names(found, comparable=other is not None, explainable=bundle.explainable)

if "slide" not in st.session_state:
    number, notice = links.slide_from_query(st.query_params.get("slide"), len(SLIDES))
    st.session_state["slide"] = number - 1
    if notice:
        st.info(fmt.literal(notice), icon=":material/link_off:")
# a presenter's view leads every audience window opened from it (a "room" named in the link)
room_name = links.room_name(st.query_params.get("room"), presenter)
if room_name is None:
    st.query_params.pop("room", None)
else:
    st.query_params["room"] = room_name
shared = session.room(room_name) if room_name else None
if "room_case" in st.session_state:  # the presenter picked another case: shown here before the picker is drawn
    st.session_state["deck_case"] = st.session_state.pop("room_case")

slide = min(st.session_state["slide"], len(SLIDES) - 1)
name = SLIDES[slide]
st.query_params["slide"] = str(slide + 1)
st.query_params["present"] = "1"
if other is not None:
    st.query_params["compare"] = other.id

st.html(slide_html.STYLE)


case_notice: list = []


def case_shown():
    """The case slide's case: the one the link or the picker names, else a typical one."""
    explained = session.explanation(bundle)
    keys = story.case_keys(bundle, explained)
    wanted = st.session_state.get("deck_case", st.query_params.get("case"))
    if wanted is not None and wanted not in keys and not case_notice:
        case_notice.append(wanted)  # said once a run, however often the case is asked for
        st.info(
            fmt.literal(links.not_found(f"{spec.subject} id", wanted, f"a typical {spec.subject} is shown")),
            icon=":material/link_off:",
        )
    position = story.case_position(keys, wanted, explained, session.typical_row(bundle))
    return story.case_view(bundle, explained, position, point, session.word_explainers(bundle)), keys


def context(name: str) -> dict:
    """What one slide needs from the session's caches."""
    needs = {"result": result, "point": point, "data": data}
    if name == deck.TRADEOFF and spec.task != "regression" and not bundle.decides_only:
        needs.update(index=session.index(bundle), best=session.best(bundle))
    if name == deck.RELIES and bundle.explainable:
        needs["explanation"] = session.explanation(bundle)
    if name == deck.CASE and bundle.explainable:
        needs["case"] = case_shown()[0]
    if name == deck.NEVER_BUILT_FOR:
        needs["groups"] = session.unseen_groups(bundle)
    if name == deck.COMPARISON:
        needs["comparison"] = session.judged(bundle, other, point)
    if name in (deck.HEADLINE, deck.RISKS, deck.DECISION) and spec.traffic is not None:
        launched = ui.attempt(session.since_launch, bundle)  # a problem is a risk, not a missing slide
        needs.update(since=launched.value, since_problem=launched.error)
    return needs


def draw(shown: deck.Slide, chart_height: int | None = None, css: str = "", chart_width: int | None = None) -> None:
    """One slide: its finding as the title, then its facts, sentences, figures, table and chart.
    Without a `chart_height` the slide fills the screen: the chart, in slide type, takes the height
    the text leaves (each of stacked plots an equal share)."""
    technical = ui.audience() == narrative.TECHNICAL
    labels = [tile[0] for tile in narrative.tiles(result, spec, technical)] if shown.tiles else []
    full = chart_height is None
    chart_title, views = charts.for_slide(shown.chart[1]) if full and shown.chart is not None else ("", [])
    st.html(slide_html.slide(shown, labels, technical, css or ("full" if full else ""), chart_title))
    if shown.chart is None:
        return
    if full:
        for view in views:
            ui.chart(view, shown.chart[0], downloads=False, stretch=True)  # no app controls
    else:
        ui.chart(charts.sized(shown.chart[1], chart_height, chart_width), shown.chart[0], downloads=False)


def build(name: str) -> deck.Slide:
    return deck.slide(name, found, bundle, **context(name))


shown = None
if story_so_far.error is not None:
    story_so_far.show("This slide")
else:  # a slide that needs the reasons shows their progress until they are in
    with ui.section("This slide"):
        shown = build(name)
        if presenter:
            now, coming = st.columns([3, 2], gap="large")
            with now:
                st.caption(fmt.literal(f"Now showing · slide {slide + 1} of {len(SLIDES)} · {spec.title}"))
                with st.container(border=True):
                    draw(shown, 190, "small", 560)
            with coming:
                st.caption("Next")
                with st.container(border=True):
                    upcoming = build(SLIDES[slide + 1]) if slide + 1 < len(SLIDES) else None
                    st.html(slide_html.next_title(upcoming))
                st.caption("Notes")
                st.html(slide_html.notes(shown))
        else:
            with st.container(key="slide-frame", height=600, border=False):  # the screen's height, set by its style
                draw(shown)


def files() -> tuple[list[deck.Slide], str, list[str]]:
    """Every slide, and the last page's version, file hashes and setting."""
    hashes = (bundle.model_sha256, bundle.eval_sha256, bundle.manifest_sha256)
    return [build(n) for n in SLIDES], deck.COLOPHON_TITLE, deck.colophon(spec, hashes, point)


def go(step: int) -> None:
    st.session_state["slide"] = min(max(st.session_state["slide"] + step, 0), len(SLIDES) - 1)


PRESENT_ONLY = ("slide", "present", "notes", "case", "room")


def leave() -> None:
    for key in ("slide", "deck_case"):
        st.session_state.pop(key, None)


def switch_view() -> None:
    if presenter:
        st.query_params.pop("notes", None)
    else:
        st.query_params["notes"] = "1"


def pick_audience() -> None:
    st.session_state["audience"] = st.session_state["present_audience"]


with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    st.button("Previous", on_click=go, args=(-1,), disabled=slide == 0, icon=":material/arrow_back:",
              key="previous", shortcut="Left")  # fmt: skip
    st.markdown(f"**{slide + 1} / {len(SLIDES)}**")
    st.button("Next", on_click=go, args=(1,), disabled=slide == len(SLIDES) - 1, icon=":material/arrow_forward:",
              key="next", shortcut="Right")  # fmt: skip
    if name == deck.CASE and bundle.explainable and shown is not None:
        view, keys = case_shown()
        if len(keys) <= 5000:
            st.session_state.setdefault("deck_case", view.key)
            st.selectbox(
                fmt.literal(f"{spec.subject.capitalize()} shown"),
                keys,
                key="deck_case",
                label_visibility="collapsed",
                width=200,
                help=fmt.literal(f"Any of the {fmt.count(len(keys))} explained {spec.subjects} can be shown."),
            )
        st.query_params["case"] = view.key
    st.session_state["present_audience"] = ui.audience()  # the sidebar's switch, hidden here
    st.segmented_control(
        "Audience",
        session.AUDIENCES,
        key="present_audience",
        on_change=pick_audience,
        required=True,
        label_visibility="collapsed",
    )
    st.button("Slides only" if presenter else "Presenter view", on_click=switch_view,
              icon=":material/co_present:", key="switch_view")  # fmt: skip
    if name == deck.DECISION:
        with st.popover("Sign off", icon=":material/draw:"):
            ui.sign_off(bundle, point, result, "slide")
    if story_so_far.value is not None:
        with st.popover("Slides to keep", icon=":material/download:"):
            st.download_button(
                "PowerPoint",
                lambda: deck.pptx_bytes(*files()),
                file_name=f"{file_stem(bundle.id)}-review.pptx",
                mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                on_click="ignore",
                icon=":material/slideshow:",
                key="deck-pptx",
            )
            st.download_button(
                "PDF",
                lambda: deck.pdf_bytes(*files()),
                file_name=f"{file_stem(bundle.id)}-review.pdf",
                mime="application/pdf",
                on_click="ignore",
                icon=":material/picture_as_pdf:",
                key="deck-pdf",
            )
    if presenter:
        audience_link = {k: v for k, v in st.query_params.to_dict().items() if k != "notes"}
        st.link_button("Open the audience window", f"present?{urlencode(audience_link)}", icon=":material/open_in_new:")
    if st.button("Leave", on_click=leave, key="leave", icon=":material/close:"):
        kept = {k: v for k, v in st.query_params.to_dict().items() if k not in PRESENT_ONLY}
        st.switch_page("pages/overview.py", query_params=kept)


if shared is not None and presenter:
    with shared.lock:
        shared.slide, shared.case = slide, st.query_params.get("case")
elif shared is not None:

    @st.fragment(run_every=1.0)
    def follow() -> None:
        """Follow the presenter's slide and case, checked once a second."""
        with shared.lock:
            wanted, case = shared.slide, shared.case
        if wanted != st.session_state["slide"] or (case is not None and case != st.query_params.get("case")):
            st.session_state["slide"] = min(wanted, len(SLIDES) - 1)
            if case is not None:
                st.session_state["room_case"] = case
            st.rerun(scope="app")

    follow()
