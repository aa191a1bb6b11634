"""The HTTP disk cache treats damaged entries as misses and never crashes on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cen_search.apis.cache import ResponseCache


def _stored(tmp_path: Path) -> tuple[ResponseCache, Path]:
    cache = ResponseCache(tmp_path, clock=lambda: 1000.0)
    cache.put("pubmed", "ab" + "0" * 62, 200, {"Content-Type": "text/xml"}, b"<ok/>")
    meta = next(tmp_path.rglob("*.json"))
    return cache, meta


def test_cache_returns_a_stored_response(tmp_path: Path) -> None:
    cache, _ = _stored(tmp_path)
    hit = cache.get("pubmed", "ab" + "0" * 62)
    assert hit is not None and hit.status == 200 and hit.content == b"<ok/>"


@pytest.mark.parametrize(
    "damage",
    [
        {"stored_at": "yesterday"},
        {"status": None},
        {"headers": ["not", "a", "mapping"]},
    ],
)
def test_cache_treats_a_hand_edited_entry_as_a_miss(tmp_path: Path, damage: dict) -> None:
    cache, meta_path = _stored(tmp_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(damage)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert cache.get("pubmed", "ab" + "0" * 62) is None


def test_cache_treats_a_missing_status_as_a_miss(tmp_path: Path) -> None:
    cache, meta_path = _stored(tmp_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["status"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert cache.get("pubmed", "ab" + "0" * 62) is None
