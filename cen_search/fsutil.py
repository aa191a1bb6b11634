"""Crash-safe file operations: atomic replace, append-only JSON Lines logs, a workspace lock.

Every write the tool makes goes through here, so that a crash or Ctrl-C at any moment leaves
either the old file or the new one, never half of one, and logs only ever grow by whole lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO, cast

from cen_search.errors import InputError, WorkspaceError


@contextlib.contextmanager
def _replace_when_done(path: Path, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, opened with ``mode``; when the block succeeds it is
    flushed, synced and renamed over ``path``, when it fails it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **options) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    with _replace_when_done(Path(path), "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Text version of :func:`atomic_write_bytes` (``\\n`` line endings kept as given)."""
    atomic_write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def atomic_open(
    path: str | Path, *, encoding: str = "utf-8", newline: str | None = ""
) -> Iterator[TextIO]:
    """Open a text file for writing that appears at ``path`` only when the block succeeds."""
    with _replace_when_done(Path(path), "w", encoding=encoding, newline=newline) as fh:
        yield cast(TextIO, fh)


def append_jsonl(path: str | Path, *entries: dict[str, Any]) -> None:
    """Append whole JSON lines to an append-only log in one ``write`` call, then fsync."""
    if not entries:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for entry in entries
    ).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        # A line left unfinished by a crash never became an entry: cut it off before appending.
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb+") as repair:
                repair.seek(max(0, size - 65536))
                tail = repair.read()
                if not tail.endswith(b"\n"):
                    cut = tail.rfind(b"\n")
                    repair.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read an append-only JSON Lines log; a torn or corrupt line is an error naming its line."""
    path = Path(path)
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                if not line.endswith("\n"):
                    # torn final line from an interrupted append: ignore it, it never completed
                    continue
                raise WorkspaceError(
                    f"{path}:{number}: not a JSON line",
                    hint="this log is append-only; restore the line from version control",
                ) from None
            if not isinstance(value, dict):
                raise WorkspaceError(f"{path}:{number}: expected a JSON object")
            entries.append(value)
    return entries


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the duration of the block."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: best effort, no lock
            pass
        except BlockingIOError:
            raise WorkspaceError(
                f"another cen-search command is working in this review ({path})",
                hint="wait for it to finish, then run the command again",
            ) from None
        yield
    finally:
        os.close(fd)


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of a regular file; :class:`InputError` for anything else.

    A device (``/dev/zero``, endless), a FIFO (blocks until a writer comes), a socket or a
    folder is refused before it is opened for reading; the file is opened without following
    it into a device (``O_NONBLOCK`` keeps a FIFO swapped in between from blocking) and
    checked again once open.
    """
    path = Path(path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(before.st_mode):
        kind = "a folder" if stat.S_ISDIR(before.st_mode) else "not a regular file"
        raise InputError(
            f"{path}: is {kind} (a device, pipe or socket is never read)",
            hint="name an export file saved on disk",
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror})", hint="check the file's permissions"
        ) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise InputError(f"{path}: is not a regular file", hint="name an export file")
        return fh.read()


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
