"""Starting an update round and fixing its date window.

The window runs from the review's last search (the latest date a database or register was
searched in an earlier round: an import's ``--searched-on``, a strategy run's date) minus an
overlap, to the day the searches run. The overlap (30 days unless ``--overlap-days``) is there
because databases index late: records entered in the days before the last search may not
have been visible then (CEE guidance; Bramer & Bain 2017). The window applies to entry or
creation dates where a source has them (PubMed EDAT, Europe PMC first index date, OpenAlex
creation date; the export instructions for other platforms), so records indexed late with an
old publication date are still found; deduplication against every earlier round removes what
the overlap finds twice.

A source last searched before the window starts (databases searched on different days) is
named in a note with the ``--since`` that would cover it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cen_search.config_values import check_date
from cen_search.errors import UsageError
from cen_search.update import store
from cen_search.update.model import DONE, Window
from cen_search.wording import count
from cen_search.workspace.rounds import FIRST_ROUND, Round, rounds, start_round

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

DEFAULT_OVERLAP_DAYS = 30


@dataclass(frozen=True, slots=True)
class Started:
    """What ``update start`` did."""

    round: Round
    window: Window
    created: bool
    """False when the round was already the current one (nothing changed)."""
    notes: tuple[str, ...] = ()


def window_of(item: Round) -> Window:
    """The window recorded for a round."""
    reference = ""
    if item.since and item.overlap_days:
        day = _dt.date.fromisoformat(item.since) + _dt.timedelta(days=item.overlap_days)
        reference = day.isoformat()
    return Window(item.since, item.until, item.overlap_days, reference)


def last_search(ws: Workspace) -> str:
    """The latest date any database or register of the review was searched (imports'
    search dates and strategy runs), ``""`` when none is recorded."""
    from cen_search.screening.model import DBR_METHODS
    from cen_search.strategies.runlog import all_runs

    dates = {e.searched for e in ws.imports() if e.method in DBR_METHODS and e.searched}
    dates |= {run.run_at[:10] for run in all_runs(ws.root) if run.run_at}
    return max(dates, default="")


def _checked_since(value: str) -> _dt.date:
    try:
        text = check_date(value)
    except ValueError as exc:
        raise UsageError(f"--since {value!r}: {exc}", hint="give YYYY-MM-DD, or last") from None
    return _dt.date.fromisoformat(text)


def _unfinished(ws: Workspace, current: Round, today: _dt.date) -> list[str]:
    """Sources of the current update round still awaited (to run, to export, failed)."""
    from cen_search.update.sources import round_sources, source_states

    sources, window, _ = round_sources(ws, current, today=today)
    states, _ = source_states(ws, sources, round_name=current.name, window=window, today=today)
    return [s.source.database for s in states if s.status not in DONE]


def start_update(
    ws: Workspace,
    *,
    name: str = "",
    since: str = "last",
    overlap_days: int | None = None,
    force: bool = False,
    today: _dt.date | None = None,
) -> Started:
    """Start the update round ``name`` (default: this year), or do nothing when it is the
    current round already. Refuses while the current update round is unfinished unless
    ``force``."""
    today = today or _dt.date.today()
    name = store.checked_round_name(name or str(today.year))
    if name.casefold() == FIRST_ROUND:
        raise UsageError(f"{FIRST_ROUND!r} is the first round's name", hint="e.g. --name 2021")
    with store.update_lock(ws), ws.lock():
        current = rounds(ws)[-1]
        if current.name.casefold() == name.casefold() and current.name != FIRST_ROUND:
            note = f"round {current.name} was started on {current.started[:10]}; nothing changed"
            asked = [
                f"--since {since}" if since.strip().casefold() not in ("", "last") else "",
                f"--overlap-days {overlap_days}" if overlap_days is not None else "",
            ]
            if any(asked):
                note += (
                    f": its window from {current.since or 'the start'} is kept "
                    f"({' '.join(a for a in asked if a)} was not applied: a round's window is "
                    "fixed when it starts)"
                )
            return Started(current, window_of(current), False, (note,))
        if current.name != FIRST_ROUND and not force:
            waiting = _unfinished(ws, current, today)
            if waiting:
                raise UsageError(
                    f"round {current.name} is not finished: "
                    f"{count(len(waiting), 'source')} still to search ({', '.join(waiting)})",
                    hint="finish it (cen-search update status), mark sources skipped "
                    "(cen-search update skip NAME), or start anyway with --force",
                )
        window, notes = _window(ws, since=since, overlap_days=overlap_days, today=today)
        started = start_round(
            ws, name, since=window.since, until="", overlap_days=window.overlap_days
        )
        ws.log(
            "update-start",
            round=name,
            since=window.since,
            overlap_days=window.overlap_days,
        )
    return Started(started, window, True, tuple(notes))


def _window(
    ws: Workspace, *, since: str, overlap_days: int | None, today: _dt.date
) -> tuple[Window, list[str]]:
    from cen_search.update.sources import review_sources

    notes: list[str] = []
    if since.strip().casefold() in ("", "last"):
        overlap = DEFAULT_OVERLAP_DAYS if overlap_days is None else overlap_days
        if overlap < 0:
            raise UsageError(f"--overlap-days {overlap}: must be 0 or more")
        reference = last_search(ws)
        if not reference:
            raise UsageError(
                "no search date is recorded in the review, so the window cannot start from it",
                hint="give the first day to search with --since YYYY-MM-DD",
            )
        start = _dt.date.fromisoformat(reference) - _dt.timedelta(days=overlap)
    else:
        if overlap_days is not None:
            raise UsageError(
                "--overlap-days goes with --since last",
                hint="--since DATE is the window's first day; leave out --overlap-days",
            )
        overlap, reference = 0, ""
        start = _checked_since(since)
    if start > today:
        raise UsageError(f"the window would start on {start}, after today", hint="check --since")
    earlier = [r.name for r in rounds(ws)]
    for source in review_sources(ws, earlier=earlier, until=today):
        if source.last_searched and source.last_searched < start.isoformat():
            cover = _dt.date.fromisoformat(source.last_searched) - _dt.timedelta(days=overlap)
            notes.append(
                f"{source.database} was last searched on {source.last_searched}, before the "
                f"window starts ({start}): records it added in between would be missed; "
                f"to cover them start with --since {cover.isoformat()}"
            )
    return Window(start.isoformat(), "", overlap, reference), notes


__all__ = ["DEFAULT_OVERLAP_DAYS", "Started", "last_search", "start_update", "window_of"]
