"""Faults injected into every service client (``tests/_faultserver.py``): one row per class.

Each class of misbehaviour (timeouts, resets, 429 storms, 5xx bursts, bodies cut short or
malformed, HTML with status 200, the wrong content type, oversized or trickling bodies, errors
inside HTTP 200, secrets echoed back) is served to each client with a recorded real answer.
A failure is a client that neither recovered with the clean answer nor stopped with a
RemoteServiceError (exit code 3); a traceback is any other exception; lost is a partial or
different answer, or a bad answer cached; secrets counts runs where a key or the e-mail showed
in a message, hint, log line or cache file. ``quick`` injects into the clients whose
recordings are in the repository only (not the ones read from ``../shared``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:  # the fault server lives with the test doubles
    sys.path.insert(0, str(REPO / "tests"))


def _shared() -> Path | None:
    configured = os.environ.get("CEN_SEARCH_SHARED")
    path = Path(configured) if configured else REPO.parent / "shared"
    return path if path.is_dir() else None


def run(quick: bool) -> list[dict]:
    from _faultserver import FAULTS, clean_answer, scenarios
    from _faultserver import run as inject

    chosen = scenarios(None if quick else _shared())
    expected = {s.service: clean_answer(s) for s in chosen}
    rows = []
    for fault in FAULTS:
        outcomes = [inject(s, fault, expected=expected[s.service]) for s in chosen]
        rows.append(
            {
                "class": fault.name,
                "tried": len(outcomes),
                "failures": sum(not o.behaved for o in outcomes),
                "tracebacks": sum(o.traceback for o in outcomes),
                "lost": sum(o.lost for o in outcomes),
                "secrets": sum(o.secret for o in outcomes),
            }
        )
    return rows
