"""The forms as PDF with an embedded CJK font (Noto Sans CJK SC from Debian's fonts-noto-cjk), page numbers,
each project starting on a new page (docs/domain.md §5–6).

A batch of forms is fast because the work that does not depend on one form is done once:

- the CJK font (19 MB, 65,000 glyphs) is cut once per batch down to the characters the batch prints
  (``prepare_font``, kept per process), and fpdf2 parses that small font once per batch (``_Pdf.add_font``);
- every file of the batch gives a glyph the same code (its place in the batch's font), so the pages drawn for
  a project's own file are copied as they are into the combined file (one font there, pages numbered through)
  instead of being laid out a second time;
- each file still embeds only the glyphs it uses, but its font program is assembled from the batch font's parts
  split once (``exports.pdf_font``, written by ``_BatchFontOutput``) instead of fpdf2 subsetting the font again
  for every file;
- the table is drawn by ``exports.pdf_table`` with the geometry of fpdf2's ``table()`` but none of its general
  layout machinery (the same pages, pixel for pixel).

Together: about 17 ms of CPU per form in a batch of 2,000 on the development machine (from 120 ms).

The indicator table merges each 一级 and 二级 label down its group (a cell spanning the rows, as the XLSX merges its
ranges), and a figure never breaks across lines: each cell's text is wrapped here at spaces and between CJK characters
only (``_wrap``), and a cell whose figure is wider than the column prints in a smaller font (``_cell_font``).
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.misc.arrayTools import intRect, unionRect
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFFontStream, _build_cmap_blocks, _cid_font_widths
from fpdf.syntax import Name, PDFArray, PDFContentStream, PDFString, Raw

from exports.pdf_font import SparseCff
from exports.pdf_table import TableCell, cell_lines, draw_table
from metrics.forms import (
    MISSING_MARK,
    ProjectForm,
    budget_light_text,
    completion_cell,
    fund_rows,
    projected_head,
    summary_cell,
)

FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
]
WIDTHS = (18, 18, 28, 28, 36, 13, 13, 32)  # mm, 186 in all on A4 with 12 mm margins
MAX_CELL_CHARS = 900  # a longer text cannot fit one page: the PDF shortens it, the XLSX keeps it whole
CUT_SUFFIX = "……（全文见 XLSX）"
# Characters the page itself prints whatever the data: the footer with its numbers, and plain ASCII.
PAGE_CHARS = "第页，共" + "".join(chr(c) for c in range(32, 127))
# Tables fpdf2 drops from the font it embeds anyway (fpdf/output.py); dropped here once for the batch.
DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT"]
DROPPED_TABLES += ["EBLC", "EBSC", "SVG ", "CPAL", "COLR"]


LOGGER = logging.getLogger(__name__)


class FontMissing(RuntimeError):
    """No CJK font to embed: install Debian's fonts-noto-cjk."""


def find_font() -> tuple[str, int]:
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise FontMissing("PDF 导出需要中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）")


# ---------------------------------------------------------------------------------------------------------------
# The font, prepared once per batch


class _SharedSubset(SubsetMap):
    """fpdf2's map of the glyphs a document uses, with each glyph's code fixed for the whole batch.

    fpdf2 numbers glyphs in the order a document first uses them; here a glyph's code is its place in the
    batch's font (``PreparedFont.codes``), so a page drawn for one file is valid in the combined file.
    """

    def __init__(self, font, codes: dict[str, int]) -> None:
        self._codes = codes
        super().__init__(font)

    def pick_glyph(self, glyph):
        if glyph is None:
            return None
        code = self._char_id_per_glyph.get(glyph)
        if code is None:
            code = self._char_id_per_glyph[glyph] = self._codes[glyph.glyph_name]
        return code


@dataclass(eq=False)
class PreparedFont:
    """The CJK font cut down to the characters of a batch (a small OpenType file in a temporary folder)."""

    path: Path
    chars: frozenset[str]
    codes: dict[str, int]  # glyph name → its code in every file of the batch
    bounds: dict[str, tuple] | None  # CFF outlines: each glyph's box, measured once for the batch
    cff: SparseCff | None = None  # CID-keyed CFF outlines: the parts each file's font program is made of
    folder: tempfile.TemporaryDirectory | None = None  # removed with the last reference to this object


