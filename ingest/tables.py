"""Read a spreadsheet upload (CSV or XLSX) into header + rows of text, with row numbers as Excel shows them.

CSV comes as Excel in China saves it: UTF-8, UTF-8 with BOM, or GBK/GB18030; any line ending
(CR LF, LF, or the old Mac CR).  A quote that never closes, a misplaced quote or an endless cell is
refused with its line, never read as some other table.  XLSX is looked into first
(``ingest.workbook``: size, compression, rows and cells within ``[limits]``) and then read by
calamine, or streaming with openpyxl where calamine would read it otherwise (``ingest.xlsx_cells``);
merged cells and title rows above the header are reported, never guessed around.  Every reader stops at the first limit passed, so no file can exhaust the
server; the message says which limit and how to split the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from core.config import DEFAULT_LIMITS, Limits
from ingest import xlsx_cells
from ingest.problems import Problem
from ingest.workbook import MB, inspect_xlsx, merged_cells_problem, past_limits

Rows = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class Column:
    """One column of an upload format: its key, Chinese and English headers, and help text."""

    key: str
    zh: str
    en: str
    required: bool = False
    help_zh: str = ""
    help_en: str = ""
    aliases: tuple[str, ...] = ()
    type: str = "text"  # text, month, money, count, number, percent, datetime, date, choice
    choices: tuple[tuple[str, str], ...] = ()  # (word a person writes, stored value)
    example: str = ""

    def names(self) -> set[str]:
        return {_fold(n) for n in (self.key, self.zh, self.en, *self.aliases)}


@dataclass
class Table:
    """Cells as text in columns named by column key; ``lines`` holds each row's number as a spreadsheet shows it."""

    file: str
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    lines: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key → the header the file used

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        yield from zip(self.lines, self.frame.to_dict("records"), strict=True)


def _fold(name: str) -> str:
    return "".join(str(name).split()).lower().replace("（", "(").replace("）", ")")


def decode_text(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); a file mixing the two names the odd line."""
    if not data.strip():
        return None, Problem(file, "empty_file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(file, "utf16")
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, Problem(file, "binary_content", line=_line_at(data, nul))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    odd = _odd_line(data)
    if odd is not None:
        line, encoding = odd
        return None, Problem(file, "mixed_encoding", line=line, params={"encoding": encoding})
    try:
        return data.decode("gb18030"), None
    except UnicodeDecodeError as exc:
        return None, Problem(file, "undecodable", line=_line_at(data, exc.start))


def _line_at(data: bytes, pos: int) -> int:
    """The line (1-based, any line ending) that byte ``pos`` is on."""
    before = data[:pos]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _odd_line(data: bytes) -> tuple[int, str] | None:
    """The first line whose encoding differs from the file's (set by its first non-ASCII line), if any.

    A line of Chinese text valid as UTF-8 is UTF-8: GBK text almost never is (it would have to hold only
    byte pairs that happen to form UTF-8 sequences)."""
    first = None
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        utf8 = _is_utf8(line)
        if first is None:
            first = utf8
        elif utf8 != first:
            return number, "UTF-8" if first else "GBK/GB18030"
    return None


def _is_utf8(line: bytes) -> bool:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(ch) >= 0x800 for ch in text)  # two-byte sequences alone are as likely GBK pairs


def _unneutralize(text: str) -> str:
    """Undo the apostrophe that keeps a formula-like text inert in a CSV (as Excel does when it reads one)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 3890000.0 → "3890000", dates as ISO."""
    if type(value) is str:  # most cells: checked first, as a million rows pass through here
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class ReadingStopped(Exception):
    """A streamed read met a problem (a limit passed, a broken quote, a damaged part): the file is refused whole."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read_raw(
    path: Path, display_name: str | None = None, *, formulas_as_text: bool = False, limits: Limits | None = None
) -> tuple[Rows, list[Problem]]:
    """All non-empty rows of the file as text, numbered from 1 as a spreadsheet numbers them.

    ``limits`` are the Config's ``[limits]`` (the edges pass them; ``DEFAULT_LIMITS`` otherwise).
    The whole file in memory: for small files (target tables); uploads of actuals use ``iter_raw``."""
    try:
        return list(iter_raw(path, display_name, formulas_as_text=formulas_as_text, limits=limits)), []
    except ReadingStopped as stop:
        return [], stop.problems


