"""Disk cache of HTTP responses for :mod:`cen_search.apis.http`, also used as a run's checkpoint.

Entries live under ``<cache dir>/<service>/<key[:2]>/<key>.{body,json}``. The key is the
SHA-256 of the method, URL and parameters with secret parameters left out, so an API key or
e-mail never decides or appears in a file name; secret values met in a body or header are
replaced by ``***`` before anything is written. Writes are atomic (body first, then the
metadata that makes the entry visible), so a crash leaves no half entry. Everything here can be
deleted at any time.

The same store with ``ttl=None`` is the *checkpoint* of a long run (citation tracing): every
response the run has accepted, kept until the run completes, so that a run stopped by a quota
or Ctrl-C replays them and resumes where it stopped, whatever the cache settings.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cen_search.apis.redaction import redact
from cen_search.fsutil import atomic_write_bytes, atomic_write_text

CACHE_FORMAT = 1
"""Version of the entry layout; entries of another version are ignored."""

_DROPPED_HEADERS = frozenset({"set-cookie", "authorization", "www-authenticate"})


def cache_key(method: str, url: str, params: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """A stable key from the public parts of a request (secrets must already be removed)."""

    def canonical(mapping: Mapping[str, Any]) -> list[list[str]]:
        pairs: list[list[str]] = []
        for name, value in mapping.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            pairs.extend([str(name), str(item)] for item in values)
        return sorted(pairs)

    blob = json.dumps([method.upper(), url, canonical(params), canonical(data)], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A response read back from the cache."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    stored_at: float


class ResponseCache:
    """Responses on disk, keyed by :func:`cache_key`, valid for ``ttl`` seconds (None: for
    ever, as a checkpoint)."""

    def __init__(
        self,
        root: str | Path,
        *,
        ttl: float | None = 30 * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = Path(root)
        self.ttl = ttl
        self.clock = clock

    def _paths(self, service: str, key: str) -> tuple[Path, Path]:
        folder = self.root / service / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def get(self, service: str, key: str, *, max_age: float | None = None) -> CachedResponse | None:
        """The entry for ``key`` when present, complete and younger than ``max_age``/``ttl``."""
        body_path, meta_path = self._paths(service, key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            content = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
            return None
        if hashlib.sha256(content).hexdigest() != meta.get("sha256"):
            return None
        try:  # a hand-edited or half-written entry is a miss, never a crash
            stored_at = float(meta["stored_at"])
            status = int(meta["status"])
            headers = {str(k): str(v) for k, v in dict(meta.get("headers", {})).items()}
        except (KeyError, TypeError, ValueError):
            return None
        if self.ttl is not None:
            age = self.clock() - stored_at
            limit = self.ttl if max_age is None else min(max_age, self.ttl)
            if age > limit or age < 0:
                return None
        return CachedResponse(status=status, headers=headers, content=content, stored_at=stored_at)

    def put(
        self,
        service: str,
        key: str,
        status: int,
        headers: Mapping[str, str],
        content: bytes,
        *,
        secrets: Iterable[str] = (),
    ) -> None:
        """Store a response, with every secret value replaced by ``***``."""
        secret_list = [s for s in secrets if s]
        if secret_list:
            text = content.decode("utf-8", errors="surrogateescape")
            content = redact(text, secret_list).encode("utf-8", errors="surrogateescape")
        kept = {
            name: redact(value, secret_list)
            for name, value in headers.items()
            if name.lower() not in _DROPPED_HEADERS
        }
        body_path, meta_path = self._paths(service, key)
        meta = {
            "format": CACHE_FORMAT,
            "stored_at": self.clock(),
            "status": status,
            "headers": kept,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        # No fsync: an entry lost in a crash is a miss, and one torn is caught by its checksum.
        atomic_write_bytes(body_path, content, sync=False)
        atomic_write_text(meta_path, json.dumps(meta, indent=1, sort_keys=True), sync=False)

    def delete(self, service: str, key: str) -> None:
        """Forget one entry (an answer that no longer parses as what was asked for)."""
        for path in self._paths(service, key):
            path.unlink(missing_ok=True)

    def __len__(self) -> int:
        """How many entries are stored."""
        return sum(1 for _ in self.root.rglob("*.json")) if self.root.is_dir() else 0
