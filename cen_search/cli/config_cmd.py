"""``cen-search config show``: every setting, its value (secrets redacted) and its source."""

from __future__ import annotations

import typer

from cen_search.cli import _help, _output

CONFIG_HELP = """Show the configuration and where each value comes from.

Example:

\b
  cen-search config show
"""

SHOW_HELP = """Show every setting, its value and where it came from (secrets redacted).

Precedence: flag > CEN_SEARCH_* environment variable > cen-search.toml of the review >
user config file > default. API keys are shown as their last four characters only and
e-mail addresses masked.

Examples:

\b
  cen-search config show
  cen-search config show --json
"""


def show(as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout.")) -> None:
    from cen_search.config import resolve
    from cen_search.workspace import Workspace

    with _output.boundary():
        found = Workspace.find_optional()
        settings = resolve(review_file=found.config_path if found is not None else None)
        for warning in settings.warnings:
            _output.warn(warning)
        if as_json:
            _output.emit_json(settings.as_dict())
            return
        rows = [("setting", "value", "source")]
        for item in settings.values:
            shown = item.display() if item.value else "(not set)"
            rows.append((item.key.dotted, shown, item.describe_source()))
        for line in _output.table_lines(rows, indent="", numbers_right=False):
            _output.echo(line)
        _output.echo()
        review = str(settings.review_file) if settings.review_file else "(not in a review)"
        present = "" if settings.user_file.is_file() else " (not present)"
        _output.echo(f"review file:  {review}")
        _output.echo(f"user config:  {settings.user_file}{present}")


def register(app: typer.Typer) -> None:
    """Add the ``config`` group (``config show``) to ``app``."""
    group = _help.Typer(
        help=CONFIG_HELP,
        short_help=CONFIG_HELP.splitlines()[0],
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command("show", help=SHOW_HELP, short_help=SHOW_HELP.splitlines()[0])(show)
    app.add_typer(group, name="config")
