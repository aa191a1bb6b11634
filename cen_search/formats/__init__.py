"""Readers and writers for bibliographic export formats, behind one registry.

Use :func:`read_file` to read any supported export (format and encoding detected from the
content) and :func:`write_records` to write records in a writable format.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from cen_search.errors import FileFormatError, UnknownFormatError, UsageError
from cen_search.formats.base import Format, Parsed, Source
from cen_search.formats.textio import Decoded, decode
from cen_search.fsutil import read_regular_file
from cen_search.models import ReadIssue, ReadResult, Record

__all__ = [
    "Format",
    "Parsed",
    "Source",
    "all_formats",
    "detect_format",
    "get_format",
    "read_file",
    "read_text",
    "writable_format",
    "write_records",
]

# Registry order matters only to break sniffing ties: more specific formats first.
_MODULES = (
    "medline",
    "wos",
    "enw",
    "ovid",
    "endnote_xml",
    "ebsco_xml",
    "proquest",
    "ris",
    "bibtex",
    "jsonl",
    "csv",
)

_REGISTRY: dict[str, Format] | None = None


def _load() -> dict[str, Format]:
    global _REGISTRY
    if _REGISTRY is None:
        registry: dict[str, Format] = {}
        for name in _MODULES:
            try:
                module = importlib.import_module(f"cen_search.formats.{name}")
            except ModuleNotFoundError as exc:
                if exc.name == f"cen_search.formats.{name}":
                    continue
                raise
            fmt = Format(
                name=module.NAME,
                label=module.LABEL,
                extensions=tuple(module.EXTENSIONS),
                sniff=module.sniff,
                read=module.read,
                write=getattr(module, "write", None),
            )
            registry[fmt.name] = fmt
        _REGISTRY = registry
    return _REGISTRY


def all_formats() -> list[Format]:
    """Every registered format, in sniffing order."""
    return list(_load().values())


def get_format(name: str) -> Format:
    """The format registered under ``name``; raises :class:`UsageError` if there is none."""
    registry = _load()
    key = name.lower().lstrip(".")
    if key in registry:
        return registry[key]
    for fmt in registry.values():
        if f".{key}" in fmt.extensions:
            return fmt
    known = ", ".join(sorted(registry))
    raise UsageError(f"unknown format {name!r}", hint=f"use one of: {known}")


def writable_format(name: str, *, what: str) -> Format:
    """The format ``name`` (a format name, or an extension such as ``.ris``) names, to write
    to; ``what`` is where the name came from (``--to``, the output path), for the message.
    Raises :class:`UsageError` naming the formats and extensions that can be written."""
    writable = [fmt for fmt in all_formats() if fmt.writable]
    hint = (
        f"write one of: {', '.join(fmt.name for fmt in writable)} "
        f"(extensions {', '.join(fmt.extensions[0] for fmt in writable if fmt.extensions)})"
    )
    try:
        fmt = get_format(name)
    except UsageError:
        raise UsageError(f"{what}: unknown format {name!r} for writing", hint=hint) from None
    if not fmt.writable:
        raise UsageError(f"{what}: cannot write {fmt.label}", hint=hint)
    return fmt


def detect_format(text: str, path: str = "") -> Format:
    """The format ``text`` is written in, judged from its content; the extension breaks ties."""
    head = text[:20000]
    suffix = Path(path).suffix.lower()
    best: tuple[int, int, Format] | None = None
    for fmt in _load().values():
        score = fmt.sniff(head)
        if score <= 0:
            continue
        bonus = 1 if suffix in fmt.extensions else 0
        candidate = (score, bonus, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise UnknownFormatError(
            "cannot tell which export format this is",
            path=path or "<text>",
            hint=f"give --format ({', '.join(_load())})",
        )
    return best[2]


def read_text(text: str, source: Source, *, format: str | None = None) -> ReadResult:
    """Parse already-decoded ``text``; ``format`` skips detection."""
    fmt = get_format(format) if format else detect_format(text, source.file)
    parsed = fmt.read(text, source)
    return ReadResult(
        file=source.file,
        format=fmt.name,
        encoding=source.encoding,
        sha256=source.sha256,
        records=tuple(parsed.records),
        warnings=tuple(parsed.warnings),
        skipped=tuple(parsed.skipped),
    )


def read_file(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    database: str = "",
    platform: str = "",
    searched: str = "",
    display_path: str | None = None,
    data: bytes | None = None,
) -> ReadResult:
    """Read one export file of any supported format.

    The encoding and format are detected from the bytes unless given. Records that cannot be
    read are reported in :attr:`ReadResult.skipped` with their position; nothing is dropped
    silently. ``display_path`` is the path recorded in provenance (defaults to ``path``).
    ``data`` is the file's bytes when the caller has read them already (not read again).
    """
    path = Path(path)
    if data is None:
        data = read_regular_file(path)
    shown = display_path if display_path is not None else str(path)
    sha256, decoded = _hash_and_decode(data, shown, encoding)
    del data  # not needed while parsing: free the bytes now rather than after
    refuse_binary(decoded.text, shown)
    source = Source(
        file=shown,
        sha256=sha256,
        encoding=decoded.encoding,
        database=database,
        platform=platform,
        searched=searched,
    )
    result = read_text(decoded.text, source, format=format)
    if decoded.replaced_count:
        result = dataclasses.replace(
            result, warnings=(*_replaced_bytes(decoded, shown), *result.warnings)
        )
    if decoded.utf8_line_count:
        result = dataclasses.replace(
            result, warnings=(*_utf8_lines(decoded, shown), *result.warnings)
        )
    return result


def _utf8_lines(decoded: Decoded, shown: str) -> list[ReadIssue]:
    """One warning, at the first, for the UTF-8 lines of a file read in a legacy encoding."""
    others = [str(line) for line in decoded.utf8_lines[1:]]
    if decoded.utf8_line_count > len(decoded.utf8_lines):
        others.append("...")
    also = f" (so are lines {', '.join(others)})" if others else ""
    return [
        ReadIssue(
            shown,
            f"this line is UTF-8{also}, but most of the file is not, so it is read as "
            f"{decoded.encoding}: the file mixes encodings (exports joined together?) and "
            "these lines read as mojibake (Ã¼ for ü); save the file in one encoding, UTF-8, "
            "and read it again",
            line=decoded.utf8_lines[0],
        )
    ]


def _replaced_bytes(decoded: Decoded, shown: str) -> list[ReadIssue]:
    """One warning per byte that was not UTF-8 in a file read as UTF-8 (the first ones)."""
    issues = [
        ReadIssue(
            shown,
            f"byte 0x{byte:02x} is not UTF-8 (the rest of the file is): read as U+FFFD; "
            "check this line, or give --encoding if the file is in another encoding",
            line=line,
        )
        for line, byte in decoded.replaced
    ]
    if decoded.replaced_count > len(decoded.replaced):
        issues.append(
            ReadIssue(
                shown,
                f"{decoded.replaced_count - len(decoded.replaced)} more bytes "
                "that are not UTF-8 were read as U+FFFD",
            )
        )
    return issues


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def refuse_binary(text: str, shown: str) -> None:
    """Refuse text decoded from a binary file (a PDF, a zip, a Word document, an image):
    NUL characters, or more than one control character in a hundred, are not in any text
    export, and reading one "as CSV" would invent records from noise."""
    sample = text[:100_000]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or (controls > 8 and controls * 100 > len(sample)):
        raise FileFormatError(
            "is a binary file (NUL or control bytes), not a text export of records",
            path=shown,
            hint="export the records again as RIS, BibTeX, CSV, MEDLINE or XML; "
            "a PDF or zip cannot be read",
        )


# Files at least this big are hashed on a second thread while they are decoded: hashlib
# releases the GIL while it hashes, so where there is a free core the hash costs no time.
_HASH_ASIDE = 1 << 20


def _hash_and_decode(data: bytes, shown: str, encoding: str | None) -> tuple[str, Decoded]:
    """SHA-256 (hex) and decoded text of ``data``."""
    if len(data) < _HASH_ASIDE:
        return hashlib.sha256(data).hexdigest(), decode(data, path=shown, encoding=encoding)
    digest = hashlib.sha256()
    worker = threading.Thread(target=digest.update, args=(data,), daemon=True)
    try:
        worker.start()
    except RuntimeError:  # no thread to be had: hash here
        return hashlib.sha256(data).hexdigest(), decode(data, path=shown, encoding=encoding)
    try:
        decoded = decode(data, path=shown, encoding=encoding)
    finally:
        worker.join()
    return digest.hexdigest(), decoded


def write_records(records: Iterable[Record], fh: TextIO, *, format: str) -> int:
    """Write ``records`` to ``fh`` in ``format``; returns how many were written."""
    fmt = get_format(format)
    if fmt.write is None:
        writable = ", ".join(f.name for f in all_formats() if f.writable)
        raise UsageError(f"cannot write {fmt.label}", hint=f"write one of: {writable}")
    return fmt.write(records, fh)
