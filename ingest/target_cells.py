"""Target tables as rows of cells, one small reader per input form (docs/domain.md §9).

Whatever form a target table reaches a unit in — a table copied as text (cells separated by tabs
or `` | ``), the whitespace-separated text a PDF export leaves, an XLSX sheet or a Word table laid
out like the form — it becomes a list of ``CellRow``: the source line (or sheet/table row) and the
cells' texts.  ``ingest.target_form`` then reads fields and indicators from these rows by their
labels, the same way for every form.

XLSX and DOCX are zips: both are checked against ``[limits]`` from the archive's directory before
any parser opens them (ingest/workbook.py), and rows and cells are counted while reading.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Limits
from core.vocabulary import Vocabulary
from ingest.problems import Problem
from ingest.workbook import MAX_PARTS, MB, OLE_MAGIC, inspect_xlsx, past_limits, zip_sizes

_RULE_LINE = re.compile(r"^\s*\|?\s*:?-{3,}")  # "|---|---|" under a Markdown header
# an operator a space split from its value (">= 98%") is joined to it again
OPERATOR_TOKENS = {">=", "<=", "≥", "≤", "=", ">", "<", "＞", "＜", "＝"}


@dataclass
class CellRow:
    """One row of a form: where it is (line or row number) and its cells, empty ones kept."""

    line: int
    cells: list[str] = field(default_factory=list)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c.strip()]


def rows_from_text(text: str, vocab: Vocabulary) -> list[CellRow]:
    """Lines of a copied table or a text export as cells: tabs, `` | `` or, failing both, whitespace."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or _RULE_LINE.match(line):
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
        elif "|" in line and (" | " in line or line.strip().startswith("|")):
            inner = line.strip()
            inner = inner[1:] if inner.startswith("|") else inner
            inner = inner[:-1] if inner.endswith("|") else inner
            cells = [c.strip() for c in inner.split("|")]
        else:
            cells = _spaced_cells(line.split(), vocab)
        rows.append(CellRow(number, cells))
    return rows


def _spaced_cells(tokens: list[str], vocab: Vocabulary) -> list[str]:
    """A whitespace-separated line: a field label starts a cell and the words after it are its value
    ("项目类型 经常性专项业务费√ 其他经常性项目□" → two cells); ``>= 98%`` split by a space is one value."""
    cells: list[str] = []
    after_label = in_value = False
    for token in tokens:
        if cells and cells[-1] in OPERATOR_TOKENS:
            cells[-1] += token
            continue
        if vocab.field_of(token) is not None:
            cells.append(token)
            after_label, in_value = True, False
        elif "：" in token and vocab.field_of(token.split("：", 1)[0]) is not None:
            cells.append(token)  # "项目名称：X": the label carries its value; more words continue it
            after_label, in_value = False, True
        elif after_label:
            cells.append(token)
            after_label, in_value = False, True
        elif in_value:
            cells[-1] += " " + token
        else:
            cells.append(token)
    return cells


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def rows_from_xlsx(path: Path, name: str, limits: Limits) -> tuple[list[CellRow], list[Problem]]:
    """The first worksheet laid out like the form (merged cells allowed: their value is in the first cell)."""
    _, problems = inspect_xlsx(path, name, limits)
    if problems:
        return [], problems
    from openpyxl import load_workbook  # only XLSX uploads pay for it

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a corrupt or mislabelled file: say so, don't crash
        return [], [Problem(name, "xlsx_damaged", params={"detail": type(exc).__name__})]
    rows: list[CellRow] = []
    try:
        if not wb.worksheets:
            return [], [Problem(name, "no_worksheet")]
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        cells = 0
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells += len(values)
            if problem := past_limits(name, number, cells, limits):
                return [], [problem]
            texts = [_text(v) for v in values]
            if any(texts):
                rows.append(CellRow(number, texts))
    except Exception as exc:  # a part openpyxl cannot parse
        return [], [Problem(name, "xlsx_damaged", params={"detail": type(exc).__name__})]
    finally:
        wb.close()
    width = max((len(r.cells) for r in rows), default=0)
    for r in rows:  # a streamed row stops at its last cell: pad it, so columns line up as on the sheet
        r.cells += [""] * (width - len(r.cells))
    return rows, ([] if rows else [Problem(name, "empty_file")])


def inspect_docx(path: Path, name: str, limits: Limits) -> Problem | None:
    """The zip limits of an XLSX applied to a Word file, from its directory alone, before python-docx opens it."""
    if path.stat().st_size > limits.max_file_mb * MB:
        size = path.stat().st_size
        return Problem(name, "file_too_big", params={"size": f"{size / MB:,.1f}", "limit": f"{limits.max_file_mb:g}"})
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC) or not head.startswith(b"PK"):
        return Problem(name, "not_docx")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS or "word/document.xml" not in {i.filename for i in infos}:
                return Problem(name, "not_docx")
            return zip_sizes(infos, name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return Problem(name, "not_docx")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_text(tc) -> str:
    """A Word cell's text, its paragraphs on their own lines (read from the XML: python-docx's is slow)."""
    return "\n".join("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.iter(f"{_W}p")).strip()


def rows_from_docx(path: Path, name: str, limits: Limits) -> tuple[list[CellRow], list[Problem]]:
    """Paragraphs and table rows of a Word file in document order; a merged cell counts once in its row."""
    if problem := inspect_docx(path, name, limits):
        return [], [problem]
    import docx  # only DOCX uploads pay for it
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # a damaged file: say so, don't crash
        return [], [Problem(name, "not_docx", params={"detail": type(exc).__name__})]
    rows: list[CellRow] = []
    number = cells = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            number += 1
            if text:
                rows.append(CellRow(number, [text]))
        elif tag == "tbl":
            above: dict[int, str] = {}  # grid column -> text of the cell a vertical merge continues
            for tr in child.tr_lst:  # row by row from the XML: python-docx's row.cells rebuilds the grid per row
                number += 1
                texts, column = [], 0
                for tc in tr.tc_lst:
                    text = above.get(column, "") if tc.vMerge == "continue" else _cell_text(tc)
                    for k in range(tc.grid_span):
                        above[column + k] = text
                    texts.append(text)  # a horizontally merged cell counts once
                    column += tc.grid_span
                cells += len(texts)
                if problem := past_limits(name, number, cells, limits):
                    return [], [problem]
                if any(texts):
                    rows.append(CellRow(number, texts))
    return rows, ([] if rows else [Problem(name, "empty_file")])
