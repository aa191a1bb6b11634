"""Reliability report: ``python -m benchmarks reliability [--quick] [SECTION ...]``.

Every module of this package that defines ``run(quick: bool) -> list[dict]`` is a section
(``readers``: fuzzed and damaged input; ``faults``: a misbehaving API server; ``kills``:
interrupted commands). Each returns one row per failure class::

    {"class": "readers: mutated real exports", "tried": 1200, "failures": 0,
     "tracebacks": 0, "lost": 0, "notes": "hangs 0, silently short 0"}

``tried`` counts inputs, kill points or faults tried; ``failures`` the tries that did not
end as they should (a clear error or a complete result); ``tracebacks`` those that ended in
an uncaught exception; ``lost`` the records or decisions lost without a word (target: 0).
The report prints one table of every section's rows and exits 1 when a row has failures.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

COLUMNS = ("class", "tried", "failures", "tracebacks", "lost")


def sections() -> list[str]:
    """Names of the section modules (those that define ``run``)."""
    here = Path(__file__).parent
    names = []
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "run", None)):
            names.append(info.name)
    return sorted(names)


def table(rows: list[dict[str, Any]]) -> list[str]:
    """The report's lines: one row per failure class, columns aligned, notes last."""
    header = [*COLUMNS, "notes"]
    body = [[str(row.get(c, "")) for c in COLUMNS] + [str(row.get("notes", ""))] for row in rows]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        numbers = (cell.rjust(width) for cell, width in zip(cells[1:-1], widths[1:-1], strict=True))
        return "  ".join([first, *numbers, cells[-1]]).rstrip()

    return [render(header), *(render(cells) for cells in body)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reliability")
    parser.add_argument("names", nargs="*", help=f"sections to run (default all: {sections()})")
    parser.add_argument("--quick", action="store_true", help="fewer tries (a smoke run)")
    args = parser.parse_args(argv)
    chosen = args.names or sections()
    unknown = [n for n in chosen if n not in sections()]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    rows: list[dict[str, Any]] = []
    for name in chosen:
        started = time.perf_counter()
        rows += importlib.import_module(f"{__name__}.{name}").run(args.quick)
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    for line in table(rows):
        print(line)
    sys.stdout.flush()
    return 1 if any(row.get("failures") or row.get("lost") for row in rows) else 0
