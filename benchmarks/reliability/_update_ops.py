"""Operations of the later stages for the kill harness (:mod:`.kills`): ``update run`` against
a local PubMed and OpenAlex, and ``screen import`` of a filled sheet.

The server runs in the harness's process while the commands run as subprocesses pointed at it
(``CEN_SEARCH_PUBMED_URL``, ``CEN_SEARCH_OPENALEX_URL``). PubMed answers in the recorded
ESearch/EFetch shapes with the 2021 records of ``tests/data/update`` plus synthetic ones (so a
run has something to import and deduplicate), each answer slightly delayed so the kill points
fall inside the searches too. What must be the same after an interrupted run was run again is
compared by content, not by file name: a run's raw copy and run record are named after the
moment it ran.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "cen-review"
if str(REPO / "tests") not in sys.path:  # the fake servers live with the test doubles
    sys.path.insert(0, str(REPO / "tests"))

Runner = Callable[..., subprocess.CompletedProcess[str]]


def _synthetic(texts: dict[str, str], count: int) -> dict[str, str]:
    """``count`` more MEDLINE records made from one of the 2021 records, each its own paper."""
    template = texts["33100004"]
    out = dict(texts)
    for n in range(count):
        pmid = str(35_000_000 + n)
        text = re.sub(r"^PMID- \d+", f"PMID- {pmid}", template, flags=re.MULTILINE)
        text = re.sub(r"^TI  - (.*)$", rf"TI  - Workload paper {n}: \1", text, flags=re.MULTILINE)
        text = re.sub(r"^AID - .*\[doi\]$", f"AID - 10.5555/kill.{n} [doi]", text, flags=re.M)
        month = 1 + n % 12
        text = re.sub(r"^EDAT- .*$", f"EDAT- 2021/{month:02d}/15 09:00", text, flags=re.MULTILINE)
        out[pmid] = text
    return out


@contextmanager
def services(scratch: Path, quick: bool) -> Iterator[dict[str, str]]:
    """A local PubMed and OpenAlex for the subprocesses, and the environment naming them."""
    from _apiserver import ApiServer, Reply
    from _fake_openalex import Graph
    from _fake_update import WindowedPubMed

    pubmed = WindowedPubMed.from_file()
    pubmed.texts = _synthetic(pubmed.texts, 40 if quick else 150)
    graph = Graph()
    graph.add("W100", doi="10.5555/illus.2020.0003", title="Clinicians", year=2020, refs=["W101"])
    graph.add(
        "W101", doi="10.5555/kill.w101", title="Therapeutic pessimism in teams", year=2015, refs=[]
    )
    graph.add(
        "W103",
        doi="10.5555/kill.w103",
        title="Burnout in complex needs services",
        year=2022,
        refs=["W100"],
    )

    def slow(handler: Callable[[Any], Reply]) -> Callable[[Any], Reply]:
        def answer(seen: Any) -> Reply:
            reply = handler(seen)
            reply.delay = 0.02
            return reply

        return answer

    with ApiServer() as server:
        server.route("/esearch.fcgi", slow(pubmed.esearch))
        server.route("/efetch.fcgi", slow(pubmed.efetch))
        server.route_prefix("/works", slow(graph.handle))
        yield {
            "CEN_SEARCH_PUBMED_URL": server.url,
            "CEN_SEARCH_OPENALEX_URL": server.url,
            "CEN_SEARCH_NCBI_API_KEY": "kill-harness-key",
            "CEN_SEARCH_CONFIG": str(scratch / "no-user-config.toml"),
            "CEN_SEARCH_CACHE_DIR": str(scratch / "cache"),
        }


def _copy_example(review: Path, run: Runner) -> None:
    shutil.copytree(EXAMPLE, review)
    for args in (["dedupe"], ["update", "start", "--name", "2021"]):
        done = run(args, cwd=review)
        assert done.returncode == 0, done.stderr


def prepare_update(run: Runner) -> Callable[[Path, Path, bool], None]:
    def prepare(review: Path, scratch: Path, quick: bool) -> None:
        _copy_example(review, run)

    return prepare


def prepare_update_trace(run: Runner) -> Callable[[Path, Path, bool], None]:
    """A 2021 round whose searches ran and one of whose new studies was included: the next
    ``update run`` traces it and imports what tracing found."""

    def prepare(review: Path, scratch: Path, quick: bool) -> None:
        _copy_example(review, run)
        with services(scratch, quick) as env:
            steps = [
                ["update", "run", "--yes", "--no-cache", "--no-trace"],
                *(
                    [
                        "screen",
                        "vote",
                        "10.5555/illus.2020.0003",
                        "--stage",
                        stage,
                        "--decision",
                        "include",
                        "--reviewer",
                        "reviewer-1",
                    ]
                    for stage in ("ta", "ft")
                ),
                ["screen", "link", "10.5555/illus.2020.0003", "--study", "Morgan-2020"],
            ]
            for args in steps:
                done = run(args, cwd=review, env=env)
                assert done.returncode == 0, done.stderr

    return prepare


def prepare_screen_import(run: Runner) -> Callable[[Path, Path, bool], None]:
    """The example, and a sheet in which a third reviewer decided every report."""

    def prepare(review: Path, scratch: Path, quick: bool) -> None:
        import csv

        shutil.copytree(EXAMPLE, review)
        sheet = scratch / "sheet.csv"
        done = run(["screen", "export", "--reviewer", "reviewer-3", "-o", str(sheet)], cwd=review)
        assert done.returncode == 0, done.stderr
        with sheet.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for number, row in enumerate(rows):
            row["decision"] = "include" if number % 3 else "exclude"
        with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    return prepare


STRATEGY_RUN = [
    "strategy", "run", "medline-ovid", "--on", "pubmed",
    "--from", "2020-01-01", "--to", "2021-12-31", "--no-cache",
]  # fmt: skip
"""The example's MEDLINE strategy run on the local PubMed for two years of entries."""


