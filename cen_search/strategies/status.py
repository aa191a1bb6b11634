"""The strategies' section of ``cen-search status``: each saved strategy checked, those with
errors named, so a person coming back after a month sees what is wrong without running
anything else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cen_search.errors import CenSearchError
from cen_search.wording import count
from cen_search.workspace.status import Problem, StatusSection

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def section(ws: Workspace) -> StatusSection | None:
    """One line per saved strategy: lines parsed and check errors/warnings."""
    from cen_search.strategies import load_strategy
    from cen_search.strategies.checks import check_strategy, find_date_window

    names = ws.strategies()
    if not names:
        return None
    lines: list[str] = []
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for name in names:
        path = ws.root / name
        if path.suffix.lower() not in (".txt", ".md", ""):
            continue
        try:
            report = check_strategy(load_strategy(path), window=find_date_window(path))
        except CenSearchError as exc:
            problems.append(Problem(name, f"cannot be read as a strategy: {exc.message}", exc.hint))
            rows.append({"file": name, "status": "unreadable"})
            continue
        rows.append(
            {
                "file": name,
                "status": report.status(),
                "lines": report.lines,
                "errors": report.errors,
                "warnings": report.warnings,
            }
        )
        if not report.parsed:
            lines.append(f"{name}: kept verbatim, not parsed (no parser for its platform)")
            continue
        lines.append(
            f"{name}: {count(report.lines, 'line')}, {count(report.errors, 'error')}, "
            f"{count(report.warnings, 'warning')}"
        )
        if report.errors:
            problems.append(
                Problem(
                    name,
                    f"{count(report.errors, 'check error')}",
                    f"see them with cen-search strategy check {name}",
                )
            )
    return StatusSection(
        name="strategies",
        title="search strategies",
        lines=tuple(lines),
        data={"files": rows},
        problems=tuple(problems),
    )
