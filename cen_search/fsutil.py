"""Crash-safe file operations: atomic replace, append-only JSON Lines logs, a workspace lock.

Every write the tool makes goes through here, so that a crash or Ctrl-C at any moment leaves
either the old file or the new one, never half of one, and logs only ever grow by whole lines.

Three promises hold for every write:

* **Atomic.** A file is written to a temporary file beside it (``.<name>.<random>.tmp``), synced
  and renamed over the target; a log line is appended in one ``write`` call and synced.
* **The umask is honoured.** New files get ``0o666 & ~umask`` (what ``open()`` would give), a
  replaced file keeps its mode.
* **No write leaves a review through a link.** Once a review folder is registered with
  :func:`confine`, a write to a path inside it whose real location is outside it (a symlinked
  ``imports/medline``, ``dedupe/`` or ``log.jsonl``) is refused with a :class:`WorkspaceError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO, cast

from cen_search.errors import DamagedLogError, InputError, WorkspaceError

TEMP_SUFFIX = ".tmp"
"""Suffix of the temporary files atomic writes make (``.<name>.<random>.tmp``)."""
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")

# -- permissions ---------------------------------------------------------------------------

_umask: int | None = None


def umask() -> int:
    """The process umask (read once: setting it back at once is the only portable way)."""
    global _umask
    if _umask is None:
        _umask = os.umask(0o022)
        os.umask(_umask)
    return _umask


def new_file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file: ``0o666`` less the umask."""
    return 0o666 & ~umask()


# -- confinement ---------------------------------------------------------------------------

_roots: set[Path] = set()


def confine(root: str | Path) -> None:
    """Refuse, from now on, writes into ``root`` that a symlink would carry outside it."""
    _roots.add(Path(os.path.abspath(root)))


def check_confined(path: str | Path) -> Path:
    """``path`` itself, after checking that, if it lies inside a confined review folder, its
    real location (all links followed) does too; a :class:`WorkspaceError` naming the link
    otherwise."""
    given = Path(os.path.abspath(path))
    for root in _roots:
        if not given.is_relative_to(root):
            continue
        real_root = root.resolve()
        real = given.resolve()
        if not real.is_relative_to(real_root):
            link = _first_link(root, given)
            raise WorkspaceError(
                f"{link}: is a link to {link.resolve()}, outside the review {root}; "
                "nothing was written through it",
                hint="replace the link with a real folder or file inside the review "
                "(a review keeps its own files), then run the command again",
            )
    return Path(path)


def _first_link(root: Path, path: Path) -> Path:
    """The first component of ``path`` below ``root`` that is a symbolic link."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return current
    return path  # pragma: no cover - only reached when root itself moved meanwhile


def _make_parent(path: Path) -> None:
    check_confined(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_confined(path)


# -- atomic writes -------------------------------------------------------------------------


@contextlib.contextmanager
def _replace_when_done(
    path: Path, mode: str, *, sync: bool = True, **options: Any
) -> Iterator[IO[Any]]:
    """A temporary file beside ``path``, opened with ``mode``; when the block succeeds it is
    flushed, synced (unless ``sync`` is False) and renamed over ``path``, when it fails (or is
    interrupted) it is removed."""
    _make_parent(path)
    try:
        keep = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        keep = new_file_mode()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        os.fchmod(fd, keep)
        with os.fdopen(fd, mode, **options) as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            raise _naming(exc, path) from None
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` about ``path``: a full disk or a read-only folder is reported against the file
    the user knows, not the temporary file beside it (or no file at all)."""
    named = OSError(exc.errno, exc.strerror or str(exc), str(path))
    named.__cause__ = exc
    return named


