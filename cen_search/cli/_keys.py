"""Keys typed at the terminal, read for as long as an interactive session lasts.

``typer.getchar`` puts the terminal in raw mode for each read and back after it. Entering raw
mode flushes what was typed and not read yet (``tty.setraw`` uses ``TCSAFLUSH``), and one read
takes at most 32 bytes: keys typed while the program was busy, the end of a pasted note, and
a letter of several bytes cut by a read's end were lost. :func:`terminal_keys` sets the mode
once for the whole session (no echo, no line editing, Ctrl-C as a key; output as usual),
reads everything waiting, and decodes UTF-8 across reads.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections.abc import Callable, Iterator

KeySource = Callable[[], str]
"""Each call: what was typed since the last one (at least one key; empty at end of input)."""


@contextlib.contextmanager
def terminal_keys() -> Iterator[KeySource]:
    """Read keys from standard input (a terminal) until the ``with`` block ends, when the
    terminal's settings are restored. Ctrl-C raises :class:`KeyboardInterrupt` when read, as
    ``typer.getchar`` does."""
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    mode[6][termios.VMIN] = 1
    mode[6][termios.VTIME] = 0
    decoder = codecs.getincrementaldecoder(sys.stdin.encoding or "utf-8")("replace")

    def read() -> str:
        while True:
            chunk = os.read(fd, 1024)
            if not chunk:
                return decoder.decode(b"", final=True)
            text = decoder.decode(chunk)
            if "\x03" in text:
                raise KeyboardInterrupt
            if text:
                return text

    termios.tcsetattr(fd, termios.TCSANOW, mode)  # TCSANOW: what was typed ahead stays
    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
