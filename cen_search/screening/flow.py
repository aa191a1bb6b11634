"""The one function PRISMA and updates call: :func:`flow_state` folds a review's imports, its
dedupe result and its screening logs into every record's and report's state.

Nothing here is stored: the logs are the truth and this is derived from them, the same way
every time. :class:`Screening` is the same fold kept open for the screening commands (which
also need the records themselves, the votes and the queue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cen_search.screening.agreement import agreements, designs
from cen_search.screening.config import ScreeningConfig, screening_config
from cen_search.screening.events import STAGE_NAMES, Event
from cen_search.screening.fold import Folded, fold_events
from cen_search.screening.log import workspace_events
from cen_search.screening.model import FlowState, RecordState, ReportState
from cen_search.screening.outcomes import assigned_to, report_state
from cen_search.screening.reports import Library, Report, describe_report, load_library

if TYPE_CHECKING:
    from cen_search.dedupe.workspace_run import DedupeRun
    from cen_search.workspace import Workspace


@dataclass
class Screening:
    """A review's screening, folded: the library, the events, what is in force, the states."""

    library: Library
    events: list[Event]
    folded: Folded
    config: ScreeningConfig
    states: dict[str, ReportState] = field(default_factory=dict)

    @classmethod
    def of(cls, library: Library, events: Sequence[Event], config: ScreeningConfig) -> Screening:
        folded = fold_events(events, library.locate)
        screening = cls(library, list(events), folded, config)
        for report in library.reports:
            screening.states[report.report_id] = report_state(
                report,
                folded.report(report.report_id),
                config,
                assigned=assigned_to(folded, report.report_id),
            )
        return screening

    @property
    def reports(self) -> list[Report]:
        return self.library.reports

    def state(self, report: Report | str) -> ReportState:
        key = report if isinstance(report, str) else report.report_id
        return self.states[key]

    def problems(self) -> tuple[str, ...]:
        out = []
        for event in self.folded.orphans:
            what = event.refs[0].describe() if event.refs else ", ".join(event.target)
            out.append(
                f"{event.event} by {event.by or '?'} ({event.at}) names a record no longer "
                f"in the review: {what}; kept in the log, not applied"
            )
        for event, reports in self.folded.spread:
            names = "; ".join(describe_report(self.library, self.library.by_id[r]) for r in reports)
            out.append(
                f"{event.event} by {event.by or '?'} ({event.at}) was about records now in "
                f"{len(reports)} reports ({names}); it applies to each"
            )
        return tuple(out)

    def flow(self) -> FlowState:
        library = self.library
        records = tuple(
            RecordState(
                uid=library.ref(i).uid,
                record_id=str(record.id),
                database=library.origins[i].database or record.source_database,
                method=library.origins[i].method,
                round=library.origins[i].round,
                report_id=library.report_of_record(i).report_id,
            )
            for i, record in enumerate(library.records)
        )
        reports = tuple(self.states[r.report_id] for r in library.reports)
        used = {reason for state in reports for reason in state.ft_reasons}
        extra = sorted(
            (r for r in used if self.config.canonical_reason(r) is None), key=str.casefold
        )
        studies = sorted({s.study for s in reports if s.included and s.study})
        return FlowState(
            records=records,
            reports=reports,
            rounds=library.round_names,
            designs=designs(self.folded, reason_conflicts=self.config.reason_policy == "conflict"),
            agreements=agreements(self.folded),
            exclusion_reasons=(*self.config.reasons, *extra),
            studies=tuple(studies),
            problems=self.problems(),
        )


def load_screening(
    ws: Workspace, *, dedupe_run: DedupeRun | None = None, library: Library | None = None
) -> Screening:
    """Fold ``ws`` (grouped by ``dedupe_run`` or ``library`` when given; see
    :func:`cen_search.screening.reports.load_library`)."""
    config = screening_config(ws.settings.table("screening"))
    events = workspace_events(ws)
    if library is None:
        library = load_library(ws, dedupe_run=dedupe_run)
    return Screening.of(library, events, config)


def flow_state(ws: Workspace, *, dedupe_run: DedupeRun | None = None) -> FlowState:
    """Everything PRISMA counts, folded from the review's imports, dedupe result and
    screening logs (``dedupe_run``: group records as that run did; default: the last
    dedupe run's clusters while current, else a fresh in-memory run)."""
    return load_screening(ws, dedupe_run=dedupe_run).flow()


__all__ = ["STAGE_NAMES", "Screening", "flow_state", "load_screening"]
