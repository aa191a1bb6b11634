"""The interactive review: one key per decision, saved at once, resumable, driven by keys."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from cen_search.cli import dedupe_run
from cen_search.cli.dedupe_review import keys_from, run_review
from cen_search.dedupe.decisions import (
    append_decisions,
    append_undo,
    current_decisions,
    make_decision,
)
from cen_search.dedupe.review_sheet import FieldPair, ReviewPair, Side, read_review_csv
from cen_search.identity import RecordRef
from cen_search.models import RecordId
from tests._dedupe_cli import CLI_DATA, run_cli


def pair(rank: int, title_b: str = "Same title") -> ReviewPair:
    return ReviewPair(
        rank=rank,
        a=Side(
            RecordId(f"aaaaaaaaaaaa:{rank}"),
            "medline.txt",
            str(rank),
            "MEDLINE",
            RecordRef(database="MEDLINE", pmid=str(rank)),
        ),
        b=Side(
            RecordId(f"bbbbbbbbbbbb:{rank}"),
            "embase.ris",
            str(rank),
            "Embase",
            RecordRef(database="Embase", accession=(f"L{rank}",)),
        ),
        score=1 - rank / 10,
        rule="review:partial",
        reasons=("titles agree but corroboration is thin",),
        fields=(
            FieldPair("title", "Same title", title_b, title_b != "Same title"),
            FieldPair("year", "2019", "2019", False),
        ),
    )


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=120, no_color=True, force_terminal=False), buffer


class Log:
    """A decisions log in a folder, as the workspace keeps it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "decisions.jsonl"

    def decide(self, item: ReviewPair, same: bool | None) -> None:
        if same is None:
            append_undo(self.path, item.a.ref, item.b.ref)
        else:
            append_decisions(self.path, [make_decision(item.a.ref, item.b.ref, same=same)])

    def pairs(self, base: list[ReviewPair]) -> list[ReviewPair]:
        """The queue as a new session would see it: decisions from the log applied."""
        from dataclasses import replace

        state = current_decisions(self.path)
        return [replace(p, same=state[p.key].same if p.key in state else None) for p in base]


def test_each_key_decides_one_pair_and_is_saved_at_once(tmp_path: Path) -> None:
    log = Log(tmp_path)
    seen: list[int] = []

    def decide(item: ReviewPair, same: bool | None) -> None:
        log.decide(item, same)
        seen.append(len(current_decisions(log.path)))  # already on disk when called

    cons, _ = console()
    outcome = run_review(
        [pair(1), pair(2), pair(3)], decide=decide, keys=keys_from("sds"), console=cons
    )
    state = current_decisions(log.path)
    assert [state[p.key].same for p in (pair(1), pair(2), pair(3))] == [True, False, True]
    assert seen == [1, 2, 3]
    assert (outcome.decided, outcome.same, outcome.different) == (3, 2, 1)
    assert outcome.remaining == 0 and not outcome.quit


def test_quitting_keeps_decisions_and_the_next_session_resumes_where_it_stopped(
    tmp_path: Path,
) -> None:
    log = Log(tmp_path)
    base = [pair(1), pair(2), pair(3)]
    cons, _ = console()
    first = run_review(log.pairs(base), decide=log.decide, keys=keys_from("sq"), console=cons)
    assert first.quit and first.decided == 1 and first.remaining == 2
    cons, buffer = console()
    shown: list[str] = []
    second = run_review(log.pairs(base), decide=log.decide, keys=keys_from("dd"), console=cons)
    shown = [line for line in buffer.getvalue().splitlines() if line.startswith("Pair ")]
    assert shown[0].startswith("Pair 1 of 2")
    assert second.decided == 2 and second.remaining == 0
    state = current_decisions(log.path)
    assert [state[p.key].same for p in base] == [True, False, False]


