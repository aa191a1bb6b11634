"""The kill harness: cen-search stopped by SIGKILL, SIGTERM and SIGINT at many points of each
operation that changes a review, then checked and run again.

For every operation a reference review is built by running it once without interruption.
Then, from a fresh copy of the review as it was before, the command is started, stopped after
a fraction of the reference duration, and:

* the stop must not print a Python traceback (``tracebacks``);
* ``cen-search status --json`` must load the review (a ``failures`` row otherwise), and every
  temporary file left behind must be among the problems it reports (``unreported`` → failure);
* the same command, run again, must finish (exit 0) and leave the review exactly as the
  uninterrupted run did: the same imports, raw copies, decisions, clusters and one log event
  per import (any difference is ``lost``: a record or decision lost or doubled).

Operations are a registry (:data:`OPERATIONS`): later stages (screening, tracing, updates) add
theirs beside these.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "cen-review" / "imports"
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("cen-search")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cen_search"]


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_cli(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


# -- workloads ---------------------------------------------------------------------------


def big_ris(path: Path, copies: int) -> None:
    """The example's RIS records repeated ``copies`` times, each copy's titles numbered so
    that they are different publications (a workload, not a dedupe test)."""
    blocks = []
    for name in ("Embase.ris", "CINAHL.ris", "HMIC.ris"):
        text = (EXAMPLE / name).read_text(encoding="utf-8")
        blocks += [b.strip() for b in text.split("ER  -") if "TY  -" in b]
    out = []
    for copy in range(copies):
        for block in blocks:
            lines = []
            for line in block.splitlines():
                if line[:2] in ("TI", "T1") and line[2:6] == "  - ":
                    line = f"{line} (series {copy})"
                lines.append(line)
            out.append("\n".join(lines) + "\nER  - \n")
    path.write_text("\n".join(out), encoding="utf-8")


def _init(folder: Path) -> None:
    result = _run(["init", str(folder), "--title", "Kill harness"], cwd=folder.parent)
    assert result.returncode == 0, result.stderr


@dataclass
class Operation:
    """One command that changes a review, with how to build the review it starts from."""

    name: str
    prepare: Callable[[Path, Path, bool], None]
    """(review folder, scratch folder for inputs, quick) -> None: the review before the run."""
    command: Callable[[Path], list[str]]
    """scratch folder -> the command's arguments (run inside the review)."""


def _prepare_import(review: Path, scratch: Path, quick: bool) -> None:
    _init(review)
    big_ris(scratch / "big.ris", 60 if quick else 250)


def _prepare_dedupe(review: Path, scratch: Path, quick: bool) -> None:
    _init(review)
    big_ris(scratch / "a.ris", 20 if quick else 60)
    for name, database in (("a.ris", "Embase"), ("MEDLINE.txt", "MEDLINE")):
        source = scratch / name if name == "a.ris" else EXAMPLE / name
        result = _run(["import", str(source), "--database", database], cwd=review)
        assert result.returncode == 0, result.stderr


def _prepare_decisions(review: Path, scratch: Path, quick: bool) -> None:
    _prepare_dedupe(review, scratch, quick)
    for name, database in (("CINAHL.ris", "CINAHL"), ("HMIC.ris", "HMIC")):
        result = _run(["import", str(EXAMPLE / name), "--database", database], cwd=review)
        assert result.returncode == 0, result.stderr
    pairs = scratch / "pairs.csv"
    result = _run(["dedupe", "--review", str(pairs), "--yes"], cwd=review)
    assert result.returncode in (0, 4), result.stderr
    import csv

    with pairs.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows):
        row["decision"] = "same" if number % 2 else "different"
    if rows:
        with pairs.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


OPERATIONS: list[Operation] = [
    Operation(
        "import",
        _prepare_import,
        lambda scratch: ["import", str(scratch / "big.ris"), "--database", "Embase"],
    ),
    Operation("dedupe", _prepare_dedupe, lambda scratch: ["dedupe"]),
    Operation(
        "dedupe --decisions",
        _prepare_decisions,
        lambda scratch: ["dedupe", "--decisions", str(scratch / "pairs.csv")],
    ),
]


