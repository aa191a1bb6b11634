"""The console script's entry point: signals handled before anything heavy is imported.

Importing the CLI (typer, rich, the command groups) takes a moment; Ctrl-C or SIGTERM in that
moment must still end the program quietly with its documented exit code, not with a Python
traceback. So this module imports nothing but the standard library until its handlers are in
place.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def _early_exit(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM while the CLI is still loading: nothing has started, nothing to undo."""
    sys.stderr.write("interrupted before anything was done\n")
    raise SystemExit(EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED)


def main() -> None:
    """``cen-search``: install quiet signal handlers, then load and run the CLI."""
    signal.signal(signal.SIGINT, _early_exit)
    signal.signal(signal.SIGTERM, _early_exit)
    try:
        from cen_search.cli.app import main as run
    except KeyboardInterrupt:  # pragma: no cover - only before our handler was installed
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()
