"""The pieces every layout reader of :mod:`.layout` shares: the lines found (:class:`RawLine`),
section drafts, the patterns that tell prose and database headings from strategy lines, hit
counts at the end of a line, and the :class:`Builder` that collects lines, sections and
preamble while a reader walks the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cen_search.strategies.ast import ParseIssue, Span
from cen_search.strategies.fields import database_key, platform_key

_RULE = re.compile(r"^\s*[-=*_~#]{3,}\s*$")
DATABASE = re.compile(r"^\s*Databases?(?:\(s\))?\s*:\s*(.*?)\s*$", re.I)
SEARCH_STRATEGY = re.compile(r"^\s*Search\s+Strateg(?:y|ies)\s*:?\s*$", re.I)
_SEARCH_DATE = re.compile(
    r"^\s*(?:Search(?:ed)?\s+(?:Date|on)|Date\s+(?:of\s+)?search(?:ed)?)\s*:\s*(.+?)\s*$", re.I
)
_KEYVALUE = re.compile(
    r"^\s*(Topic|Title|Query|Pids|Search Date|Date searched|Date of search|Searched|Searched on|"
    r"Interface|Platform|Host|Results|Notes?|Filters?|Search name|Strategy)\s*:",
    re.I,
)
_TITLE = re.compile(r"^\s*Title\s*:\s*(.+?)\s*$", re.I)
TABLE_HEADER = re.compile(
    r"^\s*(Search\s*(ID|No\.?|number)#?|Set\s*#?|#)\s+(Query|Search\s+Terms?|Searched\s+for)\b",
    re.I,
)
_OVID_HITS = re.compile(r"\s*\((\d[\d,]*)\)\s*$")
TRAILING_HITS = re.compile(r"(?:[ \t]+)(\d{1,3}(?:,\d{3})+|\d+)\s*$")
_QUERY_MARKERS = re.compile(r"[/\[\]$*\"]|\.\w{2,3}\.|\b(AND|OR|NOT|adj\d*)\b")


@dataclass(frozen=True, slots=True)
class RawLine:
    """A strategy line found in the body, before its query is parsed."""

    section: int
    n: int
    key: str
    label: str
    numbered: bool
    raw: str
    file_line: int
    query_span: Span
    hits: int | None = None
    hits_span: Span | None = None
    options: tuple[tuple[str, str], ...] = ()
    limiters_span: Span | None = None
    """Span of an EBSCO ``Limiters - …`` option, parsed into a limit."""
    kind: str = "query"
    """``query`` or ``limits_note`` (a ``Limits: …`` line that limits the line before)."""


@dataclass(slots=True)
class SectionDraft:
    """What is known of a section while the body is read."""

    index: int
    title: str = ""
    database: str = ""
    coverage: str = ""
    platform: str = ""
    file_line: int = 0
    searched_on: str = ""
    layout: str = ""


@dataclass(slots=True)
class Layout:
    """The result of reading a body: lines, sections, preamble and document issues."""

    lines: list[RawLine] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    layout: str = ""


def is_prose(text: str) -> bool:
    """Not a strategy line: blank, a rule, a ``Key: value`` line, a table header, a comment."""
    return bool(
        not text.strip()
        or _RULE.match(text)
        or SEARCH_STRATEGY.match(text)
        or _KEYVALUE.match(text)
        or DATABASE.match(text)
        or TABLE_HEADER.match(text)
        or text.lstrip().startswith("//")
    )


def is_heading(text: str) -> bool:
    """A short line naming a database or platform with no query syntax (``EMBASE (Ovid)``)."""
    stripped = text.strip()
    return (
        0 < len(stripped) <= 80
        and bool(database_key(stripped) or platform_key(stripped))
        and not _QUERY_MARKERS.search(stripped)
    )


def find_hits(
    raw: str, start: int, end: int, *, ovid: bool, trailing: bool
) -> tuple[int, int | None, Span | None]:
    """(new query end, hits, hits span) for a query in ``raw[start:end]``."""
    segment = raw[start:end]
    for pattern, wanted in ((_OVID_HITS, ovid), (TRAILING_HITS, trailing)):
        if wanted and (m := pattern.search(segment)) and m.start() > 0:
            return (
                start + m.start(),
                int(m.group(1).replace(",", "")),
                (start + m.start(1), start + m.end(1)),
            )
    return end, None, None


def strip_span(raw: str, start: int, end: int) -> Span:
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return start, end


class Builder:
    """Collects what a layout reader finds, section by section."""

    def __init__(self, lines: list[str], first_file_line: int, layout: str) -> None:
        self.src = lines
        self.first = first_file_line
        self.out = Layout(layout=layout, sections=[SectionDraft(0, layout=layout)])
        self.pending: list[int] = []

    def file_line(self, index: int) -> int:
        return self.first + index

    @property
    def section(self) -> SectionDraft:
        return self.out.sections[-1]

    def note(self, index: int) -> None:
        """A prose line: remember what it says about the section, keep it as preamble."""
        text = self.src[index]
        if not text.strip():
            return
        self.out.preamble.append((self.file_line(index), text))
        self._absorb(self.section, text, index)

    def _absorb(self, sec: SectionDraft, text: str, index: int) -> None:
        if (m := DATABASE.match(text)) is not None:
            sec.coverage = sec.coverage or m.group(1)
            sec.database = sec.database or database_key(m.group(1))
            sec.platform = sec.platform or platform_key(m.group(1)) or "ovid"
        elif (m := _SEARCH_DATE.match(text)) is not None:
            sec.searched_on = sec.searched_on or m.group(1)
        elif (m := _TITLE.match(text)) is not None:
            sec.title = sec.title or m.group(1)
        elif is_heading(text) or (not sec.title and not is_prose(text) and len(text) < 120):
            sec.title = sec.title or text.strip()
            sec.database = sec.database or database_key(text)
            sec.platform = sec.platform or platform_key(text)
        if not sec.file_line:
            sec.file_line = self.file_line(index)

    def new_section(self, heading_indexes: list[int]) -> None:
        sec = SectionDraft(len(self.out.sections), layout=self.out.layout)
        for index in heading_indexes:
            self._absorb(sec, self.src[index], index)
        self.out.sections.append(sec)

    def add(self, raw_line: RawLine) -> None:
        self.out.lines.append(raw_line)
        if not self.section.file_line:
            self.section.file_line = raw_line.file_line


__all__ = [
    "DATABASE",
    "SEARCH_STRATEGY",
    "TABLE_HEADER",
    "TRAILING_HITS",
    "Builder",
    "Layout",
    "RawLine",
    "SectionDraft",
    "find_hits",
    "is_heading",
    "is_prose",
    "strip_span",
]
