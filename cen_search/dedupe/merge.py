"""One record per cluster: the most complete member, filled from the others, listing them all.

Provenance of a merged record. The merged record is the kept member (its ``provenance`` is the
kept member's) with:

* every empty mapped field filled from the first other member that has it (members in order
  of completeness); tuple fields (ISSNs, ISBNs, URLs, accession numbers, keywords) are united;
  the author list is the longest any member has (one database cuts long lists short: a
  merged record never has fewer authors than one of its members);
* ``database`` naming every member's database (``"MEDLINE; Embase"``), so that a written
  record carries them all (RIS ``DB``, EndNote ``remote-database-name``, the CSV column);
* one note (``notes``) listing the members, in a form every writer carries and
  :func:`members_of` reads back: ``"cen-search: merged 2 records: MEDLINE 123 [0123456789ab:4];
  Embase L456 [ba9876543210:7]"`` (database, the record's own key, its stable id);
* one raw field ``("cen-search:member", "<database>\\t<key>\\t<file>\\t<record id>")`` per
  member, the kept one first (JSON Lines keeps them; writers of other formats do not write
  raw fields cen-search added: see :data:`cen_search.formats.base.OWN_TAG_PREFIX`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cen_search.dedupe.model import DedupeResult
from cen_search.formats.base import OWN_TAG_PREFIX
from cen_search.models import Record

MEMBER_TAG = f"{OWN_TAG_PREFIX}member"
"""Raw tag carrying one member of a merged record (see module docstring)."""
_OLD_MEMBER_TAG = "CEN-MEMBER"  # (written by versions before 0.2; still read)
NOTE_PREFIX = "cen-search: merged "
"""How the note listing the members of a merged record starts."""
_NOTE = re.compile(r"^cen-search: merged \d+ records: (.*)$", re.DOTALL)
_NOTE_MEMBER = re.compile(r"^(.*?) ?(\S+) \[([^\[\]]+)\]$")

_SCALARS = (
    "title",
    "year",
    "date",
    "container",
    "container_abbrev",
    "volume",
    "issue",
    "doi",
    "pmid",
    "pmcid",
    "abstract",
    "language",
    "publisher",
    "platform",
)
_TUPLES = ("issn", "isbn", "urls", "accession_numbers", "keywords")


@dataclass(frozen=True, slots=True)
class Member:
    """One record merged into another."""

    database: str
    key: str
    file: str
    record_id: str


def completeness(record: Record) -> tuple[int, ...]:
    """Sort key: more filled fields, an abstract, a DOI, full pages, more authors first."""
    pages = record.pages
    return (
        record.filled_fields(),
        1 if record.abstract else 0,
        1 if record.doi else 0,
        1 if (pages.start and pages.end) or pages.article_number else 0,
        len(record.authors),
        len(record.title),
    )


def _most_complete_first(record: Record) -> tuple[tuple[int, ...], str]:
    """Sort key: the most complete record first; ties by the smallest stable id."""
    return tuple(-v for v in completeness(record)), str(record.id)


def choose_kept(records: Sequence[Record]) -> int:
    """Position of the most complete record (ties: the smallest stable id)."""
    return min(range(len(records)), key=lambda i: _most_complete_first(records[i]))


def merge_cluster(records: Sequence[Record], *, kept: int | None = None) -> Record:
    """The most complete record of a cluster, with missing fields filled from the others and
    every member (database and key) listed in ``raw`` (tag ``CEN-MEMBER``) and in ``notes``.

    ``kept`` chooses the base record by position; by default the most complete one.
    A single record is returned unchanged.
    """
    if not records:
        raise ValueError("merge_cluster needs at least one record")
    if len(records) == 1:
        return records[0]
    base_index = choose_kept(records) if kept is None else kept
    base = records[base_index]
    others = sorted((r for i, r in enumerate(records) if i != base_index), key=_most_complete_first)
    changes: dict[str, object] = {}
    for name in _SCALARS:
        if not getattr(base, name):
            for other in others:
                value = getattr(other, name)
                if value:
                    changes[name] = value
                    break
    longest = max((base, *others), key=lambda r: len(r.authors))  # (first of the longest)
    if len(longest.authors) > len(base.authors):
        changes["authors"] = longest.authors
    if not base.notes:
        for other in others:
            if other.notes:
                changes["notes"] = other.notes
                break
    if not base.pages:
        for other in others:
            if other.pages:
                changes["pages"] = other.pages
                break
    elif base.pages.start and not base.pages.end:
        for other in others:
            if other.pages.start == base.pages.start and other.pages.end:
                changes["pages"] = other.pages
                break
    for name in _TUPLES:
        united = tuple(dict.fromkeys(v for r in (base, *others) for v in getattr(r, name)))
        if united != getattr(base, name):
            changes[name] = united
    ordered = [base, *others]
    databases = [d.strip() for r in ordered for d in (r.source_database or "").split(";")]
    named = "; ".join(dict.fromkeys(d for d in databases if d))
    if named:
        changes["database"] = named
    member_fields = tuple((MEMBER_TAG, _member_value(r)) for r in ordered)
    summary = "; ".join(_note_member(r) for r in ordered)
    notes: tuple[str, ...] = changes.get("notes", base.notes)  # type: ignore[assignment]
    own_raw = tuple(f for f in base.raw if f[0] not in (MEMBER_TAG, _OLD_MEMBER_TAG))
    changes["raw"] = own_raw + member_fields
    changes["notes"] = (
        *(n for n in notes if not n.startswith(NOTE_PREFIX)),
        f"{NOTE_PREFIX}{len(ordered)} records: {summary}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _note_member(record: Record) -> str:
    """One member in the note: ``database key [record id]`` (blanks in the parts squashed)."""
    database = " ".join((record.source_database or "unknown database").split())
    key = "".join(record.key.split()) or "-"
    return f"{database} {key} [{record.id}]"


def merged_records(
    records: Sequence[Record], result: DedupeResult, *, new_only: bool = False
) -> list[Record]:
    """One merged record per cluster of ``result``, keeping the record the engine chose.

    ``records`` is the run's index space (its ``records`` then its ``previous`` records); with
    ``new_only`` the clusters that hold a record of the earlier library are left out, so what
    remains is the new unique records of an update search.
    """
    return [
        merge_cluster(
            [records[m] for m in cluster.members], kept=cluster.members.index(cluster.kept)
        )
        for cluster in result.clusters
        if not new_only or not any(result.is_previous(m) for m in cluster.members)
    ]


def _member_value(record: Record) -> str:
    """The value of one ``CEN-MEMBER`` raw field (tabs in the parts become spaces)."""
    parts = (record.source_database, record.key, record.provenance.file, str(record.id))
    return "\t".join(p.replace("\t", " ") for p in parts)


def members_of(record: Record) -> list[Member]:
    """The members listed in a merged record (empty for a record that was not merged).

    From the raw member fields when the record has them (JSON Lines), else from the note
    (a merged record written as RIS, EndNote XML, BibTeX or CSV and read back: the file
    names are not in the note, so ``file`` is empty).
    """
    out = []
    for tag, value in record.raw:
        if tag in (MEMBER_TAG, _OLD_MEMBER_TAG):
            parts = [*value.split("\t"), "", "", ""][:4]
            out.append(Member(*parts))
    if out:
        return out
    for note in reversed(record.notes):
        match = _NOTE.match(note.strip())
        if match:
            for part in match.group(1).split("; "):
                found = _NOTE_MEMBER.match(part.strip())
                if found:
                    database, key, record_id = found.groups()
                    out.append(Member(database, "" if key == "-" else key, "", record_id))
            return out
    return out
