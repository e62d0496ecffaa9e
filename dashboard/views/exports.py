"""导出: the self-evaluation and monitoring forms, and the status table with the lights as colours."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import lang, t
from dashboard.render import plain
from dashboard.views.common import current_actor, year_and_month
from exports.forms_pdf import FontMissing
from exports.status_table import status_csv, status_xlsx
from ingest.summaries import DraftsPending


def forms(year: int, month: int) -> None:
    st.subheader(t("forms"))
    left, right = st.columns(2)
    with left:
        fmt = st.radio(t("format"), ["xlsx", "pdf"], horizontal=True, key="form_format")
        final = st.checkbox(t("final"), key="final", help=t("final_help"), disabled=not current_actor().is_admin)
    with right:
        kind = st.radio(
            t("form_kind"),
            ["selfeval", "monitor"],
            key="form_kind",
            horizontal=True,
            format_func=lambda k: t("selfeval") if k == "selfeval" else t("monitor", n=month),
        )
        make = st.button(t("prepare"), type="primary", key="prepare")
    if not make:
        return
    bar = st.progress(0.0, text=t("preparing"))
    try:
        content, warnings = data.form_zip(
            kind,
            year,
            month,
            fmt,
            final and kind == "selfeval",
            progress=_progress(bar),
            actor=current_actor(),
        )
    except FontMissing as exc:
        bar.empty()
        st.error(plain(str(exc)))
        return
    except DraftsPending as pending:  # a final form may hold no 实际完成情况 still drafted (草稿)
        bar.empty()
        st.error(plain(pending.format(lang())))
        return
    bar.progress(1.0, text=t("ready"))
    warned(warnings)
    name = f"{'自评表' if kind == 'selfeval' else '监控表'}_{year}{'' if kind == 'selfeval' else f'年1-{month}月'}.zip"
    st.download_button(t("download_zip"), content, file_name=name, mime="application/zip", key="form_zip")


SHOWN_WARNINGS = 10  # each its own box; the rest listed in one table (a city's export can have thousands)


def warned(warnings: list[str]) -> None:
    """The export's warnings: the first few as boxes, the others in a table under an expander."""
    for warning in warnings[:SHOWN_WARNINGS]:
        st.warning(plain(warning))
    rest = warnings[SHOWN_WARNINGS:]
    if rest:
        with st.expander(t("more_warnings", n=f"{len(rest):,}")):
            st.dataframe(pd.DataFrame({t("warning_column"): rest}), hide_index=True, width="stretch")


def _progress(bar) -> Callable[[float], None]:
    """Moves ``bar`` as the forms are written, once per whole percent (2,000 forms, not 2,000 messages)."""
    shown = [0]

    def advance(done: float) -> None:
        percent = int(min(done, 1.0) * 100)
        if percent > shown[0]:
            shown[0] = percent
            bar.progress(percent / 100, text=f"{t('preparing')} {percent}%")

    return advance


def render() -> None:
    st.title(t("exports"))
    year, month = year_and_month()
    if data.units_scoped(year, current_actor()):  # units13: the form bundles hold every project
        st.info(t("forms_scoped"))
    else:
        forms(year, month)
    report = data.status(year, month, actor=current_actor())  # the projects the actor may see
    st.subheader(t("status_table"))
    cols = st.columns(2)
    cols[0].download_button(
        t("download_csv"),
        status_csv(report, lang()),
        file_name=f"status_{report.month}.csv",
        mime="text/csv",
        key="status_csv",
    )
    cols[1].download_button(
        t("download_xlsx"),
        status_xlsx(report, lang()),
        file_name=f"status_{report.month}.xlsx",
        key="status_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


render()
