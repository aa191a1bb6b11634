"""The one function PRISMA and updates call: :func:`flow_state` folds a review's imports, its
dedupe result and its screening logs into every record's and report's state.

Nothing here is stored: the logs are the truth and this is derived from them, the same way
every time. :class:`Screening` is the same fold kept open for the screening commands (which
also need the records themselves, the votes and the queue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from cen_search.screening.agreement import agreements, designs
from cen_search.screening.config import ScreeningConfig, screening_config
from cen_search.screening.events import STAGE_NAMES, Event
from cen_search.screening.fold import Folded, fold_events
from cen_search.screening.log import workspace_events
from cen_search.screening.model import (
    Agreement,
    FlowState,
    RecordState,
    ReportState,
    StageDesign,
)
from cen_search.screening.outcomes import assigned_to, report_state
from cen_search.screening.reopen import Reopened, reopen
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
    reopened: dict[str, Reopened] = field(default_factory=dict)
    """Reports whose awaiting/ongoing outcome of an earlier round is set aside (open again)."""
    settled: Folded | None = None
    """The fold before that rule (what each round decided), for how stages were screened."""

    @classmethod
    def of(cls, library: Library, events: Sequence[Event], config: ScreeningConfig) -> Screening:
        settled = fold_events(events, library.locate)
        folded, reopened = reopen(settled, library.round_names)
        screening = cls(library, list(events), folded, config, reopened=reopened, settled=settled)
        for report in library.reports:
            assigned = assigned_to(folded, report.report_id)
            again = reopened.get(report.report_id)
            if again is not None:  # samples of earlier rounds do not bind its new assessment
                assigned["ft"] = _assigned_in(folded, library, report.report_id, again.open_in)
            state = report_state(report, folded.report(report.report_id), config, assigned=assigned)
            if again is not None:
                state = replace(
                    state,
                    reopened=again.outcome,
                    reopened_from=again.decided_round,
                    reopened_round=again.open_in,
                )
            screening.states[report.report_id] = state
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

    def _by_round(
        self,
    ) -> tuple[dict[str, tuple[StageDesign, ...]], dict[str, tuple[Agreement, ...]]]:
        """How each round's reports (first identified, or opened again, in it) were
        screened, and the agreement on them; empty for a review of one round."""
        names = self.library.round_names
        if len(names) < 2:
            return {}, {}
        settled = self.settled or self.folded
        conflict = self.config.reason_policy == "conflict"
        found_designs: dict[str, tuple[StageDesign, ...]] = {}
        found_agreements: dict[str, tuple[Agreement, ...]] = {}
        for name in names:
            ids = {
                r.report_id
                for r in self.library.reports
                if (self.states[r.report_id].reopened_round or r.round) == name
            }
            found_designs[name] = designs(_only(settled, ids, name), reason_conflicts=conflict)
            found_agreements[name] = agreements(_only(self.folded, ids, name))
        return found_designs, found_agreements

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
        round_designs, round_agreements = self._by_round()
        return FlowState(
            records=records,
            reports=reports,
            rounds=library.round_names,
            designs=designs(
                self.settled or self.folded,
                reason_conflicts=self.config.reason_policy == "conflict",
            ),
            agreements=agreements(self.folded),
            round_designs=round_designs,
            round_agreements=round_agreements,
            exclusion_reasons=(*self.config.reasons, *extra),
            studies=tuple(studies),
            problems=self.problems(),
        )


def _only(folded: Folded, report_ids: set[str], round_name: str) -> Folded:
    """``folded`` kept to ``report_ids`` and the samples drawn in ``round_name``."""
    return replace(
        folded,
        reports={k: v for k, v in folded.reports.items() if k in report_ids},
        assignments=tuple(e for e in folded.assignments if e.round == round_name),
    )


def _assigned_in(
    folded: Folded, library: Library, report_id: str, round_name: str
) -> tuple[str, ...]:
    """The reviewers assigned ``report_id`` at full text by assignments of ``round_name``."""
    names: set[str] = set()
    for event in folded.assignments:
        if event.stage != "ft" or event.round != round_name:
            continue
        if any(report_id in library.locate(target, ()) for target in event.targets):
            names.update(event.reviewers)
    return tuple(sorted(names))


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
