"""Overview: the one screen a product manager reads, what it does, how well, for how much, what it is worth."""

import streamlit as st

from core import format as fmt
from core.app import session, ui
from core.bundles.registry import file_stem
from core.evaluation import compare
from core.explaining import explain
from core.outputs import story
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
audience = ui.audience()
point = session.current_point(bundle)
result = session.headline(bundle, point)
k = result.kpis
data = session.eval_set(bundle)
st.title("Overview")
st.caption(
    fmt.literal(
        " · ".join(
            f for f in (spec.title, spec.owner, f"setting: the model {narrative.describe_point(point, spec)}") if f
        )
    )
)

labels = {name: spec.label(name) for name in bundle.features}


def reasons():
    explained = session.explanation(bundle)
    if explained is None:
        return None
    table = explain.importance(explained, labels)
    directions = {f: explain.direction(explained, bundle.X, f) for f in table["feature"].head(3)}
    from core.explaining.text import words_for

    words = words_for(session.word_explainers(bundle), bundle.X.iloc[explained.rows])
    return explained, table, directions, narrative.drivers(table, directions, spec, words=words), words


# figures first: the summary, the tiles and since launch are drawn before the explanations are
# waited for; the summary names the top reasons once they are known
with ui.section("The summary"):
    summary = st.empty()
    with summary.container():
        ui.findings([narrative.executive(k, spec, None)])
    ui.kpi_tiles(result, spec)


launched = ui.attempt(session.since_launch, bundle) if spec.traffic is not None else ui.Attempt()
if launched.show("Since launch") and launched.value is not None:
    with ui.section("Since launch"):
        ui.findings([narrative.traffic_line(launched.value, spec)])
        st.page_link("pages/since_launch.py", label="See how it is doing since launch", icon=":material/monitoring:")

st.subheader("The top three reasons behind its predictions")
relies_on = ui.attempt(reasons) if bundle.explainable else ui.Attempt()
if relies_on.value:
    with summary.container():
        ui.findings([narrative.executive(k, spec, relies_on.value[3])])
if not bundle.explainable:
    st.info(fmt.literal(bundle.unexplainable_reason), icon=":material/info:")
elif relies_on.show("The reasons"):
    explained, table, directions, _, words = relies_on.value
    with ui.section("The reasons"):
        for label, sentence in narrative.reason_lines(table, directions, words, spec):
            st.markdown(f"**{fmt.literal(label)}**" + fmt.literal(sentence))


def risk_findings() -> list:
    unseen = session.unseen_groups(bundle) if spec.task == "multiclass" else []
    found = story.overview_risks(
        bundle,
        data,
        point,
        result,
        unseen,
        lambda column: session.segments(bundle, column),
        lambda: session.groups(bundle, point) if spec.groups else None,
    )
    return narrative.risks(found + story.since_launch_risks(launched.value, launched.error))


def promoted():
    """What promoting this challenger in place of its model's champion would change (None: not a challenger)."""
    here = session.current()
    champion_entry = session.champion_of(here, session.catalogue())
    if champion_entry is None:
        return None
    champion = champion_entry.bundle
    if champion is None or session.rows_problem(champion, bundle) is not None:
        return None
    shown = session.figures_side_by_side(champion, champion.spec.operating_point, bundle)
    b = champion.spec.business
    return compare.promotion(
        shown.own,
        f"version {champion_entry.source.version} (@champion)",
        f"version {here.source.version} (@challenger)",
        spec.subjects,
        b.volume,
        b.per,
        b.currency,
        values_set=b.is_set,
    )


promotion = ui.attempt(promoted) if session.partner(session.current()) else ui.Attempt()
if promotion.value is not None or promotion.error is not None:
    st.subheader("If it were promoted")
    if promotion.show("What promoting it would change"):
        with ui.section("If it were promoted"):
            ui.say(promotion.value)
            st.page_link("pages/compare.py", label="Compare it with the champion", icon=":material/compare_arrows:")

st.subheader("Risks and caveats")
risks = ui.attempt(risk_findings)
if risks.show("The risks"):
    with ui.section("The risks"):
        if risks.value:
            ui.findings(risks.value)
        else:
            st.markdown(narrative.NO_RISKS)

st.subheader("The decision")
with ui.section("The decision"):
    ui.findings([narrative.decision(k, spec, point, len(risks.value or []))])
    ui.sign_off(bundle, point, result, "overview")
if bundle.decides_only:  # no probabilities: there is no setting to try
    st.page_link("pages/performance.py", label="See how it performs on the Performance page", icon=":material/tune:")
else:
    st.page_link("pages/performance.py", label="Try another setting on the Performance page", icon=":material/tune:")

st.subheader("A report to leave behind")
st.caption(
    "The summary, figures with ranges, charts, segments, risks, the model card and the bundle's hashes, "
    "at this setting. The HTML file opens offline, with no server."
)


def _report():
    from core.outputs import report

    return report.build(
        bundle,
        data,
        session.explanation(bundle, wait_for_all=True),
        point,
        audience,
        word_reasons=session.word_explainers(bundle),
        unseen=session.unseen_groups(bundle) if spec.task == "multiclass" else [],
        since=launched.value,
        since_problem=launched.error,
    )


def _with_log(built):
    """The report with the decision log kept beside the bundle."""
    from core.outputs import report
    from core.team import decisions

    logged = ui.attempt(decisions.read, bundle.spec.id)
    if logged.value is not None and logged.value.entries:
        built.decisions = report.decision_lines(logged.value.entries, bundle)
        built.decisions_check = logged.value.check.sentence
    return built


def _html() -> str:
    from core.outputs import report

    return report.to_html(_with_log(_report()))


def _pdf() -> bytes:
    from core.outputs import report

    return report.to_pdf(_with_log(_report()))


left, right = st.columns(2)
left.download_button(
    "Download the report (HTML)",
    _html,
    file_name=f"{file_stem(bundle.id)}-report.html",
    mime="text/html",
    icon=":material/description:",
    on_click="ignore",
    key="report_html",
)
right.download_button(
    "Download the report (PDF)",
    _pdf,
    file_name=f"{file_stem(bundle.id)}-report.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    key="report_pdf",
)

session.view_link()
