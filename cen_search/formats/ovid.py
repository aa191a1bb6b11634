"""Ovid text exports: the "display" format and the tagged (Medlars/"Reprint") format.

Both start each record with a marker line, ``<1>`` or ``<1. >``. In the display format a
field's name stands on its own line (``Accession Number``, ``Author``, ``Source``) and its
value follows on indented lines (blank lines inside a value, as between references, are
dropped). In the tagged format fields are MEDLINE-style lines (``AN  - 123``, six-space
continuations) that usually begin with ``VN  - Ovid Technologies``.

Ovid adds a full stop to many values (``01445406-201509000-00006.``); raw keeps it, mapped
identifiers, keywords and labels lose it. Authors carry affiliation numbers and roles
(``Kohler, Lars 1``, ``Walsdorf, Neill B. [Inventor]``), which are removed from the mapped
names. The ``Source`` citation (``Ecohydrology. 8(6):1048-1064, September 2015.``) fills
container, volume, issue, pages and date when no separate fields give them.
"""

from __future__ import annotations

import re

from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc
from cen_search.formats._tagged import TaggedRecord, split_tagged
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record, RecordType

NAME = "ovid"
LABEL = "Ovid (display or tagged text)"
EXTENSIONS = (".ovd",)

_MARKER = re.compile(r"<\s*\d+\s*\.?\s*>")
_TAG_LINE = re.compile(r"[A-Z][A-Z0-9]{1,3} *- ")
# Source citations, most specific first: "Journal. 8(6):1048-1064, September 2015.",
# "Journal 12, Winter 2007: 7-14.", "Journal, 2013(1): 3-28."
_SOURCES = (
    re.compile(
        r"^(?P<container>.+?)[.,]\s+(?P<volume>[\w-]+)?\s*(?:\((?P<issue>[^)]*)\))?"
        r"\s*(?::\s*(?P<pages>[^,\s]+))?\s*,\s*(?P<date>.+?)\.?$"
    ),
    re.compile(
        r"^(?P<container>.+?)[.,]?\s+(?P<volume>\d[\w-]*)(?:\((?P<issue>[^)]*)\))?,"
        r"\s*(?P<date>[^:]+?)\s*:\s*(?P<pages>\S+?)\.?$"
    ),
    re.compile(
        r"^(?P<container>.+?),\s+(?P<volume>\d[\w-]*)(?:\((?P<issue>[^)]*)\))?"
        r"\s*:\s*(?P<pages>\S+?)\.?$"
    ),
)
_CONTAINER_ONLY = re.compile(r"^(.+?)(?:[.,]\s|\s+\d)")
_ROLE = re.compile(r"\s*\[[^\]]*\]")  # "[Author, Reprint Author; E-mail: ...]"
_AUTHOR_NOISE = re.compile(r"\s*\[[^\]]*\]|\s+[\d,*+]+$|(?<=\w\w)\.$|[,;]$")
_PERIOD_FIELDS = frozenset(
    {
        "Accession Number",
        "AN",
        "Author Keywords",
        "Keywords",
        "Keyword Heading",
        "KW",
        "Language",
        "LG",
        "Document Type",
        "Publication Type",
        "PT",
        "Unique Identifier",
        "UI",
        "Journal Subset",
        "Database",
        "DB",
    }
)
_AUTHOR_FIELDS = ("Authors Full Name", "Author", "Authors", "FA", "FAU", "AF", "AU")
_PMID_FIELDS = ("PubMed Unique Identifier", "MEDLINE PMID", "PMID", "PM")


def sniff(text: str) -> int:
    """High when the text starts with an Ovid record marker (``<1>``)."""
    for line in text[:5000].lstrip("\ufeff").split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if _MARKER.fullmatch(stripped):
            return 95
        if stripped.startswith("VN  - Ovid Technologies"):
            return 95
        return 0
    return 0


