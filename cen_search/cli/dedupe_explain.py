"""``cen-search dedupe explain``: why two records were or were not merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from cen_search.cli import _output
from cen_search.cli.dedupe_run import report_issues
from cen_search.dedupe.decisions import DECISIONS_PATH, Decision, PairKey, current_decisions
from cen_search.dedupe.inputs import load_inputs
from cen_search.dedupe.link_report import linked_clusters
from cen_search.dedupe.report import database_labels, find_record
from cen_search.dedupe.review_sheet import compare_fields, read_decisions
from cen_search.dedupe.workspace_run import options_from, run
from cen_search.errors import UsageError
from cen_search.models import Record


def run_explain(
    *,
    first: str,
    second: str,
    files: list[Path],
    databases: list[str],
    preprints: str,
    json_out: bool,
    decisions_file: Path | None = None,
) -> None:
    """``cen-search dedupe explain``: see the command's help."""
    from cen_search import dedupe as engine

    inputs = load_inputs(files, databases, reporter=_output.RichReporter())
    report_issues(inputs)
    records = inputs.everything
    labels = database_labels(records)
    a = find_record(records, first, labels=labels, searched=inputs.searched)
    b = find_record(records, second, labels=labels, searched=inputs.searched)
    if a == b:
        raise UsageError(
            f"{first!r} and {second!r} are the same record",
            hint="give the keys of two different records",
        )
    a, b = min(a, b), max(a, b)
    options = options_from(preprints, inputs.workspace)
    state: dict[PairKey, Decision] = {}
    if inputs.workspace is not None:
        state = current_decisions(inputs.workspace.root / DECISIONS_PATH)
    if decisions_file is not None:
        # the run's own --decisions: without them a pair the run joined or kept apart would be
        # explained as the engine alone left it
        state = {**state, **{d.key: d for d in read_decisions(decisions_file)}}
    verdict = engine.explain(records[a], records[b], options=options, context=records)
    outcome = run(inputs, options=options, decisions=state, reporter=_output.RichReporter())
    result = outcome.result
    cluster_a = result.clusters[result.cluster_of[a]]
    together = b in cluster_a.members
    link = linked_clusters(result, a, b)
    decision = outcome.applied.decision_for(a, b)
    contested = [c for c in outcome.applied.contradictions if c.pair == (a, b)]
    # a "same" decision on the chain of a contradiction is not applied (the "different" is)
    overruled = [
        c
        for c in outcome.applied.contradictions
        if decision is not None and decision.same and any(d is decision for d in c.chain)
    ]
    apart = None if together or decision is not None else outcome.kept_apart_by(a, b)
    fields = compare_fields(records[a], records[b])
    if json_out:
        _output.emit_json(
            {
                "a": _side_json(records[a], labels[a]),
                "b": _side_json(records[b], labels[b]),
                "verdict": str(verdict.verdict),
                "rule": verdict.rule,
                "score": round(verdict.score, 4),
                "scores": {k: round(v, 4) for k, v in verdict.scores.items()},
                "reasons": list(verdict.reasons),
                "decision": None
                if decision is None
                else ("same" if decision.same else "different"),
                "decision_applied": None if decision is None else not overruled,
                "contradicted_by": [c.describe() for c in (*contested, *overruled)],
                "kept_apart_by": None
                if apart is None
                else {
                    "a": _side_json(records[apart[0]], labels[apart[0]]),
                    "b": _side_json(records[apart[1]], labels[apart[1]]),
                },
                "same_cluster": together,
                "cluster_id": cluster_a.id if together else None,
                "link": None
                if link is None
                else {
                    "relation": str(link.relation),
                    "a": _side_json(records[link.a], labels[link.a]),
                    "b": _side_json(records[link.b], labels[link.b]),
                    "evidence": link.evidence,
                    "rule": link.rule,
                },
                "differs": [f.name for f in fields if f.differs],
            }
        )
        return
    out = _output.out
    out.print(f"A  {_describe_side(records[a], labels[a])}", markup=False)
    out.print(f"B  {_describe_side(records[b], labels[b])}", markup=False)
    out.print(
        f"verdict: {verdict.verdict} (rule {verdict.rule}, score {verdict.score:.3f})", markup=False
    )
    if verdict.scores:
        out.print(
            "field scores: "
            + ", ".join(_score_text(name, value) for name, value in verdict.scores.items()),
            markup=False,
        )
    for reason in verdict.reasons:
        out.print(f"  - {reason}", markup=False)
    if decision is not None:
        out.print(
            f"decided by a person: {'same' if decision.same else 'different'}"
            + (f" ({decision.by}, {decision.at})" if decision.by else ""),
            markup=False,
        )
    for contradiction in contested:
        out.print(
            "applied (the records are kept apart), but contradicted by other decisions, so the "
            f"pair is back in the review queue: {contradiction.describe()}",
            markup=False,
        )
    for contradiction in overruled:
        out.print(
            "not applied: it contradicts a 'different' decision, which is applied instead, "
            f"and that pair is back in the review queue: {contradiction.describe()}",
            markup=False,
        )
    if together:
        out.print(
            f"result: merged, in cluster {cluster_a.id} ({cluster_a.size} records)", markup=False
        )
    else:
        out.print("result: not merged (different clusters)", markup=False)
    if apart is not None:
        out.print(
            f"  kept apart by a person's decision that {_short_side(records[apart[0]])} and "
            f"{_short_side(records[apart[1]])} are different",
            markup=False,
        )
    direct = next((v for v in cluster_a.links if {v.a, v.b} == {a, b}), None) if together else None
    if direct is not None and direct.rule.startswith("human:"):
        out.print("  joined by that decision", markup=False)
    elif together and direct is None and verdict.verdict != "duplicate":
        out.print("  joined through other members of the cluster, not directly", markup=False)
    if link is not None:
        out.print(
            f"linked: {_short_side(records[link.a])} {link.relation} "
            f"{_short_side(records[link.b])} ({link.evidence})",
            markup=False,
        )
    table = Table(show_lines=False, box=None)
    table.add_column("")
    table.add_column("field")
    table.add_column("A")
    table.add_column("B")
    for item in fields:
        if item.a or item.b:
            table.add_row("≠" if item.differs else "", item.name, Text(item.a), Text(item.b))
    out.print(table)


