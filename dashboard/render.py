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

from core.numbers import money, num, share, with_unit
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


FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, sans-serif"  # the charts' type (Debian's fonts-noto-cjk)
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


def _actual(i: IndicatorStatus, lang: str) -> str:
    """The actual with its unit, as ``core.numbers`` writes every figure (10,800人次, 97%, 1小时22分)."""
    value = i.actual
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)  # a rating or other text
    return with_unit(value, i.actual_unit, lang)


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
                f"{'budget' if lang == 'en' else '预算'} {money(p.budget_initial, lang)} → {money(p.budget, lang)}"
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
                f'<td style="{short};text-align:right">{escape(_actual(i, lang))}</td>'
                f'<td style="{short}">{light(i.status, lang, text)}</td>'
                f'<td style="{cell};color:#555;font-size:0.85em">{escape(text)}</td></tr>'
            )
        if not p.indicators:
            rows.append(f"<tr>{first}</tr>")
    return (
        f'<table id="pb-matrix" data-month="{escape(report.month)}" style="border-collapse:collapse;width:100%;'
        f'font-size:0.9em"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


# -- phone14: the phone layout (issue 14, part 1) ----------------------------------------------------
PHONE_WIDTH = 700  # below this width the pages show cards instead of the wide lights table
WIDE, CARDS = "pb_wide", "pb_cards"  # keys of the two containers (Streamlit gives each the class st-key-KEY)
FIGURES = "pb_figures"  # the headline figures: two to a row on a phone rather than six stacked
LAYOUT_CSS = f"""<style>
@media (max-width: {PHONE_WIDTH}px) {{
  .st-key-{WIDE} {{ display: none !important; }}
  .st-key-{FIGURES} [data-testid="stHorizontalBlock"] {{ flex-flow: row wrap !important; gap: 0.5rem 1rem; }}
  .st-key-{FIGURES} [data-testid="stColumn"] {{ flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; }}
  .st-key-{FIGURES} [data-testid="stMetricValue"] {{ font-size: 1.3rem !important; }}
}}
.st-key-{FIGURES} [data-testid="stMetricValue"] {{ font-size: 1.45rem; }}
@media (min-width: {PHONE_WIDTH + 1}px) {{ .st-key-{CARDS} {{ display: none !important; }} }}
.pb-card {{ font-size: 0.92em; line-height: 1.45; overflow-wrap: anywhere; }}
.pb-card ul {{ list-style: none; padding: 0; margin: 4px 0; }}
.pb-card li {{ margin: 4px 0; }}
.pb-card .pb-why {{ display: block; color: #555; font-size: 0.9em; }}
.pb-card details summary {{ cursor: pointer; color: #2f6fd6; margin-top: 4px; }}
.pb-card .pb-bar {{ position: relative; height: 8px; background: #e6e6e6; border-radius: 4px; margin: 4px 0 2px; }}
.pb-card .pb-bar > span {{ position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; }}
.pb-card .pb-bar > i {{ position: absolute; top: -3px; bottom: -3px; width: 2px; background: #222; }}
</style>"""
_WORDS = {
    "budget": ("预算执行", "Budget"),
    "rate": ("执行率 {rate}，时间进度 {time}", "{rate} spent, {time} of the year"),
    "all": ("全部 {n} 个指标", "All {n} indicators"),
    "calm": ("没有红灯或黄灯指标。", "No red or yellow indicator."),
    "target": ("目标", "target"),
    "actual": ("实际", "actual"),
}


def _say(key: str, lang: str, **params) -> str:
    return _WORDS[key][lang == "en"].format(**params)


def _card_line(i: IndicatorStatus, lang: str, full: bool) -> str:
    """One indicator in a card: its light, name, and the reason in one sentence (with target and actual when full)."""
    why = i.explanation_en if lang == "en" else i.explanation
    figures = ""
    if full:
        figures = (
            f"{_say('target', lang)} {escape(i.target or '—')} · {_say('actual', lang)} {escape(_actual(i, lang))}<br>"
        )
    return (
        f'<li class="pb-card-indicator" data-status="{i.status}">{light(i.status, lang)} {escape(i.name)}'
        f'<span class="pb-why">{figures}{escape(why)}</span></li>'
    )


def card_html(p: ProjectStatus, lang: str, open_all: bool = False) -> str:
    """One project on a phone: its light, budget execution against time progress, its red and yellow
    indicators with their reasons, and every indicator behind a <details> (the name links above it).

    ``open_all`` (the project page): every indicator shown open, without the red and yellow list first."""
    rate, time = p.execution_rate, p.time_progress
    fill = min(100.0, (rate or 0) * 100)
    bar = (
        f'<div class="pb-bar"><span style="width:{num(fill)}%;background:{COLOURS[p.budget_status]}"></span>'
        f'<i style="left:{num(min(100.0, time * 100))}%"></i></div>'
    )
    budget_why = p.budget_explanation_en if lang == "en" else p.budget_explanation
    flagged = [i for i in p.indicators if i.status in ("red", "yellow")]
    flags = "".join(_card_line(i, lang, False) for i in flagged) or f"<li>{_say('calm', lang)}</li>"
    every = "".join(_card_line(i, lang, True) for i in p.indicators)
    return (
        f'<div class="pb-card" data-project="{escape(p.name)}" data-status="{p.status}">'
        f"<div>{light(p.status, lang)} · {_say('budget', lang)} {light(p.budget_status, lang, budget_why)}</div>"
        f"{bar}<div>{escape(_say('rate', lang, rate=share(rate), time=share(time)))}</div>"
        f"{'' if open_all else '<ul class=pb-card-flags>' + flags + '</ul>'}"
        f"<details{' open' if open_all else ''}><summary>{_say('all', lang, n=len(p.indicators))}</summary>"
        f'<ul class="pb-card-all">{every}</ul></details></div>'
    )
