"""Europe PMC results (``search`` core/lite, ``citations`` and ``references`` items) as Records.

Citation and reference items carry no ``pmid`` key: their ``id`` is a PMID when ``source`` is
``MED`` and a PMCID when it is ``PMC``, so those ids are filled from the pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cen_search.apis.mapping import PLACEHOLDER, dig, items, raw_pairs, text
from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    parse_pages,
    parse_year,
    split_issn,
)
from cen_search.models import Author, Record, RecordType
from cen_search.names import parse_author

_TYPES = {
    "review": RecordType.REVIEW,
    "systematic review": RecordType.REVIEW,
    "editorial": RecordType.EDITORIAL,
    "letter": RecordType.LETTER,
    "comment": RecordType.LETTER,
    "published erratum": RecordType.ERRATUM,
    "preprint": RecordType.PREPRINT,
    "journal article": RecordType.ARTICLE,
    "research-article": RecordType.ARTICLE,
}


def _authors(obj: Mapping[str, Any]) -> tuple[Author, ...]:
    authors: list[Author] = []
    for author in items(dig(obj, "authorList", "author")):
        if isinstance(author, Mapping):
            last, first = text(author.get("lastName")), text(author.get("firstName"))
            name = f"{last}, {first}" if last and first else text(author.get("fullName"))
            if name:
                authors.append(parse_author(name))
            elif author.get("collectiveName"):
                authors.append(Author(text(author["collectiveName"]), organisation=True))
    if not authors and obj.get("authorString"):
        names = text(obj["authorString"]).rstrip(".").split(", ")
        authors = [parse_author(a) for a in names if a]
    return tuple(authors)


def europepmc_record(obj: Mapping[str, Any]) -> Record:
    """One Europe PMC result or citation/reference item as a Record."""
    journal = dig(obj, "journalInfo", "journal") or {}
    kinds = [text(t).lower() for t in items(dig(obj, "pubTypeList", "pubType"))]
    kinds += [part.strip().lower() for part in text(obj.get("citationType")).split(";")]
    kind = next((_TYPES[t] for t in kinds if t in _TYPES), RecordType.ARTICLE)
    issn_text = " ".join(text(journal.get(k)) for k in ("issn", "essn"))
    issn_text += " " + " ".join(text(obj.get(k)) for k in ("issn", "essn"))
    source, ident = text(obj.get("source")), text(obj.get("id"))
    pmid = text(obj.get("pmid")) or (ident if source == "MED" else "")
    pmcid = text(obj.get("pmcid")) or (ident if source == "PMC" else "")
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(obj),
        type=kind,
        title=text(obj.get("title")),
        authors=_authors(obj),
        year=parse_year(text(obj.get("pubYear")) or text(obj.get("firstPublicationDate"))),
        date=text(obj.get("firstPublicationDate")),
        container=text(journal.get("title")) or text(obj.get("journalTitle")),
        container_abbrev=text(
            journal.get("isoabbreviation")
            or journal.get("medlineAbbreviation")
            or obj.get("journalAbbreviation")
        ),
        volume=text(
            dig(obj, "journalInfo", "volume") or obj.get("journalVolume") or obj.get("volume")
        ),
        issue=text(dig(obj, "journalInfo", "issue") or obj.get("issue")),
        pages=parse_pages(text(obj.get("pageInfo"))),
        doi=clean_doi(text(obj.get("doi"))),
        pmid=clean_pmid(pmid),
        pmcid=clean_pmcid(pmcid),
        issn=split_issn(issn_text),
        abstract=text(obj.get("abstractText")),
        keywords=tuple(text(k) for k in items(dig(obj, "keywordList", "keyword")) if text(k)),
        language=text(obj.get("language")),
        accession_numbers=(f"{source}:{ident}",) if source and ident else (),
        database="Europe PMC",
    )
