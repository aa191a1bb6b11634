"""OpenAlex works as Records; the abstract is rebuilt from its inverted index (word order only,
so it is lossy), and the OpenAlex id is kept as an accession number (RIS ``AN``) and a URL
(``UR``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cen_search.apis.mapping import PLACEHOLDER, dig, items, raw_pairs, text
from cen_search.apis.mapping import obj as as_obj
from cen_search.fields import clean_doi, clean_pmcid, clean_pmid, parse_pages, split_issn
from cen_search.models import Record, RecordType
from cen_search.names import parse_author

OPENALEX_PREFIX = "https://openalex.org/"

_TYPES = {
    "article": RecordType.ARTICLE,
    "review": RecordType.REVIEW,
    "preprint": RecordType.PREPRINT,
    "book": RecordType.BOOK,
    "book-chapter": RecordType.CHAPTER,
    "dissertation": RecordType.THESIS,
    "dataset": RecordType.DATASET,
    "editorial": RecordType.EDITORIAL,
    "letter": RecordType.LETTER,
    "erratum": RecordType.ERRATUM,
    "report": RecordType.REPORT,
}


def work_id(value: Any) -> str:
    """The short OpenAlex id (``W123``) of an id or URL, upper-cased; "" when it is none."""
    short = text(value).rsplit("/", 1)[-1].strip()
    return short.upper() if short[:1].upper() == "W" and short[1:].isdigit() else ""


def _abstract(index: Any) -> str:
    if not isinstance(index, Mapping):
        return ""
    words: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions if isinstance(positions, list) else []:
            if isinstance(pos, int):
                words[pos] = str(word)
    return " ".join(words[p] for p in sorted(words))


def _pmcid(value: Any) -> str:
    """``PMC5815332`` from OpenAlex's ``https://www.ncbi.nlm.nih.gov/pmc/articles/5815332``."""
    last = text(value).rstrip("/").rsplit("/", 1)[-1]
    return clean_pmcid(f"PMC{last}" if last.isdigit() else last)


def openalex_record(obj: Mapping[str, Any]) -> Record:
    """One OpenAlex work as a Record."""
    authors = []
    for authorship in items(obj.get("authorships")):
        if isinstance(authorship, Mapping):
            name = text(dig(authorship, "author", "display_name")) or text(
                authorship.get("raw_author_name")
            )
            if name:
                authors.append(parse_author(name))
    source = as_obj(dig(obj, "primary_location", "source"))
    biblio = as_obj(obj.get("biblio"))
    ids = as_obj(obj.get("ids"))
    keywords = [
        text(k.get("display_name")) for k in items(obj.get("keywords")) if isinstance(k, Mapping)
    ]
    short = work_id(obj.get("id") or ids.get("openalex"))
    year = obj.get("publication_year")
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(obj),
        type=_TYPES.get(text(obj.get("type")), RecordType.OTHER),
        title=text(obj.get("title") or obj.get("display_name")),
        authors=tuple(authors),
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        date=text(obj.get("publication_date")),
        container=text(source.get("display_name")),
        volume=text(biblio.get("volume")),
        issue=text(biblio.get("issue")),
        pages=parse_pages(text(biblio.get("first_page")), text(biblio.get("last_page"))),
        doi=clean_doi(text(obj.get("doi") or ids.get("doi"))),
        pmid=clean_pmid(text(ids.get("pmid")).removeprefix("https://pubmed.ncbi.nlm.nih.gov/")),
        pmcid=_pmcid(ids.get("pmcid")),
        issn=split_issn(" ".join(text(i) for i in items(source.get("issn")))),
        abstract=_abstract(obj.get("abstract_inverted_index")),
        keywords=tuple(k for k in keywords if k),
        language=text(obj.get("language")),
        urls=(OPENALEX_PREFIX + short,) if short else (),
        accession_numbers=(short,) if short else (),
        database="OpenAlex",
    )
