"""OpenCitations identifiers and Meta records.

Index rows name the citing and cited works by space-separated identifier bags
(``omid:br/0610... doi:10.x/y pmid:123``); a value may carry an ``[index] => `` prefix when a
citation is in several indexes, which :func:`pid_bag` removes. Meta (``/metadata/``) records
add title, authors (``Family, Given [orcid:... omid:...]; ...``), date, venue, volume, issue,
pages, type and publisher, and its ``id`` bag holds the OpenAlex id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cen_search.apis.mapping import PLACEHOLDER, raw_pairs, text
from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    parse_pages,
    parse_year,
    split_issn,
)
from cen_search.models import Record, RecordType
from cen_search.names import parse_author

_BRACKETS = re.compile(r"\s*\[[^\]]*\]")
_INDEX_PREFIX = re.compile(r"(?:^|;)\s*\[?[\w .-]*\]?\s*=>")
"""``[coci] => `` before a bag (and the ``;`` before the next one), when a citation is in
several indexes; a ``;`` inside a DOI (``...3.0.co;2-o``) is not one of them."""
_TYPES = {
    "journal article": RecordType.ARTICLE,
    "book": RecordType.BOOK,
    "book chapter": RecordType.CHAPTER,
    "proceedings article": RecordType.CONFERENCE_PAPER,
    "dissertation": RecordType.THESIS,
    "dataset": RecordType.DATASET,
    "report": RecordType.REPORT,
}


def pid_bag(value: Any) -> dict[str, list[str]]:
    """Scheme -> values of an identifier bag (``doi``, ``pmid``, ``omid``, ``openalex`` ...);
    DOIs cleaned to canonical form."""
    bag: dict[str, list[str]] = {}
    raw = text(value)
    if "=>" in raw:
        raw = _INDEX_PREFIX.sub(" ", raw)
    for token in raw.split():
        scheme, sep, ident = token.partition(":")
        if not sep or not ident:
            continue
        scheme = scheme.lower()
        if scheme == "doi":
            ident = clean_doi(ident)
        if ident and ident not in bag.setdefault(scheme, []):
            bag[scheme].append(ident)
    return bag


def meta_record(obj: Mapping[str, Any]) -> Record:
    """One OpenCitations Meta record (or an index PID bag alone, under ``id``)."""
    bag = pid_bag(obj.get("id"))
    authors = [
        parse_author(_BRACKETS.sub("", part).strip())
        for part in text(obj.get("author")).split(";")
        if _BRACKETS.sub("", part).strip()
    ]
    venue = text(obj.get("venue"))
    openalex = next((w.upper() for w in bag.get("openalex", []) if w[:1] in "Ww"), "")
    return Record(
        provenance=PLACEHOLDER,
        raw=raw_pairs(obj),
        type=_TYPES.get(text(obj.get("type")).lower(), RecordType.OTHER),
        title=text(obj.get("title")),
        authors=tuple(authors),
        year=parse_year(text(obj.get("pub_date"))),
        date=text(obj.get("pub_date")),
        container=_BRACKETS.sub("", venue).strip(),
        volume=text(obj.get("volume")),
        issue=text(obj.get("issue")),
        pages=parse_pages(text(obj.get("page"))),
        doi=(bag.get("doi") or [""])[0],
        pmid=clean_pmid((bag.get("pmid") or [""])[0]),
        pmcid=clean_pmcid((bag.get("pmcid") or [""])[0]),
        issn=split_issn(" ".join(re.findall(r"issn:(\S+?)[\s\]]", venue + " "))),
        publisher=_BRACKETS.sub("", text(obj.get("publisher"))).strip(),
        urls=(f"https://openalex.org/{openalex}",) if openalex else (),
        accession_numbers=tuple([openalex] if openalex else [])
        + tuple(f"omid:{o}" for o in bag.get("omid", [])[:1]),
        database="OpenCitations",
    )
