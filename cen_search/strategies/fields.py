"""Field codes, proximity rules and vocabularies per platform and database, read from the CSV
tables in ``cen_search/strategies/tables/`` (data, not code: fix a row, not a branch).

- ``fields.csv``: ``platform,database,code,fields,description,verified``. ``database`` is
  ``*`` for codes valid in every database on that platform, else a database key
  (``medline``, ``embase``, ``psycinfo``, ``hmic``, ``spp``). ``fields`` is a ``|``-list of
  canonical field names.
- ``proximity.csv``: how each platform's proximity operator is normalised to
  "at most *k* words between" (:class:`ProximityRule`).
- ``mesh_qualifiers.csv``: MeSH subheading abbreviations (Ovid ``/px``).
- ``spelling_variants.csv``: US/UK spelling stems for the spelling-variant check.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

_PACKAGE = "cen_search.strategies"

# Database name (as written in headers and section titles) -> database key. Order matters:
# the first pattern that matches wins.
_DATABASES: tuple[tuple[str, str], ...] = (
    (r"social policy (and|&) practice|\bspp\b", "spp"),
    (r"\bhmic\b|health management information consortium", "hmic"),
    (r"\bassia\b|applied social sciences index", "assia"),
    (r"\bcinahl\b", "cinahl"),
    (r"\bpsyc\s*info\b|\bpsycinfo\b", "psycinfo"),
    (r"\bembase\b|\bemez\b|\bemed\b", "embase"),
    (r"\bpubmed\b", "pubmed"),
    (r"\bmedline\b|\bmedall\b|\bprmz\b", "medline"),
    (r"\bcochrane\b|\bcentral\b", "cochrane"),
)
_PLATFORMS: tuple[tuple[str, str], ...] = (
    (r"\bovid(sp)?\b", "ovid"),
    (r"\bebsco(host)?\b", "ebsco"),
    (r"\bproquest\b", "proquest"),
    (r"\bpubmed\b", "pubmed"),
)
_VOCABULARY = {
    "medline": "mesh",
    "pubmed": "mesh",
    "cochrane": "mesh",
    "embase": "emtree",
    "psycinfo": "apa",
    "cinahl": "cinahl",
    "hmic": "hmic",
    "spp": "spp",
    "assia": "assia",
}
DATABASE_LABELS = {
    "medline": "MEDLINE",
    "embase": "Embase",
    "psycinfo": "APA PsycInfo",
    "hmic": "HMIC",
    "spp": "Social Policy and Practice",
    "cinahl": "CINAHL",
    "assia": "ASSIA",
    "pubmed": "PubMed",
    "cochrane": "Cochrane Library",
}
PLATFORM_LABELS = {"ovid": "Ovid", "ebsco": "EBSCOhost", "proquest": "ProQuest", "pubmed": "PubMed"}
"""Platforms with a parser (key = the parser's name)."""
_UNPARSED_PLATFORMS: tuple[tuple[str, str], ...] = (
    (r"web of (science|knowledge)|\bwos\b", "Web of Science"),
    (r"\bscopus\b", "Scopus"),
    (r"embase\.com", "Embase.com"),
    (r"cochrane library|\bwiley\b", "Cochrane Library"),
    (r"google scholar", "Google Scholar"),
)
"""Platforms searched in reviews that cen-search has no parser for, with the label they are
stored under (any other name is stored as typed): their strategies are kept verbatim."""


@dataclass(frozen=True, slots=True)
class FieldCode:
    """One row of ``fields.csv``."""

    platform: str
    database: str
    code: str
    fields: frozenset[str]
    description: str
    verified: bool


@dataclass(frozen=True, slots=True)
class FieldLookup:
    """The answer to "what does this code mean here?"."""

    code: str
    fields: frozenset[str]
    """Canonical fields; ``{"unknown:<code>"}`` when unknown on the platform."""
    known: bool
    """Valid for this platform and database."""
    known_elsewhere: tuple[str, ...] = ()
    """When not known here: the databases on the same platform where the code exists."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ProximityRule:
    """How one proximity operator is normalised (a row of ``proximity.csv``)."""

    platform: str
    operator: str
    """Pattern as written in the table: ``adjN``, ``Nn``, ``NEAR/n``, ``~N``."""
    ordered: bool
    between_offset: int
    """``max_between = distance + between_offset`` (Ovid adjN: -1)."""
    default_distance: int | None
    """Distance when the operator has no number (Ovid ``adj``: 0)."""
    max_distance: int | None
    """Largest distance the platform accepts, when known."""
    verified: bool
    rule: str
    source: str

    def max_between(self, distance: int | None) -> int | None:
        """Normalised maximum number of intervening words for a written distance."""
        if distance is None:
            distance = self.default_distance
            if distance is None:
                return None
        return max(0, distance + self.between_offset)


def read_table(name: str, path: Path | None = None) -> list[dict[str, str]]:
    """Rows of a CSV table in ``cen_search/strategies/tables/`` (or of the file ``path``)."""
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files(_PACKAGE).joinpath("tables", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def field_codes() -> tuple[FieldCode, ...]:
    """All rows of ``fields.csv``."""
    return tuple(
        FieldCode(
            platform=row["platform"],
            database=row["database"],
            code=row["code"],
            fields=frozenset(row["fields"].split("|")),
            description=row["description"],
            verified=row["verified"] == "true",
        )
        for row in read_table("fields.csv")
    )


def _norm_code(platform: str, code: str) -> str:
    code = " ".join(code.split())
    return code.upper() if platform in ("ebsco", "proquest") else code.lower()


@cache
def _index(platform: str) -> dict[str, list[FieldCode]]:
    out: dict[str, list[FieldCode]] = {}
    for row in field_codes():
        if row.platform == platform:
            out.setdefault(_norm_code(platform, row.code), []).append(row)
    return out


def lookup_field(platform: str, code: str, *, database: str = "") -> FieldLookup:
    """Meaning of ``code`` on ``platform`` for ``database`` (a database key or any name)."""
    key = database_key(database) if database else ""
    rows = _index(platform).get(_norm_code(platform, code), [])
    general = [r for r in rows if r.database == "*"]
    specific = [r for r in rows if r.database == key] if key else []
    chosen = specific or general
    if not key and not chosen and rows:
        chosen = rows  # database unknown: accept a code valid in some database
    if chosen:
        row = chosen[0]
        return FieldLookup(code, row.fields, True, (), row.description)
    elsewhere = tuple(sorted({r.database for r in rows}))
    return FieldLookup(code, frozenset({f"unknown:{code.lower()}"}), False, elsewhere)


def is_field_code(platform: str, code: str) -> bool:
    """True when ``code`` is a field code in some database on ``platform``."""
    return _norm_code(platform, code) in _index(platform)


def database_key(name: str) -> str:
    """``Ovid MEDLINE(R) ALL <1946 to ...>`` -> ``medline``; ``""`` when not recognised."""
    text = name.lower()
    for pattern, key in _DATABASES:
        if re.search(pattern, text):
            return key
    return ""


def platform_key(name: str) -> str:
    """``EBSCOhost`` -> ``ebsco``; ``Ovid SP`` -> ``ovid``; ``""`` when not recognised."""
    text = name.lower()
    for pattern, key in _PLATFORMS:
        if re.search(pattern, text):
            return key
    if text.strip() in PLATFORM_LABELS:
        return text.strip()
    return ""


def unparsed_platform_label(name: str) -> str:
    """The usual spelling of a platform without a parser (``wos`` -> ``Web of Science``), or
    ``""`` when the name is not one of them."""
    text = name.lower()
    for pattern, label in _UNPARSED_PLATFORMS:
        if re.search(pattern, text):
            return label
    return ""


def vocabulary_for(database: str, platform: str = "") -> str:
    """The controlled vocabulary of a database (``mesh``, ``emtree``, ``cinahl``...)."""
    key = database_key(database) if database else ""
    if key:
        return _VOCABULARY.get(key, "unknown")
    if platform == "pubmed":
        return "mesh"
    return "unknown"


@cache
def proximity_rules(path: str | None = None) -> tuple[ProximityRule, ...]:
    """Rows of ``proximity.csv`` (or of the CSV at ``path``, to override the defaults)."""

    def opt_int(text: str) -> int | None:
        return int(text) if text.strip() else None

    return tuple(
        ProximityRule(
            platform=row["platform"],
            operator=row["operator"],
            ordered=row["ordered"] == "true",
            between_offset=int(row["between_offset"] or 0),
            default_distance=opt_int(row["default_distance"]),
            max_distance=opt_int(row["max_distance"]),
            verified=row["verified"] == "true",
            rule=row["rule"],
            source=row["source"],
        )
        for row in read_table("proximity.csv", Path(path) if path else None)
    )


def proximity_rule(
    platform: str, operator: str, *, path: str | None = None
) -> ProximityRule | None:
    """The rule for an operator pattern (``adjN``, ``adj``, ``Nn``, ``NEAR/n``, ``~N``)."""
    for rule in proximity_rules(path):
        if rule.platform == platform and rule.operator == operator:
            return rule
    return None


@cache
def mesh_qualifiers() -> dict[str, str]:
    """MeSH subheading abbreviation -> name (``px`` -> ``psychology``)."""
    return {row["abbreviation"]: row["qualifier"] for row in read_table("mesh_qualifiers.csv")}


@cache
def spelling_variants() -> tuple[tuple[str, str], ...]:
    """(US stem, UK stem) pairs."""
    return tuple((row["us"], row["uk"]) for row in read_table("spelling_variants.csv"))


__all__ = [
    "DATABASE_LABELS",
    "PLATFORM_LABELS",
    "FieldCode",
    "FieldLookup",
    "ProximityRule",
    "database_key",
    "field_codes",
    "is_field_code",
    "lookup_field",
    "mesh_qualifiers",
    "platform_key",
    "proximity_rule",
    "proximity_rules",
    "read_table",
    "spelling_variants",
    "unparsed_platform_label",
    "vocabulary_for",
]
