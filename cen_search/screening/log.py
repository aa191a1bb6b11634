"""Where the screening logs live and how they are read and written.

One append-only JSON Lines file per reviewer, ``screening/<reviewer-slug>.jsonl``: each person
only ever appends to their own file, so reviewers working in their own clones of a review
merge without conflicts, and ``.gitattributes`` (written on first use) tells git to merge the
files by keeping the lines of both sides (``merge=union``). Lines doubled by such a merge, and
the order of the files, do not matter: :func:`cen_search.ledger.read_entries` merges them in
time order and drops repeated ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import InputError
from cen_search.fsutil import append_jsonl, atomic_write_text
from cen_search.ledger import read_entries
from cen_search.screening.events import Event, parse_event

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

FOLDER = "screening"
GITATTRIBUTES_LINE = "screening/*.jsonl merge=union"


def reviewer_slug(name: str) -> str:
    """The file name part for a reviewer: ``"Jo Smith"`` -> ``jo-smith``, ``tool:asreview``
    -> ``tool-asreview``."""
    from unidecode import unidecode

    value = re.sub(r"[^A-Za-z0-9]+", "-", unidecode(name)).strip("-").lower()
    return value or "anonymous"


def log_folder(ws: Workspace) -> Path:
    return ws.root / FOLDER


def log_path(ws: Workspace, reviewer: str) -> Path:
    """``screening/<reviewer-slug>.jsonl``."""
    return log_folder(ws) / f"{reviewer_slug(reviewer)}.jsonl"


def log_files(ws: Workspace) -> list[Path]:
    """Every reviewer's log, sorted by name (``*.torn`` leftovers of a repair excluded)."""
    folder = log_folder(ws)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.jsonl") if p.is_file())


def read_events(paths: Sequence[Path]) -> list[Event]:
    """Every event of the logs at ``paths``, merged in time order, doubled lines dropped.
    A torn last line is a :class:`~cen_search.errors.DamagedLogError` (``cen-search
    repair``); event types of a newer version are skipped."""
    events = []
    for data in read_entries(list(paths)):
        event = parse_event(data)
        if event is not None:
            events.append(event)
    return events


def workspace_events(ws: Workspace) -> list[Event]:
    return read_events(log_files(ws))


def ensure_gitattributes(ws: Workspace) -> None:
    """Add ``screening/*.jsonl merge=union`` to the review's ``.gitattributes`` (kept as it
    is otherwise; created when missing)."""
    path = ws.root / ".gitattributes"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if any(line.split() == GITATTRIBUTES_LINE.split() for line in text.splitlines()):
        return
    if text and not text.endswith("\n"):
        text += "\n"
    text += (
        "# cen-search: reviewers only append to their own screening log; keep both sides\n"
        f"{GITATTRIBUTES_LINE}\n"
    )
    atomic_write_text(path, text)


def log_owner(path: Path) -> str | None:
    """The reviewer a log belongs to: the author of its first event (None for a missing or
    empty log, or a first line that cannot be read)."""
    try:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    entry = json.loads(line)
                    by = entry.get("by") if isinstance(entry, dict) else None
                    return by if isinstance(by, str) and by else None
    except (OSError, ValueError):
        return None
    return None


def check_log_owners(ws: Workspace, by_file: Mapping[Path, Sequence[Event]]) -> None:
    """Refuse events whose author is spelled otherwise than the owner of the log they would
    go to (``Carol`` and ``carol`` both write ``screening/carol.jsonl``): the fold keeps
    reviewers apart by name, so one person would become two, agreeing with themselves."""
    for path, group in by_file.items():
        owner = log_owner(path)
        names = list(dict.fromkeys(event.by for event in group))
        if owner is None:
            owner = names[0]
        others = [name for name in names if name != owner]
        if others:
            where = path.relative_to(ws.root).as_posix() if path.is_relative_to(ws.root) else path
            raise InputError(
                f"reviewer {others[0]!r} would write to {where}, the log of {owner!r}: two "
                "spellings of one name would count as two reviewers",
                hint=f"give the name as {owner!r} (--reviewer {owner!r}, the sheet's reviewer "
                "column, or --reviewer-map for another tool's names)",
            )


def append_events(ws: Workspace, events: Iterable[Event]) -> int:
    """Append ``events`` to their authors' logs (one write per file); returns how many.
    Call it holding the review's lock. Events by another spelling of a log's owner's name
    are refused, before anything is written (:func:`check_log_owners`)."""
    by_file: dict[Path, list[Event]] = {}
    for event in events:
        by_file.setdefault(log_path(ws, event.by), []).append(event)
    if not by_file:
        return 0
    check_log_owners(ws, by_file)
    ensure_gitattributes(ws)
    for path, group in by_file.items():
        append_jsonl(path, *(event.to_json() for event in group))
    return sum(len(group) for group in by_file.values())
