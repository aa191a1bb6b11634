"""EndNote tagged / refer format (``.enw``; ``%0 Journal Article``, ``%T``, ``%A`` ...).

Each field is a line ``%X value`` (``X`` one character); lines without a tag continue the
field before them; blank lines separate records. Records normally start with ``%0`` (the
reference type) but some exporters put it later (AIS eLibrary writes ``%T`` first) or leave
it out, so a record is whatever lies between blank lines; a second ``%0`` inside a block
starts a new record (with a warning: the blank line was missing).
"""

from __future__ import annotations

import re

from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, collect, no_gc, type_table
from cen_search.formats._tagged import TaggedRecord, join_lines, reference_type
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record

NAME = "enw"
LABEL = "EndNote tagged (refer)"
EXTENSIONS = (".enw", ".refer")

_TAG = re.compile(r"%([^\s%])(?: (.*)|\s*)$")
_SNIFF_LINE = re.compile(r"^%([0-9A-Z@!#$&()*+^~?|>\]])(?: \S|\s*$)", re.MULTILINE)


def sniff(text: str) -> int:
    """High when most non-blank lines are ``%X`` tag lines and a type or title tag occurs."""
    head = text[:20000].lstrip("\ufeff")
    lines = [line for line in head.split("\n")[:300] if line.strip()]
    tags = _SNIFF_LINE.findall(head)
    if not lines or len(tags) < 2:
        return 0
    share = sum(1 for line in lines if _SNIFF_LINE.match(line)) / len(lines)
    names = set(tags)
    if "0" in names and share >= 0.5:
        return 95
    if "T" in names and names & {"A", "D", "J", "B"} and share >= 0.6:
        return 85
    return 0


def _split(text: str, issues: IssueLog) -> list[TaggedRecord]:
    records: list[TaggedRecord] = []
    current: TaggedRecord | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            current = None
            continue
        match = _TAG.match(line) if line.startswith("%") else None
        if match is None:
            if current is not None and current.fields:
                tag, value = current.fields[-1]
                current.fields[-1] = (tag, join_lines(value, line))
            else:
                issues.warn(f"text outside any record ignored: {line.strip()[:40]!r}", line=number)
            continue
        tag = "%" + match.group(1)
        if tag == "%0" and current is not None and any(t == "%0" for t, _ in current.fields):
            issues.warn("no blank line before this record", line=number)
            current = None
        if current is None:
            current = TaggedRecord(number)
            records.append(current)
        current.fields.append((tag, (match.group(2) or "").strip()))
    return records


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read EndNote tagged text into records."""
    issues = IssueLog(source.file)
    types = type_table("enw_types")
    build = RecordBuilder(
        FieldMap.load("enw_tags"), source=source, format=NAME, issues=issues
    ).build
    records: list[Record] = []
    for index, tagged in enumerate(_split(text.lstrip("\ufeff"), issues), 1):
        by_tag = collect(tagged.fields)
        name = by_tag["%0"][0].strip() if "%0" in by_tag else ""
        rtype = reference_type(name, types, issues, line=tagged.line, record=index)
        records.append(
            build(tagged.fields, index=index, line=tagged.line, type=rtype, by_tag=by_tag)
        )
    return issues.parsed(records)
