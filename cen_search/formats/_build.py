"""Building :class:`~cen_search.models.Record` values from the fields of a parsed record.

Every format reader ends the same way: it has the record's original fields as ``(tag, value)``
pairs and needs a :class:`Record` with mapped, cleaned fields. :class:`RecordBuilder` does
that second half once, for all formats, driven by a mapping table
(``formats/tables/<name>.csv`` with columns ``tag,field``) that says which source tag feeds
which *canonical field*. A tag may feed several canonical fields (RIS ``UR`` is both a URL
and, when it is a doi.org link, the DOI).
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass

from cen_search._slots import constructor
from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    doi_from_url,
    exact_doi,
    parse_pages,
    split_isbn,
    split_issn,
    squash,
    strip_markup,
)
from cen_search.formats._tables import (
    CANONICAL_FIELDS,
    FieldMap,
    document_type,
    load_table,
    type_table,
)
from cen_search.formats._values import (
    accessions_of,
    authors_of,
    date_of,
    first_text,
    keywords_of,
    note_of,
    split_urls,
    text_of,
    unique,
    useful,
)
from cen_search.formats.base import IssueLog, Source
from cen_search.models import Pages, Provenance, RawField, Record, RecordType

__all__ = [
    "CANONICAL_FIELDS",
    "FieldMap",
    "IssueLog",
    "RecordBuilder",
    "collect",
    "document_type",
    "load_table",
    "no_gc",
    "type_table",
]

_NO_PAGES = Pages()
_record = constructor(Record)
_provenance = constructor(Provenance)
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
    for large files. Reference counting still frees everything; collection resumes after,
    with the new objects filed in the oldest generation, where long-lived objects end up.
    Readers decorate ``read`` with ``@no_gc()`` (a fresh pause for each call).

    Objects filed away so are only collected by a full collection, which a long process
    reading many files may rarely make: readers must not leave reference cycles behind (the
    XML readers close their parser, which breaks its cycles; errors are raised outside
    ``except`` blocks, so that no traceback keeps a parser's frames alive).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                # The records just built are long-lived: put them straight into the oldest
                # generation (two list splices, no traversal) instead of letting the first
                # young-generation collection walk every one of them.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def collect(raw: Iterable[RawField]) -> dict[str, list[str]]:
    """Values by tag, in source order."""
    by_tag: dict[str, list[str]] = {}
    for tag, value in raw:
        if tag in by_tag:
            by_tag[tag].append(value)
        else:
            by_tag[tag] = [value]
    return by_tag


def _gather(
    fmap: FieldMap, by_tag: Mapping[str, list[str]], extra: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Canonical field -> its values, in the table's priority order, then ``extra``.

    Only the tags the record has are looked up (a record has a dozen or so of the table's
    fifty tags). A field fed by one tag gets that tag's list itself; a field fed by two or
    more of the record's tags (``UR`` and ``L2``) is rebuilt in the table's row order.
    The lists returned may be the very lists in ``by_tag``: callers must not change them.
    """
    out: dict[str, list[str]] = {}
    feeds = fmap.feeds
    shared: list[str] | None = None
    for tag, values in by_tag.items():
        names = feeds.get(tag)
        if names is None or not values:
            continue
        for name in names:
            if name in out:
                if shared is None:
                    shared = [name]
                elif name not in shared:
                    shared.append(name)
            else:
                out[name] = values
    if shared is not None:
        get = by_tag.get
        for name in shared:
            merged: list[str] = []
            for tag in fmap.by_field[name]:
                more = get(tag)
                if more:
                    merged += more
            out[name] = merged
    if extra:
        for name, added in extra.items():
            if added:
                out[name] = [*out.get(name, ()), *added]
    return out


