"""Translation to Europe PMC search syntax (``FIELD:term``, upper-case Boolean operators).

Europe PMC has no history: line references are inlined in parentheses. Subject headings
become ``KW:"label"`` (keywords and MeSH, without explosion [verify]); title/abstract fields
map to ``TITLE``, ``ABSTRACT`` and ``TITLE_ABS``; proximity is not confirmed for the REST API
[verify], so it becomes AND (broader). Truncation ``*`` is kept; a wildcard inside a quoted
phrase is removed (Solr does not expand it).
"""

from __future__ import annotations

import re

from cen_search.strategies.ast import (
    DateRange,
    Heading,
    Languages,
    NamedFilter,
    Near,
    PublicationTypes,
    Restriction,
    Term,
)
from cen_search.strategies.translate import LineContext, Lossiness
from cen_search.strategies.translate_tables import (
    ABSTRACT,
    ALL,
    AUTHOR,
    CREATE_DATE,
    DEFAULT,
    ENTRY_DATE,
    FLOATING,
    HEADING,
    HEADING_WORD,
    JOURNAL,
    KEYWORDS,
    LANGUAGE,
    LANGUAGES,
    PUB_DATE,
    PUB_TYPE,
    SUBSET,
    TEXT_CLASSES,
    TEXT_WORD,
    TITLE,
    iso_bound,
    open_end,
)
from cen_search.strategies.translate_text import (
    Expr,
    Fields,
    TextCompiler,
    at_end,
    is_mesh,
    join,
    wildcard_pieces,
)

MAX_PHRASES = 25
"""Expand adjacency of OR groups into at most this many phrases."""

_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~:\\/])')

_FIELDS: dict[str, tuple[str, Lossiness, str]] = {
    HEADING: (
        "KW",
        Lossiness.APPROXIMATE,
        "subject heading searched in Europe PMC keywords (MeSH and author keywords) [verify]",
    ),
    HEADING_WORD: ("KW", Lossiness.APPROXIMATE, "heading words searched in keywords"),
    KEYWORDS: ("KW", Lossiness.APPROXIMATE, "keywords (Europe PMC KW also holds MeSH)"),
    TEXT_WORD: ("", Lossiness.APPROXIMATE, "text words searched in all fields"),
    DEFAULT: ("", Lossiness.APPROXIMATE, "the platform's default fields: untagged search"),
    ALL: ("", Lossiness.APPROXIMATE, "all fields: untagged search"),
    PUB_TYPE: ("PUB_TYPE", Lossiness.APPROXIMATE, "publication type names may differ"),
    LANGUAGE: ("LANG", Lossiness.APPROXIMATE, "language code [verify]"),
    JOURNAL: ("JOURNAL", Lossiness.APPROXIMATE, "journal title"),
    AUTHOR: ("AUTH", Lossiness.EXACT, "author"),
    PUB_DATE: ("FIRST_PDATE", Lossiness.APPROXIMATE, "first publication date"),
    ENTRY_DATE: ("FIRST_IDATE", Lossiness.APPROXIMATE, "first index date [verify]"),
    CREATE_DATE: ("CREATION_DATE", Lossiness.APPROXIMATE, "creation date [verify]"),
    SUBSET: ("SRC", Lossiness.APPROXIMATE, "source collection"),
}


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


