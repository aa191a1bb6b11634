"""The failure classes found by adversarial probing (issue 9), each probed again as a user
would meet it, through the real command line, one row per class.

A probe builds the situation (an output named like an input, an export saved again with CRLF,
a symlinked folder, a cut log ...), runs ``cen-search`` and counts what went wrong: a run that
should have been refused and was not, a file overwritten, a decision lost, a traceback. The
classes that belong to the readers and the HTTP clients are probed in ``readers.py`` and
``faults.py``; the rest are here.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "cen-review" / "imports"
CLI_DATA = REPO / "tests" / "data" / "dedupe-cli"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("cen-search")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cen_search"]


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_cli(), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


class Probe:
    """Counts for one failure class."""

    def __init__(self) -> None:
        self.tried = self.failures = self.tracebacks = self.lost = 0

    def check(self, result: subprocess.CompletedProcess[str], *, ok: bool) -> None:
        """One attempt: ``ok`` says whether the tool behaved; a traceback is always counted."""
        self.tried += 1
        if not ok:
            self.failures += 1
        if "Traceback" in result.stderr:
            self.tracebacks += 1


def _review(root: Path) -> Path:
    review = root / "review"
    _run("init", review, "--title", "Probe", cwd=root)
    _run("import", CLI_DATA / "alpha.ris", "--database", "MEDLINE", cwd=review)
    _run("import", CLI_DATA / "beta.bib", "--database", "PsycINFO", cwd=review)
    return review


def outputs_over_inputs(root: Path, probe: Probe) -> None:
    """1. An output named like an input or the decisions file, under any spelling."""
    shutil.copy(CLI_DATA / "alpha.ris", root / "in.ris")
    (root / "link.ris").symlink_to(root / "in.ris")
    before = (root / "in.ris").read_bytes()
    for option in ("--clusters", "-o", "--review", "--overlap"):
        for spelling in ("in.ris", "./in.ris", str(root / "in.ris"), "link.ris"):
            result = _run(
                "dedupe", "in.ris", CLI_DATA / "beta.bib", option, spelling, "--yes", cwd=root
            )
            kept = (root / "in.ris").read_bytes() == before
            probe.check(result, ok=result.returncode != 0 and kept)
            probe.lost += 0 if kept else 1
    _run("dedupe", "in.ris", CLI_DATA / "beta.bib", "--review", "pairs.csv", cwd=root)
    decisions = (root / "pairs.csv").read_bytes()
    for option in ("--clusters", "-o"):
        result = _run(
            "dedupe",
            "in.ris",
            CLI_DATA / "beta.bib",
            "--decisions",
            "pairs.csv",
            option,
            "pairs.csv",
            "--yes",
            cwd=root,
        )
        kept = (root / "pairs.csv").read_bytes() == decisions
        probe.check(result, ok=result.returncode != 0 and kept)
        probe.lost += 0 if kept else 1


def decisions_after_resave(root: Path, probe: Probe) -> None:
    """2. Six decisions in pairs.csv, the export saved again with CRLF: none may be lost."""
    source = REPO.parent / "shared" / "data" / "dedup" / "sra_haematology" / "records.ris"
    if not source.exists():
        source = EXAMPLE / "Embase.ris"
    shutil.copy(source, root / "haem.ris")
    _run("dedupe", "haem.ris", "--review", "pairs.csv", cwd=root)
    with (root / "pairs.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows[:6]):
        row["decision"] = "same" if number % 2 else "different"
    decided = sum(1 for row in rows if row["decision"])
    if rows:
        with (root / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    data = (root / "haem.ris").read_bytes().replace(b"\r\n", b"\n")
    (root / "haem.ris").write_bytes(data.replace(b"\n", b"\r\n"))
    result = _run(
        "dedupe",
        "haem.ris",
        "--decisions",
        "pairs.csv",
        "--review",
        "pairs.csv",
        "--json",
        cwd=root,
    )
    with (root / "pairs.csv").open(encoding="utf-8", newline="") as fh:
        kept = sum(1 for row in csv.DictReader(fh) if row["decision"])
    probe.check(result, ok=result.returncode == 0 and kept == decided)
    probe.lost += decided - kept if kept < decided else 0


def outputs_over_the_review(root: Path, probe: Probe) -> None:
    """1. Inside a review, an output named like a file the review keeps (its logs, raw
    exports, settings), even with --yes."""
    review = _review(root)
    _run("dedupe", cwd=review)
    sheet = review / "dedupe" / "review.csv"
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    sheet.write_text("\n".join([lines[0], lines[1].replace(",,", ",same,", 1)]) + "\n")
    _run("dedupe", cwd=review)
    kept_files = [
        "dedupe/decisions.jsonl",
        "imports/manifest.jsonl",
        "log.jsonl",
        "cen-search.toml",
        *(p.relative_to(review).as_posix() for p in (review / "imports").rglob("*.ris")),
    ]
    for target in kept_files:
        before = (review / target).read_bytes()
        for files in ((), (CLI_DATA / "alpha.ris", CLI_DATA / "beta.bib")):
            result = _run("dedupe", *files, "--clusters", target, "--yes", cwd=review)
            kept = (review / target).read_bytes() == before
            probe.check(result, ok=result.returncode != 0 and kept)
            probe.lost += 0 if kept else 1


def decisions_after_reexport(root: Path, probe: Probe) -> None:
    """2. Decisions on a BibTeX library, the library exported again by a tool that renames
    keys (one key given to two records, one record exported twice): none lost or moved."""
    library = REPO / "tests" / "data" / "identity" / "mendeley-repeated-keys.bib"
    shutil.copy(library, root / "library.bib")
    shutil.copy(CLI_DATA / "beta.bib", root / "other.bib")
    _run("dedupe", "library.bib", "other.bib", "--review", "pairs.csv", cwd=root)
    with (root / "pairs.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["decision"] = "same"
    if rows:
        with (root / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    before = _run(
        "dedupe", "library.bib", "other.bib", "--decisions", "pairs.csv", "--json", cwd=root
    )
    expected = json.loads(before.stdout)["clusters"] if before.returncode == 0 else -1
    (root / "again").mkdir()
    for target in ("again/library.ris", "again/library.bib"):  # (the same name: the same uids)
        converted = _run("convert", "library.bib", "-o", target, cwd=root)
        result = _run("dedupe", target, "other.bib", "--decisions", "pairs.csv", "--json", cwd=root)
        data = json.loads(result.stdout) if result.returncode == 0 else {}
        same = (
            bool(rows)
            and converted.returncode == 0
            and data.get("orphaned_decisions") == 0
            and data.get("clusters") == expected
        )
        probe.check(result, ok=same)
        probe.lost += 0 if same else 1


def links_out_of_the_review(root: Path, probe: Probe) -> None:
    """3. imports/<db>, dedupe/ or log.jsonl a link to outside: nothing written through it."""
    for link in ("imports/medline", "dedupe", "log.jsonl"):
        base = root / link.replace("/", "_")
        base.mkdir()
        review = base / "review"
        _run("init", review, cwd=base)
        outside = base / "outside"
        outside.mkdir()
        path = review / link
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            shutil.copy(path, outside / path.name)
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(outside if link != "log.jsonl" else outside / "log.jsonl")
        before = sorted((p.name, p.read_bytes()) for p in outside.iterdir())
        for args in (("import", CLI_DATA / "alpha.ris", "--database", "MEDLINE"), ("dedupe",)):
            result = _run(*args, cwd=review)
            probe.check(result, ok=result.returncode in (0, 1))
        after = sorted((p.name, p.read_bytes()) for p in outside.iterdir())
        if after != before:
            probe.failures += 1


def temp_files_after_kill(root: Path, probe: Probe) -> None:
    """8. A temporary file left by SIGKILL: shown by status, removed by the next command."""
    review = _review(root)
    leftover = review / "dedupe" / ".clusters.csv.a1b2c3d4.tmp"
    leftover.write_bytes(b"x" * 1000)
    status = _run("status", "--json", cwd=review)
    shown = status.returncode == 0 and any(
        p["file"].endswith(leftover.name) for p in json.loads(status.stdout)["status"]["problems"]
    )
    probe.check(status, ok=shown)
    result = _run("dedupe", cwd=review)
    probe.check(result, ok=result.returncode == 0 and not leftover.exists())


def contradictory_decisions(root: Path, probe: Probe) -> None:
    """9. A=C same, B=C same, A≠B different: reported, named, queued (exit 4 with --check)."""
    from cen_search.dedupe.decisions import append_decisions, make_decision
    from cen_search.identity import ref_of
    from cen_search.workspace import Workspace

    review = _review(root)
    records = Workspace(review).records()
    a, b, c = (ref_of(records[i]) for i in (0, 1, 2))
    append_decisions(
        review / "dedupe" / "decisions.jsonl",
        [
            make_decision(a, c, same=True),
            make_decision(b, c, same=True),
            make_decision(a, b, same=False),
        ],
    )
    result = _run("dedupe", "--check", "--json", cwd=review)
    reported = result.returncode == 4 and "contradict" in result.stderr
    probe.check(result, ok=reported and json.loads(result.stdout)["contradictions"] == 1)


def torn_logs(root: Path, probe: Probe) -> None:
    """10. 40 bytes cut off decisions.jsonl, or the manifest's last line cut: work stops with
    a clear message, repair sets the bytes aside, nothing is silently lost."""
    from cen_search.dedupe.decisions import append_decisions, make_decision
    from cen_search.identity import ref_of
    from cen_search.workspace import Workspace

    for log in ("dedupe/decisions.jsonl", "imports/manifest.jsonl"):
        base = root / log.replace("/", "_")
        base.mkdir()
        review = _review(base)
        records = Workspace(review).records()
        append_decisions(
            review / "dedupe" / "decisions.jsonl",
            [
                make_decision(ref_of(records[0]), ref_of(records[1]), same=True),
                make_decision(ref_of(records[0]), ref_of(records[2]), same=False),
            ],
        )
        path = review / log
        data = path.read_bytes()
        path.write_bytes(data[:-40])
        stopped = _run("dedupe", cwd=review)
        probe.check(stopped, ok=stopped.returncode == 1 and "cut short" in stopped.stderr)
        repaired = _run("repair", "--yes", cwd=review)
        side = path.with_name(path.name + ".torn")
        kept = side.exists() and side.read_bytes().rstrip(b"\n") in data
        probe.check(repaired, ok=repaired.returncode == 0 and kept)
        probe.lost += 0 if kept else 1


def log_after_kill_between_appends(root: Path, probe: Probe) -> None:
    """12. The import's manifest line written, its log line not: logged by the next run."""
    review = _review(root)
    manifest = [
        json.loads(line)
        for line in (review / "imports" / "manifest.jsonl").read_text().splitlines()
        if line
    ]
    log = review / "log.jsonl"
    lines = [
        line for line in log.read_text().splitlines() if f'"id":"{manifest[-1]["id"]}"' not in line
    ]
    log.write_text("\n".join(lines) + "\n")
    result = _run("dedupe", cwd=review)
    events = [json.loads(line) for line in log.read_text().splitlines() if line]
    logged = [e for e in events if e.get("event") == "import" and e.get("id") == manifest[-1]["id"]]
    probe.check(result, ok=result.returncode == 0 and len(logged) == 1)


