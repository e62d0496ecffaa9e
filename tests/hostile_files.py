"""Hostile files too big, too binary or too odd to commit, written at test time.

Each generator takes a folder and returns the file it wrote there; ``GENERATORS`` maps the names
that ``tests/data/hostile/*/cases.toml`` use (``generated = "xlsx_bomb"``) onto them.  Workbooks
are written part by part with a small zip writer, so a sheet of 1.9 GB of XML costs a few megabytes
and a second to make: its rows are identical, and a block of deflate output that ends in a full
flush can be repeated as it is.
"""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PROJECT = "上海体育公共服务经费"  # a project of the demo
BUDGET_HEADER = "项目名称,月份,当月支出,当月到位资金,备注\n"


# -- a zip writer that takes parts already compressed ----------------------------------------------
@dataclass
class Part:
    name: str
    data: bytes  # raw deflate stream
    crc: int
    size: int  # unpacked
    flags: int = 0


def deflated(name: str, data: bytes, level: int = 6) -> Part:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Part(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def repeated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Part:
    """``head + block * times + tail`` compressed by compressing ``block`` once."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    once = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert once == again, "a fully flushed block compresses the same every time"
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    data = first + once + again * (times - 1) + last
    return Part(name, data, crc, len(head) + len(block) * times + len(tail))


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A plain zip (no zip64: every part under 4 GB) of parts already deflated."""
    central, offset = [], 0
    with open(path, "wb") as fh:
        for p in parts:
            name = p.name.encode()
            fixed = struct.pack("<HHHHHIII", 20, p.flags, 8, 0, 0x21, p.crc, len(p.data), p.size)
            local = b"PK\x03\x04" + fixed + struct.pack("<HH", len(name), 0) + name
            fh.write(local)
            fh.write(p.data)
            central.append(
                b"PK\x01\x02"
                + struct.pack("<H", 20)
                + fixed
                + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
                + name
            )
            offset += len(local) + len(p.data)
        directory = b"".join(central)
        fh.write(directory)
        fh.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(parts), len(parts), len(directory), offset, 0))
    return path


def workbook_parts(sheet: Part, extra: list[Part] = ()) -> list[Part]:
    """The parts around one worksheet that make a workbook openpyxl and Excel open."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    return [
        deflated("[Content_Types].xml", types.encode()),
        deflated("_rels/.rels", root_rels.encode()),
        deflated("xl/workbook.xml", book.encode()),
        deflated("xl/_rels/workbook.xml.rels", book_rels.encode()),
        sheet,
        *extra,
    ]


def sheet_head(dimension: str | None = None, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>{dim}<{p}sheetData>'.encode()


def sheet_tail(prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    return f"</{p}sheetData></{p}worksheet>".encode()


def text_cell(text: str, ref: str = "", prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    r = f' r="{ref}"' if ref else ""
    return f'<{p}c{r} t="inlineStr"><{p}is><{p}t>{text}</{p}t></{p}is></{p}c>'


def random_rows(rows: int, cells: int, seed: int, prefix: str = "") -> bytes:
    """``rows`` rows of ``cells`` random numbers: over 32 KB they do not compress (deflate looks back 32 KB)."""
    rnd = random.Random(seed)
    p = f"{prefix}:" if prefix else ""
    return "".join(
        f"<{p}row>" + "".join(f"<{p}c><{p}v>{rnd.randrange(10**9)}</{p}v></{p}c>" for _ in range(cells)) + f"</{p}row>"
        for _ in range(rows)
    ).encode()


# -- workbooks -------------------------------------------------------------------------------------------
def xlsx_bomb(folder: Path) -> Path:
    """The issue's file: one sheet of 8,000 rows × 16,000 cells, 1.9 GB of XML in about 4 MB."""
    row = b"<row>" + b"<c><v>1</v></c>" * 16_000 + b"</row>"
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head("A1:WQJ8000"), row, 8_000, sheet_tail())
    return write_zip(folder / "bomb.xlsx", workbook_parts(sheet))


