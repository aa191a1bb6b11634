"""What the ``dedupe`` commands do: parse options, call the library, render the results.

The run itself (reading the inputs, applying people's decisions, the engine, the workspace's
outputs and log) is :mod:`cen_search.dedupe.workspace_run`; this module only checks the
command's options and renders. Kept apart from :mod:`cen_search.cli.dedupe` (the option
declarations) so that ``--help`` imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.cli import _output
from cen_search.cli._output import count
from cen_search.dedupe.decisions import DECISIONS_PATH
from cen_search.dedupe.inputs import Inputs, load_inputs
from cen_search.dedupe.report import DedupeSummary
from cen_search.dedupe.review_sheet import (
    ReviewPair,
    check_replaceable,
    read_decisions,
    read_review_csv,
    refuse_workbook,
    update_review_csv,
)
from cen_search.dedupe.workspace_run import (
    WORKSPACE_OUTPUTS,
    DedupeRun,
    options_from,
    outputs_in,
    record_decision,
    review_pairs_now,
    run,
    run_in_workspace,
    take_in_review_edits,
    write_merged,
    write_overlap,
    write_review,
)
from cen_search.errors import NeedsHumanError, UsageError
from cen_search.models import ReadResult

if TYPE_CHECKING:
    from cen_search.cli.dedupe_review import KeySource

_MAX_ISSUES_SHOWN = 5
REVIEW = WORKSPACE_OUTPUTS["review"]


def report_issues(inputs: Inputs) -> None:
    """Warn about skipped records (the first few per file), empty files, and notes."""
    for note in inputs.notes:
        _output.warn(note)
    for result in inputs.results:
        _report_result(result)


def _report_result(result: ReadResult) -> None:
    for issue in result.skipped[:_MAX_ISSUES_SHOWN]:
        _output.warn(f"{issue.location()}: {issue.message} (record skipped)")
    if len(result.skipped) > _MAX_ISSUES_SHOWN:
        _output.warn(
            f"{result.file}: {len(result.skipped) - _MAX_ISSUES_SHOWN} more records skipped"
        )
    for issue in result.warnings[:_MAX_ISSUES_SHOWN]:
        _output.detail(f"{issue.location()}: {issue.message}")
    for issue in result.warnings:
        if issue.lost is not None:  # a read cut short is never only a detail
            _output.warn(f"{issue.location()}: read short: {issue.message}")
    if not result.records:
        _output.warn(f"{result.file}: no records found")


# -- rendering -----------------------------------------------------------------------------


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
    table = overlap_table(summary)
    for line in table:
        err.print(line, markup=False, highlight=False)
    if len(summary.databases) > MAX_OVERLAP_COLUMNS:
        legend = (
            f"the overlap between the {len(summary.databases)} databases is in the overlap "
            "CSV (--overlap FILE; dedupe/overlap.csv in a review)"
        )
    elif table[0].startswith("#"):  # the databases numbered
        legend = "∩ n: distinct records also found in database n"
    else:
        legend = "∩ X: distinct records also found in X"
    err.print(
        f"distinct: its own duplicates removed; unique: found in no other database; {legend}",
        style="dim",
        markup=False,
    )


MAX_OVERLAP_COLUMNS = 10
"""More databases than this and the table on the terminal leaves out the ∩ columns: one
column per database no longer fits a screen (the overlap CSV holds them all)."""
NAMED_OVERLAP_WIDTH = 100
"""Widest table whose ∩ columns carry the databases' names; a wider one numbers the
databases and heads the columns ``∩ 1``, ``∩ 2``... (long source names such as *Reference
lists of systematic reviews* made a 300-character table)."""


def overlap_table(summary: DedupeSummary) -> list[str]:
    """The per-database table as plain text lines (never truncated, easy to paste); the ``∩``
    columns for at most :data:`MAX_OVERLAP_COLUMNS` databases, headed by their names, or by
    their numbers when the names would make it wider than :data:`NAMED_OVERLAP_WIDTH`."""
    names = [row.database for row in summary.databases]
    if len(names) > MAX_OVERLAP_COLUMNS:
        names = []
    lines = _overlap_lines(summary, names, [f"∩ {name}" for name in names])
    if max(len(line) for line in lines) > NAMED_OVERLAP_WIDTH:
        lines = _overlap_lines(
            summary, names, [f"∩ {n}" for n in range(1, len(names) + 1)], numbered=True
        )
    return lines


def _overlap_lines(
    summary: DedupeSummary, names: list[str], heads: list[str], *, numbered: bool = False
) -> list[str]:
    header = ["database", "records", "distinct", "unique", *heads]
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
    if numbered:
        header = ["#", *header]
        body = [[str(n), *cells] for n, cells in enumerate(body, 1)]
    first = 2 if numbered else 1  # left-aligned columns: the number and the name
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        left = [cell.ljust(width) for cell, width in zip(cells[:first], widths, strict=False)]
        rest = (
            cell.rjust(width) for cell, width in zip(cells[first:], widths[first:], strict=True)
        )
        return "  ".join([*left, *rest]).rstrip()

    return [render(header), *(render(cells) for cells in body)]


def _output_format(path: Path) -> str:
    from cen_search.formats import writable_format

    if not path.suffix:
        raise UsageError(
            f"{path}: no extension to tell the output format from",
            hint="name it .ris, .bib, .csv, .xml or .jsonl",
        )
    return writable_format(path.suffix, what=str(path)).name


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
    overlap: Path | None = None,
    against: list[Path],
    links: Path | None = None,
    databases: list[str],
    format: str | None = None,
    encoding: str | None = None,
    preprints: str,
    by: str,
    yes: bool = False,
    json_out: bool,
    check: bool,
) -> None:
    """``cen-search dedupe``: see the command's help."""
    from cen_search.outputs import check_outputs, person_made
    from cen_search.workspace import Workspace

    reviewer = _reviewer(by)
    if review:
        check_replaceable(review, decisions_from=decisions)
    here = Workspace.find_optional()
    check_outputs(
        {
            "-o": output,
            "--clusters": clusters,
            "--review": review,
            "--overlap": overlap,
            "--links": links,
        },
        protected=[
            *(("input file", p) for p in files),
            *(("--against file", p) for p in against),
            *((("decisions file", decisions),) if decisions else ()),
            *(person_made(here) if here is not None else ()),
            *(
                ("output of the review's own run", p)
                for p in (outputs_in(here) if here is not None and not files else ())
            ),
        ],
        may_replace=yes,
        in_place={"--review": decisions},
    )
    out_format = _output_format(output) if output else ""
    incoming = read_decisions(decisions, by=reviewer) if decisions else ()
    reporter = _output.RichReporter()
    inputs = load_inputs(
        files, databases, against, format=format, encoding=encoding, reporter=reporter
    )
    report_issues(inputs)
    options = options_from(preprints, inputs.workspace)
    ws = inputs.workspace
    if ws is not None:
        result = run_in_workspace(
            ws,
            options=options,
            incoming=incoming,
            source=f"file:{decisions.name}" if decisions else "file",
            reviewer=reviewer,
            reporter=reporter,
        )
        for rel in result.written.values():
            _output.say(f"wrote {rel}")
    else:
        result = run(
            inputs, options=options, decisions={d.key: d for d in incoming}, reporter=reporter
        )
    _report_decision_problems(result, str(decisions) if decisions else "")
    written = _write_outputs(
        result,
        output=output,
        out_format=out_format,
        clusters=clusters,
        review=review,
        decisions=decisions,
        overlap=overlap,
    )
    if links:
        from cen_search.dedupe.link_report import link_rows, write_links_csv

        write_links_csv(links, link_rows(result.inputs.everything, result.result))
        written["links"] = str(links)
        _output.say(f"wrote {count(len(result.result.links), 'link')} to {links}")
    summary = result.summary
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
                "outputs": {**written, **result.written},
                "workspace": str(ws.root) if ws is not None else None,
            }
        )
    if summary.undecided_pairs:
        if ws is not None:
            step = "cen-search dedupe review"
        elif review:
            step = f"cen-search dedupe review --review-file {review}"
        else:
            step = "--review pairs.csv, then cen-search dedupe review --review-file pairs.csv"
        _output.say(f"next: decide the undecided pairs with {step}")
    if check and summary.undecided_pairs:
        raise NeedsHumanError(
            f"{count(summary.undecided_pairs, 'uncertain pair')} undecided",
            hint="decide them with cen-search dedupe review (in a review workspace), or fill "
            "the decision column of --review and pass it back with --decisions",
        )


