"""Layered settings: precedence, sources, redaction, validation and the review template."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cen_search.config import (
    KEYS,
    check_date,
    check_email,
    redact,
    render_review_toml,
    resolve,
    user_config_file,
)
from cen_search.errors import ConfigError, UsageError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def layers(tmp_path: Path) -> tuple[Path, Path]:
    review = write(
        tmp_path / "cen-search.toml",
        'title = "Review title"\ncontact_email = "review@example.org"\ndate_from = "2003"\n',
    )
    user = write(
        tmp_path / "user.toml",
        'contact_email = "user@example.org"\ndate_to = "2019-12-31"\n'
        '[apis]\nncbi_api_key = "user-ncbi-key-0001"\n',
    )
    return review, user


def test_flag_beats_environment_beats_review_beats_user_beats_default(
    layers: tuple[Path, Path],
) -> None:
    review, user = layers
    env = {"CEN_SEARCH_CONTACT_EMAIL": "env@example.org"}
    settings = resolve(
        review_file=review, user_file=user, environ=env, flags={"contact_email": "flag@example.org"}
    )
    assert settings.contact_email == "flag@example.org"
    assert settings.setting("contact_email").source == "flag"

    settings = resolve(review_file=review, user_file=user, environ=env)
    assert (settings.contact_email, settings.setting("contact_email").source) == (
        "env@example.org",
        "env",
    )
    settings = resolve(review_file=review, user_file=user, environ={})
    assert (settings.contact_email, settings.setting("contact_email").source) == (
        "review@example.org",
        "review",
    )
    assert (settings.date_to, settings.setting("date_to").source) == ("2019-12-31", "user")
    assert (settings.ncbi_api_key, settings.setting("ncbi_api_key").source) == (
        "user-ncbi-key-0001",
        "user",
    )
    assert settings.setting("openalex_api_key").source == "default"
    assert settings.openalex_api_key == ""


def test_each_source_names_the_flag_variable_or_file(layers: tuple[Path, Path]) -> None:
    review, user = layers
    settings = resolve(
        review_file=review,
        user_file=user,
        environ={"CEN_SEARCH_TITLE": "From env"},
        flags={"date_from": "2005"},
        flag_names={"date_from": "--from"},
    )
    assert settings.setting("title").origin == "CEN_SEARCH_TITLE"
    assert settings.setting("date_from").origin == "--from"
    assert settings.setting("contact_email").origin == str(review)
    assert settings.setting("date_to").origin == str(user)
    assert settings.setting("date_to").describe_source() == f"user ({user})"


def test_flags_given_as_none_do_not_count(layers: tuple[Path, Path]) -> None:
    review, user = layers
    settings = resolve(review_file=review, user_file=user, environ={}, flags={"title": None})
    assert settings.title == "Review title"


def test_api_keys_are_redacted_and_emails_masked_in_every_display(
    layers: tuple[Path, Path],
) -> None:
    review, user = layers
    settings = resolve(review_file=review, user_file=user, environ={})
    key = settings.setting("ncbi_api_key")
    assert key.display() == "****0001"
    assert settings.setting("contact_email").display() == "r***@example.org"
    shown = str(settings.as_dict())
    assert "user-ncbi-key-0001" not in shown
    assert "review@example.org" not in shown
    assert settings.scrub("GET ?api_key=user-ncbi-key-0001&email=review@example.org") == (
        "GET ?api_key=****0001&email=r***@example.org"
    )


@pytest.mark.parametrize(
    ("value", "secret", "personal", "shown"),
    [
        ("abcdefghijkl1234", True, False, "****1234"),
        ("short", True, False, "****"),
        ("", True, False, ""),
        ("someone@example.org", False, True, "s***@example.org"),
        ("plain value", False, False, "plain value"),
        (
            "https://lib:s3cret@proxy.example.org/",
            False,
            False,
            "https://lib:***@proxy.example.org/",
        ),
        ("https://user@proxy.example.org/", False, False, "https://user@proxy.example.org/"),
    ],
)
def test_redact(value: str, secret: bool, personal: bool, shown: str) -> None:
    assert redact(value, secret=secret, personal=personal) == shown


def test_invalid_email_in_review_file_names_the_file_and_key(tmp_path: Path) -> None:
    review = write(tmp_path / "cen-search.toml", 'contact_email = "not an address"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})
    assert str(review) in caught.value.message
    assert "contact_email" in caught.value.message


def test_invalid_flag_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        resolve(flags={"date_from": "last year"}, environ={}, user_file=Path("/nonexistent"))
    assert "--date-from" in caught.value.message
    assert caught.value.exit_code == 2


def test_invalid_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(environ={"CEN_SEARCH_DATE_TO": "31/12/2019"}, user_file=Path("/nonexistent"))
    assert "CEN_SEARCH_DATE_TO" in caught.value.message


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    review = write(tmp_path / "cen-search.toml", 'title = "ok"\ncontact_email = unquoted\n')
    with pytest.raises(ConfigError) as caught:
        resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})
    assert str(review) in caught.value.message
    assert "line 2" in caught.value.message
    assert caught.value.hint


def test_a_value_that_is_not_a_string_is_refused(tmp_path: Path) -> None:
    review = write(tmp_path / "cen-search.toml", "title = 42\n")
    with pytest.raises(ConfigError, match="title must be a string"):
        resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})


def test_toml_dates_are_accepted_as_iso_strings(tmp_path: Path) -> None:
    review = write(tmp_path / "cen-search.toml", "date_from = 2003-01-01\n")
    settings = resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})
    assert settings.date_from == "2003-01-01"


def test_unknown_keys_and_variables_warn_with_a_suggestion(tmp_path: Path) -> None:
    review = write(
        tmp_path / "cen-search.toml",
        'titel = "typo"\n[apis]\nncbi_key = "x"\n[dedupe]\npreprints = "merge"\n',
    )
    settings = resolve(
        review_file=review,
        user_file=tmp_path / "none.toml",
        environ={"CEN_SEARCH_EMAIL": "a@b.org", "CEN_SEARCH_SHARED": "/x"},
    )
    text = "\n".join(settings.warnings)
    assert "'titel'" in text
    assert "apis.'ncbi_key'" in text
    assert "CEN_SEARCH_EMAIL" in text and "CEN_SEARCH_CONTACT_EMAIL" in text
    assert "CEN_SEARCH_SHARED" not in text
    assert "dedupe" not in text


def test_api_key_in_the_shared_review_file_warns(tmp_path: Path) -> None:
    review = write(tmp_path / "cen-search.toml", '[apis]\nopenalex_api_key = "secret-1234567"\n')
    settings = resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})
    assert settings.openalex_api_key == "secret-1234567"
    assert any("openalex_api_key" in w and "shared" in w for w in settings.warnings)
    assert not any("secret-1234567" in w for w in settings.warnings)


def test_a_proxy_password_in_the_shared_review_file_warns_without_showing_it(
    tmp_path: Path,
) -> None:
    url = "https://lib:pw-SECRET-99@proxy.example.org/openalex/"
    review = write(tmp_path / "cen-search.toml", f'[apis]\nopenalex_url = "{url}"\n')
    settings = resolve(review_file=review, user_file=tmp_path / "none.toml", environ={})
    assert settings.setting("openalex_url").value == url
    assert any("openalex_url" in w and "shared" in w for w in settings.warnings)
    assert not any("pw-SECRET-99" in w for w in settings.warnings)
    plain = write(tmp_path / "plain.toml", '[apis]\nopenalex_url = "https://proxy.example.org/"\n')
    quiet = resolve(review_file=plain, user_file=tmp_path / "none.toml", environ={})
    assert not any("openalex_url" in w for w in quiet.warnings)


def test_tables_of_later_stages_merge_user_and_review(tmp_path: Path) -> None:
    user = write(tmp_path / "user.toml", '[dedupe]\npreprints = "merge"\nthreshold = 0.9\n')
    review = write(tmp_path / "cen-search.toml", '[dedupe]\npreprints = "separate"\n')
    settings = resolve(review_file=review, user_file=user, environ={})
    assert settings.table("dedupe") == {"preprints": "separate", "threshold": 0.9}
    assert settings.table("screening") == {}


def test_user_config_file_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    assert user_config_file({"CEN_SEARCH_CONFIG": str(target)}) == target
    assert user_config_file({}).name == "config.toml"
    write(target, 'contact_email = "me@example.org"\n')
    settings = resolve(environ={"CEN_SEARCH_CONFIG": str(target)})
    assert settings.setting("contact_email").source == "user"


def test_cache_dir_defaults_to_the_user_cache_folder() -> None:
    settings = resolve(environ={}, user_file=Path("/nonexistent"))
    assert settings.setting("cache_dir").source == "default"
    assert "cen-search" in str(settings.cache_dir)


@pytest.mark.parametrize(
    ("value", "partial", "ok"),
    [
        ("2019-12-31", False, True),
        ("2019-12", False, False),
        ("2019-12", True, True),
        ("2019", True, True),
        ("2019-02-30", False, False),
        ("2019-13", True, False),
        ("31/12/2019", True, False),
        ("", False, True),
    ],
)
def test_check_date(value: str, partial: bool, ok: bool) -> None:
    if ok:
        assert check_date(value, partial=partial) == value
    else:
        with pytest.raises(ValueError):
            check_date(value, partial=partial)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("a@b.org", True), (" me@example.org ", True), ("me@", False), ("me at b.org", False)],
)
def test_check_email(value: str, ok: bool) -> None:
    if ok:
        assert check_email(value) == value.strip()
    else:
        with pytest.raises(ValueError):
            check_email(value)


def test_review_template_parses_back_to_the_values_given() -> None:
    title = 'Quotes " backslash \\ tab\t and ünïcödé \x7f'
    text = render_review_toml(
        title=title, contact_email="me@example.org", date_from="2003", date_to="2019-12-31"
    )
    data = tomllib.loads(text)
    assert data["title"] == title
    assert data["contact_email"] == "me@example.org"
    assert (data["date_from"], data["date_to"]) == ("2003", "2019-12-31")
    assert data["apis"] == {}


def test_review_template_is_commented_and_names_every_key() -> None:
    text = render_review_toml(title="T")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) >= 10
    for key in KEYS:
        if key.name != "cache_dir":
            assert key.name in text
    assert "CEN_SEARCH_NCBI_API_KEY" in text


def test_reviewer_comes_from_the_environment_without_an_unknown_variable_warning(
    tmp_path: Path,
) -> None:
    settings = resolve(user_file=tmp_path / "none.toml", environ={"CEN_SEARCH_REVIEWER": "BLT"})
    assert settings.reviewer == "BLT"
    assert not settings.warnings
