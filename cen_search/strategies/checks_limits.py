"""PRESS element 6 (limits and filters), recorded hit counts, and reporting metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cen_search.strategies.ast import (
    Bool,
    Command,
    DateRange,
    Languages,
    Limit,
    Line,
    LineRef,
    NamedFilter,
    Node,
    PublicationTypes,
    Restriction,
    Strategy,
    UnknownRestriction,
    walk,
)
from cen_search.strategies.checks import CheckFn, Emitter, line_name
from cen_search.strategies.limits import date_range_of
from cen_search.wording import count

_PUBLICATION = ("publication_year", "publication_date")


def _year(value: str | None) -> int | None:
    match = re.match(r"\s*(\d{4})", value or "")
    return int(match.group(1)) if match else None


def date_ranges(emit: Emitter, section: int | None = 0) -> Iterator[tuple[Line, DateRange]]:
    """Publication-date restrictions of a section (limit lines and date-fielded terms)."""
    for line in emit.strategy.lines:
        if section is not None and line.section != section:
            continue
        for node in walk(line.node):
            if isinstance(node, Limit):
                for r in node.restrictions:
                    if isinstance(r, DateRange) and r.kind in _PUBLICATION:
                        yield line, r
            found = date_range_of(node)
            if found is not None and found.kind in _PUBLICATION:
                yield line, found


def _describe(r: DateRange) -> str:
    end = "open" if r.open_end or r.end is None else r.end
    return f"{r.start or 'open'} to {end}"


def malformed_limits(emit: Emitter) -> None:
    for line in emit.strategy.lines:
        reported = False
        for issue in line.issues:
            if issue.kind == "limit_clause":
                emit.issue("CS-M01", line, issue)
                reported = True
        for node in walk(line.node):
            if not isinstance(node, Limit):
                continue
            for r in node.restrictions:
                if isinstance(r, UnknownRestriction) and not reported:
                    emit.at("CS-M01", line, r.span, f"limit {r.raw!r} is not understood")
                if isinstance(r, DateRange) and r.start and r.end and r.start > r.end:
                    emit.at(
                        "CS-M01",
                        line,
                        r.span,
                        f"date range {r.raw!r} runs backwards",
                        severity="error",
                    )


def header_agreement(emit: Emitter) -> None:
    meta = emit.strategy.meta
    if not meta.has_header:
        return
    ranges = list(date_ranges(emit))
    header_line = 1
    if meta.date_from or meta.date_to:
        if not ranges:
            emit.at(
                "CS-M02",
                None,
                None,
                f"the header declares dates {meta.date_from or 'open'} to "
                f"{meta.date_to or 'open'} but no line applies a date limit",
                file_line=header_line,
            )
        for line, r in ranges:
            problems = []
            if _year(meta.date_from) is not None and _year(r.start) != _year(meta.date_from):
                problems.append(f"starts {r.start}, header date_from is {meta.date_from}")
            if meta.date_to and (r.open_end or _year(r.end) != _year(meta.date_to)):
                problems.append(
                    f"ends {'open' if r.open_end else r.end}, header date_to is {meta.date_to}"
                )
            if not meta.date_to and not r.open_end and r.end:
                problems.append(f"ends {r.end}, header date_to is empty")
            if problems:
                emit.at("CS-M02", line, r.span, f"date limit {r.raw!r} " + "; ".join(problems))
    elif ranges:
        line, r = ranges[0]
        emit.at(
            "CS-M02",
            line,
            r.span,
            f"date limit {_describe(r)} is not declared in the header (date_from/date_to)",
            severity="info",
        )
    if meta.languages:
        langs = [
            (line, r)
            for line in emit.strategy.lines
            for n in walk(line.node)
            if isinstance(n, Limit)
            for r in n.restrictions
            if isinstance(r, Languages)
        ]
        if not langs:
            emit.at(
                "CS-M02",
                None,
                None,
                f"the header declares languages "
                f"{', '.join(meta.languages)} but no line applies a language limit",
                file_line=header_line,
            )
        for line, lang in langs:
            if set(lang.values) != set(meta.languages):
                emit.at(
                    "CS-M02",
                    line,
                    lang.span,
                    f"languages {', '.join(lang.values)} differ from "
                    f"the header's {', '.join(meta.languages)}",
                )


def _is_search_filter(r: Restriction) -> bool:
    return isinstance(r, NamedFilter) and (
        r.raw.startswith('"') or (bool(r.vendor) and r.vendor != "Ovid segment")
    )


def filters_cited(emit: Emitter) -> None:
    declared = [f.name.lower() for f in emit.strategy.meta.filters]
    for line in emit.strategy.lines:
        for node in walk(line.node):
            if not isinstance(node, Limit):
                continue
            for r in node.restrictions:
                if _is_search_filter(r):
                    name = r.name.lower()  # type: ignore[union-attr]
                    if not any(name in d or d in name for d in declared if d):
                        emit.at(
                            "CS-M03",
                            line,
                            r.span,
                            f"search filter {r.name!r} is not listed with its source under "  # type: ignore[union-attr]
                            "'filters:' in the header",
                        )


def _limits(line: Line) -> Limit | None:
    return line.node if isinstance(line.node, Limit) else None


def limit_position(emit: Emitter) -> None:
    users: dict[tuple[int, str], list[Line]] = {}
    for line in emit.strategy.lines:
        if isinstance(line.node, (Bool,)):
            for ref in (n for n in walk(line.node) if isinstance(n, LineRef)):
                users.setdefault((line.section, ref.target), []).append(line)
    for line in emit.strategy.lines:
        limit = _limits(line)
        if limit is None or not any(
            isinstance(r, (DateRange, Languages, PublicationTypes)) for r in limit.restrictions
        ):
            continue
        later = users.get((line.section, line.key), [])
        if later:
            emit.at(
                "CS-M04",
                line,
                limit.span,
                f"this limit is combined again in set {line_name(later[0])}: "
                "limits usually go on the final set",
            )


def _signature(r: Restriction) -> tuple[str, ...]:
    if isinstance(r, DateRange):
        return ("date", r.kind, r.start or "", r.end or "", str(r.open_end))
    if isinstance(r, Languages):
        return ("language", *sorted(r.values))
    if isinstance(r, PublicationTypes):
        return ("type", *sorted(r.values))
    if isinstance(r, NamedFilter):
        return ("filter", r.name.lower())
    return ("unknown", r.raw.lower())


def limits_agree(emit: Emitter) -> None:
    keys = {(line.section, line.key) for line in emit.strategy.lines if _limits(line)}
    roots: dict[int, list[tuple[Line, Limit, frozenset[tuple[str, ...]]]]] = {}
    for line in emit.strategy.lines:
        limit = _limits(line)
        if limit is None or (
            isinstance(limit.target, LineRef) and (line.section, limit.target.target) in keys
        ):
            continue
        signature = frozenset(_signature(r) for r in limit.restrictions)
        roots.setdefault(line.section, []).append((line, limit, signature))
    for items in roots.values():
        for k, (line, limit, sig) in enumerate(items):
            for other, other_limit, other_sig in items[:k]:
                if sig != other_sig and {s[0] for s in sig} & {s[0] for s in other_sig}:
                    emit.at(
                        "CS-M06",
                        line,
                        limit.span,
                        f"limits differ from those of set {line_name(other)} "
                        f"({other_limit.raw_clause!r})",
                    )
                    break


def workspace_window(emit: Emitter) -> None:
    window = emit.window
    if window is None:
        return
    for section in {line.section for line in emit.strategy.lines} or {0}:
        ranges = list(date_ranges(emit, section))
        if not ranges:
            emit.at(
                "CS-M05",
                None,
                None,
                f"the review's window is {window.date_from or 'open'} to "
                f"{window.date_to or 'open'} ({window.source}) but this strategy applies no "
                "date limit",
                severity="info",
                file_line=1,
            )
            continue
        for line, r in ranges:
            problems = []
            if _year(window.date_from) and _year(r.start) != _year(window.date_from):
                problems.append(f"starts {r.start}, the review's window starts {window.date_from}")
            if window.date_to and (
                r.open_end or (_year(r.end) or 0) > (_year(window.date_to) or 0)
            ):
                problems.append(
                    f"ends {'open' if r.open_end else r.end}, the review's window "
                    f"ends {window.date_to}"
                )
            if problems:
                emit.at("CS-M05", line, r.span, f"date limit {r.raw!r} " + "; ".join(problems))


def _recorded(strategy: Strategy, ref: Node, section: int) -> tuple[str, int] | None:
    """``(name, hits)`` of a referenced line that has recorded hits."""
    if not isinstance(ref, LineRef):
        return None
    target = strategy.line(ref.target, section=section)
    if target is None or target.recorded_hits is None:
        return None
    return ref.written or ref.target, target.recorded_hits


def hit_counts(emit: Emitter) -> None:
    strategy = emit.strategy
    for line in strategy.lines:
        h = line.recorded_hits
        if h is None:
            continue
        if h == 0:
            emit.at("CS-N02", line, line.hits_span, f"set {line_name(line)} found no records")
        node = line.node
        span = line.hits_span or line.query_span
        message = ""
        if isinstance(node, Bool):
            parts = [_recorded(strategy, c, line.section) for c in node.children]
            known = [p for p in parts if p is not None]
            if node.op == "OR":
                below = next(((name, n) for name, n in known if h < n), None)
                if below:
                    message = (
                        f"OR set has {count(h, 'hit')}, fewer than set {below[0]} ({below[1]})"
                    )
            elif node.op == "AND":
                above = next(((name, n) for name, n in known if h > n), None)
                if above:
                    message = (
                        f"AND set has {count(h, 'hit')}, more than set {above[0]} ({above[1]})"
                    )
            elif node.op == "NOT" and parts and parts[0] is not None and h > parts[0][1]:
                message = f"NOT set has {count(h, 'hit')}, more than its left side ({parts[0][1]})"
        elif isinstance(node, (Limit, Command)) and node.target is not None:
            target = _recorded(strategy, node.target, line.section)
            if target is not None and h > target[1]:
                what = "limit" if isinstance(node, Limit) else "remove duplicates"
                message = f"{what} set has {count(h, 'hit')}, more than its target ({target[1]})"
        if message:
            emit.at("CS-N01", line, span, message)


def reporting(emit: Emitter) -> None:
    meta = emit.strategy.meta
    if not meta.has_header:
        emit.at(
            "CS-R01",
            None,
            None,
            "no metadata header: database, platform and date "
            "searched are not recorded (create files with 'cen-search strategy new')",
            file_line=1,
        )
        return
    missing = [
        k
        for k, v in (
            ("database", meta.database),
            ("platform", meta.platform),
            ("searched_on", meta.searched_on),
        )
        if not v
    ]
    if missing:
        emit.at("CS-R01", None, None, f"header has no {', '.join(missing)}", file_line=1)
    if meta.searched_on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.searched_on):
        emit.at(
            "CS-R01",
            None,
            None,
            f"searched_on {meta.searched_on!r} is not a date written YYYY-MM-DD",
            severity="warning",
            file_line=1,
        )


CHECKS: tuple[CheckFn, ...] = (
    malformed_limits,
    header_agreement,
    filters_cited,
    limit_position,
    limits_agree,
    workspace_window,
    hit_counts,
    reporting,
)

__all__ = ["CHECKS", "date_ranges"]