def _write_outputs(
    result: DedupeRun,
    *,
    output: Path | None,
    out_format: str,
    clusters: Path | None,
    review: Path | None,
    decisions: Path | None,
    overlap: Path | None,
) -> dict[str, str]:
    """The files the user asked for with -o, --clusters, --review and --overlap."""
    from cen_search.dedupe.report import write_clusters_csv

    written: dict[str, str] = {}
    if output:
        written_records = write_merged(output, result, format=out_format)
        written["output"] = str(output)
        _output.say(f"wrote {count(written_records, 'record')} to {output}")
    if clusters:
        write_clusters_csv(clusters, result.cluster_rows())
        written["clusters"] = str(clusters)
        _output.say(f"wrote {clusters}")
    if review:
        pairs = write_review(review, result, decisions_from=decisions)
        written["review"] = str(review)
        _output.say(
            f"wrote {count(len(pairs), 'pair')} to {review} "
            f"({result.summary.undecided_pairs} undecided)"
        )
    if overlap:
        write_overlap(overlap, result.summary)
        written["overlap"] = str(overlap)
        _output.say(f"wrote {overlap}")
    return written


def _report_decision_problems(result: DedupeRun, where: str) -> None:
    """Say which decisions could not be applied, and which contradict each other."""
    applied = result.applied
    prefix = f"{where}: " if where else ""
    for orphan in applied.orphans[:_MAX_ISSUES_SHOWN]:
        _output.warn(
            f"{prefix}decision not applied ({orphan.reason}): {orphan.decision.describe()}; "
            "it is kept"
        )
    if len(applied.orphans) > _MAX_ISSUES_SHOWN:
        _output.warn(
            f"{prefix}{len(applied.orphans) - _MAX_ISSUES_SHOWN} more decisions name records "
            "that are not in this run; they are kept"
        )
    for contradiction in applied.contradictions:
        _output.warn(
            f"{prefix}decisions contradict each other: {contradiction.describe()}; the records "
            "are kept apart and the pair is back in the review queue"
        )


