"""Performance: one control moves accuracy, coverage and value together; then where it fails."""

import streamlit as st

from core import format as fmt
from core.app import session, ui
from core.bundles.contract import OperatingPoint
from core.evaluation import breakdown
from core.outputs import charts, story
from core.words import narrative

bundle = ui.usable_bundle()
spec = bundle.spec
data = session.eval_set(bundle)
st.title("Performance")
st.caption(fmt.literal(f"{spec.title} · {fmt.count(data.n)} test {fmt.plural(data.n, spec.subject, spec.subjects)}"))

for notice in session.init_point(bundle):
    st.info(fmt.literal(notice), icon=":material/link_off:")


@st.fragment
def operating_point() -> None:
    """Everything that depends on the control reruns here, and only here, when it moves."""
    if spec.task != "regression" and bundle.decides_only:
        st.subheader("When should the model act?")
        st.info(
            fmt.literal(
                f"This {bundle.model_name} gives a decision but no probabilities, so it acts on its own "
                "decision for every case and there is no confidence to set. Publish it with --calibrate to give it "
                "probabilities and a setting to choose."
            ),
            icon=":material/info:",
        )
    elif spec.task != "regression":
        st.subheader("When should the model act?")
        left, right = st.columns(2)
        (right if spec.task == "binary" else left).slider(
            "Confidence needed to act",
            0.0,
            0.99,
            step=0.01,
            key="min_confidence",
            format="percent",
            help=ui.GLOSSARY["min_confidence"],
            persist_state="session",
        )
        if spec.task == "binary":
            left.slider(
                fmt.literal(f"Chance needed to {spec.action or 'flag a case'}"),
                0.01,
                0.99,
                step=0.01,
                key="threshold",
                format="percent",
                help=ui.GLOSSARY["threshold"],
                persist_state="session",
            )
    point = session.current_point(bundle)
    session.write_point(point, bundle)
    if spec.task != "regression" and not bundle.decides_only:  # a control that changes nothing says why
        lowest = float(session.eval_set(bundle).confidence.min())
        for sentence in narrative.idle_settings(point, spec, lowest):
            st.caption(fmt.literal(sentence))
    session.view_link()

    result = session.headline(bundle, point)
    k = result.kpis
    with ui.section("The figures at this setting"):
        own = session.headline(bundle).kpis
        ui.findings(
            [
                narrative.headline(k, spec, result.ranges),
                narrative.point_change(own, k, spec),
                narrative.small_sample(result.ranges, spec),
            ]
        )
        ui.kpi_tiles(result, spec)
        ui.say(narrative.people(k, spec).sentence)
    if spec.task == "regression":
        groups_section(point)
        return

    if not bundle.decides_only and not spec.business.is_set:
        st.info(fmt.literal(narrative.NO_VALUES), icon=":material/payments:")
    elif not bundle.decides_only:  # no probabilities: no setting to choose, so no best one
        with ui.section("The best-value setting"):
            best = session.best(bundle)
            found = narrative.best_point(best, k, point, spec)
            ui.findings([found])
            if found.numbers["gap"] > 0 and best.point != point:
                st.button(
                    "Move to the best-value setting",
                    on_click=session.move_to,
                    args=(best.point,),
                    type="primary",
                    icon=":material/target:",
                )
            controls = ["threshold", "min_confidence"] if spec.task == "binary" else ["min_confidence"]
            for tab, control in zip(st.tabs([story.CONTROL_LABELS[c] for c in controls]), controls, strict=True):
                with tab:
                    title, built = story.tradeoff_chart(spec, session.index(bundle), point, best, control)
                    ui.chart(built, title)

    st.subheader("What it decided, and what really happened")
    with ui.section("What it decided"):
        if spec.task == "binary":
            ui.say(narrative.binary_outcomes(breakdown.binary_outcomes(data, point), spec).sentence)
        counts = breakdown.outcome_counts(data, point, story.class_names(bundle))
        title = "What it decided, against what happened"
        ui.chart(charts.outcome_matrix(counts, title), title)
        if spec.task == "multiclass":
            ui.findings([story.rare_classes_finding(bundle, data)])

    segments(point, k)
    groups_section(point)


