"""The ``cen-search`` command: global options and the command groups.

Each command group lives in its own module with a ``register(app)`` function; heavy imports
happen inside the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import typer

from cen_search import __version__
from cen_search.cli import _help, _output
from cen_search.errors import EXIT_INTERRUPTED, EXIT_TERMINATED

app = _help.Typer(
    name="cen-search",
    help=(
        "Search, import, deduplicate, trace and report the searches behind systematic and "
        "living reviews.\n\nExample: cen-search dedupe medline.ris embase.ris -o unique.ris"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    """``--version``: print it and stop before any command runs."""
    if value:
        typer.echo(f"cen-search {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and warnings on stderr."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="More detail on stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    directory: Path | None = typer.Option(
        None,
        "-C",
        "--directory",
        metavar="DIR",
        help="Run as if cen-search was started in DIR (e.g. a review folder).",
    ),
) -> None:
    _output.state.quiet = quiet
    _output.state.verbose = verbose
    if directory is not None:
        if not directory.is_dir():
            raise typer.BadParameter(f"{directory} is not a folder", param_hint="-C")
        os.chdir(directory)


def _register_all() -> None:
    """Add every command group; each module imports its heavy dependencies lazily."""
    from cen_search.cli import (
        config_cmd,
        dedupe,
        files,
        prisma,
        screen,
        strategy,
        trace,
        update,
        workspace_cmds,
    )

    for module in (
        files,
        workspace_cmds,
        dedupe,
        screen,
        strategy,
        trace,
        prisma,
        update,
        config_cmd,
    ):
        module.register(app)


_register_all()


class Interrupted(BaseException):
    """Raised by the SIGINT and SIGTERM handlers; a BaseException so no ``except Exception``
    swallows it, and every ``finally`` on the way (removing temporary files, releasing the
    lock) still runs."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED


def _on_signal(signum: int, frame: object) -> None:
    """SIGINT/SIGTERM handler: unwind to :func:`main` however deep the command is."""
    raise Interrupted(signum)


_ANYWHERE = frozenset({"-q", "--quiet", "-v", "--verbose"})
"""Global flags also accepted after the command (no command has options of these names)."""


def hoist_global_flags(args: list[str]) -> list[str]:
    """``cen-search dedupe FILE -q`` as ``cen-search -q dedupe FILE``: ``-q``/``-v`` given
    after the command are moved to the front, where the group parses them (nothing after
    ``--`` is touched)."""
    cut = args.index("--") if "--" in args else len(args)
    head = args[:cut]
    flags = [arg for arg in head if arg in _ANYWHERE]
    if not flags:
        return args
    return flags + [arg for arg in head if arg not in _ANYWHERE] + args[cut:]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and ``python -m cen_search``."""
    args = hoist_global_flags(sys.argv[1:] if argv is None else list(argv))
    previous: dict[int, Any] = {}
    try:
        # installed inside the try: a signal arriving between two installs still ends here
        for installed in (signal.SIGINT, signal.SIGTERM):
            previous[installed] = signal.signal(installed, _on_signal)
        with _output.boundary():
            app(args=args, prog_name="cen-search")
    except Interrupted as stop:
        _output.render_interrupted()
        sys.exit(stop.exit_code)
    finally:
        # A signal arriving while the handlers are put back must not raise Interrupted here,
        # outside the handling above: hold signals until the previous handlers are in place.
        signals = set(previous)
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)
        try:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
