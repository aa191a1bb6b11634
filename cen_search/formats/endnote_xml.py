"""EndNote XML (``<xml><records><record>...``), read incrementally with defusedxml.

Real EndNote output wraps text in ``<style face=... font=... size=...>`` elements (their text
is joined), gives the type as ``<ref-type name="Journal Article">17</ref-type>``, the DOI in
``<electronic-resource-num>``, and the library's record number in ``<rec-number>`` (used as the
provenance key). ``Record.raw`` keeps every element with text, as ``(path, text)`` with the
path relative to ``<record>`` (``titles/title``, ``contributors/authors/author``) and
attributes as ``path@name`` (``ref-type@name``), in document order. The parser never
resolves entities or fetches anything (defusedxml), and memory stays flat: each record is
dropped once it is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TextIO
from xml.etree.ElementTree import Element

from cen_search.fields import clean_pmcid, clean_pmid, parse_year
from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc, type_table
from cen_search.formats._endnote_xml_write import write_endnote_xml
from cen_search.formats._xml import read_xml_records, text_of
from cen_search.formats.base import Parsed, Source
from cen_search.models import Author, RawField, Record, RecordType

NAME = "endnote-xml"
LABEL = "EndNote XML"
EXTENSIONS = (".xml",)

_AUTHOR = "contributors/authors/author"
_PUB_DATE = "dates/pub-dates/date"
_PUBMED_DATABASES = re.compile(r"\b(?:nlm|pubmed|medline)\b", re.IGNORECASE)
_PMCID_ONLY = re.compile(r"^\s*PMC\d+\s*$", re.IGNORECASE)
# Reference types whose custom7 is EndNote's "Article Number" (cen-search writes the article
# number there for every type).
_ARTICLE_NUMBER_TYPES = frozenset({"JOURNAL ARTICLE", "ELECTRONIC ARTICLE"})
# Elements whose text is a container of other fields, not a value.
_CONTAINERS = frozenset(
    {
        "contributors",
        "authors",
        "secondary-authors",
        "tertiary-authors",
        "subsidiary-authors",
        "translated-authors",
        "titles",
        "periodical",
        "alt-periodical",
        "dates",
        "pub-dates",
        "keywords",
        "urls",
        "related-urls",
        "web-urls",
        "pdf-urls",
        "text-urls",
        "image-urls",
        "foreign-keys",
    }
)


def sniff(text: str) -> int:
    """95 for ``<xml>``/``<records>`` with ``<record>`` near the start; 0 otherwise."""
    head = text[:20000].lstrip()
    if not head.startswith("<"):
        return 0
    has_records = "<records>" in head or "<xml><records" in head
    if has_records and "<record>" in head:
        return 95
    return 60 if has_records else 0


def _corporate(authors: list[str]) -> list[int]:
    """Positions of group authors: EndNote marks one with a comma after the name ("World
    Health Organization,"). A name with a comma inside ("Smith, J.,") is a person, and so is
    one word before a comma ("Sorensen,": a list cut into pieces, in real exports) and
    "et al.," """
    out = []
    for i, value in enumerate(authors):
        name = value.strip()
        if (
            name.endswith(",")
            and "," not in name[:-1]
            and " " in name
            and "et al" not in name.lower()
        ):
            out.append(i)
    return out


def _fuller_date(by_tag: dict[str, list[str]]) -> None:
    """A publication date in the year EndNote gives ("2019 Mar 12" with year 2019) is the
    record's date (the year element alone says less); one in another year is not used."""
    year = parse_year(by_tag["dates/year"][0])
    for value in by_tag[_PUB_DATE]:
        if year is not None and parse_year(value) == year:
            by_tag["dates/year"] = [value]
            return


def _pmid_accessions(by_tag: dict[str, list[str]], extra: dict[str, list[str]]) -> None:
    """``PMID:…`` in ``accession-num`` (as cen-search writes a PMID beside other accession
    numbers) is the PMID, not an accession number."""
    kept: list[str] = []
    for value in by_tag["accession-num"]:
        for part in value.split(";"):
            if part.strip()[:4].upper() == "PMID":
                extra.setdefault("pmid", []).append(clean_pmid(part))
            elif part.strip():
                kept.append(part.strip())
    by_tag["accession-num"] = kept


def _raw_fields(record: Element) -> list[RawField]:
    """Every element with text as ``(path, text)``, attributes as ``path@name``, in document
    order (walked with a stack: a nested function calling itself would be a reference cycle
    per record)."""
    raw: list[RawField] = []
    stack: list[tuple[Element, str]] = [(child, child.tag) for child in reversed(record)]
    while stack:
        element, path = stack.pop()
        for name, value in element.attrib.items():
            raw.append((f"{path}@{name}", value))
        children = [c for c in element if c.tag != "style"]
        if children and (element.tag in _CONTAINERS or not text_of(element).strip()):
            stack += [(child, f"{path}/{child.tag}") for child in reversed(children)]
        else:
            text = text_of(element)
            if text.strip():
                raw.append((path, text))
    return raw


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read EndNote XML; a malformed document keeps the records before the fault and says how
    many record start tags after it could not be read."""
    log = IssueLog(source.file)
    fields = FieldMap.load("endnote_xml_fields")
    build = RecordBuilder(fields, source=source, format=NAME, issues=log).build
    types = type_table("endnote_types")

    def read_one(element: Element, index: int, line: int) -> Record:
        raw = _raw_fields(element)
        by_tag = collect(raw)
        corporate: list[int] = []
        if _AUTHOR in by_tag:
            corporate = _corporate(by_tag[_AUTHOR])
            # "et al.," as the last author: a trailing separator is not part of a name
            by_tag[_AUTHOR] = [a.strip().rstrip(",;").strip() for a in by_tag[_AUTHOR]]
        type_name = (by_tag.get("ref-type@name") or [""])[0].strip()
        rtype = types.get(type_name.upper())
        if rtype is None:
            rtype = RecordType.OTHER
            log.warn_once(
                type_name,
                f"EndNote reference type {type_name or '(none)'!r} is not known; read as "
                "'other' (kept in raw)",
                line=line,
                record=index,
            )
        extra: dict[str, list[str]] = {}
        databases = " ".join(by_tag.get("remote-database-name", []))
        if "accession-num" in by_tag:
            _pmid_accessions(by_tag, extra)
        if "pmid" not in extra and _PUBMED_DATABASES.search(databases):
            extra["pmid"] = [clean_pmid(v) for v in by_tag.get("accession-num", [])]
        if _PUB_DATE in by_tag and "dates/year" in by_tag:
            _fuller_date(by_tag)
        if "custom7" in by_tag and (
            type_name.upper() in _ARTICLE_NUMBER_TYPES
            or by_tag.get("source-app@name") == ["cen-search"]
        ):
            extra["article_number"] = by_tag["custom7"]
        extra["pmcid"] = [
            clean_pmcid(value)
            for tag, value in raw
            if tag.startswith("custom") and _PMCID_ONLY.match(value)
        ]
        record = build(raw, index=index, line=line, type=rtype, extra=extra, by_tag=by_tag)
        if corporate and len(record.authors) == len(by_tag[_AUTHOR]):
            authors = list(record.authors)
            for i in corporate:
                name = by_tag[_AUTHOR][i]
                authors[i] = Author(raw=name, family=name, organisation=True)
            record = replace(record, authors=tuple(authors))
        return record

    records = read_xml_records(
        text,
        name="record",
        label=LABEL,
        expected="<xml><records><record>",
        log=log,
        read_one=read_one,
    )
    return log.parsed(records)


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as EndNote XML (see :mod:`._endnote_xml_write`); returns the count."""
    return write_endnote_xml(records, fh)
