"""Turning the bytes of an export into text: encoding detection and line endings.

Exports arrive as UTF-8 with or without a BOM, UTF-16 from old Windows and Mac tools, cp1252
from EndNote and JabRef, GBK from Chinese databases. The encoding used is always reported.
Line endings (CRLF, LF, bare CR, and mixes of them) are all turned into ``\\n`` so that line
numbers in messages match what an editor shows.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass

from cen_search.errors import EncodingError

# (byte-order mark, codec that decodes it, name reported). UTF-32 LE before UTF-16 LE: its
# BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
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
    replaced: tuple[tuple[int, int], ...] = ()
    """``(line, byte)`` of bytes that were not UTF-8 in a file read as UTF-8 (each read as
    U+FFFD), at most :data:`REPLACED_SHOWN` of them."""
    replaced_count: int = 0
    """How many bytes were replaced in all."""
    utf8_lines: tuple[int, ...] = ()
    """In a file read in a legacy encoding: lines (the first :data:`REPLACED_SHOWN`) that are
    UTF-8 with characters beyond ASCII, which that encoding shows as mojibake (``Ã¼``)."""
    utf8_line_count: int = 0
    """How many such lines in all."""


REPLACED_SHOWN = 20
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _mostly_utf8(data: bytes) -> Decoded | None:
    """The text of ``data`` that is UTF-8 except for a few bytes, those bytes replaced by
    U+FFFD and their lines recorded; ``None`` when the file is not mostly UTF-8.

    A file is mostly UTF-8 when it has more well-formed multi-byte UTF-8 characters than
    bytes that are not UTF-8: one stray byte must not turn 300 names into "JÃ¼rgen" by
    switching the whole file to cp1252. A file with no UTF-8 character at all is legacy
    throughout (cp1252, GBK ...), whatever it declares.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    bad = _NOT_UTF8.findall(text)
    if not bad or len(_NON_ASCII.findall(text)) <= len(bad):
        return None
    shown: list[tuple[int, int]] = []
    line, position = 1, 0
    for match in _NOT_UTF8.finditer(text):
        if len(shown) >= REPLACED_SHOWN:
            break
        line += normalise_newlines(text[position : match.start()]).count("\n")
        position = match.start()
        shown.append((line, ord(match.group(0)) - 0xDC00))
    repaired = _NOT_UTF8.sub("\ufffd", text)
    return Decoded(normalise_newlines(repaired), "utf-8", False, tuple(shown), len(bad))


def _with_utf8_lines(data: bytes, decoded: Decoded) -> Decoded:
    """``decoded`` (a legacy reading) with the lines that are UTF-8 beyond ASCII noted.

    A file read in a legacy encoding because most of its non-ASCII bytes are not UTF-8 may
    still hold whole lines of UTF-8 (exports from two tools joined together): those lines
    come out as mojibake. A whole line of legacy text is almost never valid UTF-8 (the byte
    patterns UTF-8 needs are rare in cp1252 or GBK text; a lone legacy character that happens
    to form one shares its line with bytes that do not), so such lines are worth a warning.
    """
    lines: list[int] = []
    total = 0
    text = normalise_newlines(data.decode("utf-8", errors="surrogateescape"))
    for number, line in enumerate(text.split("\n"), 1):
        if not line.isascii() and not _NOT_UTF8.search(line):
            total += 1
            if len(lines) < REPLACED_SHOWN:
                lines.append(number)
    if not total:
        return decoded
    return dataclasses.replace(decoded, utf8_lines=tuple(lines), utf8_line_count=total)


