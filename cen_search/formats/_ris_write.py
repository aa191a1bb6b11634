"""Writing RIS (used by :func:`cen_search.formats.ris.write`): plain RIS that any reader reads.

What every RIS reader agrees on is narrow, so the writer keeps to it:

* only two-character tags (``[A-Z][A-Z0-9]``), each line ``TAG  - value``, ``ER  - `` after
  each record and a blank line between records. Readers such as rispy and citation-js glue
  a line that is not a two-character tag onto the field before it, so a longer tag would
  corrupt its neighbour; a source tag of another shape (APA PsycNET's ``PMID``) is written as
  an ``N1`` note ``"PMID: value"`` instead, and cen-search's own annotations (raw tags starting
  :data:`~cen_search.formats.base.OWN_TAG_PREFIX`) are not written as tags at all;
* one line per value: line breaks and runs of blanks inside a value become one space (readers
  join continuation lines differently: with a space, a newline or not at all), which also
  keeps ``"  - "`` out of values, where some readers would split the line;
* ``ID`` unique within the file: the record's own key, with ``-2``, ``-3`` ... added when an
  earlier record of the file has the same key (keys from different exports collide);
* ``DB`` names every database the record came from: the one given at import
  (``--database``), the ones named in the record, and for a merged record every member's.

Mapped fields are written with standard tags (TY from the type, one AU per author ...); a
record read from RIS also gets back its tags that have no mapped equivalent (``AD``, ``CY``)
and its ``M3``/``L3`` values that are not the DOI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from cen_search.fields import exact_doi, parse_pages, squash
from cen_search.formats._build import FieldMap, load_table, type_table
from cen_search.formats.base import OWN_TAG_PREFIX
from cen_search.models import Author, Pages, Record, RecordType

_TWO = re.compile(r"[A-Z][A-Z0-9]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")
# Tags the writer computes: raw values of these are not written again.
_COMPUTED = frozenset({"TY", "ER", "ID"})
# Fields a tag feeds only when its value has their shape (nothing but a DOI, a URL carrying
# one, a known document type): a tag that feeds nothing else (RIS ``M3``, ``L3``) is written
# back, as a tag with no mapped equivalent is, unless its value is the DOI written as ``DO``
# (Ovid's ``M3`` classification, ProQuest's degree would be lost otherwise).
_WHEN_SHAPED = frozenset({"doi_exact", "doi_url", "doc_type"})

_LABELS = {
    RecordType.REVIEW: "Review",
    RecordType.EDITORIAL: "Editorial",
    RecordType.LETTER: "Letter",
    RecordType.ERRATUM: "Erratum",
}


def one_line(value: str) -> str:
    """``value`` as one RIS line: control characters, line breaks and runs of blanks become
    one space (as the readers squash a wrapped value: other spaces, such as no-break spaces
    in a one-line value, are kept)."""
    if _CONTROL.search(value):
        value = _CONTROL.sub(" ", value)
    if "\n" in value or "\t" in value or "\r" in value or "  " in value:
        return squash(value)
    return value.strip()


_MONTHS = {
    name: number
    for number, names in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
    for name in (names,)
}
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s+([A-Za-z]{3})[a-z]*\.?(?:\s+(\d{1,2}))?$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")


def ris_date(date: str, year: int | None = None) -> str:
    """``date`` in RIS's ``YYYY/MM/DD/`` layout when it is a plain calendar date
    (``20151201``, ``2015-12-01``, ``2015 Dec 1``, ``Dec 1, 2015``, ``1 Dec 2015``,
    ``Mar. 2017``). Other
    dates are kept as given when they start with the year, else put in the layout's free-text
    part after ``year`` (``1 Feb.1, 2015`` -> ``2015///1 Feb.1, 2015``). Readers (citation-js,
    Zotero) take ``DA`` to be in that layout: they read ``20151201`` as the year 20151201 and
    ``1 Feb.1, 2015`` as the year 1."""
    text = date.strip()
    kept = text if year is None or text.startswith(str(year)) else f"{year}///{text}"
    day: str | None
    if (match := _COMPACT.match(text)) or (match := _ISO.match(text)):
        found, month, day = match.groups()
    elif match := _YEAR_MONTH.match(text):
        found, name, day = match.groups()
        month = str(_MONTHS.get(name.lower(), ""))
    elif match := _MONTH_DAY_YEAR.match(text):
        name, day, found = match.groups()
        month = str(_MONTHS.get(name.lower(), ""))
    elif match := _DAY_MONTH_YEAR.match(text):
        day, name, found = match.groups()
        month = str(_MONTHS.get(name.lower(), ""))
    elif match := _MONTH_YEAR.match(text):
        name, found = match.groups()
        month, day = str(_MONTHS.get(name.lower(), "")), None
    else:
        return kept
    if not month or not 1 <= int(month) <= 12 or (day and not 1 <= int(day) <= 31):
        return kept
    return f"{found}/{int(month):02d}/{f'{int(day):02d}' if day else ''}/"


def _type_codes() -> dict[RecordType, str]:
    codes: dict[RecordType, str] = {}
    for row in load_table("ris_types"):
        if row.get("write") == "yes":
            codes[RecordType(row["type"])] = row["code"]
    return codes


def databases_of(record: Record) -> list[str]:
    """Every database a record came from: declared at import, then named in the record
    (a merged record names all its members' databases), each once."""
    names = [record.provenance.database, *record.database.split(";")]
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


class UniqueKeys:
    """Unique record keys within one written file (RIS ``ID``, CSV ``key``)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def unique(self, key: str) -> str:
        key = one_line(key) or "record"
        candidate, n = key, 1
        while candidate in self.used:
            n += 1
            candidate = f"{key}-{n}"
        self.used.add(candidate)
        return candidate


def _pairs(
    record: Record, codes: dict[RecordType, str], mapped: frozenset[str], ids: UniqueKeys
) -> Iterator[tuple[str, str]]:
    """The ``(tag, value)`` lines of one record, ``TY`` first, values not yet made one-line."""
    types = type_table("ris_types")
    shaped = FieldMap.load("ris_tags").tags - mapped
    raw_ty = record.raw_values("TY") if record.provenance.format == "ris" else []
    code = raw_ty[0].strip().upper() if raw_ty else ""
    if types.get(code) != record.type:
        fallback = codes[RecordType.ARTICLE] if record.type in _LABELS else codes[RecordType.OTHER]
        code = codes.get(record.type, fallback)
    yield "TY", code
    yield "ID", ids.unique(record.key or str(record.id))
    yield "TI", record.title
    as_given = record.provenance.format == "ris"
    for author in record.authors:
        yield "AU", _author(author, as_given=as_given)
    yield "PY", str(record.year) if record.year else ""
    if record.date and record.date != str(record.year):
        yield "DA", ris_date(record.date, record.year)
    yield "T2", record.container
    yield "J2", record.container_abbrev
    yield "VL", record.volume
    yield "IS", record.issue
    start, end = _start_and_end(record.pages)
    yield "SP", start
    yield "EP", end
    yield "C7", record.pages.article_number
    yield "DO", record.doi
    for accession in record.accession_numbers:
        yield "AN", accession
    if record.pmid:
        yield "AN", f"PMID:{record.pmid}"
    if record.pmcid:
        yield "C2", record.pmcid
    for number in (*record.issn, *record.isbn):
        yield "SN", number
    yield "AB", record.abstract
    for keyword in record.keywords:
        yield "KW", keyword
    yield "LA", record.language
    for url in record.urls:
        yield "UR", url
    yield "PB", record.publisher
    for name in databases_of(record):
        yield "DB", name
    yield "DP", record.platform or record.provenance.platform
    if record.type in _LABELS and types.get(code) != record.type:
        yield "M3", _LABELS[record.type]
    for note in record.notes:
        yield "N1", note
    if record.provenance.format == "ris":
        for tag, value in record.raw:
            if tag in mapped or tag in _COMPUTED or tag.startswith(OWN_TAG_PREFIX):
                continue
            if tag in shaped and record.doi and exact_doi(value.split("\n", 1)[0]) == record.doi:
                continue  # (written as DO)
            if _TWO.fullmatch(tag):
                yield tag, value
            else:  # not a tag other readers can read: kept as a note
                yield "N1", f"{tag}: {value}"


def _author(author: Author, *, as_given: bool) -> str:
    """An ``AU`` value: as the source wrote it when that was RIS, else ``Family, Given``.
    RIS readers (EndNote, Zotero, citation-js) take the text before the comma for the family
    name and read a name without one as a literal, so a person read from BibTeX's
    ``Jessica E Black`` or ``G. Edward Barton, Jr.``, or a Scopus CSV's ``Phillips J.C.``, is
    written as cen-search split it, as the EndNote XML writer does; group authors stay as
    given."""
    raw = author.raw.strip()
    if as_given or author.organisation or not author.family or raw.startswith(f"{author.family},"):
        return raw or author.display()
    return author.display()


def write_ris(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as RIS; returns how many were written (see the module docstring)."""
    codes = _type_codes()
    table = FieldMap.load("ris_tags")
    mapped = frozenset(tag for tag in table.tags if set(table.feeds[tag]) - _WHEN_SHAPED)
    ids = UniqueKeys()
    count = 0
    for record in records:
        lines: list[str] = []
        seen: set[tuple[str, str]] = set()
        for tag, value in _pairs(record, codes, mapped, ids):
            text = one_line(value)
            if not text or (tag != "AU" and (tag, text) in seen):
                continue  # (two authors may have the same name; other repeats say nothing)
            seen.add((tag, text))
            lines.append(f"{tag}  - {text}\n")
        if count:
            fh.write("\n")
        fh.write("".join(lines))
        fh.write("ER  - \n")
        count += 1
    return count


def _start_and_end(pages: Pages) -> tuple[str, str]:
    """``SP`` and ``EP``: the parsed start and end, or the source's own two parts when the
    parse set one aside as no page (``"01"`` + ``"Jun"``, ``"Suppl"`` + ``"6"``) and they
    read back the same (the deduplication reads such values in ``raw``)."""
    first, dash, last = pages.raw.partition("-")
    if (
        dash
        and not (pages.start and pages.end)
        and "-" not in last
        and parse_pages(first, last) == pages
    ):
        return first, last
    return pages.start or pages.article_number, pages.end
