"""``cen-search screen``: title/abstract and full-text screening, kept in per-reviewer logs.

``cen-search screen [--stage ta|ft] ...`` screens in the terminal; the words after ``screen``
that name a subcommand (``export``, ``import``, ``assign`` ...) run that instead.
"""

from __future__ import annotations

from pathlib import Path

import typer

from cen_search.cli import _help

DEFAULT_COMMAND = "_session"

_STAGE = typer.Option(
    "ta", "--stage", "-s", metavar="ta|ft", help="title/abstract (ta) or full text (ft)."
)
_STAGE_ANY = typer.Option(
    "", "--stage", "-s", metavar="ta|ft", help="Only this stage (default: both)."
)
_REVIEWER = typer.Option(
    "",
    "--reviewer",
    "-r",
    metavar="NAME",
    help="Who decides (default: the reviewer setting, else your login name).",
)
_JSON = typer.Option(False, "--json", help="Print the result as JSON on stdout.")


class _ScreenGroup(_help.DefaultCommandGroup):
    """``screen`` alone (or with options) runs the terminal session; ``screen export`` ...
    run the subcommands."""

    default_name = DEFAULT_COMMAND
    usage_lines = ("[--stage ta|ft] [--reviewer NAME] [OPTIONS]", "COMMAND [ARGS]...")


