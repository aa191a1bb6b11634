"""What the ``dedupe`` commands do: read the inputs, call the engine, write and render results.

Kept apart from :mod:`cen_search.cli.dedupe` (the option declarations) so that ``--help``
imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.cli import _output
from cen_search.cli.dedupe_inputs import Inputs, load_inputs
from cen_search.dedupe.decisions import (
    DECISIONS_PATH,
    PairKey,
    append_decisions,
    append_undo,
    changes,
    current_decisions,
    decisions_within,
    make_decision,
    pair_key,
)
from cen_search.dedupe.model import DedupeOptions, DedupeResult, PairDecision, PreprintPolicy
from cen_search.dedupe.report import (
    DedupeSummary,
    cluster_rows,
    count_undecided,
    database_labels,
    summarise,
    write_clusters_csv,
)
from cen_search.dedupe.review_sheet import (
    ReviewPair,
    check_replaceable,
    read_decisions,
    read_review_csv,
    review_pairs,
    update_review_csv,
    verdicts_to_review,
    write_review_csv,
)
from cen_search.errors import NeedsHumanError, UsageError
from cen_search.models import Record

if TYPE_CHECKING:
    from cen_search.cli.dedupe_review import KeySource
    from cen_search.workspace import Workspace

# -- the engine ----------------------------------------------------------------------------


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


def run_engine(
    inputs: Inputs, *, options: DedupeOptions, decisions: Sequence[PairDecision]
) -> DedupeResult:
    """Run the engine on the inputs with people's decisions and a progress bar on stderr."""
    from cen_search import dedupe as engine

    return engine.deduplicate(
        inputs.records,
        options=options,
        decisions=decisions,
        previous=inputs.previous_records,
        reporter=_output.RichReporter(),
    )


def pairs_for_review(
    inputs: Inputs, result: DedupeResult, state: dict[PairKey, PairDecision], options: DedupeOptions
) -> list[ReviewPair]:
    """The pairs a review file or session shows: uncertain and decided ones, with decisions."""
    records = inputs.everything
    verdicts = verdicts_to_review(records, result, state, options=options)
    return review_pairs(records, verdicts, labels=database_labels(records), decisions=state)


# -- rendering -----------------------------------------------------------------------------


