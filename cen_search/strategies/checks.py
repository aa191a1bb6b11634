"""PRESS-based review of a parsed strategy: rules, findings and the runner.

Each rule has a code (``CS-P01``), a default severity, the PRESS 2015 element it belongs to
and a fix hint; the rules themselves live in :mod:`.checks_syntax` (element 5: spelling,
syntax and line numbers), :mod:`.checks_terms` (elements 2-4: operators, headings, text words)
and :mod:`.checks_limits` (element 6: limits and filters; recorded hit counts; reporting).
Findings point at ``file:line:column`` of the pasted text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cen_search.strategies.ast import (
    FieldScope,
    Heading,
    Line,
    Node,
    ParseIssue,
    Severity,
    Span,
    Strategy,
    Term,
    children,
    to_dict,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One check: code, default severity, PRESS element, title and fix hint."""

    code: str
    severity: Severity
    element: str
    title: str
    hint: str


_SEVERITIES: dict[str, Severity] = {"error": "error", "warning": "warning", "info": "info"}


def _rules() -> dict[str, Rule]:
    """The rule table (``tables/checks.csv``: code, severity, element, title, hint)."""
    from cen_search.strategies.fields import read_table

    return {
        row["code"]: Rule(
            row["code"], _SEVERITIES[row["severity"]], row["element"], row["title"], row["hint"]
        )
        for row in read_table("checks.csv")
    }


RULES: dict[str, Rule] = _rules()
"""Every check code with its default severity and fix hint."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One message of ``strategy check``."""

    code: str
    severity: Severity
    message: str
    hint: str
    path: str
    file_line: int
    """1-based line in the file (0 = the file as a whole)."""
    column: int
    """1-based column (0 = the whole line)."""
    end_column: int = 0
    line_key: str = ""
    """The strategy line's key (``12``, ``S3`` -> ``3``)."""
    section: int = 0

    @property
    def location(self) -> str:
        where = self.path or "<text>"
        if self.file_line:
            where += f":{self.file_line}"
            if self.column:
                where += f":{self.column}"
        return where


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The review's date window (``date_from``/``date_to`` of ``cen-search.toml``)."""

    date_from: str = ""
    date_to: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """All findings for one strategy."""

    path: str
    findings: tuple[Finding, ...]
    lines: int
    parsed: bool = True
    """False for a strategy kept verbatim without a parser (its lines were not checked)."""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def status(self) -> str:
        """``not parsed`` (no parser for the platform: nothing was checked), else ``errors``,
        ``warnings`` or ``ok`` (info findings do not count)."""
        if not self.parsed:
            return "not parsed"
        return "errors" if self.errors else "warnings" if self.warnings else "ok"

    def failed(self, *, strict: bool = False) -> bool:
        """True when the strategy should fail CI: any error, or any warning with strict."""
        return bool(self.errors or (strict and self.warnings))


class Emitter:
    """Collects findings for one strategy (helpers shared by the rule modules)."""

    def __init__(self, strategy: Strategy, window: DateWindow | None) -> None:
        self.strategy = strategy
        self.window = window
        self.findings: list[Finding] = []

    def at(
        self,
        code: str,
        line: Line | None,
        span: Span | None,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
        file_line: int = 0,
    ) -> None:
        rule = RULES[code]
        column = span[0] + 1 if span is not None and line is not None else 0
        end = span[1] + 1 if span is not None and line is not None else 0
        self.findings.append(
            Finding(
                code=code,
                severity=severity or rule.severity,
                message=message,
                hint=hint or rule.hint,
                path=self.strategy.path,
                file_line=line.file_line if line is not None else file_line,
                column=column,
                end_column=end,
                line_key=line.key if line is not None else "",
                section=line.section if line is not None else 0,
            )
        )

    def issue(
        self, code: str, line: Line, issue: ParseIssue, *, severity: Severity | None = None
    ) -> None:
        self.at(code, line, issue.span, issue.message, severity=severity)


CheckFn = Callable[[Emitter], None]


def line_name(line: Line) -> str:
    """How messages name a line: its label as written without punctuation, else its key."""
    return line.label.rstrip(".):") or line.key


def walk_scoped(
    node: Node, scope: frozenset[str] | None = None
) -> Iterator[tuple[Node, frozenset[str] | None]]:
    """Every node with the field codes in force around it (``None`` = platform default)."""
    yield node, scope
    if isinstance(node, FieldScope):
        yield from walk_scoped(node.child, frozenset(node.codes))
        return
    for child in children(node):
        yield from walk_scoped(child, scope)


def terms(node: Node) -> Iterator[tuple[Term, frozenset[str] | None]]:
    """Free-text terms of a tree with their field scope."""
    for n, scope in walk_scoped(node):
        if isinstance(n, Term):
            yield n, scope


def headings(node: Node) -> Iterator[Heading]:
    for n, _ in walk_scoped(node):
        if isinstance(n, Heading):
            yield n


_NOISE = {"span", "raw", "code_span", "written", "raw_clause", "rule", "verified"}


def shape(node: Node) -> str:
    """A position-free fingerprint of a tree (to compare two subtrees)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _NOISE}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value.lower() if isinstance(value, str) else value

    return json.dumps(strip(to_dict(node)), sort_keys=True)


def _all_checks() -> tuple[CheckFn, ...]:
    from cen_search.strategies import checks_limits, checks_syntax, checks_terms

    return (*checks_syntax.CHECKS, *checks_terms.CHECKS, *checks_limits.CHECKS)


def check_strategy(
    strategy: Strategy, *, window: DateWindow | None = None, disabled: Iterable[str] = ()
) -> CheckReport:
    """Run every rule on ``strategy``; ``window`` is the review's date window if known."""
    emit = Emitter(strategy, window)
    if strategy.parsed:
        for check in _all_checks():
            check(emit)
    else:
        from cen_search.strategies.checks_limits import reporting

        emit.at(
            "CS-R02",
            None,
            None,
            f"not parsed: {strategy.not_parsed}; the strategy is kept verbatim and reported, "
            "but its lines are not checked",
            file_line=1,
        )
        reporting(emit)
    skip = set(disabled)
    found = [f for f in emit.findings if f.code not in skip]
    found.sort(key=lambda f: (f.file_line, f.column, f.code))
    return CheckReport(
        path=strategy.path,
        findings=tuple(found),
        lines=len(strategy.lines),
        parsed=strategy.parsed,
    )


def find_date_window(start: str | Path) -> DateWindow | None:
    """The review's ``date_from``/``date_to`` for a strategy at ``start``: from the review
    that contains it (``cen-search.toml`` at or above, with ``CEN_SEARCH_*`` overrides as
    resolved by :mod:`cen_search.config`); ``None`` outside a review or when unset."""
    from cen_search.errors import WorkspaceError
    from cen_search.workspace import Workspace

    try:
        workspace = Workspace.find(start)
    except WorkspaceError:
        return None
    settings = workspace.settings
    date_from, date_to = settings.date_from, settings.date_to
    source = settings.setting("date_from" if date_from else "date_to").describe_source()
    if not date_from and not date_to:
        return None
    return DateWindow(date_from, date_to, source)


__all__ = [
    "RULES",
    "CheckReport",
    "DateWindow",
    "Emitter",
    "Finding",
    "Rule",
    "check_strategy",
    "find_date_window",
    "headings",
    "line_name",
    "shape",
    "terms",
    "walk_scoped",
]
