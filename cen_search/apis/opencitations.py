"""OpenCitations: DOI-to-DOI citations from the Index API v2, metadata from Meta API v1.

``index/v2/references/doi:...`` and ``index/v2/citations/doi:...`` (or ``pmid:...``) answer a
bare JSON array of rows whose ``citing``/``cited`` are identifier bags; there is no batching,
so it is one request per seed and direction (the documented limit is 180 requests a minute per
IP). The linked works are then described by ``meta/v1/metadata/doi:A__doi:B...``, several per
request; its ``id`` bag carries the OpenAlex id. A work Meta does not describe is kept with the
identifiers the index gave. The optional access token goes in the ``authorization`` header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from cen_search.apis.citations import (
    BACKWARD,
    FORWARD,
    Found,
    Harvest,
    SeedIds,
    SeedOutcome,
    chunks,
)
from cen_search.apis.client import ServiceClient
from cen_search.apis.errors import BadResponseError
from cen_search.apis.mapping.opencitations import meta_record, pid_bag
from cen_search.apis.parse import HttpResult, json_array
from cen_search.apis.registry import TRACE, Service, register
from cen_search.progress import Reporter

SERVICE = "opencitations"
DEFAULT_BASE_URL = "https://api.opencitations.net/"
META_BATCH = 20
"""Identifiers joined with ``__`` in one Meta request."""


def parse_rows(result: HttpResult) -> list[dict[str, Any]]:
    """A bare array of objects (index rows or Meta records); 404 = nothing known."""
    if result.status == 404:
        return []
    rows = json_array(result)
    if any(not isinstance(row, dict) for row in rows):
        raise result.error(
            f"OpenCitations returned rows that are not objects ({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        )
    return rows


def _ident(seed: SeedIds) -> str:
    if seed.doi:
        return f"doi:{seed.doi}"
    if seed.pmid:
        return f"pmid:{seed.pmid}"
    return ""


def _key(bag: Mapping[str, list[str]]) -> str:
    """The identifier a work is described by in Meta (DOI first, then PMID, then OMID)."""
    for scheme in ("doi", "pmid", "omid"):
        if bag.get(scheme):
            return f"{scheme}:{bag[scheme][0]}"
    return ""


@dataclass(kw_only=True, eq=False, repr=False)
class OpenCitationsClient(ServiceClient):
    """A thin client of the Index v2 and Meta v1 APIs."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    """The optional access token."""
    cache_max_age: float | None = 7 * 86400

    def _get(self, path: str) -> list[dict[str, Any]]:
        headers = {"authorization": self.api_key} if self.api_key else {}
        result = self.send(
            "GET",
            self.base_url + quote(path, safe="/:_"),
            headers=headers,
            parse=parse_rows,
            ok_statuses=(200, 404),
        )
        return list(result.data)

    def rows(self, kind: str, ident: str) -> list[dict[str, Any]]:
        """``index/v2/{kind}/{ident}``: ``references`` or ``citations`` rows."""
        return self._get(f"index/v2/{kind}/{ident}")

    def metadata(self, idents: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Identifier -> Meta record, :data:`META_BATCH` identifiers per request."""
        out: dict[str, dict[str, Any]] = {}
        for batch in chunks(list(dict.fromkeys(idents)), META_BATCH):
            for record in self._get("meta/v1/metadata/" + "__".join(batch)):
                bag = pid_bag(record.get("id"))
                for scheme, values in bag.items():
                    for value in values:
                        out.setdefault(f"{scheme}:{value}", record)
        return out

    def trace(
        self, seeds: Sequence[SeedIds], *, backward: bool, forward: bool, reporter: Reporter
    ) -> Harvest:
        """Citations and references of every seed with a DOI or PMID, described by Meta."""
        outcomes: list[SeedOutcome] = []
        links: list[tuple[str, str, dict[str, list[str]]]] = []
        kinds = [k for k, wanted in (("references", backward), ("citations", forward)) if wanted]
        reporter.start("OpenCitations: " + " and ".join(kinds), total=len(seeds))
        for seed in seeds:
            reporter.advance()
            ident = _ident(seed)
            if not ident:
                outcomes.append(SeedOutcome(seed.key, False, reason="no DOI or PMID"))
                continue
            any_rows = False
            for kind in kinds:
                side = "cited" if kind == "references" else "citing"
                direction = BACKWARD if kind == "references" else FORWARD
                for row in self.rows(kind, ident):
                    any_rows = True
                    bag = pid_bag(row.get(side))
                    if _key(bag):
                        links.append((seed.key, direction, bag))
            outcomes.append(
                SeedOutcome(seed.key, True, ident=ident)
                if any_rows
                else SeedOutcome(
                    seed.key, False, reason=f"OpenCitations has no citation data for {ident}"
                )
            )
        reporter.finish()
        reporter.start("OpenCitations: describing linked works", total=None)
        described = self.metadata([_key(bag) for _, _, bag in links])
        reporter.finish()
        found = []
        for seed_key, direction, bag in links:
            work = described.get(_key(bag))
            if work is None:
                flat = " ".join(f"{s}:{v}" for s, values in bag.items() for v in values)
                work = {"id": flat}
            found.append(Found(seed_key, direction, work))
        directions = {d for d, wanted in ((BACKWARD, backward), (FORWARD, forward)) if wanted}
        return Harvest(SERVICE, tuple(found), tuple(outcomes), directions=frozenset(directions))

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """OpenCitations cannot search by title."""
        return []


register(
    Service(
        name=SERVICE,
        label="OpenCitations",
        base_url=DEFAULT_BASE_URL,
        factory=OpenCitationsClient,
        roles=frozenset({TRACE}),
        key_setting="opencitations_access_token",
        key_help="OpenCitations access token (optional; sent in the authorization header).",
        min_interval=0.34,
        retry_hint="OpenCitations is busy or down; wait a few minutes and run the command again",
        database="OpenCitations",
        platform="OpenCitations (Index API v2, Meta API v1)",
        record=meta_record,
    )
)
