"""Look inside an XLSX before anything parses it: what it unpacks to, how hard it is compressed, how
many rows and cells its first sheet holds, and its merged cells.

An XLSX is a zip of XML parts.  A few megabytes can unpack to gigabytes (one sheet of 8,000 rows ×
16,000 cells is 1.9 GB of XML in a 3.8 MB file), and a parser that meets it takes the server's memory
with it.  So the archive's own directory is checked first (sizes and compression ratios, no
decompression), then the first worksheet's XML is streamed once in small chunks and its ``<row>`` and
``<c>`` elements counted, stopping as soon as a limit is passed.  Only a file within every limit reaches
a parser.  ``zipfile`` never yields more than a part's declared size, so the sizes checked here bound
what the parser can be made to read.

The same pass notes what decides which parser may read the sheet (``ingest.xlsx_cells``): the
furthest row and column any cell names (calamine holds the sheet as one dense block of that size),
whether every cell names its place, and whether any cell holds an error or a number too long for a
double, which calamine cannot give back as openpyxl does.
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
    cells: int = 0  # <c> elements (and the others whose name starts with c: <col>, <cfRule>…)
    dimension: tuple[int, int] | None = None  # rows, columns as <dimension ref> declares them
    merged: list[str] = field(default_factory=list)
    name: str = ""  # the sheet's name in the workbook
    plain_path: bool = False  # found as calamine finds it (workbook._plain): the part it would read is this one
    max_row: int = 0  # the furthest row and column any referenced cell names
    max_col: int = 0
    last_row: int = 0  # the number of the last <row r="…"> element, cells or not
    errors: bool = False  # a cell of type "e" (#DIV/0!, #N/A)
    long_numbers: bool = False  # a number of 16 digits or more, exact as an int but not as a double
    strings_declared: float = 0  # shared strings xl/sharedStrings.xml declares (calamine makes room for them)
    date1904: bool = False  # dates counted from 1904: calamine reads one before 1904 as a time of day
    unplaced: bool = False  # a cell with no reference (<c>) or an odd one (a1, $A$1, A0): a reader places it


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
    scan, problems = _scan_sheet(zf, sheet.part, name, limits)
    if scan is not None:
        scan.name, scan.plain_path = sheet.name, sheet.plain
        scan.date1904 = _date1904(_xml(zf, parts.get(workbook)))
        scan.strings_declared = _strings_declared(zf, infos)
    return scan, problems


_SST = re.compile(rb"<(?:\w+:)?sst\b([^>]*)>")
_UNIQUE = re.compile(rb"""(?<![\w:.-])uniqueCount\s*=\s*["']([^"']*)["']""")


def _strings_declared(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> float:
    """How many shared strings xl/sharedStrings.xml declares (``uniqueCount``; inf when it cannot be told).

    calamine reserves room for that many strings before reading one (24 bytes each: "4000000000" asks for
    96 GB, and the process dies), and reads that part by this name whatever the relationships say."""
    declared = 0.0
    for info in infos:
        if info.filename != "xl/sharedStrings.xml":
            continue
        with zf.open(info) as fh:
            root = _SST.search(fh.read(64 * 1024))
        if root is None:
            return float("inf")
        for value in _UNIQUE.findall(root.group(1)):
            declared = max(declared, int(value) if value.isdigit() else float("inf"))
    return declared


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


def _date1904(book: ElementTree.Element | None) -> bool:
    """Does the workbook count its dates from 1904 (old Mac Excel)?"""
    for node in book.iter() if book is not None else ():
        if _local(node.tag) == "workbookPr":
            return (node.get("date1904") or "").lower() in ("1", "true")
    return False


@dataclass
class _FirstSheet:
    part: str
    name: str
    plain: bool  # found as any reader finds it (see ``_plain``)


def _first_sheet(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], workbook: str) -> _FirstSheet | None:
    """The part and name of the first worksheet in the workbook's order (the one openpyxl's ``worksheets[0]``
    reads)."""
    folder, base = posixpath.split(workbook)
    book = _xml(zf, parts.get(workbook))
    rels = _xml(zf, parts.get(posixpath.join(folder, "_rels", base + ".rels")))
    if book is None or rels is None:
        return None
    relations = [r for r in rels if _local(r.tag) == "Relationship"]
    targets = {r.get("Id"): r.get("Target") or "" for r in relations if (r.get("Type") or "").endswith(WORKSHEET)}
    sheets = [node for node in book.iter() if _local(node.tag) == "sheet"]
    for sheet in sheets:
        ids = [v for k, v in sheet.attrib.items() if _local(k) == "id"]
        rid = ids[0] if ids else None
        if rid in targets:
            target = targets[rid]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if part not in parts:
                return None
            name = sheet.get("name") or ""
            names = [s.get("name") for s in sheets]
            plain = _plain(workbook, target, names.count(name), len(ids), [r.get("Id") for r in relations].count(rid))
            return _FirstSheet(part, name, plain)
    return None


_PLAIN_TARGET = re.compile(r"/xl/worksheets/[\w.-]+\.xml|worksheets/[\w.-]+\.xml")


def _plain(workbook: str, target: str, same_name: int, ids: int, same_id: int) -> bool:
    """Is the first worksheet found as calamine finds it, so the part scanned here is the part it reads?

    Found by its name (no other sheet has it) in xl/workbook.xml, through one relationship id, to a
    target that reads the same whether or not a reader resolves it against xl/.  A workbook that asks
    for more (a part elsewhere, two sheets of one name) is read by openpyxl, which streams."""
    return (
        workbook == "xl/workbook.xml"
        and same_name == 1
        and ids == 1
        and same_id == 1
        and bool(_PLAIN_TARGET.fullmatch(target))
    )


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
        places = _Places(prefix)
        tail = b""
        chunk = head
        while chunk:
            text = tail + chunk  # a tag split across two chunks is counted once: the tail is shorter than any tag
            scan.rows += text.count(row) - tail.count(row)
            scan.cells += text.count(cell) - tail.count(cell)
            problem = _over((scan.rows, 1), name, limits) or _cells_over(scan.cells, name, limits)
            if problem:
                return None, [problem]
            places.note(scan, text)
            if b"mergeCell" in text and len(merged) < 1000:
                merged.update(m.decode() for m in _MERGE.findall(text))
            tail = chunk[-64:]
            chunk = fh.read(CHUNK)
    scan.merged = sorted(merged, key=_merge_order)
    return scan, []


class _Places:
    """Where the cells say they are, and what calamine would read differently, noted chunk by chunk.

    Reading every cell's reference would cost more than the rest of the scan, so each chunk takes the
    references near its end as the furthest so far and asks one regular expression whether any cell
    of the chunk lies beyond them or does not say where it is (in a sheet written top to bottom, none
    does); only then are the chunk's references read one by one."""

    def __init__(self, prefix: bytes):
        self.cell = re.escape(b"<" + prefix + b"c")
        self.refs = re.compile(self.cell + rb' r="' + _REF)
        # a cell that does not say where it is, or says it oddly (a1, $A$1, A0, A01): readers place it as they
        # will.  A tag cut by the chunk's end is not one: the next chunk reads it whole.
        self.unplacing = rb'(?=[\s/>])(?! r="| (?:r=?)?\Z)| r="(?!' + _REF + rb"|[A-Za-z0-9$]{0,12}\Z)"
        self.unplaced = re.compile(self.cell + rb"(?:" + self.unplacing + rb")")
        self.long_number = re.compile(re.escape(b"<" + prefix + b"v") + rb"(?:\s[^>]*)?>\s*[-+]?\d{16}")
        self.row = b"<" + prefix + b'row r="'
        self.watch: re.Pattern[bytes] | None = None
        self.watch_of = (-1, -1)

    def note(self, scan: SheetScan, text: bytes) -> None:
        scan.errors = scan.errors or b' t="e"' in text or b" t='e'" in text
        last = text.rfind(self.row)
        if last >= 0:
            number = re.match(rb"\d{1,7}", text[last + len(self.row) : last + len(self.row) + 8])
            scan.last_row = int(number.group()) if number else scan.last_row
        scan.long_numbers = scan.long_numbers or self.long_number.search(text) is not None
        if scan.unplaced:
            return
        self._furthest(scan, self.refs.findall(text[-2048:]))
        if self._watch(scan).search(text):
            if self.unplaced.search(text):
                scan.unplaced = True
                return
            self._furthest(scan, self.refs.findall(text))

    @staticmethod
    def _furthest(scan: SheetScan, refs: list[tuple[bytes, bytes]]) -> None:
        if refs:
            scan.max_col = max(scan.max_col, *(_column_number(c) for c in {c for c, _ in refs}))
            scan.max_row = max(scan.max_row, *(int(r) for _, r in refs))

    def _watch(self, scan: SheetScan) -> re.Pattern[bytes]:
        """A cell that does not say where it is, or says a column or row past the furthest found so far."""
        if self.watch_of != (scan.max_col, scan.max_row):
            col = _greater(_letters(scan.max_col).encode() if scan.max_col else b"", b"A", b"A", b"Z", 3)
            row = _greater(str(scan.max_row).encode() if scan.max_row else b"", b"1", b"0", b"9", 7)
            beyond = rb' r="(?:' + col + rb"[1-9]\d{0,6}|[A-Z]{1,3}" + row + rb')"'
            self.watch = re.compile(self.cell + rb"(?:" + self.unplacing + rb"|" + beyond + rb")")
            self.watch_of = (scan.max_col, scan.max_row)
        return self.watch


_REF = rb'([A-Z]{1,3})([1-9]\d{0,6})"'


def _greater(value: bytes, first: bytes, low: bytes, high: bytes, longest: int) -> bytes:
    """A regular expression for the strings of ``first``–``high`` then ``low``–``high`` characters (no leading
    zero, up to ``longest`` long) that sort after ``value``: the longer ones, then those of its length that
    leave its path at a higher character ("F" → [G-Z] or two letters or more)."""
    n, top = len(value), high[0]
    options = []
    if n < longest:
        options.append(b"[%s-%s][%s-%s]{%d,%d}" % (first, high, low, high, n, longest - 1))
    for i, ch in enumerate(value):
        if ch < top:
            rest = b"[%s-%s]{%d}" % (low, high, n - i - 1) if i < n - 1 else b""
            options.append(re.escape(value[:i]) + b"[%c-%c]" % (ch + 1, top) + rest)
    return b"(?:" + b"|".join(options) + b")" if options else b"(?!)"


def _letters(number: int) -> str:
    """1 → A, 27 → AA: the column as Excel labels it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
