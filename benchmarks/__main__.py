"""Run one benchmark by name: ``python -m benchmarks readers [options]``.

A benchmark is a module or package ``benchmarks.<name>`` with ``main(argv: list[str]) -> int``.
``python -m benchmarks`` alone lists them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmarks in this package."""
    here = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if not info.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    names = available()
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m benchmarks NAME [options]\n\nbenchmarks: " + ", ".join(names))
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in names:
        print(f"unknown benchmark {name!r}; choose from: {', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"benchmarks.{name}")
    run = getattr(module, "main", None)
    if run is None:
        print(f"benchmarks.{name} has no main(argv)", file=sys.stderr)
        return 2
    return int(run(rest) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
