"""A whole deduplication run, as ``cen-search dedupe`` does it, for the CLI, updates, tracing
and library users alike.

:func:`run` deduplicates :class:`~cen_search.dedupe.inputs.Inputs` with people's decisions;
:func:`run_in_workspace` does it for a review workspace: it keeps new decisions in
``dedupe/decisions.jsonl``, runs, writes the results beside it and logs the run::

    dedupe/decisions.jsonl   people's decisions (append-only; see decisions.py)
    dedupe/clusters.csv      one row per imported record: its cluster, rule and score
    dedupe/unique.ris        the deduplicated library: one merged record per cluster
    dedupe/review.csv        the pairs for a person, most likely duplicates first
    dedupe/overlap.csv       the per-database overlap table (and overlap.svg, as a heatmap)
    dedupe/links.csv         records kept apart but related: errata, abstracts of papers ...
    dedupe/summary.json      the run's counts, when it ran, and what it wrote

Everything but the decisions is derived and rewritten on every run. ``review.csv`` is also a
way in: decisions filled into it since it was written are taken into the log first, so a
person's work in it is never overwritten.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.dedupe.decisions import (
    DECISIONS_PATH,
    AppliedDecisions,
    Decision,
    PairKey,
    append_decisions,
    append_undo,
    apply_to,
    changes,
    current_decisions,
    make_decision,
    pair_key,
)
from cen_search.dedupe.inputs import Inputs, workspace_inputs
from cen_search.dedupe.model import DedupeOptions, DedupeResult, PreprintPolicy
from cen_search.dedupe.report import (
    DedupeSummary,
    cluster_rows,
    database_labels,
    summarise,
    write_clusters_csv,
)
from cen_search.dedupe.review_sheet import (
    ReviewPair,
    is_decisions_log,
    read_decisions,
    review_pairs,
    rows_about,
    update_review_csv,
    verdicts_to_review,
    write_review_csv,
)
from cen_search.errors import UsageError
from cen_search.fsutil import atomic_open, atomic_write_text, sha256_file
from cen_search.identity import RecordRef, ref_of
from cen_search.ledger import now_iso
from cen_search.models import Record
from cen_search.progress import NULL_REPORTER, Reporter
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

DEDUPE_FOLDER = Path("dedupe")
SUMMARY_PATH = DEDUPE_FOLDER / "summary.json"
WORKSPACE_OUTPUTS = {
    "clusters": DEDUPE_FOLDER / "clusters.csv",
    "library": DEDUPE_FOLDER / "unique.ris",
    "review": DEDUPE_FOLDER / "review.csv",
    "overlap": DEDUPE_FOLDER / "overlap.csv",
    "overlap_picture": DEDUPE_FOLDER / "overlap.svg",
    "links": DEDUPE_FOLDER / "links.csv",
}
"""What a workspace run writes, relative to the review folder (besides the summary)."""


def options_from(preprints: str, workspace: Workspace | None = None) -> DedupeOptions:
    """Engine options from ``--preprints`` (else ``[dedupe] preprints`` in the review)."""
    value = preprints.strip().lower()
    if not value and workspace is not None:
        value = str(workspace.settings.table("dedupe").get("preprints", "")).strip().lower()
    if not value:
        return DedupeOptions()
    try:
        return DedupeOptions(preprint_policy=PreprintPolicy(value))
    except ValueError:
        raise UsageError(
            f"--preprints {preprints!r} is not a policy", hint="use separate or merge"
        ) from None


@dataclass(frozen=True)
class DedupeRun:
    """One run: its inputs, the engine's result, the decisions as applied, and the counts."""

    inputs: Inputs
    options: DedupeOptions
    result: DedupeResult
    applied: AppliedDecisions
    summary: DedupeSummary
    decisions_added: int = 0
    """Decisions this run added to the workspace's log."""
    written: dict[str, str] = field(default_factory=dict)
    """What the run wrote in the workspace: output name -> workspace-relative path."""

    @property
    def labels(self) -> list[str]:
        return database_labels(self.inputs.everything)

    def review_pairs(self) -> list[ReviewPair]:
        """The pairs for a person: uncertain and decided ones, with their decisions."""
        records = self.inputs.everything
        verdicts = verdicts_to_review(records, self.result, self.applied, options=self.options)
        return review_pairs(records, verdicts, labels=self.labels, applied=self.applied)

    def kept_apart_by(self, a: int, b: int) -> tuple[int, int] | None:
        """Two members of the clusters of ``a`` and ``b`` a person decided are different
        (the decision that keeps the two clusters apart, ``a``'s side first), or ``None``."""
        result = self.result
        in_a = set(result.clusters[result.cluster_of[a]].members)
        in_b = set(result.clusters[result.cluster_of[b]].members)
        for (i, j), decision in sorted(self.applied.by_pair.items()):
            if decision.same:
                continue
            if (i in in_a and j in in_b) or (i in in_b and j in in_a):
                return (i, j) if i in in_a else (j, i)
        return None

    def cluster_rows(self) -> list[dict[str, str]]:
        return cluster_rows(
            self.inputs.everything, self.result, labels=self.labels, previous=self.inputs.previous
        )


