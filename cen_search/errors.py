"""One exception hierarchy for the whole tool.

Each class knows its exit code; each instance carries a message that names the file and
position where it can, and a hint saying what to do. The CLI translates them to exit codes in
one place (``cen_search.cli._output``); expected failures never show a traceback.

Exit codes (documented in README):

==== ==========================================================================
0    success
1    bad input or a domain error (unreadable file, invalid strategy, workspace problem)
2    usage error (bad option, missing argument, unknown command)
3    a remote service failed after retries, or its quota ran out
4    work needs a human (unresolved duplicate pairs, screening conflicts) with ``--check``
130  interrupted (Ctrl-C)
143  terminated (SIGTERM)
==== ==========================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3
EXIT_NEEDS_HUMAN = 4
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
"""After SIGTERM (128 + 15), as shells report it."""


class CenSearchError(Exception):
    """Base of every expected failure."""

    exit_code: int = EXIT_INPUT
    code: str = "error"
    """Stable kebab-case name of the failure, for scripts reading ``--json`` errors."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(CenSearchError):
    """A file or value given by the user cannot be used."""

    code = "input"


class FileFormatError(InputError):
    """A file cannot be read as the format it claims or was detected as."""

    code = "file-format"

    def __init__(self, message: str, *, path: str, line: int | None = None, hint: str = "") -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line


class EncodingError(FileFormatError):
    """The bytes of a file cannot be decoded with the detected or given encoding."""

    code = "encoding"


class UnknownFormatError(FileFormatError):
    """The format of a file cannot be recognised from its content or extension."""

    code = "unknown-format"


class WorkspaceError(CenSearchError):
    """The review workspace is missing, inconsistent or locked."""

    code = "workspace"


class DamagedLogError(WorkspaceError):
    """An append-only log of the review is damaged (a torn last line): work that depends on
    the whole log stops until ``cen-search repair`` sets the damage aside."""

    code = "log-damaged"


class ConfigError(CenSearchError):
    """A configuration value is missing or invalid."""

    code = "config"


class UsageError(CenSearchError):
    """Options or arguments that cannot work together."""

    code = "usage"

    exit_code = EXIT_USAGE


class StrategyError(InputError):
    """A saved search strategy cannot be parsed or used."""

    code = "strategy"


class RemoteServiceError(CenSearchError):
    """A remote API failed after retries, returned an unusable body, or its quota ran out."""

    code = "remote-service"

    exit_code = EXIT_REMOTE


class NeedsHumanError(CenSearchError):
    """Work is waiting for a person (uncertain duplicate pairs, screening conflicts)."""

    code = "needs-human"

    exit_code = EXIT_NEEDS_HUMAN


class RenderError(CenSearchError):
    """A diagram could not be drawn: no Graphviz renderer, or it failed."""

    code = "render"