_AGREE_OR_NOT = frozenset({"first_author", "volume", "issue", "pages", "doi", "pmid"})


def _score_text(name: str, value: float) -> str:
    """One field's score as a person reads it: similarities 0-1, fields that agree or
    differ, and the years between the two (a gap, not a similarity: ``year_gap 1.00`` read as
    a perfect score beside records a year apart)."""
    if name == "year_gap":
        return "same year" if not value else f"{value:g} year{'' if value == 1 else 's'} apart"
    if name == "title_contained":
        return "one title contains the other"
    if name in _AGREE_OR_NOT:
        verb = ("agree" if value else "differ") + ("" if name.endswith("s") else "s")
        return f"{name} {verb}"
    return f"{name} {value:.2f}"


def _describe_side(record: Record, label: str) -> str:
    """``file key K [database] record_id R`` for the A/B lines."""
    return (
        f"{record.provenance.file} key {record.key or record.provenance.index} "
        f"[{label}] record_id {record.id}"
    )


def _short_side(record: Record) -> str:
    """``file:key`` of a record, for the link line."""
    return f"{Path(record.provenance.file).name}:{record.key or record.provenance.index}"


def _side_json(record: Record, label: str) -> dict[str, Any]:
    """One side of the pair in ``--json``."""
    return {
        "record_id": record.id,
        "file": record.provenance.file,
        "key": record.key or str(record.provenance.index),
        "database": label,
        "title": " ".join(record.title.split()),
        "year": record.year,
    }
