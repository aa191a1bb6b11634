"""What updates keep in a review folder, and the lock that stops two updates at once.

::

    update/log.jsonl            append-only: strategy runs made for a round, sources marked
                                skipped (or no longer skipped) by a person
    update/<round>/digest.md    what the round brought, for people (rewritten by each run)
    update/<round>/summary.json the same as data (rewritten by each run)
    .cen-search/update.lock     held for the whole of ``update start``/``run``/``skip``

The log is the truth; the round folder is derived from it and the rest of the review. A
strategy run is recorded here after its run record (``runs/``) is written, so a run killed in
between is found again by its run record (:func:`cen_search.update.run.adopt_runs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.errors import UsageError, WorkspaceError
from cen_search.fsutil import append_jsonl, file_lock, read_jsonl
from cen_search.ledger import fold_latest, new_entry_id, now_iso

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

UPDATE_DIR = "update"
LOG_NAME = "log.jsonl"
DIGEST_NAME = "digest.md"
SUMMARY_NAME = "summary.json"
_ROUND_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def log_path(ws: Workspace) -> Path:
    return ws.root / UPDATE_DIR / LOG_NAME


def round_folder(ws: Workspace, name: str) -> Path:
    """``update/<round>/`` (round names are checked to be safe folder names)."""
    return ws.root / UPDATE_DIR / checked_round_name(name)


def checked_round_name(name: str) -> str:
    """A round name usable as a folder name on every system: letters, digits, ``.``, ``_``,
    ``-``, at most 40 characters, not starting with a dot or dash."""
    name = name.strip()
    if not _ROUND_NAME.match(name) or name in (".", ".."):
        raise UsageError(
            f"--name {name!r} cannot name a round",
            hint="use letters, digits, '.', '_' or '-' (e.g. --name 2021)",
        )
    return name


@contextmanager
def update_lock(ws: Workspace) -> Iterator[None]:
    """Hold ``.cen-search/update.lock``: a second update in the same review stops at once."""
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        with file_lock(ws.state_dir / "update.lock"):
            yield
    except WorkspaceError as exc:
        if "another cen-search command" not in exc.message:
            raise
        raise WorkspaceError(
            "another cen-search update is running in this review",
            hint="wait for it to finish (a scheduled run may be under way), then run the "
            "command again",
        ) from None


@dataclass(frozen=True, slots=True)
class RunEntry:
    """A strategy run made for a round (a line of ``update/log.jsonl``)."""

    round: str
    source: str
    strategy_id: str
    target: str
    run: str
    """Workspace-relative run record."""
    import_id: str = ""
    records: int = 0
    total: int = 0
    opened: tuple[str, ...] = ()
    """Publication-date limits opened for the update."""


def entries(ws: Workspace) -> list[dict[str, Any]]:
    """Every line of the update log, oldest first (a torn last line is an error until
    ``cen-search repair``)."""
    return read_jsonl(log_path(ws))


def append(ws: Workspace, event: str, **values: Any) -> dict[str, Any]:
    """Append one event (the caller holds the review's lock)."""
    entry = {"id": new_entry_id(), "at": now_iso(), "event": event, **values}
    append_jsonl(log_path(ws), entry)
    return entry


def runs_of(ws: Workspace, round_name: str) -> list[RunEntry]:
    """The strategy runs recorded for ``round_name``, oldest first."""
    out = []
    for entry in entries(ws):
        if entry.get("event") != "strategy-run" or entry.get("round") != round_name:
            continue
        out.append(
            RunEntry(
                round=round_name,
                source=str(entry.get("source", "")),
                strategy_id=str(entry.get("strategy_id", "")),
                target=str(entry.get("target", "")),
                run=str(entry.get("run", "")),
                import_id=str(entry.get("import", "") or ""),
                records=int(entry.get("records", 0) or 0),
                total=int(entry.get("total", 0) or 0),
                opened=tuple(str(x) for x in entry.get("opened", []) or []),
            )
        )
    return out


def skips(ws: Workspace, round_name: str) -> dict[str, str]:
    """Sources marked skipped in ``round_name`` (source key -> reason), latest word wins."""
    items = [
        e
        for e in entries(ws)
        if e.get("event") in ("skip", "unskip") and e.get("round") == round_name
    ]
    state = fold_latest(
        items,
        key=lambda e: (str(e.get("source", "")),),
        withdrawn=lambda e: e.get("event") == "unskip",
    )
    return {key[0]: str(entry.get("reason", "")) for key, entry in state.items()}


__all__ = [
    "DIGEST_NAME",
    "SUMMARY_NAME",
    "UPDATE_DIR",
    "RunEntry",
    "append",
    "checked_round_name",
    "entries",
    "log_path",
    "round_folder",
    "runs_of",
    "skips",
    "update_lock",
]
