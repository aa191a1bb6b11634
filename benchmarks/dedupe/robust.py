"""Robustness: the stacked labelled sets with fields taken away or damaged, scored again.

Labelled sets the tool has never seen may lack fields the development sets have, or carry
them in other forms. Each row rebuilds the stack (13,722 records) with one change and scores
the clusters: precision and false merges show whether the rules stay safe when their usual
evidence is missing; recall shows how much they still find; the review queue (and the same
per 50 records) shows whether the damage turns into work for a person.

The changes come in two groups. Fields taken away (no DOI, no pages ...). And the damage
seen in exports the engine was not developed on (:mod:`benchmarks.dedupe.corrupt`): volume
and issue garbled as Embase and publishers' exports garble them, one supplement DOI shared by
every abstract of a journal issue, conference names appended to the journal, and records made
sparse as PDF metadata extraction leaves them.

Run as part of ``python -m benchmarks dedupe`` (``--no-robustness`` skips it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any

from benchmarks.dedupe import corrupt
from cen_search.fields import parse_pages
from cen_search.models import Author, Record
from cen_search.names import parse_author

_NO_PAGES = parse_pages("")

Change = Callable[[int, Record], Record]
WholeChange = Callable[[list[Record]], list[Record]]


def _medline_author(author: Author) -> Author:
    """``Smith, John A.`` as MEDLINE writes it: ``Smith JA``."""
    if author.organisation or not author.family:
        return author
    return parse_author(f"{author.family} {author.initials}".strip())


def _every_other(change: Callable[[Record], Record]) -> Change:
    """The change applied to every second record (so duplicates differ in form)."""
    return lambda index, record: change(record) if index % 2 else record


def _all(change: Callable[[Record], Record]) -> Change:
    return lambda index, record: change(record)


def _per_record(change: Change) -> WholeChange:
    return lambda records: [change(index, record) for index, record in enumerate(records)]


CHANGES: dict[str, WholeChange] = {
    "as labelled": lambda records: list(records),
    "no DOI": _per_record(_all(lambda r: replace(r, doi="", urls=()))),
    "no abstract": _per_record(_all(lambda r: replace(r, abstract=""))),
    "no pages": _per_record(_all(lambda r: replace(r, pages=_NO_PAGES))),
    "no volume, issue, pages": _per_record(
        _all(lambda r: replace(r, volume="", issue="", pages=_NO_PAGES))
    ),
    "first author only": _per_record(_all(lambda r: replace(r, authors=r.authors[:1]))),
    "no authors": _per_record(_all(lambda r: replace(r, authors=()))),
    "no journal": _per_record(_all(lambda r: replace(r, container="", container_abbrev=""))),
    "no year": _per_record(_all(lambda r: replace(r, year=None, date=""))),
    "half: MEDLINE author form": _per_record(
        _every_other(lambda r: replace(r, authors=tuple(_medline_author(a) for a in r.authors)))
    ),
    "half: titles cut at 60 characters": _per_record(
        _every_other(lambda r: replace(r, title=r.title[:60]))
    ),
    "half: title upper case": _per_record(
        _every_other(lambda r: replace(r, title=r.title.upper()))
    ),
    "half: volume/issue garbled": _per_record(corrupt.garble_numbering),
    "one supplement DOI per journal issue": corrupt.supplement_dois,
    "half: conference name in journal": _per_record(corrupt.conference_in_journal),
    "half: PDF-sparse records": _per_record(corrupt.pdf_sparse),
    "all four of the above": lambda records: _per_record(corrupt.pdf_sparse)(
        _per_record(corrupt.conference_in_journal)(
            corrupt.supplement_dois(_per_record(corrupt.garble_numbering)(records))
        )
    ),
}


def run(
    records: list[Record], ids: list[str], truth: list[list[str]], scorer: ModuleType, log: Any
) -> list[dict[str, Any]]:
    """One scored row per change in :data:`CHANGES`."""
    from cen_search.dedupe import deduplicate

    rows = []
    for name, change in CHANGES.items():
        log(f"robustness: {name} ...")
        changed = change(records)
        start = time.perf_counter()
        result = deduplicate(changed)
        seconds = time.perf_counter() - start
        groups = [[ids[m] for m in c.members] for c in result.clusters if c.size > 1]
        score = scorer.score(ids, truth, groups)
        rows.append(
            {
                "change": name,
                "records": len(changed),
                "precision": score["pairwise"]["precision"],
                "recall": score["pairwise"]["recall"],
                "false_merges": score["false_merges"],
                "queue": len(result.uncertain),
                "links": len(result.links),
                "seconds": seconds,
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        "## Robustness (the stack with fields taken away or damaged; see robust.py)",
        "",
        "| change | P | R | false merges | review queue | queue per 50 records | links | s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        per_50 = 50 * r["queue"] / r["records"] if r["records"] else 0.0
        lines.append(
            f"| {r['change']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            f"{r['false_merges']} | {r['queue']} | {per_50:.2f} | {r['links']} | "
            f"{r['seconds']:.1f} |"
        )
    lines += [
        "",
        "The 3 false merges of the labelled stack are label errors (see docs/dedupe.md); a "
        "row with more has merged distinct publications once that evidence was gone.",
    ]
    return lines
