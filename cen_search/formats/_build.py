"""Building :class:`~cen_search.models.Record` values from the fields of a parsed record.

Every format reader ends the same way: it has the record's original fields as ``(tag, value)``
pairs and needs a :class:`Record` with mapped, cleaned fields. This module does that second
half once, for all formats, driven by a mapping table (``formats/tables/<name>.csv`` with
columns ``tag,field``) that says which source tag feeds which *canonical field*. A tag may feed
several canonical fields (RIS ``UR`` is both a URL and, when it is a doi.org link, the DOI).
Rows of the table are in priority order: for single-valued fields the first tag with a usable
value wins.

Canonical fields (the vocabulary a table may use):

==================  ====================================================================
``key``             the record's own id in its file (first non-empty) -> provenance key
``title``           first non-empty, whitespace squashed (also ``container``,
                    ``container_abbrev``, ``volume``, ``issue``, ``abstract``,
                    ``language``, ``publisher``)
``authors``         each value is one author (continuation lines squashed); the first tag
                    that has values gives the author list
``authors_lines``   each line of a value is one author (Web of Science ``AU``)
``authors_list``    a value holds several authors (``split_authors``: ``;``, `` and ``...)
``date``            date strings; the first one with a year gives ``year`` and ``date``
``pages``           a page range in one value ("1234-9"); ``start_page`` / ``end_page``
                    are separate values; ``article_number`` an e-locator
``doi``             any value containing a DOI (URL, ``doi:``); ``doi_exact`` only a value
                    that is nothing but a DOI; ``doi_url`` a URL that clearly carries one
``pmid``/``pmcid``  PubMed / PubMed Central ids
``issn``/``isbn``   all found; ``issn_isbn`` a value that may hold either (RIS ``SN``)
``keywords``        each value one keyword; ``keywords_lines`` each line one keyword;
                    ``keywords_list`` keywords separated by ``;`` (lines are wrapped text)
``url``             URLs (split on whitespace)
``accession``       accession numbers (split on ``;``)
``database``        databases named in the record (distinct values joined with ``; ``)
``platform``        platform or provider named in the record (first non-empty)
``note``            free-text notes (lines kept)
``doc_type``        document-type labels ("Review", "Letter") looked up in
                    ``tables/document_types.csv`` to refine the record type
==================  ====================================================================

Readers compute what a table cannot express (a value that is a PMID only in some databases)
and pass it as ``extra`` canonical values, which rank after the table's own.
"""

from __future__ import annotations

import gc
import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    doi_from_url,
    exact_doi,
    parse_pages,
    parse_year,
    split_isbn,
    split_issn,
    squash,
)
from cen_search.formats._tables import (
    CANONICAL_FIELDS,
    FieldMap,
    document_type,
    load_table,
    type_table,
)
from cen_search.formats.base import Parsed, Source
from cen_search.models import Author, Provenance, RawField, ReadIssue, Record, RecordType
from cen_search.names import parse_author, split_authors

__all__ = [
    "CANONICAL_FIELDS",
    "FieldMap",
    "IssueLog",
    "build_record",
    "collect",
    "document_type",
    "load_table",
    "no_gc",
    "type_table",
]

_AUTHOR_FIELDS = ("authors", "authors_lines", "authors_list")
_NO_EXTRA: Mapping[str, Sequence[str]] = {}
_BOOKISH = frozenset({RecordType.BOOK, RecordType.CHAPTER, RecordType.REPORT, RecordType.THESIS})
# How specific a type is: a document-type label only replaces a less specific type.
_RANK = {
    RecordType.OTHER: 0,
    RecordType.ARTICLE: 1,
    RecordType.BOOK: 2,
    RecordType.CHAPTER: 2,
    RecordType.REPORT: 2,
    RecordType.THESIS: 2,
    RecordType.DATASET: 2,
    RecordType.WEBPAGE: 2,
    RecordType.CONFERENCE_PAPER: 3,
    RecordType.PREPRINT: 3,
    RecordType.REVIEW: 4,
    RecordType.CONFERENCE_ABSTRACT: 4,
    RecordType.LETTER: 5,
    RecordType.EDITORIAL: 5,
    RecordType.ERRATUM: 6,
}


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader builds many small objects.

    Readers create millions of tuples, lists and records and no reference cycles; the
    collector's repeated passes over the growing heap cost about a third of the reading time
    for large files. Reference counting still frees everything; collection resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class IssueLog:
    """Collects warnings and skips for one file, with positions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[ReadIssue] = []
        self.skipped: list[ReadIssue] = []

    def warn(self, message: str, *, line: int | None = None, record: int | None = None) -> None:
        self.warnings.append(ReadIssue(self.file, message, line=line, record_index=record))

    def skip(self, message: str, *, line: int | None = None, record: int | None = None) -> None:
        self.skipped.append(
            ReadIssue(self.file, message, line=line, record_index=record, skipped=True)
        )

    def parsed(self, records: list[Record]) -> Parsed:
        return Parsed(records=records, warnings=self.warnings, skipped=self.skipped)


def collect(raw: Iterable[RawField]) -> dict[str, list[str]]:
    """Values by tag, in source order."""
    by_tag: dict[str, list[str]] = {}
    for tag, value in raw:
        if tag in by_tag:
            by_tag[tag].append(value)
        else:
            by_tag[tag] = [value]
    return by_tag


def _text(value: str) -> str:
    """One-line text: whitespace runs (continuation newlines too) squashed only when present."""
    if "  " in value or "\n" in value or "\t" in value:
        return squash(value)
    return value.strip()


def _gather(
    fmap: FieldMap, by_tag: Mapping[str, list[str]], extra: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Canonical field -> its values, in the table's priority order, then ``extra``.

    The lists returned may be the very lists in ``by_tag``: callers must not change them.
    """
    out: dict[str, list[str]] = {}
    get = by_tag.get
    for name, tags in fmap.items:
        got: list[str] | None = None
        for tag in tags:
            values = get(tag)
            if values:
                got = values if got is None else [*got, *values]
        if got is not None:
            out[name] = got
    for name, more in extra.items():
        if more:
            out[name] = [*out.get(name, ()), *more]
    return out


