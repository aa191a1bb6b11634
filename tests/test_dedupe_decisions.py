"""People's decisions on duplicate pairs: an append-only log where the later line wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cen_search.dedupe.decisions import (
    append_decisions,
    append_undo,
    changes,
    current_decisions,
    make_decision,
    pair_key,
)
from cen_search.errors import WorkspaceError

A = "aaaaaaaaaaaa:1"
B = "bbbbbbbbbbbb:2"
C = "cccccccccccc:3"


def test_pair_key_is_the_same_whatever_the_order() -> None:
    assert pair_key(B, A) == pair_key(A, B) == (A, B)


def test_later_decision_on_the_same_pair_wins(tmp_path: Path) -> None:
    log = tmp_path / "dedupe" / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True, by="jt")])
    append_decisions(log, [make_decision(B, A, same=False, by="blt")])
    state = current_decisions(log)
    assert list(state) == [(A, B)]
    assert state[(A, B)].same is False
    assert state[(A, B)].by == "blt"


def test_undo_withdraws_the_decision_without_rewriting_the_log(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True), make_decision(A, C, same=False)])
    before = log.read_text(encoding="utf-8")
    append_undo(log, B, A)
    after = log.read_text(encoding="utf-8")
    assert after.startswith(before)  # append-only: earlier lines untouched
    assert json.loads(after.splitlines()[-1])["decision"] == "undone"
    state = current_decisions(log)
    assert (A, B) not in state
    assert state[(A, C)].same is False


def test_decision_lines_name_pair_decision_reviewer_time_and_source(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(
        log, [make_decision(B, A, same=True, by="jt", note="same trial")], source="review"
    )
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["a"] == A and entry["b"] == B
    assert entry["decision"] == "same"
    assert entry["by"] == "jt"
    assert entry["source"] == "review"
    assert entry["note"] == "same trial"
    assert entry["at"].endswith("+00:00")


def test_missing_log_means_no_decisions(tmp_path: Path) -> None:
    assert current_decisions(tmp_path / "absent.jsonl") == {}


def test_changes_leaves_out_decisions_already_in_force(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True)])
    state = current_decisions(log)
    incoming = [make_decision(B, A, same=True), make_decision(A, C, same=False)]
    new = changes(state, incoming)
    assert [(d.a, d.b, d.same) for d in new] == [(A, C, False)]


def test_changes_keeps_a_reversed_decision(tmp_path: Path) -> None:
    state = {(A, B): make_decision(A, B, same=True)}
    new = changes(state, [make_decision(A, B, same=False)])
    assert len(new) == 1 and new[0].same is False


def test_an_entry_that_is_not_a_decision_is_an_error_naming_the_file_and_entry(
    tmp_path: Path,
) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True)])
    with log.open("a", encoding="utf-8") as fh:
        fh.write('{"a": "x:1", "b": "y:2", "decision": "maybe"}\n')
    with pytest.raises(WorkspaceError) as info:
        current_decisions(log)
    assert "entry 2" in info.value.message
    assert str(log) in info.value.message