# -- the review's state --------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(review: Path) -> dict[str, Any]:
    """What must be the same after an interrupted run was run again as after one clean run:
    imports and their raw copies, decisions in force, clusters, one log event per import."""
    from cen_search.dedupe.decisions import current_decisions

    manifest = [
        json.loads(line)
        for line in (review / "imports" / "manifest.jsonl").read_text().splitlines()
        if line.strip()
    ]
    imports = sorted((m["sha256"], m["database"], m["records"], m["file"]) for m in manifest)
    raw = {
        p.relative_to(review).as_posix(): _sha(p)
        for p in sorted((review / "imports").rglob("*"))
        if p.is_file() and p.name != "manifest.jsonl" and not p.name.startswith(".")
    }
    events = [json.loads(line) for line in (review / "log.jsonl").read_text().splitlines() if line]
    import_events = Counter(e.get("id") for e in events if e.get("event") == "import")
    decisions_path = review / "dedupe" / "decisions.jsonl"
    decisions = sorted((key, d.same) for key, d in current_decisions(decisions_path).items())
    clusters = review / "dedupe" / "clusters.csv"
    return {
        "imports": imports,
        "raw": raw,
        "import_events": sorted(import_events.items()),
        "decisions": decisions,
        "clusters": _sha(clusters) if clusters.exists() else None,
    }


def _leftovers(review: Path) -> list[str]:
    return sorted(
        p.relative_to(review).as_posix()
        for p in review.rglob(".*.tmp")
        if p.is_file() and ".git" not in p.parts
    )


# -- the harness ---------------------------------------------------------------------------


@dataclass
class Tally:
    tried: int = 0
    failures: int = 0
    tracebacks: int = 0
    lost: int = 0
    notes: list[str] = field(default_factory=list)


def _one(
    op: Operation, base: Path, scratch: Path, expected: dict[str, Any], signum: int, delay: float
) -> Tally:
    tally = Tally(tried=1)
    with tempfile.TemporaryDirectory(prefix="kill-") as tmp:
        review = Path(tmp) / "review"
        shutil.copytree(base, review, symlinks=True)
        proc = subprocess.Popen(
            [*_cli(), *op.command(scratch)],
            cwd=review,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signum)
        _, err = proc.communicate(timeout=600)
        if "Traceback" in err:
            tally.tracebacks += 1
            tally.notes.append(f"{op.name} {signum} {delay:.2f}s: {err[-300:]}")
        status = _run(["status", "--json"], cwd=review)
        if status.returncode != 0:
            tally.failures += 1
            tally.notes.append(f"{op.name}: status after the kill failed: {status.stderr[-300:]}")
        else:
            problems = {p["file"] for p in json.loads(status.stdout)["status"]["problems"]}
            unreported = [p for p in _leftovers(review) if p not in problems]
            if unreported:
                tally.failures += 1
                tally.notes.append(f"{op.name}: temporary files not reported: {unreported}")
        again = _run(op.command(scratch), cwd=review)
        if again.returncode not in (0, 4):
            tally.failures += 1
            tally.notes.append(f"{op.name}: the re-run failed: {again.stderr[-300:]}")
            return tally
        if "Traceback" in again.stderr:
            tally.tracebacks += 1
        if snapshot(review) != expected:
            tally.lost += 1
            tally.notes.append(f"{op.name} {signum} {delay:.2f}s: state differs after re-run")
    return tally


def run(quick: bool) -> list[dict[str, Any]]:
    """One row per operation and signal."""
    rows = []
    points = 4 if quick else 10
    with tempfile.TemporaryDirectory(prefix="kills-") as tmp:
        root = Path(tmp)
        for op in OPERATIONS:
            scratch = root / f"scratch-{op.name.replace(' ', '_')}"
            scratch.mkdir()
            base = root / f"base-{op.name.replace(' ', '_')}"
            op.prepare(base, scratch, quick)
            reference = root / f"reference-{op.name.replace(' ', '_')}"
            shutil.copytree(base, reference, symlinks=True)
            start = time.perf_counter()
            done = _run(op.command(scratch), cwd=reference)
            duration = time.perf_counter() - start
            assert done.returncode in (0, 4), done.stderr
            expected = snapshot(reference)
            for signame, signum in SIGNALS.items():
                total = Tally()
                for k in range(points):
                    delay = duration * (k + 0.5) / points
                    one = _one(op, base, scratch, expected, signum, delay)
                    total.tried += one.tried
                    total.failures += one.failures
                    total.tracebacks += one.tracebacks
                    total.lost += one.lost
                    total.notes += one.notes
                for note in total.notes:
                    print(f"  {note}", file=sys.stderr)
                rows.append(
                    {
                        "class": f"{signame} during {op.name} ({duration:.1f} s run)",
                        "tried": total.tried,
                        "failures": total.failures,
                        "tracebacks": total.tracebacks,
                        "lost": total.lost,
                        "secrets": 0,
                    }
                )
    return rows