def count(n: int, singular: str, plural: str = "") -> str:
    """``count(1, "pair") == "1 pair"``; ``count(2, "pair") == "2 pairs"``."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def render_summary(summary: DedupeSummary) -> None:
    """The summary and the overlap table on stderr."""
    if _output.state.quiet:
        return
    err = _output.err
    err.print(
        f"{count(summary.records_in, 'record')} in, "
        f"{count(summary.duplicates_removed, 'duplicate')} removed, "
        f"{count(summary.clusters, 'distinct record')}; "
        f"{count(summary.uncertain_pairs, 'uncertain pair')}"
        + (f" ({summary.undecided_pairs} undecided)" if summary.uncertain_pairs else ""),
        markup=False,
    )
    if summary.against is not None:
        a = summary.against
        err.print(
            f"against the earlier library ({count(a.previous_records, 'record')}): "
            f"{count(a.new_records, 'new record')}, {a.already_in_previous} already in it, "
            f"{count(a.duplicates_within_new, 'duplicate')} among themselves, "
            f"{count(a.new_unique, 'new distinct record')}",
            markup=False,
        )
    if not summary.databases:
        return
    for line in overlap_table(summary):
        err.print(line, markup=False, highlight=False)
    err.print(
        "distinct: its own duplicates removed; unique: found in no other database; "
        "∩ X: distinct records also found in X",
        style="dim",
        markup=False,
    )


def overlap_table(summary: DedupeSummary) -> list[str]:
    """The per-database table as plain text lines (never truncated, easy to paste)."""
    names = [row.database for row in summary.databases]
    header = ["database", "records", "distinct", "unique", *(f"∩ {name}" for name in names)]
    body = [
        [
            row.database,
            str(row.records),
            str(row.distinct),
            str(row.unique),
            *("·" if other == row.database else str(row.overlap.get(other, 0)) for other in names),
        ]
        for row in summary.databases
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [render(header), *(render(cells) for cells in body)]


def _check_output(path: Path, inputs: Sequence[str]) -> str:
    from cen_search.formats import get_format

    if not path.suffix:
        raise UsageError(
            f"{path}: no extension to tell the output format from",
            hint="name it .ris, .bib, .csv or .jsonl",
        )
    fmt = get_format(path.suffix)
    if not fmt.writable:
        raise UsageError(f"{path}: cannot write {fmt.label}", hint="use .ris, .bib, .csv or .jsonl")
    resolved = path.resolve()
    if any(Path(name).resolve() == resolved for name in inputs):
        raise UsageError(
            f"{path}: is one of the input files; it would be overwritten",
            hint="write the deduplicated records to a new file",
        )
    return fmt.name


def write_merged(path: Path, fmt: str, inputs: Inputs, result: DedupeResult) -> int:
    """One merged record per cluster (with --against: per cluster of new records only)."""
    from cen_search.dedupe.merge import merged_records
    from cen_search.formats import write_records
    from cen_search.fsutil import atomic_open

    merged = merged_records(inputs.everything, result, new_only=inputs.against)
    with atomic_open(path, newline="") as fh:
        return write_records(merged, fh, format=fmt)


# -- commands ------------------------------------------------------------------------------


def _reviewer(by: str) -> str:
    """Who is deciding: ``--by``, else the ``reviewer`` setting (default: the login name)."""
    from cen_search.config import resolve
    from cen_search.workspace import Workspace

    found = Workspace.find_optional()
    settings = resolve(
        review_file=found.config_path if found is not None else None,
        flags={"reviewer": by.strip() or None},
        flag_names={"reviewer": "--by"},
    )
    return settings.reviewer


def run_dedupe(
    *,
    files: list[Path],
    output: Path | None,
    clusters: Path | None,
    review: Path | None,
    decisions: Path | None,
    against: list[Path],
    links: Path | None = None,
    databases: list[str],
    format: str | None = None,
    encoding: str | None = None,
    preprints: str,
    by: str,
    json_out: bool,
    check: bool,
) -> None:
    """``cen-search dedupe``: see the command's help."""
    reviewer = _reviewer(by)
    inputs = load_inputs(files, databases, against, format=format, encoding=encoding)
    options = options_from(preprints, inputs.workspace)
    out_format = _check_output(output, inputs.searched) if output else ""
    if review:
        check_replaceable(review, decisions_from=decisions)
    incoming = read_decisions(decisions, by=reviewer) if decisions else ()
    ws = inputs.workspace
    records = inputs.everything
    labels = database_labels(records)
    if incoming:
        _warn_unmatched(incoming, records, str(decisions))
    if ws is not None:
        with ws.lock():
            log_path = ws.root / DECISIONS_PATH
            state = current_decisions(log_path)
            new = changes(state, incoming)
            if new:
                source = f"file:{decisions.name}" if decisions else "file"
                append_decisions(log_path, new, source=source)
                state = current_decisions(log_path)
            result, summary = _run(inputs, options, state)
            target = ws.dedupe_dir / "clusters.csv"
            write_clusters_csv(
                target, cluster_rows(records, result, labels=labels, previous=inputs.previous)
            )
            ws.log(
                "dedupe",
                records_in=summary.records_in,
                clusters=summary.clusters,
                duplicates_removed=summary.duplicates_removed,
                uncertain_pairs=summary.uncertain_pairs,
                undecided_pairs=summary.undecided_pairs,
                decisions_applied=summary.decisions_applied,
                decisions_added=len(new),
            )
            _output.say(f"wrote {ws.relative(target)}")
    else:
        state = {pair_key(d.a, d.b): d for d in incoming}
        result, summary = _run(inputs, options, state)
    written: dict[str, str] = {}
    if output:
        written_records = write_merged(output, out_format, inputs, result)
        written["output"] = str(output)
        _output.say(f"wrote {count(written_records, 'record')} to {output}")
    if clusters:
        write_clusters_csv(
            clusters, cluster_rows(records, result, labels=labels, previous=inputs.previous)
        )
        written["clusters"] = str(clusters)
        _output.say(f"wrote {clusters}")
    if review:
        pairs = pairs_for_review(inputs, result, state, options)
        write_review_csv(review, pairs)
        written["review"] = str(review)
        _output.say(
            f"wrote {count(len(pairs), 'pair')} to {review} ({summary.undecided_pairs} undecided)"
        )
    if links:
        from cen_search.dedupe.link_report import link_rows, write_links_csv

        write_links_csv(links, link_rows(records, result))
        written["links"] = str(links)
        _output.say(f"wrote {count(len(result.links), 'link')} to {links}")
    render_summary(summary)
    if json_out:
        _output.emit_json(
            {
                **summary.as_json(),
                "files": [
                    {
                        "file": r.file,
                        "format": r.format,
                        "records": len(r.records),
                        "skipped": len(r.skipped),
                    }
                    for r in inputs.results
                ],
                "outputs": written,
                "workspace": str(ws.root) if ws is not None else None,
            }
        )
    if check and summary.undecided_pairs:
        raise NeedsHumanError(
            f"{count(summary.undecided_pairs, 'uncertain pair')} undecided",
            hint="decide them with cen-search dedupe review (in a review workspace), or fill "
            "the decision column of --review and pass it back with --decisions",
        )


