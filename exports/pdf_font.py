"""The CJK font program of one PDF of a batch, assembled from bytes prepared once for the batch (docs/design.md §4).

fpdf2 subsets the font again for every file it writes (fontTools decompiles, closes over and recompiles every
glyph's outline), which was half the time of a form. Every file of a batch prints from the same batch font
(``forms_pdf.prepare_font``), its glyphs under the same codes, so here the batch font's CFF table is split once
into its parts, and a file's font is those parts with the charstrings of the glyphs the file does not use left
empty (one ``endchar`` byte each): a valid CID-keyed CFF font, the same for every file but for its outlines.

The layout puts the CharStrings INDEX last and writes every offset in the dictionaries as a five-byte integer, so
the bytes before the charstrings are fixed for the batch (only the font's box, in fixed-length operands too, is
patched per file). Glyph ids and CIDs are those of the batch font: the file's encoding, widths and ToUnicode
CMap are written as fpdf2 writes them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from fontTools.ttLib import TTFont

EMPTY_GLYPH = b"\x0e"  # endchar: an empty outline, the Private dictionary's default width
# DICT operators holding offsets (Top DICT: charset, CharStrings, FDArray, FDSelect; Font DICT: Private)
CHARSET, CHARSTRINGS, PRIVATE, SUBRS = b"\x0f", b"\x11", b"\x12", b"\x13"
FDARRAY, FDSELECT, FONTBBOX = b"\x0c\x24", b"\x0c\x25", b"\x05"


def _read_index(data: bytes, pos: int) -> tuple[list[bytes], int]:
    """A CFF INDEX at ``pos``: its items and the position after it."""
    (count,) = struct.unpack_from(">H", data, pos)
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    start = pos + 3
    offsets = [int.from_bytes(data[start + k * size : start + (k + 1) * size], "big") for k in range(count + 1)]
    base = start + (count + 1) * size - 1  # offsets count from the byte before the data
    return [data[base + offsets[k] : base + offsets[k + 1]] for k in range(count)], base + offsets[-1]


def _index(items: list[bytes]) -> bytes:
    """A CFF INDEX of ``items``, its offsets as short as they can be."""
    if not items:
        return b"\x00\x00"
    offsets = list(accumulate(map(len, items), initial=1))
    size = (offsets[-1].bit_length() + 7) // 8 or 1
    if size == 4:
        packed = struct.pack(f">{len(offsets)}L", *offsets)
    elif size == 2:
        packed = struct.pack(f">{len(offsets)}H", *offsets)
    elif size == 1:
        packed = bytes(offsets)
    else:  # three bytes: the low three of each four
        whole = struct.pack(f">{len(offsets)}L", *offsets)
        packed = b"".join(whole[k + 1 : k + 4] for k in range(0, len(whole), 4))
    return struct.pack(">HB", len(items), size) + packed + b"".join(items)


def _parse_dict(data: bytes) -> list[tuple[bytes, list[int | float], bytes]]:
    """A CFF DICT as (operator, operands, operands' bytes) in order."""
    out, operands, start, pos = [], [], 0, 0
    while pos < len(data):
        b0 = data[pos]
        if b0 <= 21:  # an operator (12: two bytes)
            size = 2 if b0 == 12 else 1
            out.append((data[pos : pos + size], operands, data[start:pos]))
            pos += size
            operands, start = [], pos
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, pos + 1)[0])
            pos += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, pos + 1)[0])
            pos += 5
        elif b0 == 30:  # a real: nibbles up to 0xf; never an offset, kept as bytes
            pos += 1
            while data[pos] & 0x0F != 0x0F and data[pos] >> 4 != 0x0F:
                pos += 1
            pos += 1
            operands.append(0.0)
        elif b0 <= 246:
            operands.append(b0 - 139)
            pos += 1
        elif b0 <= 250:
            operands.append((b0 - 247) * 256 + data[pos + 1] + 108)
            pos += 2
        else:
            operands.append(-(b0 - 251) * 256 - data[pos + 1] - 108)
            pos += 2
    return out


def _int5(*values: int) -> bytes:
    """Integers as five-byte DICT operands: their length does not depend on their value."""
    return b"".join(b"\x1d" + struct.pack(">i", v) for v in values)


def _box(values: list[int]) -> bytes:
    """The FontBBox as three-byte operands: a fixed length too, and read as integers by FreeType (which reads a
    five-byte operand there as 16.16 fixed point, so poppler rendered the glyphs differently)."""
    return b"".join(b"\x1c" + struct.pack(">h", v) for v in values)