def run_review(*, review_file: Path | None, all_pairs: bool, by: str) -> None:
    """``cen-search dedupe review``: see the command's help."""
    from cen_search.cli.dedupe_review import run_review as session

    reviewer = _reviewer(by)
    if review_file is not None:
        pairs = read_review_csv(review_file)
        refuse_workbook(review_file)  # (decisions are written into the file as they are made)

        def decide_csv(pair: ReviewPair, same: bool | None) -> None:
            update_review_csv(review_file, {pair.key: same})

        if not _has_work(pairs, all_pairs, str(review_file)):
            return
        with _terminal_keys() as keys:
            outcome = session(
                pairs,
                decide=decide_csv,
                keys=keys,
                console=_output.err,
                include_decided=all_pairs,
            )
        where = str(review_file)
    else:
        from cen_search.workspace import Workspace

        ws = Workspace.find()
        log_path = ws.root / DECISIONS_PATH
        taken = take_in_review_edits(ws, reviewer=reviewer)
        if taken:
            _output.say(f"took {count(taken, 'decision')} from {ws.relative(ws.root / REVIEW)}")
        result = run_in_workspace(ws, reporter=_output.RichReporter(), write=False)
        pairs = result.review_pairs()
        if not _has_work(pairs, all_pairs, ws.relative(log_path)):
            return
        with ws.lock(), _terminal_keys() as keys:

            def decide_ws(pair: ReviewPair, same: bool | None) -> None:
                record_decision(ws, pair.a.ref, pair.b.ref, same=same, by=reviewer)

            outcome = session(
                pairs,
                decide=decide_ws,
                keys=keys,
                console=_output.err,
                include_decided=all_pairs,
            )
            while outcome.decided and not outcome.quit:
                # Records kept apart may leave a record that matched both of them: a new
                # question, asked now rather than after "all pairs decided".
                pairs = review_pairs_now(ws)
                raised = sum(1 for pair in pairs if pair.same is None)
                if not raised:
                    break
                _output.say(
                    f"{count(raised, 'more pair')} raised by your decisions (a record that "
                    "matched records you kept apart):"
                )
                outcome = outcome.then(
                    session(pairs, decide=decide_ws, keys=keys, console=_output.err)
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
    if any(all_pairs or pair.open for pair in pairs):
        return True
    decided = sum(1 for pair in pairs if pair.same is not None)
    _output.say(f"no undecided pairs ({count(decided, 'decision')} in {where}): nothing to review")
    return False


@contextlib.contextmanager
def _terminal_keys() -> Iterator[KeySource]:
    """The keys typed at the terminal, one at a time, for as long as the review lasts (keys
    typed ahead are kept; see :mod:`cen_search.cli._keys`)."""
    from cen_search.cli._keys import one_key_at_a_time, terminal_keys

    if not sys.stdin.isatty():
        raise UsageError(
            "the interactive review needs a terminal",
            hint="run it in a terminal, or fill the decision column of the --review CSV and "
            "pass it with --decisions",
        )
    with terminal_keys() as read:
        yield one_key_at_a_time(read)
