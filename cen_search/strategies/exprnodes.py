"""Building syntax-tree nodes from tokens and their payloads (used by :mod:`.exprparser`).

The grammar in :mod:`.exprparser` decides *where* an operand, operator or marker stands; this
module turns what the lexers put in the tokens (:class:`~.lexer.FieldSpec`,
:class:`~.lexer.HeadingSpec`, :class:`~.lexer.NearSpec`) into :class:`Term`, :class:`Near`,
:class:`FieldScope` and :class:`Heading` nodes, and records what it tolerated as
:class:`ParseIssue` values.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cen_search.strategies.ast import (
    Bool,
    FieldScope,
    FieldStyle,
    Heading,
    LineRef,
    Near,
    Node,
    ParseIssue,
    Span,
    Term,
)
from cen_search.strategies.lexer import (
    FieldSpec,
    HeadingSpec,
    NearSpec,
    Token,
    collapse,
    extract_wildcards,
)
from cen_search.strategies.limits import DATE_FIELDS

if TYPE_CHECKING:
    from cen_search.strategies.exprparser import Context


_YEAR = re.compile(r"(1[89]|2[01])\d\d")


def years_as_terms(node: Node) -> Node:
    """Bare four-digit numbers under a date field code are years, not references to lines:
    Ovid ``2015.yr.`` and ``(2010 or 2011).yr.`` (a strategy of over a thousand lines is not
    a real one)."""
    if isinstance(node, LineRef) and _YEAR.fullmatch(node.written or ""):
        return Term(text=node.written, raw=node.written, span=node.span)
    if isinstance(node, Bool):
        return replace(node, children=tuple(years_as_terms(c) for c in node.children))
    return node


class ParseFailure(Exception):
    """The line cannot be turned into a tree; carries the reason and where."""

    def __init__(self, reason: str, span: Span) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span


def join_spans(a: Span, b: Span) -> Span:
    """The smallest span covering ``a`` and ``b``."""
    return (min(a[0], b[0]), max(a[1], b[1]))


def near_node(children: tuple[Node, ...], span: Span, spec: NearSpec, operator: str) -> Near:
    """A proximity node whose distance and order come from a lexer's :class:`NearSpec`."""
    return Near(
        children=children,
        span=span,
        max_between=spec.max_between,
        ordered=spec.ordered,
        operator=operator,
        distance=spec.distance,
        rule=spec.rule,
        verified=spec.verified,
    )