def atomic_write_bytes(path: str | Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.
    ``sync=False`` skips the fsync, for rebuildable files that are checked when read (caches):
    a crash can then lose the file but never leave half of it under its name."""
    with _replace_when_done(Path(path), "wb", sync=sync) as fh:
        fh.write(data)


def atomic_write_text(
    path: str | Path, text: str, *, encoding: str = "utf-8", sync: bool = True
) -> None:
    """Text version of :func:`atomic_write_bytes` (``\\n`` line endings kept as given)."""
    atomic_write_bytes(path, text.encode(encoding), sync=sync)


@contextlib.contextmanager
def atomic_open(
    path: str | Path, *, encoding: str = "utf-8", newline: str | None = ""
) -> Iterator[TextIO]:
    """Open a text file for writing that appears at ``path`` only when the block succeeds."""
    with _replace_when_done(Path(path), "w", encoding=encoding, newline=newline) as fh:
        yield cast(TextIO, fh)


def temp_leftovers(folder: str | Path) -> list[Path]:
    """Temporary files of atomic writes that a killed process left under ``folder``."""
    root = Path(folder)
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        found += [Path(dirpath) / name for name in filenames if _TEMP_NAME.match(name)]
    return sorted(found)


# -- append-only logs ----------------------------------------------------------------------


def _tail_state(path: Path) -> tuple[int, bytes]:
    """The size of the file and its unfinished last line (``b""`` when it ends with a
    newline or is empty)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if not size:
            return 0, b""
        start = max(0, size - (1 << 20))
        fh.seek(start)
        tail = fh.read()
    if tail.endswith(b"\n"):
        return size, b""
    cut = tail.rfind(b"\n")
    if cut < 0 and start:  # a last line over 1 MiB: read it whole
        with open(path, "rb") as fh:
            data = fh.read()
        cut, tail = data.rfind(b"\n"), data
    return size, tail[cut + 1 :]


def _complete_object(line: bytes) -> bool:
    """True when an unfinished last line is nevertheless a whole JSON object (its newline
    was lost, e.g. by a hand edit): it is kept, not treated as torn."""
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def torn_tail(path: str | Path) -> bytes:
    """The bytes of an unfinished, unreadable last line of a log (``b""`` when there is
    none): what a crash or a cut leaves. See :func:`set_aside_torn`."""
    path = Path(path)
    if not path.is_file():
        return b""
    _, tail = _tail_state(path)
    return b"" if not tail.strip() or _complete_object(tail) else tail


def _torn_error(path: Path, tail: bytes) -> DamagedLogError:
    return DamagedLogError(
        f"{path}: its last line is cut short ({len(tail)} bytes: "
        f"{tail[:60].decode('utf-8', 'replace')!r}...); what it recorded is lost",
        hint="run cen-search repair to set the damaged line aside (its bytes are kept in "
        f"{path.name}.torn) and carry on, or restore the file from version control",
    )


def set_aside_torn(path: str | Path) -> int:
    """Move a torn last line of the log at ``path`` into ``<path>.torn`` (appended, never
    overwritten) and cut it from the log; returns the number of bytes moved (0: none)."""
    path = check_confined(path)
    tail = torn_tail(path)
    if not tail:
        return 0
    side = path.with_name(path.name + ".torn")
    check_confined(side)
    _append_bytes(side, tail + b"\n")  # kept first: the log is cut only once they are safe
    size = path.stat().st_size
    with open(path, "rb+") as fh:
        fh.truncate(size - len(tail))
        fh.flush()
        os.fsync(fh.fileno())
    return len(tail)


def append_jsonl(path: str | Path, *entries: dict[str, Any]) -> None:
    """Append whole JSON lines to an append-only log in one ``write`` call, then fsync.

    A log whose last line is torn is never appended to (that would bury the damage): a
    :class:`DamagedLogError` says to run ``cen-search repair``.
    """
    if not entries:
        return
    path = Path(path)
    _make_parent(path)
    payload = "".join(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for entry in entries
    ).encode("utf-8")
    _, tail = _tail_state(path) if path.exists() else (0, b"")
    if tail:
        if not _complete_object(tail):
            raise _torn_error(path, tail)
        payload = b"\n" + payload  # a whole last object that lost its newline
    _append_bytes(path, payload)


def _append_bytes(path: Path, payload: bytes) -> None:
    """Append ``payload`` to ``path`` whole, and sync; on failure the file is as it was.

    ``write`` may store only part of what it is given (a disk that fills up midway) and
    report the rest as an error on the next call: the part written is cut off again (unless
    something else has appended meanwhile), so a full disk never leaves a torn last line
    behind a command that went on as if the entry had been recorded."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, new_file_mode())
    try:
        start = os.fstat(fd).st_size
        written = 0
        try:
            while written < len(payload):
                written += os.write(fd, payload[written:])
            os.fsync(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                if written and os.fstat(fd).st_size == start + written:
                    os.ftruncate(fd, start)
                    os.fsync(fd)
            raise _naming(exc, path) from None
    finally:
        os.close(fd)


def read_jsonl(path: str | Path, *, allow_torn: bool = False) -> list[dict[str, Any]]:
    """Read an append-only JSON Lines log.

    A corrupt line in the middle is an error naming its line. A torn last line (an append cut
    short) is a :class:`DamagedLogError` too, unless ``allow_torn``: then it is left out.
    """
    path = Path(path)
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    with open(path, "rb") as fh:
        data = fh.read()
    lines = data.split(b"\n")
    last = len(lines)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            if number == last:  # no newline after it: torn
                if allow_torn:
                    continue
                raise _torn_error(path, raw) from None
            raise WorkspaceError(
                f"{path}:{number}: not a JSON line",
                hint="this log is append-only; restore the line from version control",
            ) from None
        if not isinstance(value, dict):
            raise WorkspaceError(f"{path}:{number}: expected a JSON object")
        entries.append(value)
    return entries


# -- lock and checksums --------------------------------------------------------------------


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the duration of the block."""
    path = Path(path)
    _make_parent(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, new_file_mode())
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
