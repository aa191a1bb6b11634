"""Helpers for the screening tests: a small review workspace, and events made by hand."""

from __future__ import annotations

import itertools
from pathlib import Path

from cen_search.screening.events import Event
from cen_search.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "screening"
REASONS = """
[screening]
reasons = ["wrong population", "wrong setting", "not qualitative", "not in English"]
include_terms = ["qualitative", "clinician*"]
exclude_terms = ["forensic", "adolescent*"]
"""
FILES = (("medline.ris", "MEDLINE"), ("embase.ris", "Embase"))


def make_review(
    root: Path,
    *,
    files: tuple[tuple[str, str], ...] = FILES,
    settings: str = REASONS,
    dedupe: bool = True,
) -> Workspace:
    """A review with the small test exports imported (and deduplicated, clusters.csv
    written): 10 records, 8 reports (two reports have a MEDLINE and an Embase copy)."""
    from cen_search.dedupe.workspace_run import run_in_workspace

    Workspace.init(root, title="Screening test", contact_email="team@example.org")
    with open(root / "cen-search.toml", "a", encoding="utf-8") as fh:
        fh.write(settings)
    ws = Workspace(root)
    for name, database in files:
        ws.import_file(DATA / name, database=database, searched="2019-12-05")
    if dedupe:
        run_in_workspace(ws)
    return Workspace(root)


_ids = itertools.count(1)


def ev(
    event: str,
    target: str | tuple[str, ...] = "r1",
    *,
    by: str = "ann",
    at: str = "",
    **values: object,
) -> Event:
    """An event about the records ``target`` (uids), with a fresh increasing id."""
    n = next(_ids)
    targets = (target,) if isinstance(target, str) else target
    return Event(
        id=f"{n:024d}",
        at=at or f"2026-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00",
        round="base",
        by=by,
        event=event,
        target=targets,
        **values,  # type: ignore[arg-type]
    )


def locate_by_uid(reports: dict[str, str]):  # type: ignore[no-untyped-def]
    """A locate function: record uid -> report id (uids not in ``reports`` are orphans)."""

    def locate(target, refs):  # type: ignore[no-untyped-def]
        return tuple(sorted({reports[u] for u in target if u in reports}))

    return locate
