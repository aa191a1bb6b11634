"""Reading export files the user names, with clear refusals, and describing what they hold.

:func:`read_export` is what ``info``, ``convert`` and ``import`` use: it turns the usual
mistakes (a missing file, a folder, an empty file, a file with no readable records) into
errors that name the file and say what to do. :func:`summarise` describes a read file for
``cen-search info``: format, encoding, records, what was skipped and why, and which fields
are present how often.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections import Counter
from pathlib import Path

from cen_search.errors import CenSearchError, FileFormatError, InputError
from cen_search.fsutil import read_regular_file
from cen_search.models import ReadIssue, ReadResult, Record, RecordType

MAPPED_FIELDS = tuple(
    f.name for f in dataclasses.fields(Record) if f.name not in ("provenance", "raw")
)
"""The :class:`~cen_search.models.Record` fields ``info`` counts: every mapped field, in the
model's order."""


_BOMS = (
    codecs.BOM_UTF8,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def _blank(data: bytes) -> bool:
    """True for a file with nothing but blanks, after any byte-order mark (a BOM-only file
    is empty, not "an unknown format")."""
    for bom in _BOMS:
        if data.startswith(bom):
            codec = {3: "utf-8", 4: "utf-32"}.get(len(bom), "utf-16")
            if len(data) > 4096:
                return False
            try:
                return not data.decode(codec if codec != "utf-8" else "utf-8-sig").strip()
            except UnicodeDecodeError:
                return False
    return not data or data.isspace()  # (not data.strip(): that copies the whole file)


def check_input_file(path: Path) -> bytes:
    """The bytes of an export the user named; a clear :class:`InputError` when unusable
    (missing, a folder, a device or pipe, unreadable, empty)."""
    if not path.exists() and not path.is_symlink():
        raise InputError(
            f"{path}: no such file",
            hint="check the path (put quotes around names with spaces)",
        )
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder, not a file",
            hint=f"name the export files inside it, e.g. {path}/*.ris",
        )
    data = read_regular_file(path)
    if _blank(data):
        raise InputError(f"{path}: is empty", hint="export the records from the database again")
    return data


def incomplete_error(path: Path | str, result: ReadResult) -> FileFormatError:
    """The refusal for a file read short of what its structure implies (``import``)."""
    where = next(
        (i.location() for i in (*result.skipped, *result.warnings) if i.lost is not None), ""
    )
    return FileFormatError(
        f"read short: {result.lost} record(s) the file holds could not be read "
        f"({where}); {len(result.records)} were",
        path=str(path),
        hint=f"repair the file or export it again; cen-search info {path} shows the problem",
    )


def no_records_error(path: Path | str, result: ReadResult, *, shown: int = 5) -> FileFormatError:
    """The refusal for a file in which not one record could be read, with the reasons."""
    reasons = [f"  {issue.location()}: {issue.message}" for issue in result.skipped[:shown]]
    if len(result.skipped) > shown:
        reasons.append(f"  ... and {len(result.skipped) - shown} more")
    if reasons:
        detail = "; skipped:\n" + "\n".join(reasons)
    elif result.skipped:
        detail = f" ({len(result.skipped)} skipped, listed above)"
    else:
        detail = " (it holds no records)"
    return FileFormatError(
        f"no records could be read as {result.format}{detail}",
        path=str(path),
        hint=f"check that it is an export of records; cen-search info {path} shows more, "
        "and --format/--encoding override detection",
    )


def read_export(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    database: str = "",
    platform: str = "",
    searched: str = "",
    require_records: bool = True,
) -> ReadResult:
    """Read one export with :func:`cen_search.formats.read_file` after checking the file.

    The file is read once: the bytes :func:`check_input_file` checked are the bytes parsed.
    With ``require_records`` a file in which nothing could be read is refused
    (:func:`no_records_error`).
    """
    from cen_search.formats import read_file

    path = Path(path)
    result = read_file(
        path,
        format=format,
        encoding=encoding,
        database=database,
        platform=platform,
        searched=searched,
        data=check_input_file(path),
    )
    if require_records and not result.records:
        raise no_records_error(path, result)
    return result


@dataclasses.dataclass(frozen=True, slots=True)
class FileSummary:
    """What ``cen-search info`` says about one file."""

    file: str
    format: str
    format_label: str
    encoding: str
    sha256: str
    records: int
    skipped: tuple[ReadIssue, ...]
    warnings: tuple[ReadIssue, ...]
    lost: int
    """Records known to be lost to problems that cut the file short (``0`` when none)."""
    fields: tuple[tuple[str, int], ...]
    """Mapped fields with the number of records that have a value, in :data:`MAPPED_FIELDS`
    order (fields no record has are left out)."""
    raw_tags: tuple[tuple[str, int], ...]
    """Original tags or columns with the number of records that have them, in order of
    first appearance."""
    databases: tuple[tuple[str, int], ...]
    """Databases named in the records, most frequent first."""
    platforms: tuple[tuple[str, int], ...]
    types: tuple[tuple[str, int], ...]
    """Publication types, most frequent first."""


def _has_value(record: Record, name: str) -> bool:
    """True when ``record`` has a value for the mapped field ``name`` (type: not "other")."""
    value = getattr(record, name)
    return bool(value) and not (name == "type" and value == RecordType.OTHER)


def summarise(result: ReadResult) -> FileSummary:
    """Describe a read file: counts of fields, tags, databases and types."""
    from cen_search.formats import get_format

    fields: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    databases: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for record in result.records:
        fields.update(name for name in MAPPED_FIELDS if _has_value(record, name))
        # Counted once per record, in order of first appearance (a Counter keeps that order).
        tags.update(dict.fromkeys(tag for tag, _ in record.raw).keys())
        if record.source_database:
            databases[record.source_database] += 1
        platform = record.provenance.platform or record.platform
        if platform:
            platforms[platform] += 1
        types[str(record.type)] += 1
    try:
        label = get_format(result.format).label
    except CenSearchError:  # pragma: no cover - a format read is always registered
        label = result.format
    return FileSummary(
        file=result.file,
        format=result.format,
        format_label=label,
        encoding=result.encoding,
        sha256=result.sha256,
        records=len(result.records),
        skipped=result.skipped,
        warnings=result.warnings,
        lost=result.lost,
        fields=tuple((name, fields[name]) for name in MAPPED_FIELDS if fields[name]),
        raw_tags=tuple(tags.items()),
        databases=tuple(databases.most_common()),
        platforms=tuple(platforms.most_common()),
        types=tuple(types.most_common()),
    )
