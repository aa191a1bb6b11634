"""What tracing keeps in a review folder: plain text, append-only.

::

    trace/rounds.jsonl          one line per round: date, direction, sources, seeds traced
                                (and those no source resolved), works found, new works, edges,
                                requests, the records file
    trace/edges.jsonl           one line per citation edge (citing, cited, seed, direction,
                                sources, round, date); a later round adds only what is new
    trace/records/<file>.jsonl  each round's new works (JSON Lines, lossless), so later rounds
                                and imports are deduplicated against them

A round's line in ``rounds.jsonl`` is written last: records and edges written before a crash
without it are not part of the review (the records file is not read; edges already present are
never written twice), and the next run traces that round again. :func:`round_counts` is what
PRISMA's "citation searching" lane and PRISMA-S report per round.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cen_search.errors import WorkspaceError
from cen_search.fsutil import append_jsonl, atomic_open, read_jsonl
from cen_search.models import Record
from cen_search.spreadsheet import text_row
from cen_search.trace.model import Edge, RoundSummary, TracedRecord, best_id

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

TRACE_DIR = "trace"
ROUNDS = "rounds.jsonl"
EDGES = "edges.jsonl"
RECORDS_DIR = "records"
EDGE_COLUMNS = (
    "citing_openalex",
    "citing_doi",
    "citing_pmid",
    "citing_title",
    "cited_openalex",
    "cited_doi",
    "cited_pmid",
    "cited_title",
    "seed",
    "direction",
    "sources",
    "round",
    "at",
)
"""Columns of the ``--edges`` CSV (one row per citing-cited pair)."""


def trace_dir(workspace: Workspace) -> Path:
    return workspace.root / TRACE_DIR


@dataclass(frozen=True, slots=True)
class RoundCount:
    """One logged round, for PRISMA and PRISMA-S."""

    round: int
    date: str
    """``YYYY-MM-DD`` (UTC) the round was run."""
    direction: str
    sources: tuple[str, ...]
    seeds: int
    records_found: int
    """Distinct works found (after merging the sources)."""
    new_records: int
    """Works left after deduplication against the review."""
    edges: int


def rounds(workspace: Workspace) -> list[dict[str, Any]]:
    """Every line of ``trace/rounds.jsonl``, oldest first."""
    return read_jsonl(trace_dir(workspace) / ROUNDS)


def round_counts(workspace: Workspace) -> list[RoundCount]:
    """Per logged round: records found, new records after deduplication, sources, date."""
    out = []
    for entry in rounds(workspace):
        try:
            out.append(
                RoundCount(
                    round=int(entry["round"]),
                    date=str(entry["at"])[:10],
                    direction=str(entry["direction"]),
                    sources=tuple(str(s) for s in entry["sources"]),
                    seeds=int(entry["seeds"]),
                    records_found=int(entry["found"]),
                    new_records=int(entry["new"]),
                    edges=int(entry["edges"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise WorkspaceError(
                f"{trace_dir(workspace) / ROUNDS}: a round line lacks round, at, direction, "
                "sources, seeds, found, new or edges",
                hint="this log is append-only; restore the line from version control",
            ) from None
    return out


def traced_seeds(workspace: Workspace) -> set[tuple[str, str, str]]:
    """(seed key, direction, source) already traced in this review; a seed no source could
    resolve in its round was not traced."""
    done = set()
    for entry in rounds(workspace):
        unresolved = set(entry.get("unresolved") or [])
        for direction in entry.get("directions", []):
            for source in entry.get("sources", []):
                for seed in set(entry.get("seed_keys", [])) - unresolved:
                    done.add((str(seed), str(direction), str(source)))
    return done


def traced_records(workspace: Workspace) -> list[Record]:
    """The new works of every logged round (what later rounds are deduplicated against)."""
    from cen_search.formats import read_file

    out: list[Record] = []
    folder = trace_dir(workspace)
    for entry in rounds(workspace):
        name = entry.get("records_file")
        if not name:
            continue
        path = (folder / str(name)).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise WorkspaceError(
                f"{folder / ROUNDS}: round {entry.get('round')} names {name}, which is missing "
                "or outside trace/",
                hint="restore trace/records from version control",
            )
        out.extend(read_file(path, format="jsonl").records)
    return out


def known_edges(workspace: Workspace) -> dict[tuple[str, str], set[str]]:
    """(citing, cited) -> sources already stored."""
    known: dict[tuple[str, str], set[str]] = {}
    for entry in read_jsonl(trace_dir(workspace) / EDGES):
        key = best_id(entry.get("citing") or {}), best_id(entry.get("cited") or {})
        known.setdefault(key, set()).update(entry.get("sources") or [])
    return known


def save_round(
    workspace: Workspace,
    summary: RoundSummary,
    *,
    directions: Sequence[str],
    records: Sequence[TracedRecord],
    edges: Sequence[Edge],
    at: _dt.datetime,
) -> dict[str, Any]:
    """Write one round: its new records, the edges not stored yet, then its ``rounds.jsonl``
    line (the commit). Returns that line. The caller holds the review's lock."""
    from cen_search.formats import write_records

    folder = trace_dir(workspace)
    stamp = at.strftime("%Y-%m-%dT%H%M%SZ")
    name = f"{RECORDS_DIR}/round-{summary.round}-{stamp}.jsonl"
    new = [t.record for t in records if t.new]
    if new:
        with atomic_open(folder / name) as fh:
            write_records(new, fh, format="jsonl")
    when = at.isoformat(timespec="seconds").replace("+00:00", "Z")
    known = known_edges(workspace)
    fresh = []
    for edge in edges:
        had = known.setdefault(edge.key, set())
        if not set(edge.sources) <= had:
            fresh.append(edge.to_dict(at=when))
            had.update(edge.sources)
    append_jsonl(folder / EDGES, *fresh)
    line = {
        "round": summary.round,
        "at": when,
        "direction": summary.direction,
        "directions": list(directions),
        "sources": list(summary.sources),
        "seeds": summary.seeds,
        "resolved": summary.resolved,
        "found": summary.found,
        "new": summary.new,
        "edges": summary.edges,
        "requests": dict(summary.requests),
        "seed_keys": list(summary.seed_keys),
        "unresolved": list(summary.unresolved),
        "records_file": name if new else None,
    }
    append_jsonl(folder / ROUNDS, line)
    return line


