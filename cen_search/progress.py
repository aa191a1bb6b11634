"""How long-running library code reports progress without knowing about terminals.

Core functions take an optional ``reporter``; the CLI binds it to a Rich progress bar on
stderr. Library users can pass their own or nothing.
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Receives progress from a long-running step."""

    def start(self, task: str, total: int | None = None) -> None:
        """A step begins; ``total`` units of work are expected when known."""

    def advance(self, amount: int = 1) -> None:
        """``amount`` units of the current step are done."""

    def finish(self) -> None:
        """The current step is done."""

    def note(self, message: str) -> None:
        """A line of chatter for the user (goes to stderr in the CLI)."""


class NullReporter:
    """A reporter that ignores everything (the default)."""

    def start(self, task: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass

    def note(self, message: str) -> None:
        pass


NULL_REPORTER = NullReporter()
