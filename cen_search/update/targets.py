"""Which open API each saved strategy runs on in an update, and what to tell people about the
databases that have none.

A strategy runs on a service only where the service holds the database it was written for:

==================================== ============ ===========================================
strategy's database or platform      runs on      why
==================================== ============ ===========================================
a database named MEDLINE (any        ``pubmed``   PubMed holds MEDLINE; Ovid and EBSCO MEDLINE
platform)                                         syntax translates to PubMed's
PubMed                               ``pubmed``   the same database
Europe PMC                           ``europepmc``
OpenAlex                             ``openalex``
anything else (Embase, CINAHL,       (export)     no open API searches that database: its
PsycINFO, ASSIA, HMIC, Scopus ...)                export is made by hand
==================================== ============ ===========================================

The table is :data:`RULES` (data, first match wins). A review changes it per strategy or per
database in ``cen-search.toml``::

    [update]
    run = { "medline-ovid" = "export", "psycinfo" = "europepmc" }

keys being a strategy id (its header ``id``, else its file name) or a database name (any
case), values a service (``pubmed``, ``europepmc``, ``openalex``) or ``export``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cen_search.errors import ConfigError

EXPORT = "export"
"""The value that means: exported by hand, not run on an API."""
TARGETS = ("pubmed", "europepmc", "openalex")


@dataclass(frozen=True, slots=True)
class Rule:
    """A strategy whose database (or platform) names ``word`` runs on ``target``."""

    target: str
    word: str
    """A word matched in the database name (``field = "database"``) or platform."""
    field: str = "database"
    reason: str = ""


RULES: tuple[Rule, ...] = (
    Rule(
        "pubmed",
        "medline",
        reason="PubMed holds MEDLINE; the strategy is translated to PubMed (see 'cen-search "
        "strategy translate')",
    ),
    Rule("pubmed", "pubmed", reason="a PubMed strategy"),
    Rule("pubmed", "pubmed", field="platform", reason="a PubMed strategy"),
    Rule("europepmc", "europe pmc", reason="a Europe PMC strategy"),
    Rule("europepmc", "europe pmc", field="platform", reason="a Europe PMC strategy"),
    Rule("openalex", "openalex", reason="an OpenAlex strategy"),
    Rule("openalex", "openalex", field="platform", reason="an OpenAlex strategy"),
)
"""The default choices, first match wins (see the module docstring)."""


def _mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text.casefold()) is not None


def configured_targets(table: Mapping[str, Any]) -> dict[str, str]:
    """``[update] run``: strategy id or database (case-folded) -> target or ``export``."""
    value = table.get("run", {})
    if not isinstance(value, Mapping):
        raise ConfigError(
            "[update] run must be a table of strategy or database names",
            hint='write e.g. run = { "medline-ovid" = "pubmed", "embase-ovid" = "export" }',
        )
    out: dict[str, str] = {}
    for name, target in value.items():
        choice = target.strip().lower() if isinstance(target, str) else ""
        if choice in ("none", "manual", "by hand"):
            choice = EXPORT
        if choice not in (*TARGETS, EXPORT):
            raise ConfigError(
                f"[update] run: {name!r} = {target!r} is not a service",
                hint="use pubmed, europepmc, openalex or export",
            )
        out[str(name).strip().casefold()] = choice
    return out


def choose_target(
    *, strategy_id: str, database: str, platform: str, configured: Mapping[str, str]
) -> tuple[str, str]:
    """The target of a strategy (``""`` for an export by hand) and why."""
    for name in (strategy_id, database):
        choice = configured.get(name.strip().casefold()) if name else None
        if choice is not None:
            where = f"[update] run sets {name!r}"
            if choice == EXPORT:
                return "", f"{where} to be exported by hand"
            return choice, f"{where} to run on {choice}"
    for rule in RULES:
        value = database if rule.field == "database" else platform
        if value and _mentions(value, rule.word):
            return rule.target, rule.reason
    return "", f"no open API searches {database or 'this database'}: its export is made by hand"


__all__ = ["EXPORT", "RULES", "TARGETS", "Rule", "choose_target", "configured_targets"]
