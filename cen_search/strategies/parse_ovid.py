"""Ovid syntax (MEDLINE, Embase, PsycINFO, HMIC, Social Policy and Practice).

Constructs: ``exp Heading/``, ``*Heading/``, ``Heading/px``, ``term.fs.``; free text with
``$``, ``$n``, ``*``, ``?``, ``#``; unquoted multi-word phrases; field suffixes ``.ti,ab.``
(also ``. ti, ab.`` and a missing closing period, both reported); ``and``/``or``/``not``;
``adjN``; line numbers as whole operands; ``or/1-12``, ``and/1,3``; ``limit N to ...``;
``remove duplicates from N``; ``... use <segment>``; the ``[mp=...]`` annotation Ovid appends
to ``.mp.`` searches is skipped.
"""

from __future__ import annotations

import re
from typing import Literal

from cen_search.strategies.ast import (
    Bool,
    Command,
    Limit,
    LineRef,
    NamedFilter,
    Node,
    ParseIssue,
)
from cen_search.strategies.exprparser import Context, parse_span
from cen_search.strategies.fields import is_field_code, lookup_field, proximity_rule
from cen_search.strategies.lexer import (
    OPERATORS,
    FieldSpec,
    HeadingSpec,
    NearSpec,
    Token,
    near_spec,
    scan,
)
from cen_search.strategies.limits import parse_clause

_SUFFIX = re.compile(r"\.(\s*)([a-z]{2,3}(?:\s*,\s*[a-z]{2,3})*)(\s*\.)?(?=[\s)\[]|$)", re.I)
_HEADEND = re.compile(r"^(.*?)/([a-z]{2}(?:,[a-z]{2})*)?$", re.I)
_ADJ = re.compile(r"^adj(\d*)$", re.I)
_FOREIGN_NEAR = re.compile(r"^(?:(N|W)(\d+)|(NEAR|PRE)/(\d+))$")
_RANGE = re.compile(r"^\s*(and|or|not)\s*/\s*(\d[\d\s,\-]*?)\s*$", re.I)
_RANGE_REVERSED = re.compile(r"^\s*(\d[\d\s,\-]*?)\s*/\s*(and|or)\s*$", re.I)
_LIMIT = re.compile(r"^\s*limit\s+(\d+)\s+to\s+(\S.*?)\s*$", re.I)
_REMOVE_DUPS = re.compile(r"^\s*remove\s+duplicates\s+from\s+(\d+)\s*$", re.I)
_USE = re.compile(r"^(.*[/.)])\s+use\s+([a-z0-9]{3,6})\s*$", re.I)


def _suffix_token(view: str, i: int, ctx: Context) -> tuple[Token | None, list[ParseIssue]]:
    match = _SUFFIX.match(view, i)
    if match is None:
        return None, []
    codes = tuple(c.strip().lower() for c in match.group(2).split(","))
    closed = match.group(3) is not None
    if not closed and not all(is_field_code("ovid", c) for c in codes):
        return None, []
    issues: list[ParseIssue] = []
    span = (match.start(), match.end())
    raw = view[match.start() : match.end()]
    if not closed:
        issues.append(
            ParseIssue(
                "field_code_no_closing_period", span, f"field code {raw!r} has no closing period"
            )
        )
    if any(ch.isspace() for ch in raw.rstrip()):
        issues.append(
            ParseIssue("field_code_spaces", span, f"spaces inside the field code {raw.strip()!r}")
        )
    if codes == ("fs",):
        return Token("SUFFIX", raw, *span, HeadingSpec(False, False, ".fs.", floating=True)), issues
    fields: set[str] = set()
    for code in codes:
        found = lookup_field("ovid", code, database=ctx.database)
        fields |= found.fields
        if not found.known:
            where = (
                f" (it exists in {', '.join(found.known_elsewhere)})"
                if found.known_elsewhere
                else ""
            )
            kind = "field_code_other_database" if found.known_elsewhere else "unknown_field_code"
            issues.append(
                ParseIssue(
                    kind,
                    span,
                    f"field code .{code}. is not known for "
                    f"{ctx.database or 'this database'}{where}",
                )
            )
    return Token("SUFFIX", raw, *span, FieldSpec(frozenset(fields), codes, raw, "suffix")), issues


def _near(text: str, distance: int | None, ctx: Context, pattern: str) -> NearSpec:
    rule = proximity_rule(ctx.platform, pattern, path=ctx.proximity_table)
    # Without a rule (a foreign operator) the number is kept as written.
    return near_spec(text, distance, rule, foreign=f"{text} is not an operator here")


def tokenise(view: str, start: int, end: int, ctx: Context) -> tuple[list[Token], list[ParseIssue]]:
    """Ovid tokens of ``view[start:end]``."""

    def annotation_or_suffix(i: int, tokens: list[Token], issues: list[ParseIssue]) -> int | None:
        if view[i] == "[" and view[i : i + 4].lower() == "[mp=":
            close = view.find("]", i, end)
            return end if close < 0 else close + 1  # Ovid's own annotation: not the query
        # a field suffix (.ti,ab.) can only follow an operand
        operand_before = bool(tokens) and tokens[-1].kind not in ("(", "OP", "NEAR")
        if view[i] == "." and operand_before:
            tok, found = _suffix_token(view[:end], i, ctx)
            if tok is not None:
                tokens.append(tok)
                issues.extend(found)
                return tok.end
        return None

    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        return _chunk(view, i, j, ctx, tokens, issues)

    return scan(view, start, end, word=word, special=annotation_or_suffix)


