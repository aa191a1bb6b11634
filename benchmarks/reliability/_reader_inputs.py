"""Damaged input for the readers, and the one check every read must pass.

Shared by the ``readers`` section of the reliability report, the property-based tests
(``tests/test_readers_properties.py``) and the coverage-guided fuzzer (``nox -s fuzz``).

:func:`check` reads bytes as the CLI does (``read_file``: decoding, detection or a forced
format, the binary refusal) under a time limit and classifies the outcome:

``records``  records were read, and if the text shows more record starts than records (see
             :func:`record_starts`) the result says so (skipped records, warnings, a loss);
``refused``  a :class:`~cen_search.errors.CenSearchError` naming the file, or no records
             (the CLI then refuses the file with its reasons);
``traceback`` any other exception; ``hang`` the time limit passed; ``short`` fewer records
             than record starts without a word about it.
"""

from __future__ import annotations

import re
import signal
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cen_search.errors import CenSearchError
from cen_search.formats import all_formats, read_file

ROOT = Path(__file__).resolve().parents[2]
FORMATS_DIR = ROOT / "tests" / "data" / "formats"
SHOWN = "fuzzed-input"
"""The file name reads are given (every refusal must name it)."""

SEEDS: dict[str, tuple[str, ...]] = {
    "ris": ("apa-psycnet_colrev.ris", "ieee-xplore_colrev.ris", "trid_colrev.ris"),
    "medline": ("pubmed-multiple_jabref.txt", "eric_colrev.nbib"),
    "wos": ("wos-plaintext_rispy-trimmed.txt",),
    "enw": ("endnote-tagged-ais_colrev.enw",),
    "ovid": ("ovid-display-format_jabref-trimmed.txt",),
    "endnote-xml": ("endnote_small.xml",),
    "ebsco-xml": ("ebscohost-export-layout.xml",),
    "proquest": ("proquest-torontostar_importproquest-trimmed.txt",),
    "bibtex": ("quirks.bib",),
    "csv": ("rayyan_articles.csv", "covidence_export.csv", "wos_tab_delimited.txt"),
    "jsonl": (),  # written from the RIS seeds by seed_bytes()
}
"""Small real exports in ``tests/data/formats`` that the mutations start from, by format."""

# Lines or tags that start a record, by format: a read with fewer records than these must say
# why (a skipped record, a warning, a loss). None: no reliable count (CSV, ProQuest).
_STARTS: dict[str, re.Pattern[str]] = {
    "ris": re.compile(r"^\ufeff?TY  - ", re.MULTILINE),
    "medline": re.compile(r"^PMID- ", re.MULTILINE),
    "wos": re.compile(r"^PT ", re.MULTILINE),
    "enw": re.compile(r"^%0 ", re.MULTILINE),
    "endnote-xml": re.compile(r"<record>"),
    "ebsco-xml": re.compile(r"<rec[\s>]"),
    "bibtex": re.compile(r"^\s*@(?!string|comment|preamble)[A-Za-z_]+\s*[{(]", re.I | re.M),
    "jsonl": re.compile(r"^\{", re.MULTILINE),
}


def formats() -> list[str]:
    """Every registered format (each is tried forced, and detection too)."""
    return [fmt.name for fmt in all_formats()]


def seed_bytes() -> dict[str, list[bytes]]:
    """The seed files' bytes by format (JSON Lines written from the RIS seeds)."""
    out = {
        fmt: [(FORMATS_DIR / name).read_bytes() for name in names] for fmt, names in SEEDS.items()
    }
    import io

    from cen_search.formats import write_records

    records = [r for data in out["ris"] for r in read_file(SHOWN, data=data).records]
    buffer = io.StringIO()
    write_records(records, buffer, format="jsonl")
    out["jsonl"] = [buffer.getvalue().encode("utf-8")]
    return out


def record_starts(fmt: str, text: str) -> int | None:
    """How many records the text's own structure shows for ``fmt``; None when unknown."""
    pattern = _STARTS.get(fmt)
    return None if pattern is None else len(pattern.findall(text))


