"""A recursive-descent parser from platform tokens to the shared syntax tree.

The platform lexers (``parse_ovid``, ``parse_ebsco``, ``parse_proquest``, ``parse_pubmed``)
turn a line into :class:`~cen_search.strategies.lexer.Token` values whose payloads already say
what a field code, heading marker or proximity operator means; this module only knows the
shape of a query: operands, Boolean and proximity operators, parentheses, prefix markers
(EBSCO ``TI``, ProQuest ``TI(``), postfix markers (Ovid ``.ti.`` and ``/``, PubMed ``[tiab]``).
The nodes themselves are built from the tokens' payloads by :mod:`.exprnodes`.

Operator precedence without parentheses differs by platform and is not confirmed for all of
them [verify]: by default proximity binds tightest and AND/OR/NOT are read left to right (as
PubMed documents). ``strategy check`` warns wherever the reading depends on this (CS-B01).
Pass ``precedence`` to :func:`parse_tokens` to change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from cen_search.strategies.ast import (
    Bool,
    FieldScope,
    LineRef,
    Near,
    Node,
    ParseIssue,
    Platform,
    Unparsed,
)
from cen_search.strategies.exprnodes import NodeBuilder, ParseFailure, join_spans, near_node
from cen_search.strategies.lexer import NearSpec, Token

DEFAULT_PRECEDENCE: dict[str, int] = {"NEAR": 3, "AND": 1, "OR": 1, "NOT": 1}
"""Higher binds tighter; equal values are read left to right [verify per platform]."""

MAX_NESTING = 100
"""Deepest nesting (parentheses, field codes around field codes) a line may have. Real
strategies nest a few levels; a line nested deeper is pasted damage, reported as not parsed
rather than exhausting the recursion of this parser and of every walker of its tree."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the expression parser needs to know about the line's platform and database."""

    platform: Platform
    database: str = ""
    """Database key (``medline``, ``cinahl``...)."""
    vocabulary: str = "unknown"
    multiword_phrase: bool = False
    """An unquoted multi-word term is an exact phrase (Ovid) rather than implicit
    proximity or automatic term mapping (EBSCO, PubMed, ProQuest [verify])."""
    labels: frozenset[str] = frozenset()
    """Line keys that bare words may refer to (labelled blocks: ``1a``, ``a``)."""
    precedence: tuple[tuple[str, int], ...] = tuple(DEFAULT_PRECEDENCE.items())
    proximity_table: str | None = None
    """Path of a replacement ``proximity.csv`` (``None`` = the packaged table)."""


