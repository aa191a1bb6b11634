"""The deduplication benchmark: ``python -m benchmarks dedupe`` (see :mod:`.run`)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Entry point used by ``python -m benchmarks dedupe``."""
    from benchmarks.dedupe.run import main as run

    return run(argv)
