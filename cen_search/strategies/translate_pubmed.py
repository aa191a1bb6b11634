"""Translation to PubMed query syntax (run through ESearch).

MeSH headings keep their explosion and focus (``[mh]``, ``[mh:noexp]``, ``[majr]``) and Ovid
subheading abbreviations become qualifiers (``"Mothers/psychology"[mh]``). Other vocabularies
(Emtree, CINAHL, APA...) are never mapped to MeSH: their labels are searched as text. Ovid
``.ab.`` becomes the broader ``[tiab]`` (PubMed has no abstract-only field) and ``.mp.``/
untagged terms become ``[tw]`` (automatic term mapping is avoided on purpose, except for
untagged terms that were written for PubMed). Proximity becomes ``"a b"[tiab:~N]`` where
PubMed allows it (title and title/abstract, single words, N = words between) and AND
otherwise. Line references become history keys ``#k``.
"""

from __future__ import annotations

import itertools
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
    Wildcard,
)
from cen_search.strategies.fields import mesh_qualifiers
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
    PUB_DATE,
    PUB_TYPE,
    SUBSET,
    TEXT_CLASSES,
    TEXT_WORD,
    TITLE,
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
from cen_search.wording import count

MAX_PROXIMITY_PAIRS = 25
"""Expand ``(a or b) adjN (c or d)`` into at most this many proximity phrases."""

_TAGS: dict[str, tuple[str, Lossiness, str]] = {
    FLOATING: ("sh", Lossiness.EXACT, "floating subheading"),
    HEADING: ("mh:noexp", Lossiness.EXACT, "subject heading, not exploded"),
    HEADING_WORD: ("mh", Lossiness.APPROXIMATE, "heading words searched as MeSH terms"),
    TEXT_WORD: ("tw", Lossiness.EXACT, "PubMed text words"),
    ALL: ("all", Lossiness.APPROXIMATE, "all fields of PubMed (differs from the source's)"),
    PUB_TYPE: ("pt", Lossiness.APPROXIMATE, "publication type names may differ in PubMed"),
    LANGUAGE: ("la", Lossiness.EXACT, "language"),
    JOURNAL: ("ta", Lossiness.APPROXIMATE, "journal searched as PubMed journal title"),
    AUTHOR: ("au", Lossiness.EXACT, "author"),
    PUB_DATE: ("dp", Lossiness.EXACT, "publication date"),
    ENTRY_DATE: ("edat", Lossiness.APPROXIMATE, "entry date searched as PubMed Entrez date"),
    CREATE_DATE: ("crdt", Lossiness.APPROXIMATE, "create date searched as PubMed create date"),
    SUBSET: ("sb", Lossiness.EXACT, "PubMed subset"),
}

_PLAIN = re.compile(r"^[\w*'-]+$")


def _quote(text: str) -> str:
    return text if _PLAIN.match(text) else '"' + text.replace('"', "") + '"'


