"""Turning the bytes of an export into text: encoding detection and line endings.

Exports arrive as UTF-8 with or without a BOM, UTF-16 from old Windows and Mac tools, cp1252
from EndNote and JabRef, GBK from Chinese databases. The encoding used is always reported.
Line endings (CRLF, LF, bare CR, and mixes of them) are all turned into ``\\n`` so that line
numbers in messages match what an editor shows.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from cen_search.errors import EncodingError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"(?:%\s*Encoding:|charset=|encoding=[\"']?)\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
# Single-byte and CJK encodings tried, in order, when the bytes are not UTF-8.
_FALLBACKS = ("cp1252", "gbk", "latin-1")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text with ``\\n`` line endings and the encoding that produced it."""

    text: str
    encoding: str
    bom: bool = False
    """True when the file started with a byte-order mark."""


def normalise_newlines(text: str) -> str:
    """CRLF and bare CR become LF; stray byte-order marks are removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"cannot be decoded as {encoding} (byte 0x{data[exc.start]:02x})",
            path=path,
            line=_line_of(data, exc.start),
            hint="re-run with the right --encoding (utf-8, cp1252, gbk, utf-16)",
        ) from None
    except LookupError:
        raise EncodingError(
            f"unknown encoding {encoding!r}",
            path=path,
            hint="use a Python codec name such as utf-8, cp1252, gbk or utf-16",
        ) from None


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _guess_legacy(data: bytes) -> str:
    """Pick the most plausible legacy encoding for bytes that are not UTF-8."""
    candidates = []
    for encoding in _FALLBACKS:
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if len(candidates) == 1:
        return candidates[0][0]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=[c for c, _ in candidates]).best()
        if best is not None:
            return str(best.encoding).replace("_", "-")
    except Exception:  # noqa: BLE001 - detection is a hint; fall back to the first candidate
        pass
    return candidates[0][0]


def decode(data: bytes, *, path: str = "<bytes>", encoding: str | None = None) -> Decoded:
    """Decode the bytes of an export file.

    ``encoding`` forces a codec (``--encoding``); otherwise a BOM, strict UTF-8, an encoding
    declared in the file (``% Encoding: windows-1252``), UTF-16 without BOM, then cp1252 and GBK
    are tried in that order.
    """
    if encoding:
        text = _strict(data, encoding, path)
        return Decoded(normalise_newlines(text), encoding, bom=text.startswith("\ufeff"))
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(normalise_newlines(_strict(data, name, path)), name, bom=True)
    try:
        return Decoded(normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        return Decoded(normalise_newlines(_strict(data, utf16, path)), utf16)
    declared = _DECLARED.search(data[:2000])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            codecs.lookup(name)
            return Decoded(normalise_newlines(data.decode(name)), name)
        except (LookupError, UnicodeDecodeError):
            pass
    name = _guess_legacy(data)
    return Decoded(normalise_newlines(_strict(data, name, path)), name)
