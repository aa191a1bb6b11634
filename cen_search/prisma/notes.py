"""The footnotes of a flow diagram: the template's own two, and every choice the counts made
that a reader needs to know (records found by several methods, records of earlier rounds,
reports not yet linked to a study, outcomes the template has no box for, pending work)."""

from __future__ import annotations

from cen_search.prisma.model import PrismaFlow
from cen_search.wording import count


def _be(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def footnotes(flow: PrismaFlow) -> tuple[str, ...]:
    """Footnotes for ``flow``, in the order they are printed under the diagram."""
    notes = []
    if flow.per_database:
        notes.append(
            "* Records identified from each database or register searched are counted "
            "separately, as PRISMA 2020 recommends."
        )
    else:
        notes.append(
            "* Consider, if feasible to do so, reporting the number of records identified from "
            "each database or register searched (rather than the total number across all "
            "databases/registers)."
        )
    automated = flow.dbr.excluded_automation + flow.other.excluded_automation
    human = flow.dbr.excluded + flow.other.excluded
    if automated:
        notes.append(
            f"** Excluded by a person (n = {human}) and by automation tools (n = {automated})."
        )
    else:
        notes.append("** No records were excluded by automation tools.")
    if flow.template == "update" and flow.dbr.duplicates_earlier + flow.other.duplicates_earlier:
        earlier = flow.dbr.duplicates_earlier
        where = (
            "among the duplicate records removed"
            if flow.earlier_screened == "duplicates"
            else f'as "{flow.earlier_screened_label}"'
        )
        notes.append(
            f"Records of round {flow.round} already identified in an earlier version: "
            f"{earlier} from databases and registers are counted {where} "
            f"(duplicates within this round: {flow.dbr.duplicates})"
            + (
                f"; {flow.other.duplicates_earlier} found by other methods are not counted again"
                if flow.other.duplicates_earlier
                else ""
            )
            + "."
        )
    other = flow.other
    if other.duplicates_cross_lane or other.duplicates:
        parts = []
        if other.duplicates_cross_lane:
            parts.append(
                f"{count(other.duplicates_cross_lane, 'record')} found by other methods "
                f"{_be(other.duplicates_cross_lane, 'was', 'were')} also found in the databases "
                f"or registers and {_be(other.duplicates_cross_lane, 'is', 'are')} counted there"
            )
        if other.duplicates:
            parts.append(
                f"{count(other.duplicates, 'record')} found by more than one other method "
                f"{_be(other.duplicates, 'is', 'are')} counted once, under the method that "
                "found it first"
            )
        notes.append("Other methods: " + "; ".join(parts) + ".")
    if other.screened_out or other.removed_automation or other.removed_other:
        notes.append(
            f"Records found by other methods were screened on title and abstract "
            f"(n = {other.screened}; excluded n = {other.screened_out}): the template has no "
            "box for this, so it is drawn as an extra pair of boxes."
        )
    awaiting = flow.dbr.awaiting + other.awaiting
    ongoing = flow.dbr.ongoing + other.ongoing
    if awaiting or ongoing:
        notes.append(
            f"Reports assessed include studies awaiting classification (n = {awaiting}) and "
            f"ongoing studies (n = {ongoing}); they are reconsidered at the next update."
        )
    if flow.included.unlinked:
        notes.append(
            f"{count(flow.included.unlinked, 'included report')} not yet linked to a study "
            f"{_be(flow.included.unlinked, 'is', 'are each')} counted as a study of "
            f"{_be(flow.included.unlinked, 'its', 'their')} own."
        )
    if flow.included.reopened:
        notes.append(
            f"{count(flow.included.reopened, 'report')} identified in an earlier version and "
            f"included in this one {_be(flow.included.reopened, 'is', 'are')} counted among "
            "the reports of new included studies."
        )
    if not flow.screening:
        notes.append(
            "No screening decisions were available: every record screened is still to screen."
        )
    if flow.pending:
        outstanding = "; ".join(f"{p.description} (n = {p.count})" for p in flow.pending)
        notes.append(f"DRAFT: decisions outstanding: {outstanding}.")
    if flow.broken:
        notes.append(
            f"NOT CONSISTENT: {count(len(flow.broken), 'identity', 'identities')} between the "
            "counts fail (cen-search prisma --check names the records)."
        )
    return tuple(notes)