def prepare_font(chars: Iterable[str]) -> PreparedFont:
    """The font for a batch printing ``chars``: cut once, kept for the next batch with the same characters."""
    return _prepared(frozenset(chars) | frozenset(PAGE_CHARS))


@lru_cache(maxsize=2)
def _prepared(chars: frozenset[str]) -> PreparedFont:
    source, index = find_font()
    font = TTFont(source, fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    cmap = font.getBestCmap()
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, desubroutinize=True)
    options.drop_tables += DROPPED_TABLES
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars if ord(c) in cmap))
    subsetter.subset(font)
    folder = tempfile.TemporaryDirectory(prefix="perfboard_font_")
    path = Path(folder.name) / "batch.otf"
    font.save(path)  # the full font's bounding box kept (recalcBBoxes=False): the same font header as before
    font.close()
    codes, bounds = _codes_and_bounds(path)
    try:
        cff = SparseCff.from_font(path) if bounds is not None else None
    except ValueError:  # not CID-keyed: fpdf2 subsets it per file
        cff = None
    return PreparedFont(path, chars, codes, bounds, cff, folder=folder)


def _codes_and_bounds(path: Path) -> tuple[dict[str, int], dict[str, tuple] | None]:
    """Each glyph's code (its place in the font, 0 and 32 left to .notdef and space as fpdf2 keeps them), and for
    CFF outlines each glyph's box (None for TrueType outlines, whose boxes are stored in the font)."""
    font = TTFont(path, lazy=True)
    try:
        order = font.getGlyphOrder()
        codes = {name: k if k < 0x20 else k + 1 for k, name in enumerate(order)}
        if "CFF " not in font:
            return codes, None
        glyphs = font["CFF "].cff.topDictIndex[0].CharStrings
        return codes, {name: glyphs[name].calcBounds(glyphs) for name in order}
    finally:
        font.close()


def _box(font: PreparedFont, embedded: TTFFont) -> list[int] | None:
    """The union of the boxes of the glyphs a file uses (.notdef included): the font box fontTools would find."""
    if font.bounds is None:
        return None
    names = {".notdef", *embedded.subset.get_all_glyph_names()}
    boxes = [font.bounds[n] for n in names if font.bounds.get(n) is not None]
    return list(intRect(functools.reduce(unionRect, boxes))) if boxes else None


def _output(pdf: FPDF, font: PreparedFont) -> bytes:
    """The finished PDF, its font's box set from the glyphs it uses.

    With the batch font split (``font.cff``), the file's font program is assembled from its parts
    (``_BatchFontOutput``); otherwise fpdf2 subsets the font, told the box so that fontTools does not measure every
    glyph again (a third of the time of a file). The box is the one fontTools would find, so a viewer renders the
    glyphs exactly as before.
    """
    embedded = pdf.fonts["cjk"]
    if font.cff is not None:
        return bytes(pdf.output(output_producer_class=_BatchFontOutput))
    box = _box(font, embedded)
    if box:
        embedded.ttfont.recalcBBoxes = False
        embedded.ttfont["CFF "].cff.topDictIndex[0].FontBBox = box
        head = embedded.ttfont["head"]
        head.xMin, head.yMin, head.xMax, head.yMax = box
    return bytes(pdf.output())