def _charset_length(data: bytes, pos: int, glyphs: int) -> int:
    fmt, covered, end = data[pos], 1, pos + 1  # .notdef is not listed
    if fmt == 0:
        return 1 + 2 * (glyphs - 1)
    while covered < glyphs:
        left = data[end + 2] if fmt == 1 else struct.unpack_from(">H", data, end + 2)[0]
        covered += left + 1
        end += 3 if fmt == 1 else 4
    return end - pos


def _fdselect_length(data: bytes, pos: int, glyphs: int) -> int:
    if data[pos] == 0:
        return 1 + glyphs
    (ranges,) = struct.unpack_from(">H", data, pos + 1)  # format 3
    return 1 + 2 + 3 * ranges + 2


@dataclass(eq=False)
class SparseCff:
    """The batch font's CFF table split once: the fixed bytes before the charstrings, and every charstring."""

    prefix: bytes
    bbox_at: int | None  # where the Top DICT's FontBBox operands (12 bytes) start in ``prefix``
    charstrings: list[bytes]

    @classmethod
    def from_font(cls, path: Path) -> SparseCff:
        font = TTFont(path, lazy=True)
        try:
            data = font.reader["CFF "]
        finally:
            font.close()
        pos = data[2]  # header size
        (name,), pos = _read_index(data, pos)
        (top,), pos = _read_index(data, pos)
        strings, pos = _read_index(data, pos)
        gsubrs, pos = _read_index(data, pos)
        ops = _parse_dict(top)
        at = {op: values for op, values, _ in ops}
        if FDARRAY not in at or FDSELECT not in at:
            raise ValueError("not a CID-keyed CFF font")
        charstrings, _ = _read_index(data, at[CHARSTRINGS][0])
        glyphs = len(charstrings)
        charset = data[at[CHARSET][0] :][: _charset_length(data, at[CHARSET][0], glyphs)]
        fdselect = data[at[FDSELECT][0] :][: _fdselect_length(data, at[FDSELECT][0], glyphs)]
        font_dicts, _ = _read_index(data, at[FDARRAY][0])
        privates = []
        for fd in font_dicts:
            size, offset = {op: v for op, v, _ in _parse_dict(fd)}[PRIVATE]
            private = data[offset : offset + size]
            if SUBRS in {op for op, _, _ in _parse_dict(private)}:
                raise ValueError("local subroutines: the batch font is desubroutinized")
            privates.append(private)

        def top_dict(offsets: dict[bytes, int]) -> tuple[bytes, int]:
            out, bbox_at = b"", None
            for op, values, raw in ops:
                if op in offsets:
                    raw = _int5(offsets[op])
                elif op == FONTBBOX:
                    bbox_at, raw = len(out), _box([int(v) for v in values])
                out += raw + op
            return out, bbox_at

        def font_dict(fd: bytes, size: int, offset: int) -> bytes:
            return b"".join((_int5(size, offset) if op == PRIVATE else raw) + op for op, _, raw in _parse_dict(fd))

        # two passes: the dictionaries' lengths do not depend on the offsets written in them
        offsets = dict.fromkeys((CHARSET, FDSELECT, FDARRAY, CHARSTRINGS), 0)
        for _ in range(2):
            head = b"\x01\x00\x04\x04" + _index([name])
            top_bytes, bbox_at = top_dict(offsets)
            head += _index([top_bytes])
            if bbox_at is not None:
                bbox_at += len(head) - len(top_bytes)
            head += _index(strings) + _index(gsubrs)
            offsets[CHARSET] = len(head)
            offsets[FDSELECT] = offsets[CHARSET] + len(charset)
            offsets[FDARRAY] = offsets[FDSELECT] + len(fdselect)
            fd_length = len(_index([font_dict(fd, 0, 0) for fd in font_dicts]))
            private_at = offsets[FDARRAY] + fd_length
            fds = []
            for fd, private in zip(font_dicts, privates, strict=True):
                fds.append(font_dict(fd, len(private), private_at))
                private_at += len(private)
            offsets[CHARSTRINGS] = private_at
        prefix = head + charset + fdselect + _index(fds) + b"".join(privates)
        assert len(prefix) == offsets[CHARSTRINGS]
        return cls(prefix, bbox_at, charstrings)

    def program(self, glyph_ids: set[int], bbox: list[int] | None = None) -> bytes:
        """The font program of a file printing ``glyph_ids`` (.notdef always kept), its box set to ``bbox``."""
        prefix = self.prefix
        if bbox is not None and self.bbox_at is not None:
            prefix = prefix[: self.bbox_at] + _box(bbox) + prefix[self.bbox_at + 12 :]
        items = [EMPTY_GLYPH] * len(self.charstrings)
        for gid in glyph_ids | {0}:
            items[gid] = self.charstrings[gid]
        return prefix + _index(items)
