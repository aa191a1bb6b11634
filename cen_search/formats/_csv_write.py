"""Writing the CSV people open in Excel and import into Rayyan (used by
:func:`cen_search.formats.csv.write`).

UTF-8 with a byte-order mark (Excel reads a CSV as UTF-8 only when it starts with one), CRLF
line ends, Rayyan's column names first, a cell that would start an Excel formula written as
text (:func:`cen_search.spreadsheet.text_cell`); cen-search's CSV reader reads it back as the
same records (the header is recognised as cen-search's own: ``tables/csv_sources.csv``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from cen_search.formats._bibtex_write import page_values
from cen_search.formats._ris_write import UniqueKeys, databases_of
from cen_search.models import Author, Record
from cen_search.spreadsheet import text_cell

WRITE_COLUMNS = (
    # Rayyan's own column names, in the order of its articles export (which Rayyan imports)
    "key",
    "title",
    "year",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "authors",
    "url",
    "language",
    "publisher",
    "abstract",
    "notes",
    "doi",
    "keywords",
    "pubmed_id",
    "pmc_id",
    # what Rayyan has no column for
    "type",
    "date",
    "journal_abbrev",
    "article_number",
    "isbn",
    "accession_numbers",
    "database",
    "platform",
    "id",
    "source_file",
    "source_format",
    "record_index",
)
"""The columns :func:`write` writes, in order: Rayyan's names first (``key``, ``title``,
``year``, ``journal``, ... as in Rayyan's articles export), then the fields Rayyan has no
column for (stable across versions: add at the end)."""

BOM = "\ufeff"
"""Written first: Excel reads a CSV as UTF-8 only when it starts with this byte-order mark
(without it, accented names turn into mojibake); cen-search and most CSV readers skip it."""


def _author_cell(author: Author) -> str:
    if author.organisation:
        return "{" + (author.raw or author.family) + "}"
    return author.display()


def _row(record: Record, key: str) -> list[str]:
    written_pages, article_number = page_values(record.pages)
    prov = record.provenance
    return [
        key,
        record.title,
        str(record.year) if record.year is not None else "",
        record.container,
        "; ".join(record.issn),
        record.volume,
        record.issue,
        written_pages,
        " and ".join(_author_cell(a) for a in record.authors),
        " ".join(record.urls),
        record.language,
        record.publisher,
        record.abstract,
        "\n\n".join(record.notes),
        record.doi,
        "; ".join(record.keywords),
        record.pmid,
        record.pmcid,
        record.type.value,
        record.date,
        record.container_abbrev,
        article_number,
        "; ".join(record.isbn),
        "; ".join(record.accession_numbers),
        "; ".join(databases_of(record)),
        record.platform or prov.platform,
        record.id,
        prov.file,
        prov.format,
        str(prov.index),
    ]


EXCEL_CELL_LIMIT = 32_767
"""The most characters an Excel cell holds: opening a CSV, Excel cuts a longer cell short
(long ``notes`` such as Scopus's reference lists, author lists of large collaborations)."""


def too_long_for_excel(records: Iterable[Record]) -> list[tuple[int, str, int]]:
    """``(record position from 1, column, characters)`` of every cell :func:`write_csv` writes
    that is longer than :data:`EXCEL_CELL_LIMIT`: the file holds them whole, but Excel would
    not."""
    found = []
    keys = UniqueKeys()
    for position, record in enumerate(records, 1):
        row = _row(record, keys.unique(record.key or str(record.id)))
        for column, cell in zip(WRITE_COLUMNS, row, strict=True):
            if len(cell) > EXCEL_CELL_LIMIT:
                found.append((position, column, len(cell)))
    return found


def write_csv(records: Iterable[Record], fh: TextIO) -> int:
    """Write a byte-order mark, a header of :data:`WRITE_COLUMNS` and one CSV row per record
    (keys made unique within the file, as RIS IDs); returns the row count."""
    fh.write(BOM)
    writer = csv.writer(fh)
    writer.writerow(WRITE_COLUMNS)
    keys = UniqueKeys()
    count = 0
    for record in records:
        writer.writerow(
            [text_cell(cell) for cell in _row(record, keys.unique(record.key or str(record.id)))]
        )
        count += 1
    return count
