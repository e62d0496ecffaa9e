"""Look inside an XLSX before anything parses it: what it unpacks to, how hard it is compressed, how
many rows and cells its first sheet holds, and its merged cells.

An XLSX is a zip of XML parts.  A few megabytes can unpack to gigabytes (one sheet of 8,000 rows ×
16,000 cells is 1.9 GB of XML in a 3.8 MB file), and a parser that meets it takes the server's memory
with it.  So the archive's own directory is checked first (sizes and compression ratios, no
decompression), then the first worksheet's XML is streamed once in small chunks and its ``<row>`` and
``<c>`` elements counted, stopping as soon as a limit is passed.  Only a file within every limit reaches
openpyxl (read-only, streaming).  ``zipfile`` never yields more than a part's declared size, so
the sizes checked here bound what the parser can be made to read.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from core.config import Limits
from ingest.problems import Problem

MB = 1024 * 1024
CHUNK = 1 << 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted OOXML file and an old .xls are OLE containers
RATIO_FLOOR = MB  # tiny parts may compress very well; the ratio is judged on parts of at least this size
MAX_PARTS = 10_000  # a workbook has tens of parts; a "workbook" of more is something else
SMALL_PART = 8 * MB  # [Content_Types].xml, workbook.xml and its relationships are read whole, so bounded
WORKSHEET = "/worksheet"  # how the relationship type ends, in transitional and strict Open XML alike
WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7})"')
_ROOT = re.compile(rb"<(?:(\w+):)?worksheet[\s>]")


@dataclass
class SheetScan:
    """What the first worksheet holds, counted from its XML without parsing it."""

    part: str
    rows: int = 0  # <row> elements
    cells: int = 0  # <c> elements
    dimension: tuple[int, int] | None = None  # rows, columns as <dimension ref> declares them
    merged: list[str] = field(default_factory=list)


def inspect_xlsx(path: Path, name: str, limits: Limits) -> tuple[SheetScan | None, list[Problem]]:
    """The first worksheet's extent, or the problem that stops the file before any parser sees it."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        return None, [Problem(name, "xlsx_encrypted")]
    if not head.startswith(b"PK"):
        return None, [Problem(name, "not_xlsx")]
    try:
        with zipfile.ZipFile(path) as zf:
            return _inspect(zf, name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        return None, [Problem(name, "xlsx_damaged", params={"detail": _detail(exc)})]


def _detail(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _inspect(zf: zipfile.ZipFile, name: str, limits: Limits) -> tuple[SheetScan | None, list[Problem]]:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        return None, [Problem(name, "not_workbook")]
    parts = {i.filename: i for i in infos}
    if "[Content_Types].xml" not in parts:
        return None, [Problem(name, "not_workbook")]
    if any(i.flag_bits & 0x1 for i in infos):
        return None, [Problem(name, "xlsx_encrypted")]
    problem = zip_sizes(infos, name, limits)
    if problem:
        return None, [problem]
    workbook = _workbook_part(zf, parts)
    if workbook is None:
        return None, [Problem(name, "not_workbook")]
    sheet = _first_sheet(zf, parts, workbook)
    if sheet is None:
        return None, [Problem(name, "no_worksheet")]
    return _scan_sheet(zf, sheet, name, limits)


def past_limits(name: str, rows: int, cells: int, limits: Limits) -> Problem | None:
    """Rows or cells counted while reading past ``[limits]``: the reading stops with this problem."""
    if rows > limits.max_rows:
        return Problem(name, "too_many_rows", params={"rows": f"{rows:,}", "limit": f"{limits.max_rows:,}"})
    if cells > limits.max_cells:
        return Problem(name, "too_many_cells", params={"cells": f"{cells:,}", "limit": f"{limits.max_cells:,}"})
    return None


def zip_sizes(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> Problem | None:
    """Total unpacked size and the worst compression ratio, from the archive's directory alone."""
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * MB:
        return Problem(
            name, "unpacked_too_big", params={"size": _mb(total), "limit": _number(limits.max_uncompressed_mb)}
        )
    for info in infos:
        if info.file_size < RATIO_FLOOR:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            return Problem(
                name,
                "compression_ratio",
                params={"part": info.filename, "ratio": f"{ratio:.0f}", "limit": _number(limits.max_ratio)},
            )
    return None


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> ElementTree.Element | None:
    """A small XML part parsed whole (None when it is missing, too big to be what it claims, or not XML)."""
    if info is None or info.file_size > SMALL_PART:
        return None
    data = zf.read(info)
    if b"<!DOCTYPE" in data:  # Excel never declares one; entities are how an XML file expands itself
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _workbook_part(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> str | None:
    """The workbook part named in [Content_Types].xml (as openpyxl finds it), or the usual xl/workbook.xml."""
    types = _xml(zf, parts["[Content_Types].xml"])
    if types is None:
        return None
    for node in types:
        if _local(node.tag) == "Override" and node.get("ContentType") in WORKBOOK_TYPES:
            part = (node.get("PartName") or "").lstrip("/")
            return part if part in parts else None
    return "xl/workbook.xml" if "xl/workbook.xml" in parts else None


def _first_sheet(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], workbook: str) -> str | None:
    """The part of the first worksheet in the workbook's order (the one openpyxl's ``worksheets[0]`` reads)."""
    folder, base = posixpath.split(workbook)
    book = _xml(zf, parts.get(workbook))
    rels = _xml(zf, parts.get(posixpath.join(folder, "_rels", base + ".rels")))
    if book is None or rels is None:
        return None
    targets = {
        r.get("Id"): r.get("Target") or ""
        for r in rels
        if _local(r.tag) == "Relationship" and (r.get("Type") or "").endswith(WORKSHEET)
    }
    for sheet in book.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        if rid in targets:
            target = targets[rid]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            return part if part in parts else None
    return None


def _scan_sheet(zf: zipfile.ZipFile, part: str, name: str, limits: Limits) -> tuple[SheetScan | None, list[Problem]]:
    """Stream the sheet's XML once, counting rows and cells; stop at the first limit passed."""
    scan = SheetScan(part)
    merged: set[str] = set()
    with zf.open(part) as fh:
        head = fh.read(CHUNK)
        root = _ROOT.search(head)
        if root is None or b"<!DOCTYPE" in head[: root.start()]:  # Excel writes the root first, and no DTD
            return None, [Problem(name, "xlsx_damaged", params={"detail": part})]
        scan.dimension = _dimension(head)
        problem = _over(scan.dimension, name, limits, declared=True)
        if problem:
            return None, [problem]
        prefix = (root.group(1) + b":") if root.group(1) else b""
        row, cell = b"<" + prefix + b"row", b"<" + prefix + b"c"
        tail = b""
        chunk = head
        while chunk:
            text = tail + chunk  # a tag split across two chunks is counted once: the tail is shorter than any tag
            scan.rows += text.count(row) - tail.count(row)
            scan.cells += text.count(cell) - tail.count(cell)
            problem = _over((scan.rows, 1), name, limits) or _cells_over(scan.cells, name, limits)
            if problem:
                return None, [problem]
            if b"mergeCell" in text and len(merged) < 1000:
                merged.update(m.decode() for m in _MERGE.findall(text))
            tail = chunk[-64:]
            chunk = fh.read(CHUNK)
    scan.merged = sorted(merged, key=_merge_order)
    return scan, []


def _dimension(head: bytes) -> tuple[int, int] | None:
    found = _DIMENSION.search(head)
    if not found:
        return None
    first_col, first_row, last_col, last_row = found.groups()
    if last_col is None:
        return 1, 1
    rows = int(last_row) - int(first_row) + 1
    cols = _column_number(last_col) - _column_number(first_col) + 1
    return max(rows, 1), max(cols, 1)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _over(extent: tuple[int, int] | None, name: str, limits: Limits, *, declared: bool = False) -> Problem | None:
    if extent is None:
        return None
    rows, cols = extent
    if rows > limits.max_rows:
        return Problem(name, "too_many_rows", params={"rows": f"{rows:,}", "limit": f"{limits.max_rows:,}"})
    if declared:
        return _cells_over(rows * cols, name, limits)
    return None


def _cells_over(cells: int, name: str, limits: Limits) -> Problem | None:
    if cells > limits.max_cells:
        return Problem(name, "too_many_cells", params={"cells": f"{cells:,}", "limit": f"{limits.max_cells:,}"})
    return None


def _merge_order(ref: str) -> tuple[int, str]:
    return int(re.search(r"\d+", ref).group()), ref


def merged_cells_problem(scan: SheetScan, name: str) -> Problem | None:
    """Merged cells of the first sheet, reported with the first row they start on."""
    if not scan.merged:
        return None
    first = _merge_order(scan.merged[0])[0]
    return Problem(name, "merged_cells", line=first, params={"ranges": ", ".join(scan.merged[:5])})
