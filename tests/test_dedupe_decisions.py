"""People's decisions on duplicate pairs: an append-only log where the later line wins, kept
against record identities that survive re-saving and re-exporting the exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cen_search.dedupe.decisions import (
    append_decisions,
    append_undo,
    apply_to,
    changes,
    current_decisions,
    make_decision,
    pair_key,
)
from cen_search.errors import DamagedLogError, WorkspaceError
from cen_search.formats import read_file
from cen_search.identity import RecordRef, ref_of

A = RecordRef(database="MEDLINE", pmid="111", title="Alpha trial", year="2019")
B = RecordRef(database="Embase", accession=("L222",), title="Alpha trial", year="2019")
C = RecordRef(database="CINAHL", fingerprint="f1-0123456789abcdef", title="Gamma", year="2018")
RIS = """TY  - JOUR
TI  - Structured clinical management for complex emotional needs
AU  - Smith, Jane
PY  - 2019
JO  - Illustrative Journal
VL  - 12
SP  - 101
EP  - 110
ER  -

TY  - JOUR
TI  - Structured clinical management for complex emotional needs: a trial
AU  - Smith, J.
PY  - 2019
JO  - Illustrative J
VL  - 12
SP  - 101
ER  -

TY  - JOUR
TI  - Clinician perspectives on community services
AU  - Jones, Peter
PY  - 2017
JO  - Other Journal
ER  -
"""


def test_pair_key_is_the_same_whatever_the_order() -> None:
    assert pair_key(B.uid, A.uid) == pair_key(A.uid, B.uid)


def test_later_decision_on_the_same_pair_wins(tmp_path: Path) -> None:
    log = tmp_path / "dedupe" / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True, by="jt")])
    append_decisions(log, [make_decision(B, A, same=False, by="blt")])
    state = current_decisions(log)
    assert list(state) == [pair_key(A.uid, B.uid)]
    decision = state[pair_key(A.uid, B.uid)]
    assert decision.same is False and decision.by == "blt"


def test_undo_withdraws_the_decision_without_rewriting_the_log(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True), make_decision(A, C, same=False)])
    before = log.read_text(encoding="utf-8")
    append_undo(log, B, A)
    after = log.read_text(encoding="utf-8")
    assert after.startswith(before)  # append-only: earlier lines untouched
    assert json.loads(after.splitlines()[-1])["decision"] == "undone"
    state = current_decisions(log)
    assert pair_key(A.uid, B.uid) not in state
    assert state[pair_key(A.uid, C.uid)].same is False


def test_decision_lines_name_both_records_by_every_handle_with_reviewer_time_and_source(
    tmp_path: Path,
) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(
        log, [make_decision(B, A, same=True, by="jt", note="same trial")], source="review"
    )
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert {entry["a"], entry["b"]} == {"medline/pmid:111", "embase/an:L222"}
    assert entry["a_ref"]["uid"] == entry["a"] and entry["b_ref"]["uid"] == entry["b"]
    assert entry["a_ref"]["title"] == "Alpha trial"
    assert entry["decision"] == "same"
    assert entry["by"] == "jt" and entry["source"] == "review" and entry["note"] == "same trial"
    assert entry["at"].endswith("+00:00")
    assert len(entry["id"]) == 24


def test_missing_log_means_no_decisions(tmp_path: Path) -> None:
    assert current_decisions(tmp_path / "absent.jsonl") == {}


def test_changes_leaves_out_decisions_already_in_force(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True)])
    state = current_decisions(log)
    incoming = [make_decision(B, A, same=True), make_decision(A, C, same=False)]
    new = changes(state, incoming)
    assert [(d.key, d.same) for d in new] == [(pair_key(A.uid, C.uid), False)]


def test_changes_keeps_a_reversed_decision() -> None:
    decision = make_decision(A, B, same=True)
    new = changes({decision.key: decision}, [make_decision(A, B, same=False)])
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


def test_log_lines_of_the_earlier_version_still_read_and_apply_by_record_id(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.ris"
    path.write_text(RIS, encoding="utf-8")
    records = read_file(path).records
    log = tmp_path / "decisions.jsonl"
    log.write_text(
        json.dumps({"a": records[0].id, "b": records[1].id, "decision": "same", "by": "jt"}) + "\n",
        encoding="utf-8",
    )
    applied = apply_to(current_decisions(log), records)
    assert applied.decision_for(0, 1) is not None and not applied.orphans


def test_a_cut_decision_log_stops_work_instead_of_losing_a_decision(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    append_decisions(log, [make_decision(A, B, same=True), make_decision(A, C, same=False)])
    data = log.read_bytes()
    log.write_bytes(data[:-40])  # the "different" decision is cut short
    with pytest.raises(DamagedLogError) as info:
        current_decisions(log)
    assert "cen-search repair" in info.value.hint
    with pytest.raises(DamagedLogError):  # nor is anything appended after the damage
        append_decisions(log, [make_decision(B, C, same=True)])


# -- identity: decisions survive re-saving, re-ordering and re-exporting -----------------


def _records(tmp_path: Path, name: str, text: str, *, newline: str = "\n") -> list:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return list(read_file(path, database="Embase").records)


def test_decision_still_applies_after_the_export_is_saved_with_crlf(tmp_path: Path) -> None:
    before = _records(tmp_path, "embase.ris", RIS)
    decision = make_decision(ref_of(before[0]), ref_of(before[1]), same=False, by="jt")
    after = _records(tmp_path, "embase-crlf.ris", RIS, newline="\r\n")
    assert before[0].id != after[0].id  # the file's checksum changed
    applied = apply_to({decision.key: decision}, after)
    assert not applied.orphans
    assert applied.decision_for(0, 1) is decision


def test_decision_still_applies_after_the_records_are_reordered(tmp_path: Path) -> None:
    before = _records(tmp_path, "embase.ris", RIS)
    decision = make_decision(ref_of(before[0]), ref_of(before[2]), same=True)
    blocks = RIS.split("\n\n")
    after = _records(tmp_path, "reordered.ris", "\n\n".join(reversed(blocks)).strip() + "\n")
    applied = apply_to({decision.key: decision}, after)
    assert applied.decision_for(0, 2) is decision  # records 1 and 3 swapped places


def test_decision_still_applies_after_the_export_is_converted_to_bibtex(tmp_path: Path) -> None:
    from cen_search.formats import write_records

    before = _records(tmp_path, "embase.ris", RIS)
    decision = make_decision(ref_of(before[0]), ref_of(before[1]), same=False)
    converted = tmp_path / "embase.bib"
    with converted.open("w", encoding="utf-8") as fh:
        write_records(before, fh, format="bibtex")
    after = list(read_file(converted, database="Embase").records)
    applied = apply_to({decision.key: decision}, after)
    assert not applied.orphans and applied.decision_for(0, 1) is decision


def test_decision_about_a_record_no_longer_there_is_reported_with_what_it_was_about(
    tmp_path: Path,
) -> None:
    before = _records(tmp_path, "embase.ris", RIS)
    decision = make_decision(ref_of(before[0]), ref_of(before[2]), same=True)
    after = _records(tmp_path, "short.ris", RIS.split("\n\n")[0] + "\n")
    applied = apply_to({decision.key: decision}, after)
    assert applied.engine == ()
    (orphan,) = applied.orphans
    assert "Clinician perspectives" in orphan.reason


def test_contradictory_decisions_are_reported_and_the_same_links_not_applied(
    tmp_path: Path,
) -> None:
    records = _records(tmp_path, "embase.ris", RIS)
    a, b, c = (ref_of(r) for r in records)
    state = {
        d.key: d
        for d in (
            make_decision(a, c, same=True, by="jt"),
            make_decision(b, c, same=True, by="jt"),
            make_decision(a, b, same=False, by="blt"),
        )
    }
    applied = apply_to(state, records)
    (contradiction,) = applied.contradictions
    assert contradiction.pair == (0, 1)
    assert len(contradiction.chain) == 2
    assert [d.same for d in applied.engine] == [False]
    assert applied.contested == {(0, 1)}
    assert "contradicts" in contradiction.describe()


# -- identity: a record's own key is made by a tool, not by the database ------------------

REPEATED_KEYS = Path(__file__).parent / "data" / "identity" / "mendeley-repeated-keys.bib"
"""Mendeley's BibTeX: two different papers under one key (``Thomas2016``: "Much Ado ..." and
"Stories Still Matter ..."), and one book exported twice (``Woolf1939``)."""


def _mendeley(tmp_path: Path, name: str, text: str) -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(read_file(path, database="Mendeley").records)


def test_decision_on_a_record_whose_key_another_record_shares_names_only_that_record(
    tmp_path: Path,
) -> None:
    records = list(read_file(REPEATED_KEYS, database="Mendeley").records)
    much_ado, woolf, stories = records[0], records[1], records[2]
    assert much_ado.key == stories.key == "Thomas2016"
    decision = make_decision(ref_of(much_ado), ref_of(woolf), same=False)
    applied = apply_to({decision.key: decision}, records)
    assert applied.decision_for(0, 1) is decision
    assert applied.decision_for(2, 1) is None  # "Stories Still Matter" was not decided on


def test_decision_follows_its_record_when_a_reexport_gives_its_key_to_another_record(
    tmp_path: Path,
) -> None:
    """Reference managers tell records of one first author and year apart by a letter
    (``Thomas2016a``, ``Thomas2016b``) given in their sort order: export again after a change
    and the letters can swap. The decision must stay with the paper, not with the key."""
    text = REPEATED_KEYS.read_text(encoding="utf-8")
    much_ado, woolf, stories, _ = ("@" + entry for entry in text.lstrip("@").split("\n@"))
    first = much_ado.replace("Thomas2016", "Thomas2016a") + "\n" + woolf
    first += "\n" + stories.replace("Thomas2016", "Thomas2016b")
    before = _mendeley(tmp_path, "library.bib", first)
    decision = make_decision(ref_of(before[0]), ref_of(before[1]), same=True)
    assert decision.a.uid.endswith("key:Thomas2016a") or decision.b.uid.endswith("key:Thomas2016a")
    again = stories.replace("Thomas2016", "Thomas2016a") + "\n" + woolf
    again += "\n" + much_ado.replace("Thomas2016", "Thomas2016b")
    after = _mendeley(tmp_path, "library-again.bib", again)
    assert after[0].title.startswith("Stories") and after[0].key == "Thomas2016a"
    applied = apply_to({decision.key: decision}, after)
    assert not applied.orphans
    assert applied.decision_for(2, 1) is decision  # "Much Ado", now Thomas2016b
    assert applied.decision_for(0, 1) is None  # never "Stories Still Matter"


def test_decision_on_one_record_exported_twice_still_applies_when_a_converter_renames_a_key(
    tmp_path: Path,
) -> None:
    """Both copies of the book carry the key ``Woolf1939``, so the decision names one uid
    twice; a converter that makes keys unique writes the second as ``Woolf1939-2``."""
    from cen_search.formats import write_records

    records = list(read_file(REPEATED_KEYS, database="Mendeley").records)
    decision = make_decision(ref_of(records[1]), ref_of(records[3]), same=True)
    assert decision.a.uid == decision.b.uid
    converted = tmp_path / "library.ris"
    with converted.open("w", encoding="utf-8") as fh:
        write_records(records, fh, format="ris")
    after = list(read_file(converted, database="Mendeley").records)
    assert {after[1].key, after[3].key} == {"Woolf1939", "Woolf1939-2"}
    applied = apply_to({decision.key: decision}, after)
    assert not applied.orphans
    assert applied.decision_for(1, 3) is decision


def test_decision_whose_two_records_are_now_one_is_reported_not_dropped(tmp_path: Path) -> None:
    records = list(read_file(REPEATED_KEYS, database="Mendeley").records)
    decision = make_decision(ref_of(records[1]), ref_of(records[3]), same=True)
    text = REPEATED_KEYS.read_text(encoding="utf-8")
    one_copy = _mendeley(tmp_path, "one-copy.bib", text[: text.rindex("@book{Woolf1939")])
    applied = apply_to({decision.key: decision}, one_copy)
    assert applied.engine == ()
    (orphan,) = applied.orphans
    assert "now one record" in orphan.reason and "Reviewing" in orphan.reason


ABSTRACT_AND_PAPER = """TY  - ABST
TI  - Structured clinical management for complex emotional needs: a randomised trial
AU  - Smith, Jane
PY  - 2019
JO  - Illustrative Journal
VL  - 12
IS  - Suppl 1
SP  - S40
DO  - 10.5555/supplement-2019-1
ER  -

