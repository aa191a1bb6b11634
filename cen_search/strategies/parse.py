"""From a strategy file to a :class:`~cen_search.strategies.ast.Strategy`: find the lines
(:mod:`.layout`), choose each section's dialect, and parse every query with that platform's
parser. Parsing never fails on a query: what cannot be read becomes ``Unparsed``.

A file whose header names a platform without a parser (``platform: Web of Science``, or
``syntax: none``) is not parsed at all: reading Scopus or Web of Science syntax with the Ovid
parser would invent meanings, so such a strategy keeps only its verbatim body
(:attr:`Strategy.not_parsed` says why).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cen_search.errors import StrategyError
from cen_search.strategies import parse_ebsco, parse_ovid, parse_proquest, parse_pubmed
from cen_search.strategies.ast import (
    Limit,
    Line,
    LineRef,
    Meta,
    Node,
    ParseIssue,
    Platform,
    Section,
    Strategy,
    Unparsed,
)
from cen_search.strategies.exprparser import DEFAULT_PRECEDENCE, Context, mixed_operator_issues
from cen_search.strategies.fields import database_key, platform_key, vocabulary_for
from cen_search.strategies.fileformat import StrategyFile
from cen_search.strategies.layout import LAYOUTS, RawLine, SectionDraft, split_body
from cen_search.strategies.lexer import normalise_view
from cen_search.strategies.limits import parse_clause

PLATFORMS: tuple[Platform, ...] = ("ovid", "ebsco", "proquest", "pubmed")
NOT_PARSED = "none"
"""``syntax: none`` in a header: keep the strategy verbatim, do not parse it."""

QueryParser = Callable[[str, str, int, int, Context], tuple[Node, list[ParseIssue]]]
PARSERS: dict[str, QueryParser] = {
    "ovid": parse_ovid.parse_query,
    "ebsco": parse_ebsco.parse_query,
    "proquest": parse_proquest.parse_query,
    "pubmed": parse_pubmed.parse_query,
}
"""Registry of query parsers by dialect."""

_BY_NAME: dict[str, Platform] = {p: p for p in PLATFORMS}
_DATABASE_PLATFORM: dict[str, Platform] = {
    "cinahl": "ebsco",
    "assia": "proquest",
    "pubmed": "pubmed",
    "medline": "ovid",
    "embase": "ovid",
    "psycinfo": "ovid",
    "hmic": "ovid",
    "spp": "ovid",
}
_SNIFF: dict[Platform, tuple[str, ...]] = {
    "ovid": (
        r"\.(ti|ab|tw|mp|sh|kf|kw|pt|fs|hw|ti,ab)[,.]",
        r"(^|\s)exp\s",
        r"/(\s|$)",
        r"\badj\d*\b",
        r"\w\$",
        r"^\s*(or|and)/\d",
        r"^\s*limit\s+\d+\s+to\b",
    ),
    "pubmed": (
        r"\[(tiab|ti|mh|mesh|majr|tw|pt|sh|la|dp|all|title/abstract|mesh terms)[^\]]*\]",
        r"#\d+\b",
    ),
    "ebsco": (r"\((MH|MM) \"", r"(^|[\s(])(TI|AB|SU|TX|MH|MM|KW) ", r"\b[NW]\d+\b", r"\bS\d+\b"),
    "proquest": (
        r"\b(TI|AB|NOFT|SU|MAINSUBJECT|IF)[A-Za-z.,]*\(",
        r"\b(NEAR|PRE)/\d",
        r"(?i)\bnoft\(",
    ),
}


def sniff_platform(texts: list[str]) -> Platform:
    """Guess the dialect from query texts (default Ovid)."""
    scores = {p: 0 for p in PLATFORMS}
    for text in texts:
        for platform, patterns in _SNIFF.items():
            scores[platform] += sum(
                1
                for p in patterns
                if re.search(p, text, re.I if platform in ("ovid", "pubmed") else 0)
            )
    best = max(PLATFORMS, key=lambda p: (scores[p], p == "ovid"))
    return best if scores[best] else "ovid"


def _as_platform(value: str) -> Platform | None:
    key = value.strip().lower()
    if key in PLATFORMS:
        return _BY_NAME[key]
    return _BY_NAME.get(platform_key(value))


def _section_platform(
    sec: SectionDraft,
    index: int,
    sfile: StrategyFile,
    forced: Platform | None,
    layout: str,
    texts: list[str],
) -> Platform:
    meta = sfile.meta
    if forced:
        return forced
    if index == 0 or not (sec.platform or sec.database):
        for value in (meta.syntax, meta.platform):
            if value and (p := _as_platform(value)):
                return p
    if sec.platform and (p := _as_platform(sec.platform)):
        return p
    if sec.database in _DATABASE_PLATFORM and sec.database != "medline":
        return _DATABASE_PLATFORM[sec.database]
    if layout == "ebsco_history":
        return "ebsco" if sniff_platform(texts) != "proquest" else "proquest"
    if layout == "pubmed_history":
        return "pubmed"
    return sniff_platform(texts)


def not_parsed_reason(meta: Meta, *, forced: Platform | None = None) -> str:
    """Why a strategy file is kept verbatim without parsing, or ``""`` to parse it.

    Not parsed: ``syntax: none``, a ``syntax:`` that names no parser, or (without
    ``syntax:``) a ``platform:`` that names none. A file without a header, or a header
    without a platform, is parsed: its dialect is detected from the text. ``forced``
    (``--platform``) always parses."""
    if forced is not None:
        return ""
    parsers = f"the parsers are {', '.join(PLATFORMS[:-1])} and {PLATFORMS[-1]}"
    syntax = meta.syntax.strip().lower()
    if syntax:
        if _as_platform(syntax) is not None:
            return ""
        if syntax == NOT_PARSED:
            return f"no parser for {meta.platform or 'this platform'} (syntax: none)"
        return f"no parser for the syntax {meta.syntax!r}; {parsers}"
    if meta.platform and _as_platform(meta.platform) is None:
        return f"no parser for the platform {meta.platform!r}; {parsers}"
    return ""


def parse_document(
    sfile: StrategyFile,
    *,
    platform: Platform | None = None,
    precedence: dict[str, int] | None = None,
    proximity_table: str | None = None,
) -> Strategy:
    """Parse a split strategy file. ``platform`` forces the dialect of every section;
    ``precedence`` and ``proximity_table`` override the [verify] defaults."""
    if platform is not None and platform not in PLATFORMS:
        raise StrategyError(
            f"unknown platform {platform!r}", hint=f"use one of: {', '.join(PLATFORMS)}"
        )
    reason = not_parsed_reason(sfile.meta, forced=platform)
    if reason:
        return Strategy(
            meta=sfile.meta,
            lines=(),
            platform=None,
            body=sfile.body,
            path=sfile.path,
            not_parsed=reason,
        )
    forced_layout = next((v for k, v in sfile.meta.extra if k == "layout"), None)
    if forced_layout is not None and forced_layout not in LAYOUTS:
        raise StrategyError(
            f"{sfile.path or '<text>'}: unknown layout {forced_layout!r}",
            hint=f"use one of: {', '.join(LAYOUTS)}, or remove 'layout:'",
        )
    layout = split_body(
        sfile.body, first_file_line=sfile.meta.header_lines + 1, layout=forced_layout
    )
    sections: list[Section] = []
    contexts: list[Context] = []
    for index, sec in enumerate(layout.sections):
        texts = [
            r.raw[r.query_span[0] : r.query_span[1]] for r in layout.lines if r.section == index
        ]
        plat = _section_platform(sec, index, sfile, platform, layout.layout, texts)
        database = sec.database
        if index == 0 and sfile.meta.database:
            database = database_key(sfile.meta.database) or database
        labels = (
            frozenset(r.key for r in layout.lines if r.section == index)
            if layout.layout == "labelled_blocks"
            else frozenset()
        )
        contexts.append(
            Context(
                platform=plat,
                database=database,
                vocabulary=vocabulary_for(database, plat),
                multiword_phrase=plat == "ovid",
                labels=labels,
                precedence=tuple((precedence or DEFAULT_PRECEDENCE).items()),
                proximity_table=proximity_table,
            )
        )
        sections.append(
            Section(
                index=index,
                platform=plat,
                title=sec.title,
                database=database,
                coverage=sec.coverage,
                file_line=sec.file_line,
                searched_on=sec.searched_on,
                layout=sec.layout,
            )
        )
    lines = [_parse_line(raw, contexts[raw.section], layout.lines) for raw in layout.lines]
    return Strategy(
        meta=sfile.meta,
        lines=tuple(lines),
        platform=sections[0].platform if sections else "ovid",
        body=sfile.body,
        sections=tuple(sections),
        path=sfile.path,
        preamble=tuple(layout.preamble),
        issues=tuple(layout.issues),
    )


def _parse_line(raw: RawLine, ctx: Context, all_lines: list[RawLine]) -> Line:
    view, issues = normalise_view(raw.raw)
    start, end = raw.query_span
    if raw.kind == "limits_note":
        prev = next(
            (
                r
                for r in reversed(all_lines[: all_lines.index(raw)])
                if r.section == raw.section and r.kind == "query"
            ),
            None,
        )
        restrictions, more = parse_clause(view, start, end)
        target = LineRef(prev.key if prev else "", (0, 0), "")
        node: Node = Limit(target, restrictions, raw.raw[start:end], (start, end))
    elif start >= end:
        node, more = (
            Unparsed("", (start, end), "the line has no query"),
            [ParseIssue("unparsed", (start, end), "the line has no query")],
        )
    else:
        node, more = PARSERS[ctx.platform](raw.raw, view, start, end, ctx)
        if raw.limiters_span is not None:
            node, extra = parse_ebsco.apply_limiters(node, raw.raw, view, raw.limiters_span)
            more = more + extra
    more = more + mixed_operator_issues(node)
    issues = [
        i for i in issues if start <= i.span[0] < max(end, start + 1) or raw.kind == "limits_note"
    ] + more
    issues.sort(key=lambda i: (i.span[0], i.kind))
    return Line(
        n=raw.n,
        key=raw.key,
        raw=raw.raw,
        file_line=raw.file_line,
        node=node,
        query_span=raw.query_span,
        label=raw.label,
        numbered=raw.numbered,
        recorded_hits=raw.hits,
        hits_span=raw.hits_span,
        options=raw.options,
        section=raw.section,
        issues=tuple(issues),
    )


__all__ = [
    "NOT_PARSED",
    "PARSERS",
    "PLATFORMS",
    "not_parsed_reason",
    "parse_document",
    "sniff_platform",
]
