"""导出: the status table as CSV or XLSX with the lights as colours."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import lang, t
from dashboard.views.common import year_and_month
from exports.status_table import status_csv, status_xlsx


def render() -> None:
    st.title(t("exports"))
    year, month = year_and_month()
    report = data.status(year, month)
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
