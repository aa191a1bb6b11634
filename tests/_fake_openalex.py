"""A known citation graph served in OpenAlex's response shapes (for tests and the benchmark).

:class:`Graph` holds works (the recorded list-result shape of
``tests/data/api/openalex_works_list_meta.json`` with new ids, DOIs, titles and
``referenced_works``) and answers the requests a tracer sends: ``/works?filter=doi:a|b``,
``pmid:``, ``openalex:``, ``cites:`` (OR-ed with ``|``), ``title.search:``, with ``select=``,
``per_page`` and cursor paging (the last non-empty page still carries a cursor, as OpenAlex
does), and ``/works/doi:...`` singletons. Every list call spends one credit of an optional
daily budget; when it is spent the reply is the recorded budget-exhausted 429.
:meth:`Graph.neighbourhood` is the true answer a complete trace must find.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from _apiserver import Reply, Seen, fixture

_TEMPLATE = json.loads(fixture("openalex_works_list_meta.json"))["results"][1]
_SYLLABLES = [a + b for a in "bcdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]


def _words(rng: random.Random, count: int) -> list[str]:
    vocabulary = {
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count * 2)
    }
    return sorted(vocabulary)[:count]


@dataclass
class Graph:
    """Works and who cites whom."""

    works: dict[str, dict] = field(default_factory=dict)
    """Short id (``W100``) -> work JSON."""
    citing: dict[str, set[str]] = field(default_factory=dict)
    """Short id -> short ids of the works that cite it."""
    budget: int | None = None
    """List calls left today (None: unlimited)."""
    requests: Counter = field(default_factory=Counter)
    """Requests received, per kind (``lookup``, ``references``, ``cites``, ``single`` ...)."""
    echo: str = ""
    """Text added to every answer's ``meta`` (to test that echoed secrets are scrubbed)."""
    by_doi: dict[str, str] = field(default_factory=dict)
    by_pmid: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ building

    def add(self, short: str, *, doi: str, title: str, year: int, refs: list[str], pmid: str = ""):
        work = json.loads(json.dumps(_TEMPLATE))
        work["id"] = f"https://openalex.org/{short}"
        work["doi"] = f"https://doi.org/{doi}"
        work["title"] = title
        work["publication_year"] = year
        work["publication_date"] = f"{year}-01-01"
        work["ids"] = {"openalex": work["id"], "doi": work["doi"]}
        if pmid:
            work["ids"]["pmid"] = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}"
        work["referenced_works"] = [f"https://openalex.org/{r}" for r in refs]
        work["referenced_works_count"] = len(refs)
        work["authorships"] = [
            {"author_position": "first", "author": {"display_name": f"Author{short} Family"}}
        ]
        self.works[short] = work
        self.by_doi[doi.lower()] = short
        if pmid:
            self.by_pmid[pmid] = short
        for ref in refs:
            self.citing.setdefault(ref, set()).add(short)
        return work

    @classmethod
    def synthetic(
        cls,
        *,
        seeds: int,
        refs: int = 20,
        citing: int = 15,
        shared: float = 0.3,
        seed: int = 7,
    ) -> tuple[Graph, list[str]]:
        """``seeds`` seed works, each citing ``refs`` works and cited by ``citing`` works; a
        ``shared`` part of the references and citing works is common to several seeds."""
        rng = random.Random(seed)
        graph = cls()
        vocabulary = _words(rng, 4000)
        counter = iter(range(100, 10**9))

        def new_id() -> str:
            return f"W{next(counter)}"

        def title() -> str:
            return " ".join(rng.sample(vocabulary, 9)).capitalize()

        pool_refs = [new_id() for _ in range(max(1, int(seeds * refs * shared / 3)))]
        pool_citing = [new_id() for _ in range(max(1, int(seeds * citing * shared / 3)))]
        seed_ids = [new_id() for _ in range(seeds)]
        plan_refs = {}
        for s in seed_ids:
            mine = set(rng.sample(pool_refs, min(len(pool_refs), int(refs * shared))))
            while len(mine) < refs:
                mine.add(new_id())
            plan_refs[s] = sorted(mine)
        plan_citing: dict[str, set[str]] = {}
        for s in seed_ids:
            mine = set(rng.sample(pool_citing, min(len(pool_citing), int(citing * shared))))
            while len(mine) < citing:
                mine.add(new_id())
            for c in mine:
                plan_citing.setdefault(c, set()).add(s)
        everything = set(seed_ids) | {r for v in plan_refs.values() for r in v} | set(plan_citing)
        for short in sorted(everything, key=lambda w: int(w[1:])):
            number = int(short[1:])
            graph.add(
                short,
                doi=f"10.5555/syn.{number}",
                title=title(),
                year=2000 + number % 24,
                refs=plan_refs.get(short, []) + sorted(plan_citing.get(short, ())),
                pmid=str(30_000_000 + number) if number % 3 == 0 else "",
            )
        return graph, seed_ids

    def neighbourhood(self, seeds: list[str], *, backward: bool, forward: bool) -> set[str]:
        """Short ids of every work a complete trace of ``seeds`` finds (seeds excluded)."""
        found: set[str] = set()
        for s in seeds:
            if backward:
                found.update(self._short(r) for r in self.works[s]["referenced_works"])
            if forward:
                found.update(self.citing.get(s, ()))
        return found - set(seeds)

    @staticmethod
    def _short(value: str) -> str:
        return value.rsplit("/", 1)[-1]

    def doi_of(self, short: str) -> str:
        return self.works[short]["doi"].removeprefix("https://doi.org/")

    # ------------------------------------------------------------------ serving

    def handle(self, seen: Seen) -> Reply:
        with self._lock:
            return self._handle(seen)

    def _budget_reply(self) -> Reply | None:
        if self.budget is None:
            return None
        if self.budget <= 0:  # the shape of OpenAlex's budget-exhausted 429 (notes/citations.md)
            body = {
                "error": "Rate limit exceeded",
                "message": "Insufficient budget. This request costs $0.0001 but you only have "
                "$0 remaining. Resets at midnight UTC.",
                "retryAfter": 3600,
                "creditsRequired": 1,
                "creditsRemaining": 0,
            }
            headers = {
                "Retry-After": "3600",
                "X-RateLimit-Limit": "1000",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Credits-Required": "1",
                "X-RateLimit-Reset": "3600",
            }
            return Reply(json.dumps(body), 429, headers)
        self.budget -= 1
        return None

    def _handle(self, seen: Seen) -> Reply:
        path = unquote(seen.path)
        if path.startswith("/works/"):
            self.requests["single"] += 1
            ident = path.removeprefix("/works/")
            work = self._find_single(ident)
            if work is None:
                return Reply('{"error": "Not Found"}', 404)
            return Reply(json.dumps(self._select(work, seen.param("select"))))
        refused = self._budget_reply()
        if refused is not None:
            self.requests["refused"] += 1
            return refused
        filt = seen.param("filter")
        field, _, values = filt.partition(":")
        wanted = values.split("|")
        kind = {"cites": "cites", "openalex": "fetch"}.get(field, "lookup")
        self.requests[kind] += 1
        if field == "cites":
            matches = sorted(
                {c for w in wanted for c in self.citing.get(w.upper(), ())},
                key=lambda w: int(w[1:]),
            )
        elif field == "title.search":
            words = set(values.lower().split(",")[0].split())
            matches = [
                w for w, work in self.works.items() if words <= set(work["title"].lower().split())
            ]
        else:
            matches = [w for w in map(self._lookup(field), wanted) if w]
        per_page = int(seen.param("per_page") or 25)
        cursor = seen.param("cursor") or "*"
        offset = 0 if cursor == "*" else int(cursor)
        page = matches[offset : offset + per_page]
        following = str(offset + per_page) if page else None
        meta = {"count": len(matches), "per_page": per_page, "next_cursor": following}
        meta["cost_usd"] = 0.0001
        if self.echo:
            meta["x_query"] = {"url": self.echo}
        results = [self._select(self.works[w], seen.param("select")) for w in page]
        headers = {"X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": str(self.budget or 9999)}
        return Reply(json.dumps({"meta": meta, "results": results}), headers=headers)

    def _lookup(self, field: str):
        def find(value: str) -> str | None:
            value = value.strip()
            if field == "openalex":
                return value.upper() if value.upper() in self.works else None
            if field == "doi":
                return self.by_doi.get(value.lower())
            if field == "pmid":
                return self.by_pmid.get(value)
            return None

        return find

    def _find_single(self, ident: str) -> dict | None:
        scheme, _, value = ident.partition(":")
        if not value:
            return self.works.get(ident.upper())
        short = self._lookup({"doi": "doi", "pmid": "pmid"}.get(scheme, "openalex"))(value)
        return self.works.get(short) if short else None

    @staticmethod
    def _select(work: dict, select: str) -> dict:
        if not select:
            return work
        keep = set(select.split(","))
        return {k: v for k, v in work.items() if k in keep}
