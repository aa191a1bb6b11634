"""Which export a CSV/TSV file is, and what its columns mean: the tables as code sees them.

``tables/csv_sources.csv`` lists the export sources with the header columns that identify
them; ``tables/csv_columns.csv`` maps each source's column names to record fields, with
"generic" names as the fallback for columns a source does not name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cen_search.fields import squash
from cen_search.formats._build import CANONICAL_FIELDS, FieldMap, load_table
from cen_search.models import RecordType

AUTHOR_FIELDS = ("authors_full", "authors_list", "authors_concat")
SPECIAL = frozenset(
    {*AUTHOR_FIELDS, "author_ids", "keywords_comma", "type", "citation", "embase_source", "raw"}
)
"""Fields of csv_columns.csv that the CSV reader computes itself (not canonical fields)."""


@dataclass(frozen=True, slots=True)
class ExportSource:
    """One kind of CSV export (a row of ``tables/csv_sources.csv``)."""

    name: str
    label: str
    database: str
    platform: str
    default_type: RecordType
    signature: frozenset[str]


def norm(column: str) -> str:
    """A column name as matched: BOM removed, spaces squashed, lower case."""
    return squash(column.replace("\ufeff", "")).lower()


@cache
def export_sources() -> tuple[ExportSource, ...]:
    """The rows of ``tables/csv_sources.csv``, in order."""
    return tuple(
        ExportSource(
            name=row["source"],
            label=row["label"],
            database=row["database"],
            platform=row["platform"],
            default_type=RecordType(row["default_type"] or "other"),
            signature=frozenset(norm(c) for c in row["signature"].split("|") if c.strip()),
        )
        for row in load_table("csv_sources")
    )


@cache
def rows_of(source: str) -> tuple[tuple[str, str], ...]:
    """``(normalised column, field)`` rows of ``csv_columns.csv`` for one source, in order."""
    out = []
    for row in load_table("csv_columns"):
        if row["source"] == source:
            field = row["field"]
            if field not in CANONICAL_FIELDS and field not in SPECIAL:
                raise ValueError(f"csv_columns.csv: unknown field {field!r}")
            out.append((norm(row["column"]), field))
    return tuple(out)


@cache
def columns(source: str) -> dict[str, tuple[str, ...]]:
    """Normalised column name -> fields, for one source."""
    out: dict[str, list[str]] = {}
    for column, field in rows_of(source):
        out.setdefault(column, []).append(field)
    return {k: tuple(v) for k, v in out.items()}


@cache
def known_columns() -> frozenset[str]:
    """Every column name any source maps (normalised)."""
    return frozenset(c for s in export_sources() for c in columns(s.name))


def detect_source(header: Sequence[str]) -> ExportSource:
    """The export source whose columns best match ``header`` (generic when none does)."""
    names = {norm(c) for c in header}
    best: tuple[int, ExportSource] | None = None
    for source in export_sources():
        if not source.signature or not source.signature & names:
            continue
        score = len(names & set(columns(source.name))) + 10 * len(source.signature & names)
        if best is None or score > best[0]:
            best = (score, source)
    return best[1] if best else next(s for s in export_sources() if s.name == "generic")


def mapping(source: ExportSource, header: Sequence[str]) -> tuple[list[tuple[str, ...]], FieldMap]:
    """Fields of each header column, and the canonical field map in table priority order
    (the source's rows, then generic rows for columns the source does not name)."""
    own = columns(source.name)
    present = {norm(c) for c in header}
    pairs = [
        (column, field)
        for column, field in rows_of(source.name)
        + tuple(row for row in rows_of("generic") if row[0] not in own)
        if column in present and field in CANONICAL_FIELDS
    ]
    generic = columns("generic")
    fields_of = [own.get(norm(c), generic.get(norm(c), ())) for c in header]
    return fields_of, FieldMap.from_pairs(pairs)


def priority(source: ExportSource) -> dict[str, int]:
    """Rank of each column name in the source's table rows (then generic rows)."""
    ranks: dict[str, int] = {}
    for column, _ in rows_of(source.name) + rows_of("generic"):
        ranks.setdefault(column, len(ranks))
    return ranks
