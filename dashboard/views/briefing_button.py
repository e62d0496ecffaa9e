"""The 总览's two download buttons for the monthly briefing (月度绩效简报): the PDF and its page as a PNG.

The files are made only when a button is pressed (``data.briefing_files`` gives callables, cached per data
version), so the overview renders as fast as before.  See exports/briefing.py.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import t


def briefing_buttons(year: int, month: int, view: data.View) -> None:
    """Download buttons for the briefing of ``year``-``month`` (of the projects ``view`` shows), side by side."""
    pdf, png = data.briefing_files(year, month, view)
    name = f"{year}年{month}月绩效简报"
    row = st.container(horizontal=True, gap="small")  # side by side, wrapping on a phone
    for label, made, suffix, mime, icon in (
        ("briefing_pdf", pdf, "pdf", "application/pdf", ":material/picture_as_pdf:"),
        ("briefing_png", png, "png", "image/png", ":material/image:"),
    ):
        row.download_button(
            t(label),
            made,
            file_name=f"{name}.{suffix}",
            mime=mime,
            icon=icon,
            help=t("briefing_help"),
            on_click="ignore",
            key=label,
        )
