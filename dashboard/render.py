"""Text from data made inert for every way the dashboard shows it, and the HTML of the lights matrix.

Every text from data is escaped: names and notes are shown, never run.  ``plain`` is for what Streamlit
reads as Markdown (titles, headers, captions, alerts, widget labels, help tooltips, page links, radio
options); ``escape`` (HTML) is for ``st.html`` and Plotly texts; tables, ``st.text`` and selectbox
options show text as it is and need neither.
"""

from __future__ import annotations

import re
import string
from html import escape

from metrics.lights import WORST_FIRST
from metrics.status import STATUS_LABELS, IndicatorStatus, ProjectStatus, StatusReport

_PUNCTUATION = frozenset(string.punctuation)  # CommonMark: any ASCII punctuation may be backslash-escaped
_WORD_JOINER = "\u2060"  # invisible; breaks what GFM turns into a link even after escapes are read
_BARE_LINK = re.compile(r"(?i)(?<=:)|(?=@)|(?<=www)(?=\.)")


def plain(text) -> str:
    """``text`` for a Markdown context, shown literally: no link, image, HTML, emphasis, math or icon.

    Every ASCII punctuation mark is backslash-escaped (so ``[a](b)``, ``![a](b)``, ``<img>``, ``**``,
    ``$x$`` and ``:icon:`` stay text) and an invisible word joiner follows each ``:`` and precedes each
    ``@`` and the dot of ``www.``, since GFM links bare addresses (``https://…``, ``www.…``, ``a@b.c``)
    in the text it has already unescaped.  Line breaks become spaces: these places hold one line.
    """
    one_line = " ".join(str(text).splitlines()).strip()
    joined = _BARE_LINK.sub(_WORD_JOINER, one_line)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in joined)


COLOURS = {"green": "#2e9d4b", "yellow": "#e0a800", "red": "#d64541", "blue": "#2f6fd6", "grey": "#9aa0a6"}


def worst_first(projects: list[ProjectStatus]) -> list[ProjectStatus]:
    """Projects ordered worst light first, then by how many red and yellow lights they have."""
    return sorted(projects, key=lambda p: (WORST_FIRST.index(p.status), -p.counts()["red"], -p.counts()["yellow"]))


def light(status: str, lang: str, title: str = "") -> str:
    label = STATUS_LABELS[lang][status]
    return (
        f'<span class="pb-light" data-status="{status}" title="{escape(title)}" style="display:inline-flex;'
        f'align-items:center;gap:4px;white-space:nowrap"><span style="display:inline-block;width:14px;height:14px;'
        f'border-radius:50%;background:{COLOURS[status]}"></span>{escape(label)}</span>'
    )


def _actual(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _original(i: IndicatorStatus, lang: str) -> str:
    """A revised target shows the original beneath it."""
    if not i.revised:
        return ""
    said = "was" if lang == "en" else "原目标"
    return (
        f'<br><span class="pb-original" style="color:#888;font-size:0.85em">{said} {escape(i.target_original)}</span>'
    )


def matrix_html(report: StatusReport, projects: list[ProjectStatus], lang: str, headers: list[str]) -> str:
    """One row per indicator grouped by project; the light's explanation shows on hover."""
    cell = "padding:4px 8px;border-bottom:1px solid #e6e6e6;vertical-align:top"
    short = cell + ";white-space:nowrap"
    head = "".join(f'<th style="{short};text-align:left;background:#f3f5f8">{escape(h)}</th>' for h in headers)
    rows = []
    for p in projects:
        span = max(1, len(p.indicators))
        explanation = p.budget_explanation_en if lang == "en" else p.budget_explanation
        adjusted = ""
        if p.adjustments:  # 原预算 → 调整后 (month)
            last = p.adjustments[-1]
            adjusted = (
                f'<br><span class="pb-adjusted" style="color:#555;font-size:0.85em">'
                f"{'budget' if lang == 'en' else '预算'} {p.budget_initial:,.0f} → {p.budget:,.0f}"
                f"（{escape(last['month'])}）</span>"
            )
        first = (
            f'<td rowspan="{span}" style="{cell};min-width:12em"><span class="pb-project">{escape(p.name)}</span>'
            f"{adjusted}<br>{light(p.status, lang)}</td>"
            f'<td rowspan="{span}" style="{cell}">{light(p.budget_status, lang, explanation)}</td>'
        )
        for k, i in enumerate(p.indicators):
            text = i.explanation_en if lang == "en" else i.explanation
            rows.append(
                f'<tr class="pb-row" title="{escape(text)}" data-project="{escape(p.name)}" '
                f'data-indicator="{escape(i.name)}" data-status="{i.status}">{first if k == 0 else ""}'
                f'<td style="{short}">{escape(i.level1)}</td><td style="{short}">{escape(i.level2)}</td>'
                f'<td style="{cell};min-width:8em">{escape(i.name)}</td><td style="{cell};max-width:16em">{escape(i.target)}'
                f"{_original(i, lang)}</td>"
                f'<td style="{short};text-align:right">{escape(_actual(i.actual))}</td>'
                f'<td style="{short}">{light(i.status, lang, text)}</td>'
                f'<td style="{cell};color:#555;font-size:0.85em">{escape(text)}</td></tr>'
            )
        if not p.indicators:
            rows.append(f"<tr>{first}</tr>")
    return (
        f'<table id="pb-matrix" data-month="{escape(report.month)}" style="border-collapse:collapse;width:100%;'
        f'font-size:0.9em"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
