"""Moved: the PRISMA-S search table is part of the PRISMA package,
:mod:`cen_search.prisma.search_table` (PRISMA owns every PRISMA output). This name stays for
code that imported it from here."""

from __future__ import annotations

from cen_search.prisma.search_table import (
    CSV_COLUMNS,
    NO_STRATEGY,
    SearchRow,
    missing_rows,
    run_row,
    same_database,
    search_table,
    strategy_row,
    to_markdown,
    write_csv,
    write_report,
)

__all__ = [
    "CSV_COLUMNS",
    "NO_STRATEGY",
    "SearchRow",
    "missing_rows",
    "run_row",
    "same_database",
    "search_table",
    "strategy_row",
    "to_markdown",
    "write_csv",
    "write_report",
]
