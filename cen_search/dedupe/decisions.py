"""People's decisions on duplicate pairs, kept in the review workspace.

Decisions live in ``dedupe/decisions.jsonl``: an append-only log, one JSON object per line::

    {"a": "3f2a9c0d1e4b:12", "b": "8c1d2e3f4a5b:3", "decision": "same",
     "by": "jt", "at": "2026-11-26T10:02:11+00:00", "source": "review", "note": ""}

Pairs are named by :data:`~cen_search.models.RecordId` (stable across runs and re-imports), so
a decision survives re-running ``cen-search dedupe``. The log only grows: a later line about the
same pair wins, and ``"decision": "undone"`` withdraws the earlier decision (the ``u`` key of the
interactive review). Nothing here prints; writes go through :mod:`cen_search.fsutil`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cen_search.dedupe.model import PairDecision
from cen_search.errors import WorkspaceError
from cen_search.fsutil import append_jsonl, read_jsonl
from cen_search.models import Record, RecordId

DECISIONS_PATH = Path("dedupe") / "decisions.jsonl"
"""Where the log lives, relative to the review folder."""

SAME = "same"
DIFFERENT = "different"
UNDONE = "undone"
_VALUES = {SAME, DIFFERENT, UNDONE}

PairKey = tuple[RecordId, RecordId]
"""A pair of record ids in sorted order: the identity of a pair whatever order it came in."""


def pair_key(a: str, b: str) -> PairKey:
    """The order-independent key of a pair (``pair_key(b, a) == pair_key(a, b)``)."""
    first, second = sorted((a, b))
    return RecordId(first), RecordId(second)


def now_iso() -> str:
    """The current time as an ISO 8601 timestamp in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def make_decision(
    a: str, b: str, *, same: bool, by: str = "", at: str = "", note: str = ""
) -> PairDecision:
    """A :class:`PairDecision` on a pair, ids in sorted order, stamped now unless ``at`` given."""
    first, second = pair_key(a, b)
    return PairDecision(a=first, b=second, same=same, by=by, at=at or now_iso(), note=note)


def _entry(
    a: str, b: str, value: str, *, by: str, at: str, source: str, note: str = ""
) -> dict[str, Any]:
    """One line of the log: ``value`` (same/different/undone) on the pair ``a``/``b``."""
    first, second = pair_key(a, b)
    return {
        "a": first,
        "b": second,
        "decision": value,
        "by": by,
        "at": at or now_iso(),
        "source": source,
        "note": note,
    }


def append_decisions(
    path: str | Path, decisions: Iterable[PairDecision], *, source: str = "review"
) -> int:
    """Append ``decisions`` to the log at ``path`` in one write; returns how many."""
    entries = [
        _entry(
            d.a,
            d.b,
            SAME if d.same else DIFFERENT,
            by=d.by,
            at=d.at,
            source=source,
            note=d.note,
        )
        for d in decisions
    ]
    append_jsonl(path, *entries)
    return len(entries)


def append_undo(
    path: str | Path, a: str, b: str, *, by: str = "", at: str = "", source: str = "review"
) -> None:
    """Withdraw the decision on the pair ``a``/``b`` (a later line wins, so this undoes it)."""
    append_jsonl(path, _entry(a, b, UNDONE, by=by, at=at, source=source))


def _parse(
    entry: dict[str, Any], *, path: Path, number: int
) -> tuple[PairKey, PairDecision | None]:
    a, b, value = entry.get("a"), entry.get("b"), entry.get("decision")
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b or value not in _VALUES:
        raise WorkspaceError(
            f"{path}: entry {number} is not a decision on a pair "
            f'(needs "a", "b" and "decision" one of same/different/undone)',
            hint="this log is append-only; restore the entry from version control",
        )
    key = pair_key(a, b)
    if value == UNDONE:
        return key, None
    decision = PairDecision(
        a=key[0],
        b=key[1],
        same=value == SAME,
        by=str(entry.get("by", "")),
        at=str(entry.get("at", "")),
        note=str(entry.get("note", "")),
    )
    return key, decision


def current_decisions(path: str | Path) -> dict[PairKey, PairDecision]:
    """The decisions in force: the last line about each pair wins; undone pairs are absent."""
    path = Path(path)
    state: dict[PairKey, PairDecision] = {}
    for number, entry in enumerate(read_jsonl(path), start=1):
        key, decision = _parse(entry, path=path, number=number)
        if decision is None:
            state.pop(key, None)
        else:
            state[key] = decision
    return state


def decisions_within(
    decisions: Mapping[PairKey, PairDecision], records: Iterable[Record]
) -> list[PairDecision]:
    """The decisions about pairs of which both records are among ``records`` (those that
    apply to a run)."""
    ids = {record.id for record in records}
    return [d for key, d in decisions.items() if key[0] in ids and key[1] in ids]


def changes(
    current: Mapping[PairKey, PairDecision], incoming: Iterable[PairDecision]
) -> list[PairDecision]:
    """The decisions in ``incoming`` that would change ``current`` (so re-importing the same
    decisions file appends nothing). The last of several incoming decisions on a pair wins."""
    latest: dict[PairKey, PairDecision] = {}
    for decision in incoming:
        latest[pair_key(decision.a, decision.b)] = decision
    return [
        decision
        for key, decision in latest.items()
        if key not in current or current[key].same != decision.same
    ]