def iter_raw(
    path: Path, display_name: str | None = None, *, formulas_as_text: bool = False, limits: Limits | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The non-empty rows of the file one by one, so a large upload is never held whole as Python lists.

    Raises ``ReadingStopped`` with the problem wherever reading stops (before the first row for a file
    too big or not a workbook; mid-stream for a limit passed or a quote that never closes; after the
    last row for merged cells or an empty file), so a caller that drains it sees what ``read_raw`` sees."""
    name = display_name or path.name
    limits = limits or DEFAULT_LIMITS
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise ReadingStopped([Problem(name, "unsupported_file", value=path.suffix or path.name)])
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise ReadingStopped(
            [Problem(name, "file_too_big", params={"size": f"{size / MB:,.1f}", "limit": f"{limits.max_file_mb:g}"})]
        )
    if suffix in (".xlsx", ".xlsm"):
        yield from _iter_xlsx(path, name, formulas_as_text, limits)
        return
    text, problem = decode_text(path.read_bytes(), name)
    if problem:
        raise ReadingStopped([problem])
    any_row = False
    for row in _iter_csv(text, name, "\t" if suffix == ".tsv" else ",", limits):
        any_row = True
        yield row
    if not any_row:
        raise ReadingStopped([Problem(name, "empty_file")])


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _read_csv(text: str, name: str, delimiter: str, limits: Limits) -> tuple[Rows, list[Problem]]:
    """The records of a CSV text, whole (``_iter_csv`` one by one), or the problem that stopped it."""
    try:
        return list(_iter_csv(text, name, delimiter, limits)), []
    except ReadingStopped as stop:
        return [], stop.problems


def _iter_csv(text: str, name: str, delimiter: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """Records of a CSV, numbered as Excel numbers its rows; a quote that never closes stops it with the record's line.

    Lines end in CR LF, LF or CR.  A record spanning several lines (a cell with line breaks) is read again
    strictly: if its quotes do not pair up, a quote opened there swallowed the lines after it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[str] = []  # the file's physical lines, split only if a record spans several
    cells = 0
    record = 0
    while True:
        started = reader.line_num  # physical lines read before this record
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ReadingStopped([_quoting_problem(name, record + 1, reader.line_num - started > 1, exc)]) from None
        record += 1
        if reader.line_num - started > 1:
            lines = lines or _LINE.findall(text)
            if not _quotes_pair("".join(lines[started : reader.line_num]), delimiter):
                raise ReadingStopped([Problem(name, "unclosed_quote", line=record)])
        cells_row = [c.strip() for c in row]
        if "'" in "".join(cells_row):  # rare: only then look for the apostrophe that kept a formula inert
            cells_row = [_unneutralize(c) for c in cells_row]
        cells_row = _trimmed(cells_row)
        cells += len(cells_row)
        if record > limits.max_rows or cells > limits.max_cells:
            raise ReadingStopped([past_limits(name, record, cells, limits)])
        if cells_row:
            yield record, cells_row


def _quotes_pair(record: str, delimiter: str) -> bool:
    """Does this record's text read as one record with every quoted cell closed where a cell ends?"""
    try:
        return len(list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True))) == 1
    except csv.Error:
        return False


def _quoting_problem(name: str, line: int, spans_lines: bool, exc: csv.Error) -> Problem:
    """What the csv module's error means for the person who saved the file."""
    text = str(exc)
    if "field larger than field limit" in text:
        if spans_lines:  # a quoted cell that ran over many lines: its quote never closed
            return Problem(name, "unclosed_quote", line=line)
        return Problem(name, "field_too_long", line=line, params={"limit": f"{csv.field_size_limit():,}"})
    if "unexpected end of data" in text:
        return Problem(name, "unclosed_quote", line=line)
    if "expected after" in text:
        return Problem(name, "stray_quote", line=line)
    return Problem(name, "unreadable", line=line, params={"detail": text})


def _trimmed(cells: list[str]) -> list[str]:
    """The row without its trailing empty cells ([] for an empty row)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end] if end < len(cells) else cells


def _iter_xlsx(path: Path, name: str, formulas_as_text: bool, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet, once ``inspect_xlsx`` found it within every limit: read by calamine when
    ``ingest.xlsx_cells`` says it reads it as openpyxl would, else by openpyxl, streaming."""
    scan, problems = inspect_xlsx(path, name, limits)
    if problems:
        raise ReadingStopped(problems)
    sheet = None if formulas_as_text else xlsx_cells.open_sheet(path, scan, limits)
    any_row = False
    if sheet is not None:
        for row in xlsx_cells.sheet_rows(sheet, scan, name, limits):
            any_row = True
            yield row
    else:
        for row in _openpyxl_rows(path, name, formulas_as_text, limits):
            any_row = True
            yield row
    merged = merged_cells_problem(scan, name)
    if merged:
        raise ReadingStopped([merged])
    if not any_row:
        raise ReadingStopped([Problem(name, "empty_file")])