# -- mutations ------------------------------------------------------------------------------

MUTATIONS = (
    "truncate",
    "flip",
    "delete-line",
    "duplicate-line",
    "swap-lines",
    "insert",
    "crlf",
    "strip-newlines",
    "cp1252",
    "utf16",
)
_INSERTS = (
    b'"',
    b"{",
    b"}",
    b"<",
    b"</",
    b">",
    b"\x00",
    b"\xff",
    b"\r",
    b"\n\n",
    b"@",
    b"%0 ",
    b"TY  - ",
    b"ER  - ",
    b"&",
    b"]]>",
    b"\xef\xbb\xbf",
    b"\x1a",
    b"\\",
    b"PMID- ",
)


def mutate(data: bytes, steps: Sequence[tuple[int, int, int]]) -> bytes:
    """``data`` changed by each ``(operation, position, value)`` step in turn (operations
    index :data:`MUTATIONS`; positions and values are taken modulo what fits)."""
    for op, position, value in steps:
        name = MUTATIONS[op % len(MUTATIONS)]
        size = max(len(data), 1)
        at = position % size
        lines = data.split(b"\n")
        line = position % max(len(lines), 1)
        if name == "truncate":
            data = data[:at]
        elif name == "flip":
            data = data[:at] + bytes([value % 256]) + data[at + 1 :]
        elif name == "delete-line":
            data = b"\n".join(lines[:line] + lines[line + 1 :])
        elif name == "duplicate-line":
            data = b"\n".join(lines[: line + 1] + lines[line:])
        elif name == "swap-lines":
            other = value % max(len(lines), 1)
            lines[line], lines[other] = lines[other], lines[line]
            data = b"\n".join(lines)
        elif name == "insert":
            data = data[:at] + _INSERTS[value % len(_INSERTS)] + data[at:]
        elif name == "crlf":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        elif name == "strip-newlines":
            data = data.replace(b"\r", b"")
        elif name == "cp1252":
            data = data.decode("utf-8", "replace").encode("cp1252", "replace")
        elif name == "utf16":
            data = data.decode("utf-8", "replace").encode("utf-16")
    return data


# -- the check ------------------------------------------------------------------------------


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimeUp` in this (main) thread after ``seconds``."""

    def alarm(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    kind: str
    """records, refused, traceback, hang or short (see the module docstring)."""
    detail: str = ""
    records: int = 0
    lost: int = 0
    """For ``short``: records the text shows that were neither read nor reported."""

    @property
    def ok(self) -> bool:
        return self.kind in ("records", "refused")


def check(data: bytes, fmt: str | None, *, seconds: float = 10.0) -> Outcome:
    """Read ``data`` (as ``fmt``, or detected) and classify what happened."""
    try:
        with _time_limit(seconds):
            result = read_file(SHOWN, data=data, format=fmt)
    except _TimeUp:
        return Outcome("hang", f"no result after {seconds} s")
    except CenSearchError as exc:
        if SHOWN not in str(exc):
            return Outcome("traceback", f"error without the file name: {exc}")
        return Outcome("refused", str(exc)[:200])
    except RecursionError as exc:  # (not an Exception subclass check: listed for clarity)
        return Outcome("traceback", f"RecursionError: {exc}"[:2000])
    except Exception as exc:
        return Outcome("traceback", "".join(traceback.format_exception(exc))[-2000:])
    if not result.records:
        return Outcome("refused", "no records")
    starts = record_starts(result.format, _text_of(data))
    deficit = (starts or 0) - len(result.records)
    said = result.skipped or result.warnings or result.lost
    if deficit > 0 and not said:
        return Outcome(
            "short", f"{starts} record starts, {len(result.records)} records", 0, deficit
        )
    return Outcome("records", records=len(result.records))


def _text_of(data: bytes) -> str:
    from cen_search.formats.textio import decode

    try:
        return decode(data).text
    except CenSearchError:
        return ""
