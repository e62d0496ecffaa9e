"""The PDF forms' two fast paths: each file's font program assembled from the batch font split once
(exports/pdf_font.py), and the table drawn directly with the geometry of fpdf2's ``table()`` (exports/pdf_table.py)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace

import pytest
from fontTools.cffLib import CFFFontSet
from fpdf.fonts import FontFace

from exports import forms_pdf, pdf_font
from exports.pdf_table import TableCell, layout, split_before
from metrics.forms import FormIndicator, ProjectForm

needs_font = pytest.mark.skipif(
    not any(forms_pdf.Path(p).is_file() for p, _ in forms_pdf.FONT_CANDIDATES), reason="no CJK font"
)


@needs_font
def test_a_files_font_keeps_its_glyphs_and_empties_the_others():
    font = forms_pdf.prepare_font("参观人数同比下降")
    assert font.cff is not None  # Noto Sans CJK: CID-keyed CFF outlines
    batch = CFFFontSet()
    batch.decompile(io.BytesIO(font.cff.prefix + pdf_font._index(font.cff.charstrings)), None)
    used = {5, 7}  # two glyph ids of the batch font (it has ~100: these characters, the footer's and ASCII)
    program = font.cff.program(used, [1, -120, 990, 880])
    parsed = CFFFontSet()
    parsed.decompile(io.BytesIO(program), None)
    top, whole = parsed.topDictIndex[0], batch.topDictIndex[0]
    assert top.charset == whole.charset  # every glyph keeps its id and CID: the file's encoding is the batch's
    assert list(top.FDSelect) == list(whole.FDSelect)
    assert [fd.Private.rawDict for fd in top.FDArray] == [fd.Private.rawDict for fd in whole.FDArray]
    for gid, name in enumerate(top.charset):
        kept = gid in used or gid == 0  # .notdef always kept
        expected = whole.CharStrings[name].bytecode if kept else pdf_font.EMPTY_GLYPH
        assert top.CharStrings[name].bytecode == expected, name
    assert top.FontBBox == [1, -120, 990, 880]
    # the box in three-byte operands (4 × 3 bytes): FreeType reads five-byte ones there as 16.16 fixed point
    (top_dict,), _ = pdf_font._read_index(program, pdf_font._read_index(program, program[2])[1])
    assert [len(raw) for op, _, raw in pdf_font._parse_dict(top_dict) if op == pdf_font.FONTBBOX] == [12]


def test_rows_under_a_merged_cell_are_padded_to_fit_it():
    line = 5.0
    rows = [
        [TableCell(("a",) * 5, 0, rowspan=2), TableCell(("b",), 1)],  # a: 5 lines over two rows
        [TableCell(("c", "c"), 1)],
        [TableCell((), 0), TableCell(("d",), 1)],  # an empty cell: the row keeps the line height
    ]
    plan = layout(rows, line)
    # own needs: row 0 one line (5 mm), row 1 two lines (10 mm); the merged cell needs 25 mm over both rows:
    # 25 − 15 = 10 mm shared out, 5 mm each → 10 and 15 mm
    assert plan.heights == [10.0, 15.0, 5.0]
    assert plan.merged[0] == [0.0, 10.0, 25.0]
    assert plan.keep == [25.0, 15.0, 5.0]  # row 0 comes with row 1 onto a page, never without it


def _fpdf2_table(pdf, rows, heads):
    """The forms' table as fpdf2's own ``table()`` draws it (exports/forms_pdf.py before pdf_table)."""
    covered: dict[int, int] = {}
    with pdf.table(
        col_widths=forms_pdf.WIDTHS, line_height=5, text_align="LEFT", first_row_as_headings=False, borders_layout="ALL"
    ) as table:
        for k, cells in enumerate(rows):
            row, col = table.row(), 0
            for text, span, *down in cells:
                while covered.get(col, 0) > 0:
                    col += 1
                rowspan = down[0] if down else 1
                size, lines = forms_pdf._cell_font(pdf, forms_pdf._fit(text), sum(forms_pdf.WIDTHS[col : col + span]))
                fill, color = forms_pdf._colors(text, k in heads)
                style = None
                if fill or color or size != forms_pdf.FONT_SIZE:
                    style = FontFace(
                        color=color, fill_color=fill, size_pt=size if size != forms_pdf.FONT_SIZE else None
                    )
                row.cell(lines, colspan=span, rowspan=rowspan, style=style)
                for c in range(col, col + span):
                    covered[c] = rowspan
                col += span
            covered = {c: n - 1 for c, n in covered.items() if n > 1}


@needs_font
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="no poppler")
def test_the_direct_table_looks_like_fpdf2s_table(tmp_path):
    rows = [
        [("项目名称", 2), ("参观人数同比下降的项目，名称很长很长很长很长很长很长很长很长很长很长很长很长很长", 6)],
        [
            ("一级指标", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("年度指标值", 1),
            ("实际", 1),
            ("分值", 1),
            ("得分", 1),
            ("偏差", 1),
        ],
        [("产出指标（50分）", 1, 3), ("数量", 1, 2), ("参观人数", 1), ("≥10,000人次", 1), ("1,234,567,890.12", 1)]
        + [("18.75", 1), ("18.75", 1), (forms_pdf.MISSING_MARK + "偏差原因", 1)],
        [("人数", 1), ("≥48期", 1), ("全年完成50期\n达到目标", 1), ("6.25", 1), ("6.25", 1), ("", 1)],
        [
            ("质量", 1),
            ("合格率", 1),
            ("=100%", 1),
            ("100%", 1),
            ("12.5", 1),
            ("12.5", 1),
            ("https://example.gov.cn/a/b/c/d/e", 1),
        ],
    ]
    rendered = []
    for draw in (_fpdf2_table, forms_pdf._table):
        pdf = forms_pdf._new_pdf(forms_pdf.prepare_font("".join(t for row in rows for t, *_ in row)))
        pdf.add_page()
        pdf.set_font("cjk", size=8)
        draw(pdf, rows, {1})
        root = tmp_path / draw.__name__
        subprocess.run(
            ["pdftoppm", "-r", "60", "-gray", "-singlefile", "-", str(root)], input=bytes(pdf.output()), check=True
        )
        png = root.with_suffix(".pgm").read_bytes()
        rendered.append(png)
    assert rendered[0] == rendered[1]  # the same pixels at 60 dpi


def test_a_merged_cell_cut_before_a_row_continues_from_it_with_its_text():
    rows = [
        [TableCell(("产出指标",), 0, rowspan=4), TableCell(("a",), 1)],
        [TableCell(("b",), 1)],
        [TableCell(("c",), 1)],
        [TableCell(("d",), 1)],
    ]
    cut = split_before(rows, 2)
    # 产出指标 spanned rows 0–3: now rows 0–1, and again from row 2 over rows 2–3, first in its row (column 0)
    assert cut[0][0] == TableCell(("产出指标",), 0, rowspan=2)
    assert cut[2] == [TableCell(("产出指标",), 0, rowspan=2), TableCell(("c",), 1)]
    assert cut[1] == rows[1] and cut[3] == rows[3]


@needs_font
def test_a_level_with_more_indicators_than_a_page_holds_is_continued_on_the_next_pages(tmp_path):
    indicator = FormIndicator(
        "产出指标",
        "数量指标",
        "完成第{}项工作，名称长到要写两三行的三级指标",
        ">=48期",
        "全年完成50期，达到年度目标",
        1.0,
        1.0,
        "",
        "green",
    )
    form = ProjectForm(
        2020,
        12,
        "很大的项目",
        "单位",
        "主管",
        100,
        100,
        90,
        0.9,
        10,
        9,
        indicators=[replace(indicator, level3=indicator.level3.format(k)) for k in range(40)],
    )
    path = tmp_path / "form.pdf"
    path.write_bytes(forms_pdf.selfeval_pdf([form], "2020年项目支出绩效自评表"))  # fpdf2's table refused it
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3  # 40 indicators of three lines each: about 15 to a page
    assert all("产出指标" in p and "数量指标" in p for p in pages)  # each page the block reaches names its level
    assert all(f"完成第{k}项" in "".join(pages) for k in range(40))
