"""PubMed/MEDLINE tagged text (``.nbib``, ``.txt``), ERIC ``.nbib`` included.

Each line is a tag of up to four characters, padded to four, then ``"- "`` and the value
(``PMID- 123``, ``AU  - Smith J``); continuation lines are indented (six spaces); records are
separated by blank lines. Quirks handled: old tags (``DA``, ``PUBM``) kept in raw; trailing
spaces; ERIC records (``OWN - ERIC``, no PMID, ``OID`` accession, ``ISSN - ISSN-1234-4567``);
book records (``BTI``/``CTI``/``FED``); malformed tag lines (``PMC -22664230``, ``TI-``) read
with a warning; text between records reported, never silently dropped.

The layout is cut by :func:`~cen_search.formats._tagged.split_tagged`, which the Ovid tagged
reader shares.
"""

from __future__ import annotations

import re

from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc
from cen_search.formats._tagged import TaggedRecord, split_tagged
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record, RecordType

NAME = "medline"
LABEL = "PubMed/MEDLINE"
EXTENSIONS = (".nbib", ".medline")

_SNIFF_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *-(?: |$)", re.MULTILINE)
_MEDLINE_MARKERS = frozenset({"PMID", "OWN", "STAT", "FAU", "DCOM", "JID", "DP", "PT", "TA"})
_PUBMED_OWNERS = frozenset({"NLM", "PIP", "KIE", "NASA", "HSR", "HMD", "NOTNLM", "PUBMED"})


def _starts_pubmed_record(tag: str, current: TaggedRecord) -> bool:
    return tag == "PMID" and any(t == "PMID" for t, _ in current.fields)


def sniff(text: str) -> int:
    """High when most lines are MEDLINE tag lines and MEDLINE-only tags (PMID, FAU...) occur."""
    head = text[:20000].lstrip("\ufeff")
    tags = _SNIFF_TAG.findall(head)
    if len(tags) < 2:
        return 0
    names = set(tags)
    if "TY" in names or "ER" in names or head.lstrip().startswith("<"):
        return 0  # RIS, or Ovid's "<1>" records
    four = {t for t in names if len(t) > 2}
    markers = names & _MEDLINE_MARKERS
    if "PMID" in names or ("OWN" in names and len(markers) >= 2):
        return 95
    if len(markers) >= 3 and four:
        return 80
    return 0


def _extra(by_tag: dict[str, list[str]]) -> tuple[dict[str, list[str]], RecordType]:
    """Container and type of book records, ERIC accession numbers and links."""
    extra: dict[str, list[str]] = {}
    book_title = next((v for v in by_tag.get("BTI", ()) if v.strip()), "")
    title = next((v for v in by_tag.get("TI", ()) if v.strip()), "")
    if book_title:
        rtype = RecordType.CHAPTER if title else RecordType.BOOK
        container = (
            book_title if title else next((v for v in by_tag.get("CTI", ()) if v.strip()), "")
        )
        if container:
            extra["container"] = [container]
    elif "JT" in by_tag or "TA" in by_tag:
        rtype = RecordType.ARTICLE
    else:
        rtype = RecordType.OTHER
    if "PMID" not in by_tag and "OID" in by_tag:
        extra["accession"] = [v for v in by_tag["OID"] if v.strip()]
    links = [
        v.split()[0] for t in ("LID", "AID") for v in by_tag.get(t, ()) if v.startswith("http")
    ]
    if links:
        extra["url"] = links
    return extra, rtype


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read MEDLINE-tagged text into records."""
    issues = IssueLog(source.file)
    pending = split_tagged(text.lstrip("\ufeff"), issues, starts_record=_starts_pubmed_record)
    fields = FieldMap.load("medline_tags")
    build = RecordBuilder(fields, source=source, format=NAME, issues=issues).build
    records: list[Record] = []
    for index, tagged in enumerate(pending, 1):
        by_tag = collect(tagged.fields)
        owners = {v.strip().upper() for v in by_tag.get("OWN", ())}
        if "FAU" in by_tag and "AU" in by_tag and len(by_tag["FAU"]) != len(by_tag["AU"]):
            by_tag = {k: v for k, v in by_tag.items() if k != "FAU"}
        extra, rtype = _extra(by_tag)
        database = "ERIC" if "ERIC" in owners else ("PubMed" if owners & _PUBMED_OWNERS else "")
        records.append(
            build(
                tagged.fields,
                index=index,
                line=tagged.line,
                type=rtype,
                extra=extra,
                by_tag=by_tag,
                database=database,
            )
        )
    return issues.parsed(records)
