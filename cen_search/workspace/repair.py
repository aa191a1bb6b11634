"""Putting a review right after a crash: what :meth:`Workspace.lock` tidies every time, and
what ``cen-search repair`` does when a person asks.

A command killed part-way (SIGKILL, power loss) can leave three things behind:

* **temporary files** of atomic writes (``.<name>.<random>.tmp``): never part of the review;
  removed by the next command that holds the lock;
* **an import recorded in the manifest but not in** ``log.jsonl``: the manifest line is the
  commit point of an import, the log line follows it, so the log is completed from the
  manifest by the next command that holds the lock;
* **a log whose last line was cut short** (a torn append): what it held is lost, so work that
  depends on the whole log stops until a person runs ``cen-search repair``, which moves the
  damaged bytes into ``<log>.torn`` beside it (never deleted) and lets work go on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cen_search.fsutil import set_aside_torn, temp_leftovers, torn_tail

if TYPE_CHECKING:
    from cen_search.workspace.core import Workspace


@dataclass(frozen=True, slots=True)
class Tidied:
    """What :func:`tidy` did."""

    removed: tuple[str, ...] = ()
    """Temporary files removed (workspace-relative)."""
    logged_imports: tuple[str, ...] = ()
    """Imports (manifest ids) added to ``log.jsonl`` because a crash left them unlogged."""


@dataclass(frozen=True, slots=True)
class Repaired:
    """What :func:`repair` did."""

    torn: tuple[tuple[str, int], ...]
    """Logs whose torn last line was set aside: (workspace-relative path, bytes moved)."""
    tidied: Tidied


def tidy(ws: Workspace) -> Tidied:
    """Remove temporary files left by killed commands and log imports the log misses. Call
    it holding the lock. A torn log is left alone (see :func:`repair`)."""
    removed = []
    for path in temp_leftovers(ws.root):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(ws.relative(path))
    logged = _log_missing_imports(ws)
    if removed or logged:
        ws.log("tidy", removed=removed, logged_imports=logged)
    return Tidied(tuple(removed), tuple(logged))


def _log_missing_imports(ws: Workspace) -> list[str]:
    """Append an ``import`` event for each manifest entry ``log.jsonl`` does not mention."""
    if torn_tail(ws.log_path) or torn_tail(ws.manifest_path):
        return []
    logged = {str(event.get("id", "")) for event in ws.events() if event.get("event") == "import"}
    missing = [entry for entry in ws.imports() if entry.id not in logged]
    for entry in missing:
        ws.log(
            "import",
            id=entry.id,
            file=entry.file,
            database=entry.database,
            records=entry.records,
            skipped=entry.skipped,
            imported_at=entry.imported_at,
            repaired=True,
        )
    return [entry.id for entry in missing]


def damaged_logs(ws: Workspace) -> list[tuple[str, bytes]]:
    """Every log of the review whose last line is cut short, with the torn bytes."""
    found = []
    for path in ws.logs():
        tail = torn_tail(path)
        if tail:
            found.append((ws.relative(path), tail))
    return found


def repair(ws: Workspace) -> Repaired:
    """Set aside the torn last line of every damaged log (into ``<log>.torn``), then tidy.
    Holds the lock."""
    with ws.lock_only():
        torn = []
        for path in ws.logs():
            moved = set_aside_torn(path)
            if moved:
                torn.append((ws.relative(path), moved))
        tidied = tidy(ws)
        if torn:
            ws.log("repair", torn=[{"file": f, "bytes": n} for f, n in torn])
    return Repaired(tuple(torn), tidied)
