"""PubMed syntax.

Constructs: tags after the term, with or without a space (``x[tiab]``, ``borderline [tiab]``,
``"a b"[Title/Abstract]``); MeSH ``[mh]``/``[mesh]``/``[MeSH Terms]`` (exploded by default),
``[mh:noexp]``, ``[majr]``, ``[majr:noexp]``, subheadings ``"Heading/therapy"[mh]`` and
floating ``diagnosis[sh]``; proximity ``"a b"[tiab:~N]``; ``#3`` history references; dates
``2003:2019[dp]`` and ``"2003/01/01"[dp] : "2019/12/31"[dp]``; truncation ``*`` only.
Boolean operators must be upper case in PubMed: a lower-case ``and``/``or``/``not`` is read as
an operator here (as the author meant) and reported.
"""

from __future__ import annotations

import re

from cen_search.strategies.ast import Node, ParseIssue
from cen_search.strategies.exprparser import Context, parse_tokens
from cen_search.strategies.fields import lookup_field, proximity_rule
from cen_search.strategies.lexer import FieldSpec, HeadingSpec, NearSpec, Token, scan_quoted

_OPS = {"and": "AND", "or": "OR", "not": "NOT"}
_REF = re.compile(r"^#(\d+)$")
_FOREIGN = re.compile(r"^(adj\d*|[NW]\d+|NEAR/\d+|PRE/\d+)$", re.I)
_HEADING_TAGS = {
    "mh": (True, False), "mesh": (True, False), "mesh terms": (True, False),
    "majr": (True, True), "mesh major topic": (True, True),
}  # fmt: skip
_SUBHEADING_TAGS = {"sh", "subheading", "mesh subheading"}
_DATE_PAIR = re.compile(
    r'"?(\d{4}(?:/\d{1,2}){0,2})"?\s*(\[[^\]]*\])\s*:\s*"?(\d{4}(?:/\d{1,2}){0,2})"?\s*\[[^\]]*\]'
)


def tag_spec(tag: str, ctx: Context, span: tuple[int, int], issues: list[ParseIssue]) -> object:
    """Meaning of a tag's inside (``tiab``, ``mh:noexp``, ``tiab:~3``)."""
    inner = " ".join(tag.strip().split()).lower()
    name, _, option = inner.partition(":")
    name, option = name.strip(), option.strip()
    if name in _HEADING_TAGS:
        explode, major = _HEADING_TAGS[name]
        if option == "noexp":
            explode = False
        return HeadingSpec(explode, major, f"[{tag}]")
    if name in _SUBHEADING_TAGS:
        return HeadingSpec(option != "noexp", False, f"[{tag}]", floating=True)
    found = lookup_field("pubmed", name, database=ctx.database)
    if not found.known:
        hint = (
            " (PubMed has no abstract-only tag; use [tiab])" if name in ("ab", "abstract") else ""
        )
        issues.append(ParseIssue("unknown_field_code", span, f"unknown PubMed tag [{tag}]{hint}"))
    spec = FieldSpec(found.fields, (name,), f"[{tag}]", "tag")
    if option.startswith("~"):
        rule = proximity_rule("pubmed", "~N", path=ctx.proximity_table)
        digits = option[1:].strip()
        distance = int(digits) if digits.isdigit() else None
        assert rule is not None
        if not {"title"} >= found.fields and found.fields != frozenset({"title", "abstract"}):
            issues.append(
                ParseIssue(
                    "proximity_misuse", span, "PubMed proximity works only with [ti] and [tiab]"
                )
            )
        return (
            spec,
            NearSpec(
                f"~{digits}",
                distance,
                rule.max_between(distance),
                rule.ordered,
                rule.rule,
                rule.verified,
                rule.max_distance,
            ),
        )
    if option and option != "noexp":
        issues.append(ParseIssue("unknown_field_code", span, f"unknown tag option in [{tag}]"))
    return spec


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """PubMed tokens of ``view[start:end]``."""
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
        pair = _DATE_PAIR.match(view, i, end)
        if pair:
            text = f"{pair.group(1)}:{pair.group(3)}"
            tag_start = pair.start(2)
            tokens.append(Token("WORD", text, i, pair.end(1)))
            inner = pair.group(2)[1:-1]
            tokens.append(
                Token(
                    "TAG",
                    pair.group(2),
                    tag_start,
                    pair.end(),
                    tag_spec(inner, ctx, (tag_start, pair.end()), issues),
                )
            )
            i = pair.end()
            continue
        if ch == "[":
            close = view.find("]", i, end)
            if close < 0:
                issues.append(
                    ParseIssue("unbalanced_bracket", (i, end), "tag '[' is never closed with ']'")
                )
                close = end - 1
            inner = view[i + 1 : close]
            tokens.append(
                Token(
                    "TAG",
                    view[i : close + 1],
                    i,
                    close + 1,
                    tag_spec(inner, ctx, (i, close + 1), issues),
                )
            )
            i = close + 1
            continue
        if ch == '"':
            close, inner, closed = scan_quoted(view[:end], i)
            tokens.append(Token("QUOTED", view[i:close], i, close, (inner, closed)))
            i = close
            continue
        j = i
        while j < end and not view[j].isspace() and view[j] not in '()"[':
            j += 1
        tokens.append(_classify(view[i:j], i, j, ctx, issues))
        i = j
    return tokens, issues


def _classify(chunk: str, i: int, j: int, ctx: Context, issues: list[ParseIssue]) -> Token:
    low = chunk.lower()
    if low in _OPS:
        if chunk != chunk.upper():
            issues.append(
                ParseIssue(
                    "lowercase_operator",
                    (i, j),
                    f"lower-case {chunk!r}: PubMed reads Boolean operators only in upper case",
                )
            )
        return Token("OP", chunk, i, j, _OPS[low])
    if m := _REF.match(chunk):
        return Token("REF", chunk, i, j, (m.group(1), True))
    if low in ctx.labels:
        return Token("REF", chunk, i, j, (low, False))
    if _FOREIGN.match(chunk):
        issues.append(
            ParseIssue(
                "foreign_operator",
                (i, j),
                f'{chunk!r} is not a PubMed operator (use "a b"[tiab:~N])',
            )
        )
        digits = re.sub(r"\D", "", chunk)
        distance = int(digits) if digits else None
        return Token(
            "NEAR",
            chunk,
            i,
            j,
            NearSpec(chunk, distance, distance, False, f"{chunk} is not a PubMed operator", False),
        )
    return Token("WORD", chunk, i, j)


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the PubMed query in ``view[start:end]``."""
    tokens, issues = tokenise(view, start, end, ctx)
    node, more = parse_tokens(tokens, raw, ctx)
    return node, issues + more


__all__ = ["parse_query", "tag_spec", "tokenise"]