class _Parser(NodeBuilder):
    def __init__(self, tokens: list[Token], raw: str, ctx: Context) -> None:
        super().__init__(raw, ctx)
        self.toks = tokens
        self.i = 0
        self.prec = dict(ctx.precedence)
        self.parenthesised: set[int] = set()
        """ids of nodes written inside their own parentheses."""
        self.depth = 0
        """How many operands the parser is inside (see :data:`MAX_NESTING`)."""

    # -- token access ----------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def peek_kind(self) -> str | None:
        tok = self.peek()
        return tok.kind if tok is not None else None

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def end_offset(self) -> int:
        return self.toks[-1].end if self.toks else 0

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> Node:
        if not self.toks:
            raise ParseFailure("the line has no query", (0, len(self.raw)))
        node = self.expr(0)
        while self.peek() is not None:
            tok = self.take()
            if tok.kind == ")":
                self.issues.append(
                    ParseIssue(
                        "unbalanced_paren",
                        (tok.start, tok.end),
                        "closing parenthesis ')' without a matching '('",
                    )
                )
                if self.peek() is not None:
                    node = self.continue_expr(node, 0)
                continue
            raise ParseFailure(f"unexpected {tok.text!r}", (tok.start, tok.end))
        return node

    def continue_expr(self, left: Node, min_prec: int) -> Node:
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                return left
            if tok.kind in ("OP", "NEAR"):
                name = "NEAR" if tok.kind == "NEAR" else tok.value
                prec = self.prec.get(name, 1)
                if prec < min_prec:
                    return left
                self.take()
                if self.peek_kind() in (None, "OP", ")"):
                    raise ParseFailure(
                        f"operator {tok.text!r} has nothing on its right", (tok.start, tok.end)
                    )
                right = self.expr(prec + 1)
                left = self.combine(left, tok, right)
                continue
            # Two operands with no operator between them.
            prec = self.prec.get("AND", 1)
            if prec < min_prec:
                return left
            self.issues.append(
                ParseIssue(
                    "implicit_operator",
                    (tok.start, tok.end),
                    f"no operator before {tok.text!r}: the platform's default (usually AND) "
                    "applies",
                )
            )
            right = self.expr(prec + 1)
            left = self.combine(left, Token("OP", "", tok.start, tok.start, "AND"), right)

    def expr(self, min_prec: int) -> Node:
        return self.continue_expr(self.unary(), min_prec)

    def combine(self, left: Node, tok: Token, right: Node) -> Node:
        span = join_spans(left.span, right.span)
        if tok.kind == "NEAR":
            spec: NearSpec = tok.value
            if (
                isinstance(left, Near)
                and left.operator.lower() == tok.text.lower()
                and not self._was_parenthesised(left)
            ):
                return replace(left, children=(*left.children, right), span=span)
            return near_node((left, right), span, spec, tok.text)
        op = tok.value
        if (
            op != "NOT"
            and isinstance(left, Bool)
            and left.op == op
            and left.form == "infix"
            and not left.parenthesised
        ):
            return replace(left, children=(*left.children, right), span=span)
        return Bool(op=op, children=(left, right), span=span, operator=tok.text)

    def _was_parenthesised(self, node: Node) -> bool:
        return id(node) in self.parenthesised

    def unary(self) -> Node:
        if self.depth > MAX_NESTING:
            tok = self.peek()
            end = self.end_offset()
            raise ParseFailure(
                f"nested more than {MAX_NESTING} levels deep (parentheses or field codes); "
                "check the line was pasted whole, or split it into numbered lines",
                (tok.start, tok.end) if tok is not None else (end, end),
            )
        self.depth += 1
        try:
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ParseFailure(
                "the query ends where a search term was expected",
                (self.end_offset(), self.end_offset()),
            )
        if tok.kind == "(":
            return self.postfix(self.group())
        if tok.kind == "OP":
            raise ParseFailure(
                f"operator {tok.text!r} where a search term was expected", (tok.start, tok.end)
            )
        if tok.kind == "NEAR":
            raise ParseFailure(
                f"proximity operator {tok.text!r} where a search term was expected",
                (tok.start, tok.end),
            )
        if tok.kind == ")":
            raise ParseFailure("')' where a search term was expected", (tok.start, tok.end))
        if tok.kind == "PREFIX":
            self.take()
            if self.peek_kind() in (None, "OP", "NEAR", ")"):
                raise ParseFailure(
                    f"field code {tok.text!r} is not followed by a search term",
                    (tok.start, tok.end),
                )
            child = self.unary()
            return self.apply(tok, child, "prefix")
        if tok.kind == "FUNC":
            self.take()
            if self.peek_kind() == ")":
                raise ParseFailure(f"empty {tok.text}...)", (tok.start, self.toks[self.i].end))
            inner = self.expr(0)
            end = self._close(tok)
            node = self.apply(tok, inner, "function")
            return self.postfix(replace(node, span=(tok.start, end)))
        if tok.kind == "REF" and tok.value[1]:  # prefixed reference (S3, #3): never a word
            self.take()
            return self.postfix(
                LineRef(target=tok.value[0], span=(tok.start, tok.end), written=tok.text)
            )
        if tok.kind in ("WORD", "REF"):
            return self.postfix(self.words())
        if tok.kind == "QUOTED":
            self.take()
            return self.postfix(self.quoted(tok))
        if tok.kind in ("SUFFIX", "TAG", "HEADEND"):
            raise ParseFailure(f"{tok.text!r} does not follow a search term", (tok.start, tok.end))
        raise ParseFailure(f"unexpected {tok.text!r}", (tok.start, tok.end))

    def _close(self, opener: Token) -> int:
        tok = self.peek()
        if tok is not None and tok.kind == ")":
            self.take()
            return tok.end
        self.issues.append(
            ParseIssue(
                "unbalanced_paren",
                (opener.start, opener.end),
                "opening parenthesis '(' is never closed",
            )
        )
        return self.toks[self.i - 1].end if self.i else opener.end

    def group(self) -> Node:
        opener = self.take()
        if self.peek_kind() == ")":
            raise ParseFailure("empty parentheses", (opener.start, self.toks[self.i].end))
        inner = self.expr(0)
        end = self._close(opener)
        if isinstance(inner, Bool):
            node: Node = replace(inner, parenthesised=True, span=(opener.start, end))
        else:
            node = replace(inner, span=(opener.start, end))
        self.parenthesised.add(id(node))
        return node

    def words(self) -> Node:
        toks: list[Token] = []
        while (tok := self.peek()) is not None and (
            tok.kind == "WORD" or (tok.kind == "REF" and not tok.value[1])
        ):
            toks.append(self.take())
        if len(toks) == 1 and toks[0].kind == "REF":
            return LineRef(
                target=toks[0].value[0], span=(toks[0].start, toks[0].end), written=toks[0].text
            )
        return self.bare_words(toks)

    def postfix(self, node: Node) -> Node:
        while (tok := self.peek()) is not None and tok.kind in ("SUFFIX", "TAG", "HEADEND"):
            self.take()
            if tok.kind == "HEADEND":
                node = self.ovid_heading(node, tok)
            else:
                node = self.apply(tok, node, "suffix" if tok.kind == "SUFFIX" else "tag")
        return node