def _first(values: list[str] | None) -> str:
    """The first value that says something, as one line of text."""
    if values:
        for value in values:
            if value and value != "nan" and not value.isspace():
                return _text(value)
    return ""


def _useful(values: list[str] | None) -> list[str]:
    """Values that say something: not empty, not blank, not pandas' ``nan`` for missing."""
    if not values:
        return []
    return [v for v in values if v and v != "nan" and not v.isspace()]


def _authors(
    gathered: Mapping[str, list[str]],
    fmap: FieldMap,
    by_tag: Mapping[str, list[str]],
    extra: Mapping[str, Sequence[str]],
) -> tuple[Author, ...]:
    """Authors from the first tag (in table order) that has any."""
    for name in _AUTHOR_FIELDS:
        if name not in gathered:
            continue
        sources: list[Sequence[str]] = [
            by_tag[t] for t in fmap.by_field.get(name, ()) if t in by_tag
        ]
        if name in extra:
            sources.append(extra[name])
        for values in sources:
            strings: list[str] = []
            if name == "authors":
                strings = [_text(v) for v in values if v and v != "nan" and not v.isspace()]
            elif name == "authors_lines":
                for value in values:
                    strings.extend(line.strip() for line in value.split("\n") if line.strip())
            else:
                for value in values:
                    if value and not value.isspace():
                        strings.extend(split_authors(_text(value)))
            if strings:
                return tuple([parse_author(s) for s in strings])
    return ()


def _keywords(gathered: Mapping[str, list[str]]) -> tuple[str, ...]:
    if not ("keywords" in gathered or "keywords_lines" in gathered or "keywords_list" in gathered):
        return ()
    found: list[str] = []
    for value in gathered.get("keywords", ()):
        found.append(_text(value))
    for value in gathered.get("keywords_lines", ()):
        found.extend(value.split("\n"))
    for value in gathered.get("keywords_list", ()):
        found.extend(_text(value).split(";"))
    out: dict[str, None] = {}
    for keyword in found:
        keyword = keyword.strip()
        if keyword.startswith("*"):
            keyword = keyword[1:].strip()
        if keyword:
            out[keyword] = None
    return tuple(out)


def _split_urls(values: Iterable[str]) -> list[str]:
    urls: list[str] = []
    for value in values:
        if " " in value or "\n" in value or "\t" in value:
            urls.extend(part.rstrip(";") for part in value.split() if part.rstrip(";"))
        elif value.endswith(";"):
            if value.rstrip(";"):
                urls.append(value.rstrip(";"))
        else:
            urls.append(value)
    return urls