def run(
    inputs: Inputs,
    *,
    options: DedupeOptions,
    decisions: Mapping[PairKey, Decision],
    reporter: Reporter = NULL_REPORTER,
) -> DedupeRun:
    """Deduplicate ``inputs`` with the people's ``decisions`` that apply to them."""
    from cen_search.dedupe.engine import deduplicate

    records = inputs.everything
    applied = apply_to(decisions, records)
    result = deduplicate(
        inputs.records,
        options=options,
        decisions=applied.engine,
        previous=inputs.previous_records,
        reporter=reporter,
    )
    decided = {pair for pair in applied.by_pair if pair not in applied.contested}
    undecided = sum(1 for v in result.uncertain if (v.a, v.b) not in decided)
    contested_elsewhere = len(applied.contested - {(v.a, v.b) for v in result.uncertain})
    summary = summarise(
        result,
        labels=database_labels(records),
        undecided_pairs=undecided + contested_elsewhere,
        decisions_applied=len(applied.engine),
        previous=inputs.previous,
        orphaned_decisions=len(applied.orphans),
        contradictions=len(applied.contradictions),
    )
    return DedupeRun(inputs, options, result, applied, summary)


def write_merged(path: Path, dedupe_run: DedupeRun, *, format: str) -> int:
    """One merged record per cluster (with ``--against``: per cluster of new records only)."""
    from cen_search.dedupe.merge import merged_records
    from cen_search.formats import write_records

    merged = merged_records(
        dedupe_run.inputs.everything, dedupe_run.result, new_only=dedupe_run.inputs.against
    )
    with atomic_open(path, newline="") as fh:
        return write_records(merged, fh, format=format)


def write_review(
    path: Path, dedupe_run: DedupeRun, *, decisions_from: Path | None = None
) -> list[ReviewPair]:
    """The review CSV: the run's uncertain and decided pairs, then, as they were, the rows of
    the ``decisions_from`` review CSV whose decisions name records not in this run (with
    ``--decisions pairs.csv --review pairs.csv`` a decision is never deleted from the file
    that holds it). Returns the run's pairs."""
    pairs = dedupe_run.review_pairs()
    kept: list[dict[str, str]] = []
    orphans = {orphan.decision.key for orphan in dedupe_run.applied.orphans}
    if orphans and decisions_from is not None and not is_decisions_log(decisions_from):
        kept = rows_about(decisions_from, orphans)
    write_review_csv(path, pairs, kept=kept)
    return pairs


def write_overlap(path: Path, summary: DedupeSummary, *, title: str = "") -> None:
    """The overlap table as CSV, or as an SVG heatmap when ``path`` ends in ``.svg``."""
    if path.suffix.lower() == ".svg":
        from cen_search.dedupe.overlap_svg import write_overlap_svg

        write_overlap_svg(path, summary, title=title)
    else:
        write_overlap_csv(path, summary)


def write_overlap_csv(path: Path, summary: DedupeSummary) -> None:
    """The per-database table as CSV: database, records, distinct, unique, then one column per
    database holding the distinct records both found."""
    names = [row.database for row in summary.databases]
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["database", "records", "distinct", "unique", *names])
        for row in summary.databases:
            writer.writerow(
                [
                    row.database,
                    row.records,
                    row.distinct,
                    row.unique,
                    *(
                        "" if other == row.database else row.overlap.get(other, 0)
                        for other in names
                    ),
                ]
            )


# -- in a review workspace -----------------------------------------------------------------


def last_summary(ws: Workspace) -> dict[str, Any] | None:
    """``dedupe/summary.json`` of the last workspace run, or None (never run, or unreadable)."""
    path = ws.root / SUMMARY_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _edited_review_decisions(ws: Workspace, reviewer: str) -> tuple[Decision, ...]:
    """Decisions a person filled into ``dedupe/review.csv`` since the last run wrote it."""
    path = ws.root / WORKSPACE_OUTPUTS["review"]
    if not path.is_file():
        return ()
    summary = last_summary(ws) or {}
    if summary.get("review_sha256") == sha256_file(path):
        return ()
    return read_decisions(path, by=reviewer)


