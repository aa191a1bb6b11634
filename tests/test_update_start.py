"""``update start``: a named round whose window continues from the last search, with an
overlap; the same name twice changes nothing; an unfinished round blocks the next one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cen_search.errors import UsageError
from cen_search.update.window import last_search, start_update
from cen_search.workspace import Workspace
from cen_search.workspace.rounds import rounds
from tests._screening import DATA, make_review

TODAY = dt.date(2021, 6, 30)


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    """MEDLINE and Embase searched on 2019-12-05 (base round), no saved strategies."""
    return make_review(tmp_path / "review", dedupe=False)


def test_the_window_starts_30_days_before_the_last_search(review) -> None:
    assert last_search(review) == "2019-12-05"
    started = start_update(review, name="2021", today=TODAY)
    assert started.created
    assert (started.window.since, started.window.until) == ("2019-11-05", "")
    assert (started.window.overlap_days, started.window.reference) == (30, "2019-12-05")
    assert [r.name for r in rounds(review)] == ["base", "2021"]
    assert rounds(review)[-1].since == "2019-11-05"
    assert review.events()[-1]["event"] == "update-start"


def test_overlap_and_an_explicit_first_day(review) -> None:
    assert (
        start_update(review, name="2021", overlap_days=0, today=TODAY).window.since == "2019-12-05"
    )
    other = make_review(review.root.parent / "other", dedupe=False)
    started = start_update(other, name="2021", since="2020-01-01", today=TODAY)
    assert (started.window.since, started.window.overlap_days) == ("2020-01-01", 0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2020-01-01", "overlap_days": 10}, "--overlap-days goes with --since last"),
        ({"since": "2020-13-01"}, "--since '2020-13-01'"),
        ({"since": "2020"}, "is not a date in the form YYYY-MM-DD"),
        ({"since": "2022-01-01"}, "after today"),
        ({"overlap_days": -1}, "must be 0 or more"),
        ({"name": "base"}, "first round's name"),
        ({"name": "../2021"}, "cannot name a round"),
    ],
)
def test_bad_options_are_usage_errors_and_change_nothing(review, options, message) -> None:
    options.setdefault("name", "2021")
    with pytest.raises(UsageError, match=message):
        start_update(review, today=TODAY, **options)
    assert [r.name for r in rounds(review)] == ["base"]


def test_starting_the_current_round_again_changes_nothing(review) -> None:
    start_update(review, name="2021", today=TODAY)
    before = (review.root / "rounds.jsonl").read_bytes()
    again = start_update(review, name="2021", since="2020-05-01", today=TODAY)
    assert not again.created and again.window.since == "2019-11-05"
    assert "nothing changed" in again.notes[0]
    assert (review.root / "rounds.jsonl").read_bytes() == before


def test_an_unfinished_round_blocks_the_next_unless_forced(review) -> None:
    start_update(review, name="2021", today=TODAY)
    with pytest.raises(UsageError, match=r"round 2021 is not finished: 2 sources") as caught:
        start_update(review, name="2022", today=TODAY)
    assert "MEDLINE" in caught.value.message and "--force" in caught.value.hint
    forced = start_update(review, name="2022", force=True, today=TODAY)
    assert forced.created and forced.window.since == "2019-11-05"


def test_a_round_whose_sources_are_searched_or_skipped_lets_the_next_start(review) -> None:
    from cen_search.update.sources import skip_source

    start_update(review, name="2021", today=TODAY)
    again = review.root.parent / "medline-2021.ris"  # the same records, saved with CRLF
    again.write_bytes((DATA / "medline.ris").read_bytes().replace(b"\n", b"\r\n"))
    review.import_file(again, database="MEDLINE", searched="2021-06-01")
    skip_source(review, "embase", reason="no access", today=TODAY)
    started = start_update(review, name="2022", today=dt.date(2022, 6, 30))
    # continues from MEDLINE's 2021 search
    assert started.window.since == "2021-05-02"


def _resaved(name: str, folder: Path) -> Path:
    """A test export saved again with CRLF line ends (new bytes, the same records)."""
    path = folder / f"crlf-{name}"
    path.write_bytes((DATA / name).read_bytes().replace(b"\n", b"\r\n"))
    return path


def test_a_database_searched_long_before_the_last_search_is_named(review, tmp_path) -> None:
    review.import_file(
        _resaved("medline.ris", tmp_path), database="PsycINFO", searched="2019-06-01"
    )
    review.import_file(_resaved("embase.ris", tmp_path), database="CINAHL", searched="2020-02-01")
    started = start_update(review, name="2021", today=TODAY)
    assert started.window.since == "2020-01-02"
    notes = "\n".join(started.notes)
    assert "PsycINFO was last searched on 2019-06-01" in notes
    assert "--since 2019-05-02" in notes


def test_no_search_date_means_the_first_day_must_be_given(tmp_path) -> None:
    ws = Workspace.init(tmp_path / "review", title="t")
    ws.import_file(DATA / "medline.ris", database="MEDLINE")
    with pytest.raises(UsageError, match="no search date") as caught:
        start_update(ws, name="2021", today=TODAY)
    assert "--since" in caught.value.hint


def test_starting_the_current_round_again_with_another_window_says_it_was_not_applied(
    review,
) -> None:
    # found following docs/update.md verbatim: `update start` warned "to cover them start with
    # --since 2019-12-04"; doing so answered only "nothing changed", as if it had been applied
    start_update(review, name="2021", overlap_days=0, today=TODAY)
    again = start_update(review, name="2021", since="2019-12-04", today=TODAY)
    assert not again.created and again.window.since == "2019-12-05"
    assert "window from 2019-12-05 is kept" in again.notes[0]
    assert "--since 2019-12-04 was not applied" in again.notes[0]
    plain = start_update(review, name="2021", today=TODAY)
    assert "not applied" not in plain.notes[0]
