"""The damaged inputs issue 9 found the readers failing on, with the outcome each must have.

Each case is ``(name, bytes, forced format or None, expectation)``; the expectation gets the
bytes and format and says whether the read now does what it must (the read itself must also
pass :func:`benchmarks.reliability._reader_inputs.check`: no traceback, no hang).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from benchmarks.reliability._reader_inputs import FORMATS_DIR, SHOWN
from cen_search.errors import CenSearchError, FileFormatError
from cen_search.formats import read_file

Expectation = Callable[[bytes, "str | None"], bool]
_NAMES = ("Jürgen", "Gößling", "Müller", "Ångström", "Peña")


def _ris(count: int) -> bytes:
    return "".join(
        f"TY  - JOUR\nAU  - {_NAMES[i % 5]}, A\nTI  - Title {i}\nER  - \n\n" for i in range(count)
    ).encode()


def _read(data: bytes, fmt: str | None):  # type: ignore[no-untyped-def]
    return read_file(SHOWN, data=data, format=fmt)


def _refused(data: bytes, fmt: str | None, words: str) -> bool:
    try:
        _read(data, fmt)
    except CenSearchError as exc:
        return words in str(exc)
    return False


def _one_stray_byte(data: bytes, fmt: str | None) -> bool:
    result = _read(data, fmt)
    names = [a.family for r in result.records[:5] for a in r.authors]
    return (
        result.encoding == "utf-8"
        and names == list(_NAMES)
        and any("not UTF-8" in w.message and w.line for w in result.warnings)
    )


def _jsonl_skipped(data: bytes, fmt: str | None) -> bool:
    result = _read(data, fmt)
    return len(result.records) == 1 and len(result.skipped) == 1 and bool(result.skipped[0].line)


def _short(data: bytes, fmt: str | None) -> bool:
    result = _read(data, fmt)
    return result.incomplete and result.lost > 0


def _csv_rows() -> bytes:
    rows = ["id,title,authors,year"] + [
        f'{i},Title {i},"Smith, J",{2000 + i % 20}' for i in range(1, 101)
    ]
    rows[10] = '10,"Title 10 with an unclosed quote,Smith,2001'
    return ("\n".join(rows) + "\n").encode()


def _truncated_endnote() -> bytes:
    data = (FORMATS_DIR / "endnote_small.xml").read_bytes()
    second = data.index(b"<record>", data.index(b"<record>") + 1)
    return data[: second + 60] + b"<broken" + data[second + 60 :]


def cases() -> Iterator[tuple[str, bytes, str | None, Expectation]]:
    good = _ris(300)
    at = good.index(b"Title 150")
    yield "#6 one stray byte in UTF-8", good[:at] + b"\xe9" + good[at:], None, _one_stray_byte
    deep = b'{"title":"kept"}\n{"title":' + b"[" * 50_000 + b"]" * 50_000 + b"}\n"
    yield "#7 JSON Lines nested 50,000 deep", deep, "jsonl", _jsonl_skipped
    typed = b'{"title":"kept"}\n{"title":"x","pages":{"start":5}}\n'
    yield "#7 JSON Lines pages.start a number", typed, "jsonl", _jsonl_skipped
    yield "#11 CSV unclosed quote", _csv_rows(), None, _short
    yield "#16 BOM-only file", b"\xef\xbb\xbf", None, lambda d, f: _refused(d, f, "")
    yield "#16 truncated EndNote XML", _truncated_endnote(), None, _short
    binary = b"%PDF-1.7\n" + bytes(range(256)) * 40
    yield "#16 binary read as CSV", binary, "csv", lambda d, f: _refused(d, f, "binary")


def device_is_refused() -> bool:
    """#14: /dev/zero is refused before it is read (checked apart: it is not bytes)."""
    from cen_search.reading import read_export

    try:
        read_export("/dev/zero")
    except FileFormatError:
        return False
    except CenSearchError as exc:
        return "not a regular file" in str(exc)
    return False