def _openpyxl_rows(path: Path, name: str, formulas_as_text: bool, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet read streaming by openpyxl (formulas as text, or a sheet calamine may not read)."""
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    try:
        wb = load_workbook(path, read_only=True, data_only=not formulas_as_text)
    except Exception as exc:  # a corrupt or mislabelled file: say so, don't crash
        raise ReadingStopped([_damaged(name, exc)]) from None
    try:
        yield from _sheet_rows(wb, name, limits)
    except ReadingStopped:
        raise
    except Exception as exc:  # a part openpyxl cannot parse (bad XML, an entity, a wrong cell reference)
        raise ReadingStopped([_damaged(name, exc)]) from None
    finally:
        wb.close()


def _damaged(name: str, exc: Exception) -> Problem:
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return Problem(name, "xlsx_damaged", params={"detail": detail})


def _sheet_rows(wb, name: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """Rows of the first worksheet as text; every cell parsed counts towards the limits, empty or not."""
    if not wb.worksheets:
        raise ReadingStopped([Problem(name, "no_worksheet")])
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # read what is there, not what <dimension> claims (it may understate)
    cells = 0
    for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells += len(values)
        problem = past_limits(name, i, cells, limits)
        if problem:
            raise ReadingStopped([problem])
        texts = _trimmed([cell_text(v) for v in values])
        if texts:
            yield i, texts


def read_table(
    path: Path,
    columns: list[Column],
    display_name: str | None = None,
    *,
    formulas_as_text: bool = False,
    limits: Limits | None = None,
) -> tuple[Table, list[Problem]]:
    """Read ``path`` and map its header onto ``columns`` (Chinese or English names)."""
    name = display_name or path.name
    raw, problems = read_raw(path, name, formulas_as_text=formulas_as_text, limits=limits)
    if problems:
        return Table(name), problems
    return table_from_rows(raw, columns, name)


def table_from_rows(
    raw: Rows, columns: list[Column], name: str, one_of: tuple[tuple[str, ...], ...] = ()
) -> tuple[Table, list[Problem]]:
    """The first row is the header; map it onto ``columns`` and keep the rows below it (there must be some).

    Each group of ``one_of`` (keys) needs at least one of its columns (当月支出 or 累计支出)."""
    table = Table(name)
    header_line, header = raw[0]
    mapping, problems = map_header(raw[:11], columns, name, one_of)
    if problems:
        return table, problems
    if len(raw) == 1:
        return table, [Problem(name, "no_rows", line=header_line)]
    table.frame = pd.DataFrame(column_cells(raw[1:], mapping), dtype=object).fillna("")
    table.headers = {key: header[i] for i, key in mapping.items()}
    table.lines = [line for line, _ in raw[1:]]
    return table, []


def map_header(
    head: Rows, columns: list[Column], name: str, one_of: tuple[tuple[str, ...], ...] = ()
) -> tuple[dict[int, str], list[Problem]]:
    """Header index → column key for the first row of ``head`` (the file's first rows), or why it is no header:
    a title above it (the header found on a later row of ``head``), a column named twice, a required one missing."""
    header_line, header = head[0]
    mapping = match_header(header, columns)
    if not mapping:
        later = next((i for i, row in head[1:11] if match_header(row, columns)), None)
        if later is not None:
            return {}, [Problem(name, "extra_header", line=later)]
        return {}, [Problem(name, "no_header", line=header_line, value=" | ".join(header[:6]))]
    twice = duplicate_columns(header, columns, name, header_line)
    if twice:
        return {}, twice
    missing = [c.zh for c in columns if c.required and c.key not in mapping.values()]
    zh = {c.key: c.zh for c in columns}
    missing += ["或".join(zh[k] for k in group) for group in one_of if not set(group) & set(mapping.values())]
    if missing:
        return {}, [Problem(name, "missing_columns", line=header_line, params={"columns": "、".join(missing)})]
    return mapping, []


def column_cells(rows: Rows, mapping: dict[int, str]) -> dict[str, list[str]]:
    """The cells of ``rows`` under each mapped column (a row shorter than the header has "" there);
    cells right of the last known column are never read, so they are never held."""
    width = max(mapping) + 1
    padded = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for _, cells in rows]
    columns = list(zip(*padded, strict=False))  # column i of every row (rows at least ``width`` long)
    return {key: list(columns[i]) for i, key in mapping.items()}


def match_header(header: list[str], columns: list[Column]) -> dict[int, str]:
    """Header index → column key for every cell that names a known column (the first, if one is named twice)."""
    lookup = {n: c.key for c in columns for n in c.names()}
    mapping: dict[int, str] = {}
    for i, h in enumerate(header):
        key = lookup.get(_fold(h))
        if key is not None and key not in mapping.values():
            mapping[i] = key
    return mapping


def duplicate_columns(header: list[str], columns: list[Column], name: str, line: int) -> list[Problem]:
    """A column named twice (or by two of its names, 项目 and 项目名称) is ambiguous: which one holds the data?"""
    lookup = {n: c for c in columns for n in c.names()}
    where: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        column = lookup.get(_fold(h))
        if column is not None:
            where.setdefault(column.zh, []).append(i)
    return [
        Problem(
            name,
            "duplicate_column",
            line=line,
            value=zh,
            params={"count": len(found), "columns": "、".join(column_letter(i) for i in found)},
        )
        for zh, found in where.items()
        if len(found) > 1
    ]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as Excel labels it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
