"""PRESS element 5 (spelling, syntax and line numbers): parentheses, quotes, field codes,
unparsed text, word-processor characters, line references, numbering and ranges."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise

from cen_search.strategies.ast import (
    Bool,
    Line,
    LineRef,
    ParseIssue,
    Severity,
    Unparsed,
    line_refs,
)
from cen_search.strategies.checks import CheckFn, Emitter, line_name
from cen_search.wording import plural

_ISSUE_RULES: dict[str, tuple[str, Severity | None]] = {
    "unbalanced_paren": ("CS-P01", None),
    "unbalanced_bracket": ("CS-P01", None),
    "unbalanced_quote": ("CS-P02", None),
    "escaped_quote": ("CS-P02", "warning"),
    "field_code_no_closing_period": ("CS-P03", None),
    "field_code_spaces": ("CS-P03", "warning"),
    "unknown_field_code": ("CS-P03", None),
    "field_code_other_database": ("CS-P03", "warning"),
    "unparsed": ("CS-P04", None),
    "bad_range": ("CS-L05", "error"),
    "reversed_range": ("CS-L05", "error"),
}


def no_lines(emit: Emitter) -> None:
    """A strategy file with nothing to search: an empty paste."""
    if not emit.strategy.lines:
        emit.at("CS-P05", None, None, "the strategy has no search lines", file_line=1)


def parse_issues(emit: Emitter) -> None:
    """Issues the parser tolerated that are syntax errors or warnings."""
    for line in emit.strategy.lines:
        for issue in line.issues:
            rule = _ISSUE_RULES.get(issue.kind)
            if rule is not None:
                code, severity = rule
                emit.issue(code, line, issue, severity=severity)
        if isinstance(line.node, Unparsed) and not any(i.kind == "unparsed" for i in line.issues):
            emit.at("CS-P04", line, line.node.span, line.node.reason)
        if isinstance(line.node, Unparsed) and not any(
            i.kind == "unbalanced_paren" for i in line.issues
        ):
            opened, closed = line.query.count("("), line.query.count(")")
            if opened != closed:
                emit.at(
                    "CS-P01", line, line.query_span, f"{opened} '(' but {closed} ')' on this line"
                )


def word_processor_characters(emit: Emitter) -> None:
    """Curly quotes, Unicode dashes and odd spaces: one finding per line and kind."""
    labels = {
        "smart_quote": "curly quote",
        "unicode_dash": "Unicode dash",
        "unicode_space": "non-standard space",
    }
    for line in emit.strategy.lines:
        by_kind: dict[str, list[ParseIssue]] = defaultdict(list)
        for issue in line.issues:
            if issue.kind in labels:
                by_kind[issue.kind].append(issue)
        for issues in by_kind.values():
            first = issues[0]
            more = f" ({len(issues)} on this line)" if len(issues) > 1 else ""
            emit.at("CS-U01", line, first.span, f"{first.message}{more}")


def _section_index(emit: Emitter) -> dict[int, dict[str, Line]]:
    out: dict[int, dict[str, Line]] = defaultdict(dict)
    for line in emit.strategy.lines:
        out[line.section].setdefault(line.key, line)
    return out


def line_references(emit: Emitter) -> None:
    """References to missing, same or later lines; lines never used; the final line."""
    index = _section_index(emit)
    used: dict[int, set[str]] = defaultdict(set)
    order = {(line.section, line.key): pos for pos, line in enumerate(emit.strategy.lines)}
    for line in emit.strategy.lines:
        seen: set[str] = set()
        for ref in line_refs(line.node):
            if not ref.target:
                continue
            used[line.section].add(ref.target)
            if ref.target in seen:
                continue
            seen.add(ref.target)
            target = index[line.section].get(ref.target)
            shown = ref.written or ref.target
            if target is None:
                emit.at(
                    "CS-L01",
                    line,
                    ref.span,
                    f"set {line_name(line)} refers to {shown!r}, which is not in this strategy",
                )
            elif target is line:
                emit.at("CS-L02", line, ref.span, f"set {line_name(line)} refers to itself")
            elif order[(target.section, target.key)] > order[(line.section, line.key)]:
                emit.at(
                    "CS-L02",
                    line,
                    ref.span,
                    f"set {line_name(line)} refers to a later set ({shown})",
                )
    for section in {line.section for line in emit.strategy.lines}:
        lines = emit.strategy.section_lines(section)
        final = emit.strategy.final_line(section)
        for line in lines:
            if line is not final and line.key not in used[section]:
                emit.at(
                    "CS-L03",
                    line,
                    line.query_span,
                    f"set {line_name(line)} is never combined into a later set",
                )
    if emit.strategy.meta.final_line and emit.strategy.line(emit.strategy.meta.final_line) is None:
        emit.at(
            "CS-L06",
            None,
            None,
            f"final_line: {emit.strategy.meta.final_line} is not a set of this strategy",
            file_line=1,
        )


def numbering(emit: Emitter) -> None:
    """Duplicate numbers, gaps, newest-first order, unnumbered pastes."""
    for issue in emit.strategy.issues:
        if issue.kind in ("reverse_order", "unnumbered_lines"):
            emit.at("CS-L04", None, None, issue.message, severity="info", file_line=issue.file_line)
    for section in {line.section for line in emit.strategy.lines}:
        sections = emit.strategy.sections
        if section < len(sections) and sections[section].layout == "labelled_blocks":
            continue
        lines = [x for x in emit.strategy.section_lines(section) if x.numbered]
        counts = Counter(x.key for x in lines)
        for line in lines:
            if counts[line.key] > 1:
                emit.at(
                    "CS-L04",
                    line,
                    (0, len(line.raw) - len(line.raw.lstrip()) + 1),
                    f"set number {line.label} is used {counts[line.key]} times",
                    severity="error",
                )
                counts[line.key] = 0
        numbers = sorted({x.n for x in lines if x.key.isdigit()})
        for previous, current in pairwise(numbers):
            if current - previous > 1:
                line = next(x for x in lines if x.n == current)
                missing = (
                    f"set {previous + 1} is"
                    if current - previous == 2
                    else f"sets {previous + 1}-{current - 1} are"
                )
                emit.at("CS-L04", line, None, f"{missing} missing before set {line.label}")


def ranges(emit: Emitter) -> None:
    """``or/a-b`` ranges that re-include combination lines (double counting)."""
    for line in emit.strategy.lines:
        node = line.node
        if not isinstance(node, Bool) or node.form == "infix":
            continue
        combos = []
        for ref in node.children:
            target = (
                emit.strategy.line(ref.target, section=line.section)
                if isinstance(ref, LineRef)
                else None
            )
            if (
                target is not None
                and isinstance(target.node, Bool)
                and all(isinstance(c, LineRef) for c in target.node.children)
            ):
                combos.append(target.label or target.key)
        if combos:
            emit.at(
                "CS-L05",
                line,
                node.span,
                f"{node.operator} range includes combination {plural(len(combos), 'set')} "
                f"{', '.join(combos)}: the sets {'it' if len(combos) == 1 else 'they'} "
                "combine are counted twice",
                severity="info",
            )


CHECKS: tuple[CheckFn, ...] = (
    no_lines,
    parse_issues,
    word_processor_characters,
    line_references,
    numbering,
    ranges,
)

__all__ = ["CHECKS"]
