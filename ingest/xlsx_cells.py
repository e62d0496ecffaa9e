"""The cells of an XLSX upload's first sheet read by calamine (Rust), some 15 times as fast as openpyxl.

``ingest.tables`` asks ``open_sheet`` first and reads with openpyxl (streaming) when it says no.  The
rows, their numbers and their text are what openpyxl gives (``tests/ingest/test_xlsx_cells.py`` reads
every workbook of the tests both ways); what calamine would give otherwise is sent to openpyxl:

- calamine holds the whole sheet in memory, as one dense block from its first to its last used row
  and column (32 bytes a cell) after a list of the cells it found (40 bytes a cell, plus its text).
  ``ingest.workbook.inspect_xlsx`` has already refused a sheet of more ``<c>`` elements than
  ``[limits] max_cells`` or more XML than ``max_uncompressed_mb``, which bounds the list and the text;
  the block is bounded here: calamine reads only a sheet whose every cell names its place and whose
  furthest row × furthest column is within ``max_cells``.  A sparse sheet (a cell in A1 and one in
  XFD1048576: 17 billion cells, 512 GiB, a crash, not an exception) goes to openpyxl, which streams it
  and counts it past the limits.  The bounds hold for the part scanned, so calamine reads only a sheet
  it finds where the scan found it (``workbook._plain``: xl/workbook.xml, a name no other sheet has, a
  plain target).  calamine also makes room for as many shared strings as the workbook declares
  (``uniqueCount``) before reading one: a declared count past ``max_cells`` goes to openpyxl.  So the
  zip's size limits alone do not bound calamine's memory; with these checks it is at most some
  100 bytes a cell allowed plus the text: the largest legal sheet of tickets (1,048,575 rows × 6,
  ``[limits]`` raised to fit) peaks at about 800 MiB, calamine's block most of it.
- calamine gives an error cell (#DIV/0!) as an empty string, and a number as a double: a sheet with an
  error, or with a number of 16 digits or more (exact as openpyxl's int, not as a double), goes to
  openpyxl; so does a workbook counting its dates from 1904 (a date before 1904 is negative there, and
  calamine reads it as a time of day).  ``formulas_as_text`` (the formula, not its value) is openpyxl's.
- a part calamine cannot parse goes to openpyxl, which reads it or names the damage.

Cells are counted towards the limits as openpyxl counts them: each row as far as its last value,
every row up to the last one (the empty rows between too).  Cells without a value after a row's
last value (a border drawn on, an empty text) are not counted: calamine keeps none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.config import Limits
from ingest.workbook import SheetScan, past_limits


def fits(scan: SheetScan, limits: Limits) -> bool:
    """May calamine read this sheet: is its dense block within ``max_cells``, and is its text what openpyxl's is?"""
    return (
        scan.plain_path
        and not scan.unplaced
        and scan.max_row * scan.max_col <= limits.max_cells
        and scan.strings_declared <= limits.max_cells
        and not scan.errors
        and not scan.long_numbers
        and not scan.date1904
    )


def open_sheet(path: Path, scan: SheetScan, limits: Limits):
    """The first worksheet loaded by calamine, or None when openpyxl must read it (see the module's docstring)."""
    if not fits(scan, limits):
        return None
    from python_calamine import CalamineWorkbook  # imported here: only XLSX uploads pay for it

    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            return book.get_sheet_by_name(scan.name)
        finally:
            book.close()
    except BaseException as exc:  # a part calamine cannot parse: openpyxl reads it, or names the damage
        if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":  # a Rust panic is no Exception
            return None
        raise


def sheet_rows(sheet, scan: SheetScan, name: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The non-empty rows of a loaded sheet as text, numbered as the spreadsheet numbers them.

    calamine's rows start at row 1 but at the first used column: the columns left of it are put back,
    so a cell keeps the place (and the row the length) that openpyxl gives it.  Its rows end at the
    last cell with a value; openpyxl's go on to the last <row> element (a row given a height, say),
    and count towards ``max_rows``: so do they here."""
    from ingest.tables import ReadingStopped, cell_text  # tables imports this module: import it back here

    left = [""] * sheet.start[1]
    cells = 0
    number = 0
    strip = str.strip
    for number, values in enumerate(sheet.iter_rows(), start=1):
        try:
            texts = list(map(strip, values))  # a row of text only, as most are: stripped in C
        except TypeError:
            texts = [v.strip() if type(v) is str else cell_text(v) for v in values]
        end = len(texts)
        while end and not texts[end - 1]:
            end -= 1
        if end:
            cells += len(left) + end
        if number > limits.max_rows or cells > limits.max_cells:
            raise ReadingStopped([past_limits(name, number, cells, limits)])
        if end:
            if end < len(texts):
                del texts[end:]
            yield number, left + texts if left else texts
    if scan.last_row > max(number, limits.max_rows):  # empty rows below the last value, as openpyxl walks them
        raise ReadingStopped([past_limits(name, limits.max_rows + 1, cells, limits)])
