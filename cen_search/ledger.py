"""Keyed, append-only, latest-wins ledgers: the logs behind people's decisions.

Dedupe decisions (``dedupe/decisions.jsonl``) and screening events (one file per reviewer)
are the same kind of thing: a log that only grows, one JSON object per line, in which a later
entry about the same key supersedes an earlier one and a withdrawal removes it. Nothing is
ever rewritten, so the file is the audit trail, and the current state is always *folded* from
it, never stored beside it.

This module holds what they share:

* :func:`new_entry_id` — a unique, time-sortable id for every entry, so that logs merged by
  git's ``union`` driver (lines from both sides, maybe twice) read back the same;
* :func:`read_entries` — one or several log files, merged in time order, duplicates dropped;
* :func:`fold_latest` — the fold itself.

Writing and torn-line handling are :func:`cen_search.fsutil.append_jsonl` and
:func:`cen_search.fsutil.read_jsonl`: a log whose last line was cut short is an error until
``cen-search repair`` sets the damaged bytes aside.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cen_search.fsutil import read_jsonl

K = TypeVar("K", bound=Hashable)
E = TypeVar("E")


def now_iso() -> str:
    """The current time as an ISO 8601 timestamp in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_entry_id() -> str:
    """A 24-character id, unique and sortable by creation time (milliseconds, then random)."""
    return f"{int(time.time() * 1000):012x}{os.urandom(6).hex()}"


def read_entries(paths: Sequence[str | Path], *, allow_torn: bool = False) -> list[dict[str, Any]]:
    """The entries of one or several logs, in time order (``at``, then ``id``, then file
    order); an entry whose ``id`` was seen already (a line doubled by a merge) is dropped."""
    tagged: list[tuple[str, str, int, dict[str, Any]]] = []
    position = 0
    for path in paths:
        for entry in read_jsonl(path, allow_torn=allow_torn):
            tagged.append((str(entry.get("at", "")), str(entry.get("id", "")), position, entry))
            position += 1
    if len(paths) > 1:
        tagged.sort(key=lambda item: item[:3])
    seen: set[str] = set()
    entries = []
    for _, entry_id, _, entry in tagged:
        if entry_id:
            if entry_id in seen:
                continue
            seen.add(entry_id)
        entries.append(entry)
    return entries


def fold_latest(
    entries: Iterable[E],
    *,
    key: Callable[[E], K],
    withdrawn: Callable[[E], bool] = lambda entry: False,
) -> dict[K, E]:
    """The state a log describes: for each key, the last entry about it; a ``withdrawn``
    entry removes the key (an undo). Insertion order of the result is first appearance."""
    state: dict[K, E] = {}
    for entry in entries:
        k = key(entry)
        if withdrawn(entry):
            state.pop(k, None)
        else:
            state[k] = entry
    return state
