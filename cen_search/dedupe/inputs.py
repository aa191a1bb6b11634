"""Reading the inputs of a ``dedupe`` run: export files or the workspace's imports.

Each file's database is the ``--database`` given for it, else what its records say, else the
file's name stem. Problems met while reading stay in each :class:`ReadResult` (and in
:attr:`Inputs.notes`) for the caller to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import UsageError, WorkspaceError
from cen_search.models import ReadResult, Record
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


@dataclass(frozen=True)
class Inputs:
    """The records of one run and where they came from."""

    records: list[Record]
    """The records to deduplicate (engine indices ``0 .. len(records) - 1``)."""
    results: list[ReadResult]
    previous_records: list[Record] = field(default_factory=list)
    """An earlier library (``--against``), numbered after ``records`` by the engine."""
    against: bool = False
    workspace: Workspace | None = None
    """The review workspace whose imports were read (no FILE given), else ``None``."""
    searched: list[str] = field(default_factory=list)
    """The files read (for messages)."""
    notes: tuple[str, ...] = ()
    """Things the user should know about the inputs (a file given twice ...)."""

    @cached_property
    def everything(self) -> list[Record]:
        """``records`` then ``previous_records``: the engine's index space."""
        return [*self.records, *self.previous_records]

    @property
    def previous(self) -> list[bool] | None:
        """Per engine index: True for a record of the earlier library; None without it."""
        if not self.against:
            return None
        return [False] * len(self.records) + [True] * len(self.previous_records)


# -- reading -------------------------------------------------------------------------------


def _assign_databases(paths: Sequence[Path], databases: Sequence[str]) -> list[str]:
    """Each file's ``--database`` value: none, one for all, or one per file."""
    if not databases:
        return [""] * len(paths)
    if len(databases) == 1:
        return [databases[0]] * len(paths)
    if len(databases) != len(paths):
        raise UsageError(
            f"{len(databases)} --database values for {count(len(paths), 'file')}",
            hint="give one --database per file, in the same order, or one for all files",
        )
    return list(databases)


def _default_database(result: ReadResult, path: Path) -> ReadResult:
    """Records that name no database are counted under their file's name stem (so the
    summary, the clusters CSV and the merged records' member lists agree)."""
    if all(record.source_database for record in result.records):
        return result
    stem = path.stem
    records = tuple(
        record
        if record.source_database
        else replace(record, provenance=replace(record.provenance, database=stem))
        for record in result.records
    )
    return replace(result, records=records)


def read_files(
    paths: Sequence[Path],
    databases: Sequence[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    reporter: Reporter = NULL_REPORTER,
    notes: list[str] | None = None,
) -> list[ReadResult]:
    """Read export files (any supported format, or ``format``), naming the file in every
    error; a missing, empty or unreadable file, or one without a readable record, is refused.
    A file whose bytes were already read is read once (said in ``notes``)."""
    from cen_search.reading import read_export

    names = _assign_databases(paths, databases)
    results: list[ReadResult] = []
    seen: dict[str, str] = {}
    reporter.start("Reading files", total=len(paths))
    try:
        for path, database in zip(paths, names, strict=True):
            result = read_export(path, format=format, encoding=encoding, database=database.strip())
            if result.sha256 in seen:
                if notes is not None:
                    notes.append(f"{path}: same content as {seen[result.sha256]}; read once")
                reporter.advance()
                continue
            seen[result.sha256] = str(path)
            results.append(_default_database(result, path))
            reporter.advance()
    finally:
        reporter.finish()
    return results


def workspace_inputs(ws: Workspace, *, reporter: Reporter = NULL_REPORTER) -> Inputs:
    """Every import of a review workspace, with the database declared at import."""
    results = ws.read_imports(reporter)
    if not results:
        raise WorkspaceError(
            f"{ws.root}: the review has no imports yet",
            hint="cen-search import FILE --database NAME",
        )
    return Inputs(
        records=[rec for r in results for rec in r.records],
        results=results,
        workspace=ws,
        searched=[r.file for r in results],
    )


def load_inputs(
    files: Sequence[Path],
    databases: Sequence[str],
    against: Sequence[Path] = (),
    *,
    format: str | None = None,
    encoding: str | None = None,
    reporter: Reporter = NULL_REPORTER,
) -> Inputs:
    """Records from FILEs, or from the workspace's imports when no FILE is given
    (``format`` and ``encoding`` override detection for the FILEs)."""
    notes: list[str] = []
    if files:
        results = read_files(
            files, databases, format=format, encoding=encoding, reporter=reporter, notes=notes
        )
        base = Inputs(
            records=[rec for r in results for rec in r.records],
            results=results,
            searched=[str(p) for p in files],
        )
    else:
        if databases or format or encoding:
            raise UsageError(
                "--database, --format and --encoding need FILE arguments",
                hint="in a review workspace the database of each import is known",
            )
        from cen_search.workspace import Workspace

        try:
            ws = Workspace.find()
        except WorkspaceError:
            raise UsageError(
                "no FILE given and this folder is not a review workspace",
                hint="give export files (cen-search dedupe medline.txt embase.ris), or cd into "
                "a review created with cen-search init",
            ) from None
        base = workspace_inputs(ws, reporter=reporter)
    if not against:
        return replace(base, notes=tuple(notes))
    previous_results = read_files(against, [], reporter=reporter, notes=notes)
    known = {r.sha256 for r in base.results}
    for result in previous_results:
        if result.sha256 in known:
            raise UsageError(
                f"{result.file}: given both as a new file and with --against",
                hint="give each file once",
            )
    return replace(
        base,
        results=[*base.results, *previous_results],
        previous_records=[rec for r in previous_results for rec in r.records],
        against=True,
        searched=[*base.searched, *(str(p) for p in against)],
        notes=tuple(notes),
    )
