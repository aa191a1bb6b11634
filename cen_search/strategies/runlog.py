"""Run records of strategy runs: ``runs/<strategy>/<UTC stamp>.json`` plus ``.ids.txt``.

A run record is written once and never changed: each run adds new files (a stamp that is
already taken gets a ``-2``, ``-3`` suffix), so the history of a strategy's runs is the folder.
Records hold no secrets (URLs are redacted by :mod:`cen_search.apis.http`). :func:`runs` lists them
oldest first; :func:`new_since` compares a run with the previous run on the same target.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.errors import WorkspaceError
from cen_search.fsutil import atomic_write_text

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy

RUN_SCHEMA_VERSION = 1


def stamp(moment: _dt.datetime) -> str:
    """``2022-05-13T100211Z`` for a UTC moment (file-name safe on every platform)."""
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")


def strategy_id_of(strategy: Strategy) -> str:
    """The id used for ``runs/<id>/``: the header's ``id``/name, else the file name."""
    from cen_search.workspace.manifest import slug

    name = strategy.meta.name or (Path(strategy.path).stem if strategy.path else "strategy")
    return slug(name) or "strategy"


def run_dir(root: Path, strategy_id: str) -> Path:
    """The folder holding every run record of one strategy: ``runs/<strategy_id>/``."""
    return Path(root) / "runs" / strategy_id


@dataclass(frozen=True, slots=True)
class SavedRun:
    """A run record on disk: its path and the document written there."""

    path: Path
    record: dict[str, Any]

    @property
    def run_at(self) -> str:
        """When the run started (UTC, ISO 8601); empty when the record does not say."""
        return str(self.record.get("run_at", ""))

    @property
    def target(self) -> str:
        """The service it ran on (``pubmed``, ``europepmc``, ``openalex``)."""
        return str(self.record.get("target", ""))

    def ids(self) -> list[str]:
        """Identifiers retrieved by this run (from its ``.ids.txt``)."""
        name = self.record.get("ids_file")
        if not name:
            return []
        path = self.path.parent / str(name)
        if not path.is_file():
            raise WorkspaceError(
                f"{path}: the identifier list of this run is missing",
                hint="runs/ is append-only: restore the file from version control",
            )
        return [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]


def runs(root: Path, strategy_id: str, *, target: str | None = None) -> list[SavedRun]:
    """Every run record of a strategy (optionally on one target), oldest first."""
    folder = run_dir(root, strategy_id)
    if not folder.is_dir():
        return []
    found: list[SavedRun] = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise WorkspaceError(
                f"{path}: not a readable run record",
                hint="runs/ is append-only: restore the file from version control",
            ) from None
        if not isinstance(record, dict):
            continue
        if target is None or record.get("target") == target:
            found.append(SavedRun(path, record))
    return sorted(found, key=lambda run: (run.run_at, run.path.name))


def all_runs(root: Path) -> list[SavedRun]:
    """Every run record in the review, oldest first."""
    base = Path(root) / "runs"
    if not base.is_dir():
        return []
    out: list[SavedRun] = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        out.extend(runs(root, folder.name))
    return sorted(out, key=lambda run: (run.run_at, run.path.name))


def new_since(previous: SavedRun | None, ids: Sequence[str]) -> dict[str, Any] | None:
    """What this run found that the previous run on the same target did not."""
    if previous is None:
        return None
    before = set(previous.ids())
    new = [i for i in ids if i not in before]
    gone = len(before - set(ids))
    return {
        "run_at": previous.run_at,
        "run_file": previous.path.name,
        "previous_total": len(before),
        "count": len(new),
        "no_longer_found": gone,
        "ids": new,
    }


def line_drift(previous: SavedRun | None, lines: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines whose count changed since the previous run: ``{key, before, now}``."""
    if previous is None:
        return []
    before = {
        str(line.get("key")): line.get("count")
        for line in previous.record.get("lines", [])
        if isinstance(line, dict)
    }
    drift = []
    for line in lines:
        key = str(line.get("key"))
        now = line.get("count")
        if before.get(key) is not None and now is not None and before[key] != now:
            drift.append({"key": key, "before": before[key], "now": now})
    return drift


def write_run(
    root: Path, strategy_id: str, record: dict[str, Any], ids: Sequence[str], *, at: _dt.datetime
) -> SavedRun:
    """Write a new run record and its identifier list; never replaces an existing file.

    The caller holds the workspace lock, so two runs cannot pick the same name.
    """
    folder = run_dir(root, strategy_id)
    base = stamp(at)
    name = base
    suffix = 1
    while (folder / f"{name}.json").exists() or (folder / f"{name}.ids.txt").exists():
        suffix += 1
        name = f"{base}-{suffix}"
    ids_name = f"{name}.ids.txt"
    document = {"schema_version": RUN_SCHEMA_VERSION, **record, "ids_file": ids_name}
    atomic_write_text(folder / ids_name, "".join(f"{i}\n" for i in ids))
    path = folder / f"{name}.json"
    atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return SavedRun(path, document)
