"""Small Streamlit pieces that several pages show the same way: problems, KPI tiles, cards."""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from core import format as fmt
from core.app.session import Entry, Pending, card_summary, choose
from core.bundles.contract import BundleError, BundleSpec, describe
from core.evaluation.metrics import Headline
from core.words import glossary, narrative

TASK_WORDS = {
    "binary": "Yes-or-no prediction",
    "multiclass": "Sorts into categories",
    "regression": "Estimates a number",
}
# Every page's own style, for keyboards and narrow screens:
# - Streamlit shows an element's toolbar (a chart's Show data, Download, Fullscreen) on hover only, so
#   a keyboard user tabbing onto its buttons could not see them; with the focus inside, it shows;
# - a chart or table wider than the screen (stacked plots keep their width) scrolls on its own at
#   320 pixels or 200% zoom, rather than cutting off its right side or making the page scroll sideways;
# - the small tables of `table()`, drawn as plain HTML.
PAGE_STYLE = """<style>
[data-testid="stElementToolbar"]:focus-within {opacity: 1 !important;}
[data-testid="stElementToolbar"] button:focus-visible {outline: 2px solid #1F5FC4; outline-offset: 1px;}
[data-testid="stVegaLiteChart"] {max-width: 100%; overflow-x: auto !important;}
.mb-table {overflow-x: auto; margin: 0.25rem 0 1rem 0;}
.mb-table table {border-collapse: collapse; font-size: 0.9rem; width: 100%;}
.mb-table th, .mb-table td {text-align: left; padding: 0.35rem 0.75rem; border-bottom: 1px solid #E3E6EE;
  font-weight: normal; white-space: nowrap;}
.mb-table thead th {color: #4A5163; border-bottom: 2px solid #C9CEDA;}
.mb-table:focus-visible {outline: 2px solid #1F5FC4; outline-offset: 2px;}
</style>"""
CHART_FRAME = 130  # pixels for a chart's title, axis labels and legend around the plot
GLOSSARY = glossary.GLOSSARY


def audience() -> str:
    """The reader chosen in the sidebar: Plain (default) or Technical."""
    return st.session_state.get("audience", narrative.PLAIN)


log = logging.getLogger("modelbrief")


def unexpected(exc: Exception) -> BundleError:
    """An error nobody planned for, told plainly; the traceback goes to the server log only."""
    log.error("Unexpected error while working on a model", exc_info=exc)
    return BundleError(
        "Something unexpected went wrong while working on this model.",
        "The details below help whoever maintains the bundle; the server log has the full trace.",
        detail=describe(exc),
    )


def say(text: str) -> None:
    """A sentence or a piece of bundle text on the page, shown exactly as written."""
    st.markdown(fmt.literal(text))


