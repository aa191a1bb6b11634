"""EBSCOhost syntax (CINAHL, MEDLINE Complete, APA PsycInfo on EBSCO).

Constructs: field codes *before* the term (``TI x``, ``AB (a or b)``, ``MH refusal``);
headings ``(MH "X")`` exact, ``(MH "X+")`` exploded, ``(MM "X")`` major, ``DE "X"``
(APA PsycInfo); ``AND``/``OR``/``NOT`` in any case; proximity ``Nn`` (any order) and ``Wn``
(in order); ``S12`` line references; truncation ``*``, wildcards ``?`` (one character) and
``#`` (optional character) [verify]. Unquoted multi-word terms are not phrases on EBSCO.
The ``Limiters - ...`` search-option column becomes a :class:`Limit` around the query.
"""

from __future__ import annotations

import re

from cen_search.strategies.ast import Limit, Node, ParseIssue
from cen_search.strategies.exprparser import Context, parse_span
from cen_search.strategies.fields import is_field_code, lookup_field, proximity_rule
from cen_search.strategies.lexer import (
    OPERATORS,
    Dialect,
    FieldSpec,
    HeadingSpec,
    Token,
    near_spec,
    scan,
)
from cen_search.strategies.limits import parse_ebsco_limiters

_NEAR = re.compile(r"^([NnWw])(\d+)$")
_DIALECT = Dialect(
    name="an EBSCOhost",
    advice="use Nn or Wn",
    ref=re.compile(r"^[Ss](\d+)$"),
    foreign=re.compile(r"^(adj\d*|NEAR/\d+|PRE/\d+)$", re.I),
)
_HEADING_CODES = {"MH": (False, "MH"), "MM": (True, "MM"), "DE": (False, "DE"), "ZU": (False, "ZU")}


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """EBSCOhost tokens of ``view[start:end]``."""

    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        tokens.append(_classify(view, i, j, end, ctx, issues))
        return j

    return scan(view, start, end, word=word)


def _classify(view: str, i: int, j: int, end: int, ctx: Context, issues: list[ParseIssue]) -> Token:
    chunk = view[i:j]
    low = chunk.lower()
    if low in OPERATORS:
        return Token("OP", chunk, i, j, OPERATORS[low])
    if m := _NEAR.match(chunk):
        pattern = "Nn" if m.group(1) in "Nn" else "Wn"
        rule = proximity_rule("ebsco", pattern, path=ctx.proximity_table)
        assert rule is not None
        return Token("NEAR", chunk, i, j, near_spec(chunk, int(m.group(2)), rule))
    if found := _DIALECT.reference_or_foreign(chunk, i, j, ctx.labels, issues):
        return found
    followed = j < end and (view[j].isspace() or view[j] in '("')
    if chunk.isupper() and followed and (chunk in _HEADING_CODES or is_field_code("ebsco", chunk)):
        if chunk in _HEADING_CODES:
            major, syntax = _HEADING_CODES[chunk]
            return Token(
                "PREFIX", chunk, i, j, HeadingSpec(False, major, syntax, explode_from_label=True)
            )
        field = lookup_field("ebsco", chunk, database=ctx.database)
        return Token("PREFIX", chunk, i, j, FieldSpec(field.fields, (chunk,), chunk, "prefix"))
    return Token("WORD", chunk, i, j)


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the EBSCOhost query in ``view[start:end]``."""
    return parse_span(tokenise, raw, view, start, end, ctx)


def apply_limiters(
    node: Node, raw: str, view: str, span: tuple[int, int]
) -> tuple[Node, list[ParseIssue]]:
    """Wrap a line's query in the restrictions of its ``Limiters - ...`` column."""
    restrictions, issues = parse_ebsco_limiters(view, *span)
    if not restrictions:
        return node, issues
    return Limit(
        node,
        restrictions,
        raw[span[0] : span[1]],
        (min(node.span[0], span[0]), max(node.span[1], span[1])),
    ), issues


__all__ = ["apply_limiters", "parse_query", "tokenise"]
