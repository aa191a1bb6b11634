"""Review rounds: the first search and each later update, named and dated.

``rounds.jsonl`` (append-only, at the review's root) holds one line per round started with
``cen-search update start``; a review without it is in its first round, :data:`FIRST_ROUND`.
Imports, screening events and tracing rounds carry the name of the round they belong to, so
PRISMA can count a round on its own, the earlier rounds together, or everything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cen_search.errors import UsageError
from cen_search.fsutil import append_jsonl, read_jsonl
from cen_search.ledger import now_iso

if TYPE_CHECKING:
    from cen_search.workspace.core import Workspace

ROUNDS_FILE = "rounds.jsonl"
FIRST_ROUND = "base"
"""The name of the round a review is in before any update was started."""


@dataclass(frozen=True, slots=True)
class Round:
    """One round of searching."""

    name: str
    started: str = ""
    """When the round was started (ISO 8601, UTC)."""
    since: str = ""
    """First date searched (entry/creation date), ``YYYY-MM-DD``; empty: no lower limit."""
    until: str = ""
    """Last date searched, ``YYYY-MM-DD``; empty: up to the day the searches run."""
    overlap_days: int = 0
    """Days the window reaches back before the previous round's search date."""
    note: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Round:
        def text(name: str) -> str:
            value = data.get(name, "")
            return value if isinstance(value, str) else ""

        overlap = data.get("overlap_days", 0)
        return cls(
            name=text("name") or FIRST_ROUND,
            started=text("started"),
            since=text("since"),
            until=text("until"),
            overlap_days=overlap if isinstance(overlap, int) else 0,
            note=text("note"),
        )


def rounds(ws: Workspace) -> list[Round]:
    """Every round, oldest first; the first round is there even when never written down."""
    found = [Round.from_json(entry) for entry in read_jsonl(ws.root / ROUNDS_FILE)]
    if not found or found[0].name != FIRST_ROUND:
        found.insert(0, Round(FIRST_ROUND))
    return found


def current_round(ws: Workspace) -> str:
    """The name of the round new imports and decisions belong to."""
    return rounds(ws)[-1].name


def start_round(
    ws: Workspace, name: str, *, since: str = "", until: str = "", overlap_days: int = 0
) -> Round:
    """Record a new round (its name must be new). Call it holding the lock."""
    name = name.strip()
    if not name:
        raise UsageError("a round needs a name", hint="e.g. --name 2021")
    if any(r.name.casefold() == name.casefold() for r in rounds(ws)):
        raise UsageError(
            f"there is already a round named {name!r}",
            hint="give the new round another name (cen-search update status lists them)",
        )
    new = Round(name, now_iso(), since, until, overlap_days)
    append_jsonl(ws.root / ROUNDS_FILE, asdict(new))
    return new
