"""The reliability report: ``python -m benchmarks reliability [--quick] [--only SECTION]``.

Each module of this package that defines ``run(quick: bool) -> list[dict]`` is a section
(readers fuzzed, kills at many points, faults injected by a misbehaving server ...). Every row
names a failure class and counts what was tried and what went wrong; the columns are:

``section, class, tried, failures, tracebacks, lost, secrets``

``lost`` counts records or decisions lost or duplicated, ``secrets`` secrets shown; the target
for ``failures``, ``tracebacks``, ``lost`` and ``secrets`` is 0. The command exits 1 when any
of them is not, so it can guard CI (``nox -s reliability``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

COLUMNS = ("section", "class", "tried", "failures", "tracebacks", "lost", "secrets")
BAD = ("failures", "tracebacks", "lost", "secrets")


def sections() -> list[str]:
    """The section modules of this package, in name order."""
    here = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if not info.name.startswith("_")
    )


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[str(row.get(column, "-")) for column in COLUMNS] for row in rows]
    widths = [max(len(c[i]) for c in [list(COLUMNS), *cells]) for i in range(len(COLUMNS))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reliability")
    parser.add_argument("--quick", action="store_true", help="fewer inputs and kill points")
    parser.add_argument("--only", action="append", default=[], help="run only this section")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for name in sections():
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"benchmarks.reliability.{name}")
        run = getattr(module, "run", None)
        if run is None:
            continue
        start = time.perf_counter()
        print(f"[{name}] running ...", file=sys.stderr, flush=True)
        found = run(args.quick)
        print(f"[{name}] {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        rows += [{"section": name, **row} for row in found]
    print(_table(rows))
    bad = {column: sum(int(row.get(column, 0) or 0) for row in rows) for column in BAD}
    print()
    print(", ".join(f"{column}: {count}" for column, count in bad.items()))
    return 1 if any(bad.values()) else 0
