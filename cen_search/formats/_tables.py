"""Mapping tables as data: ``cen_search/formats/tables/*.csv`` loaded and cached.

``FieldMap`` says which source tag or column feeds which canonical field (the vocabulary is
documented in :mod:`cen_search.formats._build`); ``type_table`` maps a format's own type codes
to :class:`~cen_search.models.RecordType`; ``document_type`` maps document-type labels
("Review", "Published Erratum") shared by all formats.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from cen_search.fields import squash
from cen_search.models import RecordType

__all__ = ["CANONICAL_FIELDS", "FieldMap", "document_type", "load_table", "type_table"]

CANONICAL_FIELDS = frozenset(
    {
        "key",
        "title",
        "container",
        "container_abbrev",
        "volume",
        "issue",
        "abstract",
        "language",
        "publisher",
        "authors",
        "authors_lines",
        "authors_list",
        "date",
        "pages",
        "start_page",
        "end_page",
        "article_number",
        "doi",
        "doi_exact",
        "doi_url",
        "pmid",
        "pmcid",
        "issn",
        "isbn",
        "issn_isbn",
        "keywords",
        "keywords_lines",
        "keywords_list",
        "url",
        "accession",
        "database",
        "platform",
        "note",
        "doc_type",
    }
)


def load_table(name: str) -> list[dict[str, str]]:
    """Rows of ``cen_search/formats/tables/<name>.csv`` (``#`` lines are comments)."""
    text = (
        resources.files("cen_search.formats")
        .joinpath("tables", f"{name}.csv")
        .read_text(encoding="utf-8")
    )
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which source tags feed which canonical field, in priority order."""

    by_field: Mapping[str, tuple[str, ...]]
    tags: frozenset[str] = field(default_factory=frozenset)
    """Every tag the table maps (other tags are kept in raw only)."""
    items: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``by_field`` as pairs, for fast iteration."""
    feeds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The inverse of ``by_field``: tag -> the canonical fields it feeds, so that a record's
    fields are mapped by looking up only the tags it has."""

    def __post_init__(self) -> None:
        if self.by_field and not self.feeds:  # built directly from ``by_field`` alone
            feeds: dict[str, tuple[str, ...]] = {}
            for name, tags in self.by_field.items():
                for tag in tags:
                    feeds[tag] = (*feeds.get(tag, ()), name)
            object.__setattr__(self, "feeds", feeds)
            object.__setattr__(self, "items", tuple(self.by_field.items()))
            object.__setattr__(self, "tags", self.tags or frozenset(feeds))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> FieldMap:
        by_field: dict[str, list[str]] = {}
        feeds: dict[str, list[str]] = {}
        for tag, name in pairs:
            if name not in CANONICAL_FIELDS:
                raise ValueError(f"unknown canonical field {name!r} for tag {tag!r}")
            by_field.setdefault(name, []).append(tag)
            feeds.setdefault(tag, []).append(name)
        frozen = {k: tuple(v) for k, v in by_field.items()}
        inverse = {k: tuple(v) for k, v in feeds.items()}
        return cls(frozen, frozenset(inverse), tuple(frozen.items()), inverse)

    @classmethod
    @cache
    def load(cls, name: str) -> FieldMap:
        """The map in ``tables/<name>.csv`` (columns ``tag,field``), cached."""
        return cls.from_pairs((row["tag"], row["field"]) for row in load_table(name))


@cache
def type_table(name: str) -> dict[str, RecordType]:
    """``tables/<name>.csv`` (columns ``code,type``) as upper-cased code -> RecordType."""
    return {row["code"].upper(): RecordType(row["type"]) for row in load_table(name)}


def document_type(label: str) -> RecordType | None:
    """The type a document-type label ("Review", "Published Erratum") stands for, if known."""
    return type_table("document_types").get(squash(label).upper())
