"""Writing RIS through :class:`rispy.RisWriter` (used by :func:`cen_search.formats.ris.write`).

Mapped fields are written with standard tags; a record read from RIS also gets back its tags
that have no mapped equivalent, so nothing it carried is lost on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

import rispy
from rispy.config import LIST_TYPE_TAGS, TAG_KEY_MAPPING

from cen_search.fields import parse_pages
from cen_search.formats._build import FieldMap, load_table, type_table
from cen_search.models import Pages, Record, RecordType

_TAG = re.compile(r"([A-Z][A-Z0-9]|[A-Z]{4})  -(.*)")

_LIST_TAGS = [*LIST_TYPE_TAGS, "AN", "SN", "DB", "C7"]


class _Writer(rispy.RisWriter):
    """rispy's writer without the ``1.`` numbering lines it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _type_codes() -> dict[RecordType, str]:
    codes: dict[RecordType, str] = {}
    for row in load_table("ris_types"):
        if row.get("write") == "yes":
            codes[RecordType(row["type"])] = row["code"]
    return codes


_LABELS = {
    RecordType.REVIEW: "Review",
    RecordType.EDITORIAL: "Editorial",
    RecordType.LETTER: "Letter",
    RecordType.ERRATUM: "Erratum",
}


def _safe(value: str) -> str:
    """Keep a multi-line value readable as one field: indent lines that look like tags."""
    if "\n" not in value:
        return value
    lines = [line.strip() for line in value.split("\n") if line.strip()]
    return (
        "\n".join(
            [lines[0], *(f"      {line}" if _TAG.match(line) else line for line in lines[1:])]
        )
        if lines
        else ""
    )


def _reference(record: Record, codes: dict[RecordType, str], mapped: frozenset[str]) -> dict:
    ref: dict = {}

    def put(tag: str, value: object) -> None:
        if isinstance(value, list):
            value = [_safe(v) for v in value if v]
            if not value:
                return
        elif not value:
            return
        else:
            value = _safe(str(value))
        ref[TAG_KEY_MAPPING[tag]] = value

    raw_ty = record.raw_values("TY") if record.provenance.format == "ris" else []
    code = raw_ty[0].strip().upper() if raw_ty else ""
    if type_table("ris_types").get(code) != record.type:
        fallback = codes[RecordType.ARTICLE] if record.type in _LABELS else codes[RecordType.OTHER]
        code = codes.get(record.type, fallback)
    ref[TAG_KEY_MAPPING["TY"]] = code
    put("ID", record.key)
    put("TI", record.title)
    put("AU", [a.raw.strip() or a.display() for a in record.authors])
    put("PY", str(record.year) if record.year else "")
    if record.date and record.date != str(record.year):
        put("DA", record.date)
    put("T2", record.container)
    put("J2", record.container_abbrev)
    put("VL", record.volume)
    put("IS", record.issue)
    pages = record.pages
    start, end = _start_and_end(pages)
    put("SP", start)
    put("EP", end)
    put("C7", [pages.article_number] if pages.article_number else [])
    put("DO", record.doi)
    put("AN", [*record.accession_numbers, *([f"PMID:{record.pmid}"] if record.pmid else [])])
    put("SN", [*record.issn, *record.isbn])
    put("AB", record.abstract)
    put("KW", list(record.keywords))
    put("LA", record.language)
    put("UR", list(record.urls))
    put("PB", record.publisher)
    put("DB", [d.strip() for d in record.database.split(";") if d.strip()])
    put("DP", record.platform)
    if record.type in _LABELS and type_table("ris_types").get(code) != record.type:
        put("M3", _LABELS[record.type])
    put("N1", list(record.notes))
    unknown: dict[str, list[str]] = {}
    if record.pmcid:
        unknown.setdefault("C2", []).append(record.pmcid)
    if record.provenance.format == "ris":
        for tag, value in record.raw:
            if tag not in mapped and tag not in ("TY", "ER") and value.strip():
                unknown.setdefault(tag, []).append(_safe(value))
    if unknown:
        ref[TAG_KEY_MAPPING["UK"]] = unknown
    return ref


def write_ris(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as RIS; returns how many were written.

    Mapped fields are written with standard tags (TY from the type, one AU per author ...);
    a record read from RIS also gets back its tags that have no mapped equivalent.
    """
    writer = _Writer(list_tags=_LIST_TAGS)
    codes = _type_codes()
    mapped = FieldMap.load("ris_tags").tags
    count = 0
    for record in records:
        if count:
            fh.write("\n")
        writer.format_lines(fh, [_reference(record, codes, mapped)])
        count += 1
    return count


def _start_and_end(pages: Pages) -> tuple[str, str]:
    """``SP`` and ``EP``: the parsed start and end, or the source's own two parts when the
    parse set one aside as no page (``"01"`` + ``"Jun"``, ``"Suppl"`` + ``"6"``) and they
    read back the same (the deduplication reads such values in ``raw``)."""
    first, dash, last = pages.raw.partition("-")
    if (
        dash
        and not (pages.start and pages.end)
        and "-" not in last
        and parse_pages(first, last) == pages
    ):
        return first, last
    return pages.start or pages.article_number, pages.end
