"""Damage seen in real exports, applied to labelled records (for the robustness table).

Each function takes records of the labelled sets and returns them damaged the way some
exports damage them; the labels stay true, so the scorer tells whether the engine still finds
the duplicates (recall), keeps distinct records apart (false merges) and keeps the review
queue short. The per-record changes touch every second record (``index % 2``), so pairs of
duplicates meet in different forms; the form of the damage cycles with the index.

* :func:`garble_numbering` -- volume and issue as Embase and publishers' exports garble them:
  a fragment of the issue as the volume (``1)``) with ``NA`` as the issue, a supplement
  appended to the issue (``10 SUPPL. 1``), the supplement alone (``Supplement_1``,
  ``S3``), the volume in the issue field (alone or as ``30 SUPPL. 3``), an article number in
  capitals (``E2048``);
* :func:`supplement_dois` -- one DOI for the records of a journal issue that have none of
  their own (the DOI of a supplement or abstract book, as one database copies it onto every
  abstract in it);
* :func:`conference_in_journal` -- the conference appended to the journal name
  (``Journal. Conference: ... Annual Meeting ...``) and the record typed as a conference
  abstract, as Embase gives abstracts printed in a journal supplement;
* :func:`pdf_sparse` -- metadata as reference managers and GROBID extract it from a PDF: no
  year and no pages, the title in capitals with a footnote marker (``... APPROACH 1``), the
  first author lost or a word of the title read as the first author.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace

from cen_search.dedupe.journals import journal_key
from cen_search.dedupe.normalise import clean_issue, clean_volume
from cen_search.fields import parse_pages
from cen_search.models import Record, RecordType
from cen_search.names import parse_author

_NO_PAGES = parse_pages("")


def garble_numbering(index: int, record: Record) -> Record:
    """Every second record's volume/issue (or article number) in one of seven garbled forms."""
    if not index % 2:
        return record
    volume, issue = record.volume.strip(), record.issue.strip()
    form = (index // 2) % 7
    if form == 0 and (volume or issue):  # "61(10 SUPPL. 1)" split at the wrong bracket
        return replace(record, volume=f"{issue.split()[0] if issue else '1'})", issue="NA")
    if form == 1 and issue:
        return replace(record, issue=f"{issue} SUPPL. 1")
    if form == 2 and issue:
        return replace(record, issue="Supplement_1")
    if form == 3 and volume:  # the volume in the issue field
        return replace(record, volume="", issue=volume)
    if form == 4 and volume and issue:  # "30 SUPPL. 3" in the issue field
        return replace(record, volume="", issue=f"{volume} SUPPL. {issue}")
    if form == 5 and issue:
        return replace(record, issue=f"S{issue}")
    pages = record.pages
    if form == 6 and pages.article_number[:1].islower():
        number = pages.article_number.upper()
        return replace(record, pages=replace(pages, raw=number, article_number=number))
    return record


def supplement_dois(records: list[Record]) -> list[Record]:
    """The records of one journal issue (same journal, year, volume and issue) that have no
    DOI of their own given the one DOI of that issue: every second record (the copies from
    the database that copies a supplement's DOI onto its abstracts; the other copies keep
    theirs, none), in issues where two or more records get it."""
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if not i % 2 or record.doi:
            continue
        volume, issue = clean_volume(record.volume), clean_issue(record.issue)
        journal = journal_key(record.container or record.container_abbrev)
        if journal and volume and issue and record.year:
            groups[(journal, record.year, volume, issue)].append(i)
    out = list(records)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        digest = hashlib.sha1(repr(key).encode()).hexdigest()[:8]
        doi = f"10.1000/suppl.{key[2]}.{key[3]}.{digest}"
        for i in members:
            out[i] = replace(out[i], doi=doi)
    return out


def conference_in_journal(index: int, record: Record) -> Record:
    """Every second record with a journal: the conference appended to the journal's name and
    the record typed as a conference abstract."""
    if not index % 2 or not record.container:
        return record
    meeting = (
        f"{record.container}. Conference: {record.year or ''} Annual Meeting of the Society. "
        "United States"
    )
    return replace(record, container=meeting, type=RecordType.CONFERENCE_ABSTRACT)


def pdf_sparse(index: int, record: Record) -> Record:
    """Every second record as PDF metadata extraction leaves it (see the module docstring)."""
    if not index % 2:
        return record
    form = (index // 2) % 4
    title = record.title.upper()
    if form in (0, 2):
        title = f"{title} 1"  # a footnote marker after the title
    authors = record.authors
    if form == 0 and len(authors) > 1:
        authors = authors[1:]
    elif form == 1 and record.title.split():
        authors = (parse_author(record.title.split()[0].strip(",.:")), *authors[1:])
    return replace(record, title=title, authors=authors, year=None, date="", pages=_NO_PAGES)
