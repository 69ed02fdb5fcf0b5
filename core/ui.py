"""Small Streamlit pieces that several pages show the same way: problems, KPI tiles, cards."""

from __future__ import annotations

import traceback

import streamlit as st

from core import format as fmt
from core import narrative
from core.contract import BundleError, BundleSpec
from core.metrics import Estimate, Headline
from core.session import Entry, choose, headline

TASK_WORDS = {
    "binary": "Yes-or-no prediction",
    "multiclass": "Sorts into categories",
    "regression": "Estimates a number",
}
GLOSSARY = {
    "accuracy_acted": "How often the model is right on the cases it handles itself "
    "(accuracy on the cases it acts on). Cases it hands to a person do not count here.",
    "coverage": "The share of all real cases the model handles itself and was built for. "
    "The rest go to a person, or are requests it was never trained on.",
    "net_value": "What the model is worth over the period compared with people handling every case, "
    "using the values per outcome in the bundle.",
}


def unexpected(exc: Exception) -> BundleError:
    """An error nobody planned for, told plainly, with the traceback kept for the details."""
    return BundleError(
        "Something unexpected went wrong while working on this model.",
        "The details below help whoever maintains the bundle.",
        detail="".join(traceback.format_exception(exc)),
    )


def problem(error: BundleError, title: str | None = None) -> None:
    """One plain sentence with what to do, and the particulars on demand."""
    lead = f"**{title}:** " if title else ""
    st.error(f"{lead}{error.message} {error.hint}".strip(), icon=":material/error:")
    if error.detail:
        with st.expander("Details"):
            st.code(error.detail, language=None)


def _range(estimate: Estimate, show) -> str:
    if estimate.low != estimate.low:  # NaN: nothing behind it
        return f"no range · n = {fmt.count(estimate.n)}"
    return f"95% range {show(estimate.low)} to {show(estimate.high)} · n = {fmt.count(estimate.n)}"


def kpi_tiles(result: Headline, spec: BundleSpec) -> None:
    """Accuracy, coverage and net value, always together, each with its range and n."""
    k, r = result.kpis, result.ranges
    money = lambda x: fmt.money(x, spec.business.currency, compact=True)  # noqa: E731
    if r.net_per_period is not None:
        value, value_label = r.net_per_period, f"Net value {fmt.per(spec.business.per)}"
    else:
        value, value_label = r.net_per_case, f"Net value per {spec.subject}"
    accuracy_label = "Within tolerance" if spec.task == "regression" else "Right when it acts"
    tiles = [
        (
            accuracy_label,
            fmt.percent(k.accuracy_acted),
            _range(r.accuracy_acted, fmt.percent),
            GLOSSARY["accuracy_acted"],
        ),
        ("Coverage", fmt.percent(k.coverage), _range(r.coverage, fmt.percent), GLOSSARY["coverage"]),
        (value_label, money(value.value), _range(value, money), GLOSSARY["net_value"]),
    ]
    for column, (label, shown, caption, help_text) in zip(st.columns(3), tiles, strict=False):
        with column:
            st.metric(label, shown, help=help_text)
            st.caption(caption)


def bundle_card(entry: Entry, selected: bool) -> None:
    """A bundle at a glance: what it is, its headline with ranges, and one plain sentence."""
    with st.container(border=True):
        if entry.problem is not None:
            st.subheader(f":material/warning: {entry.id}")
            st.caption(f"Folder {entry.folder}")
            problem(entry.problem, "This bundle cannot be opened")
            st.caption("The other models keep working.")
            return
        bundle = entry.bundle
        spec = bundle.spec
        st.subheader(spec.title)
        facts = [
            TASK_WORDS[spec.task],
            spec.owner,
            f"created {spec.created}" if spec.created else None,
            f"version {spec.version}" if spec.version else None,
            f"{fmt.count(len(bundle.eval))} test {spec.subjects}",
        ]
        st.caption(" · ".join(f for f in facts if f))
        try:
            result = headline(bundle)
        except Exception as exc:  # a model that scores oddly must not take the page down
            problem(unexpected(exc), "The figures for this model could not be computed")
            return
        kpi_tiles(result, spec)
        for finding in narrative.summary(result.kpis, spec):
            (st.warning if finding.severity >= narrative.WARNING and finding.code != "headline" else st.markdown)(
                finding.sentence
            )
        if selected:
            st.success("This is the selected model.", icon=":material/check_circle:")
        else:
            st.button("Select this model", key=f"select-{entry.id}", on_click=choose, args=(entry.id,))
