"""``cen-search dedupe review`` driven as a person uses it: the real program in a
pseudo-terminal (pexpect), keys typed ahead of the screen kept."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from cen_search.workspace import Workspace  # noqa: E402


def _review_in_a_terminal(ws: Workspace, tmp_path: Path) -> pexpect.spawn:
    """``cen-search dedupe review --by jt`` in the review, in a pseudo-terminal of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEN_SEARCH_")}
    env.update(NO_COLOR="1", TERM="dumb", CEN_SEARCH_CONFIG=str(tmp_path / "none.toml"))
    return pexpect.spawn(
        sys.executable,
        ["-m", "cen_search", "dedupe", "review", "--by", "jt"],
        cwd=str(ws.root),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 120),
    )


def test_keys_typed_ahead_in_the_interactive_review_are_all_kept(
    tmp_path: Path, shared: Path
) -> None:
    ws = Workspace.init(tmp_path / "review", title="Terminal")
    ws.import_file(shared / "data" / "dedup" / "sra_haematology" / "records.ris", database="X")
    child = _review_in_a_terminal(ws, tmp_path)
    child.expect(r"\[d\]ifferent")
    child.send("sdq")  # typed at once, before the second pair is drawn
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    lines = (ws.root / "dedupe" / "decisions.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["decision"] for line in lines] == ["same", "different"]


def test_the_review_asks_the_pairs_its_own_decisions_raise_before_it_ends(
    tmp_path: Path, shared: Path
) -> None:
    # Keeping apart the three cytology pairs leaves a record that matched two records now
    # kept apart (a chain conflict): the session said "All pairs decided" and the next
    # dedupe found one more undecided pair (found by the kill harness's review workload).
    from cen_search.dedupe.workspace_run import review_pairs_now

    ws = Workspace.init(tmp_path / "review", title="Terminal")
    records = shared / "data" / "dedup" / "sra_cytology_screening" / "records.ris"
    ws.import_file(records, database="X")
    child = _review_in_a_terminal(ws, tmp_path)
    child.expect(r"3 pairs to review")
    child.send("ddd")
    child.expect(r"1 more pair raised by your decisions")
    child.expect(r"\[d\]ifferent")
    child.send("d")
    child.expect(r"All pairs decided")
    child.expect(r"4 decisions saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    with ws.lock():
        assert not [pair for pair in review_pairs_now(ws) if pair.same is None]