def build_record(
    raw: Sequence[RawField],
    *,
    fields: FieldMap,
    source: Source,
    format: str,
    index: int,
    line: int,
    type: RecordType | None = None,
    extra: Mapping[str, Sequence[str]] | None = None,
    by_tag: Mapping[str, list[str]] | None = None,
    database: str = "",
    platform: str = "",
    issues: IssueLog | None = None,
) -> Record:
    """A :class:`Record` from original fields ``raw`` mapped through ``fields``.

    ``type`` is the type the reader read from the format's own type code, refined by any
    ``doc_type`` labels; ``database``/``platform`` are detected defaults for provenance when
    the user declared none (``source`` wins). Odd values (a date without a year, a DOI field
    without a DOI) are reported to ``issues`` with the record's position.
    """
    extra = extra or _NO_EXTRA
    if by_tag is None:
        by_tag = collect(raw)
    got = _gather(fields, by_tag, extra)
    get = got.get

    # type
    rtype = type or RecordType.OTHER
    if "doc_type" in got:
        for label in _useful(got["doc_type"]):
            found = document_type(label)
            if found is not None and _RANK[found] > _RANK[rtype]:
                rtype = found

    # date and year
    year: int | None = None
    date = ""
    dates = _useful(get("date"))
    for value in dates:
        year = parse_year(value)
        if year is not None:
            date = value.strip()
            break
    if year is None and dates:
        date = dates[0].strip()
        if issues is not None:
            issues.warn(f"no year could be read from the date {date!r}", line=line, record=index)

    # pages
    range_ = _first(get("pages"))
    pages = parse_pages(
        range_ or _first(get("start_page")),
        "" if range_ else _first(get("end_page")),
        article_number=_first(get("article_number")),
    )

    # identifiers
    doi = ""
    for value in _useful(get("doi")):
        doi = clean_doi(value)
        if doi:
            break
        if issues is not None:
            shown = squash(value)[:80]
            issues.warn(f"no DOI could be read from {shown!r}", line=line, record=index)
    if not doi and "doi_exact" in got:
        for value in _useful(got["doi_exact"]):
            doi = exact_doi(value.split("\n", 1)[0])
            if doi:
                break
    if not doi and "doi_url" in got:
        for value in _split_urls(_useful(got["doi_url"])):
            doi = doi_from_url(value)
            if doi:
                break
    pmid = ""
    if "pmid" in got:
        for value in _useful(got["pmid"]):
            pmid = clean_pmid(value)
            if pmid:
                break
    pmcid = ""
    if "pmcid" in got:
        for value in _useful(got["pmcid"]):
            pmcid = clean_pmcid(value)
            if pmcid:
                break

    issn: list[str] = []
    isbn: list[str] = []
    if "issn" in got:
        for value in _useful(got["issn"]):
            issn.extend(split_issn(value))
    if "isbn" in got:
        for value in _useful(got["isbn"]):
            isbn.extend(split_isbn(value))
    if "issn_isbn" in got:
        for value in _useful(got["issn_isbn"]):
            found_issn = split_issn(value)
            if found_issn and rtype not in _BOOKISH:
                issn.extend(found_issn)
            else:
                found_isbn = split_isbn(value)
                if found_isbn:
                    isbn.extend(found_isbn)
                else:
                    issn.extend(found_issn)

    accession: list[str] = []
    if "accession" in got:
        for value in _useful(got["accession"]):
            if ";" in value:
                accession.extend(part.strip() for part in value.split(";") if part.strip())
            else:
                accession.append(value.strip())

    database_names = ""
    if "database" in got:
        database_names = "; ".join(dict.fromkeys(_text(v) for v in _useful(got["database"])))
    notes: tuple[str, ...] = ()
    if "note" in got:
        notes = tuple(_note(value) for value in _useful(got["note"]))
    provenance = Provenance(
        source.file,
        source.sha256,
        format,
        source.encoding,
        index,
        line,
        _first(get("key")) or str(index),
        source.database or database,
        source.platform or platform,
        source.searched,
    )
    return Record(
        provenance=provenance,
        raw=tuple(raw),
        type=rtype,
        title=_first(get("title")),
        authors=_authors(got, fields, by_tag, extra),
        year=year,
        date=date,
        container=_first(get("container")),
        container_abbrev=_first(get("container_abbrev")),
        volume=_first(get("volume")),
        issue=_first(get("issue")),
        pages=pages,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        issn=_unique(issn),
        isbn=_unique(isbn),
        abstract=_first(get("abstract")),
        keywords=_keywords(got),
        language=_first(get("language")),
        urls=_unique(_split_urls(_useful(get("url")))),
        accession_numbers=_unique(accession),
        publisher=_first(get("publisher")),
        database=database_names,
        platform=_first(get("platform")),
        notes=notes,
    )


_MARKUP = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|u|sup|sub|li|ul|ol|h[1-6])\b[^>]*>", re.I)


def _note(value: str) -> str:
    """A note with its lines stripped and the XHTML Zotero wraps notes in removed."""
    if "\n" in value:
        value = "\n".join([part.strip() for part in value.strip().split("\n")])
    else:
        value = value.strip()
    if "<" in value and ">" in value:
        value = html.unescape(_MARKUP.sub(" ", value))
        value = "\n".join(" ".join(part.split()) for part in value.split("\n")).strip()
    return value


def _unique(values: list[str]) -> tuple[str, ...]:
    """``values`` without repeats, in order."""
    if len(values) < 2:
        return tuple(values)
    return tuple(dict.fromkeys(values))
