"""A PubMed for update tests, answering in the recorded ESearch/EFetch shapes.

Every search term finds the records whose entry date (EDAT) lies in the request's
``datetype=edat`` window (the update tests test the update, not a translation: any line, and
any combination of lines, finds the same records). EFetch returns each record's MEDLINE text
exactly as given (``tests/data/update/pubmed-2021.txt`` holds them in EFetch's layout).
Requests can be made to fail from the n-th ESearch on, to test failures and resuming.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from _apiserver import Reply, Seen
from _fake_pubmed import esearch_xml

UPDATE_DATA = Path(__file__).parent / "data" / "update"


def medline_texts(path: Path) -> dict[str, str]:
    """PMID -> the record's MEDLINE text, from a file of records separated by blank lines."""
    out = {}
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        pmid = re.search(r"^PMID- (\d+)", block, re.MULTILINE)
        if pmid:
            out[pmid.group(1)] = block.strip("\n")
    return out


def entry_dates(texts: dict[str, str]) -> dict[str, str]:
    """PMID -> its EDAT day (``2020/07/14``)."""
    return {
        pmid: re.search(r"^EDAT- (\d{4}/\d{2}/\d{2})", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
        for pmid, text in texts.items()
    }


@dataclass
class WindowedPubMed:
    texts: dict[str, str]
    fail_from: int | None = None
    """ESearch requests from this number on (1-based) answer HTTP 503."""
    searches: int = 0
    fetched: list[str] = field(default_factory=list)
    _envs: itertools.count = field(default_factory=lambda: itertools.count(1))
    _keys: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_file(cls, path: Path = UPDATE_DATA / "pubmed-2021.txt", **kwargs) -> WindowedPubMed:
        return cls(medline_texts(path), **kwargs)

    def _found(self, seen: Seen) -> list[str]:
        dates = entry_dates(self.texts)
        if seen.param("datetype") != "edat":
            return sorted(dates, key=int)
        lo, hi = seen.param("mindate"), seen.param("maxdate")
        return sorted((p for p, d in dates.items() if lo <= d <= hi), key=int)

    def esearch(self, seen: Seen) -> Reply:
        with self._lock:
            self.searches += 1
            if self.fail_from is not None and self.searches >= self.fail_from:
                return Reply(
                    "<html><title>503 Service Unavailable</title></html>",
                    503,
                    {"Retry-After": "0"},
                    content_type="text/html",
                )
            webenv = seen.param("WebEnv") or f"MCID_update{next(self._envs)}"
            key = self._keys[webenv] = self._keys.get(webenv, 0) + 1
        found = self._found(seen)
        retmax, retstart = int(seen.param("retmax") or 20), int(seen.param("retstart") or 0)
        return Reply(
            esearch_xml(
                count=len(found),
                ids=found[retstart : retstart + retmax],
                retstart=retstart,
                query_key=str(key),
                webenv=webenv,
                translation=seen.param("term"),
            ),
            content_type="text/xml",
        )

    def efetch(self, seen: Seen) -> Reply:
        ids = [i for i in seen.param("id").split(",") if i]
        with self._lock:
            self.fetched += ids
        text = "\n" + "\n\n".join(self.texts[i] for i in ids) + "\n"
        return Reply(text, content_type="text/plain")


EMAIL = "living-review@example.org"


class LocalServices:
    """The update's :class:`~cen_search.update.run.Services` for a local test server: one
    session with a cache in ``cache_dir``, no politeness pauses, two attempts per request."""

    def __init__(self, url: str, cache_dir: Path) -> None:
        from cen_search.apis.http import RetryPolicy, make_session

        self.url = url
        self.session = make_session(
            contact_email=EMAIL,
            cache_dir=str(cache_dir),
            sleep=lambda seconds: None,
            policy=RetryPolicy(max_attempts=2),
        )
        self.session.min_interval.clear()
        self.session.set_min_interval = lambda service, seconds: None  # type: ignore[method-assign]

    def search(self, target: str):  # type: ignore[no-untyped-def]
        from cen_search.apis import get
        from cen_search.apis.client import Access

        return Access(service=get(target), session=self.session, base_url=self.url, email=EMAIL)

    def tracers(self, names):  # type: ignore[no-untyped-def]
        return {name: self.search(name).client() for name in names}