class PubMedCompiler(TextCompiler):
    """Ovid, EBSCO, ProQuest and PubMed lines to PubMed."""

    target = "pubmed"

    # -- fields ----------------------------------------------------------------------------------

    def _text_tag(self, classes: frozenset[str]) -> tuple[str, Lossiness, str]:
        text = classes & TEXT_CLASSES
        if text == {TITLE}:
            return "ti", Lossiness.EXACT, "title"
        if text == {TITLE, ABSTRACT}:
            return "tiab", Lossiness.EXACT, "title and abstract"
        if text == {ABSTRACT}:
            return (
                "tiab",
                Lossiness.APPROXIMATE,
                ("broader: PubMed has no abstract-only field, so title words are searched too"),
            )
        if text == {KEYWORDS}:
            return "ot", Lossiness.APPROXIMATE, "author keywords searched as PubMed other terms"
        return (
            "tiab",
            Lossiness.APPROXIMATE,
            (
                "author keywords are not searched separately; PubMed [tiab] may or may not "
                "include them [verify]"
            ),
        )

    def _groups(
        self, classes: frozenset[str], ctx: LineContext
    ) -> list[tuple[str, Lossiness, str]]:
        """One (tag, lossiness, reason) per field group searched; '' tag = untagged."""
        groups: list[tuple[str, Lossiness, str]] = []
        if classes & TEXT_CLASSES:
            groups.append(self._text_tag(classes))
        for cls in sorted(classes - TEXT_CLASSES):
            if cls == DEFAULT:
                if ctx.platform == "pubmed":
                    groups.append(("", Lossiness.EXACT, "untagged, as written for PubMed"))
                else:
                    groups.append(
                        (
                            "tw",
                            Lossiness.APPROXIMATE,
                            (
                                "the platform's default fields searched as PubMed text words [tw] "
                                "(automatic term mapping avoided)"
                            ),
                        )
                    )
            elif cls in _TAGS:
                groups.append(_TAGS[cls])
            else:
                groups.append(("?", Lossiness.DROPPED, "PubMed has no field for this code"))
        return groups

    def describe_fields(
        self, classes: frozenset[str], ctx: LineContext
    ) -> tuple[str, Lossiness, str]:
        groups = [g for g in self._groups(classes, ctx) if g[0] != "?"]
        dropped = [g for g in self._groups(classes, ctx) if g[0] == "?"]
        rendered = " OR ".join(f"[{tag}]" if tag else "untagged" for tag, _, _ in groups)
        reasons = "; ".join(reason for _, _, reason in groups + dropped)
        lossiness = max((g[1] for g in groups + dropped), key=lambda v: v.rank)
        if dropped and groups:
            lossiness = Lossiness.APPROXIMATE
        return rendered, lossiness, reasons

    # -- terms -----------------------------------------------------------------------------------

    def _wildcards(self, node: Term, ctx: LineContext) -> str:
        """PubMed text of a term: only trailing ``*`` exists, after at least 4 characters."""
        pieces = wildcard_pieces(node)
        out = ""
        notes: list[tuple[Lossiness, str]] = []
        for index, piece in enumerate(pieces):
            if isinstance(piece, str):
                out += piece
                continue
            stem = out.split()[-1] if out.split() else ""
            if at_end(pieces, index):
                if index < len(pieces) - 1 and piece.kind == "truncation":
                    notes.append(
                        (
                            Lossiness.APPROXIMATE,
                            "truncation inside a phrase, before "
                            "its last word [verify PubMed support]",
                        )
                    )
                elif piece.kind != "truncation":
                    notes.append(
                        (
                            Lossiness.APPROXIMATE,
                            f"broader: {_describe(piece)} becomes unlimited truncation",
                        )
                    )
                elif len(stem) < 4:
                    notes.append(
                        (
                            Lossiness.APPROXIMATE,
                            "PubMed needs at least 4 characters before * [verify]",
                        )
                    )
                else:
                    notes.append((Lossiness.EXACT, "truncation"))
                out += "*"
            elif len(stem) >= 4 and piece.kind != "single":
                notes.append(
                    (
                        Lossiness.APPROXIMATE,
                        f"broader: PubMed has no wildcard inside a word, so the word is "
                        f"truncated at {piece.symbol}",
                    )
                )
                rest = "".join(p if isinstance(p, str) else p.symbol for p in pieces[index + 1 :])
                tail = rest.split(" ", 1)
                out += "*" + (" " + tail[1] if len(tail) > 1 else "")
                break
            else:
                notes.append(
                    (
                        Lossiness.APPROXIMATE,
                        f"narrower: PubMed has no wildcard inside a word; {piece.symbol} removed",
                    )
                )
        for lossiness, reason in notes:
            ctx.note("truncation", node.span, out, lossiness, reason, written=node.raw)
        return out

    def _render_term(self, text: str, tag: str, node: Term) -> str:
        if not tag:
            return node.raw if not node.quoted else _quote(text)
        if tag in ("dp", "edat", "crdt") and re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}/{text[4:6]}/{text[6:]}"
        return f"{_quote(text)}[{tag}]"

    def term(self, node: Term, ctx: LineContext, fields: Fields) -> Expr | None:
        text = self._wildcards(node, ctx)
        if not text.strip():
            return None
        classes = fields if fields is not None else frozenset({DEFAULT})
        if fields is None and ctx.platform != "pubmed":
            tag, lossiness, reason = self._groups(classes, ctx)[0]
            ctx.note("field", None, f"[{tag}]", lossiness, reason, written="(no field code)")
        if len(node.words) > 1 and not node.phrase and not node.quoted and ctx.platform == "ebsco":
            ctx.note(
                "term",
                node.span,
                "AND of the words",
                Lossiness.APPROXIMATE,
                "EBSCO searches unquoted words near each other; PubMed gets them ANDed",
                written=node.raw,
            )
            words = [
                Expr.atom(self._render_term(w, tag, node))
                for w in text.split()
                for tag, _, _ in self._groups(classes, ctx)[:1]
            ]
            return join("AND", words)
        parts = [
            Expr.atom(self._render_term(text, tag, node))
            for tag, lossiness, _ in self._groups(classes, ctx)
            if lossiness is not Lossiness.DROPPED
        ]
        return join("OR", parts)

    # -- headings --------------------------------------------------------------------------------

    def heading(self, node: Heading, ctx: LineContext, fields: Fields) -> Expr | None:
        label = node.label.strip()
        if not is_mesh(node, ctx.database):
            vocab = node.vocabulary if node.vocabulary not in ("", "unknown") else "unknown"
            ctx.note(
                "heading",
                node.span,
                f'"{label}"[tiab]',
                Lossiness.APPROXIMATE,
                f"{vocab} heading: never mapped to MeSH automatically; its label is "
                "searched in title/abstract (check MeSH for an equivalent)",
            )
            return Expr.atom(f"{_quote(label)}[tiab]")
        if node.floating:
            ctx.note("heading", node.span, f'"{label}"[sh]', Lossiness.EXACT, "floating subheading")
            return Expr.atom(f'"{label}"[sh]')
        tag = ("majr" if node.major else "mh") + ("" if node.explode else ":noexp")
        qualifiers: list[str] = []
        lossiness, reasons = (
            Lossiness.EXACT,
            ["MeSH heading" + (", exploded" if node.explode else ", not exploded")],
        )
        for sub in node.subheadings:
            name = mesh_qualifiers().get(sub.lower(), sub.lower() if len(sub) > 2 else "")
            if name:
                qualifiers.append(name)
            else:
                lossiness = Lossiness.APPROXIMATE
                reasons.append(f"broader: unknown subheading /{sub} left out")
        if node.vocabulary in ("", "unknown"):
            lossiness = max(lossiness, Lossiness.APPROXIMATE, key=lambda v: v.rank)
            reasons.append(
                "vocabulary not stated; assumed MeSH"
                + (f" for {ctx.database}" if ctx.database else "")
            )
        labels = [f"{label}/{q}" for q in qualifiers] or [label]
        parts = [Expr.atom(f'"{text}"[{tag}]') for text in labels]
        expr = join("OR", parts)
        assert expr is not None
        ctx.note("heading", node.span, expr.inline, lossiness, "; ".join(reasons))
        return expr

    # -- proximity -------------------------------------------------------------------------------

    def near(self, node: Near, ctx: LineContext, fields: Fields) -> Expr | None:
        tag = _proximity_tag(fields)
        operands = self.near_terms(node, ctx)
        pairs = 1
        for operand in operands or []:
            pairs *= len(operand)
        if node.max_between == 0 and node.ordered and operands and pairs <= MAX_PROXIMITY_PAIRS:
            return self.adjacent(node, operands, ctx, fields)
        usable = (
            tag is not None
            and operands is not None
            and len(operands) == 2
            and node.max_between is not None
            and pairs <= MAX_PROXIMITY_PAIRS
            and all(len(t.words) == 1 for o in operands for t in o)
        )
        if not usable or operands is None or tag is None:
            why = _why_no_proximity(tag, operands, node, pairs)
            return self.anded(node, ctx, fields, f"broader: {why}; the operands are ANDed")
        phrases = []
        wildcard = False
        for left, right in itertools.product(*operands):
            words = [self._wildcards(t, ctx) for t in (left, right)]
            wildcard = wildcard or bool(left.wildcards or right.wildcards)
            phrases.append(Expr.atom(f'"{words[0]} {words[1]}"[{tag}:~{node.max_between}]'))
        expr = join("OR", phrases)
        lossiness = Lossiness.EXACT if not wildcard and not node.ordered else Lossiness.APPROXIMATE
        reason = f"{node.operator}: at most {count(node.max_between or 0, 'word')} between"
        if node.rule:
            reason += f" ({node.rule})"
        if wildcard:
            reason += "; PubMed may ignore the distance when a word is truncated [verify]"
        if node.ordered:
            reason += "; PubMed proximity ignores word order (broader)"
        if not node.verified:
            lossiness = max(lossiness, Lossiness.APPROXIMATE, key=lambda v: v.rank)
        ctx.note("proximity", node.span, expr.inline if expr else "", lossiness, reason)
        return expr

    # -- limits ----------------------------------------------------------------------------------

    def restriction(self, node: Restriction, ctx: LineContext) -> Expr | None:
        if isinstance(node, DateRange):
            tag = {"entry_date": "edat", "create_date": "crdt"}.get(node.kind, "dp")
            start = _pubmed_date(node.start) or "1000"
            end = "3000" if node.open_end or open_end(node.end) else _pubmed_date(node.end)
            return self.fixed(
                node,
                ctx,
                f"{start}:{end}[{tag}]",
                Lossiness.EXACT if tag == "dp" else Lossiness.APPROXIMATE,
                f"{node.kind.replace('_', ' ')} limit"
                + ("" if tag == "dp" else " (PubMed's own date field)"),
            )
        if isinstance(node, Languages):
            atoms = [f"{_quote(v)}[la]" for v in node.values]
            return self.any_of(node, ctx, atoms, Lossiness.EXACT, "language")
        if isinstance(node, PublicationTypes):
            return self.any_of(
                node,
                ctx,
                [f"{_quote(v)}[pt]" for v in node.values],
                Lossiness.APPROXIMATE,
                "publication type names differ between databases; check PubMed's list",
            )
        if isinstance(node, NamedFilter):
            name = node.name.lower().strip('"')
            if name in ("humans", "human"):
                return self.fixed(
                    node,
                    ctx,
                    "humans[mh]",
                    Lossiness.APPROXIMATE,
                    "the platform's humans limit searched as the MeSH heading",
                )
            if name in ("abstracts", "abstract", "has abstract"):
                return self.fixed(
                    node,
                    ctx,
                    "hasabstract",
                    Lossiness.APPROXIMATE,
                    "records with an abstract (PubMed hasabstract)",
                )
            ctx.drop(
                "filter",
                node.span,
                f"the vendor filter {node.name!r}"
                + (f" ({node.vendor})" if node.vendor else "")
                + " has no PubMed equivalent: add the cited search filter as lines",
            )
            return None
        return super().restriction(node, ctx)


