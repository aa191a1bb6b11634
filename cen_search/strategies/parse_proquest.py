"""ProQuest syntax (ASSIA and other ProQuest databases) [verify every construct against a live
ASSIA export: no real one was available].

Constructs: fields as functions ``TI(x)``, ``TI,AB(x)``, ``NOFT(x)``, ``PD(20030101-...)``;
thesaurus ``MAINSUBJECT.EXACT("X")``, ``MAINSUBJECT.EXACT.EXPLODE("X")``, ``SU.EXACT(...)``,
``MJSUB.EXACT(...)`` (major); ``AND``/``OR``/``NOT`` (also ``AND NOT``); proximity
``NEAR/n``, ``N/n`` (any order), ``PRE/n``, ``P/n`` (in order), bare ``NEAR``; ``S1`` line
references; truncation ``*`` and wildcard ``?``.
"""

from __future__ import annotations

import re

from cen_search.strategies.ast import Node, ParseIssue
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

_NEAR = re.compile(r"^(NEAR|N|PRE|P)(?:/(\d+))?$", re.I)
_DIALECT = Dialect(
    name="a ProQuest",
    advice="use NEAR/n or PRE/n",
    ref=re.compile(r"^[Ss](\d+)$"),
    foreign=re.compile(r"^(adj\d*|[NW]\d+)$"),
)
_FUNC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.,]*$")


def _func_spec(
    name: str, ctx: Context, issues: list[ParseIssue], span: tuple[int, int]
) -> object | None:
    parts = [p for p in name.upper().split(".") if p]
    if not parts:
        return None
    modifiers = set(parts[1:])
    codes = tuple(c.strip() for c in parts[0].split(",") if c.strip())
    if not codes or not all(is_field_code("proquest", c) for c in codes):
        return None
    if "EXACT" in modifiers or "EXPLODE" in modifiers:
        return HeadingSpec(
            explode="EXPLODE" in modifiers, major=codes[0] == "MJSUB", syntax=name.upper()
        )
    if modifiers:
        issues.append(
            ParseIssue("unknown_field_code", span, f"unknown modifier in {name!r} [verify]")
        )
    fields: set[str] = set()
    for code in codes:
        fields |= lookup_field("proquest", code, database=ctx.database).fields
    return FieldSpec(frozenset(fields), codes, name, "function")


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """ProQuest tokens of ``view[start:end]``."""

    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        chunk = view[i:j]
        if j < end and view[j] == "(" and _FUNC_NAME.match(chunk):
            spec = _func_spec(chunk, ctx, issues, (i, j + 1))
            if spec is not None:
                tokens.append(Token("FUNC", view[i : j + 1], i, j + 1, spec))
                return j + 1
        tokens.append(_classify(chunk, i, j, ctx, issues))
        return j

    tokens, issues = scan(view, start, end, word=word)
    return _merge_and_not(tokens), issues


def _classify(chunk: str, i: int, j: int, ctx: Context, issues: list[ParseIssue]) -> Token:
    low = chunk.lower()
    if low in OPERATORS:
        return Token("OP", chunk, i, j, OPERATORS[low])
    if (m := _NEAR.match(chunk)) and (
        m.group(2) or (chunk.upper() in ("NEAR", "PRE") and chunk.isupper())
    ):
        name = m.group(1).upper()
        pattern = {"NEAR": "NEAR/n", "N": "N/n", "PRE": "PRE/n", "P": "P/n"}[name]
        distance = int(m.group(2)) if m.group(2) else None
        if distance is None:
            pattern = "NEAR" if name in ("NEAR", "N") else "PRE/n"
        rule = proximity_rule("proquest", pattern, path=ctx.proximity_table)
        if rule is not None and (distance is not None or name in ("NEAR", "PRE")):
            return Token("NEAR", chunk, i, j, near_spec(chunk, distance, rule))
    if found := _DIALECT.reference_or_foreign(chunk, i, j, ctx.labels, issues):
        return found
    return Token("WORD", chunk, i, j)


def _merge_and_not(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if (
            tok.kind == "OP"
            and tok.value == "NOT"
            and out
            and out[-1].kind == "OP"
            and out[-1].value == "AND"
        ):
            prev = out.pop()
            out.append(Token("OP", f"{prev.text} {tok.text}", prev.start, tok.end, "NOT"))
            continue
        out.append(tok)
    return out


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the ProQuest query in ``view[start:end]``."""
    return parse_span(tokenise, raw, view, start, end, ctx)


__all__ = ["parse_query", "tokenise"]