def parse_tokens(tokens: list[Token], raw: str, ctx: Context) -> tuple[Node, list[ParseIssue]]:
    """Parse one line's tokens; never raises: failures become :class:`Unparsed`."""
    parser = _Parser(tokens, raw, ctx)
    try:
        node = parser.parse()
    except ParseFailure as failure:
        start = tokens[0].start if tokens else 0
        end = tokens[-1].end if tokens else len(raw)
        issue = ParseIssue("unparsed", failure.span, failure.reason)
        return Unparsed(raw=raw[start:end], span=(start, end), reason=failure.reason), [
            *parser.issues,
            issue,
        ]
    return node, parser.issues


Tokeniser = Callable[[str, int, int, Context], tuple[list[Token], list[ParseIssue]]]
"""A platform lexer: ``(view, start, end, ctx)`` to tokens and issues."""


def parse_span(
    tokenise: Tokeniser, raw: str, view: str, start: int, end: int, ctx: Context
) -> tuple[Node, list[ParseIssue]]:
    """Tokenise ``view[start:end]`` with a platform's lexer and parse the tokens; the lexer's
    issues come first."""
    tokens, issues = tokenise(view, start, end, ctx)
    node, more = parse_tokens(tokens, raw, ctx)
    return node, issues + more


def mixed_operator_issues(node: Node) -> list[ParseIssue]:
    """AND/OR (or OR/NOT) combined at one level without parentheses."""
    issues: list[ParseIssue] = []

    def visit(n: Node) -> None:
        if isinstance(n, Bool) and n.form == "infix":
            for child in n.children:
                if (
                    isinstance(child, Bool)
                    and child.form == "infix"
                    and not child.parenthesised
                    and child.op != n.op
                    and "OR" in (child.op, n.op)
                ):
                    issues.append(
                        ParseIssue(
                            "mixed_operators",
                            n.span,
                            f"{child.op} and {n.op} combined without parentheses: the result "
                            "depends on the platform's operator precedence",
                        )
                    )
                    break
        for child in n.children if isinstance(n, (Bool, Near)) else ():
            visit(child)
        if isinstance(n, FieldScope):
            visit(n.child)

    visit(node)
    return issues


__all__ = [
    "DEFAULT_PRECEDENCE",
    "MAX_NESTING",
    "Context",
    "ParseFailure",
    "mixed_operator_issues",
    "parse_span",
    "parse_tokens",
]
