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
from cen_search.strategies.exprparser import Context, parse_tokens
from cen_search.strategies.fields import is_field_code, lookup_field, proximity_rule
from cen_search.strategies.lexer import FieldSpec, HeadingSpec, NearSpec, Token, scan_quoted
from cen_search.strategies.limits import parse_ebsco_limiters

_OPS = {"and": "AND", "or": "OR", "not": "NOT"}
_NEAR = re.compile(r"^([NnWw])(\d+)$")
_REF = re.compile(r"^[Ss](\d+)$")
_FOREIGN = re.compile(r"^(adj\d*|NEAR/\d+|PRE/\d+)$", re.I)
_HEADING_CODES = {"MH": (False, "MH"), "MM": (True, "MM"), "DE": (False, "DE"), "ZU": (False, "ZU")}


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """EBSCOhost tokens of ``view[start:end]``."""
    tokens: list[Token] = []
    issues: list[ParseIssue] = []
    i = start
    while i < end:
        ch = view[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(Token(ch, ch, i, i + 1))
            i += 1
            continue
        if ch == '"':
            close, inner, closed = scan_quoted(view[:end], i)
            tokens.append(Token("QUOTED", view[i:close], i, close, (inner, closed)))
            i = close
            continue
        j = i
        while j < end and not view[j].isspace() and view[j] not in '()"':
            j += 1
        tokens.append(_classify(view, i, j, end, ctx, issues))
        i = j
    return tokens, issues


def _classify(view: str, i: int, j: int, end: int, ctx: Context, issues: list[ParseIssue]) -> Token:
    chunk = view[i:j]
    low = chunk.lower()
    if low in _OPS:
        return Token("OP", chunk, i, j, _OPS[low])
    if m := _NEAR.match(chunk):
        pattern = "Nn" if m.group(1) in "Nn" else "Wn"
        rule = proximity_rule("ebsco", pattern, path=ctx.proximity_table)
        distance = int(m.group(2))
        assert rule is not None
        return Token(
            "NEAR",
            chunk,
            i,
            j,
            NearSpec(
                chunk,
                distance,
                rule.max_between(distance),
                rule.ordered,
                rule.rule,
                rule.verified,
                rule.max_distance,
            ),
        )
    if m := _REF.match(chunk):
        return Token("REF", chunk, i, j, (m.group(1), True))
    if low in ctx.labels:
        return Token("REF", chunk, i, j, (low, False))
    if _FOREIGN.match(chunk):
        issues.append(
            ParseIssue(
                "foreign_operator", (i, j), f"{chunk!r} is not an EBSCOhost operator (use Nn or Wn)"
            )
        )
        digits = re.sub(r"\D", "", chunk)
        written = int(digits) if digits else None
        return Token(
            "NEAR",
            chunk,
            i,
            j,
            NearSpec(
                chunk, written, written, False, f"{chunk} is not an EBSCOhost operator", False
            ),
        )
    followed = j < end and (view[j].isspace() or view[j] in '("')
    if chunk.isupper() and followed and (chunk in _HEADING_CODES or is_field_code("ebsco", chunk)):
        if chunk in _HEADING_CODES:
            major, syntax = _HEADING_CODES[chunk]
            return Token(
                "PREFIX", chunk, i, j, HeadingSpec(False, major, syntax, explode_from_label=True)
            )
        found = lookup_field("ebsco", chunk, database=ctx.database)
        return Token("PREFIX", chunk, i, j, FieldSpec(found.fields, (chunk,), chunk, "prefix"))
    return Token("WORD", chunk, i, j)


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the EBSCOhost query in ``view[start:end]``."""
    tokens, issues = tokenise(view, start, end, ctx)
    node, more = parse_tokens(tokens, raw, ctx)
    return node, issues + more


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