def say_paragraphs(text: str) -> None:
    """Longer bundle text (a model-card section): its paragraphs kept, each shown as written."""
    paragraphs = [p for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    st.markdown("\n\n".join(fmt.literal(p, limit=None) for p in paragraphs))


def problem(error: BundleError, title: str | None = None) -> None:
    """One plain sentence with what to do, and the particulars on demand."""
    lead = f"**{fmt.literal(title)}:** " if title else ""
    st.error(f"{lead}{fmt.literal(f'{error.message} {error.hint}'.strip())}", icon=":material/error:")
    if error.detail:
        with st.expander("Details"):
            st.code(error.detail, language=None)


def kpi_tiles(result: Headline, spec: BundleSpec) -> None:
    """Accuracy, coverage and net value, always together, each with its range and n."""
    technical = audience() == narrative.TECHNICAL
    for column, (label, shown, caption, key) in zip(
        st.columns(3), narrative.tiles(result, spec, technical), strict=False
    ):
        with column:
            st.metric(fmt.literal(label), fmt.literal(shown), help=GLOSSARY[key])
            st.caption(fmt.literal(caption))


def since_launch_line(spec: BundleSpec, figures_key: str) -> tuple[str, int] | None:
    """A card's since-launch line, read without opening the bundle (a bad log leaves it out)."""
    from core.after_launch import traffic
    from core.bundles import scoring

    try:
        return traffic.card_line(spec, figures_key, scoring.cache_dir())
    except (OSError, ValueError, KeyError):
        return None


def bundle_card(entry: Entry, selected: bool, wait: float = 0.0) -> None:
    """A bundle at a glance: what it is, its headline with ranges, and one plain sentence.

    Drawn from the bundle's summary, never by opening it; a bundle published without one is
    measured in the background (waiting up to `wait` seconds first), its card showing progress.
    """
    with st.container(border=True):
        try:
            _card(entry, selected, wait)
        except Exception as exc:  # noqa: BLE001 - one bad bundle costs one card, never the page
            st.subheader(f":material/warning: {fmt.literal(entry.title)}")
            problem(unexpected(exc), "This card could not be drawn")
            st.caption("The other models keep working.")


def _card(entry: Entry, selected: bool, wait: float) -> None:
    """The card's content: its summary's figures, progress while measured, or the problem."""
    shown = card_summary(entry, wait)
    if isinstance(shown, BaseException) and not isinstance(shown, Pending):
        st.subheader(f":material/warning: {fmt.literal(entry.title)}")
        st.caption(
            fmt.literal(f"{entry.id} in the MLflow registry")
            if entry.source is not None or entry.id.startswith("mlflow:")
            else f"Folder {fmt.literal(entry.id)} in the artifacts folder"
        )
        if isinstance(shown, BundleError):
            problem(shown, "This bundle cannot be opened")
        else:  # a model that scores oddly must not take the page down
            problem(unexpected(shown), "The figures for this model could not be computed")
        st.caption("The other models keep working.")
        return
    spec = entry.spec if isinstance(shown, Pending) else shown.spec_for(entry.spec)
    st.subheader(fmt.literal(spec.title))
    facts = [
        TASK_WORDS[spec.task],
        spec.owner,
        f"created {spec.created}" if spec.created else None,
        f"version {spec.version}" if spec.version else None,
        None if isinstance(shown, Pending) else f"{fmt.count(shown.rows)} test {spec.subjects}",
    ]
    st.caption(fmt.literal(" · ".join(f for f in facts if f)))
    if entry.source is not None:
        registry_source(entry.source)
    if isinstance(shown, Pending):
        if entry.summary_note:
            st.caption(fmt.literal(entry.summary_note))
        waiting(
            shown,
            lambda job: (
                "Measuring this model on its test cases (once, as it was published without its figures)..."
                if not entry.summary_note
                else "Measuring this model on its test cases..."
            ),
        )
    else:
        result = shown.headline
        kpi_tiles(result, spec)
        for notice in spec.notices:
            st.caption(fmt.literal(notice))
        for finding in narrative.summary(result.kpis, spec, result.ranges):
            (st.warning if finding.severity >= narrative.WARNING and finding.code != "headline" else st.markdown)(
                fmt.literal(finding.text(audience()))
            )
        since = since_launch_line(spec, shown.figures_key)
        if since is not None:
            (st.warning if since[1] >= narrative.WARNING else st.caption)(fmt.literal(since[0]))
    if selected:
        st.success("This is the selected model.", icon=":material/check_circle:")
    else:
        st.button("Select this model", key=f"select-{entry.id}", on_click=choose, args=(entry.id,))


def registry_source(source, brief: bool = False) -> None:
    """Which registry version this is, and (unless brief) what was read from where and the files' sha256."""
    if source.stale:
        st.warning(fmt.literal(source.stale), icon=":material/cloud_off:")
    st.caption(fmt.literal(source.headline()), help=None if not brief else fmt.literal(source.read_from()))
    if not brief:
        for line in (source.read_from(), source.files(), *source.notes):
            st.caption(fmt.literal(line))


def findings(found: list[narrative.Finding | None]) -> None:
    """Show findings, warnings boxed; the order given is kept (most important first)."""
    for finding in found:
        if finding is None:
            continue
        text = fmt.literal(finding.text(audience()))
        if finding.severity >= narrative.WARNING:
            st.warning(text, icon=":material/warning:")
        elif finding.severity == narrative.NOTE:
            st.info(text, icon=":material/lightbulb:")
        else:
            st.markdown(text)


def table(frame: pd.DataFrame, hide_index: bool = True) -> None:
    """A small read-only table as plain HTML: a screen reader reads it as a table, with the first
    column as row headers (a grid repeats its cell ids when a page has several, and Streamlit's
    own table reads its cells as Markdown, linking any address in a bundle's text). Every text is
    escaped; a table wider than the screen scrolls on its own, by keyboard too."""
    st.html(table_html(frame if hide_index else frame.reset_index()))


def table_html(frame: pd.DataFrame) -> str:
    """
    >>> print(table_html(pd.DataFrame({"Region": ["<b>North</b>"], "Right": ["83%"]})))
    <div class='mb-table' role='region' tabindex='0' aria-label='Region, Right'><table><thead><tr><th scope='col'>Region</th><th scope='col'>Right</th></tr></thead><tbody><tr><th scope='row'>&lt;b&gt;North&lt;/b&gt;</th><td>83%</td></tr></tbody></table></div>
    """
    import html

    def text(value) -> str:
        return html.escape(fmt.clean(value if isinstance(value, str) else str(value)))

    names = [text(c) for c in frame.columns]
    head = "".join(f"<th scope='col'>{name}</th>" for name in names)
    rows = "".join(
        "<tr>"
        + "".join(f"<th scope='row'>{text(v)}</th>" if i == 0 else f"<td>{text(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f"<div class='mb-table' role='region' tabindex='0' aria-label='{', '.join(names)}'><table>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def title_out(spec: dict) -> tuple[dict, str]:
    """A chart's spec without its title, and the title's text, for the page to set above the chart
    as text: it wraps on a narrow screen or at 200% zoom, where a chart's own title is cut off at
    the chart's width (and takes the plot's width with it).

    >>> title_out({"title": {"text": ["Right 83%", "of the time"]}, "mark": "bar"})
    ({'mark': 'bar'}, 'Right 83% of the time')
    >>> title_out({"layer": [{"title": "Shares", "mark": "line"}, {"title": "Shares", "mark": "rule"}]})
    ({'layer': [{'mark': 'line'}, {'mark': 'rule'}]}, 'Shares')
    """
    layers = [layer for layer in spec.get("layer", []) if isinstance(layer, dict) and "title" in layer]
    if "title" in spec:
        title = spec["title"]
    elif layers:  # a layer built from one titled chart: each layer carries the title
        title = layers[0]["title"]
    else:
        return spec, ""
    spec = {k: v for k, v in spec.items() if k != "title"}
    if layers:
        spec["layer"] = [{k: v for k, v in layer.items() if k != "title"} for layer in spec["layer"]]
    text = title.get("text", "") if isinstance(title, dict) else title
    return spec, " ".join(text) if isinstance(text, list) else str(text)


def chart(built, finding_text: str, downloads: bool = True, stretch: bool = False) -> None:
    """An Altair chart with its finding as alt text, and PNG or SVG downloads rendered on demand
    (none with `downloads=False`: a slide shows the chart alone).

    Streamlit sizes a chart's height only when told, so the spec's plot height is passed on with
    room for the title and the axes; with `stretch` the chart takes the height its container has left.
    """
    from core.outputs import charts

    plot_height = getattr(built, "height", None)
    # the spec without Altair's schema validation, which took most of a chart's time on every
    # rerun (the charts are built by our own code, and its tests validate them)
    spec, title = title_out(built.to_dict(validate=False))
    if title:
        st.markdown(f"**{fmt.literal(title)}**")
    parts = charts.stacked(spec)
    for number, part in enumerate(parts):
        said = finding_text if number == 0 else f"{finding_text} (continued, {number + 1} of {len(parts)})"
        height = part.get("height") if len(parts) > 1 else plot_height  # a stack's plots keep their heights
        if stretch:
            st.vega_lite_chart(spec=part, alt=said, height="stretch", width="stretch")
        elif isinstance(height, int):
            st.vega_lite_chart(spec=part, alt=said, height=height + CHART_FRAME)
        else:
            st.vega_lite_chart(spec=part, alt=said)
    if not downloads:
        return
    from core.outputs import report

    # the downloads' key: from what the chart says, not its serialised data (a second full serialisation)
    title = getattr(built, "title", None)
    title = getattr(title, "text", title)
    key = hashlib.sha256(f"{finding_text}|{title}|{plot_height}".encode()).hexdigest()[:12]
    name = "".join(c if c.isalnum() else "-" for c in finding_text.lower())[:60].strip("-") or "chart"
    with st.popover("Download this chart", icon=":material/download:"):
        st.download_button(
            "PNG image",
            lambda: report.chart_png(built),
            file_name=f"{name}.png",
            mime="image/png",
            on_click="ignore",
            key=f"png-{key}",
        )
        st.download_button(
            "SVG image",
            lambda: report.chart_svg(built),
            file_name=f"{name}.svg",
            mime="image/svg+xml",
            on_click="ignore",
            key=f"svg-{key}",
        )


ROUTED = "_routed"  # set by the router (Home.py) in every session it has run for


def _through_the_router() -> None:
    """Make sure the router runs before any page.

    Streamlit treats an app with a pages/ folder as a legacy multipage app until the router's
    st.navigation() has run once in the process; a link straight to a page (the first request
    after a restart) would then run the page on its own. So would a session that started in
    that mode while another session's router was leaving it. Leave that mode and start again
    (a few times at most, so nothing can loop).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory or not st.session_state.get(ROUTED):
        tries = st.session_state.get("_router_tries", 0)
        if tries < 3:
            st.session_state["_router_tries"] = tries + 1
            PagesManager.uses_pages_directory = False
            st.rerun()


def usable_bundle():
    """The selected bundle, or stop the page with its problem explained."""
    from core.app.session import current, eval_set

    _through_the_router()
    st.session_state["_run_number"] = st.session_state.get("_run_number", 0) + 1
    from core.app.session import link_notices

    for notice in link_notices():  # a link to a model that is not here, or an audience there is not
        st.info(fmt.literal(notice), icon=":material/link_off:")
    entry = current()
    if entry is None:
        st.info("There is no model bundle to show yet. Publish one with `python -m core.publish`.")
        st.stop()
    if entry.source is not None:  # a registry version: which one it is, on every page
        registry_source(entry.source, brief=True)
    opened = entry.opened  # read once: the folder may change between two reads (a publish in progress)
    if isinstance(opened, BundleError):
        problem(opened, f"The model '{entry.id}' cannot be opened")
        st.caption("Pick another model in the sidebar; the others keep working.")
        st.stop()
    scored = attempt(eval_set, opened)  # scored once and cached: every page needs it
    if scored.error is not None:
        problem(scored.error, f"The model '{entry.id}' cannot be measured")
        st.caption("Pick another model in the sidebar; the others keep working.")
        st.stop()
    return opened


@dataclass
class Attempt:
    """The result of a computation a page needs in several places, or the problem that stopped it."""

    value: Any = None
    error: BundleError | None = None
    pending: Any = None  # session.Pending: the value is still being computed in the background

    def show(self, what: str) -> bool:
        """Draw the problem (or the progress), if any, where the part that needed the value would be."""
        if self.pending is not None:
            waiting(self.pending)
        elif self.error is not None:
            problem(self.error, f"{what} could not be shown")
        return self.error is None and self.pending is None


def _as_problem(exc: Exception) -> BundleError:
    return exc if isinstance(exc, BundleError) else unexpected(exc)


def attempt(compute, *args, **kwargs) -> Attempt:
    """Run compute; an error becomes one sentence to show later, never an exception."""
    from core.app.session import Pending

    try:
        return Attempt(compute(*args, **kwargs))
    except ScriptControlException:
        raise  # st.stop() and st.rerun() are Streamlit's own control flow, not failures
    except Pending as pending:
        return Attempt(pending=pending)
    except Exception as exc:
        return Attempt(error=_as_problem(exc))


@contextmanager
def section(what: str):
    """Run one part of a page; if it fails, say so in one sentence and let the rest of the page render."""
    from core.app.session import Pending

    try:
        yield
    except ScriptControlException:
        raise
    except Pending as pending:
        waiting(pending)
    except Exception as exc:
        problem(_as_problem(exc), f"{what} could not be shown")


def waiting(pending, words=None) -> None:
    """Progress of background work a part of the page needs; the whole page reruns when it is done.

    `words(job)` says what is happening (default: the explanations' progress and estimate). On a
    page that counts its runs, the first part waiting on a job draws its progress bar and any other
    part waiting on the same job says so in one line.
    """
    from core.app.session import waiting_words

    words = words or waiting_words
    drawn = st.session_state.setdefault("_waiting_drawn", {})
    run = st.session_state.get("_run_number")
    if run is not None and drawn.get(pending.job.key) == run:
        st.caption(fmt.literal(f"Waiting for {pending.what} (progress shown above)."))
        return
    drawn[pending.job.key] = run

    @st.fragment(run_every=1.0)
    def progress() -> None:
        if pending.job.done:
            st.rerun()
        st.progress(pending.job.fraction, text=fmt.literal(words(pending.job)))

    progress()


def segment_frame(table: pd.DataFrame, spec: BundleSpec) -> pd.DataFrame:
    """A segment table with plain column names, ready for st.dataframe."""
    frame = pd.DataFrame(
        {
            spec.subjects.capitalize(): table["n"].map(fmt.count),
            "Segment": table["segment"].map(spec.value_name),
            "Acted on": table["acted"].map(fmt.count),
            "Right when it acts": table["accuracy_acted"],
            "95% range": [
                f"{fmt.percent(lo)} to {fmt.percent(hi)}" if lo == lo else "no range"
                for lo, hi in zip(table["accuracy_low"], table["accuracy_high"], strict=True)
            ],
            "Coverage": table["coverage"],
            f"Net value per {spec.subject}": table["net_per_case"].map(lambda x: fmt.money(x, spec.business.currency)),
        }
    )
    frame["Right when it acts"] = frame["Right when it acts"].map(fmt.percent)
    frame["Coverage"] = frame["Coverage"].map(fmt.percent)
    return frame[
        [
            "Segment",
            spec.subjects.capitalize(),
            "Acted on",
            "Right when it acts",
            "95% range",
            "Coverage",
            f"Net value per {spec.subject}",
        ]
    ]


def large_error_frame(table: pd.DataFrame, spec: BundleSpec, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            spec.label(column): table["segment"],
            spec.subjects.capitalize(): table["n"].map(fmt.count),
            "Share of all": table["share_of_rows"].map(fmt.percent),
            "Share of the large misses": table["share_of_large"].map(fmt.percent),
            f"Typical miss ({narrative.target_unit(spec)})": table["mean_abs_error"].round(2),
        }
    )


def unseen_frame(table: pd.DataFrame, spec: BundleSpec) -> pd.DataFrame:
    worth = f"Worth covering {fmt.per(spec.business.per)}" if spec.business.volume else f"Worth per {spec.subject}"
    return pd.DataFrame(
        {
            "Request": table["label"],
            spec.subjects.capitalize(): table["n"].map(fmt.count),
            "Share": table["share"].map(fmt.percent),
            "It acted on anyway": table["acted_on"].map(fmt.count),
            worth: (table["worth_per_period"] if spec.business.volume else table["worth_per_case"]).map(
                lambda x: fmt.money(x, spec.business.currency)
            ),
        }
    )


def unseen_group(group, spec: BundleSpec) -> None:
    """One request the model was never trained on: its telling words and real messages, as written."""
    words = ", ".join(f"**{fmt.literal(w)}**" for w in group.words)
    with st.expander(fmt.literal(f"{group.label} · {fmt.counted(group.n, spec.subject, spec.subjects)}")):
        if words:
            st.markdown(f"Telling words: {words}")
        st.markdown("\n".join(f"- “{fmt.literal(message, limit=120)}”" for message in group.examples))


def message_words(explainer, row: pd.DataFrame, label: str, spec: BundleSpec, output: int, name, flip: bool) -> None:
    """One message word by word: each word on a red (raises) or blue (lowers) background, and the
    words that moved the chance most as a waterfall from the chance without them. `output` is the
    column of the word reasons; `flip` turns a binary model's second-class chance into the
    positive class's (when the positive class is the first)."""
    from core.explaining import explain
    from core.explaining.text import highlighted, word_lists, word_shares, word_steps
    from core.outputs import charts
    from core.words import narrative

    reasons = explainer.explain(row)
    message = str(row[explainer.column].iloc[0])
    sign = -1.0 if flip else 1.0
    shares = [(token, sign * share) for token, share in word_shares(reasons, message, output)]
    what = narrative.what_it_predicts(spec, name)
    how = "exact" if explainer.exact else "estimated by hiding words and predicting again"
    st.markdown(f"**{fmt.literal(label)}, word by word**")
    st.caption(
        fmt.literal(
            f"Red words, marked ↑, raise {what}; blue words, marked ↓, lower it ({how}). The strongest stand "
            "on a coloured background."
        )
    )
    st.markdown(highlighted(shares) or "_(no words)_")
    st.caption(fmt.literal(narrative.word_directions(*word_lists(shares), what)))
    start, steps = word_steps(reasons, output, sign=sign)
    if steps.empty:
        return
    shown = float(reasons.shown[output]) if not flip else 1.0 - float(reasons.shown[output])
    bounded = spec.task != "regression"
    title = f"The words that moved {what} most"
    frame = explain.waterfall(steps, start, shown, "Without its words", f"This {spec.subject}", bounded=bounded)
    unit = "Predicted chance" if bounded else f"Estimate ({narrative.target_unit(spec)})"
    chart(charts.waterfall(frame, unit, bounded, title), title)


def signer() -> str | None:
    """Who is signing: the signed-in person's verified e-mail address (None: this account cannot
    sign; a display name never signs), else the local user when sign-in is off."""
    from core.app import viewer
    from core.team import access, decisions

    if not viewer.sign_in_on():
        return decisions.LOCAL_USER
    return access.signer_name(viewer.viewer())


def sign_off(bundle, point, result, key: str) -> None:
    """The decision's sign-off: a verdict and a comment, kept in the decision log with the files,
    the setting and the figures of this moment."""
    from core.team import access, decisions

    who = signer()
    if who is None:
        st.info(access.CANNOT_SIGN, icon=":material/no_accounts:")
        return
    with st.form(f"sign-off-{key}", clear_on_submit=True, border=True):
        st.markdown(f"**Sign off** as {fmt.literal(who)}")
        verdict = st.radio(
            "Your decision",
            list(decisions.VERDICTS),
            format_func=decisions.VERDICTS.get,
            horizontal=True,
            key=f"verdict-{key}",
        )
        comment = st.text_area(
            "Comment",
            key=f"comment-{key}",
            max_chars=decisions.COMMENT_LIMIT,
            placeholder="The conditions, or what more work is needed.",
        )
        signed = st.form_submit_button("Sign", icon=":material/draw:", key=f"sign-{key}")
    # the confirmation outlives the run that signed: a later rerun (a background job done, a
    # fragment) must not take it off the page before it is read
    confirmed = f"_signed-{key}-{bundle.spec.id}"
    if signed:
        from core.app import viewer

        me = viewer.viewer()
        kept = attempt(
            decisions.record, bundle, point, result, verdict, comment, who, issuer=me.issuer, subject=me.subject
        )
        st.session_state.pop(confirmed, None)
        if kept.show("The sign-off"):
            entry = kept.value
            st.session_state[confirmed] = (
                f"Kept in the decision log: {entry.verdict_words}, by {entry.signer}, "
                f"{entry.signed_at:%d %b %Y %H:%M} UTC."
            )
    if confirmed in st.session_state:
        st.success(fmt.literal(st.session_state[confirmed]), icon=":material/verified:")


_CHAIN_HELP = (
    "Each entry carries a fingerprint of the one before it, so an entry changed or removed in the "
    "database, outside this app, is named here."
)


def decision_history(bundle) -> None:
    """The decision log for a bundle, newest first; entries on other files are marked."""
    from core.team import decisions

    found = attempt(decisions.read, bundle.spec.id)
    if not found.show("The decision log"):
        return
    if not found.value.entries:
        st.caption("No decision has been signed for this model yet.")
        return
    check = found.value.check
    if check.verified:
        st.caption(check.sentence, help=_CHAIN_HELP)
    else:
        st.warning(check.sentence, icon=":material/gpp_maybe:")
        st.caption(_CHAIN_HELP)
    for entry in found.value.entries:
        older = "" if entry.on_these_files(bundle) else " · made on an older version of the files"
        st.markdown(
            f"**{fmt.literal(entry.verdict_words)}** · {fmt.literal(entry.signer)} · "
            + fmt.literal(f"{entry.signed_at:%d %b %Y %H:%M} UTC{older}")
        )
        figures = entry.figures
        said = (
            f"At the setting where the model {narrative.describe_point(entry.point, bundle.spec)}: right "
            f"{fmt.percent(figures['accuracy_acted']['value'])} when it acts, coverage "
            f"{fmt.percent(figures['coverage']['value'])}."
        )
        st.caption(fmt.literal(said + (f" “{entry.comment}”" if entry.comment else "")))
