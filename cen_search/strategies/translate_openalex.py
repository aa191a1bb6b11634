"""Translation to OpenAlex ``/works`` filters (``title_and_abstract.search:...`` and friends).

OpenAlex searches one field per search filter, and filters are ANDed by commas: an AND of
parts in different fields stays exact (one filter per field), while OR and NOT across fields
are widened to the narrowest field covering both (title -> title and abstract -> default
search, which adds full text), approximately. OpenAlex has no truncation, wildcards,
proximity or subject-heading filter, and it stems words: wildcards are removed, proximity
becomes AND, headings are searched as their label. Limits become filters
(``from_publication_date``, ``language``, ``type``); entry-date windows use
``from_created_date`` [verify access].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cen_search.strategies.ast import (
    Bool,
    Command,
    DateRange,
    FieldScope,
    Heading,
    Languages,
    Limit,
    Line,
    LineRef,
    NamedFilter,
    Near,
    Node,
    PublicationTypes,
    Restriction,
    Strategy,
    Term,
    Unparsed,
)
from cen_search.strategies.limits import date_range_of
from cen_search.strategies.translate import Compiled, LineContext, Lossiness
from cen_search.strategies.translate_tables import (
    ABSTRACT,
    ALL,
    DEFAULT,
    HEADING,
    HEADING_WORD,
    LANGUAGES,
    OPENALEX_TYPES,
    TEXT_CLASSES,
    TEXT_WORD,
    TITLE,
    iso_bound,
    open_end,
)

TITLE_F = "title.search"
ABSTRACT_F = "abstract.search"
TIAB_F = "title_and_abstract.search"
DEFAULT_F = "default.search"
_RANK = {TITLE_F: 0, ABSTRACT_F: 0, TIAB_F: 1, DEFAULT_F: 2}


def widest(fields: set[str]) -> str:
    """The narrowest single search field covering every field in ``fields``."""
    if len(fields) == 1:
        return next(iter(fields))
    top = max(_RANK[f] for f in fields)
    return DEFAULT_F if top == 2 else TIAB_F


@dataclass(frozen=True, slots=True)
class OaQuery:
    """A compiled OpenAlex query: search parts (ANDed, one per field) and other filters."""

    parts: tuple[tuple[str, str, bool], ...]
    """``(field, expression, compound)``: compound expressions need parentheses."""
    filters: tuple[str, ...] = ()

    def field_expr(self, field: str) -> str:
        """All parts merged into one expression searched in ``field``."""
        return _and([(expr, compound) for _, expr, compound in self.parts])

    def params(self) -> tuple[tuple[str, str], ...]:
        values = [f"{field}:{expr}" for field, expr, _ in self.parts] + list(self.filters)
        return (("filter", ",".join(values)),)


def _wrap(expr: str, compound: bool) -> str:
    return f"({expr})" if compound else expr


def _and(items: list[tuple[str, bool]]) -> str:
    if len(items) == 1:
        return items[0][0]
    return " AND ".join(_wrap(e, c) for e, c in items)


def _clean(text: str) -> tuple[str, bool]:
    """Remove characters OpenAlex filters cannot carry (comma, pipe); True if any was."""
    cleaned = re.sub(r"[,|]", " ", text)
    return " ".join(cleaned.split()), cleaned != text


class OpenAlexCompiler:
    """Ovid, EBSCO, ProQuest and PubMed lines to OpenAlex works filters."""

    target = "openalex"

    def __init__(self, strategy: Strategy, **options: Any) -> None:
        self.strategy = strategy

    def compile_line(self, line: Line, ctx: LineContext) -> Compiled:
        query = self.node(line.node, ctx, None)
        if query is None or not query.parts:
            if query is not None:
                ctx.drop(
                    "limit",
                    None,
                    "OpenAlex cannot run filters without a search",
                    written=line.query,
                )
            # A line of filters alone (a date range) cannot be run, but a later line may
            # AND it with a search: keep it to be inlined there.
            return Compiled("", runnable=False, value=query)
        params = query.params()
        return Compiled("&".join(f"{k}={v}" for k, v in params), params=params, value=query)

    def node(self, node: Node, ctx: LineContext, fields: frozenset[str] | None) -> OaQuery | None:
        if isinstance(node, Term):
            return self.spelled_term(node, ctx, fields)
        if isinstance(node, Heading):
            return self.heading(node, ctx)
        if isinstance(node, FieldScope):
            if (dates := date_range_of(node)) is not None:
                # A date written as a search term (2003:2019[dp]) is a date filter.
                return OaQuery(parts=(), filters=tuple(self.restriction(dates, ctx)))
            classes = ctx.scope(node, self._describe_field)
            return self.node(node.child, ctx, classes)
        if isinstance(node, Bool):
            return self.boolean(node, ctx, fields)
        if isinstance(node, Near):
            ctx.note(
                "proximity",
                node.span,
                "AND",
                Lossiness.APPROXIMATE,
                f"broader: OpenAlex has no proximity search; {node.operator} becomes AND",
            )
            parts = [self.node(c, ctx, fields) for c in node.children]
            return self._combine_and([p for p in parts if p is not None])
        if isinstance(node, LineRef):
            found = ctx.resolve(node.target, node.span, node.written or node.target)
            if found is None or not isinstance(found.value, OaQuery):
                return None
            ctx.note(
                "line reference",
                node.span,
                f"set {node.target} inlined",
                Lossiness.EXACT,
                "OpenAlex has no search history: the set's query is repeated",
                written=node.written or node.target,
            )
            return found.value
        if isinstance(node, Limit):
            return self.limit(node, ctx, fields)
        if isinstance(node, Command):
            if node.kind == "remove_duplicates" and node.target is not None:
                ctx.note_duplicates_removed(node.span)
                return self.node(node.target, ctx, fields)
            ctx.drop(
                "command",
                node.span,
                f"the platform command {node.kind!r} has no OpenAlex equivalent",
            )
            return None
        if isinstance(node, Unparsed):
            ctx.drop("unparsed", node.span, f"the parser could not read this text ({node.reason})")
        return None

    # -- fields and leaves -------------------------------------------------------------------------

    def _field(self, classes: frozenset[str]) -> tuple[str | None, Lossiness, str]:
        text = classes & TEXT_CLASSES
        other = classes - TEXT_CLASSES
        if not other:
            if text == {TITLE}:
                return TITLE_F, Lossiness.EXACT, "title"
            if text == {ABSTRACT}:
                return ABSTRACT_F, Lossiness.EXACT, "abstract"
            if text == {TITLE, ABSTRACT}:
                return TIAB_F, Lossiness.EXACT, "title and abstract"
            return TIAB_F, Lossiness.APPROXIMATE, "OpenAlex has no author-keyword search field"
        if other <= {HEADING, HEADING_WORD}:
            return (
                TIAB_F,
                Lossiness.APPROXIMATE,
                ("OpenAlex has no subject-heading search: searched in title and abstract"),
            )
        if other <= {DEFAULT, TEXT_WORD, ALL, HEADING, HEADING_WORD}:
            return (
                DEFAULT_F,
                Lossiness.APPROXIMATE,
                ("default search (title, abstract and full text; broader)"),
            )
        names = ", ".join(sorted(other))
        return None, Lossiness.DROPPED, f"no OpenAlex search field for {names}"

    def _describe_field(self, classes: frozenset[str]) -> tuple[str, Lossiness, str]:
        field, lossiness, reason = self._field(classes)
        return field or "", lossiness, reason

    def _leaf(self, field: str, text: str, phrase: bool) -> OaQuery:
        value = f'"{text}"' if phrase else text
        return OaQuery(parts=((field, value, False),))

    def spelled_term(
        self, node: Term, ctx: LineContext, fields: frozenset[str] | None
    ) -> OaQuery | None:
        """A term, as an OR of its spellings when it has wildcards inside a word
        (``ag?ing`` -> ``aging OR ageing``): OpenAlex has no wildcards at all."""
        from cen_search.strategies.translate_variants import written_out

        spellings = written_out(node, frozenset({"optional", "single"}), ctx) or [node]
        parts = [q for s in spellings if (q := self.term(s, ctx, fields)) is not None]
        if len(parts) <= 1:
            return parts[0] if parts else None
        field = parts[0].parts[0][0]
        expr = " OR ".join(_wrap(q.field_expr(field), q.parts[0][2]) for q in parts)
        return OaQuery(parts=((field, expr, True),))

    def term(self, node: Term, ctx: LineContext, fields: frozenset[str] | None) -> OaQuery | None:
        classes = fields if fields is not None else frozenset({DEFAULT})
        field, lossiness, reason = self._field(classes)
        if fields is None:
            ctx.note("field", None, field or "", lossiness, reason, written="(no field code)")
        if field is None:
            return None
        text = node.text
        for wildcard in sorted(node.wildcards, key=lambda w: -w.pos):
            text = text[: wildcard.pos] + text[wildcard.pos + len(wildcard.symbol) :]
        if node.wildcards:
            symbols = ", ".join(dict.fromkeys(w.symbol for w in node.wildcards))
            ctx.note(
                "truncation",
                node.span,
                text,
                Lossiness.APPROXIMATE,
                f"narrower: OpenAlex cannot truncate, so {symbols} is removed and {text!r} is "
                "searched as a word; words that only share the stem are missed unless "
                "OpenAlex's stemming joins them",
                written=node.raw,
                direction="narrower",
            )
        text, changed = _clean(text)
        if changed:
            ctx.note(
                "term",
                node.span,
                text,
                Lossiness.APPROXIMATE,
                "commas and | cannot appear in an OpenAlex filter value: replaced by spaces",
                written=node.raw,
            )
        if not text:
            return None
        return self._leaf(field, text, node.quoted or len(text.split()) > 1)

    def heading(self, node: Heading, ctx: LineContext) -> OaQuery:
        text, _ = _clean(node.label)
        ctx.note(
            "heading",
            node.span,
            f'{TIAB_F}:"{text}"',
            Lossiness.APPROXIMATE,
            "OpenAlex has no subject-heading filter: the heading's label is searched as a "
            "phrase in title and abstract (no explosion)",
        )
        return self._leaf(TIAB_F, text, True)

    # -- combinations ------------------------------------------------------------------------------

    def _combine_and(self, queries: list[OaQuery]) -> OaQuery | None:
        if not queries:
            return None
        by_field: dict[str, list[tuple[str, bool]]] = {}
        filters: list[str] = []
        for query in queries:
            for field, expr, compound in query.parts:
                by_field.setdefault(field, []).append((expr, compound))
            filters.extend(f for f in query.filters if f not in filters)
        parts = tuple(
            (field, _and(items), len(items) > 1 or items[0][1]) for field, items in by_field.items()
        )
        return OaQuery(parts=parts, filters=tuple(filters))

    def _widen(self, query: OaQuery, field: str) -> str:
        return query.field_expr(field)

    def boolean(
        self, node: Bool, ctx: LineContext, fields: frozenset[str] | None
    ) -> OaQuery | None:
        parts = [self.node(c, ctx, fields) for c in node.children]
        if node.op == "AND":
            return self._combine_and([p for p in parts if p is not None])
        if node.op == "NOT":
            left = parts[0] if parts else None
            rest = [p for p in parts[1:] if p is not None]
            if left is None:
                return None
            return self._not(left, rest, node, ctx) if rest else left
        kept = [p for p in parts if p is not None]
        if any(not q.parts for q in kept):
            ctx.drop(
                "limit",
                node.span,
                "a date range ORed with searches cannot be expressed in OpenAlex, whose "
                "filters are always ANDed: the date range is left out",
                written=node.operator or node.op,
            )
            kept = [q for q in kept if q.parts]
        if not kept:
            return None
        if len(kept) == 1:
            return kept[0]
        fields_used = {f for q in kept for f, _, _ in q.parts}
        field = widest(fields_used)
        widened = any(len(q.parts) > 1 for q in kept) or len(fields_used) > 1
        if widened:
            ctx.note(
                "field",
                node.span,
                field,
                Lossiness.APPROXIMATE,
                "broader: OR across different OpenAlex search fields is searched in one "
                "field covering them all",
                written=node.operator or node.op,
            )
        filters = kept[0].filters
        if any(q.filters != filters for q in kept):
            ctx.note(
                "limit",
                node.span,
                "",
                Lossiness.APPROXIMATE,
                "broader: limits on only some operands of OR cannot be kept in OpenAlex",
                written=node.operator or node.op,
            )
            filters = ()
        items = [(q.field_expr(field), len(q.parts) > 1 or q.parts[0][2]) for q in kept]
        expr = " OR ".join(_wrap(e, c) for e, c in items)
        return OaQuery(parts=((field, expr, True),), filters=filters)

    def _not(self, left: OaQuery, rest: list[OaQuery], node: Bool, ctx: LineContext) -> OaQuery:
        right = self._combine_and(rest) if len(rest) > 1 else rest[0]
        assert right is not None
        if not left.parts or not right.parts:
            ctx.drop(
                "limit",
                node.span,
                "NOT with a date range on either side cannot be expressed in OpenAlex: the "
                "NOT operand is left out",
                written=node.operator or node.op,
            )
            return left
        if right.filters:
            ctx.note(
                "limit",
                node.span,
                "",
                Lossiness.APPROXIMATE,
                "broader: limits inside the NOT operand cannot be expressed in OpenAlex",
                written=node.operator or node.op,
            )
        right_fields = {f for f, _, _ in right.parts}
        left_fields = [f for f, _, _ in left.parts]
        if len(right_fields) == 1 and next(iter(right_fields)) in left_fields:
            field = next(iter(right_fields))
            negated = _wrap(right.field_expr(field), len(right.parts) > 1 or right.parts[0][2])
            parts = tuple(
                (f, f"{_wrap(e, c)} NOT {negated}", True) if f == field else (f, e, c)
                for f, e, c in left.parts
            )
            return OaQuery(parts=parts, filters=left.filters)
        field = widest(set(left_fields) | right_fields)
        ctx.note(
            "field",
            node.span,
            field,
            Lossiness.APPROXIMATE,
            "NOT across different OpenAlex search fields is searched in one field covering both",
            written=node.operator or node.op,
        )
        expr = f"({left.field_expr(field)}) NOT ({right.field_expr(field)})"
        return OaQuery(parts=((field, expr, True),), filters=left.filters)

    # -- limits ------------------------------------------------------------------------------------

    def limit(self, node: Limit, ctx: LineContext, fields: frozenset[str] | None) -> OaQuery | None:
        target = self.node(node.target, ctx, fields)
        if target is None:
            return None
        extra: list[str] = []
        for restriction in node.restrictions:
            extra.extend(self.restriction(restriction, ctx))
        return OaQuery(
            parts=target.parts,
            filters=target.filters + tuple(f for f in extra if f not in target.filters),
        )

    def restriction(self, node: Restriction, ctx: LineContext) -> list[str]:
        if isinstance(node, DateRange):
            created = node.kind in ("entry_date", "create_date")
            prefix = "created" if created else "publication"
            out = []
            if node.start:
                out.append(f"from_{prefix}_date:{iso_bound(node.start, first=True)}")
            if node.end and not (node.open_end or open_end(node.end)):
                out.append(f"to_{prefix}_date:{iso_bound(node.end, first=False)}")
            lossiness = Lossiness.APPROXIMATE if created else Lossiness.EXACT
            ctx.note(
                "limit",
                node.span,
                ",".join(out),
                lossiness,
                f"{node.kind.replace('_', ' ')} limit"
                + (" as OpenAlex creation date (needs an API key) [verify]" if created else ""),
            )
            return out
        if isinstance(node, Languages):
            codes = [LANGUAGES.get(v.lower(), ("", ""))[1] for v in node.values]
            if not all(codes):
                ctx.drop("limit", node.span, "unknown language name")
                return []
            return _any_of(node, ctx, "language", codes, "language as ISO 639-1 code [verify]")
        if isinstance(node, PublicationTypes):
            types = sorted({OPENALEX_TYPES.get(v.lower(), "") for v in node.values} - {""})
            if not types:
                ctx.drop("limit", node.span, "no OpenAlex work type for these publication types")
                return []
            return _any_of(
                node, ctx, "type", types, "publication types mapped to OpenAlex work types"
            )
        if isinstance(node, NamedFilter) and node.name.lower().strip('"') in (
            "abstracts",
            "abstract",
        ):
            ctx.note(
                "limit", node.span, "has_abstract:true", Lossiness.EXACT, "records with an abstract"
            )
            return ["has_abstract:true"]
        name = node.name if isinstance(node, NamedFilter) else node.raw
        ctx.drop(
            "filter",
            node.span,
            f"{name!r} has no OpenAlex equivalent: add the cited search filter as lines",
        )
        return []


def _any_of(
    node: Restriction, ctx: LineContext, key: str, values: list[str], reason: str
) -> list[str]:
    """One filter matching any of ``values`` (``key:a|b``), noted as approximate."""
    value = f"{key}:" + "|".join(values)
    ctx.note("limit", node.span, value, Lossiness.APPROXIMATE, reason)
    return [value]