def test_undo_withdraws_the_last_decision_and_shows_that_pair_again(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, buffer = console()
    outcome = run_review(
        [pair(1), pair(2)], decide=log.decide, keys=keys_from("sudd"), console=cons
    )
    state = current_decisions(log.path)
    assert state[pair(1).key].same is False  # s, undone, then d
    assert state[pair(2).key].same is False
    assert outcome.decided == 2 and outcome.same == 0
    assert "undone" in buffer.getvalue()


def test_undo_with_nothing_to_undo_changes_nothing(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, buffer = console()
    run_review([pair(1)], decide=log.decide, keys=keys_from("uq"), console=cons)
    assert not log.path.exists()
    assert "Nothing to undo" in buffer.getvalue()


def test_help_and_unknown_keys_decide_nothing(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, buffer = console()
    outcome = run_review([pair(1)], decide=log.decide, keys=keys_from("?x"), console=cons)
    assert outcome.decided == 0 and outcome.quit
    assert "s  same" in buffer.getvalue() and "Unknown key 'x'" in buffer.getvalue()
    assert "[s]ame  [d]ifferent" in buffer.getvalue()  # shown as typed, not eaten as markup
    assert not log.path.exists()


def test_next_skips_a_pair_leaving_it_undecided(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, _ = console()
    outcome = run_review([pair(1), pair(2)], decide=log.decide, keys=keys_from("ns"), console=cons)
    assert outcome.remaining == 1
    assert list(current_decisions(log.path)) == [pair(2).key]


def test_pairs_are_shown_side_by_side_with_differing_fields_marked() -> None:
    from dataclasses import replace

    cons, buffer = console()
    item = pair(1, title_b="Another title")
    item = replace(
        item,
        rule="[rule]",
        fields=(
            *item.fields,
            FieldPair("journal", "J Ment Health [Electronic Resource]", "", True),
        ),
    )
    run_review([item], decide=lambda p, s: None, keys=keys_from("q"), console=cons)
    text = buffer.getvalue()
    title_line = next(line for line in text.splitlines() if "Another title" in line)
    year_line = next(line for line in text.splitlines() if " year " in line)
    assert "≠" in title_line and "Same title" in title_line
    assert "≠" not in year_line
    assert "MEDLINE · medline.txt #1" in text and "Embase · embase.ris #1" in text
    assert "[Electronic Resource]" in text and "[rule]" in text  # brackets are not markup


def test_decided_pairs_are_skipped_unless_all_are_asked_for(tmp_path: Path) -> None:
    from dataclasses import replace

    cons, _ = console()
    decided = replace(pair(1), same=True)
    outcome = run_review([decided], decide=lambda p, s: None, keys=keys_from(""), console=cons)
    assert outcome.decided == 0 and not outcome.quit
    calls: list[bool | None] = []
    run_review(
        [decided],
        decide=lambda p, s: calls.append(s),
        keys=keys_from("d"),
        console=cons,
        include_decided=True,
    )
    assert calls == [False]


# -- through the command line, keys injected in place of the terminal -----------------------


@pytest.fixture()
def inject_keys(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    def use(keys: str) -> None:
        monkeypatch.setattr(
            dedupe_run, "_terminal_keys", lambda: contextlib.nullcontext(keys_from(keys))
        )

    return use


def test_review_file_mode_writes_decisions_into_the_csv_and_resumes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    inject_keys: Callable[[str], None],
) -> None:
    review = tmp_path / "pairs.csv"
    run = run_cli(
        capsys, "dedupe", CLI_DATA / "alpha.ris", CLI_DATA / "beta.bib", "--review", review
    )
    assert run.code == 0
    pairs = read_review_csv(review)
    assert pairs and all(p.same is None for p in pairs)
    inject_keys("q")
    run = run_cli(capsys, "dedupe", "review", "--review-file", review)
    assert run.code == 0 and "0 decisions saved" in run.err
    inject_keys("d" * len(pairs))
    run = run_cli(capsys, "dedupe", "review", "--review-file", review)
    assert run.code == 0
    assert all(p.same is False for p in read_review_csv(review))
    check = run_cli(
        capsys,
        "dedupe",
        CLI_DATA / "alpha.ris",
        CLI_DATA / "beta.bib",
        "--decisions",
        review,
        "--check",
    )
    assert check.code == 0


def test_review_without_a_terminal_says_what_to_do_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", CLI_DATA / "alpha.ris", CLI_DATA / "beta.bib", "--review", review)
    run = run_cli(capsys, "dedupe", "review", "--review-file", review)
    assert run.code == 2
    assert "needs a terminal" in run.err and "--decisions" in run.err
    assert "Traceback" not in run.err


def test_review_with_nothing_left_to_decide_needs_no_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "pairs.csv"
    run_cli(capsys, "dedupe", CLI_DATA / "alpha.ris", CLI_DATA / "beta.bib", "--review", review)
    lines = review.read_text(encoding="utf-8").splitlines()
    review.write_text(
        "\n".join([lines[0], *(line.replace(",,", ",same,", 1) for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    run = run_cli(capsys, "dedupe", "review", "--review-file", review)
    assert run.code == 0 and "nothing to review" in run.err
    run = run_cli(capsys, "dedupe", "review", "--review-file", review, "--all")
    assert run.code == 2 and "needs a terminal" in run.err  # --all shows decided pairs


def test_a_later_decision_in_the_workspace_review_is_not_undone_by_an_older_one_in_the_sheet(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    inject_keys: Callable[[str], None],
) -> None:
    """``dedupe/review.csv`` is a way in: a person fills in "same" there, then changes their
    mind in the interactive review. The next run must keep the later "different"."""
    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="T")
    ws.import_file(CLI_DATA / "alpha.ris", database="MEDLINE")
    ws.import_file(CLI_DATA / "beta.bib", database="PsycINFO")
    monkeypatch.chdir(ws.root)
    assert run_cli(capsys, "dedupe").code == 0
    sheet = ws.root / "dedupe" / "review.csv"
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",,", ",same,", 1)
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    inject_keys("d")
    run = run_cli(capsys, "dedupe", "review", "--all")
    assert run.code == 0, run.err
    assert "took 1 decision from dedupe/review.csv" in run.err
    assert [p.same for p in read_review_csv(sheet)] == [False]  # the sheet shows it too
    assert run_cli(capsys, "dedupe").code == 0
    (decision,) = current_decisions(ws.root / "dedupe" / "decisions.jsonl").values()
    assert decision.same is False


def between(rank: int, a: str, b: str) -> ReviewPair:
    """A pair of records ``a`` and ``b`` (record ids ``<a>:1``) of one RIS file."""

    def side(name: str) -> Side:
        return Side(
            RecordId(f"{name * 12}:1"),
            "all.ris",
            name,
            "Embase",
            RecordRef(database="Embase", key=name),
        )

    return replace(pair(rank), a=side(a), b=side(b))


def test_a_pair_the_reviewers_same_decisions_already_join_is_not_asked(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, buffer = console()
    queue = [between(1, "a", "b"), between(2, "a", "c"), between(3, "b", "c"), between(4, "c", "d")]
    outcome = run_review(queue, decide=log.decide, keys=keys_from("ssd"), console=cons)
    shown = [line for line in buffer.getvalue().splitlines() if line.startswith("Pair ")]
    assert [line.split(" · ")[0] for line in shown] == ["Pair 1 of 4", "Pair 2 of 4", "Pair 4 of 4"]
    assert (outcome.decided, outcome.same, outcome.different) == (3, 2, 1)
    assert outcome.remaining == 0 and not outcome.quit
    assert "1 pair follows from your 'same' decisions" in buffer.getvalue()
    state = current_decisions(log.path)
    assert queue[2].key not in state  # nothing is recorded for it: the next run joins it


def test_a_pair_joined_through_a_decision_that_is_undone_is_asked_again(tmp_path: Path) -> None:
    log = Log(tmp_path)
    cons, buffer = console()
    queue = [
        between(1, "a", "b"),
        between(2, "a", "c"),
        between(3, "b", "c"),
        between(4, "c", "d"),
    ]
    outcome = run_review(queue, decide=log.decide, keys=keys_from("ssuddd"), console=cons)
    # a=b, a=c (b-c follows, not asked), at c-d: undo a=c and say a≠c; b-c is now asked: b≠c
    state = current_decisions(log.path)
    assert [state[p.key].same for p in queue] == [True, False, False, False]
    assert outcome.remaining == 0
    assert "follow from your" not in buffer.getvalue()


def test_a_review_csv_naming_records_only_by_record_id_is_kept_in_a_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review CSV whose uid columns are gone (tidied away, or written before there were
    any) names its records by record id. Outside a workspace its decisions apply; in one
    they were dropped without a word (the log keeps durable names only): ``decisions_applied``
    0 and nothing in ``decisions.jsonl``. They are named by the records' durable identity;
    an id naming no record of the review is reported."""
    import csv
    import json

    from cen_search.workspace import Workspace

    ws = Workspace.init(tmp_path / "review", title="T")
    ws.import_file(CLI_DATA / "alpha.ris", database="MEDLINE")
    ws.import_file(CLI_DATA / "beta.bib", database="PsycINFO")
    monkeypatch.chdir(ws.root)
    assert run_cli(capsys, "dedupe").code == 0
    with (ws.root / "dedupe" / "review.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    columns = ["decision", "a_record_id", "b_record_id", "title_a", "title_b"]
    sheet = tmp_path / "pairs.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerow({**rows[0], "decision": "different"})
    run = run_cli(capsys, "dedupe", "--decisions", str(sheet), "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["decisions_applied"] == 1
    (decision,) = current_decisions(ws.root / "dedupe" / "decisions.jsonl").values()
    assert decision.same is False and not decision.legacy
    run = run_cli(capsys, "dedupe", "--json")  # kept for later runs
    assert json.loads(run.out)["decisions_applied"] == 1

    gone = tmp_path / "gone.csv"
    with gone.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerow({**rows[0], "a_record_id": "000000000000:1", "decision": "same"})
    run = run_cli(capsys, "dedupe", "--decisions", str(gone), "--json")
    assert run.code == 0, run.err
    assert "000000000000:1" in run.err and "not kept" in run.err
