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
from typer.core import TyperCommand

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
