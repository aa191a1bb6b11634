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
from cen_search.strategies.exprparser import Context, parse_span
from cen_search.strategies.fields import lookup_field, proximity_rule
from cen_search.strategies.lexer import (
    OPERATORS,
    Dialect,
    FieldSpec,
    HeadingSpec,
    Token,
    near_spec,
    scan,
)

_DIALECT = Dialect(
    name="a PubMed",
    advice='use "a b"[tiab:~N]',
    ref=re.compile(r"^#(\d+)$"),
    foreign=re.compile(r"^(adj\d*|[NW]\d+|NEAR/\d+|PRE/\d+)$", re.I),
)
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
        return spec, near_spec(f"~{digits}", distance, rule)
    if option and option != "noexp":
        issues.append(ParseIssue("unknown_field_code", span, f"unknown tag option in [{tag}]"))
    return spec


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """PubMed tokens of ``view[start:end]``."""

    def tag(i: int, tokens: list[Token], issues: list[ParseIssue]) -> int | None:
        if pair := _DATE_PAIR.match(view, i, end):
            tag_start = pair.start(2)
            tokens.append(Token("WORD", f"{pair.group(1)}:{pair.group(3)}", i, pair.end(1)))
            spec = tag_spec(pair.group(2)[1:-1], ctx, (tag_start, pair.end()), issues)
            tokens.append(Token("TAG", pair.group(2), tag_start, pair.end(), spec))
            return pair.end()
        if view[i] != "[":
            return None
        close = view.find("]", i, end)
        if close < 0:
            issues.append(
                ParseIssue("unbalanced_bracket", (i, end), "tag '[' is never closed with ']'")
            )
            close = end - 1
        spec = tag_spec(view[i + 1 : close], ctx, (i, close + 1), issues)
        tokens.append(Token("TAG", view[i : close + 1], i, close + 1, spec))
        return close + 1

    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        tokens.append(_classify(view[i:j], i, j, ctx, issues))
        return j

    return scan(view, start, end, word=word, special=tag, stops='()"[')


def _classify(chunk: str, i: int, j: int, ctx: Context, issues: list[ParseIssue]) -> Token:
    low = chunk.lower()
    if low in OPERATORS:
        if chunk != chunk.upper():
            issues.append(
                ParseIssue(
                    "lowercase_operator",
                    (i, j),
                    f"lower-case {chunk!r}: PubMed reads Boolean operators only in upper case",
                )
            )
        return Token("OP", chunk, i, j, OPERATORS[low])
    if found := _DIALECT.reference_or_foreign(chunk, i, j, ctx.labels, issues):
        return found
    return Token("WORD", chunk, i, j)


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the PubMed query in ``view[start:end]``."""
    return parse_span(tokenise, raw, view, start, end, ctx)


__all__ = ["parse_query", "tag_spec", "tokenise"]