def write_edges_csv(edges: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """The citation network as CSV (:data:`EDGE_COLUMNS`), one row per citing-cited pair with
    the sources of every line that recorded it (a title Excel would take for a formula is
    written as text, see :func:`~cen_search.spreadsheet.text_cell`); returns the number of
    rows."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in edges:
        citing, cited = entry.get("citing") or {}, entry.get("cited") or {}
        key = best_id(citing), best_id(cited)
        row = merged.get(key)
        if row is None:
            row = merged[key] = {
                **{f"citing_{k}": citing.get(k, "") for k in ("openalex", "doi", "pmid", "title")},
                **{f"cited_{k}": cited.get(k, "") for k in ("openalex", "doi", "pmid", "title")},
                "seed": entry.get("seed", ""),
                "direction": entry.get("direction", ""),
                "sources": set(),
                "round": entry.get("round", ""),
                "at": entry.get("at", ""),
            }
        row["sources"].update(entry.get("sources") or [])
    writer = csv.DictWriter(fh, fieldnames=EDGE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in merged.values():
        writer.writerow(text_row({**row, "sources": ";".join(sorted(row["sources"]))}))
    return len(merged)


def stored_edges(workspace: Workspace) -> list[dict[str, Any]]:
    """Every line of ``trace/edges.jsonl``."""
    return read_jsonl(trace_dir(workspace) / EDGES)


__all__ = [
    "EDGE_COLUMNS",
    "RoundCount",
    "known_edges",
    "round_counts",
    "rounds",
    "save_round",
    "stored_edges",
    "trace_dir",
    "traced_records",
    "traced_seeds",
    "write_edges_csv",
]
