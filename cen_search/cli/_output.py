"""Rendering shared by every command: stderr chatter, JSON on stdout, errors to exit codes.

stdout is data (``--json`` output, converted records); stderr is chatter, progress bars and
error messages. Errors from the core are translated to exit codes here and only here.

Everything printed holds data (file names, queries, titles), so both consoles print text
verbatim by default: rich markup (``[bold]``) and emoji codes (``:100:``) are off unless a
call asks for markup and escapes the data it inserts.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from cen_search.apis.redaction import scrub
from cen_search.errors import EXIT_INPUT, EXIT_INTERRUPTED, CenSearchError
from cen_search.wording import count as count
from cen_search.wording import plural as plural

JSON_SCHEMA_VERSION = 1
"""Version of every ``--json`` document (its ``schema_version`` key)."""


class _State:
    """The global ``-q``/``-v`` flags, set once per run by the app's callback."""

    quiet = False
    verbose = False


state = _State()


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def _console(*, stderr: bool) -> Console:
    """A console that prints strings verbatim: no markup, no emoji codes, no highlighting."""
    return Console(
        stderr=stderr,
        no_color=_no_color(),
        highlight=False,
        soft_wrap=True,
        markup=False,
        emoji=False,
    )


err = _console(stderr=True)
"""Console for chatter, progress and errors (stderr)."""
out = _console(stderr=False)
"""Console for human-readable data on stdout."""


def say(message: str) -> None:
    """Chatter on stderr, silenced by ``-q`` (plain text: brackets in file names are kept)."""
    if not state.quiet:
        err.print(message, markup=False, emoji=False)


def detail(message: str) -> None:
    """Extra chatter on stderr, shown with ``-v``."""
    if state.verbose and not state.quiet:
        err.print(f"[dim]{escape(message)}[/dim]", markup=True, emoji=False)


def warn(message: str) -> None:
    """A warning on stderr (shown even with ``-q``), with any secret removed."""
    err.print(f"[yellow]warning:[/yellow] {escape(scrub(message))}", markup=True, emoji=False)


def warn_long_cells(cells: int, first: str, length: int, keep_whole: str, where: str = "") -> None:
    """Warn that ``cells`` cells of a CSV are longer than an Excel cell holds (``first``
    names the first, of ``length`` characters); ``keep_whole`` says what to use instead."""
    from cen_search.formats._csv_write import EXCEL_CELL_LIMIT

    warn(
        f"{where + ': ' if where else ''}{count(cells, 'cell')} longer than Excel's limit of "
        f"{EXCEL_CELL_LIMIT:,} characters (first: {first}, {length:,}): the file holds them "
        f"whole, but Excel cuts them short; {keep_whole}"
    )


def styled(*parts: str | tuple[str, str]) -> Text:
    """One line built from plain strings and ``(text, style)`` pairs: the text is never read
    as markup or emoji codes, whatever it holds (``styled(("error", "red"), " ", message)``)."""
    return Text.assemble(*parts)


def renamed_option(value: str, old_value: str, *, name: str, old_name: str) -> str:
    """An option given under its name or its older, hidden name (both still work); a usage
    error when both are given with different values."""
    if value and old_value and value != old_value:
        from cen_search.errors import UsageError

        raise UsageError(
            f"{name} {value} and {old_name} {old_value} disagree",
            hint=f"give it once, as {name} ({old_name} is its older name)",
        )
    return value or old_value


SEARCHED_ON_HELP = "Date the search was run: YYYY-MM-DD."
"""Help of ``--searched-on``, the one name of the date searched (``import``, ``strategy new``;
``--searched`` is its older, hidden name)."""


def echo(text: str = "") -> None:
    """A line of human-readable data on stdout, exactly as given (no markup, no wrapping)."""
    sys.stdout.write(text + "\n")


def table_lines(
    rows: Sequence[Sequence[str]], *, indent: str = "  ", numbers_right: bool = True
) -> list[str]:
    """``rows`` as aligned text columns two spaces apart (trailing spaces cut); with
    ``numbers_right`` a cell of digits after the first column is right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i])
            if numbers_right and i and cell.replace(",", "").isdigit()
            else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def emit_json(payload: dict[str, Any]) -> None:
    """Write one JSON document to stdout with a ``schema_version`` key."""
    document = {"schema_version": JSON_SCHEMA_VERSION, **payload}
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=_default))
    sys.stdout.write("\n")
    sys.stdout.flush()


class RichReporter:
    """A :class:`cen_search.progress.Reporter` drawn as a Rich progress bar on stderr."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: Any = None

    def start(self, task: str, total: int | None = None) -> None:
        self.finish()
        if state.quiet or not err.is_terminal:
            return
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(task, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def note(self, message: str) -> None:
        say(message)

    def countdown(self, seconds: float, reason: str) -> None:
        """Wait ``seconds`` (a service asked, or a retry backs off), showing why and how long
        is left: a countdown line on a terminal, one message otherwise. The HTTP layer's
        waiter (see :func:`cen_search.apis.http.make_session`)."""
        if seconds < 1:
            time.sleep(max(0.0, seconds))
            return
        if state.quiet or not err.is_terminal:
            if not state.quiet:
                say(f"{reason}: waiting {seconds:.0f} s")
            time.sleep(seconds)
            return
        progress = self._progress
        own = progress is None
        if progress is None:
            progress = Progress(
                TextColumn("{task.description}"), BarColumn(), console=err, transient=True
            )
            progress.start()
        task = progress.add_task(f"{reason}: {seconds:.0f} s left", total=seconds)
        end = time.monotonic() + seconds
        try:
            while (left := end - time.monotonic()) > 0:
                time.sleep(min(1.0, left))
                left = max(0.0, end - time.monotonic())
                progress.update(
                    task,
                    completed=seconds - left,
                    description=f"{reason}: {math.ceil(left)} s left",
                )
        finally:
            progress.remove_task(task)
            if own:
                progress.stop()


def error_json(exc: CenSearchError) -> dict[str, Any]:
    """An expected failure as the ``error`` object of ``--json`` output (secrets removed)."""
    return {
        "code": exc.code,
        "message": scrub(exc.message),
        "hint": scrub(exc.hint),
        "exit_code": exc.exit_code,
    }


def render_error(exc: CenSearchError) -> None:
    """Print an expected failure as ``error: message`` plus its hint. Every secret the process
    has seen, and anything that looks like one (``api_key=...``), is removed first, whatever
    part of the tool or which service the message came from."""
    err.print(
        f"[bold red]error:[/bold red] {escape(scrub(exc.message))}",
        markup=True,
        highlight=False,
        emoji=False,
    )
    if exc.hint:
        err.print(f"  hint: {scrub(exc.hint)}", markup=False, highlight=False, emoji=False)


def render_interrupted() -> None:
    """Say that Ctrl-C stopped the command (every write is atomic, so nothing is torn)."""
    err.print("interrupted; nothing was left half-written", markup=False, emoji=False)


@contextlib.contextmanager
def boundary() -> Iterator[None]:
    """Translate expected failures into exit codes; the one place that does so."""
    try:
        yield
    except CenSearchError as exc:
        render_error(exc)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        render_interrupted()
        raise SystemExit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # `cen-search ... | head`: the reader went away; that is not an error.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        raise SystemExit(0) from None
    except OSError as exc:
        # A file-system failure the core did not foresee (disk full, permissions): still an
        # expected kind of failure, so a message and exit code 1, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        render_error(
            CenSearchError(
                f"{where}{exc.strerror or exc}",
                hint="check the path, its permissions and the free disk space",
            )
        )
        raise SystemExit(EXIT_INPUT) from None
