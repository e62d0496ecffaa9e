"""A fixed-layout table drawn straight into an fpdf2 page: the forms' grid of bordered cells (docs/domain.md §5–6).

fpdf2's ``FPDF.table()`` lays out any table: per cell it builds a text line object, measures every character twice
(once to size the rows, once to draw) and resolves styles — half the time of a form. The forms' tables are
simpler: fixed columns, text already wrapped to its column (``forms_pdf._wrap``), one font. This module draws them
with the same geometry as ``FPDF.table(borders_layout="ALL", v_align=MIDDLE, text_align="LEFT")`` (fpdf/table.py:
row heights from the text, rows under a merged cell padded to fit it, a page break before a row, or a block of rows
joined by a merged cell, that does not fit; a block taller than a page is continued on the next, its merged labels
repeated, where fpdf2 refuses it) and the same PDF operators per cell (a rectangle, then a text object
per line), so the pages look the same and their text is read back the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from fpdf import FPDF
from fpdf.util import escape_parens

Color = tuple[int, int, int]


@dataclass(frozen=True)
class TableCell:
    """One cell: its lines (already wrapped), the column it starts at, how many columns and rows it spans, its font
    size (pt) and colours (None: no fill, black text)."""

    lines: tuple[str, ...]
    col: int
    span: int = 1
    rowspan: int = 1
    size: float = 8.0
    fill: Color | None = None
    color: Color | None = None


def cell_lines(text: str) -> tuple[str, ...]:
    """The lines fpdf2's ``multi_cell`` prints for text already wrapped: one per line break, a final break ignored."""
    if not text:
        return ()
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return tuple(lines)


def _rgb(color: Color) -> str:
    return " ".join(f"{c / 255:.3f}" for c in color) + " rg"


@dataclass
class _Layout:
    heights: list[float]  # each row's height
    merged: list[list[float]]  # per row: the height of 0, 1, 2… rows from it (a merged cell's height)
    keep: list[float]  # per row: the height that must fit on the page with it (rows joined by merged cells)


def layout(rows: Sequence[Sequence[TableCell]], line_height: float) -> _Layout:
    """Row heights as fpdf2's ``Table._compute_rows_info`` finds them (no gutter, no padding, no images)."""
    needed: list[float] = []
    spans: list[tuple[int, int, float]] = []  # (first row, rows, text height) of each merged cell, in drawing order
    for i, cells in enumerate(rows):
        own = [len(c.lines) * line_height for c in cells if c.rowspan == 1]
        spans += [(i, c.rowspan, len(c.lines) * line_height) for c in cells if c.rowspan > 1]
        needed.append((max(own) if own else 0) or line_height)
    padding = [0.0] * len(rows)
    for first, length, contents in sorted(spans, key=lambda s: s[1]):  # the shortest merged cells first
        covered = range(first, first + length)
        assigned = sum(needed[i] for i in covered)
        assigned_padding = sum(padding[i] for i in covered)
        widest = max(padding[i] for i in covered)
        if assigned + assigned_padding < contents:
            if contents > assigned + length * widest:  # every row padded the same
                for i in covered:
                    padding[i] = (contents - assigned) / length
            else:
                extra = contents - assigned - assigned_padding
                for i in covered:
                    padding[i] += extra / length
    heights = [h + p for h, p in zip(needed, padding, strict=True)]
    reach = [max([c.rowspan for c in cells] or [1]) for cells in rows]
    merged, keep = [], []
    for i in range(len(rows)):
        sizes = [0.0, heights[i]]
        for j in range(i + 1, i + reach[i]):
            sizes.append(sizes[-1] + heights[j])
        merged.append(sizes)
        total, last, j = heights[i], i + reach[i], i + 1
        while j < last:
            last = max(last, j + reach[j])
            total += heights[j]
            j += 1
        keep.append(total)
    return _Layout(heights, merged, keep)


