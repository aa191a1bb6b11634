"""Hand-built screening folds (FlowState) for the PRISMA tests: records grouped into reports,
each report with its title/abstract, retrieval and full-text outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from cen_search.screening.model import (
    DBR_METHODS,
    Agreement,
    FlowState,
    FtOutcome,
    RecordState,
    ReportState,
    Retrieval,
    StageDesign,
    TaOutcome,
)

EXCLUDED = {"ta": TaOutcome.EXCLUDE}
NOT_RETRIEVED = {
    "ta": TaOutcome.INCLUDE,
    "retrieval": Retrieval.NOT_RETRIEVED,
    "not_retrieved_reason": "Not available",
}


def ft_excluded(reason: str) -> dict[str, object]:
    return {
        "ta": TaOutcome.INCLUDE,
        "retrieval": Retrieval.RETRIEVED,
        "ft": FtOutcome.EXCLUDE,
        "ft_reason": reason,
        "ft_reasons": (reason,),
    }


def included(study: str, **more: object) -> dict[str, object]:
    return {
        "ta": TaOutcome.INCLUDE,
        "retrieval": Retrieval.RETRIEVED,
        "ft": FtOutcome.INCLUDE,
        "study": study,
        **more,
    }


@dataclass
class Flow:
    """Builds a FlowState report by report."""

    rounds: tuple[str, ...] = ("base",)
    reasons: tuple[str, ...] = ()
    records: list[RecordState] = field(default_factory=list)
    reports: list[ReportState] = field(default_factory=list)
    designs: tuple[StageDesign, ...] = ()
    agreements: tuple[Agreement, ...] = ()

    def report(
        self,
        *sources: str | tuple[str, str] | tuple[str, str, str],
        round: str = "base",
        report_round: str = "",
        **outcome: object,
    ) -> str:
        """A report found in ``sources`` (``"MEDLINE"``, ``("Citation tracing", "citation")``
        or ``(database, method, round)``); returns its id."""
        report_id = f"r{len(self.reports) + 1}"
        members = []
        for source in sources:
            if isinstance(source, str):
                source = (source, "database")
            database, method = source[0], source[1]
            record_round = source[2] if len(source) > 2 else round  # type: ignore[misc]
            uid = f"{database.lower().replace(' ', '-')}/fp:{report_id}-{len(members)}"
            self.records.append(
                RecordState(
                    uid=uid,
                    record_id=f"{len(self.records):012x}:1",
                    database=database,
                    method=method,
                    round=record_round,
                    report_id=report_id,
                )
            )
            members.append((uid, method))
        lane = "dbr" if any(m in DBR_METHODS for _, m in members) else "other"
        self.reports.append(
            ReportState(
                report_id=report_id,
                members=tuple(uid for uid, _ in members),
                round=report_round or round,
                lane=lane,  # type: ignore[arg-type]
                **outcome,  # type: ignore[arg-type]
            )
        )
        return report_id

    def many(self, count: int, *sources: str | tuple[str, str], **outcome: object) -> None:
        for _ in range(count):
            self.report(*sources, **outcome)

    def state(self) -> FlowState:
        return FlowState(
            records=tuple(self.records),
            reports=tuple(self.reports),
            rounds=self.rounds,
            designs=self.designs,
            agreements=self.agreements,
            exclusion_reasons=self.reasons,
        )