def prepare_strategy_run(run: Runner) -> Callable[[Path, Path, bool], None]:
    """The example review as it is: ``strategy run`` searches, imports and records a run."""

    def prepare(review: Path, scratch: Path, quick: bool) -> None:
        shutil.copytree(EXAMPLE, review)

    return prepare


def snapshot_strategy_run(review: Path) -> dict[str, Any]:
    """Imports by content, raw copies by checksum, one log event per import, and what the run
    records say (every run record whole, all with the same counts and import): a run that was
    interrupted after it had finished is run again, and that second run is a record of its
    own, so the number of run records is not compared."""
    manifest = _lines(review / "imports" / "manifest.jsonl")
    events = _lines(review / "log.jsonl")
    runs = set()
    for path in (review / "runs").rglob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        counts = tuple(line["count"] for line in record["lines"])
        imported = record["import"]
        runs.add((record["total"], record["retrieved"], counts, imported["records"]))
        ids = path.with_name(record["ids_file"])
        runs.add(("ids", len(ids.read_text(encoding="utf-8").split())))
    return {
        "imports": sorted((m["sha256"], m["database"], m["records"]) for m in manifest),
        **_raw_and_import_events(review, events),
        "runs": sorted(runs, key=repr),
    }


def _raw_and_import_events(review: Path, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The raw copies by checksum, and how many log events each import has (one)."""
    return {
        "raw": sorted(
            _sha(p)
            for p in (review / "imports").rglob("*")
            if p.is_file() and p.name != "manifest.jsonl" and not p.name.startswith(".")
        ),
        "import_events": sorted(
            Counter(e.get("id") for e in events if e.get("event") == "import").items()
        ),
    }


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def snapshot_update(review: Path) -> dict[str, Any]:
    """Imports by content and round, raw copies by checksum, one log event per import, the
    clusters, the round's strategy runs (one per strategy), trace rounds and the digest."""
    manifest = _lines(review / "imports" / "manifest.jsonl")
    events = _lines(review / "log.jsonl")
    update_log = _lines(review / "update" / "log.jsonl")
    runs = Counter(
        (e["round"], e["source"], e["target"]) for e in update_log if e["event"] == "strategy-run"
    )
    records = Counter((p.parent.name) for p in (review / "runs").rglob("*.json") if p.is_file())
    clusters = review / "dedupe" / "clusters.csv"
    digest = review / "update" / "2021" / "digest.md"
    return {
        "imports": sorted(
            (m["sha256"], m["database"], m["records"], m.get("round", ""), m.get("method", ""))
            for m in manifest
        ),
        **_raw_and_import_events(review, events),
        "strategy_runs": sorted(runs.items()),
        "run_records": sorted(records.items()),
        "trace_rounds": [
            (e["round"], e["new"], e["seed_keys"])
            for e in _lines(review / "trace" / "rounds.jsonl")
        ],
        "clusters": _clusters(clusters, {m["file"]: m["sha256"] for m in manifest}),
        "digest": _sha(digest) if digest.exists() else None,
    }


def _clusters(path: Path, files: dict[str, str]) -> str | None:
    """A hash of ``clusters.csv`` with each raw copy's name replaced by its checksum."""
    import csv

    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [[files.get(cell, cell) for cell in row] for row in csv.reader(fh)]
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def snapshot_screening(review: Path) -> dict[str, Any]:
    """The votes in the logs, as (reviewer, stage, decision, records), counted."""
    votes: Counter[tuple[str, ...]] = Counter()
    for path in sorted((review / "screening").glob("*.jsonl")):
        for event in _lines(path):
            if event.get("event") == "vote":
                votes[(event["by"], event["stage"], event["decision"], *event["target"])] += 1
    return {"votes": sorted(votes.items())}


__all__ = [
    "STRATEGY_RUN",
    "prepare_screen_import",
    "prepare_strategy_run",
    "prepare_update",
    "prepare_update_trace",
    "services",
    "snapshot_screening",
    "snapshot_strategy_run",
    "snapshot_update",
]