class EuropePmcCompiler(TextCompiler):
    """Ovid, EBSCO, ProQuest and PubMed lines to Europe PMC."""

    target = "europepmc"

    def spellings(self, node: Term, ctx: LineContext) -> list[Term]:
        """Europe PMC keeps ``?`` (one character) in a word, but has no optional character
        and no wildcard inside a quoted phrase: those are written out as spellings."""
        from cen_search.strategies.translate_variants import written_out

        phrase = node.quoted or len(node.words) > 1
        kinds = frozenset({"optional", "single"} if phrase else {"optional"})
        return written_out(node, kinds, ctx) or [node]

    def _groups(self, classes: frozenset[str]) -> list[tuple[str, Lossiness, str]]:
        groups: list[tuple[str, Lossiness, str]] = []
        text = classes & TEXT_CLASSES
        if text == {TITLE}:
            groups.append(("TITLE", Lossiness.EXACT, "title"))
        elif text == {ABSTRACT}:
            groups.append(("ABSTRACT", Lossiness.EXACT, "abstract"))
        elif text == {TITLE, ABSTRACT}:
            groups.append(("TITLE_ABS", Lossiness.EXACT, "title and abstract"))
        elif text:
            if text - {KEYWORDS}:
                groups.append(("TITLE_ABS", Lossiness.EXACT, "title and abstract"))
            groups.append(_FIELDS[KEYWORDS])
        for cls in sorted(classes - TEXT_CLASSES):
            if cls in _FIELDS:
                groups.append(_FIELDS[cls])
            elif cls == FLOATING:
                groups.append(("?", Lossiness.DROPPED, "Europe PMC has no subheading field"))
            else:
                groups.append(("?", Lossiness.DROPPED, "Europe PMC has no field for this code"))
        merged: dict[str, tuple[str, Lossiness, str]] = {}
        for tag, lossiness, reason in groups:
            if tag in merged:
                _, before, why = merged[tag]
                lossiness = max(before, lossiness, key=lambda v: v.rank)
                reason = why if reason in why else f"{why}; {reason}"
            merged[tag] = (tag, lossiness, reason)
        return list(merged.values())

    def describe_fields(
        self, classes: frozenset[str], ctx: LineContext
    ) -> tuple[str, Lossiness, str]:
        groups = self._groups(classes)
        kept = [g for g in groups if g[0] != "?"]
        rendered = " OR ".join(f"{tag}:" if tag else "untagged" for tag, _, _ in kept)
        lossiness = max((g[1] for g in groups), key=lambda v: v.rank)
        if kept and len(kept) < len(groups):
            lossiness = Lossiness.APPROXIMATE
        return rendered, lossiness, "; ".join(reason for _, _, reason in groups)

    def _text(self, node: Term, ctx: LineContext) -> str:
        pieces = wildcard_pieces(node)
        phrase = node.quoted or len(node.words) > 1
        out = ""
        notes: list[tuple[Lossiness, str]] = []
        for index, piece in enumerate(pieces):
            if isinstance(piece, str):
                out += piece if phrase else _escape(piece)
            elif phrase:
                notes.append(
                    (
                        Lossiness.APPROXIMATE,
                        f"narrower: Europe PMC does not expand "
                        f"{piece.symbol} inside a quoted phrase, so it is removed",
                    )
                )
            elif piece.kind == "truncation":
                out += "*"
                if at_end(pieces, index):
                    notes.append((Lossiness.EXACT, "truncation"))
                else:
                    notes.append(
                        (
                            Lossiness.APPROXIMATE,
                            "wildcard inside a word [verify Europe PMC support]",
                        )
                    )
            elif piece.kind == "single":
                out += "?"
                notes.append(
                    (
                        Lossiness.APPROXIMATE,
                        "single-character wildcard ? [verify Europe PMC support]",
                    )
                )
            else:
                out += "*"
                notes.append(
                    (
                        Lossiness.APPROXIMATE,
                        f"broader: {piece.symbol} ({piece.kind.replace('_', ' ')}) becomes *",
                    )
                )
        if phrase:
            out = _quoted(out)
        for lossiness, reason in notes:
            ctx.note("truncation", node.span, out, lossiness, reason, written=node.raw)
        return out

    def term(self, node: Term, ctx: LineContext, fields: Fields) -> Expr | None:
        text = self._text(node, ctx)
        if not text.strip('"'):
            return None
        classes = fields if fields is not None else frozenset({DEFAULT})
        if fields is None:
            tag, lossiness, reason = self._groups(classes)[0]
            ctx.note("field", None, "untagged", lossiness, reason, written="(no field code)")
        parts = []
        for tag, lossiness, _ in self._groups(classes):
            if lossiness is Lossiness.DROPPED:
                continue
            value = text
            if tag == "LANG":
                value = LANGUAGES.get(text.strip('"').lower(), (text, ""))[0]
            parts.append(Expr.atom(f"{tag}:{value}" if tag else value))
        return join("OR", parts)

    def heading(self, node: Heading, ctx: LineContext, fields: Fields) -> Expr | None:
        label = node.label.strip()
        if not is_mesh(node, ctx.database):
            ctx.note(
                "heading",
                node.span,
                f'TITLE_ABS:"{label}"',
                Lossiness.APPROXIMATE,
                f"{node.vocabulary or 'unknown'} heading: not mapped to MeSH; its label is "
                "searched in title and abstract",
            )
            return Expr.atom(f"TITLE_ABS:{_quoted(label)}")
        rendered = f"KW:{_quoted(label)}"
        reasons = ["MeSH heading searched in Europe PMC keywords [verify]"]
        if node.explode:
            reasons.append("narrower: no explosion to narrower headings")
        if node.subheadings or node.floating:
            reasons.append("subheadings are not searchable and are left out")
        if node.major:
            reasons.append("broader: major-topic restriction left out")
        ctx.note("heading", node.span, rendered, Lossiness.APPROXIMATE, "; ".join(reasons))
        return Expr.atom(rendered)

    def near(self, node: Near, ctx: LineContext, fields: Fields) -> Expr | None:
        operands = self.near_terms(node, ctx)
        if node.max_between == 0 and node.ordered and operands is not None:
            combinations = 1
            for operand in operands:
                combinations *= len(operand)
            if combinations <= MAX_PHRASES:
                return self.adjacent(node, operands, ctx, fields)
        return self.anded(
            node,
            ctx,
            fields,
            f"broader: {node.operator} becomes AND (Europe PMC proximity through the REST "
            "API is not confirmed [verify])",
        )

    def restriction(self, node: Restriction, ctx: LineContext) -> Expr | None:
        if isinstance(node, DateRange):
            end_open = node.open_end or open_end(node.end)
            if node.kind == "publication_year":
                rendered = (
                    f"PUB_YEAR:[{node.start or '1000'} TO {'3000' if end_open else node.end}]"
                )
                lossiness = Lossiness.EXACT
            else:
                field = {"entry_date": "FIRST_IDATE", "create_date": "CREATION_DATE"}.get(
                    node.kind, "FIRST_PDATE"
                )
                start = iso_bound(node.start, first=True) or "1000-01-01"
                end = "3000-12-31" if end_open else iso_bound(node.end, first=False)
                rendered = f"{field}:[{start} TO {end}]"
                lossiness = Lossiness.APPROXIMATE
            return self.fixed(
                node,
                ctx,
                rendered,
                lossiness,
                f"{node.kind.replace('_', ' ')} limit"
                + ("" if lossiness is Lossiness.EXACT else " [verify field semantics]"),
            )
        if isinstance(node, Languages):
            codes = [LANGUAGES.get(v.lower(), (v, ""))[0] for v in node.values]
            return self.any_of(
                node,
                ctx,
                [f"LANG:{c}" for c in codes],
                Lossiness.APPROXIMATE,
                "language as a three-letter code [verify]",
            )
        if isinstance(node, PublicationTypes):
            return self.any_of(
                node,
                ctx,
                [f"PUB_TYPE:{_quoted(v)}" for v in node.values],
                Lossiness.APPROXIMATE,
                "publication type names differ between databases",
            )
        if isinstance(node, NamedFilter):
            name = node.name.lower().strip('"')
            if name in ("abstracts", "abstract", "has abstract"):
                return self.fixed(
                    node, ctx, "HAS_ABSTRACT:y", Lossiness.EXACT, "records with an abstract"
                )
            ctx.drop(
                "filter",
                node.span,
                f"the vendor filter {node.name!r} has no Europe PMC equivalent: add the "
                "cited search filter as lines",
            )
            return None
        return super().restriction(node, ctx)
