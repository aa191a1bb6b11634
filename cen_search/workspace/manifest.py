"""The imports manifest (``imports/manifest.jsonl``) and how raw copies are named.

One JSON line per import, append-only. A line is never rewritten: a later version of the tool
reads older lines (missing keys take defaults) and ignores keys it does not know.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from cen_search.config_values import check_date
from cen_search.errors import UsageError, WorkspaceError
from cen_search.fsutil import sha256_file

if TYPE_CHECKING:
    from cen_search.workspace.core import Workspace


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One line of the manifest: a raw export kept in the review and what it held."""

    id: str
    """First 12 hex digits of the checksum (the prefix of its records' ids)."""
    file: str
    """Raw copy, workspace-relative with ``/`` (``imports/medline/2024-03-01_medline.ris``)."""
    original_name: str
    """File name the user imported."""
    sha256: str
    size: int
    """Bytes."""
    format: str
    """Registry name of the format it was read as; used again when it is re-read."""
    encoding: str
    """Encoding it was decoded with; used again when it is re-read."""
    records: int
    skipped: int
    """Records or blocks that could not be read."""
    warnings: int
    database: str
    """Database searched, as declared with ``--database``."""
    platform: str = ""
    """Interface searched (``--platform``), e.g. Ovid, EBSCOhost; may be empty."""
    searched: str = ""
    """Date the search was run (``YYYY-MM-DD``); may be empty."""
    strategy: str = ""
    """Workspace-relative path of the saved strategy that produced it; may be empty."""
    imported_at: str = ""
    """UTC time of the import (ISO 8601)."""
    round: str = ""
    """The review round it belongs to (``""``: the first round, see
    :mod:`cen_search.workspace.rounds`)."""
    method: str = "database"
    """How the records were identified, for PRISMA's lanes: ``database`` or ``register``
    (databases and registers), or an other method (``citation``, ``website``,
    ``organisation``, ``call-for-evidence``, ``other``)."""

    def to_json(self) -> dict[str, Any]:
        """The manifest line (every field, in declaration order)."""
        return asdict(self)

    def differences(self, *, database: str, platform: str, searched: str) -> tuple[str, ...]:
        """A note when metadata given for the same bytes differs from what was recorded."""
        given = {"database": database, "platform": platform, "searched": searched}
        differ = [
            f"{name} {getattr(self, name)!r}" if getattr(self, name) else f"no {name}"
            for name, value in given.items()
            if value and value.casefold() != getattr(self, name).casefold()
        ]
        if not differ:
            return ()
        return (f"it was imported with {', '.join(differ)}; the manifest keeps that",)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, where: str) -> ImportEntry:
        """Build from a manifest line; ``where`` names the line in errors."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data:
                continue
            value = data[spec.name]
            expected = int if spec.type == "int" else str
            if not isinstance(value, expected) or isinstance(value, bool):
                raise WorkspaceError(
                    f"{where}: {spec.name} should be {expected.__name__}, not {value!r}",
                    hint="the manifest is append-only: restore it from version control",
                )
            values[spec.name] = value
        missing = [name for name in ("file", "sha256") if not values.get(name)]
        if missing:
            raise WorkspaceError(
                f"{where}: missing {', '.join(missing)}",
                hint="the manifest is append-only: restore it from version control",
            )
        file = PurePosixPath(values["file"])
        if file.is_absolute() or ".." in file.parts or file.parts[:1] != ("imports",):
            raise WorkspaceError(
                f"{where}: file {values['file']!r} is not inside the review's imports/ folder; "
                "it is not read",
                hint="the manifest only names raw copies under imports/: restore the line "
                "from version control",
            )
        sha = values["sha256"]
        values.setdefault("id", sha[:12])
        values.setdefault("original_name", Path(values["file"]).name)
        for name in ("size", "records", "skipped", "warnings"):
            values.setdefault(name, 0)
        for name in ("format", "encoding", "database"):
            values.setdefault(name, "")
        values.setdefault("method", "database")
        return cls(**values)


def known_spelling(entries: list[ImportEntry], database: str) -> str:
    """The spelling earlier imports used for ``database`` (compared without case), or it."""
    for entry in entries:
        if entry.database.casefold() == database.casefold():
            return entry.database
    return database


def slug(text: str) -> str:
    """A folder name for a database: ``"MEDLINE (Ovid)"`` -> ``"medline-ovid"``."""
    from unidecode import unidecode

    value = re.sub(r"[^A-Za-z0-9]+", "-", unidecode(text)).strip("-").lower()
    return value or "database"


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_name(name: str, *, limit: int = 120) -> str:
    """A file name that works on every system, as close to ``name`` as possible."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip().strip(".").strip()
    if not name:
        return "export"
    if len(name) > limit:
        stem, dot, suffix = name.rpartition(".")
        if dot and len(suffix) <= 10:
            name = stem[: limit - len(suffix) - 1] + "." + suffix
        else:
            name = name[:limit]
    return name


def import_name(name: str, *, searched: str) -> Iterator[str]:
    """Candidate names for a raw copy: ``<searched>_<name>``, then ``-2``, ``-3`` ... suffixes."""
    base = f"{searched}_{name}" if searched else name
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        stem, suffix = base, ""
    yield base
    for number in range(2, 10000):
        yield f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"


