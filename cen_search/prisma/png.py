"""Just enough PNG to set upright phase labels into a rendered diagram, with the standard
library only (``zlib``).

Graphviz cannot turn one node's text on its side, and the template's phase labels
(Identification, Screening, Included) run up the left edge. So the diagram's PNG is rendered
with the phase boxes empty, each filled with its own marker colour; each label is rendered on
its own with the whole drawing rotated (``rotate=90``); :func:`compose` finds each marker box
and lays its label over it. Reads and writes 8-bit RGB and RGBA, non-interlaced — what
Graphviz's cairo renderer writes; anything else is refused with :class:`PngError` (the caller
then keeps the labels as plain text).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(ValueError):
    """A PNG this module does not read (or a damaged one)."""


@dataclass
class Image:
    """Pixels as RGBA rows."""

    width: int
    height: int
    rows: list[bytearray]

    def pixel(self, x: int, y: int) -> tuple[int, int, int, int]:
        r, g, b, a = self.rows[y][4 * x : 4 * x + 4]
        return r, g, b, a


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(SIGNATURE):
        raise PngError("not a PNG file")
    out, at = [], len(SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        out.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
        if kind == b"IEND":
            break
    return out


def size(data: bytes) -> tuple[int, int]:
    """(width, height) from the header."""
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR":
        raise PngError("no IHDR chunk")
    width, height = struct.unpack(">II", chunks[0][1][:8])
    return width, height


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data: bytes) -> Image:
    """The pixels of an 8-bit RGB or RGBA non-interlaced PNG, as RGBA."""
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or colour not in (2, 6) or interlace:
        raise PngError(f"unsupported PNG (bit depth {depth}, colour type {colour})")
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                up_left = previous[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, previous[i], up_left)) & 0xFF
        elif kind != 0:
            raise PngError(f"unknown filter type {kind}")
        previous = line
        if channels == 3:
            rgba = bytearray(width * 4)
            rgba[0::4], rgba[1::4], rgba[2::4] = line[0::3], line[1::3], line[2::3]
            rgba[3::4] = b"\xff" * width
            line = rgba
        rows.append(line)
    return Image(width, height, rows)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode(image: Image) -> bytes:
    """An 8-bit RGBA PNG of ``image`` (no filtering; zlib does the work)."""
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(row) for row in image.rows)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def find_colour(image: Image, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the pixels of exactly colour ``rgb`` (opaque), or None."""
    needle = bytes((*rgb, 255))
    left, top, right, bottom = image.width, -1, -1, -1
    for y, row in enumerate(image.rows):
        at = row.find(needle)
        while at != -1 and at % 4:
            at = row.find(needle, at + 1)
        if at == -1:
            continue
        last = row.rfind(needle)
        while last != -1 and last % 4:
            last = row.rfind(needle, 0, last)
        top = y if top < 0 else top
        bottom = y
        left = min(left, at // 4)
        right = max(right, last // 4)
    if top < 0:
        return None
    return left, top, right, bottom


def paste(image: Image, overlay: Image, *, centre: tuple[int, int]) -> None:
    """Alpha-blend ``overlay`` onto ``image`` centred at ``centre`` (clipped at the edges)."""
    x0 = centre[0] - overlay.width // 2
    y0 = centre[1] - overlay.height // 2
    for oy in range(overlay.height):
        y = y0 + oy
        if not 0 <= y < image.height:
            continue
        source, target = overlay.rows[oy], image.rows[y]
        for ox in range(overlay.width):
            x = x0 + ox
            alpha = source[4 * ox + 3]
            if not alpha or not 0 <= x < image.width:
                continue
            for c in range(3):
                under = target[4 * x + c]
                target[4 * x + c] = (source[4 * ox + c] * alpha + under * (255 - alpha)) // 255


def hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def compose(diagram: bytes, labels: dict[str, bytes]) -> bytes:
    """``diagram`` with each label PNG laid over the box of its marker colour (``labels``
    maps ``#RRGGBB`` markers to rendered label PNGs)."""
    image = decode(diagram)
    for marker, picture in labels.items():
        box = find_colour(image, hex_rgb(marker))
        if box is None:
            raise PngError(f"marker colour {marker} not found in the diagram")
        overlay = decode(picture)
        left, top, right, bottom = box
        paste(image, overlay, centre=((left + right + 1) // 2, (top + bottom + 1) // 2))
    return encode(image)
