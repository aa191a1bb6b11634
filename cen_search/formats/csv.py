"""CSV and TSV exports (Scopus, Web of Science, Embase, PubMed, IEEE Xplore, SpringerLink,
Rayyan, Covidence, ASReview, generic) and the CSV that cen-search writes.

The source is recognised from the header (``tables/csv_sources.csv``); its column mapping is
data (``tables/csv_columns.csv``), with "generic" names as the fallback for columns a source
does not name. The delimiter (``,`` ``;`` TAB ``|``) is found from the content, so a
``;``-separated ``.csv`` reads as well as a ``.tsv``. Every non-empty cell is kept in
``Record.raw`` as ``(column, cell)``; the provenance key is the source's id column (``EID``,
``UT (Unique WOS ID)``, ``PMID``, ``Covidence #``, ``key``/``id``/``record_id``), else the
row's index.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import PurePath
from typing import TextIO

from cen_search.errors import FileFormatError
from cen_search.fields import squash
from cen_search.formats import _csv_values as values
from cen_search.formats._build import IssueLog, RecordBuilder, no_gc, type_table
from cen_search.formats._csv_columns import (
    SPECIAL,
    detect_source,
    known_columns,
    mapping,
    norm,
    priority,
)
from cen_search.formats._csv_write import BOM, WRITE_COLUMNS, write_csv  # noqa: F401 (public)
from cen_search.formats.base import Parsed, Source
from cen_search.models import Author, RawField, Record, RecordType
from cen_search.spreadsheet import cell_text

NAME = "csv"
LABEL = "CSV/TSV"
EXTENSIONS = (".csv", ".tsv", ".tab")

_DELIMITERS = (",", ";", "\t", "|")
_FOREIGN = re.compile(r"^(?:TY  -|PMID-|FN |PT [A-Z]\b|%0 |@\w+\s*[{(]|<\?xml|<xml>|\{\")", re.M)
_LIST_FIELDS = frozenset({"keywords_list", "url", "accession", "issn", "isbn"})
_TYPE_TABLES = ("csv_types", "ris_types", "bibtex_types", "document_types")
_SAMPLE_ROWS = 30
_NUMBERED = re.compile(r"^(.*\S)\s+1$")


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str] | csv.Error]]:
    """``(first line, last line, cells or the csv error)`` for each row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    while True:
        try:
            row: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = exc
        yield last + 1, reader.line_num, row
        last = reader.line_num


def detect_delimiter(text: str, *, path: str = "") -> str:
    """The delimiter whose rows have the most columns, consistently, in the first rows (a
    ``.tsv``/``.tab`` name prefers TAB when it is as consistent as another)."""
    sample = text[:200_000]
    tab_file = PurePath(path).suffix.lower() in (".tsv", ".tab")
    best: tuple[float, bool, int, str] | None = None
    for delimiter in _DELIMITERS:
        counts = []
        for _, _, row in _rows(sample, delimiter):
            if isinstance(row, list) and row:
                counts.append(len(row))
            if len(counts) > _SAMPLE_ROWS:
                break
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts[1:] if c == counts[0]) / max(len(counts) - 1, 1)
        candidate = (consistent, tab_file and delimiter == "\t", counts[0], delimiter)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    if best is None:
        return "\t" if tab_file else ","
    return best[3]


def sniff(text: str) -> int:
    """90 for a header row with at least two known export columns; 40 for rows with a
    consistent delimiter count; 0 for RIS/MEDLINE/WoS/BibTeX/XML/JSON-looking text."""
    head = text[:20000]
    if not head.strip() or _FOREIGN.search(head[:4000]):
        return 0
    first_line = head.lstrip("\n").split("\n", 1)[0]
    delimiter = detect_delimiter(head)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    known = sum(1 for c in header if norm(c) in known_columns())
    if known >= 2:
        return 90
    lines = [line for line in head.split("\n")[:20] if line.strip()]
    if (
        len(lines) >= 2
        and len(header) >= 3
        and all(line.count(delimiter) >= len(header) - 1 for line in lines[1:2])
    ):
        return 40
    return 0


def _type_of(value: str) -> RecordType | None:
    text = squash(value)
    try:
        return RecordType(text.lower())
    except ValueError:
        pass
    for table in _TYPE_TABLES:
        found = type_table(table).get(text.upper())
        if found is not None:
            return found
    return None