class _BatchFontOutput(OutputProducer):
    """fpdf2's output with the CJK font written from the batch's parts: the same PDF objects fpdf2 writes for a
    CID-keyed CFF font (fpdf/output.py ``_add_fonts``), the font program from ``PreparedFont.cff``."""

    def _add_fonts(self, *args):
        font: PreparedFont = self.fpdf.prepared
        embedded: TTFFont = self.fpdf.fonts["cjk"]
        used = [(glyph, code) for glyph, code in embedded.subset.items() if glyph is not None]
        if embedded.missing_glyphs:  # as fpdf2 says it
            missing = ", ".join(repr(chr(c)) for c in embedded.missing_glyphs[:10])
            LOGGER.warning("Font %s is missing the following glyphs: %s", embedded.name, missing)
        cids = {code: _cid(glyph) for glyph, code in used}
        name = f"MPDFAA+{embedded.name}"
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        widths = _cid_font_widths({cids[code]: glyph.glyph_width for glyph, code in used})
        cid_font = PDFFont(subtype="CIDFontType0", base_font=name, d_w=embedded.desc.missing_width, w=widths)
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        bfchar = [
            f"<{code:04X}> <{glyph.unicode and ''.join(map(chr, glyph.unicode)).encode('utf-16-be').hex().upper()}>\n"
            for glyph, code in used
            if isinstance(glyph.unicode, tuple) and glyph.unicode
        ]
        to_unicode = PDFContentStream(_cmap("Adobe", "UCS", 0, "Adobe-Identity-UCS", bfchar, "bfchar"))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        registry, ordering, supplement = embedded.cff_ros or ("Adobe", "Identity", 0)
        cmap_name = f"{registry}-{ordering}-UCS"
        cidchar = [f"<{code:04X}> {cid}\n" for code, cid in sorted(cids.items())]
        encoding = PDFContentStream(_cmap(registry, ordering, supplement, cmap_name, cidchar, "cidchar"))
        encoding.type = Name("CMap")
        encoding.c_map_name = Name(cmap_name)
        encoding.c_i_d_system_info = Raw(
            f"<< /Registry ({registry}) /Ordering ({ordering}) /Supplement {supplement} >>"
        )
        self._add_pdf_obj(encoding, "fonts")
        composite.encoding = encoding
        system_info = CIDSystemInfo()
        system_info.registry = PDFString(registry, encrypt=True)
        system_info.ordering = PDFString(ordering, encrypt=True)
        system_info.supplement = supplement
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = embedded.desc
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        gids = {glyph.glyph_id for glyph, _ in used}
        program = PDFFontStream(contents=font.cff.program(gids, _box(font, embedded)))
        program.subtype = Name("CIDFontType0C")
        self._add_pdf_obj(program, "fonts")
        descriptor.font_file3 = program
        embedded.subset.pick.cache_clear()  # as fpdf2 does after writing a font (not closing it: the batch shares it)
        embedded.subset.get_glyph.cache_clear()
        return {embedded.i: composite}


def _cid(glyph) -> int:
    """A glyph's CID: from its name in a CID-keyed font (cid01234), else its glyph id (as fpdf2 does)."""
    name = glyph.glyph_name
    return int(name[3:]) if name.startswith("cid") and name[3:].isdigit() else glyph.glyph_id


def _cmap(registry: str, ordering: str, supplement: int, name: str, entries: list[str], operator: str) -> bytes:
    """A CMap stream as fpdf2 writes it (a block per 100 entries)."""
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
        f"<</Registry ({registry})\n/Ordering ({ordering})\n/Supplement {supplement}\n>> def\n"
        f"/CMapName /{name} def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{_build_cmap_blocks(entries, operator)}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("latin-1")


# ---------------------------------------------------------------------------------------------------------------
# One form's content, then drawing it


Cell = tuple[str, int] | tuple[str, int, int]  # (text, columns spanned[, rows spanned])
Rows = list[list[Cell]]
FONT_SIZE = 8  # pt, the table's text
LINE_HEIGHT = 5  # mm, a line of a cell
MIN_FONT_SIZE = 5  # pt: a figure is shrunk this far to stay on one line, never further
CELL_PADDING = 2.3  # mm taken from a cell's width: fpdf2's margin on both sides, and a little air
# what never breaks: a figure with its separators, sign and percent (1,234,567.80  97.5%  -92.3%), or a Latin word
# (opening punctuation stays with what follows, closing punctuation with what precedes: no line starts with "）")
UNBREAKABLE = re.compile(
    r"[（(“‘《「【]*(?:[-+−]?[0-9A-Za-z][0-9A-Za-z,.:/_%·-]*%?|\S)[，。、；：:;,.!?！？）)”’》」】%]*"
)
FIGURE = re.compile(r"[0-9][0-9,.]*%?")