def _durable(
    decisions: Iterable[Decision],
    records: Callable[[], Sequence[Record]],
    *,
    reporter: Reporter,
) -> list[Decision]:
    """``decisions`` with each one that names its records only by record id (a review CSV
    without the uid columns, or written by an earlier version) named by the durable identity
    of the records those ids are in this run: the log keeps only durable names, so such a
    decision would otherwise be dropped without a word. One whose ids name no record here is
    reported. ``records`` are read only when such a decision is there."""
    by_record_id: dict[str, Record] | None = None
    out: list[Decision] = []
    lost: list[Decision] = []
    for decision in decisions:
        if not decision.legacy:
            out.append(decision)
            continue
        if by_record_id is None:
            by_record_id = {str(record.id): record for record in records()}
        found = [by_record_id.get(rid) for rid in decision.legacy]
        if found[0] is None or found[1] is None:
            lost.append(decision)
            continue
        out.append(replace(decision, a=ref_of(found[0]), b=ref_of(found[1]), legacy=()))
    if lost:
        reporter.note(
            f"warning: {count(len(lost), 'decision')} name their records only by record id "
            "(checksum:position) and no record of this review has that id; not kept: "
            + "; ".join(d.describe() for d in lost[:5])
            + " (keep the a_uid and b_uid columns of the review CSV)"
        )
    return out


def _take_in(
    ws: Workspace,
    incoming: Iterable[Decision],
    *,
    source: str,
    reviewer: str,
    records: Callable[[], Sequence[Record]],
    reporter: Reporter = NULL_REPORTER,
) -> list[Decision]:
    """Append to the log the decisions filled into ``dedupe/review.csv`` since the last run
    wrote it, then ``incoming``, where they change it; returns those appended."""
    log_path = ws.root / DECISIONS_PATH
    edited = _edited_review_decisions(ws, reviewer)
    taken = _durable([*edited, *incoming], records, reporter=reporter)
    new = changes(current_decisions(log_path), taken)
    if new:
        append_decisions(log_path, new, source=source)
    return new


def take_in_review_edits(ws: Workspace, *, reviewer: str = "") -> int:
    """Take the decisions filled into ``dedupe/review.csv`` into the log now (before a
    review session shows the pairs, so that it does not ask them again); returns how many
    changed the log. Holds the review's lock."""
    with ws.lock():
        return len(
            _take_in(
                ws,
                (),
                source="file:review.csv",
                reviewer=reviewer,
                records=lambda: workspace_inputs(ws).everything,
            )
        )


def record_decision(
    ws: Workspace, a: RecordRef, b: RecordRef, *, same: bool | None, by: str = ""
) -> None:
    """A person's decision on the pair ``a``/``b`` (``None`` withdraws it), appended to the
    log and written into ``dedupe/review.csv`` as well. The sheet is a way in: a decision
    left in it from before would otherwise be taken in by the next run and quietly undo this
    later one. The caller holds the review's lock."""
    log_path = ws.root / DECISIONS_PATH
    if same is None:
        append_undo(log_path, a, b, by=by)
    else:
        append_decisions(log_path, [make_decision(a, b, same=same, by=by)])
    sheet = ws.root / WORKSPACE_OUTPUTS["review"]
    if sheet.is_file():
        update_review_csv(sheet, {pair_key(a.uid, b.uid): same})


def run_in_workspace(
    ws: Workspace,
    *,
    options: DedupeOptions | None = None,
    incoming: Iterable[Decision] = (),
    source: str = "file",
    reviewer: str = "",
    reporter: Reporter = NULL_REPORTER,
    write: bool = True,
) -> DedupeRun:
    """Deduplicate every import of ``ws``: take ``incoming`` decisions (and any filled into
    ``dedupe/review.csv``) into the log, run with every decision in force, write the
    workspace's outputs and log the run. Holds the review's lock throughout."""
    options = options or options_from("", ws)
    with ws.lock():
        inputs = workspace_inputs(ws, reporter=reporter)
        new = (
            _take_in(
                ws,
                incoming,
                source=source,
                reviewer=reviewer,
                records=lambda: inputs.everything,
                reporter=reporter,
            )
            if write
            else []
        )
        state = current_decisions(ws.root / DECISIONS_PATH)
        result = run(inputs, options=options, decisions=state, reporter=reporter)
        written: dict[str, str] = {}
        if write:
            written = _write_workspace_outputs(ws, result, decisions_added=len(new))
            ws.log(
                "dedupe",
                records_in=result.summary.records_in,
                clusters=result.summary.clusters,
                duplicates_removed=result.summary.duplicates_removed,
                uncertain_pairs=result.summary.uncertain_pairs,
                undecided_pairs=result.summary.undecided_pairs,
                decisions_applied=result.summary.decisions_applied,
                decisions_added=len(new),
            )
    return DedupeRun(
        result.inputs,
        result.options,
        result.result,
        result.applied,
        result.summary,
        decisions_added=len(new),
        written=written,
    )


