"""Screening fold and imports: ``python -m benchmarks screening``.

1. **fold**: :func:`cen_search.screening.fold.fold_events` plus the outcome of every report,
   on synthetic logs (``--sizes`` reports, two reviewers voting on each at title/abstract,
   10% conflicts resolved, the includes voted at full text, 5% of votes changed later).
2. **review**: the real Rayyan review in ``../shared/data/screening`` (1,224 records): the
   articles export imported into a review workspace, then ``cen-search screen import`` of its
   ``customizations_log.csv`` and of the articles export (matching, checking, appending), and
   :func:`cen_search.screening.flow.flow_state` over the result (reading the imports, the
   dedupe grouping from ``clusters.csv``, the logs, the fold, agreement).

Prints seconds (best of ``--repeat``) per step. Options: ``--sizes 1000 10000 100000``,
``--repeat 3``, ``--shared PATH``.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cen_search.screening.config import ScreeningConfig
from cen_search.screening.events import Event
from cen_search.screening.fold import fold_events
from cen_search.screening.outcomes import report_state
from cen_search.screening.reports import Report

REPO = Path(__file__).resolve().parents[1]


def _best(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def synthetic_log(n: int, seed: int = 1) -> list[Event]:
    rnd = random.Random(seed)
    events: list[Event] = []
    clock = 0

    def add(kind: str, uid: str, by: str, **values: object) -> None:
        nonlocal clock
        clock += 1
        events.append(
            Event(
                id=f"{clock:024d}",
                at=f"2026-01-01T00:00:00.{clock:09d}",
                round="base",
                by=by,
                event=kind,
                target=(uid,),
                **values,  # type: ignore[arg-type]
            )
        )

    for i in range(n):
        uid = f"db/fp:{i}"
        include = rnd.random() < 0.1
        first = "include" if include else "exclude"
        second = first if rnd.random() > 0.1 else ("exclude" if include else "include")
        add("vote", uid, "ann", stage="ta", decision=first)
        add("vote", uid, "bob", stage="ta", decision=second)
        if first != second:
            add("resolve", uid, "cy", stage="ta", decision="include", method="discussion")
        if rnd.random() < 0.05:
            add("vote", uid, "ann", stage="ta", decision=second)
        if include or first != second:
            add("vote", uid, "ann", stage="ft", decision="exclude", reasons=("wrong setting",))
    return events


def _folder(
    events: list[Event], reports: dict[str, str], shells: list[Report], config: ScreeningConfig
) -> Callable[[], None]:
    def locate(target, refs):  # type: ignore[no-untyped-def]
        return tuple(reports[u] for u in target if u in reports)

    def run() -> None:
        folded = fold_events(events, locate)
        for shell in shells:
            report_state(shell, folded.report(shell.report_id), config)

    return run


def bench_fold(sizes: list[int], repeat: int) -> list[tuple[str, int, int, float]]:
    config = ScreeningConfig(reasons=("wrong population", "wrong setting"))
    rows = []
    for n in sizes:
        events = synthetic_log(n)
        reports = {f"db/fp:{i}": f"R{i}" for i in range(n)}
        shells = [Report(f"R{i}", (i,), (f"db/fp:{i}",), i, "base", "dbr") for i in range(n)]

        rows.append(
            (
                "fold + outcomes (synthetic)",
                n,
                len(events),
                _best(_folder(events, reports, shells, config), repeat),
            )
        )
    return rows


def bench_review(shared: Path, repeat: int) -> list[tuple[str, int, int, float]]:
    from cen_search.dedupe.workspace_run import run_in_workspace
    from cen_search.screening.actions import record
    from cen_search.screening.flow import flow_state, load_screening
    from cen_search.screening.importing import import_tool_file
    from cen_search.screening.tools.base import ToolOptions
    from cen_search.workspace import Workspace

    articles = shared / "data" / "screening" / "rayyan-articles_fagnersutel.csv"
    log = shared / "data" / "screening" / "rayyan-customizations-log_fagnersutel.csv"
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "review"
        Workspace.init(root, title="bench", contact_email="bench@example.org")
        Workspace(root).import_file(articles, database="Scopus")
        run_in_workspace(Workspace(root))
        ws = Workspace(root)
        added = 0
        for path in (log, articles):
            start = time.perf_counter()
            screening = load_screening(ws)
            found = import_tool_file(screening, path, ws=ws, tool="rayyan", options=ToolOptions())
            added += record(ws, found.events)
            seconds = time.perf_counter() - start
            rows.append(
                (f"screen import --from rayyan {path.name[:22]}", 1224, len(found.events), seconds)
            )
        seconds = _best(lambda: flow_state(Workspace(root)), repeat)
        rows.append(("flow_state (Rayyan review)", 1224, added, seconds))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks screening")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shared", default=None)
    args = parser.parse_args(argv)
    rows = bench_fold(args.sizes, args.repeat)
    candidates = [args.shared, os.environ.get("CEN_SEARCH_SHARED"), str(REPO.parent / "shared")]
    shared = next(
        (Path(c) for c in candidates if c and (Path(c) / "data" / "screening").is_dir()), None
    )
    if shared is not None:
        rows += bench_review(shared, args.repeat)
    else:
        print("(../shared not found: the real-review rows are skipped; give --shared PATH)")
    print(f"{'step':<52} {'reports':>8} {'events':>8} {'seconds':>8}")
    for step, reports, events, seconds in rows:
        print(f"{step:<52} {reports:>8} {events:>8} {seconds:>8.3f}")
    return 0