@dataclass
class _Plan:
    """What one form prints, in drawing order: the characters of the batch are read from these texts."""

    title: str
    period: str
    rows: Rows
    heads: set[int]
    remarks: list[str]
    notes: list[str]

    def texts(self) -> Iterator[str]:
        yield self.title
        yield self.period
        for row in self.rows:
            for cell in row:
                yield cell[0]
        yield from self.remarks
        yield from self.notes
        yield "备注：注：；" + CUT_SUFFIX


class _Pdf(FPDF):
    keep_pages = False
    parsed: TTFFont | None = None  # the batch's font as fpdf2 parsed it for an earlier file of the batch

    def add_font(self, family: str, style: str = "", fname: str | None = None, **kwargs) -> None:
        """The batch's font: parsed by fpdf2 for the batch's first file, then shared by the next files (its widths,
        glyph ids and font file), each with a map of the glyphs it uses of its own. Parsing it again cost a file
        a fifth of its time."""
        if self.parsed is None:
            super().add_font(family, style, fname, **kwargs)
            return
        font = copy.copy(self.parsed)
        font.i, font.missing_glyphs, font.biggest_size_pt = len(self.fonts) + 1, [], 0
        self.fonts[f"{family.lower()}{style}"] = font
        self._set_min_pdf_version("1.6")  # as fpdf2 does for a CID-keyed CFF font

    def footer(self) -> None:
        if self.keep_pages:  # the page as drawn, before its number: copied into the combined file
            self.kept.append(bytes(self.pages[self.page].contents))
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页，共 {{nb}} 页", align="C")


def _new_pdf(font: PreparedFont, parsed: TTFFont | None = None) -> _Pdf:
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.prepared, pdf.parsed = font, parsed
    pdf.add_font("cjk", "", str(font.path))
    embedded = pdf.fonts["cjk"]
    embedded.subset = _SharedSubset(embedded, font.codes)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    return pdf


def _draw(pdf: _Pdf, plan: _Plan) -> None:
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.cell(0, 9, plan.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 6, plan.period, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    _table(pdf, plan.rows, plan.heads)
    _remarks(pdf, plan.remarks)
    _notes(pdf, plan.notes)


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _table(pdf: _Pdf, rows: Rows, heads: set[int] = frozenset()) -> None:
    """Rows of (text, colspan[, rowspan]) cells over the eight columns; rows in ``heads`` are shaded.

    A cell spanning rows takes its columns in the rows below, which list only their other cells. Drawn by
    ``pdf_table.draw_table`` as fpdf2's ``table()`` would draw it, without its general layout machinery."""
    covered: dict[int, int] = {}  # column → rows still taken by a cell spanning rows from above
    table: list[list[TableCell]] = []
    for k, cells in enumerate(rows):
        row, col = [], 0
        for text, span, *down in cells:
            while covered.get(col, 0) > 0:
                col += 1
            rowspan = down[0] if down else 1
            width = sum(WIDTHS[col : col + span])
            size, wrapped = _cell_font(pdf, _fit(text), width)
            fill, color = _colors(text, k in heads)
            row.append(TableCell(_lines(pdf, wrapped, width, size), col, span, rowspan, size, fill, color))
            for c in range(col, col + span):
                covered[c] = rowspan
            col += span
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
        table.append(row)
    draw_table(pdf, table, WIDTHS, LINE_HEIGHT)


def _lines(pdf: _Pdf, wrapped: str, width: float, size: float) -> tuple[str, ...]:
    """The lines a cell prints: those of ``_wrap``; a line still wider than the cell (a word longer than the column)
    is cut where fpdf2's ``multi_cell`` cuts it."""
    lines = cell_lines(wrapped)
    room = width - 2 * pdf.c_margin
    if all(_width(pdf, line, size) <= room for line in lines):
        return lines
    pdf.set_font_size(size)
    try:
        return tuple(
            pdf.multi_cell(width, LINE_HEIGHT, wrapped, max_line_height=LINE_HEIGHT, dry_run=True, output="LINES")
        )
    finally:
        pdf.set_font_size(FONT_SIZE)


def _colors(text: str, head: bool) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """Fill and text colour: red on yellow for a gap (【待补充】), grey for a header row, else none and black."""
    if text.startswith(MISSING_MARK):
        return (255, 242, 204), (192, 0, 0)
    return ((242, 242, 242) if head else None), None


def _cell_font(pdf: _Pdf, text: str, width: float) -> tuple[float, str]:
    """The font size of a cell and its text wrapped to the column: smaller only when a figure is wider than it."""
    room = width - CELL_PADDING
    size = FONT_SIZE
    widest = max((_width(pdf, m.group(), FONT_SIZE) for m in FIGURE.finditer(text)), default=0.0)
    if widest > room:
        size = max(MIN_FONT_SIZE, int(FONT_SIZE * room / widest * 4) / 4)
    return size, _wrap(pdf, text, room, size)


def _width(pdf: _Pdf, text: str, size: float) -> float:
    """The printed width of ``text`` in mm at ``size`` pt, as fpdf2's ``TTFFont.get_text_width`` finds it, without its
    per-call handling (``get_string_width``: styles, shaping), which would cost a tenth of a form's time here."""
    widths = pdf.current_font.cw  # per character, in thousandths of the size (a missing one: the default width)
    return sum(map(widths.__getitem__, map(ord, text))) * size * 0.001 / pdf.k


def _wrap(pdf: _Pdf, text: str, room: float, size: float | None = None) -> str:
    """``text`` broken into lines no wider than ``room`` (mm) at ``size`` pt (the current size by default), at spaces
    and between CJK characters, never inside a figure or a Latin word (those fpdf2 would cut where the line is
    full)."""
    size = size or pdf.font_size_pt
    out = []
    for paragraph in text.replace("\t", " ").split("\n"):
        if _width(pdf, paragraph, size) <= room:  # most cells: one line, measured once
            out.append(paragraph)
            continue
        line, used, end = "", 0.0, 0
        for m in UNBREAKABLE.finditer(paragraph):
            gap, token = paragraph[end : m.start()], m.group()
            end = m.end()
            step = _width(pdf, gap + token, size)
            if line and used + step > room:
                out.append(line)
                line, used = token, _width(pdf, token, size)
            else:
                line, used = line + gap + token, used + step
        out.append(line)
    return "\n".join(out)


def _fit(text: str) -> str:
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32)  # no control characters
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + CUT_SUFFIX


