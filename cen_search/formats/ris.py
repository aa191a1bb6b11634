"""RIS (``TY  - JOUR`` ... ``ER  -``): reader and writer.

Reading follows rispy's grammar (a two-character tag, ``"  - "``, the value; ``TY`` starts a
record, ``ER`` ends it; untagged lines continue the previous field) but keeps every field in
order with its line number, and handles the quirks of real exports:

* 4-letter tags (APA PsycNET ``PMID  -``), empty tags with or without a trailing space, a
  final ``ER`` without a newline, a BOM glued to the first tag;
* untagged continuation lines (Rayyan one keyword per line, wrapped ``N2``; a line starting
  ``ER then`` is text, not an end tag), joined to the previous field with ``\\n``;
* headers and numbering between records (``Provider:``/``Database:``/``Content:`` blocks,
  ``Record #1 of 2``, ``1.``): database and platform headers become provenance defaults;
* tags after ``ER`` (Ovid's trailing ``NL``) are kept with the record before them; a block
  of tags without ``TY`` that ends in ``ER`` is read as a record with a warning; a record
  without ``ER`` ends at the next ``TY`` or the end of the file, with a warning.

Mapping to :class:`~cen_search.models.Record` is driven by ``tables/ris_tags.csv`` and
``tables/ris_types.csv``; only identifiers whose meaning depends on the database (``AN``,
``C2``, ``C5`` holding a PMID) are decided here. Writing (:mod:`._ris_write`) keeps to what
every RIS reader reads the same way: two-character tags and one line per value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from cen_search.fields import split_issn
from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc, type_table
from cen_search.formats._ris_split import Splitter
from cen_search.formats._ris_write import write_ris
from cen_search.formats._tagged import reference_type
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record

NAME = "ris"
LABEL = "RIS"
EXTENSIONS = (".ris",)

_TAG = re.compile(r"([A-Z][A-Z0-9]|[A-Z]{4})  -(.*)")
_ONE_SPACE_TY = re.compile(r"^TY - ", re.MULTILINE)
_ONE_SPACE = re.compile(r"^([A-Z][A-Z0-9]|[A-Z]{4}) -(?= |$)", re.MULTILINE)
_MEDLINE_ONLY = re.compile(r"^(?:PMID|OWN |STAT|FAU |DCOM|JID ) ?-", re.MULTILINE)
_PUBMED = frozenset({"NLM", "PUBMED", "MEDLINE", "PUBMED CENTRAL"})


def sniff(text: str) -> int:
    """High when RIS tag lines and a ``TY``/``ER`` line are present; 0 for MEDLINE, WoS, ENW."""
    head = text[:20000].lstrip("\ufeff")
    if "TY  -" not in head and _ONE_SPACE_TY.search(head):
        head = _ONE_SPACE.sub(r"\1  -", head)
    tags = 0
    has_ty = has_er = False
    for line in head.split("\n")[:400]:
        match = _TAG.match(line)
        if match:
            tags += 1
            has_ty = has_ty or match.group(1) == "TY"
            has_er = has_er or match.group(1) == "ER"
    if tags == 0 or not (has_ty or has_er):
        return 0
    if _MEDLINE_ONLY.search(head) and not has_ty:
        return 0
    if has_ty and has_er:
        return 95
    return 60 if tags >= 3 else 30


def _is_pubmed(by_tag: dict[str, list[str]]) -> bool:
    names = [v.strip().upper() for t in ("DP", "DB") for v in by_tag.get(t, ())]
    return bool(names) and all(name in _PUBMED for name in names)


_ISSN_ONLY = re.compile(r"\d{4}-?\d{3}[\dXx]")


def _extra(by_tag: dict[str, list[str]]) -> dict[str, list[str]]:
    """Canonical values whose tag means different things in different databases.

    ``AN`` is a PMID in EndNote's PubMed exports (``DP  - NLM``) or when written ``PMID:``,
    else an accession number;
    ``C2`` is a PMCID when it starts ``PMC`` and a PMID in Scopus exports; ``C5`` is the
    PMID in Embase exports; an ``N1`` whose first line is an ISSN (EndNote) adds that ISSN;
    ``JO`` is the abbreviation when ``T2``/``JF`` give the full container title.
    """
    extra: dict[str, list[str]] = {}
    if "AN" in by_tag:
        pubmed = _is_pubmed(by_tag)
        for value in by_tag["AN"]:
            text = value.strip()
            if text[:4].upper() == "PMID" or (pubmed and text.isdigit()):
                extra.setdefault("pmid", []).append(text)
            else:
                extra.setdefault("accession", []).append(text)
    if "C2" in by_tag or "C5" in by_tag:
        databases = {v.strip().lower() for v in by_tag.get("DB", ())}
        for value in by_tag.get("C2", ()):
            text = value.strip()
            if text[:3].upper() == "PMC":
                extra.setdefault("pmcid", []).append(text)
            elif text.isdigit() and "scopus" in databases:
                extra.setdefault("pmid", []).append(text)
        embase = "embase" in databases or any(v.startswith("L") for v in by_tag.get("U2", ()))
        for value in by_tag.get("C5", ()):
            if embase and value.strip().isdigit():
                extra.setdefault("pmid", []).append(value)
    if "N1" in by_tag:
        for value in by_tag["N1"]:
            end = value.find("\n")  # (notes can be long: no copy of the rest)
            first_line = (value if end < 0 else value[:end]).strip()
            if len(first_line) <= 9 and _ISSN_ONLY.fullmatch(first_line):
                extra.setdefault("issn", []).extend(split_issn(first_line))
    if "JO" in by_tag and ("T2" in by_tag or "JF" in by_tag):
        container = next((v for t in ("T2", "JF") for v in by_tag.get(t, ()) if v.strip()), "")
        jo = next((v for v in by_tag["JO"] if v.strip()), "")
        if jo and container and jo.strip() != container.strip():
            extra["container_abbrev"] = [jo]
    return extra


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read RIS text (already decoded, ``\\n`` newlines) into records."""
    issues = IssueLog(source.file)
    text = text.lstrip("\ufeff")
    if "TY  -" not in text and _ONE_SPACE_TY.search(text):  # "TY - JOUR": one space only
        text = _ONE_SPACE.sub(r"\1  -", text)
        issues.warn("tags are followed by one space instead of two; read as RIS", line=1)
    parser = Splitter(issues)
    pending = parser.split(text)
    build = RecordBuilder(
        FieldMap.load("ris_tags"),
        source=source,
        format=NAME,
        issues=issues,
        database=parser.headers.get("database", ""),
        platform=parser.headers.get("provider", ""),
    ).build
    types = type_table("ris_types")
    records: list[Record] = []
    for index, pending_record in enumerate(pending, 1):
        raw = pending_record.fields
        by_tag = collect(raw)
        code = by_tag["TY"][0].strip().upper() if "TY" in by_tag else ""
        line = pending_record.line
        rtype = reference_type(code, types, issues, line=line, record=index)
        if pending_record.trailing:  # (it has no TY, so no unknown type was reported)
            issues.warn(
                "record has no TY line (its reference type); read as type other",
                line=line,
                record=index,
            )
        if len(raw) <= 1 and not any(v.strip() for _, v in raw):
            issues.warn("record is empty (no fields with values)", line=line, record=index)
        records.append(
            build(raw, index=index, line=line, type=rtype, extra=_extra(by_tag), by_tag=by_tag)
        )
        del pending_record.fields  # now in the record as a tuple: free the list (peak memory)
    return issues.parsed(records)


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as RIS; returns how many were written.

    Mapped fields are written with standard tags (TY from the type, one AU per author ...);
    a record read from RIS also gets back its tags that have no mapped equivalent.
    """
    return write_ris(records, fh)