def xlsx_ratio_bomb(folder: Path) -> Path:
    """120 MB of identical cells (under the size limit) packed about 1000:1."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1_000 + b"</row>"
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head(), row, 8_000, sheet_tail())
    return write_zip(folder / "ratio_bomb.xlsx", workbook_parts(sheet))


def xlsx_million_rows(folder: Path) -> Path:
    """1,048,575 rows, the most Excel holds, as its <dimension> declares."""
    block = random_rows(1_000, 1, seed=1)
    head = sheet_head("A1:A1048575")
    sheet = repeated("xl/worksheets/sheet1.xml", head, block, 1_049, sheet_tail())
    return write_zip(folder / "million_rows.xlsx", workbook_parts(sheet))


def xlsx_rows_counted(folder: Path) -> Path:
    """250,000 rows with no <dimension>, with an ``x:`` prefix on every element: found by counting."""
    block = random_rows(1_000, 1, seed=2, prefix="x")
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head(prefix="x"), block, 250, sheet_tail("x"))
    return write_zip(folder / "rows_counted.xlsx", workbook_parts(sheet))


def xlsx_lying_dimension(folder: Path) -> Path:
    """<dimension ref="A1:B2"> over 250,000 rows."""
    block = random_rows(1_000, 1, seed=3)
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head("A1:B2"), block, 250, sheet_tail())
    return write_zip(folder / "lying_dimension.xlsx", workbook_parts(sheet))


def xlsx_cells_counted(folder: Path) -> Path:
    """1,100 rows × 2,000 cells (2.2 million) and no <dimension>."""
    block = random_rows(1, 2_000, seed=4)
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head(), block, 1_100, sheet_tail())
    return write_zip(folder / "cells_counted.xlsx", workbook_parts(sheet))


def xlsx_row_gap(folder: Path) -> Path:
    """A header, then one row numbered 1,048,576: the rows between are empty but a reader walks them."""
    body = f'<row r="1">{text_cell("项目名称", "A1")}</row><row r="1048576">{text_cell("x", "A1048576")}</row>'
    sheet = deflated("xl/worksheets/sheet1.xml", sheet_head() + body.encode() + sheet_tail())
    return write_zip(folder / "row_gap.xlsx", workbook_parts(sheet))


def xlsx_wide_sparse(folder: Path) -> Path:
    """Rows with a cell in column A and one in XFD (16,384): two cells written, 16,384 to read per row."""
    block = "".join(
        f'<row r="{r}">{text_cell("a", f"A{r}")}{text_cell("b", f"XFD{r}")}</row>' for r in range(1, 301)
    ).encode()
    sheet = deflated("xl/worksheets/sheet1.xml", sheet_head() + block + sheet_tail())
    return write_zip(folder / "wide_sparse.xlsx", workbook_parts(sheet))


def xlsx_entity(folder: Path) -> Path:
    """Nested XML entities (a "billion laughs") in the sheet."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN_NS}"><sheetData>'
        f'<row r="1">{text_cell("项目名称")}{text_cell("&l9;")}</row></sheetData></worksheet>'
    )
    return write_zip(folder / "entity.xlsx", workbook_parts(deflated("xl/worksheets/sheet1.xml", xml.encode())))


def _budget_sheet(rows: list[list[str]]) -> bytes:
    body = "".join("<row>" + "".join(text_cell(v) for v in row) + "</row>" for row in rows)
    return sheet_head() + body.encode() + sheet_tail()


def _budget_rows() -> list[list[str]]:
    return [["项目名称", "月份", "当月支出"], [PROJECT, "2020-03", "100"]]


def xlsx_encrypted_part(folder: Path) -> Path:
    """A zip whose parts are marked encrypted (ZipCrypto)."""
    sheet = deflated("xl/worksheets/sheet1.xml", _budget_sheet(_budget_rows()))
    parts = workbook_parts(sheet)
    for p in parts:
        p.flags |= 0x1
    return write_zip(folder / "encrypted_part.xlsx", parts)


def xlsx_ole(folder: Path) -> Path:
    """What Excel writes for a password-protected workbook (and an old .xls): an OLE container, not a zip."""
    path = folder / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage" * 32)
    return path


def xlsx_bad_crc(folder: Path) -> Path:
    sheet = deflated("xl/worksheets/sheet1.xml", _budget_sheet(_budget_rows()))
    sheet.crc ^= 0xFFFF
    return write_zip(folder / "bad_crc.xlsx", workbook_parts(sheet))


def xlsx_truncated(folder: Path) -> Path:
    whole = write_zip(folder / "whole.xlsx", workbook_parts(deflated("xl/worksheets/sheet1.xml", _budget_sheet([]))))
    path = folder / "truncated.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def zip_not_workbook(folder: Path) -> Path:
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "预算执行情况见附件")
        zf.writestr("budget.csv", BUDGET_HEADER)
    return path


