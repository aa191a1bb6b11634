"""``cen-search dedupe``: find the duplicates across database exports, and review them.

Forms (the first word after ``dedupe`` is a subcommand only when it is ``review`` or
``explain``; anything else is a file to deduplicate)::

    cen-search dedupe FILE... [-o unique.ris] [--clusters c.csv] [--review pairs.csv] ...
    cen-search dedupe                     # inside a review workspace: all imports
    cen-search dedupe review              # decide the uncertain pairs, one key each
    cen-search dedupe explain KEY KEY     # why two records were (not) merged
"""

from __future__ import annotations

from pathlib import Path

import typer

from cen_search.cli import _help
from cen_search.cli.files import ENCODING_HELP, FORMAT_HELP

DEFAULT_COMMAND = "_default"
"""Hidden subcommand that runs when the first word is not a subcommand name."""


class _DedupeGroup(_help.DefaultCommandGroup):
    """A group whose default action takes files: ``dedupe a.ris b.ris`` runs the default
    command; ``dedupe review`` and ``dedupe explain`` run theirs (subcommand names win)."""

    default_name = DEFAULT_COMMAND
    usage_lines = (
        "[OPTIONS] [FILE]...",
        "review [OPTIONS]",
        "explain [OPTIONS] KEY_A KEY_B [FILE]...",
    )


