"""``cen-search info`` and ``cen-search convert``: look inside export files, and convert them."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cen_search.cli import _output
from cen_search.errors import CenSearchError, InputError, UsageError
from cen_search.models import ReadIssue, ReadResult, Record

if TYPE_CHECKING:
    from cen_search.formats import Format
    from cen_search.reading import FileSummary

ISSUES_SHOWN = 5
"""Skipped records and warnings shown per file before "... and N more" (all with ``-v``)."""

FORMAT_HELP = "Read as this format instead of detecting it (ris, bibtex, medline, csv, ...)."
ENCODING_HELP = "Decode with this encoding instead of detecting it (utf-8, cp1252, gbk, utf-16)."

INFO_HELP = """Describe export files: format, encoding, records, fields and problems.

For each FILE: the format and encoding detected, how many records were read, every record
skipped with its reason and position, warnings, the databases and platforms named in the
records, and how many records have each field (mapped fields and original tags).

Exit code 1 when a file cannot be read or holds no readable record.

Examples:

\b
  cen-search info medline.ris
  cen-search info exports/*.txt --json
"""

CONVERT_HELP = """Convert export files to RIS, EndNote XML, BibTeX, CSV or JSON Lines.

Records of every FILE are written, in order, to OUT. The output format comes from OUT's
extension (.ris, .xml, .bib, .csv, .jsonl) or from --to; "-o -" writes to stdout. EndNote XML
is what EndNote and Covidence import; CSV is written as UTF-8 with a byte-order mark, so
that Excel opens it with accents intact, with Rayyan's column names. An existing OUT
is replaced only with --yes. Nothing is written unless every FILE can be read.

Examples:

\b
  cen-search convert medline.nbib embase.ris -o all.ris
  cen-search convert scopus.csv --to jsonl -o -
  cen-search convert unique.ris -o for-covidence.xml
"""


def render_issues(issues: tuple[ReadIssue, ...], *, label: str, indent: str = "  ") -> list[str]:
    """Lines describing skipped records or warnings, capped unless ``-v``."""
    if not issues:
        return []
    limit = len(issues) if _output.state.verbose else ISSUES_SHOWN
    lines = [f"{indent}{label}:"]
    for issue in issues[:limit]:
        where = issue.location()
        if issue.record_index:
            where += f" (record {issue.record_index})"
        lines.append(f"{indent}  {where}: {issue.message}")
    if len(issues) > limit:
        lines.append(f"{indent}  ... and {len(issues) - limit} more (cen-search -v ... shows all)")
    return lines


def _wrapped(pairs: tuple[tuple[str, int], ...], indent: str) -> list[str]:
    """``name count`` pairs, comma-separated and wrapped at 96 columns."""
    # A no-break space keeps each "name count" pair on one line; lines break between pairs.
    text = ", ".join(f"{name}\u00a0{count}" for name, count in pairs)
    lines = textwrap.wrap(
        text, width=96, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )
    return [line.replace("\u00a0", " ") for line in lines]


def render_summary(summary: FileSummary) -> list[str]:
    """Human-readable lines for one :class:`cen_search.reading.FileSummary`."""
    counts = f"{summary.records} read, {len(summary.skipped)} skipped"
    if summary.warnings:
        counts += f", {_output.count(len(summary.warnings), 'warning')}"
    if summary.lost:
        counts += f"; read short: at least {summary.lost} more in the file could not be read"
    lines = [
        summary.file,
        f"  format:    {summary.format_label} ({summary.format})",
        f"  encoding:  {summary.encoding}",
        f"  records:   {counts}",
    ]
    for label, pairs in (
        ("database", summary.databases),
        ("platform", summary.platforms),
        ("types", summary.types),
    ):
        if pairs:
            lines.append(f"  {label + ':':<10} " + ", ".join(f"{n} ({c})" for n, c in pairs))
    lines += render_issues(summary.skipped, label="skipped")
    lines += render_issues(summary.warnings, label="warnings")
    if summary.fields:
        lines.append(f"  fields (records with a value, of {summary.records}):")
        lines += _wrapped(summary.fields, "    ")
    if summary.raw_tags:
        lines.append("  original tags (records with the tag):")
        lines += _wrapped(summary.raw_tags, "    ")
    return lines


def info(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Export files to describe."),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    encoding: str | None = typer.Option(None, "--encoding", "-e", help=ENCODING_HELP),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    from cen_search.reading import no_records_error, read_export, summarise

    with _output.boundary():
        documents: list[dict[str, Any]] = []
        failed: list[CenSearchError] = []
        for number, path in enumerate(files):
            try:
                result = read_export(path, format=format, encoding=encoding, require_records=False)
            except CenSearchError as exc:
                if isinstance(exc, UsageError):
                    raise
                failed.append(exc)
                documents.append({"file": str(path), "error": _output.error_json(exc)})
                _output.render_error(exc)
                continue
            summary = summarise(result)
            documents.append(asdict(summary))
            if not as_json:
                if number:
                    _output.echo()
                for line in render_summary(summary):
                    _output.echo(line)
            if not result.records:
                refusal = no_records_error(path, result, shown=0 if not as_json else 5)
                failed.append(refusal)
                documents[-1]["error"] = _output.error_json(refusal)
                _output.render_error(refusal)
        if as_json:
            _output.emit_json({"files": documents})
        if failed:
            raise SystemExit(failed[0].exit_code)


def _target_format(output: str, to: str | None) -> Format:
    """The writable format named by ``--to``, else by OUT's extension."""
    from cen_search.formats import all_formats, writable_format

    writable = ", ".join(f.name for f in all_formats() if f.writable)
    if to:
        return writable_format(to, what="--to")
    if output == "-":
        raise UsageError("writing to stdout needs --to", hint=f"give --to ({writable})")
    suffix = Path(output).suffix
    if not suffix:
        raise UsageError(
            f"cannot tell the output format of {output} (no extension)",
            hint=f"give --to ({writable}) or an extension such as .ris",
        )
    return writable_format(suffix, what=output)


def _check_output(output: str, files: list[Path], *, yes: bool) -> None:
    """Refuse an OUT that is a folder, an input file or a file a person made in the review it
    sits in (raw exports, logs, settings, strategies), or that exists without ``--yes`` (or a
    confirmation at a terminal)."""
    from cen_search.outputs import check_outputs, person_made
    from cen_search.workspace import Workspace

    if output == "-":
        return
    target = Path(output)
    here = Workspace.find_optional(target.parent if target.parent.is_dir() else None)
    protected = [("input file", path) for path in files]
    protected += person_made(here) if here is not None else []
    check_outputs({"-o": target}, protected=protected, may_replace=True)
    if yes or not target.exists():
        return
    if (
        sys.stdin.isatty()
        and sys.stderr.isatty()
        and typer.confirm(f"{output} exists. Replace it?", default=False, err=True)
    ):
        return
    raise InputError(f"{output}: exists; nothing was written", hint="add --yes to replace it")


def convert(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Export files to convert."),
    output: str = typer.Option(..., "--output", "-o", help="Output file, or - for stdout."),
    to: str | None = typer.Option(
        None,
        "--to",
        "-t",
        help="Output format: ris, endnote-xml, bibtex, csv or jsonl (default: from OUT).",
    ),
    format: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    encoding: str | None = typer.Option(None, "--encoding", "-e", help=ENCODING_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace OUT if it exists."),
) -> None:
    from cen_search.formats import write_records
    from cen_search.fsutil import atomic_open
    from cen_search.reading import read_export

    with _output.boundary():
        fmt = _target_format(output, to)
        _check_output(output, files, yes=yes)
        results: list[ReadResult] = []
        for path in files:
            result = read_export(path, format=format, encoding=encoding)
            if result.skipped:
                _output.warn(
                    f"{path}: {_output.count(len(result.skipped), 'record')} could not be read "
                    "(left out of the output)"
                )
                for line in render_issues(result.skipped, label="skipped")[1:]:
                    _output.say(line)
            if result.incomplete:
                short = [i for i in result.warnings if i.lost is not None]
                _output.warn(
                    f"{path}: read short: at least {result.lost} record(s) in the file could "
                    "not be read and are not in the output"
                )
                for line in render_issues(tuple(short), label="short")[1:]:
                    _output.say(line)
            results.append(result)
        records = [record for result in results for record in result.records]
        if output == "-":
            count = write_records(records, sys.stdout, format=fmt.name)
            sys.stdout.flush()
        else:
            with atomic_open(output) as fh:
                count = write_records(records, fh, format=fmt.name)
        if fmt.name == "csv":
            _warn_long_cells(records)
        skipped = sum(len(result.skipped) for result in results)
        note = f" ({skipped} skipped)" if skipped else ""
        where = "stdout" if output == "-" else output
        _output.say(
            f"wrote {_output.count(count, 'record')} from {_output.count(len(files), 'file')} "
            f"to {where} as {fmt.label}{note}"
        )


def _warn_long_cells(records: list[Record]) -> None:
    """Say which cells Excel would cut short (the CSV itself holds them whole)."""
    from cen_search.formats._csv_write import too_long_for_excel

    long = too_long_for_excel(records)
    if long:
        position, column, length = long[0]
        _output.warn_long_cells(
            len(long),
            f"record {position}'s {column}",
            length,
            "use the RIS, EndNote XML or JSON Lines output to keep them",
        )


def register(app: typer.Typer) -> None:
    """Add ``info`` and ``convert`` to ``app``."""
    app.command("info", help=INFO_HELP, short_help=INFO_HELP.splitlines()[0])(info)
    app.command("convert", help=CONVERT_HELP, short_help=CONVERT_HELP.splitlines()[0])(convert)
