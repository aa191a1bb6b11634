"""What to export by hand for a database no open API searches, with the date limit to apply.

The limit is the platform's *entry date* (when the record was added to the database), not the
publication date: records indexed late carry old publication dates (Bramer & Bain, JMLA
2017), and the update window already reaches back by an overlap for them. How each platform
writes an entry-date limit is data, ``tables/export_limits.csv`` (platform, database, the
limit with ``{final}``, ``{start}`` and ``{end}`` placeholders, and what is [verify]: the field
names could not be confirmed offline); a review can give its own per strategy id, database or
platform in ``cen-search.toml``::

    [update.export]
    "embase-ovid" = "limit {final} to dd={start:%Y%m%d}-{end:%Y%m%d}"
    "ebscohost" = "S{final} AND EM {start:%Y%m%d}-{end:%Y%m%d}"
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.errors import ConfigError
from cen_search.update.limits import last_day
from cen_search.update.model import Export, Source, Window

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

TABLE = Path(__file__).parent / "tables" / "export_limits.csv"


@dataclass(frozen=True, slots=True)
class LimitRow:
    platform: str
    database: str
    limit: str
    verify: str


@cache
def limit_rows() -> tuple[LimitRow, ...]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return tuple(
            LimitRow(
                row["platform"].strip().casefold(),
                row["database"].strip().casefold(),
                row["limit"],
                row["verify"],
            )
            for row in csv.DictReader(fh)
        )


def _platform_word(platform: str) -> str:
    text = platform.casefold()
    for word in ("ovid", "ebscohost", "ebsco", "proquest"):
        if word in text:
            return word
    return text.strip()


def _choose(source: Source, configured: Mapping[str, str]) -> tuple[str, str]:
    for name in (source.strategy_id, source.database, source.platform):
        value = configured.get(name.strip().casefold()) if name else None
        if value:
            return value, f"as set in [update.export] for {name!r}"
    platform = _platform_word(source.platform)
    database = source.database.casefold()
    for row in limit_rows():
        if row.platform and row.platform != platform:
            continue
        if row.database and row.database not in database:
            continue
        return row.limit, row.verify
    raise AssertionError("the last row of export_limits.csv matches everything")  # pragma: no cover


def configured_exports(table: Mapping[str, Any]) -> dict[str, str]:
    """``[update.export]``: strategy id, database or platform -> its limit template."""
    value = table.get("export", {})
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(
            "[update.export] must map names to limit templates",
            hint='write e.g. "embase-ovid" = "limit {final} to dc={start:%Y%m%d}-{end:%Y%m%d}"',
        )
    return {str(k).strip().casefold(): str(v) for k, v in value.items()}


def _render(template: str, *, final: str, start: _dt.date, end: _dt.date, where: str) -> str:
    try:
        return template.format(final=final, start=start, end=end)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{where}: the limit {template!r} cannot be filled in ({exc})",
            hint="use {final}, {start:%Y%m%d} and {end:%Y%m%d}",
        ) from None


def export_for(
    source: Source,
    window: Window,
    *,
    configured: Mapping[str, str] | None = None,
    today: _dt.date | None = None,
) -> Export:
    """The steps to search ``source`` by hand for ``window`` and import what it found."""
    today = today or _dt.date.today()
    start = _dt.date.fromisoformat(window.since)
    end = window.last_day(today)
    template, verify = _choose(source, configured or {})
    final = source.final_line or "(the final line)"
    limit = _render(template, final=final, start=start, end=end, where=source.key)
    verify = _render(verify, final=final, start=start, end=end, where=source.key)
    where = f"{source.database} ({source.platform})" if source.platform else source.database
    steps = []
    if source.strategy:
        steps.append(f"run the strategy saved in {source.strategy} on {where}")
    else:
        steps.append(
            f"run the search of {where} again (no saved strategy: save it with "
            "'cen-search strategy new')"
        )
    for clause in source.closed_limits:
        steps.append(f"open the date limit of {clause} to the present (keep its first year)")
    saved = last_day(source.saved_until) if source.saved_until else None
    if not source.closed_limits and saved is not None and saved < end:
        steps.append(
            f"its header says it searched up to {source.saved_until}: open any publication-date "
            "limit in it to the present (keep its first year)"
        )
    steps.append(f"limit the final set by entry date: {limit}")
    steps.append("export every record (RIS, or the platform's tagged format) to a file")
    command = f'cen-search import FILE --database "{source.database}"'
    if source.platform:
        command += f' --platform "{source.platform}"'
    command += " --searched-on YYYY-MM-DD"
    if source.strategy:
        command += f" --strategy {source.strategy}"
    steps.append(f"import it: {command}")
    return Export(
        source=source.key,
        database=source.database,
        steps=tuple(steps),
        since=start.isoformat(),
        until=end.isoformat(),
        verify=verify,
    )


def exports_setting(ws: Workspace) -> dict[str, str]:
    return configured_exports(ws.settings.table("update"))


__all__ = ["Export", "configured_exports", "export_for", "exports_setting", "limit_rows"]
