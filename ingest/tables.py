"""Read a spreadsheet upload (CSV or XLSX) into header + rows of text, with row numbers as Excel shows them.

CSV comes as Excel in China saves it: UTF-8, UTF-8 with BOM, or GBK/GB18030.  XLSX is
read with openpyxl (no DuckDB extension needed); merged cells and title rows above the
header are reported, never guessed around.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from ingest.problems import Problem


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
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if not data.strip():
        return None, Problem(file, "empty_file")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Problem(file, "undecodable", line=line)


def _unneutralize(text: str) -> str:
    """Undo the apostrophe that keeps a formula-like text inert in a CSV (as Excel does when it reads one)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 3890000.0 → "3890000", dates as ISO."""
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


def read_raw(
    path: Path, display_name: str | None = None, *, formulas_as_text: bool = False
) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """All non-empty rows of the file as text, numbered from 1 as a spreadsheet numbers them."""
    name = display_name or path.name
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, name, formulas_as_text)
    if suffix in (".csv", ".txt", ".tsv"):
        text, problem = decode_text(path.read_bytes(), name)
        if problem:
            return [], [problem]
        delimiter = "\t" if suffix == ".tsv" else ","
        rows = [
            (i, [_unneutralize(c.strip()) for c in row])
            for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
        ]
        rows = [(i, row) for i, row in rows if any(row)]
        return rows, ([] if rows else [Problem(name, "empty_file")])
    return [], [Problem(name, "unsupported_file", value=path.suffix or path.name)]


def _read_xlsx(path: Path, name: str, formulas_as_text: bool) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    try:
        wb = load_workbook(path, data_only=not formulas_as_text)
    except Exception as exc:  # a corrupt or mislabelled file: say so, don't crash
        return [], [Problem(name, "unreadable", params={"detail": type(exc).__name__})]
    ws = wb.worksheets[0]
    problems = []
    if ws.merged_cells.ranges:
        ranges = ", ".join(str(r) for r in list(ws.merged_cells.ranges)[:5])
        first = min(r.min_row for r in ws.merged_cells.ranges)
        problems.append(Problem(name, "merged_cells", line=first, params={"ranges": ranges}))
    rows = []
    for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        if any(cells):
            rows.append((i, cells))
    wb.close()
    if not rows and not problems:
        problems.append(Problem(name, "empty_file"))
    return rows, problems


def read_table(
    path: Path, columns: list[Column], display_name: str | None = None, *, formulas_as_text: bool = False
) -> tuple[Table, list[Problem]]:
    """Read ``path`` and map its header onto ``columns`` (Chinese or English names)."""
    name = display_name or path.name
    raw, problems = read_raw(path, name, formulas_as_text=formulas_as_text)
    if problems:
        return Table(name), problems
    return table_from_rows(raw, columns, name)


def table_from_rows(
    raw: list[tuple[int, list[str]]], columns: list[Column], name: str, one_of: tuple[tuple[str, ...], ...] = ()
) -> tuple[Table, list[Problem]]:
    """The first row is the header; map it onto ``columns`` and keep the rows below it.

    Each group of ``one_of`` (keys) needs at least one of its columns (当月支出 or 累计支出)."""
    table = Table(name)
    header_line, header = raw[0]
    mapping = match_header(header, columns)
    if not mapping:
        later = next((i for i, row in raw[1:11] if match_header(row, columns)), None)
        if later is not None:
            return table, [Problem(name, "extra_header", line=later)]
        return table, [Problem(name, "no_header", line=header_line, value=" | ".join(header[:6]))]
    missing = [c.zh for c in columns if c.required and c.key not in mapping.values()]
    zh = {c.key: c.zh for c in columns}
    missing += ["或".join(zh[k] for k in group) for group in one_of if not set(group) & set(mapping.values())]
    if missing:
        return table, [Problem(name, "missing_columns", line=header_line, params={"columns": "、".join(missing)})]
    frame = pd.DataFrame([cells for _, cells in raw[1:]], dtype=object)  # short rows are padded with None
    for i in mapping:
        if i not in frame.columns:
            frame[i] = None
    table.frame = frame[list(mapping)].rename(columns=mapping).fillna("").reset_index(drop=True)
    table.headers = {key: header[i] for i, key in mapping.items()}
    table.lines = [line for line, _ in raw[1:]]
    return table, []


def match_header(header: list[str], columns: list[Column]) -> dict[int, str]:
    """Header index → column key for every cell that names a known column."""
    lookup = {n: c.key for c in columns for n in c.names()}
    mapping = {i: lookup[_fold(h)] for i, h in enumerate(header) if _fold(h) in lookup}
    return mapping if len(set(mapping.values())) == len(mapping) else {}
