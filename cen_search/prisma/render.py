"""Running Graphviz: a system ``dot`` when one is installed, else ``graphviz-pure``.

``graphviz-pure`` (a PyPI wheel, a dependency of cen-search) is a self-contained port of
Graphviz 16.1 with ``dot``'s command line, installed as the ``graphviz-pure`` command (it never
installs a ``dot`` that could shadow a real Graphviz). The ``graphviz`` Python package builds
the DOT but only ever runs a program called ``dot``, so the renderer is found and run here:

1. ``[prisma] renderer`` in ``cen-search.toml`` (a command name or path), when set;
2. ``dot`` on ``PATH`` (a system Graphviz);
3. ``graphviz-pure`` beside the running Python (the same virtual environment), else on
   ``PATH``.

Every rendering is ``-Kneato -n2`` (positions and sizes as given, nothing laid out again).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cen_search.errors import RenderError

TIMEOUT = 120
"""Seconds a rendering may take (it takes well under one)."""


@dataclass(frozen=True, slots=True)
class Renderer:
    """A Graphviz program with ``dot``'s command line."""

    command: str
    """Path of the program."""
    name: str
    """``dot`` (a system Graphviz), ``graphviz-pure``, or the configured command."""

    def run(self, source: str, *, fmt: str, pinned: bool = True) -> bytes:
        """Render ``source`` to ``fmt`` (``svg``, ``png``, ``plain``) and return the bytes;
        :class:`RenderError` with Graphviz's own message when it fails. ``pinned``: positions
        as given (``neato -n2``); else laid out by ``dot`` (measuring, small pictures)."""
        layout = ["-Kneato", "-n2"] if pinned else ["-Kdot"]
        args = [self.command, *layout, f"-T{fmt}", "-q"]
        try:
            done = subprocess.run(
                args,
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(
                f"{self.name} ({self.command}) could not draw the diagram: {exc}",
                hint="check the renderer (cen-search prisma --help says how it is chosen)",
            ) from None
        if done.returncode != 0 or not done.stdout:
            message = done.stderr.decode("utf-8", "replace").strip() or "no output"
            raise RenderError(
                f"{self.name} failed to draw the diagram (exit {done.returncode}): {message}",
                hint="write the DOT source (-o prisma.dot) and report it with this message",
            )
        return done.stdout


def _beside_python(name: str) -> str | None:
    """``name`` in the folder of the running interpreter's scripts (a virtual environment
    that is not activated still has its commands there)."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    return None


def find_renderer(configured: str = "") -> Renderer:
    """The renderer to use (see the module docstring for the order)."""
    configured = configured.strip()
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        if not found:
            raise RenderError(
                f"[prisma] renderer = {configured!r}: no such program",
                hint="give the path of Graphviz's dot or graphviz-pure, or remove the setting",
            )
        return Renderer(found, Path(configured).name)
    system = shutil.which("dot")
    if system:
        return Renderer(system, "dot")
    pure = _beside_python("graphviz-pure") or shutil.which("graphviz-pure")
    if pure:
        return Renderer(pure, "graphviz-pure")
    raise RenderError(
        "no Graphviz renderer: neither dot nor graphviz-pure was found",
        hint="pip install graphviz-pure (a dependency of cen-search), or install Graphviz",
    )
