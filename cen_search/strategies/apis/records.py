"""Europe PMC and OpenAlex results as cen-search JSON Lines, ready to import.

Each result becomes one :class:`~cen_search.models.Record` written in the project's JSONL
shape (:func:`cen_search.formats.jsonl.record_to_dict`) *without* provenance, so that reading
the imported file gives every record the file itself as its provenance (stable ids). Every
top-level key of the API's JSON is kept verbatim in ``raw`` (objects and lists as compact
JSON), so nothing the service sent is lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    parse_pages,
    parse_year,
    split_issn,
)
from cen_search.models import Author, Provenance, Record, RecordType
from cen_search.names import parse_author

_PLACEHOLDER = Provenance(file="", sha256="", format="jsonl", encoding="utf-8", index=0, line=0)

_EPMC_TYPES = {
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
_OA_TYPES = {
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


def _raw(obj: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for key, value in obj.items():
        if value is None:
            continue
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        )
        pairs.append((str(key), text))
    return tuple(pairs)


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _dig(obj: Mapping[str, Any], *path: str) -> Any:
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def europepmc_record(obj: Mapping[str, Any]) -> Record:
    """One Europe PMC ``core`` (or ``lite``) result as a Record."""
    authors: list[Author] = []
    for author in _dig(obj, "authorList", "author") or []:
        if isinstance(author, Mapping):
            last, first = _s(author.get("lastName")), _s(author.get("firstName"))
            name = f"{last}, {first}" if last and first else _s(author.get("fullName"))
            if name:
                authors.append(parse_author(name))
            elif author.get("collectiveName"):
                authors.append(Author(_s(author["collectiveName"]), organisation=True))
    if not authors and obj.get("authorString"):
        authors = [parse_author(a) for a in _s(obj["authorString"]).rstrip(".").split(", ") if a]
    journal = _dig(obj, "journalInfo", "journal") or {}
    types = [_s(t).lower() for t in _dig(obj, "pubTypeList", "pubType") or []]
    kind = next((_EPMC_TYPES[t] for t in types if t in _EPMC_TYPES), RecordType.ARTICLE)
    issn = split_issn(" ".join(_s(journal.get(k)) for k in ("issn", "essn")))
    source, ident = _s(obj.get("source")), _s(obj.get("id"))
    return Record(
        provenance=_PLACEHOLDER,
        raw=_raw(obj),
        type=kind,
        title=_s(obj.get("title")),
        authors=tuple(authors),
        year=parse_year(_s(obj.get("pubYear")) or _s(obj.get("firstPublicationDate"))),
        date=_s(obj.get("firstPublicationDate")),
        container=_s(journal.get("title")) or _s(obj.get("journalTitle")),
        container_abbrev=_s(journal.get("isoabbreviation") or journal.get("medlineAbbreviation")),
        volume=_s(_dig(obj, "journalInfo", "volume") or obj.get("journalVolume")),
        issue=_s(_dig(obj, "journalInfo", "issue") or obj.get("issue")),
        pages=parse_pages(_s(obj.get("pageInfo"))),
        doi=clean_doi(_s(obj.get("doi"))),
        pmid=clean_pmid(_s(obj.get("pmid"))),
        pmcid=clean_pmcid(_s(obj.get("pmcid"))),
        issn=issn,
        abstract=_s(obj.get("abstractText")),
        keywords=tuple(_s(k) for k in _dig(obj, "keywordList", "keyword") or [] if _s(k)),
        language=_s(obj.get("language")),
        accession_numbers=(f"{source}:{ident}",) if source and ident else (),
        database="Europe PMC",
    )


def _abstract(index: Any) -> str:
    if not isinstance(index, Mapping):
        return ""
    words: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions or []:
            if isinstance(pos, int):
                words[pos] = str(word)
    return " ".join(words[p] for p in sorted(words))


def _strip(url: Any, prefix: str) -> str:
    text = _s(url)
    return text.removeprefix(prefix)


def openalex_record(obj: Mapping[str, Any]) -> Record:
    """One OpenAlex work as a Record (the abstract is rebuilt from its inverted index)."""
    authors = []
    for authorship in obj.get("authorships") or []:
        if isinstance(authorship, Mapping):
            name = _s(_dig(authorship, "author", "display_name")) or _s(
                authorship.get("raw_author_name")
            )
            if name:
                authors.append(parse_author(name))
    source = _dig(obj, "primary_location", "source") or {}
    biblio = obj.get("biblio") or {}
    ids = obj.get("ids") or {}
    keywords = [
        _s(k.get("display_name")) for k in obj.get("keywords") or [] if isinstance(k, Mapping)
    ]
    work_id = _strip(obj.get("id"), "https://openalex.org/")
    return Record(
        provenance=_PLACEHOLDER,
        raw=_raw(obj),
        type=_OA_TYPES.get(_s(obj.get("type")), RecordType.OTHER),
        title=_s(obj.get("title") or obj.get("display_name")),
        authors=tuple(authors),
        year=obj.get("publication_year") if isinstance(obj.get("publication_year"), int) else None,
        date=_s(obj.get("publication_date")),
        container=_s(source.get("display_name")) if isinstance(source, Mapping) else "",
        volume=_s(biblio.get("volume")),
        issue=_s(biblio.get("issue")),
        pages=parse_pages(_s(biblio.get("first_page")), _s(biblio.get("last_page"))),
        doi=clean_doi(_s(obj.get("doi") or ids.get("doi"))),
        pmid=clean_pmid(_strip(ids.get("pmid"), "https://pubmed.ncbi.nlm.nih.gov/")),
        pmcid=clean_pmcid(_s(ids.get("pmcid"))),
        issn=tuple(
            split_issn(" ".join(_s(i) for i in (source.get("issn") or [])))
            if isinstance(source, Mapping)
            else ()
        ),
        abstract=_abstract(obj.get("abstract_inverted_index")),
        keywords=tuple(k for k in keywords if k),
        language=_s(obj.get("language")),
        accession_numbers=(work_id,) if work_id else (),
        database="OpenAlex",
    )


def jsonl_lines(records: Iterable[Record]) -> str:
    """JSON Lines text for ``records`` in the project's layout, without provenance."""
    from cen_search.formats.jsonl import SCHEMA_VERSION, record_to_dict

    out = []
    for record in records:
        data = record_to_dict(record)
        data.pop("provenance", None)
        data.pop("id", None)
        data["schema_version"] = SCHEMA_VERSION
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for char in ("\ufeff", "\u2028", "\u2029", "\x85"):
            line = line.replace(char, json.dumps(char)[1:-1])
        out.append(line)
    return "".join(line + "\n" for line in out)
