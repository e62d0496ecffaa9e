"""Plain-text tables that line up Chinese text (a CJK character takes two columns)."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > limit - 1:
            return out + "…"
        out += ch
    return out


def render(header: list[str], rows: list[list[str]], max_width: int = 40, empty: str | None = None) -> str:
    """Columns padded to the widest cell (cells clipped at ``max_width``).

    No rows: a sentence instead of a bare header (``empty``, else 没有数据 / no data by the header's language)."""
    if not rows:
        if empty is not None:
            return empty
        return "没有数据" if any(width(h) > len(h) for h in header) else "no data"
    cells = [[clip(str(c), max_width) for c in row] for row in [header, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for k, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(row)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
