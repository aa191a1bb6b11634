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

Operations are a registry (:data:`OPERATIONS`): later stages add theirs beside these
(:mod:`._update_ops`: ``update run`` against a local PubMed and OpenAlex, with and without
tracing, ``strategy run`` against the local PubMed, and ``screen import``), each with the
environment its commands run in and what must be the same afterwards.
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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "cen-review" / "imports"
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("cen-search")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cen_search"]


def _run(
    args: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_cli(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
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
    environment: Callable[[Path, bool], AbstractContextManager[dict[str, str]]] | None = None
    """(scratch, quick) -> a context giving environment variables for every run of the
    command (a local server it talks to); None: the environment as it is."""
    state: Callable[[Path], dict[str, Any]] | None = None
    """What must be the same after an interrupted run was run again (default: :func:`snapshot`)."""
    keys: str | None = None
    """Keys typed ahead at a terminal (a pseudo-terminal as standard input) for an interactive
    command; None: no terminal."""


@contextmanager
def _started(
    op: Operation, scratch: Path, cwd: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[str]]:
    """The operation's command running in ``cwd``; an interactive one reads :attr:`keys` from
    a pseudo-terminal (no echo, no line editing), typed before it starts."""
    args = [*_cli(), *op.command(scratch)]
    environment = {**os.environ, **env} if env else None
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if op.keys is None:
        with subprocess.Popen(args, cwd=cwd, text=True, env=environment, **pipes) as proc:
            yield proc
        return
    import pty
    import termios

    master, terminal = pty.openpty()
    mode = termios.tcgetattr(terminal)
    mode[3] &= ~(termios.ECHO | termios.ICANON)
    termios.tcsetattr(terminal, termios.TCSANOW, mode)
    os.write(master, op.keys.encode("utf-8"))
    try:
        try:
            proc = subprocess.Popen(
                args, cwd=cwd, text=True, env=environment, stdin=terminal, **pipes
            )
        finally:
            os.close(terminal)  # the command holds it now
        with proc:
            yield proc
    finally:
        os.close(master)


def _complete(
    op: Operation, scratch: Path, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """The operation's command run to its end in ``cwd``."""
    with _started(op, scratch, cwd, env) as proc:
        out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@contextmanager
def _no_environment(scratch: Path, quick: bool) -> Iterator[dict[str, str]]:
    yield {}


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


def _prepare_review(review: Path, scratch: Path, quick: bool) -> None:
    """A review whose dedupe left pairs for a person: ``dedupe review`` decides each at the
    terminal (every key typed ahead is 'different', so an interrupted session run again ends
    with the same decisions whichever pairs it had decided). Always the small workload (about
    280 pairs): the session, not the engine, is what is interrupted."""
    _prepare_dedupe(review, scratch, quick=True)
    for name, database in (("CINAHL.ris", "CINAHL"), ("HMIC.ris", "HMIC")):
        result = _run(["import", str(EXAMPLE / name), "--database", database], cwd=review)
        assert result.returncode == 0, result.stderr


def _later_stages() -> list[Operation]:
    from benchmarks.reliability import _update_ops as ops

    return [
        Operation(
            "update run",
            ops.prepare_update(_run),
            lambda scratch: ["update", "run", "--yes", "--no-cache"],
            environment=ops.services,
            state=ops.snapshot_update,
        ),
        Operation(
            "update run (tracing)",
            ops.prepare_update_trace(_run),
            lambda scratch: ["update", "run", "--yes", "--no-cache", "--trace-sources", "openalex"],
            environment=ops.services,
            state=ops.snapshot_update,
        ),
        Operation(
            "strategy run",
            ops.prepare_strategy_run(_run),
            lambda scratch: list(ops.STRATEGY_RUN),
            environment=ops.services,
            state=ops.snapshot_strategy_run,
        ),
        Operation(
            "screen import",
            ops.prepare_screen_import(_run),
            lambda scratch: ["screen", "import", str(scratch / "sheet.csv")],
            state=ops.snapshot_screening,
        ),
    ]


OPERATIONS: list[Operation] = [
    Operation(
        "import",
        _prepare_import,
        lambda scratch: ["import", str(scratch / "big.ris"), "--database", "Embase"],
    ),
    Operation("dedupe", _prepare_dedupe, lambda scratch: ["dedupe"]),
    Operation(
        "dedupe review",
        _prepare_review,
        lambda scratch: ["dedupe", "review", "--by", "kill-harness"],
        keys="d" * 2000,
    ),
    Operation(
        "dedupe --decisions",
        _prepare_decisions,
        lambda scratch: ["dedupe", "--decisions", str(scratch / "pairs.csv")],
    ),
    *_later_stages(),
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
    op: Operation,
    base: Path,
    scratch: Path,
    expected: dict[str, Any],
    signum: int,
    delay: float,
    env: dict[str, str],
) -> Tally:
    tally = Tally(tried=1)
    state = op.state or snapshot
    with tempfile.TemporaryDirectory(prefix="kill-") as tmp:
        review = Path(tmp) / "review"
        shutil.copytree(base, review, symlinks=True)
        with _started(op, scratch, review, env) as proc:
            time.sleep(delay)
            if proc.poll() is None:
                os.kill(proc.pid, signum)
            _, err = proc.communicate(timeout=600)
        if "Traceback" in err:
            tally.tracebacks += 1
            tally.notes.append(f"{op.name} {signum} {delay:.2f}s: {err[-300:]}")
        status = _run(["status", "--json"], cwd=review, env=env)
        if status.returncode != 0:
            tally.failures += 1
            tally.notes.append(f"{op.name}: status after the kill failed: {status.stderr[-300:]}")
        else:
            problems = {p["file"] for p in json.loads(status.stdout)["status"]["problems"]}
            unreported = [p for p in _leftovers(review) if p not in problems]
            if unreported:
                tally.failures += 1
                tally.notes.append(f"{op.name}: temporary files not reported: {unreported}")
        again = _complete(op, scratch, review, env)
        if again.returncode not in (0, 4):
            tally.failures += 1
            tally.notes.append(f"{op.name}: the re-run failed: {again.stderr[-300:]}")
            return tally
        if "Traceback" in again.stderr:
            tally.tracebacks += 1
        after = state(review)
        if after != expected:
            tally.lost += 1
            differ = sorted(k for k in {*after, *expected} if after.get(k) != expected.get(k))
            tally.notes.append(
                f"{op.name} {signum} {delay:.2f}s: state differs after re-run: {differ}"
            )
    return tally


def run(quick: bool, only: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """One row per operation and signal (``only``: the operations of these names)."""
    points = 4 if quick else 10
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kills-") as tmp:
        root = Path(tmp)
        for op in OPERATIONS:
            if only and op.name not in only:
                continue
            name = "".join(c if c.isalnum() else "_" for c in op.name)
            scratch = root / f"scratch-{name}"
            scratch.mkdir()
            base = root / f"base-{name}"
            op.prepare(base, scratch, quick)
            reference = root / f"reference-{name}"
            shutil.copytree(base, reference, symlinks=True)
            environment = op.environment or _no_environment
            with environment(scratch, quick) as env:
                rows += _kill_rows(op, base, scratch, reference, env, points)
    return rows


def _kill_rows(
    op: Operation, base: Path, scratch: Path, reference: Path, env: dict[str, str], points: int
) -> list[dict[str, Any]]:
    rows = []
    start = time.perf_counter()
    done = _complete(op, scratch, reference, env)
    duration = time.perf_counter() - start
    assert done.returncode in (0, 4), done.stderr
    expected = (op.state or snapshot)(reference)
    for signame, signum in SIGNALS.items():
        total = Tally()
        for k in range(points):
            delay = duration * (k + 0.5) / points
            one = _one(op, base, scratch, expected, signum, delay, env)
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
