"""Reading written RIS with two independent readers: rispy and citation-js.

:func:`check_ris` reads each RIS text with cen-search's own reader, with rispy (in a tag-level
mode: every tag kept as a list of values) and with citation-js (``@citation-js/plugin-ris``,
run by ``tests/js/read_ris.js`` in one node process for the whole batch), and asserts that
all three see the same records with the same tags and the same values, field by field. It
also checks that citation-js maps the main fields of journal articles (title, DOI, volume,
issue, container, year, author count, databases) to what cen-search meant, which is what
reference managers built like it (Zotero) import.

When node or the npm packages are missing the calling test is *skipped* with the reason
(``cd tests/js && npm ci`` installs them; ``.ci/run`` does so when node is present), never
passed silently.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
import rispy

from cen_search.formats import Source, read_text
from cen_search.models import Record

JS_DIR = Path(__file__).parent / "js"
_SOURCE = Source(file="written.ris", sha256="0" * 64, encoding="utf-8")


class _Identity(dict):
    """rispy mapping that keeps every tag as its own key."""

    def __missing__(self, key: str) -> str:
        return key


class _Every:
    """rispy list_tags that makes every tag a list."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self):  # pragma: no cover - rispy only tests membership
        return iter(())


def _ours(text: str) -> tuple[list[dict[str, list[str]]], tuple[Record, ...]]:
    result = read_text(text, _SOURCE, format="ris")
    assert not result.skipped, result.skipped[:3]
    tagged = []
    for record in result.records:
        tags: dict[str, list[str]] = {}
        for tag, value in record.raw:
            if value.strip():
                tags.setdefault(tag, []).append(value.strip())
        tagged.append(tags)
    return tagged, result.records


def _rispy(text: str) -> list[dict[str, list[str]]]:
    out = []
    for entry in rispy.loads(
        text, mapping=_Identity(), list_tags=_Every(), delimiter_tags_mapping={}
    ):
        tags = {k: ([v] if isinstance(v, str) else list(v)) for k, v in entry.items()}
        out.append({k: [x for x in v if x.strip()] for k, v in tags.items() if any(v)})
    return out


def _citation_js(files: list[Path]) -> dict[str, dict]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the second RIS reader (citation-js) cannot run")
    if not (JS_DIR / "node_modules" / "@citation-js" / "plugin-ris").is_dir():
        pytest.skip("citation-js is not installed: run `npm ci` in tests/js")
    done = subprocess.run(
        [node, str(JS_DIR / "read_ris.js")],
        input="\n".join(str(f) for f in files),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)["files"]


def _check_csl(record: Record, csl: dict, name: str) -> None:
    """citation-js's CSL for a journal article says what the record says."""
    where = (name, record.key)
    assert csl.get("title", "") == record.title.strip(), where
    assert csl.get("DOI", "").lower() == record.doi, where
    assert csl.get("volume", "") == record.volume, where
    assert csl.get("issue", "") == record.issue, where
    if record.container:
        assert csl.get("container-title", "") == record.container, where
    if record.year:  # (citation-js keeps a date it cannot parse, "1992 Summer", as raw)
        issued = csl["issued"]
        year = issued["date-parts"][0][0] if "date-parts" in issued else None
        assert year == record.year or str(record.year) in issued.get("raw", ""), where
    assert len(csl.get("author", [])) == len(record.authors), where
    if record.database:
        assert [*csl.get("source", [])] == record.database.split("; ") or csl.get(
            "source"
        ) == record.database, where


def check_ris(texts: Mapping[str, str], tmp_path: Path) -> int:
    """Assert that cen-search, rispy and citation-js read every text the same; returns the
    number of records checked."""
    files = []
    for number, (name, text) in enumerate(texts.items()):
        path = tmp_path / f"written-{number}.ris"
        path.write_text(text, encoding="utf-8")
        files.append((name, path, text))
    js = _citation_js([path for _, path, _ in files])
    checked = 0
    for name, path, text in files:
        ours, records = _ours(text)
        assert _rispy(text) == ours, name
        seen = js[str(path)]
        assert "error" not in seen, (name, seen.get("error"))
        assert seen["records"] == ours, name
        assert len(seen["csl"]) == len(records), name
        for record, csl in zip(records, seen["csl"], strict=True):
            if record.raw_values("TY") == ["JOUR"]:
                _check_csl(record, csl, name)
        checked += len(records)
    return checked