def _warn_unmatched(
    decisions: Sequence[PairDecision], records: Sequence[Record], where: str
) -> None:
    """Decisions name records by file checksum and position: say when some match nothing."""
    ids = {record.id for record in records}
    unmatched = sum(1 for d in decisions if d.a not in ids or d.b not in ids)
    if unmatched:
        _output.warn(
            f"{where}: {count(unmatched, 'decision')} of {len(decisions)} name records that are "
            "not in this run (were the exports changed or exported again?); they are ignored"
        )


def _run(
    inputs: Inputs, options: DedupeOptions, state: dict[PairKey, PairDecision]
) -> tuple[DedupeResult, DedupeSummary]:
    records = inputs.everything
    applied = decisions_within(state, records)
    result = run_engine(inputs, options=options, decisions=applied)
    summary = summarise(
        result,
        labels=database_labels(records),
        undecided_pairs=count_undecided(result, records, state),
        decisions_applied=len(applied),
        previous=inputs.previous,
    )
    return result, summary


def run_review(*, review_file: Path | None, all_pairs: bool, by: str) -> None:
    """``cen-search dedupe review``: see the command's help."""
    from cen_search.cli.dedupe_review import run_review as session

    reviewer = _reviewer(by)
    if review_file is not None:
        pairs = read_review_csv(review_file)

        def decide_csv(pair: ReviewPair, same: bool | None) -> None:
            update_review_csv(review_file, {pair.key: same})

        if not _has_work(pairs, all_pairs, str(review_file)):
            return
        outcome = session(
            pairs,
            decide=decide_csv,
            keys=_terminal_keys(),
            console=_output.err,
            include_decided=all_pairs,
        )
        where = str(review_file)
    else:
        inputs = load_inputs([], [])
        ws = inputs.workspace
        assert ws is not None  # without FILEs load_inputs reads the workspace or refuses
        log_path = ws.root / DECISIONS_PATH
        with ws.lock():
            pairs = workspace_pairs(inputs, log_path)
            if not _has_work(pairs, all_pairs, ws.relative(log_path)):
                return

            def decide_ws(pair: ReviewPair, same: bool | None) -> None:
                if same is None:
                    append_undo(log_path, pair.a.record_id, pair.b.record_id, by=reviewer)
                else:
                    append_decisions(
                        log_path,
                        [make_decision(pair.a.record_id, pair.b.record_id, same=same, by=reviewer)],
                    )

            outcome = session(
                pairs,
                decide=decide_ws,
                keys=_terminal_keys(),
                console=_output.err,
                include_decided=all_pairs,
            )
            if outcome.decided:
                ws.log(
                    "dedupe-review",
                    decided=outcome.decided,
                    same=outcome.same,
                    different=outcome.different,
                    remaining=outcome.remaining,
                )
        where = ws.relative(log_path)
    _output.say(
        f"{count(outcome.decided, 'decision')} saved to {where}; "
        f"{count(outcome.remaining, 'pair')} undecided"
        + ("; run the review again to carry on" if outcome.remaining else "")
    )


def _has_work(pairs: Sequence[ReviewPair], all_pairs: bool, where: str) -> bool:
    """False (after saying so) when there is nothing to review: no terminal needed then."""
    if any(all_pairs or pair.same is None for pair in pairs):
        return True
    decided = sum(1 for pair in pairs if pair.same is not None)
    _output.say(f"no undecided pairs ({count(decided, 'decision')} in {where}): nothing to review")
    return False


def workspace_pairs(inputs: Inputs, log_path: Path) -> list[ReviewPair]:
    """The workspace's review queue: uncertain pairs and decided ones, with decisions."""
    state = current_decisions(log_path)
    options = options_from("", inputs.workspace)
    result = run_engine(
        inputs, options=options, decisions=decisions_within(state, inputs.everything)
    )
    return pairs_for_review(inputs, result, state, options)


def _terminal_keys() -> KeySource:
    import typer

    if not sys.stdin.isatty():
        raise UsageError(
            "the interactive review needs a terminal",
            hint="run it in a terminal, or fill the decision column of the --review CSV and "
            "pass it with --decisions",
        )
    return lambda: typer.getchar()
