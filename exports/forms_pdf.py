"""The forms as PDF with an embedded CJK font (Noto Sans CJK SC from Debian's fonts-noto-cjk), page numbers,
each project starting on a new page."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from metrics.forms import MISSING_MARK, ProjectForm, budget_light_text, fund_rows, projected_head

FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
]
WIDTHS = (18, 18, 34, 28, 28, 13, 13, 34)  # mm, 186 in all on A4 with 12 mm margins
MAX_CELL_CHARS = 900  # a longer text cannot fit one page: the PDF shortens it, the XLSX keeps it whole


class FontMissing(RuntimeError):
    """No CJK font to embed: install Debian's fonts-noto-cjk."""


def find_font() -> tuple[str, int]:
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise FontMissing("PDF 导出需要中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）")


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页，共 {{nb}} 页", align="C")


def _new_pdf() -> _Pdf:
    path, index = find_font()
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", path, collection_font_number=index)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    return pdf


def _title(pdf: _Pdf, form: ProjectForm, title: str, period: str) -> None:
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, period, align="C", new_x="LMARGIN", new_y="NEXT")


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _table(pdf: _Pdf, rows: list[list[tuple[str, int]]], heads: set[int] = frozenset()) -> None:
    """Rows of (text, colspan) cells over the eight columns; rows in ``heads`` are shaded."""
    grey = FontFace(fill_color=(242, 242, 242))
    red = FontFace(color=(192, 0, 0), fill_color=(255, 242, 204))
    with pdf.table(
        col_widths=WIDTHS, line_height=5, text_align="LEFT", first_row_as_headings=False, borders_layout="ALL"
    ) as table:
        for k, cells in enumerate(rows):
            row = table.row()
            for text, span in cells:
                style = red if text.startswith(MISSING_MARK) else (grey if k in heads else None)
                row.cell(_fit(text), colspan=span, style=style)


def _fit(text: str) -> str:
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32)  # no control characters
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + "……（全文见 XLSX）"


def _header_rows(form: ProjectForm) -> list[list[tuple[str, int]]]:
    return [
        [("项目名称", 2), (form.name, 6)],
        [("主管部门", 2), (form.supervisor, 2), ("实施单位", 1), (form.unit, 3)],
    ]


def _singles(*texts: str) -> list[tuple[str, int]]:
    """A table row of one-column cells."""
    return [(text, 1) for text in texts]


def _grouped(form: ProjectForm, scored: bool) -> list[tuple[str, str]]:
    """一级 and 二级 labels printed on the first row of their group only."""
    points: dict[str, float] = {}
    for i in form.indicators:
        points[i.level1] = points.get(i.level1, 0) + i.weight
    out, last1, last2 = [], None, None
    for i in form.indicators:
        l1 = (f"{i.level1}（{points[i.level1]:g}分）" if scored else i.level1) if i.level1 != last1 else ""
        l2 = i.level2 if (i.level1, i.level2) != last2 else ""
        out.append((l1, l2))
        last1, last2 = i.level1, (i.level1, i.level2)
    return out


def _notes(pdf: _Pdf, texts: list[str]) -> None:
    """Warnings under the table, in red: a gap in the form is said, never hidden."""
    texts = [t for t in texts if t]
    if texts:
        pdf.ln(2)
        pdf.set_text_color(192, 0, 0)
        pdf.multi_cell(0, 5, "注：" + "；".join(texts))
        pdf.set_text_color(0, 0, 0)


def _remarks(pdf: _Pdf, texts: list[str]) -> None:
    """备注 under the table: the plan's own targets (计划内目标), reported but not scored."""
    for text in texts:
        pdf.ln(1)
        pdf.multi_cell(0, 5, "备注：" + text)


def selfeval_pdf(forms: list[ProjectForm], title: str, notes: dict[str, str] | None = None) -> bytes:
    pdf = _new_pdf()
    for form in forms:
        _title(pdf, form, title, f"（{form.year}年度）")
        pdf.set_font("cjk", size=8)
        rows = _header_rows(form)
        rows += [
            [
                ("项目资金（元）", 2),
                ("年初预算数", 1),
                ("全年预算数", 1),
                ("全年执行数", 1),
                ("分值", 1),
                ("执行率", 1),
                ("得分", 1),
            ],
            *[
                [
                    (f.label, 2),
                    (_money(f.start), 1),
                    (_money(f.full), 1),
                    (_money(f.executed), 1),
                    (f"{form.budget_weight:g}" if f.total else "—", 1),
                    (f"{form.execution_rate:.2%}" if f.total else "—", 1),
                    (f"{form.budget_score:.2f}" if f.total else "—", 1),
                ]
                for f in fund_rows(form)
            ],
            [("年度总体目标", 2), ("预期目标", 3), ("实际完成情况", 3)],
            [("", 2), (form.goals or "—", 3), (form.summary or "—", 3)],
            [
                ("一级指标", 1),
                ("二级指标", 1),
                ("三级指标", 1),
                ("年度指标值", 1),
                ("实际完成值", 1),
                ("分值", 1),
                ("得分", 1),
                ("偏差原因分析及改进措施", 1),
            ],
        ]
        heads = {2, 7, 9}
        for (l1, l2), i in zip(_grouped(form, True), form.indicators, strict=True):
            rows.append(
                _singles(l1, l2, i.level3, i.target, i.actual, f"{i.weight:.2f}", f"{i.score:.2f}", i.deviation)
            )
        rows.append(
            [
                ("总分", 5),
                (f"{form.total_weight:.2f}", 1),
                (f"{form.total_score:.2f}", 1),
                (f"自评等级：{form.grade}", 1),
            ]
        )
        _table(pdf, rows, heads)
        _remarks(pdf, form.notes)
        _notes(pdf, [(notes or {}).get(form.name, ""), *form.warnings])
    return bytes(pdf.output())


def monitor_pdf(forms: list[ProjectForm], title: str) -> bytes:
    pdf = _new_pdf()
    for form in forms:
        n = form.months
        _title(pdf, form, title, f"（{form.year}年1–{n}月）")
        pdf.set_font("cjk", size=8)
        rows = _header_rows(form)
        rows += [
            [
                ("项目资金（元）", 2),
                ("年初预算数", 1),
                ("全年预算数", 1),
                (f"1–{n}月执行数", 1),
                (f"1–{n}月执行率", 1),
                (projected_head(form), 2),
            ],
            [
                ("", 2),
                (_money(form.budget_start), 1),
                (_money(form.budget_full), 1),
                (_money(form.executed), 1),
                (f"{form.execution_rate:.2%}", 1),
                (_money(form.projected), 2),
            ],
            [("预算执行灯", 2), (budget_light_text(form), 6)],
            [
                ("一级指标", 1),
                ("二级指标", 1),
                ("三级指标", 1),
                ("年度指标值", 1),
                (f"1–{n}月执行情况", 1),
                ("全年预计完成情况", 1),
                ("完成目标可能性", 1),
                ("偏差原因分析及备注", 1),
            ],
        ]
        for (l1, l2), i in zip(_grouped(form, False), form.indicators, strict=True):
            note = "；".join(t for t in (i.deviation, i.note) if t)
            rows.append(_singles(l1, l2, i.level3, i.target, i.actual, i.projection, i.likelihood, note))
        _table(pdf, rows, {2, 5})
        _remarks(pdf, form.notes)
        _notes(pdf, form.warnings)
    return bytes(pdf.output())
