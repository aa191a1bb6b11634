"""The review workspace: one folder that holds a review's searches as plain text.

Layout (see ``docs/ARCHITECTURE.md``)::

    <review>/
      cen-search.toml          settings (title, contact e-mail, date limits, [apis], [dedupe] ...)
      strategies/              saved search strategies
      imports/<db>/<file>      raw exports, byte for byte, never modified
      imports/manifest.jsonl   append-only: one line per import
      runs/                    strategy run records
      dedupe/                  dedupe decisions and results
      log.jsonl                append-only: every command that changed the review
      .cen-search/             lock and caches: rebuildable, git-ignored

The plain-text files are the source of truth. An import becomes part of the review only when
its manifest line is appended, which happens last: an interrupted import leaves at most a raw
copy with no manifest line (an *orphan*), which :meth:`Workspace.status` reports and the next
import of the same file adopts.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from cen_search import __version__
from cen_search.config import Settings, resolve
from cen_search.config_values import checked_review_values, render_review_toml
from cen_search.errors import ConfigError, InputError, WorkspaceError
from cen_search.formats import read_file
from cen_search.fsutil import (
    append_jsonl,
    atomic_write_bytes,
    atomic_write_text,
    confine,
    file_lock,
    read_jsonl,
    sha256_file,
)
from cen_search.models import ReadIssue, ReadResult, Record
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.reading import check_input_file, incomplete_error, no_records_error
from cen_search.wording import count
from cen_search.workspace.manifest import (
    ImportEntry,
    checked_import_values,
    checked_method,
    is_within,
    known_spelling,
    raw_copy_path,
    read_raw,
)
from cen_search.workspace.rounds import current_round
from cen_search.workspace.status import Status, review_status

CONFIG_NAME = "cen-search.toml"
_KEEP = ".gitkeep"


def _now() -> str:
    """The current UTC time as written in the manifest and the log (ISO 8601, seconds)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What :meth:`Workspace.import_file` did with one file."""

    source: str
    """The path the user gave."""
    entry: ImportEntry
    """The manifest entry (the existing one when the file was already imported)."""
    already_imported: bool
    """True when the same bytes were already in the review: nothing was changed."""
    result: ReadResult | None = None
    """The read of the file (records, skipped, warnings); None when it was already imported."""
    notes: tuple[str, ...] = ()
    """Things the user should know (a database name spelled as in earlier imports...)."""


class Workspace:
    """A review folder on disk. Create one with :meth:`init`, find one with :meth:`find`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        confine(self.root)  # no write of ours may leave the review through a link

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # -- locating -------------------------------------------------------------------------

    @classmethod
    def find(cls, start: str | Path | None = None) -> Workspace:
        """The review containing ``start`` (default: the current folder), walking upwards."""
        here = Path.cwd() if start is None else Path(start)
        here = here.resolve()
        if here.is_file():
            here = here.parent
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls(folder)
        raise WorkspaceError(
            f"{here} is not inside a cen-search review (no {CONFIG_NAME} here or above)",
            hint="run cen-search init to create one, or cd into your review folder",
        )

    @classmethod
    def find_optional(cls, start: str | Path | None = None) -> Workspace | None:
        """Like :meth:`find`, but None when ``start`` is not inside a review."""
        try:
            return cls.find(start)
        except WorkspaceError:
            return None

    @classmethod
    def init(
        cls,
        root: str | Path,
        *,
        title: str = "",
        contact_email: str = "",
        date_from: str = "",
        date_to: str = "",
    ) -> Workspace:
        """Create a review folder (which may already hold files) and return it."""
        root = Path(root).resolve()
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root}: exists and is not a folder", hint="choose another path")
        if (root / CONFIG_NAME).exists():
            raise WorkspaceError(
                f"{root} is already a cen-search review; nothing was changed",
                hint=f"edit {root / CONFIG_NAME} to change its settings",
            )
        for parent in root.parents:
            if (parent / CONFIG_NAME).is_file():
                raise WorkspaceError(
                    f"{root} is inside the review at {parent}",
                    hint="create the new review outside it",
                )
        values = checked_review_values(contact_email, date_from, date_to)
        title = title.strip() or root.name
        ws = cls(root)
        for folder in (ws.strategies_dir, ws.runs_dir, ws.dedupe_dir):
            if not (folder / _KEEP).exists():
                atomic_write_bytes(folder / _KEEP, b"")
        if not ws.manifest_path.exists():
            atomic_write_bytes(ws.manifest_path, b"")
        ws._ensure_state_dir()
        # The config file is what makes a folder a review, so it is written last.
        atomic_write_text(ws.config_path, render_review_toml(title=title, **values))
        ws.log("init", title=title)
        return ws

    # -- paths ----------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def strategies_dir(self) -> Path:
        return self.root / "strategies"

    @property
    def imports_dir(self) -> Path:
        return self.root / "imports"

    @property
    def manifest_path(self) -> Path:
        return self.imports_dir / "manifest.jsonl"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def dedupe_dir(self) -> Path:
        return self.root / "dedupe"

    @property
    def log_path(self) -> Path:
        return self.root / "log.jsonl"

    @property
    def state_dir(self) -> Path:
        """``.cen-search/``: lock and caches; everything in it can be deleted."""
        return self.root / ".cen-search"

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the review root, with ``/`` separators."""
        return Path(path).resolve().relative_to(self.root).as_posix()

    # -- settings, log, lock --------------------------------------------------------------

    @cached_property
    def settings(self) -> Settings:
        """Settings resolved with this review's ``cen-search.toml`` as the review layer."""
        return self.resolve_settings()

    def resolve_settings(self, flags: dict[str, str | None] | None = None) -> Settings:
        """Settings with command-line ``flags`` on top (see :func:`cen_search.config.resolve`)."""
        return resolve(review_file=self.config_path, flags=flags)

    def log(self, event: str, **details: Any) -> None:
        """Append one event to ``log.jsonl``.

        Secrets and e-mail addresses from the settings are redacted should a caller pass one.
        """
        entry = {"at": _now(), "event": event, "version": __version__, **details}
        try:
            settings = self.settings
        except ConfigError:
            settings = None
        if settings is not None:
            text = json.dumps(entry, ensure_ascii=False)
            scrubbed = settings.scrub(text)
            if scrubbed != text:
                entry = json.loads(scrubbed)
        append_jsonl(self.log_path, entry)

    def events(self, *, allow_torn: bool = False) -> list[dict[str, Any]]:
        """Every event in ``log.jsonl``, oldest first."""
        return read_jsonl(self.log_path, allow_torn=allow_torn)

    def logs(self) -> list[Path]:
        """Every append-only log of the review (``*.jsonl`` outside ``.cen-search/``)."""
        found = []
        for path in sorted(self.root.rglob("*.jsonl")):
            parts = path.relative_to(self.root).parts
            if parts[0] in (".cen-search", ".git") or not path.is_file():
                continue
            found.append(path)
        return found

    def _ensure_state_dir(self) -> None:
        """Create ``.cen-search/`` with a ``.gitignore`` that keeps it out of version control."""
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            atomic_write_text(ignore, "# cen-search lock and caches: rebuildable, not shared\n*\n")

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the review's lock (``.cen-search/lock``) while changing it.

        Holding it, no other command writes here, so what a killed command left is tidied
        first: its temporary files are removed and an import it recorded in the manifest but
        not yet in ``log.jsonl`` is logged (see :func:`cen_search.workspace.repair.tidy`).
        """
        from cen_search.workspace.repair import tidy

        with self.lock_only():
            tidy(self)
            yield

    @contextmanager
    def lock_only(self) -> Iterator[None]:
        """Hold the lock without tidying first (for ``cen-search repair`` itself)."""
        self._ensure_state_dir()
        with file_lock(self.state_dir / "lock"):
            yield

    # -- imports --------------------------------------------------------------------------

    def imports(self) -> list[ImportEntry]:
        """Every import in the manifest, in the order they were made."""
        entries: list[ImportEntry] = []
        seen: set[str] = set()
        for number, data in enumerate(read_jsonl(self.manifest_path), start=1):
            entry = ImportEntry.from_json(data, where=f"{self.manifest_path}: entry {number}")
            if entry.sha256 not in seen:
                seen.add(entry.sha256)
                entries.append(entry)
        return entries

    def import_file(
        self,
        path: str | Path,
        *,
        database: str,
        platform: str = "",
        searched: str = "",
        strategy: str | Path | None = None,
        format: str | None = None,
        encoding: str | None = None,
        method: str = "database",
        again: bool = True,
    ) -> ImportOutcome:
        """Copy one export into the review, byte for byte, and record it in the manifest.

        The file is read once and parsed before anything is written, so a file that cannot be
        read is refused with the review unchanged, and the copy holds exactly the bytes that
        were parsed. Importing the same bytes again changes nothing (``already_imported``).
        With ``again=False`` a file holding exactly the records of an earlier import of the
        same database in the same round (the export saved again, :mod:`.repeats`) is refused.
        """
        source = Path(path)
        database, searched = checked_import_values(database, searched)
        method = checked_method(method)
        platform = platform.strip()
        strategy_ref = self._strategy_ref(strategy) if strategy else ""
        data = check_input_file(source)
        sha = hashlib.sha256(data).hexdigest()
        with self.lock():
            entries = self.imports()
            for entry in entries:
                if entry.sha256 == sha:
                    differ = entry.differences(
                        database=database, platform=platform, searched=searched
                    )
                    return ImportOutcome(str(source), entry, True, notes=differ)
            result = read_file(
                source,
                format=format,
                encoding=encoding,
                database=database,
                platform=platform,
                searched=searched,
                data=data,
            )
            if not result.records:
                raise no_records_error(source, result)
            if result.incomplete:  # (records the file holds would be missing from the review)
                raise incomplete_error(source, result)
            notes: tuple[str, ...] = ()
            spelling = known_spelling(entries, database)
            if spelling != database:
                notes = (f"database written as {spelling!r}, as in earlier imports",)
                database = spelling
            if not again:
                from cen_search.workspace.repeats import refuse_same_export

                refuse_same_export(self, source, result.records, entries, database, method)
            target = raw_copy_path(
                self, source, database=database, searched=searched, sha=sha, entries=entries
            )
            if not (target.is_file() and sha256_file(target) == sha):
                atomic_write_bytes(target, data)
                if sha256_file(target) != sha:
                    raise WorkspaceError(
                        f"{self.relative(target)}: the copy does not match the original",
                        hint="check the disk (space, permissions), then import the file again",
                    )
            entry = ImportEntry(
                id=sha[:12],
                file=self.relative(target),
                original_name=source.name,
                sha256=sha,
                size=len(data),
                format=result.format,
                encoding=result.encoding,
                records=len(result.records),
                skipped=len(result.skipped),
                warnings=len(result.warnings),
                database=database,
                platform=platform,
                searched=searched,
                strategy=strategy_ref,
                imported_at=_now(),
                round=current_round(self),
                method=method,
            )
            # The manifest line is the commit point: before it, the import has not happened.
            append_jsonl(self.manifest_path, entry.to_json())
            self.log(
                "import",
                id=entry.id,
                file=entry.file,
                database=database,
                records=entry.records,
                skipped=entry.skipped,
            )
        return ImportOutcome(str(source), entry, False, result, notes)

    def _strategy_ref(self, strategy: str | Path) -> str:
        """The workspace-relative path of a saved strategy (a path, or a name in strategies/)."""
        given = Path(strategy)
        candidates = [given]
        if not given.is_absolute():
            candidates += [self.strategies_dir / given, self.strategies_dir / f"{given}.txt"]
        for candidate in candidates:
            if candidate.is_file():
                if not is_within(candidate, self.root):
                    raise InputError(
                        f"{strategy}: the strategy file is outside the review",
                        hint=f"save it in {self.strategies_dir} first, so the review keeps it",
                    )
                return self.relative(candidate)
        raise InputError(
            f"{strategy}: no such strategy file",
            hint="give the path of a saved strategy, e.g. strategies/medline.txt",
        )

    def read_imports(self, reporter: Reporter | None = None) -> list[ReadResult]:
        """Read every imported export, with provenance from the manifest.

        Each raw copy is read once and checked against its checksum before it is parsed: a
        modified or missing raw export is a :class:`WorkspaceError` naming the file. Orphans
        (raw copies without a manifest line) are not imports and are not read.
        """
        reporter = reporter or NULL_REPORTER
        entries = self.imports()
        results: list[ReadResult] = []
        reporter.start("Reading imports", total=len(entries))
        try:
            for entry in entries:
                results.append(self.read_import(entry))
                reporter.advance()
        finally:
            reporter.finish()
        return results

    def read_import(self, entry: ImportEntry) -> ReadResult:
        """Read one imported export (its raw copy, checked against its checksum)."""
        result = read_file(
            self.root / entry.file,
            format=entry.format or None,
            encoding=entry.encoding or None,
            database=entry.database,
            platform=entry.platform,
            searched=entry.searched,
            display_path=entry.file,
            data=read_raw(self.root, entry),
        )
        if len(result.records) != entry.records:
            drift = ReadIssue(
                file=entry.file,
                message=f"read {count(len(result.records), 'record')}; "
                f"{entry.records} when it was imported (the reader has changed since)",
            )
            result = replace(result, warnings=(*result.warnings, drift))
        return result

    def records(self, reporter: Reporter | None = None) -> list[Record]:
        """Every record of every import, in import order."""
        return [record for result in self.read_imports(reporter) for record in result.records]

    def orphans(self, entries: list[ImportEntry] | None = None) -> list[str]:
        """Files under ``imports/`` that no manifest line refers to (e.g. an interrupted import)."""
        known = {entry.file for entry in (self.imports() if entries is None else entries)}
        found = []
        for path in sorted(self.imports_dir.rglob("*")):
            if path.is_file() and path != self.manifest_path and not path.name.startswith("."):
                rel = path.relative_to(self.root).as_posix()
                if rel not in known:
                    found.append(rel)
        return found

    def strategies(self) -> list[str]:
        """Saved strategy files (workspace-relative)."""
        if not self.strategies_dir.is_dir():
            return []
        return [
            path.relative_to(self.root).as_posix()
            for path in sorted(self.strategies_dir.rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        ]

    # -- status ---------------------------------------------------------------------------

    def status(self) -> Status:
        """What the review holds, what is wrong with it, and what to do next."""
        return review_status(self)