def groups_section(point: OperatingPoint) -> None:
    """Who bears the errors at this setting: each group column's rates with ranges, the gaps beyond
    the noise in words, the groups too small to judge, and a setting that narrows the largest gap."""
    if not spec.groups:
        return
    st.subheader("Who bears the errors")
    with ui.section("The groups"):
        assessed = session.groups(bundle, point)
        if assessed.gaps:
            ui.findings([narrative.gap_finding(g, spec, assessed.looked_at) for g in assessed.gaps])
            first = assessed.gaps[0]
            if spec.task == "binary" and not bundle.decides_only:
                suggestion = session.narrowing(bundle, point, first)
                if suggestion is not None:
                    st.info(fmt.literal(narrative.narrowing(suggestion, spec)), icon=":material/balance:")
                    st.button(
                        "Move to that setting",
                        on_click=session.move_to,
                        args=(OperatingPoint(suggestion.threshold, point.min_confidence),),
                        icon=":material/balance:",
                        key="narrow-gap",
                    )
        else:
            ui.say(narrative.no_gap(spec, list(spec.groups)))
        for found in assessed.tables:
            small = narrative.too_small(found.column, assessed.small[found.column], spec)
            st.markdown(f"**By {fmt.literal(spec.label(found.column).lower())}**")
            shown = story.group_table(found, spec)  # a few rows: a plain table, drawn at once
            ui.table(shown.set_index(shown.columns[0]), hide_index=False)
            if small:
                st.caption(fmt.literal(small))
            if ui.audience() == narrative.TECHNICAL:
                st.caption(fmt.literal(narrative.group_spread(found, spec)))


def segments(point: OperatingPoint, overall) -> None:
    if not spec.segments:
        return
    st.subheader("Where it works and where it does not")
    for column in spec.segments:
        label = spec.label(column)
        with ui.section(f"The breakdown by {label.lower()}"):
            table = breakdown.segment_table(data, point, session.segments(bundle, column))
            weakest = narrative.weakest_segment(breakdown.weakest_segment(table), label, overall, spec)
            ui.findings([weakest])
            title = narrative.segment_title(table, label, overall)
            ui.chart(charts.segment_bars(table, overall.accuracy_acted, label, title), title)
            ui.table(ui.segment_frame(table, spec))


operating_point()

if spec.task == "regression":
    unit = narrative.target_unit(spec)
    st.subheader("How far off the estimates are")
    summary = ui.attempt(breakdown.error_summary, data)
    if summary.show("How far off the estimates are"):
        with ui.section("How far off the estimates are"):
            ui.findings(
                [narrative.regression_errors(summary.value, spec), narrative.heavy_tail(summary.value, spec, data.n)]
            )
            histogram_title = narrative.histogram_title(summary.value, spec)
            ui.chart(
                charts.error_histogram(breakdown.error_histogram(data), spec.tolerance.absolute, unit, histogram_title),
                histogram_title,
            )
            curve_title = f"{fmt.percent(summary.value.within)} of estimates fall {narrative.within_tolerance(spec)}"
            ui.chart(
                charts.tolerance_curve(breakdown.tolerance_curve(data), spec.tolerance.absolute, unit, curve_title),
                curve_title,
            )
    if spec.segments:
        st.subheader("Where the large misses are")
        for column in spec.segments:
            with ui.section(f"The large misses by {spec.label(column).lower()}"):
                large = summary.value.large_threshold
                table = breakdown.large_errors_by_segment(data, bundle.eval[column], large)
                ui.findings([narrative.large_errors(table, spec.label(column), spec, large)])
                ui.table(ui.large_error_frame(table, spec, column))
elif not bundle.decides_only:  # a decision without probabilities has no confidence to check
    st.subheader("Can its confidence be trusted?")
    with ui.section("Whether its confidence can be trusted"):
        frame = breakdown.reliability(data)
        example = breakdown.reliability_example(frame)
        ui.findings([story.calibration_finding(data, spec)])
        title = narrative.calibration_title(example)
        ui.chart(charts.reliability(frame, title), title)

if spec.task == "multiclass":
    with ui.section("The requests it was never built for"):
        point = session.current_point(bundle)
        table = breakdown.unseen_requests(data, point, bundle.y.to_numpy())
        if not table.empty:
            st.subheader("What customers ask that it was never built for")
            k = session.headline(bundle, point).kpis
            ui.findings([narrative.out_of_scope(k, spec), narrative.unseen_requests(table, spec)])
            title = f"{fmt.percent(table['share'].sum())} of {spec.subjects} ask for one of {len(table)} things it never learned"
            ui.chart(charts.unseen_bars(table, spec.subjects, title), title)
            ui.table(ui.unseen_frame(table, spec))
    groups = session.unseen_groups(bundle)
    if groups:
        with ui.section("The requests in their own words"):
            st.subheader("In their own words")
            ui.findings([narrative.unseen_words(groups, spec)])
            for group in groups:
                ui.unseen_group(group, spec)
