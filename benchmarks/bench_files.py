"""Input files for benchmarks/run_all.py: hotline tickets as CSV and XLSX, and the "no formatting" outputs
(the forms' cells in a bare workbook, their text in a bare PDF) that the exports are compared with.

The ticket files are cached in the temporary folder like the city (``tickets_path``), made once per size:
the largest legal sheet (1,048,575 rows) takes a minute or two to write.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import zipfile
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

TICKETS_VERSION = "t1"  # in the cached file's name: a change in the generator below makes new files
HEADER = ["工单编号", "项目名称", "派单时间", "接单时间", "办结时间", "工单状态"]


def tickets_path(rows: int, fmt: str) -> Path:
    return Path(tempfile.gettempdir()) / f"perfboard_tickets_{TICKETS_VERSION}_{rows}.{fmt}"


def ticket_rows(rows: int, project: str):
    """``rows`` hotline tickets of 2020 for ``project``, as the 12345 export has them (text cells)."""
    rng = random.Random(1)
    start = datetime(2020, 1, 1)
    for i in range(rows):
        received = start + timedelta(minutes=rng.randint(0, 364 * 24 * 60))
        accepted = received + timedelta(minutes=rng.randint(1, 600))
        closed = received + timedelta(hours=rng.randint(1, 100))
        done = closed.year == 2020 and rng.random() < 0.95
        yield [
            f"U{i:08d}",
            project,
            f"{received:%Y-%m-%d %H:%M}",
            f"{accepted:%Y-%m-%d %H:%M}",
            f"{closed:%Y-%m-%d %H:%M}" if done else "",
            "已办结" if done else "处理中",
        ]


def tickets_file(rows: int, fmt: str, project: str) -> Path:
    """The cached ticket file (CSV as UTF-8 with BOM, or XLSX as Excel writes it), made if missing."""
    path = tickets_path(rows, fmt)
    marker = path.with_name(path.name + ".project")
    if path.exists() and marker.exists() and marker.read_text(encoding="utf-8") == project:
        return path
    part = path.with_name(path.name + ".part")
    if fmt == "xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(part), {"constant_memory": True})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, HEADER)
        for r, row in enumerate(ticket_rows(rows, project), start=1):
            ws.write_row(r, 0, row)
        wb.close()
    else:
        with open(part, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(ticket_rows(rows, project))
    part.replace(path)
    marker.write_text(project, encoding="utf-8")
    return path


# The exports' "physical limit": the same content with no layout.


def form_rows(form) -> list[list]:
    """A form's cells with no layout: one row per field, then one row per indicator with its fields."""
    data = asdict(form)
    indicators = data.pop("indicators")
    rows: list[list] = [[k, v if isinstance(v, (int, float, str)) or v is None else str(v)] for k, v in data.items()]
    for ind in indicators:
        rows.append([v if isinstance(v, (int, float, str)) or v is None else str(v) for v in ind.values()])
    return rows


def bare_workbook(forms: list) -> bytes:
    """The forms' cells in one sheet, no formats, no merges, no widths, with the exports' own writer
    (xlsxwriter, in memory): openpyxl's write-only mode takes about twice as long per file."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    r = 0
    for form in forms:
        for row in form_rows(form):
            ws.write_row(r, 0, row)
            r += 1
    wb.close()
    return buffer.getvalue()


def bare_pdf(forms: list) -> bytes:
    """The forms' text in a PDF written by hand: one line per row, 60 lines a page, a CJK font that is
    named and not embedded (STSong-Light, which every PDF reader has), so no font is read or subset."""
    lines = [" ".join("" if v is None else str(v) for v in row) for form in forms for row in form_rows(form)]
    pages = [lines[k : k + 60] for k in range(0, len(lines), 60)] or [[]]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for page in pages:
        text = b"BT /F1 8 Tf 10 TL 36 806 Td " + b"".join(
            b"<" + line[:120].encode("utf-16-be").hex().encode() + b"> Tj T* " for line in page
        )
        stream = text + b"ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (len(objects))
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def write_bare(out: Path, forms: list, render, ext: str) -> int:
    """Like the export: a file per form, the combined file and a ZIP of them; returns the files' bytes."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for k, form in enumerate(forms):
        path = out / f"form_{k:05d}.{ext}"
        path.write_bytes(render([form]))
        files.append(path)
    combined = out / f"all.{ext}"
    combined.write_bytes(render(forms))
    files.append(combined)
    with zipfile.ZipFile(out / "all.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.name)
    return sum(p.stat().st_size for p in files)
