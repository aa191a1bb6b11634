"""Crossref works and the references deposited with them, as Records.

A reference (``message.reference[]``) is what the citing publisher deposited: a DOI when one
was matched or asserted, otherwise structured parts (``article-title``, ``author``, ``year``,
``journal-title`` ...) and/or an ``unstructured`` string, which is kept as a note (it is a
whole citation, not a title).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cen_search.apis.mapping import PLACEHOLDER, dig, items, raw_pairs, text
from cen_search.fields import clean_doi, parse_pages, parse_year, split_issn
from cen_search.models import Author, Record, RecordType
from cen_search.names import parse_author

_TYPES = {
    "journal-article": RecordType.ARTICLE,
    "book": RecordType.BOOK,
    "monograph": RecordType.BOOK,
    "edited-book": RecordType.BOOK,
    "book-chapter": RecordType.CHAPTER,
    "proceedings-article": RecordType.CONFERENCE_PAPER,
    "dissertation": RecordType.THESIS,
    "dataset": RecordType.DATASET,
    "report": RecordType.REPORT,
    "posted-content": RecordType.PREPRINT,
}


def _first(value: Any) -> str:
    values = items(value)
    return text(values[0]) if values else text(value) if isinstance(value, str) else ""


def _year(obj: Mapping[str, Any]) -> int | None:
    for name in ("published", "issued", "published-print", "published-online"):
        parts = dig(obj, name, "date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            if isinstance(first, int) and not isinstance(first, bool):
                return first
    return None


def _authors(obj: Mapping[str, Any]) -> tuple[Author, ...]:
    out = []
    for author in items(obj.get("author")):
        if not isinstance(author, Mapping):
            continue
        family, given = text(author.get("family")), text(author.get("given"))
        if family:
            out.append(parse_author(f"{family}, {given}" if given else family))
        elif author.get("name"):
            out.append(Author(text(author["name"]), organisation=True))
    return tuple(out)


def crossref_record(obj: Mapping[str, Any]) -> Record:
    """One Crossref work (``message`` of ``/works/{doi}``, or an item of a works list)."""
    abstract = re.sub(r"<[^>]+>", " ", text(obj.get("abstract")))
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(obj),
        type=_TYPES.get(text(obj.get("type")), RecordType.OTHER),
        title=_first(obj.get("title")),
        authors=_authors(obj),
        year=_year(obj),
        container=_first(obj.get("container-title")),
        container_abbrev=_first(obj.get("short-container-title")),
        volume=text(obj.get("volume")),
        issue=text(obj.get("issue")),
        pages=parse_pages(text(obj.get("page")) or text(obj.get("article-number"))),
        doi=clean_doi(text(obj.get("DOI"))),
        issn=split_issn(" ".join(text(i) for i in items(obj.get("ISSN")))),
        isbn=tuple(text(i) for i in items(obj.get("ISBN")) if text(i)),
        abstract=" ".join(abstract.split()),
        publisher=text(obj.get("publisher")),
        database="Crossref",
    )


def reference_record(ref: Mapping[str, Any]) -> Record:
    """One deposited reference as a Record (only what the publisher deposited)."""
    author = text(ref.get("author"))
    title = text(ref.get("article-title")) or text(ref.get("volume-title"))
    container = text(ref.get("journal-title")) or text(ref.get("series-title"))
    unstructured = text(ref.get("unstructured"))
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(ref),
        type=RecordType.ARTICLE if container else RecordType.OTHER,
        title=title,
        authors=(parse_author(author),) if author else (),
        year=parse_year(text(ref.get("year"))),
        container=container,
        volume=text(ref.get("volume")),
        issue=text(ref.get("issue")),
        pages=parse_pages(text(ref.get("first-page"))),
        doi=clean_doi(text(ref.get("DOI"))),
        issn=split_issn(text(ref.get("ISSN"))),
        notes=(unstructured,) if unstructured else (),
        database="Crossref",
    )


def crossref_any(obj: Mapping[str, Any]) -> Record:
    """A work or a deposited reference (references have a ``key`` and no ``title`` list)."""
    if "key" in obj and not isinstance(obj.get("title"), list):
        return reference_record(obj)
    return crossref_record(obj)