def normalise_newlines(text: str) -> str:
    """CRLF and bare CR become LF; stray byte-order marks are removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text


def _line_of(data: bytes, offset: int, encoding: str) -> int:
    """1-based line (as an editor counts CRLF, LF and CR) of byte ``offset``."""
    try:
        before = data[:offset].decode(encoding, errors="replace")
    except LookupError:
        before = data[:offset].decode("latin-1")
    return normalise_newlines(before).count("\n") + 1


def _undecodable(data: bytes, exc: UnicodeDecodeError, encoding: str, path: str) -> EncodingError:
    return EncodingError(
        f"cannot be decoded as {encoding} (byte 0x{data[exc.start]:02x})",
        path=path,
        line=_line_of(data, exc.start, encoding),
        hint="re-run with the right --encoding (utf-8, cp1252, gbk, utf-16)",
    )


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc, encoding, path) from None
    except LookupError:
        raise EncodingError(
            f"unknown encoding {encoding!r}",
            path=path,
            hint="use a Python codec name such as utf-8, cp1252, gbk or utf-16",
        ) from None


def _utf8(data: bytes, path: str, name: str) -> Decoded:
    """``data`` as UTF-8 (after its byte-order mark, if any), reported as ``name``: strictly,
    else with the few bytes that are not UTF-8 replaced and listed (:func:`_mostly_utf8`);
    :class:`EncodingError` naming the line when the file is not mostly UTF-8.

    Used for a UTF-8 byte-order mark and for a UTF-8 ``--encoding`` as well as for detection,
    so that reading a file again with the encoding reported for it (as the workspace reads
    its imports, with the manifest's encoding) gives the same text, not an error.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        return Decoded(normalise_newlines(body.decode("utf-8")), name, bom=bom)
    except UnicodeDecodeError as exc:
        mostly = _mostly_utf8(body)
        if mostly is None:
            raise _undecodable(body, exc, name, path) from None
        return dataclasses.replace(mostly, encoding=name, bom=bom)


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


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
    except Exception:
        pass
    return candidates[0][0]


def decode(data: bytes, *, path: str = "<bytes>", encoding: str | None = None) -> Decoded:
    """Decode the bytes of an export file.

    ``encoding`` forces a codec (``--encoding``; a UTF-8 one still allows a few bytes that are
    not, as detection does); otherwise a BOM, strict UTF-8, UTF-16 without
    BOM, UTF-8 with a few bytes that are not (see :func:`_mostly_utf8`: those bytes become
    U+FFFD and are listed in :attr:`Decoded.replaced`), an encoding declared in the file
    (``% Encoding: windows-1252``), then cp1252 and GBK are tried in that order. A forced
    encoding that cannot decode the bytes, or that turns UTF-16 into text full of NUL
    characters, raises :class:`EncodingError` naming the line.
    """
    if encoding:
        if _is_utf8(encoding):
            decoded = _utf8(data, path, encoding)
            text = decoded.text
        else:
            text = _strict(data, encoding, path)
            decoded = Decoded(normalise_newlines(text), encoding, bom=text.startswith("\ufeff"))
        if "\x00" in text:
            line = normalise_newlines(text[: text.index("\x00")]).count("\n") + 1
            raise EncodingError(
                f"decoding as {encoding} gives NUL characters: the file is probably UTF-16",
                path=path,
                line=line,
                hint="re-run with --encoding utf-16 (or leave --encoding out to detect it)",
            )
        return decoded
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                return _utf8(data, path, name)
            return Decoded(normalise_newlines(_strict(data, codec, path)), name, bom=True)
    utf16 = _looks_utf16(data) if b"\x00" in data[:4000] else None
    if utf16:  # before UTF-8: ASCII text in UTF-16 is also valid (NUL-filled) UTF-8
        return Decoded(normalise_newlines(_strict(data, utf16, path)), utf16)
    try:
        return Decoded(normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    declared = _DECLARED.search(data[:2000])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            if codecs.lookup(name).name.startswith(("utf-16", "utf-32")):
                # the declaration is spelled in 8-bit bytes, so the file is not UTF-16 or
                # UTF-32 (where it would hold NUL bytes): re-saved, it kept its header line
                raise LookupError(name)
            text = data.decode(name)
            legacy = Decoded(normalise_newlines(text), codecs.lookup(name).name)
            return legacy if _is_utf8(name) else _with_utf8_lines(data, legacy)
        except (LookupError, UnicodeDecodeError):
            pass
    name = _guess_legacy(data)
    return _with_utf8_lines(data, Decoded(normalise_newlines(_strict(data, name, path)), name))
