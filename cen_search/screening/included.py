"""The review's included studies as records, for citation tracing.

Each included report is one record: its members merged (the most complete one, gaps filled
from the others, so a DOI or PubMed id any copy carries is there). :func:`included_records`
gives every included report, or only those whose inclusion was recorded in one round (what an
update traces: the studies newly included in it). :func:`seed_provider` is registered with
:mod:`cen_search.trace.seeds`, so ``cen-search trace`` with no seed option traces the included
studies of a review that has screened; a review that has not (no screening log, nothing
included) falls back to ``[trace] seeds``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cen_search.trace.seeds import register_seed_provider
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.models import Record
    from cen_search.screening.flow import Screening
    from cen_search.workspace import Workspace


def included_of(screening: Screening, *, round_name: str | None = None) -> list[Record]:
    """One merged record per included report (of ``round_name`` only, when given: those
    whose full-text inclusion was recorded in that round), in report order."""
    from cen_search.dedupe.merge import merge_cluster

    library = screening.library
    out = []
    for report in library.reports:
        state = screening.state(report)
        if not state.included:
            continue
        if round_name is not None and (state.decided_round or report.round) != round_name:
            continue
        members = [library.records[m] for m in report.members]
        out.append(merge_cluster(members, kept=report.members.index(report.kept)))
    return out


def included_records(ws: Workspace, *, round_name: str | None = None) -> list[Record]:
    """The included reports of ``ws`` as records (see :func:`included_of`)."""
    from cen_search.screening.flow import load_screening

    return included_of(load_screening(ws), round_name=round_name)


def seed_provider(ws: Workspace) -> tuple[list[Record], str] | None:
    """The review's included studies for ``trace``, or None before anything was included."""
    from cen_search.screening.log import log_files

    if not log_files(ws):
        return None
    records = included_records(ws)
    if not records:
        return None
    return records, f"{count(len(records), 'included report')} in the screening logs"


register_seed_provider(seed_provider)

__all__ = ["included_of", "included_records", "seed_provider"]