@dataclass(frozen=True, slots=True)
class RecordBuilder:
    """Builds the records of one file from their original fields.

    What every record of the file shares is given once: the mapping table ``fields``, the
    file's ``source``, the ``format`` name for provenance, the ``issues`` log that odd values
    are reported to, and the ``database``/``platform`` the reader detected for the whole file
    (defaults for provenance when the user declared none: ``source`` wins).
    """

    fields: FieldMap
    _: KW_ONLY
    source: Source
    format: str
    issues: IssueLog
    database: str = ""
    platform: str = ""

    def build(
        self,
        raw: Sequence[RawField],
        *,
        index: int,
        line: int,
        type: RecordType | None = None,
        extra: Mapping[str, Sequence[str]] | None = None,
        by_tag: Mapping[str, list[str]] | None = None,
        database: str | None = None,
    ) -> Record:
        """A :class:`Record` from original fields ``raw`` mapped through the file's table.

        ``type`` is the type the reader read from the format's own type code, refined by any
        ``doc_type`` labels; ``extra`` are canonical values the table cannot express;
        ``by_tag`` is ``collect(raw)`` when the reader has it (possibly adjusted); ``database``
        replaces the file's detected database for this record. Odd values (a date without a
        year, a DOI field without a DOI) are reported with the record's position.
        """
        fields = self.fields
        source = self.source
        issues = self.issues
        extra = extra or _NO_EXTRA
        if by_tag is None:
            by_tag = collect(raw)
        got = _gather(fields, by_tag, extra)
        get = got.get
        # Fields a record does not have are tested with ``in`` and skipped, so the work done
        # grows with the fields present, not with the size of the mapping table.

        # type
        rtype = type or RecordType.OTHER
        if "doc_type" in got:
            for label in useful(got["doc_type"]):
                found = document_type(label)
                if found is not None and _RANK[found] > _RANK[rtype]:
                    rtype = found

        # date and year
        year: int | None = None
        date = ""
        if "date" in got:
            year, date = date_of(got["date"])
            if year is None and date:
                issues.warn(
                    f"no year could be read from the date {date!r}", line=line, record=index
                )

        # pages
        pages = _NO_PAGES
        if "pages" in got or "start_page" in got or "end_page" in got or "article_number" in got:
            range_ = first_text(get("pages"))
            pages = parse_pages(
                range_ or first_text(get("start_page")),
                "" if range_ else first_text(get("end_page")),
                article_number=first_text(get("article_number")),
            )

        # identifiers
        doi = ""
        if "doi" in got:
            for value in got["doi"]:
                if value and value != "nan" and not value.isspace():
                    doi = clean_doi(value)
                    if doi:
                        break
                    shown = squash(value)[:80]
                    issues.warn(f"no DOI could be read from {shown!r}", line=line, record=index)
        if not doi and "doi_exact" in got:
            doi = _first((v.split("\n", 1)[0] for v in useful(got["doi_exact"])), exact_doi)
        if not doi and "doi_url" in got:
            doi = _first(split_urls(got["doi_url"]), doi_from_url)
        pmid = _first(useful(got["pmid"]), clean_pmid) if "pmid" in got else ""
        pmcid = _first(useful(got["pmcid"]), clean_pmcid) if "pmcid" in got else ""

        issn: list[str] = []
        isbn: list[str] = []
        if "issn" in got:
            for value in useful(got["issn"]):
                issn.extend(split_issn(value))
        if "isbn" in got:
            for value in useful(got["isbn"]):
                isbn.extend(split_isbn(value))
        if "issn_isbn" in got:
            for value in got["issn_isbn"]:
                if not value or value == "nan" or value.isspace():
                    continue
                found_issn = split_issn(value)
                if found_issn and rtype not in _BOOKISH:
                    issn.extend(found_issn)
                else:
                    found_isbn = split_isbn(value)
                    if found_isbn:
                        isbn.extend(found_isbn)
                    else:
                        issn.extend(found_issn)

        database_names = ""
        if "database" in got:
            database_names = "; ".join(dict.fromkeys(text_of(v) for v in useful(got["database"])))
        # Built positionally, in the models' field order (see cen_search/_slots.py for why).
        provenance = _provenance(
            source.file,
            source.sha256,
            self.format,
            source.encoding,
            index,
            line,
            first_text(get("key")) or str(index),  # key
            source.database or (self.database if database is None else database),
            source.platform or self.platform,
            source.searched,
        )
        return _record(
            provenance,
            tuple(raw),
            rtype,
            strip_markup(first_text(get("title"))),
            authors_of(got, fields, by_tag, extra),
            year,
            date,
            strip_markup(first_text(get("container"))),
            first_text(get("container_abbrev")),
            first_text(get("volume")),
            first_text(get("issue")),
            pages,
            doi,
            pmid,
            pmcid,
            unique(issn),
            unique(isbn),
            strip_markup(first_text(get("abstract"))),
            keywords_of(got),
            first_text(get("language")),
            unique(split_urls(got["url"])) if "url" in got else (),  # urls
            unique(accessions_of(got["accession"])) if "accession" in got else (),
            first_text(get("publisher")),
            database_names,
            first_text(get("platform")),
            tuple([note_of(v) for v in got["note"] if v and v != "nan" and not v.isspace()])
            if "note" in got
            else (),
        )


def _first(values: Iterable[str], clean: Callable[[str], str]) -> str:
    """The first value that ``clean`` makes something of, cleaned; ``""`` when none does."""
    for value in values:
        cleaned = clean(value)
        if cleaned:
            return cleaned
    return ""
