"""Covidence: its CSV and RIS exports of the studies at one stage.

Covidence exports a list per stage and outcome, not votes: the team's final decisions, so
they are recorded as resolutions (by ``--reviewer``, default ``covidence``). The file does not
say which list it is, only its name does (``review_1234_irrelevant_csv_20240101.csv``), so the
stage and decision come from ``--stage``/``--decision`` or from these words in the name:

============== ========================== ===========================================
name contains  stage, decision            Covidence list
============== ========================== ===========================================
irrelevant     title/abstract, exclude    excluded at title and abstract screening
excluded       full text, exclude         excluded at full text review (with reasons)
included       full text, include         included studies
select,        title/abstract, include    moved on to full text review
full_text
============== ========================== ===========================================

Full-text exclusions carry their reason in an ``Exclusion reason`` (or ``Reason for
exclusion``) column, or in a note ``Exclusion reason: ...``. ``Covidence #`` is Covidence's
study number, kept as the record's key.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cen_search.errors import UsageError
from cen_search.models import Record
from cen_search.screening.tools.base import ToolFile, ToolOptions, ToolVote, read_records, row_of

NAME = "covidence"
LABEL = "Covidence"

_FROM_NAME = (
    ("irrelevant", ("ta", "exclude")),
    ("excluded", ("ft", "exclude")),
    ("included", ("ft", "include")),
    ("full_text", ("ta", "include")),
    ("fulltext", ("ta", "include")),
    ("select", ("ta", "include")),
)
_REASON_COLUMNS = ("Exclusion reason", "Exclusion Reason", "Reason for exclusion", "Reason")
_REASON_NOTE = re.compile(r"(?:exclusion reason|reason for exclusion)\s*[:=]\s*(.+)", re.I)


def list_of(path: Path, options: ToolOptions) -> tuple[str, str]:
    """The stage and decision of the whole file: the options, else the file name."""
    stage, decision = options.stage, options.decision
    if not (stage and decision):
        name = path.name.lower().replace("-", "_")
        for word, (s, d) in _FROM_NAME:
            if word in name:
                stage, decision = stage or s, decision or d
                break
    if not (stage and decision):
        raise UsageError(
            f"{path.name}: which Covidence list is this? The file does not say",
            hint="give --stage ta|ft and --decision include|exclude (Covidence names its "
            "exports ..._irrelevant_..., ..._excluded_..., ..._included_...)",
        )
    return stage, decision


def _reason(record: Record) -> tuple[str, ...]:
    for column in _REASON_COLUMNS:
        for value in record.raw_values(column):
            if value.strip():
                return tuple(r.strip() for r in re.split(r"\s*;\s*", value) if r.strip())
    for note in record.notes:
        found = _REASON_NOTE.search(note)
        if found:
            return (found.group(1).strip(),)
    return ()


def read(path: Path, options: ToolOptions) -> ToolFile:
    stage, decision = list_of(path, options)
    by = options.who(options.reviewer or "covidence")
    result = ToolFile(NAME, f"{stage} {decision} list")
    missing = 0
    for record in read_records(path):
        reasons = _reason(record) if decision == "exclude" else ()
        if stage == "ft" and decision == "exclude" and not reasons:
            missing += 1
        key = record.provenance.key or str(record.provenance.index)
        digest = hashlib.sha1(
            "\x1f".join((key, record.title, stage, decision, *reasons)).encode("utf-8")
        ).hexdigest()[:16]
        vote = ToolVote(
            by=by,
            stage=stage,
            decision=decision,
            reasons=reasons,
            origin=f"covidence:{key}:{digest}",
            final=True,
        )
        result.rows.append(row_of(record, votes=(vote,)))
    if missing:
        result.notes.append(
            f"{missing} full-text exclusions have no reason in the file; they need one "
            "(an 'Exclusion reason' column)"
        )
    return result
