"""The ``[screening]`` settings, reason checks, highlighted terms and the session's small
parsers."""

from __future__ import annotations

import pytest

from cen_search.cli.screen_session import highlighted, one_key_at_a_time, parse_reasons
from cen_search.errors import ConfigError, UsageError
from cen_search.screening.config import check_reasons, screening_config, term_pattern

REASONS = ("wrong population", "wrong setting", "not qualitative")


def test_defaults_are_single_screening_without_reasons() -> None:
    config = screening_config({})
    assert (config.reasons, config.ta_reviewers, config.reason_policy) == ((), 1, "conflict")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"reasons": "a, b"}, None),
        ({"reasons": [1, 2]}, "must be a list of strings"),
        ({"ta_reviewers": 0}, "ta_reviewers must be a whole number from 1 to 5"),
        ({"ft_reviewers": True}, "ft_reviewers must be a whole number"),
        ({"reason_policy": "first"}, "reason_policy must be one of conflict, hierarchy"),
        ({"other_lane_ta": "no"}, "other_lane_ta must be true or false"),
        ({"reasons": ["3"]}, "is a number"),
    ],
)
def test_bad_settings_name_the_setting(table: dict[str, object], message: str | None) -> None:
    if message is None:
        assert screening_config(table).reasons == ("a, b",)
        return
    with pytest.raises(ConfigError, match=message):
        screening_config(table)


def test_reasons_are_deduplicated_without_case_and_spaces() -> None:
    config = screening_config({"reasons": ["Wrong  setting", "wrong setting", "other"]})
    assert config.reasons == ("Wrong setting", "other")


def test_reasons_by_number_or_text_in_the_reviews_spelling_primary_first() -> None:
    config = screening_config({"reasons": list(REASONS)})
    assert check_reasons(
        config, stage="ft", decision="exclude", reasons=["3", "WRONG SETTING", "3"]
    ) == (
        "not qualitative",
        "wrong setting",
    )
    assert check_reasons(config, stage="ta", decision="exclude", reasons=[]) == ()
    assert check_reasons(
        config, stage="ta", decision="exclude", reasons=["Ambiental"], strict=False
    ) == ("Ambiental",)
    with pytest.raises(UsageError, match=r"1\. wrong population; 2\. wrong setting"):
        check_reasons(config, stage="ta", decision="exclude", reasons=["9"])


def test_terms_match_whole_words_and_star_endings() -> None:
    pattern = term_pattern(["clinician*", "personality disorder", "GP"])
    assert pattern is not None
    text = "Clinicians and GPs discussed PERSONALITY  DISORDER; a GP agreed; clinical staff."
    assert [m.group(0) for m in pattern.finditer(text)] == [
        "Clinicians",
        "PERSONALITY  DISORDER",
        "GP",
    ]
    assert term_pattern([]) is None


def test_highlighted_text_marks_include_and_exclude_terms() -> None:
    text = highlighted(
        "qualitative study of forensic staff",
        term_pattern(["qualitative"]),
        term_pattern(["forensic"]),
    )
    styles = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styles == {"qualitative": "bold green", "forensic": "bold red"}


def test_reason_numbers_typed_in_the_session() -> None:
    assert parse_reasons("2, 3", REASONS) == ("wrong setting", "not qualitative")
    assert parse_reasons("", REASONS) == ()
    assert parse_reasons("4", REASONS) == "'4' is not a reason number (1-3)"


def test_keys_typed_ahead_arrive_one_at_a_time_and_arrow_keys_stay_whole() -> None:
    chunks = iter(["e", "2,3\r", "\x1b[A", ""])
    keys = one_key_at_a_time(lambda: next(chunks, ""))
    assert [keys() for _ in range(8)] == ["e", "2", ",", "3", "\r", "\x1b[A", "", ""]


def test_an_arrow_key_typed_ahead_among_other_keys_stays_one_key_and_esc_stays_esc() -> None:
    # keys pressed while the program was busy arrive in one read: an arrow key among them is
    # not an Esc (which quits) followed by letters
    chunks = iter(["i\x1b[Bs", "\x1bOAm", "\x1bs", ""])
    keys = one_key_at_a_time(lambda: next(chunks, ""))
    got = [keys() for _ in range(8)]
    assert got == ["i", "\x1b[B", "s", "\x1bOA", "m", "\x1b", "s", ""]
