"""Shared machinery of the text-query translators (PubMed, Europe PMC).

:class:`TextCompiler` walks a line's tree and builds :class:`Expr` values that carry two
renderings at once: ``inline`` (line references replaced by the referenced line's query in
parentheses) and ``history`` (references as ``#{key}`` placeholders for PubMed history keys).
Boolean structure, line references, limits and commands are handled here; a target subclass
renders terms, headings, fields, proximity and restrictions.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from typing import Any

from cen_search.strategies.ast import (
    Bool,
    Command,
    FieldScope,
    Heading,
    Limit,
    Line,
    LineRef,
    Near,
    Node,
    Restriction,
    Strategy,
    Term,
    Unparsed,
    Wildcard,
)
from cen_search.strategies.limits import date_range_of
from cen_search.strategies.translate import Compiled, LineContext, Lossiness

Fields = frozenset[str] | None
"""Field classes in force (None = the source platform's default fields)."""


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled query fragment in both renderings."""

    inline: str
    history: str
    compound: bool = False
    """True when it must be parenthesised inside a larger expression."""

    @staticmethod
    def atom(text: str) -> Expr:
        return Expr(text, text)

    def wrapped(self) -> Expr:
        if not self.compound:
            return self
        history = self.history
        if not re.fullmatch(r"#\{[^{}]+\}", history):
            history = f"({history})"
        return Expr(f"({self.inline})", history)


def join(op: str, parts: list[Expr]) -> Expr | None:
    """``a OP b OP c`` with compound parts parenthesised; None for no parts."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    wrapped = [p.wrapped() for p in parts]
    return Expr(
        f" {op} ".join(p.inline for p in wrapped),
        f" {op} ".join(p.history for p in wrapped),
        compound=True,
    )


def wildcard_pieces(term: Term) -> list[str | Wildcard]:
    """``term.text`` split into literal strings and the wildcards between them."""
    pieces: list[str | Wildcard] = []
    cursor = 0
    for wildcard in sorted(term.wildcards, key=lambda w: w.pos):
        if wildcard.pos > cursor:
            pieces.append(term.text[cursor : wildcard.pos])
        pieces.append(wildcard)
        cursor = wildcard.pos + len(wildcard.symbol)
    if cursor < len(term.text):
        pieces.append(term.text[cursor:])
    return pieces


def at_end(pieces: list[str | Wildcard], index: int) -> bool:
    """True when the wildcard at ``index`` ends its word."""
    rest = pieces[index + 1 :]
    return not rest or (isinstance(rest[0], str) and rest[0][:1].isspace())


class TextCompiler:
    """Base of the PubMed and Europe PMC compilers."""

    target = ""
    written_out_kinds: frozenset[str] = frozenset({"optional", "single"})
    """Wildcards inside a word the target cannot search: written out as spellings."""

    def __init__(self, strategy: Strategy, **options: Any) -> None:
        self.strategy = strategy
        self.options = options

    # -- entry point ---------------------------------------------------------------------------

    def compile_line(self, line: Line, ctx: LineContext) -> Compiled:
        expr = self.node(line.node, ctx, None)
        if expr is None:
            return Compiled("", runnable=False)
        return Compiled(expr.inline, expr.history, value=expr)

    def node(self, node: Node, ctx: LineContext, fields: Fields) -> Expr | None:
        if isinstance(node, Term):
            return self.spelled_term(node, ctx, fields)
        if isinstance(node, Heading):
            return self.heading(node, ctx, fields)
        if isinstance(node, Bool):
            return self.boolean(node, ctx, fields)
        if isinstance(node, Near):
            return self.near(node, ctx, fields)
        if isinstance(node, FieldScope):
            return self.field_scope(node, ctx, fields)
        if isinstance(node, LineRef):
            return self.line_ref(node, ctx)
        if isinstance(node, Limit):
            return self.limit(node, ctx, fields)
        if isinstance(node, Command):
            return self.command(node, ctx)
        if isinstance(node, Unparsed):
            ctx.drop(
                "unparsed",
                node.span,
                f"the parser could not read this text ({node.reason}); fix it with "
                "`cen-search strategy check`",
            )
            return None
        ctx.drop("unknown", None, f"unknown node {type(node).__name__}")
        return None

    def spellings(self, node: Term, ctx: LineContext) -> list[Term]:
        """``node`` as the spellings its inside-word wildcards stand for (``ag?ing`` ->
        ``aging``, ``ageing``), or ``[node]`` when there is nothing to write out."""
        from cen_search.strategies.translate_variants import written_out

        return written_out(node, self.written_out_kinds, ctx) or [node]

    def spelled_term(self, node: Term, ctx: LineContext, fields: Fields) -> Expr | None:
        """A term, as an OR of its spellings when it has wildcards the target lacks."""
        spellings = self.spellings(node, ctx)
        if len(spellings) == 1:
            return self.term(spellings[0], ctx, fields)
        parts = [self.term(spelling, ctx, fields) for spelling in spellings]
        return join("OR", [p for p in parts if p is not None])

    def near_terms(self, node: Near, ctx: LineContext) -> list[list[Term]] | None:
        """:func:`near_operands` with each term's spellings as further alternatives."""
        operands = near_operands(node)
        if operands is None:
            return None
        return [[s for term in operand for s in self.spellings(term, ctx)] for operand in operands]

    # -- structure -----------------------------------------------------------------------------

    def boolean(self, node: Bool, ctx: LineContext, fields: Fields) -> Expr | None:
        parts = [self.node(child, ctx, fields) for child in node.children]
        if node.op == "NOT":
            left = parts[0] if parts else None
            if left is None:
                return None
            rest = [p for p in parts[1:] if p is not None]
            if not rest:
                return left
            return join("NOT", [left, *rest])
        return join(node.op, [p for p in parts if p is not None])

    def line_ref(self, node: LineRef, ctx: LineContext) -> Expr | None:
        written = node.written or node.target
        found = ctx.resolve(node.target, node.span, written)
        if found is None or not isinstance(found.value, Expr):
            return None
        self.note_ref(node, ctx, written)
        inline = found.value
        return Expr(inline.inline, "#{" + node.target + "}", compound=inline.compound)

    def note_ref(self, node: LineRef, ctx: LineContext, written: str) -> None:
        ctx.note(
            "line reference",
            node.span,
            f"set {node.target} inlined in parentheses",
            Lossiness.EXACT,
            "the referenced set's query is repeated in place",
            written=written,
        )

    def field_scope(self, node: FieldScope, ctx: LineContext, fields: Fields) -> Expr | None:
        if (dates := date_range_of(node)) is not None:
            # A date written as a search term (2003:2019[dp], 2003-2019.yr.) is a date
            # limit, written in the target's own date syntax.
            return self.restriction(dates, ctx)
        classes = ctx.scope(node, lambda found: self.describe_fields(found, ctx))
        return self.node(node.child, ctx, classes)

    def limit(self, node: Limit, ctx: LineContext, fields: Fields) -> Expr | None:
        target = self.node(node.target, ctx, fields)
        if target is None:
            return None
        parts = [target]
        for restriction in node.restrictions:
            expr = self.restriction(restriction, ctx)
            if expr is not None:
                parts.append(expr)
        return join("AND", parts)

    def command(self, node: Command, ctx: LineContext) -> Expr | None:
        if node.kind == "remove_duplicates" and node.target is not None:
            expr = self.line_ref(node.target, ctx)
            if expr is not None:
                ctx.note_duplicates_removed(node.span)
            return expr
        ctx.drop(
            "command",
            node.span,
            f"the platform command {node.kind!r} has no equivalent in {self.target}",
        )
        return None

    def adjacent(
        self, node: Near, operands: list[list[Term]], ctx: LineContext, fields: Fields
    ) -> Expr | None:
        """Adjacent words in the written order (Ovid ``adj``): one quoted phrase per
        combination of the operands' alternatives, rendered by the target's :meth:`term`."""
        phrases = []
        raw = ctx.written(node.span)
        for combination in itertools.product(*operands):
            text = ""
            wildcards: list[Wildcard] = []
            for term in combination:
                text += " " if text else ""
                wildcards += [replace(w, pos=w.pos + len(text)) for w in term.wildcards]
                text += term.text
            phrase = Term(
                text=text,
                raw=raw,
                span=node.span,
                quoted=True,
                phrase=True,
                wildcards=tuple(wildcards),
            )
            expr = self.term(phrase, ctx, fields)
            if expr is not None:
                phrases.append(expr)
        result = join("OR", phrases)
        lossiness = Lossiness.EXACT if node.verified else Lossiness.APPROXIMATE
        reason = "adjacent words in the written order: searched as phrases"
        if not node.verified:
            reason += f" ({node.rule or node.operator})"
        ctx.note("proximity", node.span, result.inline if result else "", lossiness, reason)
        return result

    # -- to be provided by the target ------------------------------------------------------------

    def describe_fields(
        self, classes: frozenset[str], ctx: LineContext
    ) -> tuple[str, Lossiness, str]:
        raise NotImplementedError

    def term(self, node: Term, ctx: LineContext, fields: Fields) -> Expr | None:
        raise NotImplementedError

    def heading(self, node: Heading, ctx: LineContext, fields: Fields) -> Expr | None:
        raise NotImplementedError

    def near(self, node: Near, ctx: LineContext, fields: Fields) -> Expr | None:
        raise NotImplementedError

    def restriction(self, node: Restriction, ctx: LineContext) -> Expr | None:
        """A restriction the target does not render: dropped as not understood (targets
        handle the kinds they know and end with this)."""
        ctx.drop("limit", node.span, f"limit not understood: {node.raw!r}")
        return None

    # -- building blocks for the targets -------------------------------------------------------

    def anded(self, node: Near, ctx: LineContext, fields: Fields, reason: str) -> Expr | None:
        """A proximity the target cannot express: its operands ANDed (broader), with
        ``reason`` noted."""
        parts = [self.node(child, ctx, fields) for child in node.children]
        ctx.note("proximity", node.span, "AND", Lossiness.APPROXIMATE, reason)
        return join("AND", [p for p in parts if p is not None])

    def fixed(
        self, node: Restriction, ctx: LineContext, rendered: str, lossiness: Lossiness, reason: str
    ) -> Expr:
        """A limit rendered as the fixed text ``rendered``, noted."""
        ctx.note("limit", node.span, rendered, lossiness, reason)
        return Expr.atom(rendered)

    def any_of(
        self,
        node: Restriction,
        ctx: LineContext,
        atoms: list[str],
        lossiness: Lossiness,
        reason: str,
    ) -> Expr | None:
        """A limit on several values rendered as ``a OR b OR ...``, noted as one limit."""
        expr = join("OR", [Expr.atom(atom) for atom in atoms])
        ctx.note("limit", node.span, expr.inline if expr else "", lossiness, reason)
        return expr


def is_mesh(node: Heading, database: str) -> bool:
    """True when a heading belongs to MeSH (declared, or a MEDLINE/PubMed database)."""
    if node.vocabulary == "mesh":
        return True
    if node.vocabulary in ("", "unknown"):
        from cen_search.strategies.fields import database_key

        return database_key(database) in ("", "medline", "pubmed", "cochrane")
    return False


def near_operands(node: Near) -> list[list[Term]] | None:
    """Each operand of a proximity as a list of alternative terms (an OR group), or None when
    an operand is anything else (a nested proximity, a heading)."""
    operands: list[list[Term]] = []
    for child in node.children:
        inner = child.child if isinstance(child, FieldScope) else child
        if isinstance(inner, Term):
            operands.append([inner])
        elif (
            isinstance(inner, Bool)
            and inner.op == "OR"
            and all(isinstance(c, Term) for c in inner.children)
        ):
            operands.append([c for c in inner.children if isinstance(c, Term)])
        else:
            return None
    return operands