def _header_rows(form: ProjectForm) -> Rows:
    return [
        [("项目名称", 2), (form.name, 6)],
        [("主管部门", 2), (form.supervisor, 2), ("实施单位", 1), (form.unit, 3)],
    ]


def _singles(*texts: str) -> list[tuple[str, int]]:
    """A table row of one-column cells."""
    return [(text, 1) for text in texts]


def _grouped(form: ProjectForm, scored: bool) -> list[list[Cell]]:
    """Per indicator, its leading 一级 and 二级 cells: each label once, on the first row of its group, spanning the
    group's rows (the rows below list neither)."""
    points: dict[str, float] = {}
    for i in form.indicators:
        points[i.level1] = points.get(i.level1, 0) + i.weight
    keys1 = [i.level1 for i in form.indicators]
    keys2 = [(i.level1, i.level2) for i in form.indicators]
    out = []
    for k, i in enumerate(form.indicators):
        lead: list[Cell] = []
        if k == 0 or keys1[k] != keys1[k - 1]:
            label = f"{i.level1}（{points[i.level1]:g}分）" if scored else i.level1
            lead.append((label, 1, _run(keys1, k)))
        if k == 0 or keys2[k] != keys2[k - 1]:
            lead.append((i.level2, 1, _run(keys2, k)))
        out.append(lead)
    return out


def _run(keys: list, k: int) -> int:
    """How many rows from ``k`` share its key."""
    n = 1
    while k + n < len(keys) and keys[k + n] == keys[k]:
        n += 1
    return n


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


def _selfeval_plan(form: ProjectForm, title: str, note: str) -> _Plan:
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
        [("年度总体目标", 2, 2), ("预期目标", 3), ("实际完成情况", 3)],
        [(form.goals or "—", 3), (summary_cell(form) or "—", 3)],
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
    for lead, i in zip(_grouped(form, True), form.indicators, strict=True):
        actual = completion_cell(i)  # the figure, then the 实际完成情况 in words (the layout has no column of its own)
        rows.append([*lead, *_singles(i.level3, i.target, actual, f"{i.weight:.2f}", f"{i.score:.2f}", i.deviation)])
    rows.append(
        [
            ("总分", 5),
            (f"{form.total_weight:.2f}", 1),
            (f"{form.total_score:.2f}", 1),
            (f"自评等级：{form.grade}", 1),
        ]
    )
    return _Plan(title, f"（{form.year}年度）", rows, {2, 7, 9}, list(form.notes), [note, *form.warnings])


