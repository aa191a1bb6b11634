"""What a command that writes files a user names must never write over inside a review.

``-o``, ``--csv``, ``--edges`` ... are checked with :func:`cen_search.outputs.check_outputs`
before anything is written; :func:`review_files` lists what a person made or the review keeps
as its record (saved strategies, raw exports, the settings and every append-only log: the
import manifest, screening and dedupe decisions, trace rounds and edges, ``log.jsonl``), so
that not even ``--yes`` replaces them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def review_files(workspace: Workspace) -> list[tuple[str, Path]]:
    """``(what, path)`` for every file of ``workspace`` an output may never replace."""
    protected = [("saved strategy", workspace.root / name) for name in workspace.strategies()]
    protected += [("raw export", workspace.root / entry.file) for entry in workspace.imports()]
    protected += [("review settings", workspace.config_path)]
    protected += [("review log", log) for log in workspace.logs()]
    return protected


__all__ = ["review_files"]
