"""The reliability report: ``python -m benchmarks reliability [--quick]``.

Every module of this package that defines ``run(quick: bool) -> list[dict]`` is a section;
each returns rows with the keys of :data:`COLUMNS` (one row per failure class). The report
prints them as one table; the target is zero failures, tracebacks, lost items and secrets.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

COLUMNS = ("class", "tried", "failures", "tracebacks", "lost", "secrets")


def sections() -> list[str]:
    """Names of the section modules, in alphabetical order."""
    here = Path(__file__).parent
    return sorted(i.name for i in pkgutil.iter_modules([str(here)]) if not i.name.startswith("_"))


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    rows: list[dict] = []
    for name in sections():
        module = importlib.import_module(f"{__name__}.{name}")
        run = getattr(module, "run", None)
        if run is not None:
            rows.extend(run(quick))
    table = [COLUMNS, *[tuple(str(row.get(c, "")) for c in COLUMNS) for row in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    for row in table:
        print("  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(row)))
    bad = sum(int(row.get(c, 0)) for row in rows for c in COLUMNS[2:])
    print(
        f"\n{len(rows)} classes, {sum(int(r.get('tried', 0)) for r in rows)} tried; "
        f"{bad} failures, tracebacks, lost items or secrets in total"
    )
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
