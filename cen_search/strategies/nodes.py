"""The nodes of a query's syntax tree, shared by every platform's parser (re-exported by
:mod:`cen_search.strategies.ast`, the documented import path).

The same node types describe Ovid, EBSCOhost, ProQuest and PubMed syntax; what differs per
platform is recorded in the nodes as written (``operator``, ``codes``, ``raw``) beside the
normalised meaning (``max_between``, ``fields``). Every node has a ``span`` into
``Line.raw`` (see :mod:`cen_search.strategies.ast` for positions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Span = tuple[int, int]
"""``(start, end)`` character offsets into :attr:`Line.raw`; ``end`` is exclusive."""

WildcardKind = Literal["truncation", "limited_truncation", "optional", "single"]
"""``truncation``: any number of characters (Ovid ``$``/``*``, others ``*``);
``limited_truncation``: at most ``max`` characters (Ovid ``$2``);
``optional``: zero or one character (Ovid ``?``, EBSCO ``#``);
``single``: exactly one character (Ovid ``#``, EBSCO/ProQuest ``?``)."""

DateKind = Literal["publication_year", "publication_date", "entry_date", "create_date"]
"""What a :class:`DateRange` restricts."""

BoolOp = Literal["AND", "OR", "NOT"]


@dataclass(frozen=True, slots=True)
class Wildcard:
    """One truncation or wildcard symbol inside a term."""

    pos: int
    """Index of the symbol in :attr:`Term.text` (0-based)."""
    kind: WildcardKind
    """What the symbol means on the platform it was written for."""
    symbol: str
    """The symbol as written: ``$``, ``*``, ``$2``, ``?``, ``#``."""
    max: int | None = None
    """For ``limited_truncation``: the maximum number of extra characters (``$2`` -> 2)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A free-text word or phrase (possibly truncated), searched in a field set.

    A term outside any :class:`FieldScope` is searched in the platform's default fields
    (Ovid ``.mp.``, PubMed automatic term mapping, EBSCO default fields, ProQuest anywhere).
    """

    text: str
    """The term without quotes, whitespace collapsed, with wildcard symbols kept in place
    (``child birth$``, ``hyperglyc?emi*``). Unicode look-alikes are normalised (curly quotes,
    U+2010 hyphens); :attr:`raw` keeps what was written."""
    raw: str
    """The term exactly as written, quotes included."""
    span: Span
    quoted: bool = False
    """Written in double quotes (straight, curly or backslash-escaped)."""
    phrase: bool = False
    """Searched as an exact phrase: quoted, or an unquoted multi-word term on a platform where
    that means a phrase (Ovid). ``False`` for single words and for unquoted multi-word terms
    on EBSCO (implicit proximity) and PubMed (automatic term mapping)."""
    wildcards: tuple[Wildcard, ...] = ()
    """Truncation and wildcard symbols in :attr:`text`, left to right."""

    @property
    def words(self) -> tuple[str, ...]:
        """The words of the term (split on whitespace)."""
        return tuple(self.text.split())


@dataclass(frozen=True, slots=True)
class Heading:
    """A controlled-vocabulary subject heading (MeSH, Emtree, CINAHL, APA, HMIC, ASSIA...)."""

    label: str
    """The heading as written, without syntax: ``Personality Disorders``, ``Dementia``.
    For a floating subheading (Ovid ``.fs.``, PubMed ``[sh]``) the subheading itself."""
    span: Span
    vocabulary: str
    """``mesh``, ``emtree``, ``cinahl``, ``apa``, ``hmic``, ``spp``, ``assia``, ``proquest``
    or ``unknown``: decided from the database in the header or section, not from the label."""
    explode: bool = False
    """Includes narrower headings (Ovid ``exp``, EBSCO ``+``, PubMed ``[mh]`` default,
    ProQuest ``.EXPLODE``)."""
    major: bool = False
    """Restricted to major topic / focus (Ovid ``*``, EBSCO ``MM``, PubMed ``[majr]``)."""
    subheadings: tuple[str, ...] = ()
    """Attached qualifiers as written, lower-case (Ovid ``Mothers/px`` -> ``("px",)``,
    PubMed ``"Heading/therapy"[mh]`` -> ``("therapy",)``)."""
    floating: bool = False
    """A floating subheading search (Ovid ``drug therapy.fs.``, PubMed ``diagnosis[sh]``)."""
    syntax: str = ""
    """The platform's marker as written: ``/``, ``exp /``, ``MH``, ``MM``, ``[mh]``,
    ``[mh:noexp]``, ``MAINSUBJECT.EXACT.EXPLODE``, ``.fs.``."""
    quoted: bool = False
    """The label was written in quotes."""


@dataclass(frozen=True, slots=True)
class Bool:
    """An n-ary Boolean combination (NOT is binary: ``children[0]`` minus ``children[1]``)."""

    op: BoolOp
    children: tuple[Node, ...]
    span: Span
    form: Literal["infix", "range", "list"] = "infix"
    """``infix``: ``a or b``; ``range``: Ovid ``or/1-5`` (children are the expanded
    :class:`LineRef` values); ``list``: Ovid ``and/1,3``."""
    operator: str = ""
    """The operator as written (``or``, ``OR``, ``or/``, ``AND NOT``)."""
    parenthesised: bool = False
    """The whole combination was written inside its own parentheses."""


@dataclass(frozen=True, slots=True)
class Near:
    """Proximity: the operands occur within ``max_between`` words of each other.

    Normalisation (see ``tables/proximity.csv``; rules marked unverified are [verify]):
    Ovid ``adjN`` -> N-1 between, any order; Ovid ``adj`` -> 0, in order; EBSCO ``Nn`` -> n,
    any order; ``Wn`` -> n, in order; ProQuest ``NEAR/n``/``N/n`` -> n, any order; ``PRE/n``
    -> n, in order; PubMed ``"a b"[tiab:~N]`` -> N, any order.
    """

    children: tuple[Node, ...]
    """Two or more operands (a chain ``a adj3 b adj3 c`` is one node with three)."""
    span: Span
    max_between: int | None
    """Maximum number of words allowed between the operands after normalisation;
    ``None`` when the platform's default distance is unknown."""
    ordered: bool
    """True when the operands must appear in the written order."""
    operator: str
    """The platform's operator as written: ``adj3``, ``N2``, ``NEAR/3``, ``~3``."""
    distance: int | None = None
    """The number written in the operator (``adj3`` -> 3), before normalisation."""
    rule: str = ""
    """The normalisation rule applied, e.g. ``ovid adjN: N-1 words between [verify]``."""
    verified: bool = False
    """Whether the rule is confirmed from vendor documentation (False = [verify])."""


FieldStyle = Literal["suffix", "prefix", "function", "tag"]


@dataclass(frozen=True, slots=True)
class FieldScope:
    """A child searched in specific fields: Ovid ``(a or b).ti,ab.``, EBSCO ``TI (a or b)``,
    ProQuest ``TI,AB(a)``, PubMed ``a[tiab]``."""

    fields: frozenset[str]
    """Canonical field names (``title``, ``abstract``, ``author_keywords``, ``subject_heading``,
    ``text_word``, ``publication_type``...; see ``tables/fields.csv``). An unknown code
    contributes ``unknown:<code>``."""
    codes: tuple[str, ...]
    """The platform's codes as written, lower-cased for Ovid (``("ti", "ab", "kw")``),
    as written for others (``("TI",)``, ``("tiab",)``)."""
    child: Node
    span: Span
    raw: str = ""
    """The field syntax exactly as written: ``.ti,ab,kw.``, ``. ti, ab.``, ``TI``, ``[tiab]``."""
    style: FieldStyle = "suffix"
    """Where the codes stand relative to the child."""
    code_span: Span | None = None
    """Span of :attr:`raw` alone."""


@dataclass(frozen=True, slots=True)
class LineRef:
    """A reference to another line of the same strategy (section): ``3``, ``S3``, ``#3``,
    ``1a``, ``A``."""

    target: str
    """The referenced line's :attr:`Line.key`: prefix removed, lower-cased (``S3`` -> ``3``,
    ``A`` -> ``a``)."""
    span: Span
    written: str = ""
    """The reference as written (``S3``, ``#3``, ``3``; for ranges the whole ``or/1-5``)."""


@dataclass(frozen=True, slots=True)
class DateRange:
    """A date or year restriction. Dates are ISO strings of the precision written:
    ``2003``, ``2003-01``, ``2003-01-01``; ``None`` = open."""

    kind: DateKind
    start: str | None
    end: str | None
    raw: str
    span: Span
    open_end: bool = False
    """The upper bound was written as open (``-Current``, ``3000``, missing)."""


@dataclass(frozen=True, slots=True)
class Languages:
    """A language restriction (values lower-cased as written: ``english``, ``danish``)."""

    values: tuple[str, ...]
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class PublicationTypes:
    """A publication-type restriction (``journal article``, ``article``, ``review``)."""

    values: tuple[str, ...]
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class NamedFilter:
    """A platform's built-in limit or filter by name: Ovid ``"qualitative (maximizes
    sensitivity)"``, ``humans``, ``abstracts``, ``covid-19``."""

    name: str
    raw: str
    span: Span
    vendor: str = ""
    """Where the filter comes from when known (``Ovid Clinical Queries``)."""


@dataclass(frozen=True, slots=True)
class UnknownRestriction:
    """A restriction that could not be interpreted; kept verbatim."""

    raw: str
    span: Span
    reason: str = ""


Restriction = DateRange | Languages | PublicationTypes | NamedFilter | UnknownRestriction


@dataclass(frozen=True, slots=True)
class Limit:
    """A set restricted by limits: Ovid ``limit 3 to yr="2003 -Current"``, EBSCO's limiters
    column, PubMed's ``Limits:`` note."""

    target: Node
    """Usually a :class:`LineRef`; for EBSCO limiters the line's own query."""
    restrictions: tuple[Restriction, ...]
    raw_clause: str
    """The limit clause exactly as written (``yr="2003 -Current"``)."""
    span: Span


@dataclass(frozen=True, slots=True)
class Command:
    """A history command that has a set number but no query (``remove duplicates from 55``)."""

    kind: str
    """``remove_duplicates``, ``use_segment``, ..."""
    span: Span
    target: LineRef | None = None
    args: str = ""
    """The rest of the command as written."""


@dataclass(frozen=True, slots=True)
class Unparsed:
    """Text the parser could not turn into a tree; kept verbatim and reported by checks."""

    raw: str
    span: Span
    reason: str


Node = Term | Heading | Bool | Near | FieldScope | LineRef | Limit | Command | Unparsed
"""Any node of a line's tree."""


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """Something the parser noticed and tolerated (a normalised smart quote, a missing
    closing period); ``strategy check`` turns these into findings."""

    kind: str
    """Stable identifier, e.g. ``unbalanced_paren``, ``unbalanced_quote``, ``smart_quote``,
    ``unicode_dash``, ``escaped_quote``, ``field_code_no_closing_period``,
    ``field_code_spaces``, ``unknown_field_code``, ``mixed_operators``, ``foreign_operator``,
    ``lowercase_operator``, ``bad_truncation``, ``unparsed``, ``limit_clause``."""
    span: Span
    message: str
    file_line: int = 0
    """For document-level issues (:attr:`Strategy.issues`): the file line concerned."""


# --------------------------------------------------------------------------------------------
# Generic helpers over the tree


def children(node: Node) -> tuple[Node, ...]:
    """The direct child nodes of ``node`` (restrictions are not nodes)."""
    if isinstance(node, (Bool, Near)):
        return node.children
    if isinstance(node, FieldScope):
        return (node.child,)
    if isinstance(node, Limit):
        return (node.target,)
    if isinstance(node, Command) and node.target is not None:
        return (node.target,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its descendants, depth first, left to right."""
    yield node
    for child in children(node):
        yield from walk(child)


def line_refs(node: Node) -> tuple[LineRef, ...]:
    """Every :class:`LineRef` in ``node``'s tree, left to right."""
    return tuple(n for n in walk(node) if isinstance(n, LineRef))


__all__ = [
    "Bool",
    "BoolOp",
    "Command",
    "DateKind",
    "DateRange",
    "FieldScope",
    "FieldStyle",
    "Heading",
    "Languages",
    "Limit",
    "LineRef",
    "NamedFilter",
    "Near",
    "Node",
    "ParseIssue",
    "PublicationTypes",
    "Restriction",
    "Span",
    "Term",
    "UnknownRestriction",
    "Unparsed",
    "Wildcard",
    "WildcardKind",
    "children",
    "line_refs",
    "walk",
]
