"""Agreement between reviewers and how each stage was screened, from independent votes.

Only *independent* votes count: each reviewer's vote in force before the report's first
resolution (:mod:`cen_search.screening.fold`), so resolving a conflict never changes the
statistics (Covidence: "Resolving conflicts does not affect the inter-rater reliability
scores"). At title/abstract *maybe* counts as include; at full text only include and exclude
votes are compared (awaiting, ongoing and unsure votes are left out of the 2x2 table), and
for reports both reviewers excluded the primary reasons are compared too.

Cohen's kappa = (po - pe) / (1 - pe), with po the observed and pe the chance agreement from
each reviewer's marginal rates; it is undefined (None) when pe = 1 (both gave one answer
throughout). The 95% interval uses the usual large-sample standard error
sqrt(po (1 - po) / (n (1 - pe)^2)), cut to kappa's range of -1 to 1; with few reports it is
only indicative, which is why the number of reports and the 2x2 table are always given with
it.

A report removed before screening (``screen remove``: a duplicate found late, a retraction)
is not screened, as PRISMA counts it: the votes and resolutions it had stay in the logs but
count in neither the agreement nor how a stage was screened, so the methods sentences
describe the records the diagram's *Records screened* box counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations

from cen_search.screening.events import STAGES, Event, is_automation
from cen_search.screening.fold import Folded, ReportFold
from cen_search.screening.model import Agreement, StageDesign
from cen_search.wording import count


def binary(stage: str, decision: str) -> str | None:
    """``include``/``exclude`` for the 2x2 table, or None (left out)."""
    if stage == "ta":
        return "exclude" if decision == "exclude" else "include"
    return decision if decision in ("include", "exclude") else None


def cohen_kappa(
    table: tuple[tuple[int, int], tuple[int, int]],
) -> tuple[float | None, tuple[float, float] | None]:
    """Kappa and its approximate 95% interval for a 2x2 table (rows: first rater
    include/exclude; columns: second rater)."""
    (a, b), (c, d) = table
    n = a + b + c + d
    if not n:
        return None, None
    po = (a + d) / n
    pe = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
    if pe >= 1:
        return None, None
    kappa = (po - pe) / (1 - pe)
    se = math.sqrt(max(po * (1 - po), 0.0) / (n * (1 - pe) ** 2))
    return kappa, (max(kappa - 1.96 * se, -1.0), min(kappa + 1.96 * se, 1.0))


def screened_folds(folded: Folded) -> list[ReportFold]:
    """What is in force for each report not removed before screening (a removed report's
    votes are set aside, not counted)."""
    return [rf for rf in folded.reports.values() if rf.removal is None]


def agreements(folded: Folded, stages: Iterable[str] = STAGES) -> tuple[Agreement, ...]:
    """Per stage and reviewer pair (names sorted), on reports both voted on independently
    (reports removed before screening left out)."""
    found: list[Agreement] = []
    for stage in stages:
        pairs: dict[tuple[str, str], list[tuple[Event, Event]]] = {}
        for rf in screened_folds(folded):
            votes = rf.stage(stage).independent
            for first, second in combinations(sorted(votes), 2):
                pairs.setdefault((first, second), []).append((votes[first], votes[second]))
        for (first, second), both in sorted(pairs.items()):
            cells: Counter[tuple[str, str]] = Counter()
            reason_n = reason_agreed = 0
            for one, other in both:
                x, y = binary(stage, one.decision), binary(stage, other.decision)
                if x is None or y is None:
                    continue
                cells[(x, y)] += 1
                if stage == "ft" and x == y == "exclude":
                    reason_n += 1
                    reason_agreed += one.reason.casefold() == other.reason.casefold()
            table = (
                (cells[("include", "include")], cells[("include", "exclude")]),
                (cells[("exclude", "include")], cells[("exclude", "exclude")]),
            )
            n = sum(cells.values())
            if not n:
                continue
            kappa, interval = cohen_kappa(table)
            found.append(
                Agreement(
                    stage=stage,  # type: ignore[arg-type]
                    reviewers=(first, second),
                    n=n,
                    agreed=table[0][0] + table[1][1],
                    kappa=kappa,
                    table=table,
                    kappa_ci=interval,
                    reason_n=reason_n,
                    reason_agreed=reason_agreed,
                )
            )
    return tuple(found)


def _disagree(stage: str, votes: Mapping[str, Event], reason_conflicts: bool) -> bool:
    classes = {binary(stage, v.decision) or v.decision for v in votes.values()}
    if len(classes) > 1:
        return True
    if stage == "ft" and reason_conflicts and classes == {"exclude"}:
        return len({v.reason.casefold() for v in votes.values()}) > 1
    return False


def sample_text(event: Event, *, removed: int = 0) -> str:
    """How an ``assign`` event drew its sample, in words: its ``sample.method`` when it says,
    else from the sample's ``all``/``includes``/``fraction``; then its seed and size, and
    how many of its reports were ``removed`` before screening since."""
    sample = event.sample
    method = sample.get("method")
    if isinstance(method, str) and method.strip():
        text = method.strip()
    else:
        parts = []
        if sample.get("all"):
            parts.append("all reports")
        else:
            if sample.get("includes"):
                parts.append("all includes")
            fraction = sample.get("fraction")
            if isinstance(fraction, (int, float)) and fraction:
                rest = "excludes" if sample.get("includes") else "reports"
                parts.append(f"a random {fraction * 100:g}% of {rest}")
        text = " and ".join(parts) or "a chosen set"
    if sample.get("seed") is not None and sample.get("fraction"):
        text += f" (seed {sample['seed']})"
    text += f": {count(len(event.targets), 'report')} for {', '.join(event.reviewers)}"
    if removed:
        text += f", {removed} of them since removed before screening"
    return text


def _removed(folded: Folded, event: Event) -> int:
    """Reports of ``event``'s sample removed before screening since it was drawn."""
    return sum(folded.report(r).removal is not None for r in folded.drawn.get(event.id, ()))


def designs(
    folded: Folded, *, reason_conflicts: bool = True, stages: Iterable[str] = STAGES
) -> tuple[StageDesign, ...]:
    """How each stage was screened: reviewers, reports voted on, double-screened, the sample
    (from ``assign`` events), disagreements among independent votes, and how they were
    resolved. Automation tools (``tool:...``) are not reviewers: their votes are left out
    (PRISMA reports what they excluded apart); so are the votes of reports removed before
    screening (PRISMA does not count them as screened)."""
    found = []
    for stage in stages:
        reviewers: set[str] = set()
        screened = by_two = conflicts = 0
        resolved: Counter[str] = Counter()
        for rf in screened_folds(folded):
            sf = rf.stage(stage)
            people = [name for name in sf.votes if not is_automation(name)]
            independent = {k: v for k, v in sf.independent.items() if not is_automation(k)}
            reviewers.update(people)
            screened += bool(people or sf.resolution)
            if len(independent) >= 2:
                by_two += 1
                if _disagree(stage, independent, reason_conflicts):
                    conflicts += 1
                    if sf.resolution is not None:
                        resolved[sf.resolution.method or "unspecified"] += 1
        if not screened:
            continue
        samples = [
            sample_text(e, removed=_removed(folded, e))
            for e in folded.assignments
            if e.stage == stage
        ]
        found.append(
            StageDesign(
                stage=stage,  # type: ignore[arg-type]
                reviewers=tuple(sorted(reviewers)),
                screened=screened,
                screened_by_two=by_two,
                sample="; ".join(samples),
                conflicts=conflicts,
                resolved_by=dict(sorted(resolved.items())),
            )
        )
    return tuple(found)
