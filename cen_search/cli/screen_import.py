"""``cen-search screen import``: a filled screening sheet, or another tool's export."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cen_search.cli._output import count, echo, emit_json, say, warn
from cen_search.cli.screen_cmds import load, reviewer_name
from cen_search.errors import UsageError

_SHOWN = 20


def _mapping(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, mapped = pair.partition("=")
        if not sep or not name.strip() or not mapped.strip():
            raise UsageError(
                f"--reviewer-map {pair!r} is not NAME=REVIEWER",
                hint='e.g. --reviewer-map "reviewer1@example.org=jt"',
            )
        out[name.strip()] = mapped.strip()
    return out


def run_import(
    *,
    file: Path,
    tool: str,
    reviewer: str,
    stage: str,
    decision: str,
    reviewer_map: Sequence[str],
    articles: Path | None,
    unseen: str,
    dry_run: bool,
    json_out: bool,
) -> None:
    from cen_search.reading import check_input_file

    check_input_file(file)
    if articles is not None:
        check_input_file(articles)
    if unseen not in ("", "automation"):
        raise UsageError(f"--unseen {unseen!r}: the only choice is automation")
    if not tool:
        from cen_search.screening.sheet import looks_like_sheet

        if not looks_like_sheet(file):
            raise UsageError(
                f"{file}: not a screening sheet written by cen-search screen export",
                hint="for another tool's export give --from rayyan|covidence|asreview",
            )
        _import_sheet(file, reviewer=reviewer, stage=stage, dry_run=dry_run, json_out=json_out)
        return
    _import_tool(
        file,
        tool=tool,
        reviewer=reviewer,
        stage=stage,
        decision=decision,
        reviewer_map=_mapping(reviewer_map),
        articles=articles,
        unseen=unseen,
        dry_run=dry_run,
        json_out=json_out,
    )


def _import_sheet(file: Path, *, reviewer: str, stage: str, dry_run: bool, json_out: bool) -> None:
    from cen_search.screening.actions import record
    from cen_search.screening.sheet import import_sheet

    ws, screening = load()
    found = import_sheet(
        screening,
        file,
        ws=ws,
        reviewer=reviewer.strip(),
        stage=stage,
        default_reviewer=reviewer_name(""),
    )
    added = 0 if dry_run else record(ws, found.events, what="screen-import", file=file.name)
    if json_out:
        emit_json(
            {
                "file": str(file),
                "kind": "sheet",
                "added": len(found.events) if dry_run else added,
                "unchanged": found.unchanged,
                "blank": found.blank,
                "reviewers": sorted(found.reviewers),
                "dry_run": dry_run,
            }
        )
    verb = "would add" if dry_run else "added"
    say(
        f"{file.name}: {verb} {count(len(found.events), 'decision')}; "
        f"{found.unchanged} already in the log, {found.blank} without a decision"
    )


def _import_tool(
    file: Path,
    *,
    tool: str,
    reviewer: str,
    stage: str,
    decision: str,
    reviewer_map: dict[str, str],
    articles: Path | None,
    unseen: str,
    dry_run: bool,
    json_out: bool,
) -> None:
    from cen_search.screening.actions import check_stage, record
    from cen_search.screening.importing import import_tool_file
    from cen_search.screening.tools.base import ToolOptions

    options = ToolOptions(
        stage=check_stage(stage) if stage else "",
        reviewer=reviewer.strip(),
        decision=decision.strip().lower(),
        reviewer_map=reviewer_map,
        articles=articles,
        unseen=unseen,
    )
    ws, screening = load()
    by = reviewer_name("") if unseen else ""
    found = import_tool_file(screening, file, ws=ws, tool=tool, options=options, by=by)
    added = (
        0 if dry_run else record(ws, found.events, what="screen-import", file=file.name, tool=tool)
    )
    matched = sum(found.matched.values())
    if json_out:
        emit_json(
            {
                "file": str(file),
                "tool": found.tool,
                "kind": found.kind,
                "rows": found.rows,
                "unit": found.unit,
                "matched": matched,
                "matched_by": dict(found.matched),
                "unmatched": [{"where": w, "reason": r} for w, r in found.unmatched],
                "rejected": [{"where": w, "reason": r} for w, r in found.rejected],
                "undecided": found.undecided,
                "added": len(found.events) if dry_run else added,
                "already": found.already,
                "reviewers": dict(found.reviewers),
                "unknown_reasons": dict(found.unknown_reasons),
                "notes": found.notes,
                "dry_run": dry_run,
            }
        )
    routes = ", ".join(f"{via} {n}" for via, n in found.matched.most_common())
    say(
        f"{found.tool} {found.kind} {file.name}: {count(found.rows, found.unit)}; "
        f"{matched} matched"
        + (f" ({routes})" if routes else "")
        + f", {len(found.unmatched)} not matched, {found.undecided} without a decision"
    )
    if not json_out:
        for where, reason in found.unmatched[:_SHOWN]:
            echo(f"not matched  {where}: {reason}")
        if len(found.unmatched) > _SHOWN:
            echo(f"not matched  ... and {len(found.unmatched) - _SHOWN} more (--json lists all)")
        for where, reason in found.rejected[:_SHOWN]:
            echo(f"not imported  {where}: {reason}")
    for note in found.notes:
        say(note)
    if found.unknown_reasons:
        shown = ", ".join(f"{r} ({n})" for r, n in found.unknown_reasons.most_common(10))
        warn(
            f"reasons not in [screening] reasons, kept as written: {shown}"
            + (" ..." if len(found.unknown_reasons) > 10 else "")
        )
    who = ", ".join(f"{by} {n}" for by, n in found.reviewers.most_common())
    verb = "would add" if dry_run else "added"
    say(
        f"{verb} {count(len(found.events), 'event')}"
        + (f" (decisions: {who})" if who else "")
        + f"; {found.already} already in the log"
    )
