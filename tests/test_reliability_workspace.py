"""Nothing a reviewer made is lost or overwritten: regression tests for the failures found by
adversarial probing of the workspace (issue 9: outputs over inputs, links out of the review,
temporary files, contradictory and cut-short decision logs, log/manifest consistency, the
umask, manifest lines pointing outside, early Ctrl-C)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cen_search.dedupe.decisions import DECISIONS_PATH, append_decisions, make_decision
from cen_search.identity import ref_of
from cen_search.workspace import Workspace
from tests._dedupe_cli import CLI_DATA, run_cli

ALPHA = CLI_DATA / "alpha.ris"
BETA = CLI_DATA / "beta.bib"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cen-review" / "imports"


@pytest.fixture()
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    ws = Workspace.init(tmp_path / "review", title="Test review")
    ws.import_file(ALPHA, database="MEDLINE", searched="2019-12-01")
    ws.import_file(BETA, database="PsycINFO", searched="2019-12-01")
    monkeypatch.chdir(ws.root)
    return ws


# -- 1. outputs never over inputs or decisions --------------------------------------------


@pytest.mark.parametrize("spelling", ["plain", "dot-slash", "absolute", "symlink"])
@pytest.mark.parametrize("option", ["--clusters", "-o", "--review", "--overlap"])
def test_no_output_is_written_over_an_input_file_whatever_its_spelling(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: str,
    spelling: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ALPHA, tmp_path / "in.ris")
    before = (tmp_path / "in.ris").read_bytes()
    target = {
        "plain": "in.ris",
        "dot-slash": "./in.ris",
        "absolute": str(tmp_path / "in.ris"),
        "symlink": "link.ris",
    }[spelling]
    if spelling == "symlink":
        (tmp_path / "link.ris").symlink_to(tmp_path / "in.ris")
    run = run_cli(capsys, "dedupe", "in.ris", BETA, option, target, "--yes")
    assert run.code in (1, 2) and "Traceback" not in run.err
    assert (tmp_path / "in.ris").read_bytes() == before


def test_no_output_is_written_over_an_against_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.bib"
    shutil.copy(BETA, old)
    before = old.read_bytes()
    run = run_cli(capsys, "dedupe", ALPHA, "--against", old, "--clusters", old, "--yes")
    assert run.code == 2 and "--against file" in run.err
    assert old.read_bytes() == before


@pytest.mark.parametrize("option", ["--clusters", "-o"])
def test_no_output_is_written_over_the_decisions_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    pairs = tmp_path / "pairs.csv"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "--review", pairs).code == 0
    before = pairs.read_bytes()
    target = pairs if option == "--clusters" else tmp_path / "./pairs.csv"
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--decisions", pairs, option, target, "--yes")
    assert run.code == 2 and "decisions file" in run.err
    assert pairs.read_bytes() == before


@pytest.mark.parametrize(
    "target",
    [
        "dedupe/decisions.jsonl",
        "imports/manifest.jsonl",
        "imports/medline/2019-12-01_alpha.ris",
        "log.jsonl",
        "cen-search.toml",
        "dedupe/summary.json",
    ],
)
@pytest.mark.parametrize("files", [False, True], ids=["workspace-run", "file-run"])
def test_no_output_is_written_over_what_the_review_keeps_even_with_yes(
    review: Workspace, capsys: pytest.CaptureFixture[str], target: str, files: bool
) -> None:
    assert run_cli(capsys, "dedupe").code == 0
    sheet = review.root / "dedupe" / "review.csv"
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    sheet.write_text("\n".join([lines[0], lines[1].replace(",,", ",same,", 1)]) + "\n")
    assert run_cli(capsys, "dedupe").code == 0  # a decision in dedupe/decisions.jsonl
    path = review.root / target
    before = path.read_bytes()
    inputs = [ALPHA, BETA] if files else []
    run = run_cli(capsys, "dedupe", *inputs, "--clusters", target, "--yes")
    if files and target == "dedupe/summary.json":  # not this run's: the user's to replace
        assert run.code == 0
        return
    assert run.code == 2 and "Traceback" not in run.err
    assert path.read_bytes() == before


def test_two_outputs_naming_one_file_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "--clusters", out, "--overlap", out)
    assert run.code == 2 and "same file" in run.err
    assert not out.exists()


def test_an_existing_output_is_replaced_only_with_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "unique.ris"
    out.write_text("mine\n", encoding="utf-8")
    run = run_cli(capsys, "dedupe", ALPHA, BETA, "-o", out)
    assert run.code == 1 and "--yes" in run.err
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run_cli(capsys, "dedupe", ALPHA, BETA, "-o", out, "--yes").code == 0
    assert out.read_text(encoding="utf-8").startswith("TY  -")


# -- 3. links out of the review ------------------------------------------------------------


@pytest.mark.parametrize("link", ["imports/medline", "dedupe", "log.jsonl"])
def test_writes_never_follow_a_link_out_of_the_review(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    link: str,
) -> None:
    ws = Workspace.init(tmp_path / "review", title="Linked")
    outside = tmp_path / "outside"
    outside.mkdir()
    path = ws.root / link
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        shutil.copy(path, outside / path.name)
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside if link != "log.jsonl" else outside / "log.jsonl")
    before = sorted((p.name, p.read_bytes()) for p in outside.iterdir())
    monkeypatch.chdir(ws.root)
    steps = [("import", ALPHA, "--database", "MEDLINE"), ("dedupe",)]
    codes = [run_cli(capsys, *step) for step in steps]
    assert any(run.code == 1 and "outside the review" in run.err for run in codes)
    assert all("Traceback" not in run.err for run in codes)
    assert sorted((p.name, p.read_bytes()) for p in outside.iterdir()) == before


def test_a_manifest_line_naming_a_file_outside_the_review_is_not_read(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = json.loads(review.manifest_path.read_text(encoding="utf-8").splitlines()[0])
    for forged in ("../secret.ris", "/etc/hostname"):
        line = json.dumps({**entry, "file": forged, "sha256": "0" * 64})
        with review.manifest_path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        run = run_cli(capsys, "dedupe")
        assert run.code == 1 and "not inside the review" in run.err
        lines = review.manifest_path.read_text(encoding="utf-8").splitlines()[:-1]
        review.manifest_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- 8. temporary files left by a killed command ------------------------------------------


def test_leftover_temporary_files_are_shown_and_removed_by_the_next_command(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    leftover = review.dedupe_dir / ".clusters.csv.k3j2h1g0.tmp"
    leftover.write_bytes(b"half a file")
    status = run_cli(capsys, "status", "--json")
    problems = json.loads(status.out)["status"]["problems"]
    assert any(p["file"] == "dedupe/.clusters.csv.k3j2h1g0.tmp" for p in problems)
    assert run_cli(capsys, "dedupe").code == 0
    assert not leftover.exists()
    assert any(e["event"] == "tidy" for e in review.events())


# -- 9. contradictory decisions ------------------------------------------------------------


def test_contradictory_decisions_are_reported_explained_and_queued(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    records = review.records()
    a, b, c = (ref_of(records[i]) for i in (0, 1, 2))
    append_decisions(
        review.root / DECISIONS_PATH,
        [
            make_decision(a, c, same=True, by="jt"),
            make_decision(b, c, same=True, by="jt"),
            make_decision(a, b, same=False, by="blt"),
        ],
    )
    run = run_cli(capsys, "dedupe", "--check", "--json")
    assert run.code == 4
    assert "contradict" in run.err
    data = json.loads(run.out)
    assert data["contradictions"] == 1 and data["undecided_pairs"] >= 1
    explained = run_cli(capsys, "dedupe", "explain", str(records[0].id), str(records[1].id))
    assert "contradicted by other decisions" in explained.out
    assert "decided by a person: same" not in explained.out


# -- 10. cut-short logs ---------------------------------------------------------------------


def test_a_cut_decision_log_stops_dedupe_until_repaired_and_keeps_the_bytes(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    records = review.records()
    log = review.root / DECISIONS_PATH
    append_decisions(
        log,
        [
            make_decision(ref_of(records[0]), ref_of(records[1]), same=True),
            make_decision(ref_of(records[0]), ref_of(records[2]), same=False),
        ],
    )
    data = log.read_bytes()
    log.write_bytes(data[:-40])
    run = run_cli(capsys, "dedupe")
    assert run.code == 1 and "cut short" in run.err and "cen-search repair" in run.err
    assert run_cli(capsys, "repair", "--yes").code == 0
    assert (log.parent / "decisions.jsonl.torn").read_bytes().rstrip(b"\n") in data
    assert log.read_bytes() == data[: data.rindex(b"\n", 0, len(data) - 40) + 1]
    assert run_cli(capsys, "dedupe").code == 0


def test_a_cut_manifest_stops_dedupe_instead_of_running_on_half_the_records(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    data = review.manifest_path.read_bytes()
    review.manifest_path.write_bytes(data[:-30])
    run = run_cli(capsys, "dedupe")
    assert run.code == 1 and "manifest.jsonl" in run.err and "cut short" in run.err


def test_repair_without_yes_outside_a_terminal_changes_nothing(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    data = review.log_path.read_bytes()
    review.log_path.write_bytes(data[:-10])
    run = run_cli(capsys, "repair")
    assert run.code == 2 and "--yes" in run.err
    assert review.log_path.read_bytes() == data[:-10]


# -- 12. the audit log completed from the manifest ----------------------------------------


def test_an_import_missing_from_the_log_after_a_crash_is_logged_by_the_next_command(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = review.imports()
    lines = review.log_path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if f'"id":"{entries[1].id}"' not in line]
    review.log_path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert run_cli(capsys, "dedupe").code == 0
    repaired = [e for e in review.events() if e.get("event") == "import" and e.get("repaired")]
    assert [e["id"] for e in repaired] == [entries[1].id]
    assert run_cli(capsys, "dedupe").code == 0  # and only once
    again = [e for e in review.events() if e.get("event") == "import" and e.get("repaired")]
    assert len(again) == 1


# -- 15. the umask -------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_written_honour_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mask: int, mode: int
) -> None:
    import cen_search.fsutil as fsutil

    previous = os.umask(mask)
    fsutil._umask = None
    try:
        ws = Workspace.init(tmp_path / "review", title="Modes")
        ws.import_file(ALPHA, database="MEDLINE")
        out = tmp_path / "unique.ris"
        run_cli(capsys, "dedupe", ALPHA, BETA, "-o", out)
    finally:
        os.umask(previous)
        fsutil._umask = None
    written = [ws.config_path, ws.manifest_path, ws.log_path, out]
    written += [p for p in (ws.imports_dir / "medline").iterdir()]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {oct(mode)}


# -- a full disk ---------------------------------------------------------------------------


def _disk_fills_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    """``os.write`` as on a disk with ``room`` bytes left: a write stores what fits and
    returns its length, the next one fails with ENOSPC (what Linux does)."""
    import errno

    import cen_search.fsutil as fsutil

    real_write = os.write
    left = [room]

    def write(fd: int, data: bytes) -> int:
        if not left[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        stored = real_write(fd, bytes(data[: left[0]]))
        left[0] -= stored
        return stored

    monkeypatch.setattr(fsutil.os, "write", write)


def test_a_disk_that_fills_up_during_a_decision_leaves_the_log_as_it_was(
    review: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [r for result in review.read_imports() for r in result.records]
    log = review.root / DECISIONS_PATH
    append_decisions(log, [make_decision(ref_of(records[0]), ref_of(records[1]), same=True)])
    before = log.read_bytes()
    with monkeypatch.context() as patch:
        _disk_fills_after(patch, 100)  # part of the next line fits, not all of it
        with pytest.raises(OSError) as info:
            append_decisions(
                log, [make_decision(ref_of(records[2]), ref_of(records[3]), same=False)]
            )
    assert info.value.filename == str(log)
    assert log.read_bytes() == before  # no torn line that would stop the next command


def test_a_full_disk_is_reported_against_the_file_being_written_not_its_temporary_copy(
    review: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    import cen_search.fsutil as fsutil

    assert run_cli(capsys, "dedupe").code == 0
    clusters = review.dedupe_dir / "clusters.csv"
    before = clusters.read_bytes()

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(fsutil.os, "fsync", fsync)
        run = run_cli(capsys, "dedupe")
    assert run.code == 1 and "Traceback" not in run.err
    assert f"{clusters}: No space left on device" in run.err
    assert clusters.read_bytes() == before
    assert not fsutil.temp_leftovers(review.root)


# -- 13. Ctrl-C while the program is still loading ----------------------------------------


def _handlers_installed(pid: int) -> bool:
    """True once the process catches SIGTERM: cen-search's entry point installs its handlers
    first thing (before then only the interpreter itself is starting, which no program's own
    code can guard)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in text.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def test_ctrl_c_at_any_moment_of_start_up_prints_no_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("cen-search")
    if not script.exists() or not Path("/proc/self/status").exists():
        pytest.skip("needs the installed console script and Linux /proc")
    for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.2):
        proc = subprocess.Popen(
            [str(script), "dedupe", str(ALPHA), str(BETA)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 20
        while not _handlers_installed(proc.pid) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert b"Traceback" not in err, err.decode()
        assert proc.returncode in (0, 130), (delay, proc.returncode, err.decode())


def test_sigterm_during_a_run_exits_143_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("cen-search")
    if not script.exists():
        pytest.skip("the cen-search console script is not installed in this environment")
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux /proc")
    for delay in (0.0, 0.1, 0.3, 0.6):
        proc = subprocess.Popen(
            [str(script), "convert", str(EXAMPLE / "Embase.ris"), "-o", "out.csv", "--yes"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 20
        while not _handlers_installed(proc.pid) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert b"Traceback" not in err, err.decode()
        # -15: the signal landed while the interpreter was shutting down, the work done
        assert proc.returncode in (0, 143, -signal.SIGTERM), (delay, err.decode())
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