screen_app = _help.Typer(
    cls=_ScreenGroup,
    name="screen",
    help=(
        "Screen the deduplicated records: titles and abstracts, then full texts, one record at "
        "a time in the terminal (i include, e exclude + reason, m maybe, s skip, u undo, n note, "
        "q quit). Every key press is saved at once in screening/<reviewer>.jsonl, so it resumes "
        "where you stopped. Spreadsheets, dual screening, conflicts, agreement, studies and "
        "imports from Rayyan, Covidence and ASReview are the subcommands below.\n\n"
        "Examples:\n\n"
        "  cen-search screen\n\n"
        "  cen-search screen --stage ft --reviewer jt\n\n"
        "  cen-search screen --order random --seed 20200115"
    ),
    short_help="Screen records (title/abstract, full text), resumable; dual screening.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


@screen_app.command(
    DEFAULT_COMMAND, cls=_help.DefaultCommand, hidden=True, help="Screen in the terminal."
)
def session_cmd(
    stage: str = _STAGE,
    reviewer: str = _REVIEWER,
    order: str = typer.Option(
        "",
        "--order",
        metavar="imported|random",
        help="Order of the records: as imported, or random (kept for your next sessions).",
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the random order (recorded)."),
) -> None:
    from cen_search.cli.screen_cmds import run_screen

    run_screen(stage=stage, reviewer=reviewer, order=order, seed=seed)


@screen_app.command(
    "export",
    help=(
        "Write a reviewer's records at a stage as a spreadsheet (CSV that Excel opens: UTF-8 "
        "with BOM), one row per record, with decision, reasons and note columns to fill (your "
        "decisions so far already filled in). Bring it back with cen-search screen import.\n\n"
        "Example:\n\n  cen-search screen export --reviewer jt --stage ta -o jt-ta.csv"
    ),
    short_help="Write a screening sheet for a spreadsheet.",
)
def export_cmd(
    output: Path = typer.Option(..., "--output", "-o", metavar="CSV", help="The sheet to write."),
    reviewer: str = _REVIEWER,
    stage: str = _STAGE,
    todo: bool = typer.Option(False, "--todo", help="Only the records still to screen."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace the file if it exists."),
    json_out: bool = _JSON,
) -> None:
    from cen_search.cli.screen_cmds import run_export

    run_export(reviewer=reviewer, stage=stage, output=output, todo=todo, yes=yes, json_out=json_out)


@screen_app.command(
    "import",
    help=(
        "Take in decisions made elsewhere: a filled screening sheet, or an export of Rayyan "
        "(articles CSV/RIS/BibTeX with RAYYAN-INCLUSION notes, or customizations_log.csv), "
        "Covidence (CSV/RIS list of a stage) or ASReview (RIS notes or CSV label column). "
        "Records are matched by key, DOI, PubMed id, else by the dedupe engine; every row that "
        "matches nothing is listed with the reason. Importing the same file again adds "
        "nothing.\n\n"
        "Examples:\n\n"
        "  cen-search screen import jt-ta.csv\n\n"
        "  cen-search screen import articles.csv --from rayyan\n\n"
        "\b\n"
        "  cen-search screen import customizations_log.csv --from rayyan \\\n"
        "      --articles articles.csv --reviewer-map reviewer1@example.org=jt\n\n"
        "  cen-search screen import review_1_excluded_csv.csv --from covidence\n\n"
        "  cen-search screen import labels.ris --from asreview --reviewer jt"
    ),
    short_help="Import a filled sheet, or Rayyan/Covidence/ASReview decisions.",
)
def import_cmd(
    file: Path = typer.Argument(..., metavar="FILE", help="The sheet or the tool's export."),
    tool: str = typer.Option("", "--from", metavar="TOOL", help="rayyan, covidence or asreview."),
    reviewer: str = typer.Option(
        "",
        "--reviewer",
        "-r",
        metavar="NAME",
        help="Whose decisions they are when the file does not say (sheets: overrides its "
        "reviewer column).",
    ),
    stage: str = typer.Option("", "--stage", "-s", metavar="ta|ft", help="Stage of the decisions."),
    decision: str = typer.Option(
        "",
        "--decision",
        metavar="D",
        help="Covidence: include or exclude (else from the file name).",
    ),
    reviewer_map: list[str] = typer.Option(
        None, "--reviewer-map", metavar="NAME=REVIEWER", help="Rename a reviewer of the file."
    ),
    articles: Path | None = typer.Option(
        None, "--articles", metavar="FILE", help="Rayyan: the articles export of the event log."
    ),
    unseen: str = typer.Option(
        "",
        "--unseen",
        metavar="automation",
        help="ASReview: record unseen records as removed by automation.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be added; add nothing."),
    json_out: bool = _JSON,
) -> None:
    from cen_search.cli.screen_import import run_import

    run_import(
        file=file,
        tool=tool,
        reviewer=reviewer,
        stage=stage,
        decision=decision,
        reviewer_map=list(reviewer_map or []),
        articles=articles,
        unseen=unseen,
        dry_run=dry_run,
        json_out=json_out,
    )


@screen_app.command(
    "assign",
    help=(
        "Draw a second reviewer's sample: every record (--all), or the includes (--includes) "
        "plus a random fraction of the excludes (--fraction), at one stage; the seed and a hash "
        "of the population are recorded so that the draw can be checked.\n\n"
        "Example:\n\n  cen-search screen assign --stage ft --reviewer B --includes --fraction 0.2"
    ),
    short_help="Assign a double-screening sample to a reviewer (recorded seed).",
)
def assign_cmd(
    reviewer: str = typer.Option(
        ..., "--reviewer", "-r", metavar="NAME", help="Who screens the sample."
    ),
    stage: str = _STAGE,
    includes: bool = typer.Option(False, "--includes", help="Every include (and maybe)."),
    fraction: float = typer.Option(
        0.0, "--fraction", metavar="F", help="Random share of the rest, e.g. 0.2."
    ),
    everything: bool = typer.Option(False, "--all", help="Every record at the stage."),
    seed: int | None = typer.Option(
        None, "--seed", help="Random seed (default: drawn and recorded)."
    ),
    source: str = typer.Option(
        "",
        "--from-reviewer",
        metavar="NAME",
        help="Decided by this reviewer's votes (default: the outcome).",
    ),
    by: str = typer.Option("", "--by", metavar="NAME", help="Who draws it (default: you)."),
    json_out: bool = _JSON,
) -> None:
    from cen_search.cli.screen_cmds import run_assign

    run_assign(
        stage=stage,
        reviewer=reviewer,
        includes=includes,
        fraction=fraction,
        everything=everything,
        seed=seed,
        source=source,
        by=by,
        json_out=json_out,
    )


@screen_app.command(
    "conflicts",
    help=(
        "List the records whose votes disagree (include against exclude; at full text also "
        "the same exclusion for different primary reasons, and unsure votes).\n\n"
        "Example:\n\n  cen-search screen conflicts --stage ft --check"
    ),
    short_help="List screening conflicts waiting for a resolution.",
)
def conflicts_cmd(
    stage: str = _STAGE_ANY,
    json_out: bool = _JSON,
    check: bool = typer.Option(False, "--check", help="Exit with status 4 while conflicts remain."),
) -> None:
    from cen_search.cli.screen_dual import run_conflicts

    run_conflicts(stage=stage, json_out=json_out, check=check)


@screen_app.command(
    "resolve",
    help=(
        "Record the resolution of a conflict as an event of its own; the reviewers' votes are "
        "kept (agreement statistics use them).\n\n"
        "Example:\n\n\b\n  cen-search screen resolve medline/pmid:31234567 --stage ft \\\n"
        '      --decision exclude --reason "wrong setting" --method discussion'
    ),
    short_help="Resolve a conflict (the original votes are kept).",
)
def resolve_cmd(
    report: str = typer.Argument(..., metavar="REPORT", help="Report id, record key, DOI or PMID."),
    stage: str = _STAGE,
    decision: str = typer.Option(
        ..., "--decision", "-d", metavar="D", help="include or exclude (ft: awaiting, ongoing)."
    ),
    reason: list[str] = typer.Option(
        None, "--reason", metavar="R", help="Exclusion reason (repeat; primary first)."
    ),
    method: str = typer.Option("discussion", "--method", help="discussion, third-reviewer ..."),
    note: str = typer.Option("", "--note", help="Why."),
    by: str = typer.Option("", "--by", metavar="NAME", help="Who resolved it (default: you)."),
) -> None:
    from cen_search.cli.screen_dual import run_resolve

    run_resolve(
        report=report,
        stage=stage,
        decision=decision,
        reasons=list(reason or []),
        method=method,
        note=note,
        by=by,
    )


@screen_app.command(
    "agreement",
    help=(
        "Percent agreement and Cohen's kappa per stage and reviewer pair, on the independent "
        "votes cast before any resolution (maybe counts as include at title/abstract), with "
        "the number of records and the 2x2 table; and how each stage was screened.\n\n"
        "Example:\n\n  cen-search screen agreement --json"
    ),
    short_help="Agreement between reviewers (percent, Cohen's kappa, 2x2).",
)
def agreement_cmd(stage: str = _STAGE_ANY, json_out: bool = _JSON) -> None:
    from cen_search.cli.screen_dual import run_agreement

    run_agreement(stage=stage, json_out=json_out)


@screen_app.command(
    "progress",
    help=(
        "Where screening stands: records per stage decided, to do and in conflict, votes per "
        "reviewer, retrieval, agreement and studies.\n\n"
        "Example:\n\n  cen-search screen progress --check"
    ),
    short_help="Screening progress per stage; --check exits 4 while work remains.",
)
def progress_cmd(
    stage: str = _STAGE_ANY,
    json_out: bool = _JSON,
    check: bool = typer.Option(
        False, "--check", help="Exit with status 4 while records are undecided or in conflict."
    ),
) -> None:
    from cen_search.cli.screen_dual import run_progress

    run_progress(stage=stage, json_out=json_out, check=check)


@screen_app.command(
    "vote",
    help=(
        "Record a decision on named records without the terminal session (scripts, "
        "corrections); --undo withdraws your vote.\n\n"
        "Example:\n\n  cen-search screen vote embase/an:L2001 --decision exclude --reason 2"
    ),
    short_help="Record (or --undo) a decision on named records.",
)
def vote_cmd(
    reports: list[str] = typer.Argument(
        ..., metavar="REPORT...", help="Report ids, keys, DOIs or PMIDs."
    ),
    decision: str = typer.Option(
        "", "--decision", "-d", metavar="D", help="include, exclude, maybe ..."
    ),
    reason: list[str] = typer.Option(
        None, "--reason", metavar="R", help="Exclusion reason (text or number)."
    ),
    note: str = typer.Option("", "--note", help="A note kept with the decision."),
    stage: str = _STAGE,
    reviewer: str = _REVIEWER,
    undo: bool = typer.Option(False, "--undo", help="Withdraw your vote instead."),
) -> None:
    from cen_search.cli.screen_records import run_vote

    run_vote(
        reports=reports,
        stage=stage,
        decision=decision,
        reasons=list(reason or []),
        note=note,
        reviewer=reviewer,
        undo=undo,
    )


@screen_app.command(
    "retrieval",
    help=(
        "Record whether the full text of records was retrieved (PRISMA's reports sought and "
        "not retrieved).\n\n"
        'Example:\n\n  cen-search screen retrieval 10.1000/x1 --not-retrieved "no access"'
    ),
    short_help="Record full-text retrieval (retrieved, not retrieved, sought).",
)
def retrieval_cmd(
    reports: list[str] = typer.Argument(
        ..., metavar="REPORT...", help="Report ids, keys, DOIs or PMIDs."
    ),
    retrieved: bool = typer.Option(False, "--retrieved", help="The full text was found."),
    not_retrieved: str = typer.Option(
        "", "--not-retrieved", metavar="WHY", help="Not found, and why."
    ),
    sought: bool = typer.Option(False, "--sought", help="Requested, outcome not known yet."),
    note: str = typer.Option("", "--note", help="A note."),
    reviewer: str = _REVIEWER,
) -> None:
    from cen_search.cli.screen_records import run_retrieval

    chosen = [
        name
        for name, on in (
            ("retrieved", retrieved),
            ("not-retrieved", bool(not_retrieved)),
            ("sought", sought),
        )
        if on
    ]
    if len(chosen) != 1:
        from cen_search.errors import UsageError

        raise UsageError("give one of --retrieved, --not-retrieved WHY, --sought")
    run_retrieval(
        reports=reports, result=chosen[0], reason=not_retrieved, note=note, reviewer=reviewer
    )


@screen_app.command(
    "remove",
    help=(
        "Remove records before screening: marked ineligible by an automation tool, or for "
        "another reason (PRISMA counts both apart from duplicates); --undo puts them back.\n\n"
        'Example:\n\n  cen-search screen remove embase/an:L2001 --kind other --reason "retracted"'
    ),
    short_help="Remove records before screening (automation or other).",
)
def remove_cmd(
    reports: list[str] = typer.Argument(
        ..., metavar="REPORT...", help="Report ids, keys, DOIs or PMIDs."
    ),
    kind: str = typer.Option(
        "other", "--kind", metavar="automation|other", help="Why, in PRISMA's terms."
    ),
    reason: str = typer.Option("", "--reason", metavar="WHY", help="The reason, in words."),
    reviewer: str = _REVIEWER,
    undo: bool = typer.Option(False, "--undo", help="Put removed records back."),
) -> None:
    from cen_search.cli.screen_records import run_remove

    run_remove(reports=reports, kind=kind, reason=reason, reviewer=reviewer, undo=undo)


@screen_app.command(
    "link",
    help=(
        "Link included reports to a study (several reports of one study share its id), each "
        "unlinked report to a study of its own (--each), or withdraw a link (--undo).\n\n"
        "Example:\n\n  cen-search screen link medline/pmid:1 embase/an:L2 --study S07"
    ),
    short_help="Link reports to studies.",
)
def link_cmd(
    reports: list[str] = typer.Argument(
        None, metavar="[REPORT]...", help="Report ids, keys, DOIs or PMIDs."
    ),
    study: str = typer.Option("", "--study", metavar="ID", help="The study id (e.g. S07)."),
    each: bool = typer.Option(
        False, "--each", help="Every unlinked included report: a study of its own."
    ),
    undo: bool = typer.Option(False, "--undo", help="Withdraw the reports' study links."),
    reviewer: str = _REVIEWER,
) -> None:
    from cen_search.cli.screen_records import run_link

    run_link(reports=list(reports or []), study=study, each=each, undo=undo, reviewer=reviewer)


@screen_app.command(
    "studies",
    help=(
        "The included reports grouped by study, those not linked yet, and the links the dedupe "
        "engine suggests (an erratum and its article, a conference abstract and its paper) for "
        "you to confirm.\n\n"
        "Example:\n\n  cen-search screen studies"
    ),
    short_help="Studies and their reports, with suggested links.",
)
def studies_cmd(json_out: bool = _JSON) -> None:
    from cen_search.cli.screen_records import run_studies

    run_studies(json_out=json_out)


def register(app: typer.Typer) -> None:
    """Add ``screen`` and its subcommands to ``app``."""
    app.add_typer(screen_app, name="screen")