def _chunk(
    view: str, i: int, j: int, ctx: Context, tokens: list[Token], issues: list[ParseIssue]
) -> int:
    chunk = view[i:j]
    # A field suffix glued to the word: prognos*.tw.
    dot = chunk.find(".")
    while dot > 0:
        tok, found = _suffix_token(view[:j], i + dot, ctx)
        if tok is not None and tok.end == j:
            _word(view, i, i + dot, ctx, tokens, issues)
            tokens.append(tok)
            issues.extend(found)
            return j
        dot = chunk.find(".", dot + 1)
    _word(view, i, j, ctx, tokens, issues)
    return j


def _word(
    view: str, i: int, j: int, ctx: Context, tokens: list[Token], issues: list[ParseIssue]
) -> None:
    chunk = view[i:j]
    low = chunk.lower()
    if not chunk:
        return
    head = _HEADEND.match(chunk)
    if head and head.group(1).lower() not in OPERATORS:
        word = head.group(1)
        if word:
            _word(view, i, i + len(word), ctx, tokens, issues)
        subs = tuple(s.lower() for s in head.group(2).split(",")) if head.group(2) else ()
        tokens.append(Token("HEADEND", chunk[len(word) :], i + len(word), j, subs))
        return
    if low in OPERATORS:
        tokens.append(Token("OP", chunk, i, j, OPERATORS[low]))
        return
    adj = _ADJ.match(chunk)
    if adj:
        distance = int(adj.group(1)) if adj.group(1) else None
        tokens.append(
            Token(
                "NEAR",
                chunk,
                i,
                j,
                _near(chunk, distance, ctx, "adjN" if distance is not None else "adj"),
            )
        )
        return
    foreign = _FOREIGN_NEAR.match(chunk)
    if foreign:
        distance = int(foreign.group(2) or foreign.group(4))
        issues.append(
            ParseIssue(
                "foreign_operator", (i, j), f"{chunk!r} is not an Ovid operator (Ovid uses adjN)"
            )
        )
        tokens.append(Token("NEAR", chunk, i, j, _near(chunk, distance, ctx, "?")))
        return
    if chunk.isdigit() or low in ctx.labels:
        tokens.append(Token("REF", chunk, i, j, (low, False)))
        return
    tokens.append(Token("WORD", chunk, i, j))


def parse_query(
    raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Parse the Ovid query in ``view[start:end]`` of a line."""
    text = view[start:end]
    if (m := _RANGE.match(text)) or (m := _RANGE_REVERSED.match(text)):
        op_text, numbers = (m.group(1), m.group(2)) if m.re is _RANGE else (m.group(2), m.group(1))
        return _range(raw, start, end, op_text, numbers, m.re is _RANGE, view)
    if m := _LIMIT.match(text):
        target = LineRef(m.group(1), (start + m.start(1), start + m.end(1)), m.group(1))
        restrictions, issues = parse_clause(view, start + m.start(2), start + m.end(2))
        return Limit(
            target, restrictions, raw[start + m.start(2) : start + m.end(2)], (start, end)
        ), issues
    if m := _REMOVE_DUPS.match(text):
        target = LineRef(m.group(1), (start + m.start(1), start + m.end(1)), m.group(1))
        return Command("remove_duplicates", (start, end), target, raw[start:end].strip()), []
    if m := _USE.match(text):
        node, issues = parse_span(tokenise, raw, view, start, start + m.end(1), ctx)
        seg = (start + m.start(2), start + m.end(2))
        return Limit(
            node,
            (
                NamedFilter(
                    f"use {m.group(2).lower()}", raw[seg[0] : seg[1]], seg, vendor="Ovid segment"
                ),
            ),
            raw[start + m.end(1) : end].strip(),
            (start, end),
        ), issues
    return parse_span(tokenise, raw, view, start, end, ctx)


def _range(
    raw: str, start: int, end: int, op_text: str, numbers: str, prefix: bool, view: str
) -> tuple[Node, list[ParseIssue]]:
    op = OPERATORS[op_text.lower()]
    refs: list[LineRef] = []
    issues: list[ParseIssue] = []
    form: Literal["range", "list"] = "list" if "-" not in numbers else "range"
    for part in numbers.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low_text, _, high_text = part.partition("-")
            if not (low_text.strip().isdigit() and high_text.strip().isdigit()):
                issues.append(ParseIssue("bad_range", (start, end), f"range {part!r} is not N-M"))
                continue
            low, high = int(low_text), int(high_text)
            if low > high:
                issues.append(
                    ParseIssue("reversed_range", (start, end), f"range {part} runs backwards")
                )
                low, high = high, low
            refs.extend(
                LineRef(str(n), (start, end), raw[start:end].strip()) for n in range(low, high + 1)
            )
        elif part.isdigit():
            refs.append(LineRef(part, (start, end), raw[start:end].strip()))
    if op == "NOT" and len(refs) != 2:
        issues.append(ParseIssue("bad_range", (start, end), "not/ needs exactly two lines"))
    written = raw[start:end].strip()
    return Bool(
        op,
        tuple(refs),
        (start, end),
        form=form,
        operator=written.split("/")[0] + "/" if prefix else "/" + written.split("/")[-1],
    ), issues


__all__ = ["parse_query", "tokenise"]