def xlsx_merged(folder: Path) -> Path:
    """A title merged over the header row, as many hand-made sheets have it."""
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "月份", "当月支出"])
    ws.append([PROJECT, "2020-03", 100])
    ws.append([PROJECT, "2020-04", 200])
    ws.merge_cells("A2:A3")
    path = folder / "merged.xlsx"
    wb.save(path)
    return path


# -- CSV files with bytes that do not belong in a committed text file -----------------------------------------
def _csv(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def csv_cr_only(folder: Path) -> Path:
    """Line endings of the old Mac (CR alone), and an unknown project on row 3."""
    text = BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n不存在的项目,2020-04,100,,\n"
    return _csv(folder, "cr_only.csv", text.replace("\n", "\r").encode())


def csv_huge_field(folder: Path) -> Path:
    """A 备注 of 200,000 characters on row 3 (the csv module's own limit is 131,072)."""
    text = BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n{PROJECT},2020-04,100,,{'长' * 200_000}\n"
    return _csv(folder, "huge_field.csv", text.encode())


def csv_mixed_encoding(folder: Path) -> Path:
    """UTF-8, with row 4 saved as GBK."""
    head = (BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n{PROJECT},2020-04,100,,\n").encode()
    return _csv(folder, "mixed.csv", head + f"{PROJECT},2020-05,100,,五月\n".encode("gbk"))


def csv_gbk_with_utf8_line(folder: Path) -> Path:
    """GBK, as Excel in China saves it, with row 3 pasted in as UTF-8."""
    head = (BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n").encode("gbk")
    return _csv(folder, "gbk_mixed.csv", head + f"{PROJECT},2020-04,100,,四月\n".encode())


def csv_nul(folder: Path) -> Path:
    text = BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n{PROJECT},2020-04,100,,备\x00注\n"
    return _csv(folder, "nul.csv", text.encode())


def csv_utf16(folder: Path) -> Path:
    return _csv(folder, "utf16.csv", (BUDGET_HEADER + f"{PROJECT},2020-03,100,,\n").encode("utf-16"))


def csv_ansi_name(folder: Path) -> Path:
    """A project name that would repaint a terminal: ESC [31m … ESC [0m."""
    text = BUDGET_HEADER + "\x1b[31m红色项目\x1b[0m,2020-03,100,,\n"
    return _csv(folder, "ansi.csv", text.encode())


def csv_long_name(folder: Path) -> Path:
    """A project name of 100,000 characters."""
    return _csv(folder, "long_name.csv", (BUDGET_HEADER + "名" * 100_000 + ",2020-03,100,,\n").encode())


def csv_too_many_rows(folder: Path) -> Path:
    """200,001 data rows of one cell each: past max_rows (200,000) while still small."""
    return _csv(folder, "many_rows.csv", ("项目名称\n" + "x\n" * 200_001).encode())


def csv_too_big(folder: Path) -> Path:
    """21 MB: past max_file_mb (20)."""
    row = f"{PROJECT},2020-03,100,,{'备' * 300}\n".encode()
    return _csv(folder, "too_big.csv", BUDGET_HEADER.encode() + row * (21 * 1024 * 1024 // len(row) + 1))


def xlsx_as_csv(folder: Path) -> Path:
    """A workbook renamed .csv."""
    book = xlsx_merged(folder)
    return _csv(folder, "workbook.csv", book.read_bytes())


GENERATORS: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in (
        xlsx_bomb,
        xlsx_ratio_bomb,
        xlsx_million_rows,
        xlsx_rows_counted,
        xlsx_lying_dimension,
        xlsx_cells_counted,
        xlsx_row_gap,
        xlsx_wide_sparse,
        xlsx_entity,
        xlsx_encrypted_part,
        xlsx_ole,
        xlsx_bad_crc,
        xlsx_truncated,
        zip_not_workbook,
        xlsx_merged,
        csv_cr_only,
        csv_huge_field,
        csv_mixed_encoding,
        csv_gbk_with_utf8_line,
        csv_nul,
        csv_utf16,
        csv_ansi_name,
        csv_long_name,
        csv_too_many_rows,
        csv_too_big,
        xlsx_as_csv,
    )
}
