"""One-line, human-readable summaries of syntax-tree nodes (for ``strategy show``).

Search-history entries are named "sets" by their own numbers (``set 3``, ``sets 1-5``), as in
every message of cen-search; "line" is kept for lines of the file."""

from __future__ import annotations

from cen_search.strategies.ast import (
    Bool,
    Command,
    DateRange,
    FieldScope,
    Heading,
    Languages,
    Limit,
    LineRef,
    NamedFilter,
    Near,
    Node,
    PublicationTypes,
    Restriction,
    Term,
    UnknownRestriction,
    Unparsed,
)
from cen_search.wording import count, plural

_VOCAB = {
    "mesh": "MeSH",
    "emtree": "Emtree",
    "cinahl": "CINAHL",
    "apa": "APA",
    "hmic": "HMIC",
    "spp": "SPP",
    "assia": "ASSIA",
}


def _refs(refs: list[LineRef]) -> str:
    keys = [r.target for r in refs]
    numbers = [int(k) for k in keys if k.isdigit()]
    if (
        len(numbers) == len(keys)
        and len(numbers) > 2
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    ):
        return f"sets {numbers[0]}-{numbers[-1]}"
    return plural(len(keys), "set") + " " + ", ".join(keys)


def restriction(r: Restriction) -> str:
    """``publication year 2003-2019``, ``language english``..."""
    if isinstance(r, DateRange):
        end = "current" if r.open_end or r.end is None else r.end
        return f"{r.kind.replace('_', ' ')} {r.start or '…'} to {end}"
    if isinstance(r, Languages):
        return "language " + "/".join(r.values)
    if isinstance(r, PublicationTypes):
        return "type " + "/".join(r.values)
    if isinstance(r, NamedFilter):
        return f"filter {r.name!r}"
    if isinstance(r, UnknownRestriction):
        return f"unknown limit {r.raw!r}"
    return str(r)


def describe(node: Node, *, depth: int = 0) -> str:
    """A short description of ``node``'s meaning."""
    if isinstance(node, Bool):
        refs = [c for c in node.children if isinstance(c, LineRef)]
        if len(refs) == len(node.children):
            return f"{node.op} of {_refs(refs)}"
        if depth >= 2:
            return f"{node.op} of {len(node.children)}"
        return (
            f"{node.op}("
            + "; ".join(describe(c, depth=depth + 1) for c in node.children[:6])
            + ("; …" if len(node.children) > 6 else "")
            + ")"
        )
    if isinstance(node, Near):
        order = "in order" if node.ordered else "any order"
        gap = "? words" if node.max_between is None else count(node.max_between, "word")
        inner = ", ".join(describe(c, depth=depth + 1) for c in node.children)
        return f"at most {gap} between ({order}, {node.operator}): {inner}"
    if isinstance(node, FieldScope):
        return f"[{','.join(node.codes)}] {describe(node.child, depth=depth)}"
    if isinstance(node, Heading):
        flags = [
            f
            for f, on in (
                ("exploded", node.explode),
                ("major", node.major),
                ("floating subheading", node.floating),
            )
            if on
        ]
        subs = f"/{','.join(node.subheadings)}" if node.subheadings else ""
        vocab = _VOCAB.get(node.vocabulary, node.vocabulary)
        return f"heading {node.label!r}{subs} ({', '.join([vocab, *flags])})"
    if isinstance(node, Term):
        kind = "phrase" if node.phrase else "words" if len(node.words) > 1 else "word"
        return f"{kind} {node.text!r}" + (" (truncated)" if node.wildcards else "")
    if isinstance(node, LineRef):
        return f"set {node.target}"
    if isinstance(node, Limit):
        return f"limit {describe(node.target, depth=depth + 1)} to " + ", ".join(
            restriction(r) for r in node.restrictions
        )
    if isinstance(node, Command):
        return node.kind.replace("_", " ") + (
            f" from set {node.target.target}" if node.target else ""
        )
    if isinstance(node, Unparsed):
        return f"not parsed: {node.reason}"
    return type(node).__name__


__all__ = ["describe", "restriction"]