def draw_table(pdf: FPDF, rows: Sequence[Sequence[TableCell]], widths: Sequence[float], line_height: float) -> None:
    """Draw ``rows`` from the current position across the page's width, ``widths`` in proportion; leaves the
    position under the table at the left margin."""
    k, font, margin = pdf.k, pdf.current_font, pdf.c_margin
    pick, font_ref = font.subset.pick, f"/F{font.i}"
    total, width = sum(widths), pdf.epw
    col_x = [pdf.l_margin]
    for w in widths:
        col_x.append(col_x[-1] + w / total * width)
    rows = list(rows)
    plan = layout(rows, line_height)
    glyphs: dict[str, str] = {}  # character → its code in the font, as a character ("" when the font lacks it)
    i = 0
    while i < len(rows):
        if pdf.will_page_break(plan.keep[i]):
            if plan.keep[i] <= pdf.h - pdf.t_margin - pdf.b_margin:
                pdf._perform_page_break()  # as the table does: footer, new page, the font set again
            else:  # merged cells taller than any page: fill this one, continue on the next
                rows, plan = _fill_page(pdf, rows, i, line_height)
        cells = rows[i]
        y = pdf.y
        out = []
        if not pdf.current_font_is_set_on_page:  # the font named on this page (and listed in its resources)
            out.append(pdf._set_font_for_page(font, pdf.font_size_pt))
        for cell in cells:
            x1 = col_x[cell.col]
            w = sum(widths[c] / total * width for c in range(cell.col, cell.col + cell.span))
            h = plan.merged[i][cell.rowspan]
            top, bottom = (pdf.h - y) * k, (pdf.h - y - h) * k
            box = f"{x1 * k:.2f} {bottom:.2f} {w * k:.2f} {top - bottom:.2f} re"
            out.append(f"q {_rgb(cell.fill)} {box} B Q" if cell.fill else f"{box} S")
            if not cell.lines:
                continue
            line_top = y + (h - len(cell.lines) * line_height) / 2
            size = cell.size / k
            text = []
            for n, line in enumerate(cell.lines):
                for char in set(line).difference(glyphs):  # each character's code, its glyph marked as used
                    code = pick(ord(char))
                    glyphs[char] = chr(code) if code else ""
                codes = "".join(map(glyphs.__getitem__, line))
                if codes:
                    baseline = (pdf.h - (line_top + n * line_height) - 0.5 * line_height - 0.3 * size) * k
                    escaped = escape_parens(codes.encode("utf-16-be").decode("latin-1"))
                    text.append(f"BT {(x1 + margin) * k:.2f} {baseline:.2f} Td ({escaped}) Tj ET")
            if text and (cell.color or cell.size != pdf.font_size_pt):
                state = (_rgb(cell.color) + " " if cell.color else "") + f"BT {font_ref} {cell.size:.2f} Tf ET"
                text = [f"q {state}", *text, "Q"]
            out += text
        pdf._out("\n".join(out))
        pdf.y = y + plan.heights[i]
        i += 1
    pdf.x = pdf.l_margin


def _fill_page(
    pdf: FPDF, rows: list[list[TableCell]], first: int, line_height: float
) -> tuple[list[list[TableCell]], _Layout]:
    """The rows cut so that the block from row ``first`` fills the page from here; on a new page when not even its
    first row fits here. A single row taller than a page cannot be cut: ValueError, as fpdf2's table raises."""
    whole, plan, before, new_page = rows, layout(rows, line_height), len(rows), False
    while pdf.will_page_break(plan.keep[first]):
        cut = _rows_that_fit(plan.heights, first, pdf.h - pdf.b_margin - pdf.y, before)
        if cut > first:
            rows, before = split_before(rows, cut), cut
        elif new_page:
            raise ValueError(f"The row with index {first} is too high and cannot be rendered on a single page")
        else:
            pdf._perform_page_break()
            rows, before, new_page = whole, len(whole), True
        plan = layout(rows, line_height)
    return rows, plan


def _rows_that_fit(heights: list[float], first: int, room: float, before: int) -> int:
    """Where to cut a block of rows: after as many rows from ``first`` as fit in ``room``, and before the last cut
    tried (a cut can pad the rows above it, so each try cuts earlier); ``first`` when not one row fits."""
    end, used = first, 0.0
    while end < before - 1 and used + heights[end] <= room:
        used += heights[end]
        end += 1
    return end


def split_before(rows: Sequence[Sequence[TableCell]], cut: int) -> list[list[TableCell]]:
    """The rows with every cell that spans across row ``cut`` ended above it and continued from it, its text
    repeated: a 一级/二级 label merged over more rows than a page holds heads each page it reaches, as a printed
    form continued over pages does."""
    out = [list(cells) for cells in rows]
    continued = []
    for start in range(cut):
        for k, cell in enumerate(out[start]):
            if start + cell.rowspan > cut:
                out[start][k] = replace(cell, rowspan=cut - start)
                continued.append(replace(cell, rowspan=start + cell.rowspan - cut))
    out[cut] = sorted([*continued, *out[cut]], key=lambda c: c.col)
    return out