dedupe_app = _help.Typer(
    cls=_DedupeGroup,
    name="dedupe",
    help=(
        "Find duplicate records across database exports: one record per study, the overlap "
        "between databases, and a short queue of uncertain pairs for a person to decide.\n\n"
        "Without FILE arguments, inside a review workspace, it deduplicates every import and "
        "keeps the decisions made earlier.\n\n"
        "Examples:\n\n"
        "\b\n"
        "  cen-search dedupe medline.txt embase.ris cinahl.ris -o unique.ris \\\n"
        "      --clusters clusters.csv --review pairs.csv --links links.csv\n\n"
        "  cen-search dedupe new/*.ris --against library.ris -o new-unique.ris\n\n"
        "  cen-search dedupe review\n\n"
        "  cen-search dedupe explain medline:12 embase:40"
    ),
    short_help="Find and merge duplicate records across database exports.",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


@dedupe_app.command(
    DEFAULT_COMMAND,
    cls=_help.DefaultCommand,
    hidden=True,
    help="Deduplicate FILEs (or every import of the review workspace).",
)
def dedupe_files(
    files: list[Path] = typer.Argument(
        None,
        metavar="FILE",
        show_default=False,
        help="Export files in any supported format (RIS, MEDLINE, BibTeX, CSV, EndNote ...); "
        "formats and databases may be mixed. None: every import of the review workspace.",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write one merged record per study; the format follows the extension "
        "(.ris, .bib, .csv, .jsonl ...).",
    ),
    clusters: Path | None = typer.Option(
        None,
        "--clusters",
        metavar="CSV",
        help="Write one row per input record: cluster_id, file, key, database, kept, rule, "
        "score ...",
    ),
    review: Path | None = typer.Option(
        None,
        "--review",
        metavar="CSV",
        help="Write the uncertain pairs, most likely duplicates first, fields side by side, "
        "with an empty decision column.",
    ),
    links: Path | None = typer.Option(
        None,
        "--links",
        metavar="CSV",
        help="Write the linked reports: records kept apart that belong together (erratum-of, "
        "comment-on, reply-to, abstract-of, same-abstract, version-of, republished, "
        "same-trial), one row per link.",
    ),
    decisions: Path | None = typer.Option(
        None,
        "--decisions",
        metavar="FILE",
        help="Apply decisions: a review CSV with its decision column filled in "
        "(same/different), or a decisions.jsonl. In a workspace they are kept.",
    ),
    overlap: Path | None = typer.Option(
        None,
        "--overlap",
        metavar="FILE",
        help="Write the per-database overlap: a table (.csv) or a heatmap picture (.svg). In a "
        "workspace both are always written to dedupe/overlap.csv and dedupe/overlap.svg.",
    ),
    against: list[Path] = typer.Option(
        None,
        "--against",
        metavar="FILE",
        show_default=False,
        help="An earlier library (repeat for several files): report and write only the new "
        "records not already in it.",
    ),
    database: list[str] = typer.Option(
        None,
        "--database",
        metavar="NAME",
        show_default=False,
        help="Database of each FILE, repeated in the order of the files (one value: all "
        "files). Default: what the records say, else the file name.",
    ),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    encoding: str | None = typer.Option(None, "--encoding", "-e", help=ENCODING_HELP),
    preprints: str = typer.Option(
        "",
        "--preprints",
        metavar="POLICY",
        help="separate (default): a preprint and its journal article stay two records; "
        "merge: they are one.",
    ),
    by: str = typer.Option(
        "",
        "--by",
        metavar="NAME",
        help="Who made the --decisions (default: the reviewer setting, else your login name).",
    ),
    yes: bool = typer.Option(
        False,
        "--yes",
        "-y",
        help="Replace output files that already exist (never an input, a decisions file or "
        "a file the review keeps: its logs, raw exports, strategies and settings).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    check: bool = typer.Option(
        False, "--check", help="Exit with status 4 when uncertain pairs are still undecided."
    ),
) -> None:
    from cen_search.cli import dedupe_run

    dedupe_run.run_dedupe(
        overlap=overlap,
        yes=yes,
        files=list(files or []),
        output=output,
        clusters=clusters,
        review=review,
        links=links,
        decisions=decisions,
        against=list(against or []),
        databases=list(database or []),
        format=format,
        encoding=encoding,
        preprints=preprints,
        by=by,
        json_out=json_out,
        check=check,
    )


@dedupe_app.command(
    "review",
    help=(
        "Decide the uncertain pairs one at a time: both records side by side, differences "
        "marked, one key per decision (s same, d different, n skip, u undo, q quit, ? help). "
        "Every decision is saved as it is made, so quitting and running it again carries on "
        "where you stopped.\n\n"
        "In a review workspace the decisions go to dedupe/decisions.jsonl; elsewhere give the "
        "CSV written by --review and the decisions are written into its decision column.\n\n"
        "Examples:\n\n"
        "  cen-search dedupe review\n\n"
        "  cen-search dedupe review --review-file pairs.csv"
    ),
    short_help="Decide uncertain pairs interactively (resumable).",
)
def dedupe_review_cmd(
    review_file: Path | None = typer.Option(
        None,
        "--review-file",
        metavar="CSV",
        help="The review CSV written by --review (outside a workspace).",
    ),
    all_pairs: bool = typer.Option(
        False, "--all", help="Also show pairs already decided (to change a decision)."
    ),
    by: str = typer.Option(
        "",
        "--by",
        metavar="NAME",
        help="Your name or initials, kept with each decision (default: the reviewer setting, "
        "else your login name).",
    ),
) -> None:
    from cen_search.cli import dedupe_run

    dedupe_run.run_review(review_file=review_file, all_pairs=all_pairs, by=by)


@dedupe_app.command(
    "explain",
    help=(
        "Why two records were or were not merged: the rule that decided, each field's "
        "similarity, the reasons, any person's decision, and whether they ended in one "
        "cluster.\n\n"
        "KEY is a record's key as in the clusters CSV, written FILE:KEY when several files "
        "have it (FILE may be the file name or its stem), or a record_id.\n\n"
        "Examples:\n\n"
        "  cen-search dedupe explain medline:12 embase:40 medline.txt embase.ris\n\n"
        "  cen-search dedupe explain 3f2a9c0d1e4b:12 8c1d2e3f4a5b:3\n\n"
        "  cen-search dedupe explain medline:12 embase:40 medline.txt embase.ris "
        "--decisions pairs.csv"
    ),
    short_help="Explain why two records were (not) merged.",
)
def dedupe_explain_cmd(
    key_a: str = typer.Argument(..., metavar="KEY_A", help="The first record (key or record_id)."),
    key_b: str = typer.Argument(..., metavar="KEY_B", help="The second record."),
    files: list[Path] = typer.Argument(
        None,
        metavar="FILE",
        show_default=False,
        help="Files to look in (default: the imports of the review workspace).",
    ),
    database: list[str] = typer.Option(
        None,
        "--database",
        metavar="NAME",
        show_default=False,
        help="Database of each FILE, in order (as for dedupe).",
    ),
    preprints: str = typer.Option(
        "", "--preprints", metavar="POLICY", help="separate or merge (as for dedupe)."
    ),
    decisions: Path | None = typer.Option(
        None,
        "--decisions",
        metavar="FILE",
        help="The decisions the run applied (as for dedupe: a review CSV with its decision "
        "column filled in, or a decisions.jsonl); in a workspace, on top of its own. Read "
        "only, never kept.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    from cen_search.cli import dedupe_explain

    dedupe_explain.run_explain(
        first=key_a,
        second=key_b,
        files=list(files or []),
        databases=list(database or []),
        preprints=preprints,
        decisions_file=decisions,
        json_out=json_out,
    )


def register(app: typer.Typer) -> None:
    """Add ``dedupe`` (with ``review`` and ``explain``) to ``app``."""
    app.add_typer(dedupe_app, name="dedupe")
