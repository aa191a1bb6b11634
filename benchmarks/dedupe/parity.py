"""Parity: the same records exported by different tools, deduplicated together.

``../shared/data/imports`` holds real exports of one set of records made by two tools
(``SOURCES.md`` names the pairs): Lens.org's RIS export of the ASReview baseline set and
Zotero's RIS export of the same records; Ovid PsycInfo's RIS and the same records re-exported
by Zotero; and Embase.com's export of six records as RIS and as CSV. Deduplicated together,
each record's two copies must form exactly one cluster, with nothing else in it.

Which copies belong together is known from the exports themselves: every record in these
files carries its DOI, and the DOIs pair the two files one to one (checked; a pair of files
where they do not is reported, not scored). The engine matches on far more than the DOI, so
the DOI pairing is an independent truth for it only in so far as the DOI is right -- which is
the point of these files: the same records, nothing changed but the tool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PAIRS = (
    ("ris/lens_asreview-baseline.ris", "ris/zotero_asreview-baseline.ris"),
    ("ris/ovid-psycinfo_asreview.ris", "ris/ovid-psycinfo-via-zotero_asreview.ris"),
    ("ris/embase-com_asreview.ris", "csv/embase-com_asreview.csv"),
)


def _score(records: list[Any], groups: list[tuple[int, int]], result: Any) -> dict[str, Any]:
    """How the copies of each record were clustered."""
    exact = split = crowded = 0
    for x, y in groups:
        cx, cy = result.cluster_of[x], result.cluster_of[y]
        if cx != cy:
            split += 1
        elif result.clusters[cx].size == 2:
            exact += 1
        else:
            crowded += 1
    return {
        "records": len(records),
        "copies": len(groups),
        "exact": exact,
        "split": split,
        "crowded": crowded,
        "queue": len(result.uncertain),
        "links": len(result.links),
    }


def run(imports: Path, log: Any) -> list[dict[str, Any]]:
    """One row per pair of exports, and one for all of them in a single run."""
    from cen_search.dedupe import deduplicate
    from cen_search.formats import read_file

    rows: list[dict[str, Any]] = []
    everything: list[Any] = []
    all_groups: list[tuple[int, int]] = []
    for first, second in PAIRS:
        log(f"parity: {first} + {second} ...")
        a = list(read_file(imports / first).records)
        b = list(read_file(imports / second).records)
        by_doi = {r.doi: i for i, r in enumerate(b)}
        if len(by_doi) != len(b) or any(r.doi not in by_doi for r in a) or len(a) != len(b):
            rows.append({"exports": f"{first} + {second}", "error": "DOIs do not pair the files"})
            continue
        groups = [(i, len(a) + by_doi[r.doi]) for i, r in enumerate(a)]
        records = [*a, *b]
        row = _score(records, groups, deduplicate(records))
        rows.append({"exports": f"{Path(first).name} + {Path(second).name}", **row})
        offset = len(everything)
        everything += records
        all_groups += [(x + offset, y + offset) for x, y in groups]
    if everything:
        row = _score(everything, all_groups, deduplicate(everything))
        rows.append({"exports": "all of them in one run", **row})
    return rows


def render(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        "## Parity (the same records exported by two tools, deduplicated together; see parity.py)",
        "",
        "| exports | records | records with two copies | copies form exactly one cluster | "
        "copies split | copies with other records | review queue | links |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['exports']} | {r['error']} | | | | | | |")
            continue
        lines.append(
            f"| {r['exports']} | {r['records']} | {r['copies']} | {r['exact']} | {r['split']} "
            f"| {r['crowded']} | {r['queue']} | {r['links']} |"
        )
    return lines