TY  - JOUR
TI  - Structured clinical management for complex emotional needs: a randomised trial
AU  - Smith, Jane
PY  - 2019
JO  - Illustrative Journal
VL  - 12
SP  - 101
EP  - 110
DO  - 10.5555/paper-2019-101
ER  -
"""


def test_decision_about_an_abstract_never_passes_to_a_copy_of_its_paper(tmp_path: Path) -> None:
    """The abstract and the paper share title, year and first author (one fingerprint); with
    the abstract's export gone, the decision is reported, not moved to the paper's copies."""
    abstract, paper = _records(tmp_path, "first.ris", ABSTRACT_AND_PAPER)
    decision = make_decision(ref_of(abstract), ref_of(paper), same=False)
    assert ref_of(abstract).fingerprint == ref_of(paper).fingerprint
    paper_text = "TY  - JOUR" + ABSTRACT_AND_PAPER.split("TY  - JOUR")[1]
    medline = tmp_path / "medline.ris"
    medline.write_text(paper_text, encoding="utf-8")
    cinahl = tmp_path / "cinahl.ris"
    cinahl.write_text(paper_text, encoding="utf-8")
    later = [
        *read_file(medline, database="MEDLINE").records,
        *read_file(cinahl, database="CINAHL").records,
    ]
    applied = apply_to({decision.key: decision}, later)
    assert applied.engine == ()  # the two copies of the paper are not kept apart
    (orphan,) = applied.orphans
    assert "no record matches" in orphan.reason


def test_a_decision_names_its_records_so_that_two_with_one_title_can_be_told_apart() -> None:
    first = RecordRef(database="biber", key="tmn1", fingerprint="f1-1", title="A title")
    second = RecordRef(database="biber", key="tmn2", fingerprint="f1-1", title="A title")
    text = make_decision(first, second, same=False).describe()
    assert "(biber, key:tmn1)" in text and "(biber, key:tmn2)" in text
    assert RecordRef(fingerprint="f1-2", title="Gamma", year="2018").describe() == ("2018 'Gamma'")


def test_decision_follows_its_record_by_key_when_a_reexport_dates_it_again(
    tmp_path: Path,
) -> None:
    """The e-pub year, then the year of print: the fingerprint changes, the record's key and
    its long title with its first author still name it."""
    text = REPEATED_KEYS.read_text(encoding="utf-8")
    much_ado, woolf, stories, _ = ("@" + entry for entry in text.lstrip("@").split("\n@"))
    first = much_ado.replace("Thomas2016", "Thomas2016a") + "\n" + woolf
    first += "\n" + stories.replace("Thomas2016", "Thomas2016b")
    before = _mendeley(tmp_path, "library.bib", first)
    decision = make_decision(ref_of(before[0]), ref_of(before[1]), same=True)
    after = _mendeley(tmp_path, "library-again.bib", first.replace("{2016}", "{2017}", 1))
    assert ref_of(after[0]).fingerprint != ref_of(before[0]).fingerprint
    applied = apply_to({decision.key: decision}, after)
    assert not applied.orphans and applied.decision_for(0, 1) is decision