class NodeBuilder:
    """Node construction for one line; the parser inherits it and shares ``issues``."""

    raw: str
    ctx: Context
    issues: list[ParseIssue]

    def __init__(self, raw: str, ctx: Context) -> None:
        self.raw = raw
        self.ctx = ctx
        self.issues = []

    # -- terms -----------------------------------------------------------------------------
    def term(self, text: str, span: Span, *, quoted: bool, phrase: bool, offset: int) -> Term:
        """A term written at ``span``; wildcards are read from ``text`` (which starts at
        ``offset`` in the line, for the spans of bad symbols)."""
        wildcards, issues = extract_wildcards(text, self.ctx.platform, offset=offset)
        self.issues.extend(issues)
        return Term(
            text=text,
            raw=self.raw[span[0] : span[1]],
            span=span,
            quoted=quoted,
            phrase=phrase,
            wildcards=wildcards,
        )

    def bare_words(self, toks: list[Token]) -> Term:
        """Adjacent ``WORD`` tokens as one term (a phrase where the platform says so)."""
        start, end = toks[0].start, toks[-1].end
        return self.term(
            collapse(" ".join(t.text for t in toks)),
            (start, end),
            quoted=False,
            phrase=len(toks) > 1 and self.ctx.multiword_phrase,
            offset=start,
        )

    def quoted(self, tok: Token) -> Term:
        """A ``QUOTED`` token as a phrase term (an unclosed quote is reported)."""
        inner, closed = tok.value
        if not closed:
            self.issues.append(
                ParseIssue(
                    "unbalanced_quote", (tok.start, tok.start + 1), "opening quote is never closed"
                )
            )
        return self.term(
            collapse(inner), (tok.start, tok.end), quoted=True, phrase=True, offset=tok.start + 1
        )

    # -- markers ---------------------------------------------------------------------------
    def apply(self, tok: Token, child: Node, style: str) -> Node:
        """``child`` under the field or heading marker ``tok``."""
        value: Any = tok.value
        span = join_spans(child.span, (tok.start, tok.end))
        if isinstance(value, HeadingSpec):
            return self.headingise(child, value, span)
        spec: FieldSpec
        field_style: FieldStyle
        if isinstance(value, tuple):  # PubMed proximity tag: (FieldSpec, NearSpec)
            spec, near = value
            child, field_style = self.tag_near(child, near, tok), "tag"
        else:
            spec, field_style = value, value.style
        if spec.fields & DATE_FIELDS.keys():
            child = years_as_terms(child)
        return FieldScope(
            fields=spec.fields,
            codes=spec.codes,
            child=child,
            span=span,
            raw=spec.raw,
            style=field_style,
            code_span=(tok.start, tok.end),
        )

    def tag_near(self, child: Node, spec: NearSpec, tok: Token) -> Node:
        if not isinstance(child, Term) or len(child.words) < 2:
            self.issues.append(
                ParseIssue(
                    "proximity_misuse",
                    (tok.start, tok.end),
                    "proximity [field:~N] needs a quoted phrase of two or more words",
                )
            )
            return child
        parts = tuple(
            Term(
                text=w,
                raw=w,
                span=child.span,
                quoted=False,
                phrase=False,
                wildcards=extract_wildcards(w, self.ctx.platform)[0],
            )
            for w in child.words
        )
        return near_node(parts, child.span, spec, tok.text)

    def headingise(self, node: Node, spec: HeadingSpec, span: Span) -> Node:
        if isinstance(node, Term):
            label = node.text
            explode = spec.explode
            subheadings: tuple[str, ...] = ()
            if spec.explode_from_label and label.endswith("+"):
                explode, label = True, label[:-1].rstrip()
            if "/" in label and not spec.floating:
                label, _, rest = label.partition("/")
                subheadings = tuple(s.strip().lower() for s in rest.split("/") if s.strip())
            return Heading(
                label=label.strip(),
                span=span,
                vocabulary=self.ctx.vocabulary,
                explode=explode,
                major=spec.major,
                subheadings=subheadings,
                floating=spec.floating,
                syntax=spec.syntax,
                quoted=node.quoted,
            )
        if isinstance(node, Bool):
            kids = tuple(self.headingise(k, spec, k.span) for k in node.children)
            return replace(node, children=kids, span=span)
        self.issues.append(
            ParseIssue(
                "heading_misuse",
                span,
                f"subject heading marker {spec.syntax!r} on a {type(node).__name__}",
            )
        )
        return node

    def ovid_heading(self, node: Node, tok: Token) -> Node:
        subheadings: tuple[str, ...] = tok.value or ()
        span = join_spans(node.span, (tok.start, tok.end))
        if isinstance(node, Term):
            words = list(node.text.split())
            explode = major = False
            if not node.quoted and words and words[0].lower() == "exp":
                explode = True
                words = words[1:]
            if words and words[0].startswith("*"):
                major = True
                words[0] = words[0][1:]
                if not words[0]:
                    words = words[1:]
            label = " ".join(words).strip()
            if not label:
                raise ParseFailure(
                    "subject heading marker '/' without a heading", (tok.start, tok.end)
                )
            syntax = ("exp " if explode else "") + ("*" if major else "") + tok.text
            return Heading(
                label=label,
                span=span,
                vocabulary=self.ctx.vocabulary,
                explode=explode,
                major=major,
                subheadings=subheadings,
                syntax=syntax,
                quoted=node.quoted,
            )
        self.issues.append(
            ParseIssue(
                "heading_misuse",
                (tok.start, tok.end),
                "subject heading marker '/' after something that is not a heading label",
            )
        )
        return node


__all__ = ["NodeBuilder", "ParseFailure", "join_spans", "near_node"]
