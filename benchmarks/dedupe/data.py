"""Loading the labelled development sets in ``../shared/data/dedup`` as cen-search Records.

The benchmark reads ``records.ris`` through the project's RIS reader (the form users feed in).
When the RIS reader is not available, :func:`load_set` falls back to a small adapter over
``records_pre_merged.csv`` so the engine can still be measured; the table says which was used.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from cen_search.fields import clean_doi, parse_pages, parse_year
from cen_search.models import Provenance, Record, RecordType
from cen_search.names import parse_author

REPO = Path(__file__).resolve().parents[2]
SETS = (
    "sra_cytology_screening",
    "sra_haematology",
    "sra_respiratory",
    "sra_stroke",
    "digital_work",
    "special_cases",
)
SHORT = {
    "sra_cytology_screening": "cytology",
    "sra_haematology": "haematology",
    "sra_respiratory": "respiratory",
    "sra_stroke": "stroke",
    "digital_work": "digital_work",
    "special_cases": "special_cases",
}


def shared_dir() -> Path:
    import os

    configured = os.environ.get("CEN_SEARCH_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


@dataclass(frozen=True)
class LabelledSet:
    name: str
    records: list[Record]
    ids: list[str]
    """Benchmark id of each record (its RIS ``ID``), in record order."""
    truth: list[list[str]]
    source: str
    """``records.ris`` or ``records_pre_merged.csv``: what the records were read from."""


def read_truth(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [row["merged_ids"].split(";") for row in csv.DictReader(fh) if row["merged_ids"]]


def ris_available() -> bool:
    try:
        from cen_search.formats import get_format

        get_format("ris")
    except Exception:
        return False
    return True


def load_set(name: str, *, prefer: str = "ris") -> LabelledSet:
    folder = shared_dir() / "data" / "dedup" / name
    truth = read_truth(folder / "merged_record_ids.csv")
    if prefer == "ris" and ris_available():
        from cen_search.formats import read_file

        result = read_file(folder / "records.ris", format="ris")
        records = list(result.records)
        source = "records.ris"
    else:
        records = _records_from_csv(folder / "records_pre_merged.csv")
        source = "records_pre_merged.csv"
    ids = [r.provenance.key for r in records]
    return LabelledSet(name, records, ids, truth, source)


def stack(sets: list[LabelledSet]) -> LabelledSet:
    """All sets in one input, ids prefixed with the set name (``sra_stroke/id_0000001``)."""
    records: list[Record] = []
    ids: list[str] = []
    truth: list[list[str]] = []
    for s in sets:
        for rec, rid in zip(s.records, s.ids, strict=True):
            key = f"{s.name}/{rid}"
            records.append(replace(rec, provenance=replace(rec.provenance, key=key)))
            ids.append(key)
        truth += [[f"{s.name}/{i}" for i in g] for g in s.truth]
    return LabelledSet("stack", records, ids, truth, sets[0].source if sets else "")


_TYPES = {
    "article": RecordType.ARTICLE,
    "inproceedings": RecordType.CONFERENCE_PAPER,
    "book": RecordType.BOOK,
    "incollection": RecordType.CHAPTER,
    "inbook": RecordType.CHAPTER,
    "phdthesis": RecordType.THESIS,
    "techreport": RecordType.REPORT,
}


def _clean(value: str | None) -> str:
    value = (value or "").replace("\r", " ").replace("\n", " ").strip()
    return "" if value.upper() in ("NA", "UNKNOWN", "NAN") else value


def _records_from_csv(path: Path) -> list[Record]:
    """Fallback adapter (used only until the RIS reader exists)."""
    csv.field_size_limit(sys.maxsize)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    out: list[Record] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for index, row in enumerate(csv.DictReader(fh), start=1):
            row = {k: _clean(v) for k, v in row.items() if k}
            authors = tuple(
                parse_author(a.strip()) for a in row.get("author", "").split(" and ") if a.strip()
            )
            pages = row.get("pages", "")
            start, _, end = pages.replace("--", "-").partition("-") if pages else ("", "", "")
            prov = Provenance(
                file=str(path),
                sha256=sha,
                format="csv",
                encoding="utf-8",
                index=index,
                line=index + 1,
                key=row.get("ID", str(index)),
            )
            out.append(
                Record(
                    provenance=prov,
                    raw=tuple((k, v) for k, v in row.items() if v),
                    type=_TYPES.get(row.get("ENTRYTYPE", "").lower(), RecordType.OTHER),
                    title=row.get("title", ""),
                    authors=authors,
                    year=parse_year(row.get("year", "")),
                    container=row.get("journal") or row.get("booktitle", ""),
                    volume=row.get("volume", ""),
                    issue=row.get("number") or row.get("issue", ""),
                    pages=parse_pages(start, end) if pages else parse_pages(""),
                    doi=clean_doi(row.get("doi", "")),
                    abstract=row.get("abstract", ""),
                    publisher=row.get("publisher", ""),
                    isbn=(row["isbn"],) if row.get("isbn") else (),
                )
            )
    return out