def is_within(path: str | Path, folder: str | Path) -> bool:
    """True when ``path`` is ``folder`` or lies inside it (after resolving links)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def raw_copy_path(
    ws: Workspace,
    source: Path,
    *,
    database: str,
    searched: str,
    sha: str,
    entries: Sequence[ImportEntry],
) -> Path:
    """Where the raw copy of ``source`` goes: the file itself when it is already under
    ``imports/`` (and no manifest line names it), else the first free :func:`import_name` in
    ``imports/<database slug>/``; a file there holding the same bytes (an orphan) is reused."""
    if is_within(source, ws.imports_dir):
        rel = ws.relative(source)
        if source.resolve() == ws.manifest_path.resolve() or any(
            entry.file == rel for entry in entries
        ):
            raise WorkspaceError(
                f"{rel}: is already in the manifest with different contents (it was modified)",
                hint="restore the raw export (git checkout -- FILE); import new exports "
                "from outside imports/",
            )
        return source.resolve()
    taken = {entry.file for entry in entries}
    folder = ws.imports_dir / slug(database)
    for candidate in import_name(safe_name(source.name), searched=searched):
        target = folder / candidate
        if target.relative_to(ws.root).as_posix() in taken:
            continue
        if not target.exists() or (target.is_file() and sha256_file(target) == sha):
            return target
    raise WorkspaceError(f"no free name for {source.name} in {folder}")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the workspace, with what to do about it."""

    file: str
    """Workspace-relative path of the file concerned."""
    message: str
    hint: str = ""

    def as_error(self) -> WorkspaceError:
        """The problem as the error that stops a command needing the file."""
        return WorkspaceError(f"{self.file}: {self.message}", hint=self.hint)


def check_raw(root: Path, entry: ImportEntry) -> Problem | None:
    """A problem when the raw copy of ``entry`` is missing, a link out of the review, or no
    longer matches its checksum."""
    path = root / entry.file
    if not is_within(path, root):
        return _outside(entry, path)
    if not path.is_file():
        return _missing(entry)
    return _changed(entry, sha256_file(path))


def read_raw(root: Path, entry: ImportEntry) -> bytes:
    """The bytes of ``entry``'s raw copy, read once; the :func:`check_raw` problem, as a
    :class:`WorkspaceError`, when it is missing or no longer matches its checksum."""
    path = root / entry.file
    if not is_within(path, root):
        raise _outside(entry, path).as_error()
    if not path.is_file():
        raise _missing(entry).as_error()
    data = path.read_bytes()
    problem = _changed(entry, hashlib.sha256(data).hexdigest())
    if problem is not None:
        raise problem.as_error()
    return data


def _outside(entry: ImportEntry, path: Path) -> Problem:
    return Problem(
        entry.file,
        f"is a link to {path.resolve()}, outside the review; it is not read",
        "replace the link with the raw export itself (git checkout -- FILE)",
    )


def _missing(entry: ImportEntry) -> Problem:
    return Problem(
        entry.file,
        "listed in imports/manifest.jsonl but missing",
        "restore it from version control (git checkout -- FILE) or your backup",
    )


def _changed(entry: ImportEntry, actual: str) -> Problem | None:
    """The problem with a raw copy whose checksum is ``actual``, if it is not the manifest's."""
    if actual == entry.sha256:
        return None
    return Problem(
        entry.file,
        f"changed since it was imported (checksum {actual[:12]}, manifest says "
        f"{entry.sha256[:12]})",
        "raw exports are kept byte for byte: restore it (git checkout -- FILE); "
        "import a new export as a new file",
    )


IMPORT_METHODS = (
    "database",
    "register",
    "citation",
    "website",
    "organisation",
    "call-for-evidence",
    "other",
)
"""How records were identified: the first two are PRISMA's "databases and registers" lane, the
others its "other methods" lane."""


def checked_method(method: str) -> str:
    """``--method``: one of :data:`IMPORT_METHODS` (case and spacing ignored)."""
    value = "-".join(method.strip().casefold().replace("_", " ").split())
    if value == "organization":
        value = "organisation"
    if value not in IMPORT_METHODS:
        raise UsageError(
            f"--method {method!r} is not a way records are found",
            hint="use one of " + ", ".join(IMPORT_METHODS),
        )
    return value


def checked_import_values(database: str, searched: str) -> tuple[str, str]:
    """``--database`` (required) and ``--searched-on`` (``YYYY-MM-DD``, not in the future)."""
    database = database.strip()
    if not database:
        raise UsageError(
            "the database the export came from is missing",
            hint="give --database NAME, e.g. --database MEDLINE",
        )
    try:
        searched = check_date(searched)
    except ValueError as exc:
        raise UsageError(f"--searched-on: {exc}", hint="give the date the search was run") from None
    tomorrow = (_dt.date.today() + _dt.timedelta(days=1)).isoformat()
    if searched and searched > tomorrow:
        raise UsageError(
            f"--searched-on {searched} is in the future",
            hint="give the date the search was run, YYYY-MM-DD",
        )
    return database, searched