def _display_records(text: str, issues: IssueLog) -> list[TaggedRecord]:
    records: list[TaggedRecord] = []
    fields: list[tuple[str, str]] | None = None
    label = ""
    values: list[str] = []

    def close_field() -> None:
        if fields is not None and label:
            fields.append((label, "\n".join(values)))

    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if _MARKER.fullmatch(stripped):
            close_field()
            records.append(TaggedRecord(number))
            fields, label, values = records[-1].fields, "", []
        elif not stripped:
            continue
        elif fields is None:
            issues.warn(f"text outside any record ignored: {stripped[:40]!r}", line=number)
        elif line[:1].isspace():
            if label:
                values.append(stripped)
            else:
                issues.warn(f"value without a field name ignored: {stripped[:40]!r}", line=number)
        else:
            close_field()
            label, values = stripped, []
    close_field()
    return records


def _is_tagged(text: str) -> bool:
    after_marker = False
    for line in text[:5000].split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if _MARKER.fullmatch(stripped):
            after_marker = True
            continue
        return bool(_TAG_LINE.match(line)) if after_marker else stripped.startswith("VN  -")
    return False


def _clean_author(name: str) -> str:
    previous = None
    while previous != name:
        previous, name = name, _AUTHOR_NOISE.sub("", name).strip()
    return name


def parse_source(source: str) -> dict[str, list[str]]:
    """Container, volume, issue, pages and date from an Ovid ``Source`` citation."""
    text = " ".join(source.split())
    if "[Ed" in text:  # a chapter: "Editor, A. [Editor]. Book title.:371-397, 2004."
        pages = re.search(r":\s*(\d+-\d+)", text)
        return {"date": [text], **({"pages": [pages.group(1)]} if pages else {})}
    for pattern in _SOURCES:
        match = pattern.match(text)
        if match:
            found = match.groupdict()
            return {name: [value.strip()] for name, value in found.items() if value}
    container = _CONTAINER_ONLY.match(text)
    return {"container": [container.group(1) if container else text], "date": [text]}


def _extra(by_tag: dict[str, list[str]]) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {}
    for tag in _AUTHOR_FIELDS:
        names = [
            _clean_author(part)
            for value in by_tag.get(tag, ())
            for part in _ROLE.sub("", value).replace("\n", ";").split(";")
            if part.strip()
        ]
        if names:
            extra["authors"] = [n for n in names if n]
            break
    pmids = [
        v.rstrip(".") for t in ("UI", "Unique Identifier", *_PMID_FIELDS) for v in by_tag.get(t, ())
    ]
    database = " ".join([*by_tag.get("DB", ()), *by_tag.get("Database", ())]).upper()
    medline_db = "MEDLINE" in database or not database
    extra["pmid"] = [p for p in pmids if p.strip().isdigit() and medline_db]
    source = next((v for t in ("Source", "SO") for v in by_tag.get(t, ()) if v.strip()), "")
    if source:
        extra.update(parse_source(source))
    return extra


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read an Ovid display or tagged export into records."""
    issues = IssueLog(source.file)
    text = text.lstrip("\ufeff")
    if _is_tagged(text):
        pending = split_tagged(text, issues, separator=_MARKER)
    else:
        pending = _display_records(text, issues)
    fields = FieldMap.load("ovid_fields")
    build = RecordBuilder(fields, source=source, format=NAME, issues=issues, platform="Ovid").build
    records: list[Record] = []
    for index, tagged in enumerate(pending, 1):
        raw, line = tagged.fields, tagged.line
        by_tag = collect(raw)
        for tag in _PERIOD_FIELDS & by_tag.keys():
            by_tag[tag] = [v[:-1] if v.endswith(".") else v for v in by_tag[tag]]
        if not raw:
            issues.warn("record marker without any fields", line=line, record=index)
        records.append(
            build(
                raw,
                index=index,
                line=line,
                type=RecordType.ARTICLE if by_tag.keys() & {"Source", "SO", "JN", "JT"} else None,
                extra=_extra(by_tag),
                by_tag=by_tag,
            )
        )
    return issues.parsed(records)