def _monitor_plan(form: ProjectForm, title: str) -> _Plan:
    n = form.months
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
    for lead, i in zip(_grouped(form, False), form.indicators, strict=True):
        note = "；".join(t for t in (i.deviation, i.note) if t)
        rows.append([*lead, *_singles(i.level3, i.target, i.actual, i.projection, i.likelihood, note)])
    return _Plan(title, f"（{form.year}年1–{n}月）", rows, {2, 5}, list(form.notes), list(form.warnings))


# ---------------------------------------------------------------------------------------------------------------
# A batch: a file per form and the combined file


class PdfBatch:
    """The PDFs of a batch of forms: the font prepared once, a file per form, and the combined file.

    The combined file reuses the pages drawn for the single files (``files`` keeps them), so a form is laid out
    once; any form not yet drawn is drawn straight into the combined file.
    """

    def __init__(self, plans: list[_Plan]) -> None:
        self._plans = plans
        self.font = prepare_font(ch for plan in plans for text in plan.texts() for ch in text)
        self._pages: dict[int, tuple[list[bytes], dict]] = {}  # form index → its pages and the glyphs they use
        self._parsed: TTFFont | None = None  # the font as fpdf2 parsed it for the first file, shared by the next

    def _new_pdf(self) -> _Pdf:
        pdf = _new_pdf(self.font, self._parsed)
        if self._parsed is None and self.font.cff is not None:  # kept open: its file is read for glyph names
            self._parsed = copy.copy(pdf.fonts["cjk"])
        return pdf

    def __len__(self) -> int:
        return len(self._plans)

    def file(self, k: int) -> bytes:
        """Form ``k`` as a PDF of its own (pages numbered from 1); its pages are kept for ``combined``."""
        pdf = self._new_pdf()
        pdf.keep_pages, pdf.kept = True, []
        _draw(pdf, self._plans[k])
        content = _output(pdf, self.font)  # the last page's footer runs here
        self._pages[k] = (pdf.kept, dict(pdf.fonts["cjk"].subset._char_id_per_glyph))
        return content

    def files(self) -> Iterator[bytes]:
        """Each form as a PDF of its own, in order."""
        for k in range(len(self._plans)):
            yield self.file(k)

    def combined(self) -> bytes:
        """Every form in one PDF, each starting on a new page, pages numbered through."""
        pdf = self._new_pdf()
        subset = pdf.fonts["cjk"].subset
        for k, plan in enumerate(self._plans):
            if k not in self._pages:
                _draw(pdf, plan)
                continue
            pages, glyphs = self._pages.pop(k)
            subset._char_id_per_glyph.update(glyphs)  # the copied pages' glyphs, under the batch's codes
            for body in pages:
                pdf.add_page()
                pdf._out(b"q\n" + body + b"\nQ")  # its own graphics state: the footer drawn after is unaffected
        return _output(pdf, self.font)


def selfeval_batch(forms: list[ProjectForm], title: str, notes: dict[str, str] | None = None) -> PdfBatch:
    return PdfBatch([_selfeval_plan(form, title, (notes or {}).get(form.name, "")) for form in forms])


def monitor_batch(forms: list[ProjectForm], title: str) -> PdfBatch:
    return PdfBatch([_monitor_plan(form, title) for form in forms])


def selfeval_pdf(forms: list[ProjectForm], title: str, notes: dict[str, str] | None = None) -> bytes:
    """The self-evaluation of ``forms`` in one PDF."""
    return selfeval_batch(forms, title, notes).combined()


def monitor_pdf(forms: list[ProjectForm], title: str) -> bytes:
    """The monitoring form of ``forms`` in one PDF."""
    return monitor_batch(forms, title).combined()