def early_ctrl_c(root: Path, probe: Probe) -> None:
    """13. Ctrl-C at once after start: no traceback, exit 130 (or 0 if it finished)."""
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4):
        proc = subprocess.Popen(
            [*_cli(), "dedupe", str(CLI_DATA / "alpha.ris"), str(CLI_DATA / "beta.bib")],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while (
            not _catches_sigterm(proc.pid) and proc.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        result = subprocess.CompletedProcess(proc.args, proc.returncode, "", err)
        # -SIGINT: the signal landed while the interpreter was shutting down after the work
        # was done (its handlers are the system's again then); shells report it as 130 too
        probe.check(result, ok=proc.returncode in (0, 130, -signal.SIGINT))


def _catches_sigterm(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # not Linux: cannot tell, go on
    caught = next(line for line in text.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def umask(root: Path, probe: Probe) -> None:
    """15. Files created with umask 022 are 0644, with 077 are 0600."""
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        folder = root / f"mask{mask:o}"
        folder.mkdir()
        previous = os.umask(mask)
        try:
            review = _review(folder)
            result = _run("dedupe", CLI_DATA / "alpha.ris", "-o", folder / "out.ris", cwd=folder)
        finally:
            os.umask(previous)
        files = [
            review / "cen-search.toml",
            review / "imports" / "manifest.jsonl",
            review / "log.jsonl",
            folder / "out.ris",
            *(review / "imports" / "medline").iterdir(),
        ]
        modes = {os.stat(p).st_mode & 0o777 for p in files}
        probe.check(result, ok=modes == {mode})


def manifest_outside(root: Path, probe: Probe) -> None:
    """16. Manifest lines naming ../x.ris or /etc/hostname are not read."""
    review = _review(root)
    manifest = review / "imports" / "manifest.jsonl"
    entry = json.loads(manifest.read_text().splitlines()[0])
    original = manifest.read_text()
    for forged in ("../x.ris", "/etc/hostname"):
        manifest.write_text(original + json.dumps({**entry, "file": forged}) + "\n")
        result = _run("dedupe", cwd=review)
        probe.check(result, ok=result.returncode == 1 and "not inside" in result.stderr)
    manifest.write_text(original)


PROBES: dict[str, Callable[[Path, Probe], None]] = {
    "1 outputs over inputs and decisions": outputs_over_inputs,
    "1 outputs over what the review keeps": outputs_over_the_review,
    "2 decisions after the export is re-saved": decisions_after_resave,
    "2 decisions after a re-export that renames keys": decisions_after_reexport,
    "3 writes through links out of the review": links_out_of_the_review,
    "8 temporary files after a kill": temp_files_after_kill,
    "9 contradictory decisions": contradictory_decisions,
    "10 cut-short logs": torn_logs,
    "12 audit log after a kill between appends": log_after_kill_between_appends,
    "13 Ctrl-C during start-up": early_ctrl_c,
    "15 the umask": umask,
    "16 manifest lines outside the review": manifest_outside,
}


def run(quick: bool) -> list[dict[str, Any]]:
    """One row per failure class."""
    rows = []
    for name, probe_fn in PROBES.items():
        probe = Probe()
        with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
            try:
                probe_fn(Path(tmp), probe)
            except Exception as exc:  # a probe that breaks is a failure, shown, not hidden
                probe.failures += 1
                print(f"  {name}: probe broke: {exc!r}", file=sys.stderr)
        rows.append(
            {
                "class": name,
                "tried": probe.tried,
                "failures": probe.failures,
                "tracebacks": probe.tracebacks,
                "lost": probe.lost,
                "secrets": 0,
            }
        )
    return rows
