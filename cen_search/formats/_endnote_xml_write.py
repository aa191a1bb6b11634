"""Writing EndNote XML (used by :func:`cen_search.formats.endnote_xml.write`).

The layout is EndNote's own export, which EndNote and Covidence import: ``<xml><records>``
with one ``<record>`` per record, elements in the order of EndNote's DTD, text wrapped in
``<style face="normal" font="default" size="100%">`` as EndNote writes it, several values of
one field (notes, ISSNs) separated by a carriage return (``&#xD;``), as in EndNote.

What goes where (the reader maps it back, see ``tables/endnote_xml_fields.csv``):
``ref-type`` from the record type (``tables/endnote_write_types.csv``; reviews, letters,
editorials, errata, conference abstracts and preprints add a ``work-type`` label), authors
as ``Family, Given``, ``titles/title``, the journal or book in ``titles/secondary-title``
(and ``periodical/full-title``/``abbr-1`` for journal articles), ``pages``, ``volume``,
``number`` (issue), an article number in ``custom7`` (EndNote's "Article Number" of a
journal article; the reader takes it from any type in a file cen-search wrote),
``keywords``, ``dates/year`` and ``pub-dates/date``, ``publisher``,
``isbn`` (ISSNs and ISBNs), ``accession-num`` (accession numbers and ``PMID:…``),
``electronic-resource-num`` (DOI), ``abstract``, ``notes``, ``remote-database-name`` (every
database the record came from) and ``-provider``, ``language``, ``urls/related-urls/url``,
``custom2`` (PMCID, as EndNote's PubMed import puts it). ``rec-number`` is the record's key
when that is a number not used before in the file, else the next free number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from cen_search.formats._bibtex_write import page_values
from cen_search.formats._ris_write import databases_of
from cen_search.formats._tables import load_table
from cen_search.models import Author, Record, RecordType

_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_STYLE = '<style face="normal" font="default" size="100%">'
_JOURNALISH = frozenset(
    {
        RecordType.ARTICLE,
        RecordType.REVIEW,
        RecordType.EDITORIAL,
        RecordType.LETTER,
        RecordType.ERRATUM,
    }
)
HEADER = '<?xml version="1.0" encoding="UTF-8" ?><xml><records>\n'
FOOTER = "</records></xml>\n"


def _types() -> dict[RecordType, tuple[str, str, str]]:
    return {
        RecordType(row["type"]): (row["name"], row["number"], row["work_type"])
        for row in load_table("endnote_write_types")
    }


def _text(value: str) -> str:
    """XML text: characters XML 1.0 cannot hold dropped, ``\\r`` kept as ``&#xD;``."""
    if _INVALID.search(value):
        value = _INVALID.sub("", value)
    return escape(value.strip()).replace("\r", "&#xD;")


def _styled(tag: str, value: str) -> str:
    text = _text(value)
    return f"<{tag}>{_STYLE}{text}</style></{tag}>" if text else ""


def _group(tag: str, inner: Iterable[str]) -> str:
    body = "".join(inner)
    return f"<{tag}>{body}</{tag}>" if body else ""


class _Numbers:
    """``rec-number`` values, unique within the file."""

    def __init__(self) -> None:
        self.used: set[int] = set()
        self.next = 1

    def take(self, key: str) -> int:
        if key.isdigit() and 0 < int(key) < 10**9 and int(key) not in self.used:
            number = int(key)
        else:
            while self.next in self.used:
                self.next += 1
            number = self.next
        self.used.add(number)
        return number


def _record(record: Record, number: int, types: dict[RecordType, tuple[str, str, str]]) -> str:
    name, code, work_type = types.get(record.type, types[RecordType.OTHER])
    journal = record.type in _JOURNALISH
    pages, article_number = page_values(record.pages)
    accession = [*record.accession_numbers, *([f"PMID:{record.pmid}"] if record.pmid else [])]
    parts = [
        '<database name="cen-search.enl" path="cen-search.enl">cen-search.enl</database>',
        '<source-app name="cen-search" version="1">cen-search</source-app>',
        f"<rec-number>{number}</rec-number>",
        f"<ref-type name={quoteattr(name)}>{code}</ref-type>",
        _group(
            "contributors",
            [_group("authors", (_styled("author", _author(a)) for a in record.authors))],
        ),
        _group(
            "titles",
            [
                _styled("title", record.title),
                _styled("secondary-title", record.container),
                _styled("alt-title", record.container_abbrev),
            ],
        ),
        _group(
            "periodical",
            [_styled("full-title", record.container), _styled("abbr-1", record.container_abbrev)],
        )
        if journal
        else "",
        _styled("pages", pages),
        _styled("volume", record.volume),
        _styled("number", record.issue),
        _group("keywords", (_styled("keyword", k) for k in record.keywords)),
        _group(
            "dates",
            [
                _styled("year", str(record.year) if record.year else ""),
                _group("pub-dates", [_styled("date", record.date)])
                if record.date and record.date != str(record.year)
                else "",
            ],
        ),
        _styled("publisher", record.publisher),
        _styled("isbn", "\r".join(record.issn)),
        _styled("isbn", "\r".join(record.isbn)),
        _styled("accession-num", "; ".join(accession)),
        _styled("electronic-resource-num", record.doi),
        _styled("abstract", record.abstract),
        _styled("notes", "\r".join(n.strip() for n in record.notes if n.strip())),
        _styled("work-type", work_type),
        _styled("remote-database-name", "; ".join(databases_of(record))),
        _styled("remote-database-provider", record.platform or record.provenance.platform),
        _styled("language", record.language),
        _group("urls", [_group("related-urls", (_styled("url", u) for u in record.urls))]),
        _styled("custom2", record.pmcid),
        _styled("custom7", article_number),
    ]
    return "<record>" + "".join(parts) + "</record>\n"


def _author(author: Author) -> str:
    """``Family, Given`` as EndNote expects names, unless the source wrote it so already; a
    group author as given, with EndNote's trailing comma that marks it as one name."""
    raw = author.raw.strip()
    if author.organisation:
        return f"{raw or author.family},"
    if author.family and not raw.startswith(f"{author.family},"):
        return author.display()
    return raw or author.display()


def write_endnote_xml(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as EndNote XML; returns how many were written."""
    types = _types()
    numbers = _Numbers()
    fh.write(HEADER)
    count = 0
    for record in records:
        fh.write(_record(record, numbers.take(record.key), types))
        count += 1
    fh.write(FOOTER)
    return count
