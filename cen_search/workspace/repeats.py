"""An export imported a second time under another checksum: the same records, saved again.

Importing the same bytes twice changes nothing (the checksum says so). But an export opened and
saved again (other line endings, another encoding, converted to CSV or EndNote XML) has other
bytes and the same records; imported again under the same database in the same round, its
records would be counted twice as identified in the PRISMA diagram. The records are compared by
their content fingerprints (:func:`cen_search.identity.ref_of`), which ignore what re-saving and
converting change, and must be the same records in any order, as many times each: a later search
that found more, or fewer, records is a new search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import InputError
from cen_search.identity import ref_of
from cen_search.models import Record
from cen_search.wording import count
from cen_search.workspace.manifest import ImportEntry
from cen_search.workspace.rounds import current_round

if TYPE_CHECKING:
    from cen_search.workspace.core import Workspace


def content_of(records: Iterable[Record]) -> Counter[str]:
    """The records of an export as a multiset of content fingerprints."""
    return Counter(ref_of(record).fingerprint for record in records)


def same_export(
    records: Sequence[Record],
    entries: Iterable[ImportEntry],
    *,
    database: str,
    round: str,
    method: str,
    read: Callable[[ImportEntry], Sequence[Record]],
) -> ImportEntry | None:
    """The earlier import of ``database`` in ``round`` (by ``method``) that holds exactly
    ``records``, if any; ``read`` gives an earlier import's records (only imports of the same
    size are read)."""
    mine: Counter[str] | None = None
    for entry in entries:
        if (
            entry.database.casefold() != database.casefold()
            or entry.round != round
            or entry.method != method
            or entry.records != len(records)
        ):
            continue
        mine = content_of(records) if mine is None else mine
        if content_of(read(entry)) == mine:
            return entry
    return None


def refuse_same_export(
    ws: Workspace,
    source: Path,
    records: Sequence[Record],
    entries: Iterable[ImportEntry],
    database: str,
    method: str,
) -> None:
    """Raise an :class:`InputError` naming the earlier import when ``records`` (read from
    ``source``) are that import's records again."""
    earlier = same_export(
        records,
        entries,
        database=database,
        round=current_round(ws),
        method=method,
        read=lambda entry: ws.read_import(entry).records,
    )
    if earlier is not None:
        raise InputError(
            f"{source}: holds the same {count(len(records), 'record')} as {earlier.file} "
            f"({earlier.original_name}, imported {earlier.imported_at[:10]}): the {database} "
            "export saved again; imported, its records would be counted twice. Nothing was "
            "imported",
            hint="if it is a new search that found exactly these records, import it with --again",
        )
