"""Date limits of a saved strategy that would stop an update from finding anything new.

A strategy saved for the first search often limits publication years to that search's window
(Ovid ``limit 27 to yr="2003 - 2019"``, EBSCO ``Published Date: 20030101-20191231``). Run
again for an update as it was saved, it finds only records published by then: every study
published since, the whole point of the update, is left out, and nothing says so. An update
continues the searches forward (Cochrane Handbook 5.1 §3.4.2.1: re-execute the strategy
"forward from the 'Date of search' of the last update"), so a date limit whose upper bound ends
before the update's window ends is *opened* for the run: its lower bound is kept, its upper
bound removed (the window, on entry dates, bounds the search instead). The run record keeps
the query as sent, and the update log names every limit opened; ``[update] open_date_limits
= false`` runs strategies exactly as saved.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

from cen_search.strategies.nodes import DateRange, Limit

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy


def last_day(bound: str) -> _dt.date | None:
    """The last day a bound written as ``2019``, ``2019-12`` or ``2019-12-31`` covers."""
    parts = bound.strip().split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return _dt.date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            return _dt.date(year, month, calendar.monthrange(year, month)[1])
        return _dt.date(year, month, int(parts[2]))
    except (ValueError, IndexError):
        return None


def _closes(limit: DateRange, until: _dt.date) -> bool:
    if limit.open_end or not limit.end:
        return False
    end = last_day(limit.end)
    return end is not None and end < until


def _walk(value: Any, until: _dt.date, found: list[str], *, open_them: bool) -> Any:
    """``value`` with every closing date range inside a :class:`Limit` opened (when
    ``open_them``), collecting their raw clauses in ``found``."""
    if isinstance(value, tuple):
        items = [_walk(item, until, found, open_them=open_them) for item in value]
        return tuple(items)
    if not is_dataclass(value) or isinstance(value, type):
        return value
    if isinstance(value, Limit):
        restrictions = []
        for item in value.restrictions:
            if isinstance(item, DateRange) and _closes(item, until):
                found.append(item.raw or value.raw_clause)
                if open_them:
                    item = replace(item, end=None, open_end=True)
            restrictions.append(item)
        target = _walk(value.target, until, found, open_them=open_them)
        return replace(value, target=target, restrictions=tuple(restrictions))
    changes = {}
    for spec in fields(value):
        if spec.name == "span":
            continue
        child = getattr(value, spec.name)
        if isinstance(child, tuple) or (is_dataclass(child) and not isinstance(child, type)):
            new = _walk(child, until, found, open_them=open_them)
            if new is not child:
                changes[spec.name] = new
    return replace(value, **changes) if changes else value


def closed_limits(strategy: Strategy, until: _dt.date) -> list[str]:
    """Date limits of ``strategy`` that end before ``until``, as ``line 28: yr="2003 -
    2019"``."""
    out: list[str] = []
    for line in strategy.lines:
        found: list[str] = []
        _walk(line.node, until, found, open_them=False)
        out += [f"line {line.label.rstrip('.') or line.key}: {clause}" for clause in found]
    return out


def open_limits(strategy: Strategy, until: _dt.date) -> tuple[Strategy, list[str]]:
    """``strategy`` with every date limit that ends before ``until`` opened upwards, and the
    limits opened (see the module docstring)."""
    opened: list[str] = []
    lines = []
    for line in strategy.lines:
        found: list[str] = []
        node = _walk(line.node, until, found, open_them=True)
        opened += [f"line {line.label.rstrip('.') or line.key}: {clause}" for clause in found]
        lines.append(replace(line, node=node) if found else line)
    if not opened:
        return strategy, []
    return replace(strategy, lines=tuple(lines)), opened


__all__ = ["closed_limits", "last_day", "open_limits"]