def review_pairs_now(
    ws: Workspace, *, options: DedupeOptions | None = None, reporter: Reporter = NULL_REPORTER
) -> list[ReviewPair]:
    """The review queue as it stands, every decision in the log in force, without writing
    anything: after a reviewer keeps records apart, a record that matched both of them is a
    new question (``review:chain-conflict``), which an interactive review asks before it
    ends. The caller holds the review's lock."""
    options = options or options_from("", ws)
    state = current_decisions(ws.root / DECISIONS_PATH)
    return run(
        workspace_inputs(ws, reporter=reporter), options=options, decisions=state
    ).review_pairs()


def _write_workspace_outputs(
    ws: Workspace, dedupe_run: DedupeRun, *, decisions_added: int
) -> dict[str, str]:
    root = ws.root
    paths = {name: root / rel for name, rel in WORKSPACE_OUTPUTS.items()}
    write_clusters_csv(paths["clusters"], dedupe_run.cluster_rows())
    library = write_merged(paths["library"], dedupe_run, format="ris")
    pairs = dedupe_run.review_pairs()
    write_review_csv(paths["review"], pairs)
    write_overlap(paths["overlap"], dedupe_run.summary)
    write_overlap(paths["overlap_picture"], dedupe_run.summary, title=ws.settings.title)
    from cen_search.dedupe.link_report import link_rows, write_links_csv

    write_links_csv(paths["links"], link_rows(dedupe_run.inputs.everything, dedupe_run.result))
    written = {name: rel.as_posix() for name, rel in WORKSPACE_OUTPUTS.items()}
    document = {
        **dedupe_run.summary.as_json(),
        "at": now_iso(),
        "library_records": library,
        "review_pairs": len(pairs),
        "links": len(dedupe_run.result.links),
        "decisions_added": decisions_added,
        "orphaned_decisions": [
            {"decision": o.decision.describe(), "reason": o.reason}
            for o in dedupe_run.applied.orphans
        ],
        "contradictions": [c.describe() for c in dedupe_run.applied.contradictions],
        "outputs": written,
        "review_sha256": sha256_file(paths["review"]),
    }
    atomic_write_text(
        root / SUMMARY_PATH, json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    )
    return written


def outputs_in(ws: Workspace) -> Sequence[Path]:
    """The files a workspace run writes (absolute), for output checks."""
    return [ws.root / rel for rel in (*WORKSPACE_OUTPUTS.values(), SUMMARY_PATH)]


def results_are_current(ws: Workspace) -> bool:
    """True when the last workspace run's results exist and no dedupe decision was made
    since (a newer ``dedupe/decisions.csv`` makes them out of date)."""
    summary = ws.root / SUMMARY_PATH
    decisions = ws.root / DECISIONS_PATH
    if not summary.is_file():
        return False
    return not (decisions.is_file() and decisions.stat().st_mtime > summary.stat().st_mtime)


def last_groups(ws: Workspace, records: Sequence[Record]) -> list[tuple[list[int], int]] | None:
    """How the last workspace run grouped ``records`` (the review's records, in import order):
    ``(members, kept)`` per cluster, as positions in ``records``; None when ``clusters.csv``
    is missing, does not cover exactly these records, or a decision was made since."""
    path = ws.root / WORKSPACE_OUTPUTS["clusters"]
    if not path.is_file() or not results_are_current(ws):
        return None
    position = {str(record.id): i for i, record in enumerate(records)}
    groups: dict[str, tuple[list[int], list[int]]] = {}
    seen: set[int] = set()
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                i = position.get(row.get("record_id") or "")
                if i is None or i in seen:
                    return None
                seen.add(i)
                members, kept = groups.setdefault(row.get("cluster_id") or "", ([], []))
                members.append(i)
                if (row.get("kept") or "").strip().lower() == "yes":
                    kept.append(i)
    except (OSError, csv.Error, UnicodeDecodeError):
        return None
    if len(seen) != len(records):
        return None
    return [(members, kept[0] if kept else members[0]) for members, kept in groups.values()]


def last_links(ws: Workspace, records: Sequence[Record]) -> list[tuple[int, int, str, str]]:
    """The links the last workspace run found between ``records`` (positions), with their
    relation and evidence; links naming records not imported now are left out."""
    path = ws.root / WORKSPACE_OUTPUTS["links"]
    if not path.is_file():
        return []
    position = {str(record.id): i for i, record in enumerate(records)}
    found = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                a = position.get(row.get("a_record_id") or "")
                b = position.get(row.get("b_record_id") or "")
                if a is not None and b is not None and a != b:
                    found.append((a, b, row.get("relation") or "", row.get("evidence") or ""))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []
    return found