def _describe(wildcard: Wildcard) -> str:
    return {
        "limited_truncation": f"limited truncation {wildcard.symbol}",
        "optional": f"optional character {wildcard.symbol}",
        "single": f"single-character wildcard {wildcard.symbol}",
    }.get(wildcard.kind, f"wildcard {wildcard.symbol}")


def _proximity_tag(fields: Fields) -> str | None:
    """``ti`` or ``tiab`` when every field searched allows PubMed proximity, else None."""
    if not fields or not fields <= TEXT_CLASSES:
        return None
    if fields == {TITLE}:
        return "ti"
    return "tiab" if ABSTRACT in fields or TITLE in fields else None


def _pubmed_date(value: str | None) -> str:
    return (value or "").replace("-", "/")


def _why_no_proximity(tag: str | None, operands: object, node: Near, pairs: int) -> str:
    if tag is None:
        return "PubMed proximity works only in [ti] and [tiab]"
    if operands is None:
        return "an operand is not a plain term or OR group of terms"
    if len(node.children) != 2:
        return "PubMed proximity takes two operands here"
    if node.max_between is None:
        return f"the distance of {node.operator} is unknown"
    if pairs > MAX_PROXIMITY_PAIRS:
        return f"{pairs} word pairs exceed the {MAX_PROXIMITY_PAIRS} expanded phrases allowed"
    return "an operand has several words"
