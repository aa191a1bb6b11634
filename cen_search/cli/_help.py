"""How ``--help`` names arguments and option values, the same way for every command.

Typer renders a required argument as ``{FILE}``, a variadic one as ``{FILE...}...`` and adds
Python types (``<list[Path]>``, ``<str>``) to the help records. cen-search follows the usual
Unix convention instead:

- usage: ``cen-search info [OPTIONS] FILE...``; an optional argument in brackets
  (``[DIR]``, ``[FILE]...``), ``...`` once for an argument that takes several values;
- argument rows: the argument's name only (``FILE...``), its help saying what it is;
- option rows: the option's metavar (``--clusters CSV``), else a word for its kind of value
  (``TEXT``, ``PATH``, ``INTEGER``, ``NUMBER``), never a Python type.

:class:`Typer` is ``typer.Typer`` whose commands use :class:`Command`; every command group
of the CLI is built with it.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

_TYPE_WORDS = {
    "str": "TEXT",
    "path": "PATH",
    "int": "INTEGER",
    "float": "NUMBER",
    "datetime": "DATE",
}
_TYPED = re.compile(r" <([^<>]+)>$")


def argument_name(param: Any) -> str:
    """``FILE`` for an argument (its metavar, else its name in capitals), with one ``...``
    when it takes several values."""
    name = (param.metavar or param.name or "ARG").upper().rstrip(".")
    return name + ("..." if param.nargs != 1 else "")


def usage_piece(param: Any) -> str:
    """An argument as the usage line shows it: ``FILE...``, ``[DIR]``, ``[FILE]...``."""
    name = (param.metavar or param.name or "ARG").upper().rstrip(".")
    shown = name if param.required else f"[{name}]"
    return shown + ("..." if param.nargs != 1 else "")


def _value_word(type_text: str) -> str:
    """``list[Path]`` -> ``PATH``; ``str`` -> ``TEXT``; a choice ``a|b`` stays as written."""
    inner = type_text
    listed = re.fullmatch(r"list\[(.*)\]", inner)
    if listed:
        inner = listed.group(1)
    return _TYPE_WORDS.get(inner.lower(), inner if "|" in inner else inner.upper())


def help_record(param: Any, ctx: Any) -> tuple[str, str] | None:
    """The ``(name, help)`` row of a parameter in the Arguments or Options section."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    name, text = record
    if param.param_type_name == "argument":
        return argument_name(param), text
    return _TYPED.sub(lambda m: " " + _value_word(m.group(1)), name), text


def format_parameters(command: Any, ctx: Any, formatter: Any, params: list[Any]) -> None:
    """Write the Arguments and Options sections for ``params``."""
    args: list[tuple[str, str]] = []
    opts: list[tuple[str, str]] = []
    for param in params:
        record = help_record(param, ctx)
        if record is None:
            continue
        (args if param.param_type_name == "argument" else opts).append(record)
    if args:
        with formatter.section("Arguments"):
            formatter.write_dl(args)
    if opts:
        with formatter.section("Options"):
            formatter.write_dl(opts)


class Command(TyperCommand):
    """A command whose usage line and help rows follow the convention above."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [
            usage_piece(param)
            for param in self.get_params(ctx)
            if param.param_type_name == "argument" and not getattr(param, "hidden", False)
        ]
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        format_parameters(self, ctx, formatter, self.get_params(ctx))


class Typer(typer.Typer):
    """``typer.Typer`` whose commands are :class:`Command` unless they name another class."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)


__all__ = ["Command", "Typer", "argument_name", "format_parameters", "help_record", "usage_piece"]


class DefaultCommandContext(typer.Context):
    """Context of a group's default command: shown as the group itself (``cen-search
    dedupe``) in usage lines and error messages, not under its internal name."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class DefaultCommand(Command):
    """A group's default command (see :class:`DefaultCommandGroup`)."""

    context_class = DefaultCommandContext


class DefaultCommandGroup(TyperGroup):
    """A group that runs its hidden default command unless the first word names a
    subcommand: ``dedupe a.ris b.ris`` runs the default, ``dedupe review`` the subcommand.
    Subclasses set :attr:`default_name` and the :attr:`usage_lines` shown by ``--help``;
    the options shown are the default command's."""

    default_name = "_default"
    usage_lines: tuple[str, ...] = ("[OPTIONS]",)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        help_names = set(ctx.help_option_names)
        if not args or (args[0] not in self.commands and args[0] not in help_names):
            args = [self.default_name, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        for number, line in enumerate(self.usage_lines):
            formatter.write_usage(
                ctx.command_path, line, prefix="Usage: " if not number else "       "
            )

    def format_options(self, ctx: Any, formatter: Any) -> None:
        default = self.commands[self.default_name]
        format_parameters(default, ctx, formatter, default.get_params(ctx))
        self.format_commands(ctx, formatter)
