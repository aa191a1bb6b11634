"""Web of Science tagged plain text ("Other reference software" / "Plain text" export).

Layout: a file header (``FN Clarivate Analytics Web of Science``, ``VR 1.0``), records from
``PT`` to ``ER``, ``EF`` at the end. Each line is a two-character tag, one space, the value;
continuation lines start with three spaces. For name tags (``AU``, ``AF``, ``CA``, ``CR``)
each continuation line is one more value; for text tags it is wrapped text. rispy's
``WokParser`` reads the same grammar but keeps neither field order nor line numbers, so the
loop is ours; the tag names follow rispy's ``WOK_TAG_KEY_MAPPING``.
"""

from __future__ import annotations

import re

from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc, type_table
from cen_search.formats._tagged import TaggedRecord, join_lines
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record

NAME = "wos"
LABEL = "Web of Science tagged text"
EXTENSIONS: tuple[str, ...] = ()

# "\nXX value" (or a bare "\nER") and its three-space continuation lines.
_FIELD = re.compile(r"\n([A-Z][A-Z0-9])(?: ([^\n]*)|[ \t]*(?=\n|$))((?:\n {2,3}[^\n]*)*)")
_SNIFF_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (?!- )\S|\s*$)", re.MULTILINE)
_FILE_TAGS = frozenset({"FN", "VR", "EF"})


def sniff(text: str) -> int:
    """High for an ``FN ... Web of Science`` header or ``PT`` ... ``ER`` records."""
    head = text[:20000].lstrip("\ufeff").lstrip()
    if head.startswith("FN ") and "\nVR " in head[:400]:
        return 98
    tags = _SNIFF_LINE.findall(head)
    if "PT" in tags and "ER" in tags and len(set(tags)) >= 5:
        return 85
    return 0


def _split(text: str, issues: IssueLog) -> tuple[list[TaggedRecord], dict[str, str]]:
    records: list[TaggedRecord] = []
    header: dict[str, str] = {}
    current: TaggedRecord | None = None
    text = "\n" + text
    position = 0
    line = 0
    for match in _FIELD.finditer(text):
        gap = text[position : match.start()]
        if gap.strip():
            issues.warn(f"text outside any record ignored: {gap.strip()[:40]!r}", line=line + 1)
        line += gap.count("\n") + 1
        position = match.end()
        tag, value, cont = match.group(1), (match.group(2) or "").strip(), match.group(3)
        if tag in _FILE_TAGS:
            header.setdefault(tag, value)
        elif tag == "ER":
            if current is None:
                issues.warn("ER without a record before it ignored", line=line)
            current = None
        else:
            if tag == "PT" and current is not None:
                issues.warn(
                    f"record has no ER; it ends before the PT on line {line}", line=current.line
                )
                current = None
            if current is None:
                current = TaggedRecord(line)
                records.append(current)
                if tag != "PT":
                    issues.warn("record does not start with PT", line=line)
            current.fields.append((tag, join_lines(value, cont)))
        line += cont.count("\n")
    rest = text[position:]
    if rest.strip():
        issues.warn(f"text outside any record ignored: {rest.strip()[:40]!r}", line=line + 1)
    if current is not None:
        issues.warn("file ends before the ER of its last record", line=current.line)
    return records, header


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read Web of Science tagged text into records."""
    issues = IssueLog(source.file)
    pending, header = _split(text.lstrip("\ufeff"), issues)
    types = type_table("wos_types")
    platform = "Web of Science" if "web of science" in header.get("FN", "").lower() else ""
    build = RecordBuilder(
        FieldMap.load("wos_tags"),
        source=source,
        format=NAME,
        issues=issues,
        database=platform,
        platform=platform,
    ).build
    records: list[Record] = []
    for index, tagged in enumerate(pending, 1):
        by_tag = collect(tagged.fields)
        if "AF" in by_tag and "AU" in by_tag:
            full = sum(len(v.split("\n")) for v in by_tag["AF"])
            short = sum(len(v.split("\n")) for v in by_tag["AU"])
            if full != short:
                by_tag = {k: v for k, v in by_tag.items() if k != "AF"}
        code = by_tag["PT"][0].strip().upper() if "PT" in by_tag else ""
        records.append(
            build(tagged.fields, index=index, line=tagged.line, type=types.get(code), by_tag=by_tag)
        )
    return issues.parsed(records)
