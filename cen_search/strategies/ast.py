"""The syntax tree of a saved search strategy, shared by every platform's parser.

A :class:`Strategy` is a list of :class:`Line` values (one per numbered set in the search
history), each holding one tree of nodes. The node types live in :mod:`.nodes` and are
re-exported here, so every name of the tree is importable from this module. The same node
types describe Ovid, EBSCOhost, ProQuest and PubMed syntax; what differs per platform is
recorded in the nodes as written (``operator``, ``codes``, ``raw``) beside the normalised
meaning (``max_between``, ``fields``).

Positions: every node has ``span = (start, end)``, character offsets (end exclusive) into
``Line.raw``, the physical text line of the strategy exactly as pasted (without its newline).
A message's column is ``span[0] + 1``; its file line is ``Line.file_line``. Parsers work on a
normalised *view* of the line that has the same length as the raw text (curly quotes become
``"``, Unicode dashes ``-``), so offsets always point into what the user pasted.

Names in this module are stable: later additions are additive (new optional fields with
defaults, new node types).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

from cen_search.strategies.nodes import (
    Bool,
    BoolOp,
    Command,
    DateKind,
    DateRange,
    FieldScope,
    FieldStyle,
    Heading,
    Languages,
    Limit,
    LineRef,
    NamedFilter,
    Near,
    Node,
    ParseIssue,
    PublicationTypes,
    Restriction,
    Span,
    Term,
    UnknownRestriction,
    Unparsed,
    Wildcard,
    WildcardKind,
    children,
    line_refs,
    walk,
)

Platform = Literal["ovid", "ebsco", "proquest", "pubmed"]
"""The parser dialect (the interface's query syntax), not the database."""

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Line:
    """One set of the search history."""

    n: int
    """Sequence number: the written number (Ovid ``12``, EBSCO ``S12``, PubMed ``#12``) or,
    for unnumbered and labelled lines, the 1-based position within the section."""
    key: str
    """The name other lines use to refer to this one, lower-case: ``12``, ``1a``, ``a``,
    ``final``."""
    raw: str
    """The physical text line exactly as pasted (without its newline)."""
    file_line: int
    """1-based line number of :attr:`raw` in the file (header included)."""
    node: Node
    """The query's tree (:class:`Unparsed` when it could not be parsed)."""
    query_span: Span
    """Span of the query text within :attr:`raw` (without number, hits, options)."""
    label: str = ""
    """The line's label as written (``12``, ``12.``, ``S12``, ``#12``, ``1a``, ``A.``); empty
    for unnumbered lines."""
    numbered: bool = True
    """False when the paste had no number and :attr:`n` is the position."""
    recorded_hits: int | None = None
    """Hit count recorded in the paste (``(14732)``, ``325,900``); never changed by the tool."""
    hits_span: Span | None = None
    options: tuple[tuple[str, str], ...] = ()
    """Search-option columns as ``(name, value)``: EBSCO ``("Limiters", "Published Date:
    20030101-20191231")``, ProQuest ``("Databases", "ASSIA")``."""
    section: int = 0
    """Index into :attr:`Strategy.sections` (multi-database documents)."""
    issues: tuple[ParseIssue, ...] = ()
    """What the parser tolerated on this line, in order of position."""

    @property
    def query(self) -> str:
        """The query text as pasted."""
        return self.raw[self.query_span[0] : self.query_span[1]]


@dataclass(frozen=True, slots=True)
class Section:
    """One database's strategy within a document (most files have exactly one)."""

    index: int
    platform: Platform
    title: str = ""
    """The heading text that introduced the section (``EMBASE (Ovid)``), or empty."""
    database: str = ""
    """Database name detected or declared (``MEDLINE``, ``Embase``, ``CINAHL``)."""
    coverage: str = ""
    """Coverage as shown by the platform (``Ovid MEDLINE(R) ALL <1946 to October 01, 2020>``)."""
    file_line: int = 0
    """1-based file line where the section starts."""
    searched_on: str = ""
    """Date searched when the paste states it (``Search Date: June 7, 2018``), as written."""
    layout: str = ""
    """Body layout detected: ``ovid_export``, ``numbered``, ``unnumbered``,
    ``ebsco_history``, ``pubmed_history``, ``labelled_blocks``."""


@dataclass(frozen=True, slots=True)
class FilterSource:
    """A search filter named in the header with its citation (PRISMA-S item 10)."""

    name: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Meta:
    """The strategy file's metadata header (all optional; a paste without a header has an
    empty :class:`Meta` with ``has_header=False``)."""

    has_header: bool = False
    format_version: int | None = None
    """``cen_search: 1``."""
    name: str = ""
    """The file's slug (``medline``), from ``id:`` or the file name."""
    database: str = ""
    """PRISMA-S 1: ``MEDLINE``, ``Embase``, ``CINAHL``, ``ASSIA``..."""
    platform: str = ""
    """PRISMA-S 1: the interface as users name it: ``Ovid``, ``EBSCOhost``, ``ProQuest``,
    ``PubMed``."""
    syntax: str = ""
    """Parser dialect declared (``ovid``...); empty = inferred from ``platform``."""
    coverage: str = ""
    """The platform's coverage string (``Ovid MEDLINE(R) ALL <1946 to December 31, 2019>``)."""
    searched_on: str = ""
    """PRISMA-S 13: date the strategy was run (ISO ``YYYY-MM-DD`` when written so)."""
    searched_by: str = ""
    date_from: str = ""
    """Declared date limit, start (ISO, year or full date)."""
    date_to: str = ""
    """Declared date limit, end (ISO, year or full date); empty = open."""
    languages: tuple[str, ...] = ()
    """Declared language limits; empty = none."""
    limits: tuple[str, ...] = ()
    """PRISMA-S 9: other declared limits as free text."""
    filters: tuple[FilterSource, ...] = ()
    """PRISMA-S 10: search filters used, each with its source."""
    peer_review: str = ""
    """PRISMA-S 14: who peer-reviewed the strategy, how and when."""
    final_line: str = ""
    """Key of the line whose results were exported; empty = the last line."""
    records: int | None = None
    """PRISMA-S 15: records exported from the final line."""
    notes: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    """Header keys this version does not know, kept as ``(key, value)``."""
    header_lines: int = 0
    """Number of file lines taken by the header (delimiters included); body line 1 is file
    line ``header_lines + 1``."""


@dataclass(frozen=True, slots=True)
class Strategy:
    """A parsed strategy file: header, sections and lines, plus the verbatim body."""

    meta: Meta
    lines: tuple[Line, ...]
    platform: Platform | None
    """Dialect of the (first) section; ``None`` when the body was not parsed
    (:attr:`not_parsed`)."""
    body: str
    """The strategy text after the header, exactly as in the file."""
    sections: tuple[Section, ...] = ()
    path: str = ""
    """The file the strategy came from, as given (empty for text)."""
    preamble: tuple[tuple[int, str], ...] = ()
    """Body lines that are not strategy lines (headings, ``Database:``, rules, prose), as
    ``(file_line, text)``."""
    issues: tuple[ParseIssue, ...] = ()
    """Document-level observations (e.g. ``unnumbered_lines``, ``reverse_order``)."""
    not_parsed: str = ""
    """Why the body is kept verbatim without being parsed (the platform has no parser, e.g.
    Web of Science or Scopus), else empty. Such a strategy has no lines or sections; it is
    stored, listed and reported, but not checked, translated or run."""

    @property
    def parsed(self) -> bool:
        """True when the body was parsed into lines (see :attr:`not_parsed`)."""
        return not self.not_parsed

    def section_lines(self, section: int) -> tuple[Line, ...]:
        """The lines of one section, in sequence order."""
        return tuple(line for line in self.lines if line.section == section)

    def line(self, key: str, *, section: int = 0) -> Line | None:
        """The line answering to ``key`` in ``section``, if any."""
        key = key.lower()
        for line in self.lines:
            if line.section == section and line.key == key:
                return line
        return None

    def final_line(self, section: int = 0) -> Line | None:
        """The declared final line (``final_line:``) or the last line of the section."""
        lines = self.section_lines(section)
        if self.meta.final_line and section == 0:
            found = self.line(self.meta.final_line, section=section)
            if found is not None:
                return found
        return lines[-1] if lines else None


def to_dict(value: Any) -> Any:
    """A JSON-ready form of any AST value: dataclasses become dicts with a ``type`` key,
    tuples lists, frozensets sorted lists."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in fields(value):
            out[f.name] = to_dict(getattr(value, f.name))
        return out
    if isinstance(value, frozenset):
        return sorted(to_dict(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    return value


__all__ = [
    "Bool",
    "BoolOp",
    "Command",
    "DateKind",
    "DateRange",
    "FieldScope",
    "FieldStyle",
    "FilterSource",
    "Heading",
    "Languages",
    "Limit",
    "Line",
    "LineRef",
    "Meta",
    "NamedFilter",
    "Near",
    "Node",
    "ParseIssue",
    "Platform",
    "PublicationTypes",
    "Restriction",
    "Section",
    "Severity",
    "Span",
    "Strategy",
    "Term",
    "UnknownRestriction",
    "Unparsed",
    "Wildcard",
    "WildcardKind",
    "children",
    "line_refs",
    "to_dict",
    "walk",
]
