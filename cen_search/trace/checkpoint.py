"""The checkpoint of a trace: every answer the run accepted, replayed when it is run again.

A trace can stop half-way: a daily budget runs out (OpenAlex), a service keeps failing, the
user presses Ctrl-C. While a trace runs, the session's checkpoint store
(:class:`~cen_search.apis.cache.ResponseCache` without expiry, see
:func:`cen_search.apis.http.request`) receives every answer that parsed as what was asked for.
Running the same command again (same seeds, direction, sources and rounds: the same
:func:`fingerprint`) replays those answers without a request and continues from the first one
that is missing, so the finished result is the one an uninterrupted run gives, whatever the
cache settings (``--no-cache`` included). The folder is removed when the trace completes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from cen_search.apis.cache import ResponseCache
from cen_search.errors import RemoteServiceError

CHECKPOINTS = "trace-checkpoints"
"""Folder of checkpoints (inside ``.cen-search/`` of a review, else the user cache folder)."""


def fingerprint(
    *, direction: str, seeds: Sequence[str], sources: Sequence[str], rounds: int, start: int
) -> str:
    """A short hash naming a trace: the same command on the same seeds gives the same one."""
    blob = json.dumps(
        {
            "direction": direction,
            "seeds": sorted(seeds),
            "sources": sorted(sources),
            "rounds": rounds,
            "start": start,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@contextlib.contextmanager
def checkpoint(session: Any, folder: Path) -> Iterator[ResponseCache | None]:
    """Attach a checkpoint at ``folder`` to ``session`` for the block. It is removed when the
    block succeeds and kept when anything stops it (an error, Ctrl-C); a remote failure's hint
    then says how to resume."""
    if not hasattr(session, "checkpoint"):
        yield None
        return
    store = ResponseCache(folder, ttl=None)
    before = session.checkpoint
    session.checkpoint = store
    try:
        yield store
    except RemoteServiceError as exc:
        kept = len(store)
        resume = (
            f"{kept} answer(s) are kept in the checkpoint {folder}: run the same command again "
            "to resume where it stopped"
        )
        exc.hint = f"{exc.hint}; {resume}" if exc.hint else resume
        raise
    else:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        session.checkpoint = before


__all__ = ["CHECKPOINTS", "checkpoint", "fingerprint"]