class _Reader:
    def __init__(self, text: str, source: Source) -> None:
        self.source = source
        self.log = IssueLog(source.file)
        self.delimiter = detect_delimiter(text, path=source.file)
        self.records: list[Record] = []
        self.keys: dict[str, list[int]] = {}
        self.glued = 0
        self.widened = 0
        self.text = text
        self.lines: list[str] | None = None  # (split only when a row spans lines)

    def start(self, header: list[str]) -> None:
        self.header = [h.strip() for h in header]
        self.export = detect_source(self.header)
        self.fields_of, fmap = mapping(self.export, self.header)
        self.builder = RecordBuilder(
            fmap,
            source=self.source,
            format=NAME,
            issues=self.log,
            database=self.export.database,
            platform=self.export.platform,
        )
        ranks = priority(self.export)
        self.rank = [ranks.get(norm(c), len(ranks)) for c in self.header]

    def row(self, cells: list[str], line: int, last: int) -> None:
        if not any(cell.strip() for cell in cells):
            return
        index = len(self.records) + 1
        header, fields_of, ranks = self.header, self.fields_of, self.rank
        width = len(header)
        if len(cells) > width:
            header, fields_of, ranks = self._widen(len(cells), line, index)
            width = len(header)
        elif last > line:
            self._swallowed(cells, line, last, index, width)
        elif len(cells) < width and any(self.delimiter in cell for cell in cells):
            self.log.warn(
                f"row has {len(cells)} cells but the header has {width}, and a cell holds the "
                f"delimiter {self.delimiter!r}: a stray quote may have joined cells (kept "
                "as read; check the row)",
                line=line,
                record=index,
            )
        raw: list[RawField] = []
        by_tag: dict[str, list[str]] = {}
        special: dict[str, list[tuple[int, str]]] = {}
        own = self.export.name == "cen_search"  # (cells written through text_cell)
        for i, cell in enumerate(cells):
            if not cell.strip():
                continue
            column = header[i] if i < width and header[i] else f"column {i + 1}"
            raw.append((column, cell))
            if own:
                cell = cell_text(cell)
            for field in fields_of[i] if i < width else ():
                if field in SPECIAL:
                    special.setdefault(field, []).append((ranks[i], cell))
                else:
                    items = values.list_literal(cell) if field in _LIST_FIELDS else None
                    text = "; ".join(items) if items is not None else cell
                    by_tag.setdefault(norm(column), []).append(text)
        ordered = {
            name: [cell for _, cell in sorted(cells, key=lambda c: c[0])]
            for name, cells in special.items()
        }
        self.records.append(self._build(raw, by_tag, ordered, index, line))

    def _swallowed(self, cells: list[str], line: int, last: int, index: int, width: int) -> None:
        """Report a row that spans lines when its lines are rows of their own: an unclosed
        (or stray) quote joined them. Each line after the first that, read alone, has as many
        cells as the header is a record the file's structure implies and that was not read
        (a cell legitimately spread over lines holds text, rarely exactly a row's cells)."""
        if self.lines is None:
            self.lines = self.text.split("\n")
        lost = 0
        if width >= 3:
            for part in self.lines[line:last]:  # (lines line+1 .. last, 1-based)
                if part.count(self.delimiter) >= width - 1 and part[:1] not in (" ", "\t"):
                    parsed = next(csv.reader([part], delimiter=self.delimiter), [])
                    lost += len(parsed) == width and bool(parsed[0].strip())
        if lost:
            self.log.short(
                f"an unclosed quote in the row at line {line} runs to line {last} and swallowed "
                f"{lost} line(s) that are rows of their own, not read as records (close the "
                "quote and read the file again)",
                lost=lost,
                line=line,
            )
        elif len(cells) < width:
            self.log.warn(
                f"row spans lines {line}-{last} and has fewer cells ({len(cells)}) than the "
                f"header ({width}): an unclosed quote?",
                line=line,
                record=index,
            )

    def _widen(
        self, cells: int, line: int, index: int
    ) -> tuple[list[str], list[tuple[str, ...]], list[int]]:
        """Header for a row longer than the header row.

        Scopus names only "Funding Text 1" in the header but writes "Funding Text 2", ...
        cells into rows that have them, shifting every later column: the extra cells belong
        right after the one column named "<name> 1".
        """
        extra = cells - len(self.header)
        numbered = [i for i, c in enumerate(self.header) if _NUMBERED.match(c)]
        if len(numbered) == 1:
            at = numbered[0]
            base = _NUMBERED.match(self.header[at]).group(1)  # type: ignore[union-attr]
            names = [f"{base} {n}" for n in range(2, extra + 2)]
            self.widened += 1
            return (
                self.header[: at + 1] + names + self.header[at + 1 :],
                self.fields_of[: at + 1] + [()] * extra + self.fields_of[at + 1 :],
                self.rank[: at + 1] + [0] * extra + self.rank[at + 1 :],
            )
        self.log.warn(
            f"row has {cells} cells but the header has {len(self.header)}; the extra cells "
            "are kept in raw as 'column N'",
            line=line,
            record=index,
        )
        return self.header, self.fields_of, self.rank

    def _build(
        self,
        raw: list[RawField],
        by_tag: dict[str, list[str]],
        special: dict[str, list[str]],
        index: int,
        line: int,
    ) -> Record:
        extra: dict[str, list[str]] = {}
        for cell in special.get("keywords_comma", []):
            extra.setdefault("keywords", []).extend(values.split_terms(cell))
        for cell in special.get("citation", []):
            self._packed(values.pubmed_citation(cell), extra)
        for cell in special.get("embase_source", []):
            self._packed(values.embase_source(cell), extra)
        rtype = self._type(special.get("type", []), index, line)
        record = self.builder.build(
            raw, index=index, line=line, type=rtype, extra=extra, by_tag=by_tag
        )
        authors = self._authors(special, index, line)
        if authors:
            record = replace(record, authors=authors)
        if record.key != str(index):
            self.keys.setdefault(record.key, []).append(line)
        return record

    @staticmethod
    def _packed(parts: values.Citation, extra: dict[str, list[str]]) -> None:
        for name, value in (
            ("container", parts.container),
            ("date", parts.date),
            ("volume", parts.volume),
            ("issue", parts.issue),
            ("pages", parts.pages),
            ("doi", parts.doi),
        ):
            if value:
                extra.setdefault(name, []).append(value)

    def _type(self, cells: list[str], index: int, line: int) -> RecordType:
        for cell in cells:
            found = _type_of(cell)
            if found is not None:
                return found
            self.log.warn_once(
                squash(cell),
                f"type {squash(cell)!r} is not known; read as "
                f"{self.export.default_type.value!r} (kept in raw)",
                line=line,
                record=index,
            )
        return self.export.default_type

    def _authors(self, special: dict[str, list[str]], index: int, line: int) -> tuple[Author, ...]:
        authors: list[Author] = []
        for cell in special.get("authors_full", []):
            authors = values.authors_full(cell)
            if authors:
                break
        if not authors:
            for cell in special.get("authors_list", []):
                authors = values.authors_list(cell)
                if authors:
                    break
        if not authors:
            for cell in special.get("authors_concat", []):
                authors = values.authors_glued(cell)
                self.glued += 1 if len(authors) > 1 else 0
                if authors:
                    break
        for cell in special.get("author_ids", []):
            ids = [part for part in cell.split(";") if part.strip() and "[" not in part]
            if ids and authors and len(ids) != len(authors):
                self.log.warn(
                    f"{len(authors)} author(s) read but the row lists {len(ids)} author ids; "
                    "check the author names (kept verbatim in raw)",
                    line=line,
                    record=index,
                )
        return tuple(authors)

    def finish(self) -> Parsed:
        for key, lines in self.keys.items():
            if len(lines) > 1:
                self.log.warn(
                    f"id {key!r} is used by {len(lines)} rows (lines "
                    f"{', '.join(map(str, lines[:5]))}{'...' if len(lines) > 5 else ''}); "
                    "all rows are kept",
                    line=lines[1],
                )
        if self.widened:
            numbered = next(c for c in self.header if _NUMBERED.match(c))
            self.log.warn(
                f"{self.widened} row(s) have more cells than the header; as in Scopus exports, "
                f"the extra cells were read as repeats of {numbered!r} (named "
                f"{_NUMBERED.match(numbered).group(1)!r} 2, 3 ...) and later columns kept their "  # type: ignore[union-attr]
                "names",
            )
        if self.glued:
            self.log.warn(
                f"{self.glued} author cell(s) have names glued together without separators "
                "(SpringerLink); they were split where a lower-case letter meets a capital "
                "(the cell is kept verbatim in raw)",
            )
        return self.log.parsed(self.records)


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read a CSV/TSV export: one record per data row; bad rows are reported, not fatal."""
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # References cells run to MBs
    reader = _Reader(text, source)
    started = False
    final: tuple[list[str], int, int] | None = None
    for line, last, row in _rows(text, reader.delimiter):
        if isinstance(row, csv.Error):
            reader.log.skip(f"row could not be parsed as CSV ({row}); skipped", line=line)
            continue
        if not started:
            if not any(cell.strip() for cell in row):
                continue
            reader.start(row)
            started = True
            continue
        reader.row(row, line, last)
        final = (row, line, last)
    if not started:
        raise FileFormatError(
            "no header row found",
            path=source.file,
            hint="a CSV/TSV export starts with a row of column names",
        )
    if final is not None and not text.endswith("\n"):
        _cut_short(reader, *final)
    return reader.finish()


def _cut_short(reader: _Reader, cells: list[str], line: int, last: int) -> None:
    """Warn when the file ends in the middle of its last row: no line break after it and
    fewer cells than the header. Exports write every column of every row, so a file copied
    or downloaded only in part ends like this, and the last record is then partial (a row
    spread over lines is reported by :meth:`_Reader._swallowed` already)."""
    width = len(reader.header)
    if last == line and 0 < len(cells) < width:
        reader.log.warn(
            f"file ends in the middle of its last row ({len(cells)} of {width} cells, no "
            "line break): it may be cut short, and that record incomplete; check the file "
            "or export it again",
            line=line,
            record=len(reader.records),
        )


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write a byte-order mark, a header of :data:`WRITE_COLUMNS` and one CSV row per record
    (see :mod:`._csv_write`); returns the row count."""
    return write_csv(records, fh)
