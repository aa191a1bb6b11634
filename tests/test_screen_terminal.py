"""``cen-search screen`` driven as a person uses it: the real program in a pseudo-terminal
(pexpect), one key at a time."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from cen_search.screening.flow import load_screening  # noqa: E402
from cen_search.workspace import Workspace  # noqa: E402
from tests._screening import make_review  # noqa: E402

PROMPT = r"\[q\]uit"


def spawn(root: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEN_SEARCH_")}
    env.update(
        NO_COLOR="1",
        COLUMNS="110",
        LINES="50",
        TERM="dumb",
        CEN_SEARCH_CONFIG=str(root / "no-user-config.toml"),
    )
    return pexpect.spawn(
        sys.executable,
        ["-m", "cen_search", "screen", *args],
        cwd=str(root),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 110),
    )


def events(root: Path, reviewer: str) -> list[dict[str, object]]:
    path = root / "screening" / f"{reviewer}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    return make_review(tmp_path / "review")


def test_screening_titles_and_abstracts_key_by_key_and_resuming(review: Workspace) -> None:
    child = spawn(review.root, "--reviewer", "ann")
    child.expect("8 of 8 records to screen at title/abstract")
    child.expect("record 1 of 8 · 0 done, 8 to do")
    child.expect("Clinician perspectives on community mental health care")
    child.expect(PROMPT)
    child.send("i")
    child.expect("→ include")
    child.expect("record 2 of 8 · 1 done")
    child.expect(PROMPT)
    child.send("e")
    child.expect("2. wrong setting")
    child.expect("reason number")
    child.send("9\r")  # not a reason: asked again
    child.expect("'9' is not a reason number")
    child.send("2,3\r")
    child.expect(r"→ exclude \(wrong setting; not qualitative\)")
    child.expect(PROMPT)
    child.send("n")
    child.expect("note: ")
    child.send("adolescents only\r")
    child.send("m")
    child.expect("→ maybe")
    child.expect(PROMPT)
    child.send("u")  # takes back the maybe, shows record 3 again
    child.expect("undone")
    child.expect("record 3 of 8")
    child.expect(PROMPT)
    child.send("e")
    child.expect("reason number")
    child.send("\x1b")  # Esc: not excluded after all
    child.expect(r"\(not excluded\)")
    child.send("s")  # skip record 3
    child.expect("record 4 of 8")
    child.expect(PROMPT)
    child.send("?")
    child.expect("undo: take back your last decision")
    child.send("q")
    child.expect("2 decisions saved to screening/; 6 records still to screen")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    log = events(review.root, "ann")
    assert [(e["event"], e.get("decision"), e.get("reasons"), e.get("note")) for e in log] == [
        ("vote", "include", None, None),
        ("vote", "exclude", ["wrong setting", "not qualitative"], None),
        ("vote", "maybe", None, "adolescents only"),
        ("undo", None, None, None),
    ]
    # the next session resumes at the first record still to do (the one skipped)
    child = spawn(review.root, "--reviewer", "ann")
    child.expect("6 of 8 records to screen")
    child.expect("record 3 of 8 · 2 done, 6 to do")
    child.expect("A randomised trial of mentalisation-based treatment")
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)


def test_full_text_screening_records_retrieval_awaiting_and_reasons(review: Workspace) -> None:
    child = spawn(review.root, "--reviewer", "ann")
    for _ in range(3):
        child.expect(PROMPT)
        child.send("i")
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)
    child = spawn(review.root, "--stage", "ft", "--reviewer", "ann")
    child.expect("3 of 3 records to screen at full text")
    child.expect("full text: pending")
    child.expect(PROMPT)
    child.send("r")
    child.expect(r"\[n\] not retrieved")
    child.send("n")
    child.expect("why not")
    child.send("authors did not reply\r")
    child.expect("→ full text not-retrieved")
    child.expect("record 2 of 3")
    child.expect(PROMPT)
    child.send("e")
    child.expect("required")
    child.send("\r")  # a reason is required at full text
    child.expect("needs a reason")
    child.send("1\r")
    child.expect(r"→ exclude \(wrong population\)")
    child.expect(PROMPT)
    child.send("a")
    child.expect("→ awaiting")
    child.expect("All records screened at full text")
    child.expect(pexpect.EOF)
    states = {s.report_id: s for s in load_screening(Workspace(review.root)).flow().reports}
    ft = sorted(str(s.ft) for s in states.values() if s.sought)
    assert ft == ["awaiting", "exclude", "not-assessed"]
    assert {s.not_retrieved_reason for s in states.values()} >= {"authors did not reply"}


def test_random_order_is_recorded_and_kept_for_the_next_session(review: Workspace) -> None:
    def first_title(*args: str) -> str:
        child = spawn(review.root, "--reviewer", "bob", *args)
        child.expect(r"record 1 of 8[^\n]*\n[^A-Za-z]*([A-Z][^\n│]{20,60})")
        title = child.match.group(1)
        child.expect(PROMPT)
        child.send("q")
        child.expect(pexpect.EOF)
        return title

    seeded = first_title("--order", "random", "--seed", "11")
    assert first_title() == seeded  # no --order: the recorded order is used again
    order = [e for e in events(review.root, "bob") if e["event"] == "order"]
    assert order == [order[0]] and (order[0]["order"], order[0]["seed"]) == ("random", 11)


def test_ctrl_c_quits_with_130_and_keeps_what_was_decided(review: Workspace) -> None:
    child = spawn(review.root, "--reviewer", "ann")
    child.expect(PROMPT)
    child.send("i")
    child.expect("→ include")
    child.expect(PROMPT)
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert [e["decision"] for e in events(review.root, "ann")] == ["include"]


def test_without_a_terminal_the_session_says_to_use_a_sheet(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests._dedupe_cli import run_cli

    result = run_cli(capsys, "-C", review.root, "screen", "--reviewer", "ann")
    assert result.code == 2
    assert "needs a terminal" in result.err and "screen export" in result.err


def test_keys_typed_ahead_are_kept_a_pasted_note_and_the_next_decision(
    review: Workspace,
) -> None:
    # A note pasted in one go (longer than one read of the terminal, with letters of two
    # bytes across the read's end) and the keys typed after it before the program asks for
    # them: nothing typed may be lost between two reads.
    note = "interviews with clinicians — ünïcode é ü, see p. 12; ask Bob [x] :100:"
    child = spawn(review.root, "--reviewer", "ann")
    child.expect(PROMPT)
    child.send("n")
    child.expect("note: ")
    child.send(note + "\r" + "i" + "i")
    child.expect("record 3 of 8 · 2 done")
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    log = events(review.root, "ann")
    assert [(e["decision"], e.get("note")) for e in log] == [("include", note), ("include", None)]
