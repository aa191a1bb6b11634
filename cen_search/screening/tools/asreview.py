"""ASReview LAB: labels exported as RIS notes or as a CSV column.

ASReview screens titles and abstracts with one label per record. Its RIS export writes the
label into a note: ``N1 - ASReview_relevant`` / ``ASReview_irrelevant`` / ``ASReview_not_seen``
(possibly among other note text), and ``ASReview_prior`` for records labelled as prior
knowledge. Its CSV export (and partly labelled datasets) have a ``asreview_label``,
``label_included`` or ``included`` column: 1 relevant, 0 irrelevant, empty (or -1) not seen;
``asreview_time``, ``asreview_note`` and ``asreview_user_name``/``asreview_user_email``
when present say when, why and who.

A record ASReview never showed (*not seen*) has no decision. When screening stopped by a
stopping rule, ``--unseen automation`` records those as removed by an automation tool, which
is how PRISMA 2020 counts records an active-learning tool set aside.
"""

from __future__ import annotations

import re
from pathlib import Path

from cen_search.errors import InputError
from cen_search.models import Record
from cen_search.screening.tools.base import (
    ToolFile,
    ToolOptions,
    ToolVote,
    iso_time,
    read_records,
    row_of,
)
from cen_search.wording import count, plural

NAME = "asreview"
LABEL = "ASReview"

_NOTE_LABEL = re.compile(r"ASReview_(relevant|irrelevant|not_seen)", re.IGNORECASE)
_PRIOR = re.compile(r"ASReview_prior", re.IGNORECASE)
LABEL_COLUMNS = ("asreview_label", "label_included", "included", "label", "final_included")
_VALUES = {
    "1": "include",
    "1.0": "include",
    "true": "include",
    "yes": "include",
    "relevant": "include",
    "0": "exclude",
    "0.0": "exclude",
    "false": "exclude",
    "no": "exclude",
    "irrelevant": "exclude",
}


def _first(record: Record, *columns: str) -> str:
    lowered = {name.lower(): name for name, _ in record.raw}
    for column in columns:
        name = lowered.get(column)
        if name is not None:
            for value in record.raw_values(name):
                if value.strip():
                    return value.strip()
    return ""


def label_column(records: list[Record] | tuple[Record, ...]) -> str | None:
    """The label column of a CSV export (empty cells are not kept in ``raw``, so it is
    looked up across all records)."""
    present = {name.lower() for record in records for name, _ in record.raw}
    return next((c for c in LABEL_COLUMNS if c in present), None)


def label_of(record: Record, column: str | None = None) -> tuple[str | None, bool, bool]:
    """(decision or None, labelled-at-all, prior) for one record; ``column``: the file's
    label column, if it has one (a record with an empty cell there was not seen)."""
    found = None
    for note in record.notes:
        match = _NOTE_LABEL.search(note)
        if match:
            found = match.group(1).lower()
    prior = any(_PRIOR.search(n) for n in record.notes)
    if found is not None:
        decision = {"relevant": "include", "irrelevant": "exclude"}.get(found)
        return decision, True, prior
    if column is None:
        column = label_column([record])
    if column is None:
        return None, False, prior
    value = _first(record, column).lower()
    return _VALUES.get(value), True, prior


def read(path: Path, options: ToolOptions) -> ToolFile:
    records = read_records(path)
    column = label_column(records)
    result = ToolFile(NAME, "labels")
    stage = options.stage or "ta"
    labelled = unseen = priors = 0
    for record in records:
        decision, has_label, prior = label_of(record, column)
        labelled += has_label
        priors += prior and decision is not None
        if decision is None:
            unseen += has_label
            result.rows.append(row_of(record, votes=(), unlabelled=has_label))
            continue
        by = options.who(
            _first(record, "asreview_user_name", "asreview_user_email")
            or options.reviewer
            or "asreview"
        )
        key = record.provenance.key or str(record.provenance.index)
        at = iso_time(_first(record, "asreview_time"))
        note = _first(record, "asreview_note")
        vote = ToolVote(
            by=by,
            stage=stage,
            decision=decision,
            note=note,
            at=at,
            origin=f"asreview:{key}:{record.title[:80]}:{decision}:{at}",
        )
        result.rows.append(row_of(record, votes=(vote,)))
    if not labelled:
        raise InputError(
            f"{path}: no ASReview labels (no ASReview_relevant/irrelevant notes, no "
            f"{'/'.join(LABEL_COLUMNS)} column)",
            hint="export the project from ASReview LAB with its labels",
        )
    if priors:
        were = plural(priors, "was", "were")
        result.notes.append(f"{count(priors, 'label')} {were} prior knowledge (ASReview_prior)")
    if unseen:
        result.notes.append(
            f"{count(unseen, 'record')} {plural(unseen, 'was', 'were')} not seen in ASReview"
            + (
                "; recorded as removed by automation (--unseen automation) unless screened "
                "as a duplicate of a record seen"
                if options.unseen == "automation"
                else f"; {plural(unseen, 'it stays', 'they stay')} unscreened"
            )
        )
    return result
