"""PRESS elements 2-4: Boolean and proximity operators, subject headings, text words."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from cen_search.strategies.ast import (
    Bool,
    FieldScope,
    Heading,
    Line,
    LineRef,
    Near,
    Node,
    Strategy,
    Term,
    walk,
)
from cen_search.strategies.checks import CheckFn, Emitter, headings, line_name, shape, terms
from cen_search.strategies.fields import mesh_qualifiers, proximity_rules, spelling_variants

_CONTROLLED_CODES = {
    "pt",
    "sh",
    "jn",
    "la",
    "lg",
    "dt",
    "em",
    "ed",
    "yr",
    "dp",
    "cm",
    "fs",
    "mh",
    "majr",
    "sb",
    "edat",
    "crdt",
    "pdat",
    "ta",
    "su",
    "de",
    "mm",
    "publication type",
    "mesh terms",
    "language",
    "pd",
    "stype",
    "dtype",
    "rtype",
}
_DEFAULT_FIELDS = {
    "ovid": "Ovid's default (.mp.) fields",
    "pubmed": "PubMed's automatic term mapping",
    "ebsco": "EBSCOhost's default fields",
    "proquest": "ProQuest's default fields (may include full text)",
}


def _platform(emit: Emitter, line: Line) -> str:
    sections = emit.strategy.sections
    return (
        sections[line.section].platform
        if line.section < len(sections)
        else emit.strategy.platform or ""
    )


def issue_rules(emit: Emitter) -> None:
    """Parser observations that belong to elements 2-4."""
    mapping = {
        "mixed_operators": "CS-B01",
        "foreign_operator": "CS-B04",
        "implicit_operator": "CS-B05",
        "proximity_misuse": "CS-B03",
        "heading_misuse": "CS-H05",
        "bad_truncation": "CS-T02",
    }
    for line in emit.strategy.lines:
        for issue in line.issues:
            code = mapping.get(issue.kind)
            if code is not None:
                emit.issue(code, line, issue)
            elif issue.kind == "lowercase_operator" and not _only_refs(line.node):
                emit.issue("CS-B04", line, issue, severity="warning")


def _only_refs(node: Node) -> bool:
    return all(isinstance(n, (Bool, LineRef)) for n in walk(node))


# -- NOT ------------------------------------------------------------------------------------


def _label(node: Node, strategy: Strategy, section: int, depth: int = 0) -> str:
    if isinstance(node, Heading):
        return node.label.lower()
    if isinstance(node, Term):
        return node.text.lower()
    if isinstance(node, FieldScope):
        return _label(node.child, strategy, section, depth)
    if isinstance(node, LineRef) and depth < 3:
        target = strategy.line(node.target, section=section)
        return _label(target.node, strategy, section, depth + 1) if target else ""
    return ""


def _is_exclusion_idiom(node: Bool, strategy: Strategy, section: int, depth: int = 0) -> bool:
    """``exp animals/ not humans/`` and ``X not (X and Y)`` (also through line references)."""
    left, right = node.children[0], node.children[1]
    if _label(left, strategy, section) in ("animals", "animal") and _label(
        right, strategy, section
    ) in ("humans", "human"):
        return True
    if (
        isinstance(right, Bool)
        and right.op == "AND"
        and any(shape(child) == shape(left) for child in right.children)
    ):
        return True
    if isinstance(right, LineRef) and depth < 3:
        target = strategy.line(right.target, section=section)
        if target is not None and isinstance(target.node, Bool) and target.node.op == "NOT":
            return _is_exclusion_idiom(target.node, strategy, section, depth + 1)
    return False


def not_operators(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        for node in walk(line.node):
            if isinstance(node, Bool) and node.op == "NOT" and len(node.children) == 2:
                if _is_exclusion_idiom(node, emit.strategy, line.section):
                    continue
                emit.at(
                    "CS-B02",
                    line,
                    node.span,
                    "NOT excludes every record matching its right side, relevant ones too",
                )


# -- proximity ------------------------------------------------------------------------------


def proximity(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        for node in walk(line.node):
            if not isinstance(node, Near):
                continue
            for child in node.children:
                bad = next((n for n in walk(child) if isinstance(n, (Heading, LineRef))), None)
                if bad is not None:
                    kind = "a subject heading" if isinstance(bad, Heading) else "a line number"
                    emit.at(
                        "CS-B03",
                        line,
                        bad.span,
                        f"{node.operator} is applied to {kind}: proximity works on words",
                    )
                    break
            limits = [
                r.max_distance
                for r in proximity_rules()
                if r.platform == _platform(emit, line) and r.max_distance
            ]
            if node.distance is not None and limits and node.distance > max(limits):
                emit.at(
                    "CS-B03",
                    line,
                    node.span,
                    f"{node.operator}: the distance is over the platform maximum ({max(limits)})",
                )
            if _platform(emit, line) == "pubmed" and any(
                isinstance(c, Term) and c.wildcards for c in node.children
            ):
                emit.at(
                    "CS-B03",
                    line,
                    node.span,
                    "a wildcard inside a PubMed proximity phrase may switch proximity off [verify]",
                    severity="warning",
                )


# -- subject headings -----------------------------------------------------------------------


def subheadings(emit: Emitter) -> None:
    qualifiers = mesh_qualifiers()
    names = set(qualifiers.values())
    for line in emit.strategy.lines:
        for heading in headings(line.node):
            if heading.vocabulary not in ("mesh", "unknown"):
                continue
            if heading.floating and heading.label.lower() not in names | set(qualifiers):
                emit.at("CS-H03", line, heading.span, f"{heading.label!r} is not a MeSH subheading")
            for sub in heading.subheadings:
                if sub not in qualifiers and sub not in names:
                    emit.at(
                        "CS-H03",
                        line,
                        heading.span,
                        f"/{sub} is not a MeSH subheading abbreviation",
                    )


def mixed_headings_and_text(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        has_heading = any(not h.floating for h in headings(line.node))
        text = next((t for t, scope in terms(line.node) if not scope or "sh" not in scope), None)
        if has_heading and text is not None:
            emit.at(
                "CS-H04",
                line,
                text.span,
                "subject headings and free text are combined on this line",
            )


# -- text words -----------------------------------------------------------------------------


def truncation(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        minimum = 4 if _platform(emit, line) == "pubmed" else 3
        for term, _ in terms(line.node):
            for wildcard in term.wildcards:
                if wildcard.kind not in ("truncation", "limited_truncation"):
                    continue
                start = term.text.rfind(" ", 0, wildcard.pos) + 1
                stem = re.sub(r"[^\w]", "", term.text[start : wildcard.pos])
                if wildcard.pos == start:
                    emit.at(
                        "CS-T01",
                        line,
                        term.span,
                        f"{term.text!r}: truncation at the start of a word is not supported",
                    )
                elif len(stem) < minimum:
                    emit.at(
                        "CS-T01",
                        line,
                        term.span,
                        f"{term.text!r}: stem {stem!r} is shorter than {minimum} characters "
                        "and will match many unrelated words",
                    )


@cache
def _pattern(word: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "$" and i + 1 < len(word) and word[i + 1].isdigit():
            j = i + 1
            while j < len(word) and word[j].isdigit():
                j += 1
            out.append(rf"\w{{0,{word[i + 1 : j]}}}")
            i = j
            continue
        out.append({"*": r"\w*", "$": r"\w*", "?": r"\w?", "#": r"\w"}.get(ch, re.escape(ch)))
        i += 1
    return re.compile("".join(out), re.I)


def duplicates(emit: Emitter) -> None:
    seen_lines: dict[tuple[int, str], Line] = {}
    for line in emit.strategy.lines:
        for node in walk(line.node):
            if not isinstance(node, Bool) or node.op != "OR":
                continue
            counts: Counter[str] = Counter()
            for child in node.children:
                if isinstance(child, Term):
                    counts[child.text.lower()] += 1
                    if counts[child.text.lower()] == 2:
                        emit.at(
                            "CS-T03",
                            line,
                            child.span,
                            f"{child.text!r} is listed twice in the same OR group",
                        )
        _redundant(emit, line)
        if _only_refs(line.node) and not isinstance(line.node, LineRef):
            continue
        key2 = (line.section, shape(line.node))
        if key2 in seen_lines:
            first = seen_lines[key2]
            emit.at(
                "CS-T03",
                line,
                line.query_span,
                f"set {line_name(line)} repeats set {line_name(first)}",
            )
        else:
            seen_lines[key2] = line


def _redundant(emit: Emitter, line: Line) -> None:
    """``nurse or nurse*``: a plain word already found by a truncated sibling."""
    for node in walk(line.node):
        if not isinstance(node, Bool) or node.op != "OR":
            continue
        words = [c for c in node.children if isinstance(c, Term)]
        truncated = [c for c in words if c.wildcards]
        for plain in words:
            if plain.wildcards:
                continue
            cover = next((t for t in truncated if _pattern(t.text).fullmatch(plain.text)), None)
            if cover is not None:
                emit.at(
                    "CS-T03",
                    line,
                    plain.span,
                    f"{plain.text!r} is already found by {cover.text!r}",
                    severity="info",
                )


def _covers(word: str, stem: str) -> bool:
    """Whether ``word`` (with its wildcards) finds words starting with ``stem``."""
    return word.startswith(stem) or bool(_pattern(word).match(stem))


def spelling(emit: Emitter) -> None:
    words: list[tuple[str, Term, Line]] = []
    for line in emit.strategy.lines:
        for term, scope in terms(line.node):
            if scope and not {c.lower() for c in scope} - _CONTROLLED_CODES:
                continue  # publication types, headings, dates: controlled values
            words.extend((w.lower(), term, line) for w in term.words)
    unique = {w for w, _, _ in words}
    for us, uk in spelling_variants():
        for first, second in ((us, uk), (uk, us)):
            # A word can only find `second` if it starts with its letter or a wildcard.
            candidates = [w for w in unique if w[:1] in (second[:1], "*", "?", "#", "$")]
            if not any(w.startswith(first) for w in unique) or any(
                _covers(w, second) for w in candidates
            ):
                continue
            for word, term, line in words:
                if word.startswith(first) and not _covers(word, second):
                    emit.at(
                        "CS-T04",
                        line,
                        term.span,
                        f"{term.text!r} has the spelling {first!r} but no term covers {second!r}",
                    )
                    break


def unfielded(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        bare = next((t for t, scope in terms(line.node) if scope is None), None)
        if bare is not None:
            where = _DEFAULT_FIELDS.get(_platform(emit, line), "the platform's default fields")
            emit.at("CS-T05", line, bare.span, f"{bare.text!r} has no field code: {where} apply")


CHECKS: tuple[CheckFn, ...] = (
    issue_rules,
    not_operators,
    proximity,
    subheadings,
    mixed_headings_and_text,
    truncation,
    duplicates,
    spelling,
    unfielded,
)

__all__ = ["CHECKS"]
