"""Semantic Scholar papers (``/paper/batch`` items, ``citingPaper``/``citedPaper``) as Records.
Abstracts may be null for licensing reasons; a reference the index could not resolve has a
null ``paperId`` and only a title."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cen_search.apis.mapping import PLACEHOLDER, dig, items, raw_pairs, text
from cen_search.apis.mapping import obj as as_obj
from cen_search.fields import clean_doi, clean_pmcid, clean_pmid, parse_pages, parse_year
from cen_search.models import Record, RecordType
from cen_search.names import parse_author

_TYPES = {
    "JournalArticle": RecordType.ARTICLE,
    "Review": RecordType.REVIEW,
    "Conference": RecordType.CONFERENCE_PAPER,
    "Book": RecordType.BOOK,
    "BookSection": RecordType.CHAPTER,
    "Editorial": RecordType.EDITORIAL,
    "LettersAndComments": RecordType.LETTER,
    "Dataset": RecordType.DATASET,
}


def paper_record(obj: Mapping[str, Any]) -> Record:
    """One Semantic Scholar paper as a Record."""
    ids = as_obj(obj.get("externalIds"))
    journal = as_obj(obj.get("journal"))
    kinds = [text(k) for k in items(obj.get("publicationTypes"))]
    kind = next((_TYPES[k] for k in kinds if k in _TYPES), RecordType.OTHER)
    if kind is RecordType.OTHER and journal.get("name"):
        kind = RecordType.ARTICLE
    pmcid = text(ids.get("PubMedCentral"))
    paper = text(obj.get("paperId"))
    year = obj.get("year")
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(obj),
        type=kind,
        title=text(obj.get("title")),
        authors=tuple(
            parse_author(text(a.get("name")))
            for a in items(obj.get("authors"))
            if isinstance(a, Mapping) and text(a.get("name"))
        ),
        year=year
        if isinstance(year, int) and not isinstance(year, bool)
        else parse_year(text(obj.get("publicationDate"))),
        date=text(obj.get("publicationDate")),
        container=text(journal.get("name")) or text(obj.get("venue")),
        volume=text(journal.get("volume")).strip(),
        pages=parse_pages(text(journal.get("pages"))),
        doi=clean_doi(text(ids.get("DOI"))),
        pmid=clean_pmid(text(ids.get("PubMed"))),
        pmcid=clean_pmcid(
            pmcid if pmcid.upper().startswith("PMC") else f"PMC{pmcid}" if pmcid else ""
        ),
        abstract=text(obj.get("abstract")),
        urls=(f"https://www.semanticscholar.org/paper/{paper}",) if paper else (),
        accession_numbers=(f"S2:{paper}",) if paper else (),
        database="Semantic Scholar",
    )


def linked_paper(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The paper of a citation or reference item (``citingPaper``/``citedPaper``)."""
    for key in ("citingPaper", "citedPaper"):
        if isinstance(obj.get(key), Mapping):
            return obj[key]
    return obj


def s2_record(obj: Mapping[str, Any]) -> Record:
    """A paper, or the paper of a citation/reference item."""
    return paper_record(linked_paper(obj))


__all__ = ["dig", "linked_paper", "paper_record", "s2_record"]
