"""``cen-search prisma``: the PRISMA 2020 flow diagram and counts of a review."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cen_search.cli import _output
from cen_search.errors import InputError, NeedsHumanError, UsageError

if TYPE_CHECKING:
    from cen_search.prisma.model import PrismaFlow

PRISMA_HELP = """Draw the review's PRISMA 2020 flow diagram, every count computed and checked.

Counts come from the imports (records identified per database and register, and per other
method: citation searching, websites, organisations, calls for evidence), the deduplication
(duplicates removed), and the screening decisions (records screened and excluded, reports
sought, not retrieved, assessed and excluded with reasons, studies and reports included).
Records, reports and studies are kept apart. The identities between the counts are checked
per lane; a broken one names the records responsible.

Each -o is written in the format its suffix names: .svg or .png (the diagram, in the official
template's layout), .dot (Graphviz source), .csv (the PRISMA2020 R package / Shiny app CSV),
.json (counts, checks, footnotes, methods sentences), .md (a counts table). Without -o the
Markdown counts table goes to standard output (--json: the JSON).

--template update (the default once a review has more than one round) shows the latest round's
new studies beside the previous version's and the totals. Diagrams are drawn with a system
Graphviz when one is installed, else with graphviz-pure (installed with cen-search); set
[prisma] renderer in cen-search.toml to choose.

With --check the exit status is 1 when an identity is broken and 4 when decisions are still
pending (not yet screened, conflicts, retrieval or assessment to do, reports without a study)
or an update round's database searches are still to run or import.

Examples:

\b
  cen-search prisma -o prisma.svg -o prisma.png -o prisma.csv
  cen-search prisma --template update -o update.svg
  cen-search prisma --check --json > flow.json
"""


def prisma(
    outputs: list[Path] = typer.Option(
        [], "-o", "--output", help="Write here (.svg .png .dot .csv .json .md); repeatable."
    ),
    template: str | None = typer.Option(
        None, "--template", help="new or update (default: update when there are earlier rounds)."
    ),
    round_name: str = typer.Option(
        "", "--round", help="With --template update: the round shown as new (default: latest)."
    ),
    per_database: bool = typer.Option(
        True,
        "--per-database/--no-per-database",
        help="Count records per database and register (PRISMA's recommendation; default).",
    ),
    check: bool = typer.Option(
        False, "--check", help="Exit 1 on a broken identity, 4 when decisions are pending."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    yes: bool = typer.Option(False, "--yes", help="Replace output files that exist."),
) -> None:
    with _output.boundary():
        from cen_search.outputs import check_outputs, person_made, same_file
        from cen_search.prisma.outputs import format_of, write_all
        from cen_search.prisma.review import prisma_settings, review_flow
        from cen_search.prisma.summary import to_json, to_markdown
        from cen_search.workspace import Workspace

        if template not in (None, "new", "update"):
            raise UsageError(f"--template {template!r}", hint="use --template new or update")
        ws = Workspace.find()
        for i, path in enumerate(outputs):
            format_of(path)
            for other in outputs[:i]:
                if same_file(path, other):
                    raise UsageError(
                        f"-o {path} is given twice", hint="give each output its own name"
                    )
        for path in outputs:
            check_outputs({"-o": path}, protected=person_made(ws), may_replace=yes)
        review = review_flow(
            ws,
            template=template,  # type: ignore[arg-type]
            round_name=round_name,
            per_database=per_database,
            reporter=_output.RichReporter(),
        )
        flow = review.flow
        written = write_all(
            review,
            outputs,
            renderer_setting=prisma_settings(ws)["renderer"],
            title=ws.settings.title,
        )
        for path, kind in written:
            _output.say(f"wrote {path} ({kind})")
        if as_json:
            _output.emit_json(
                {k: v for k, v in to_json(flow, methods=review.methods).items()
                 if k != "schema_version"}
            )  # fmt: skip
        elif not outputs:
            _output.echo(
                to_markdown(flow, methods=review.methods, title=ws.settings.title).rstrip("\n")
            )
        _summarise(flow)
        if check:
            _check(flow)


def _summarise(flow: PrismaFlow) -> None:
    inc = flow.included
    studies = (
        f"{_output.count(inc.studies, 'study', 'studies')} ({_output.count(inc.reports, 'report')})"
    )
    _output.say(
        f"{flow.template} review: {_output.count(flow.dbr.identified, 'record')} identified "
        f"in databases and registers, {flow.other.identified} by other methods; "
        f"{flow.dbr.screened} screened; {studies} included"
    )
    for check in flow.broken:
        _output.warn(f"identity broken ({check.lane}): {check.statement}: {check.equation}")
        for item in check.responsible[:20]:
            _output.warn(f"  {item}")
    for pending in flow.pending:
        _output.say(f"pending: {pending.description} (n = {pending.count})")
    if not flow.screening:
        _output.say(
            "no screening stage installed: the counts stop at records screened (all pending)"
        )


_NEXT_STEPS = {
    "searches": "run or import the round's searches (cen-search update status lists them)",
    "screening": "screen the records (cen-search screen)",
    "screening-conflicts": "resolve the conflicts (cen-search screen conflicts)",
    "retrieval": "record full-text retrieval (cen-search screen retrieval)",
    "assessment": "assess the full texts (cen-search screen --stage ft)",
    "assessment-conflicts": "resolve the full-text conflicts (cen-search screen conflicts)",
    "reasons": "give each full-text exclusion its reason (cen-search screen vote --reason)",
    "study-links": "link the included reports to studies (cen-search screen link)",
}
"""What to do about each kind of pending work (:attr:`PendingWork.what`), for the hint."""


def _check(flow: PrismaFlow) -> None:
    if flow.broken:
        names = "; ".join(
            f"{c.lane} {c.name}: " + (", ".join(c.responsible[:3]) or c.equation)
            for c in flow.broken
        )
        raise InputError(
            f"the counts do not add up: {names}",
            hint="fix the decisions named (cen-search prisma --json lists every one)",
        )
    if flow.pending:
        work = ", ".join(f"{p.description} ({p.count})" for p in flow.pending)
        steps = dict.fromkeys(_NEXT_STEPS.get(p.what, "finish screening") for p in flow.pending)
        raise NeedsHumanError(
            f"the flow is not final: {work}", hint="; ".join(steps) + ", then run it again"
        )


def register(app: typer.Typer) -> None:
    """Add ``prisma`` to ``app``."""
    app.command("prisma", help=PRISMA_HELP, short_help=PRISMA_HELP.splitlines()[0])(prisma)
