"""Setting values in and out: the checks values must pass, and the review file ``init`` writes.

:func:`check_email` and :func:`check_date` validate and normalise one value (they raise
``ValueError`` with the reason; :mod:`cen_search.config` turns that into an error naming where
the value came from). :func:`checked_review_values` checks what ``cen-search init`` was given,
and :func:`render_review_toml` writes the commented ``cen-search.toml``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re

from cen_search.errors import UsageError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_email(value: str) -> str:
    """A plausible e-mail address, stripped; raises ``ValueError`` otherwise."""
    value = value.strip()
    if value and not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def check_date(value: str, *, partial: bool = False) -> str:
    """An ISO date ``YYYY-MM-DD`` (``partial`` also allows ``YYYY`` and ``YYYY-MM``), stripped;
    raises ``ValueError`` otherwise."""
    value = value.strip()
    if not value:
        return value
    shape = "YYYY-MM-DD" + (", YYYY-MM or YYYY" if partial else "")
    if not (_PARTIAL_DATE if partial else _DATE).fullmatch(value):
        raise ValueError(f"{value!r} is not a date in the form {shape}")
    try:
        _dt.date.fromisoformat((value + "-01-01")[:10])  # a year or a month: its first day
    except ValueError:
        raise ValueError(f"{value!r} is not a real date ({shape})") from None
    return value


def checked_review_values(contact_email: str, date_from: str, date_to: str) -> dict[str, str]:
    """Values given to ``cen-search init``, checked; a :class:`UsageError` names the bad one."""
    try:
        values = {
            "contact_email": check_email(contact_email),
            "date_from": check_date(date_from, partial=True),
            "date_to": check_date(date_to, partial=True),
        }
    except ValueError as exc:
        raise UsageError(
            str(exc), hint="e-mail as name@example.org; dates as YYYY-MM-DD, YYYY-MM or YYYY"
        ) from None
    if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
        raise UsageError(
            f"the date limits are reversed: from {date_from} is after to {date_to}",
            hint="swap --from and --to",
        )
    return values


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON escapes are valid TOML; DEL is escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


REVIEW_TEMPLATE = """\
# cen-search review settings.
# Plain text: keep it under version control together with the review folder.
#
# Every setting can also come from a command-line flag, a CEN_SEARCH_* environment variable
# or your user config file; the order is: flag > environment > this file > user config >
# default. `cen-search config show` says which one each value came from.

# Title of the review.
title = {title}

# Contact e-mail sent to bibliographic APIs (PubMed, OpenAlex, Crossref) so that they can
# reach you. Environment: CEN_SEARCH_CONTACT_EMAIL.
contact_email = {contact_email}

# Publication date limits of the searches: YYYY, YYYY-MM or YYYY-MM-DD; "" for no limit.
date_from = {date_from}
date_to = {date_to}

# Your name or initials, kept with every decision you record. Personal: set it in your user
# config file or CEN_SEARCH_REVIEWER rather than here (default: your login name).
# reviewer = ""

[apis]
# API keys are secrets: this file is shared with the review, so keep them in your user config
# file or in the environment variable named beside each.
{key_lines}
#
# Endpoints, if not the public ones (a mirror, an institutional proxy, a replay server);
# environment: CEN_SEARCH_<SERVICE>_URL.
{url_lines}

[trace]
# The included studies `cen-search trace` starts from when no seed option is given, until
# screening records them: a file in any format cen-search reads (RIS, BibTeX, CSV ...).
# seeds = "included.ris"
"""


def render_review_toml(
    *, title: str, contact_email: str = "", date_from: str = "", date_to: str = ""
) -> str:
    """The commented ``cen-search.toml`` written by ``cen-search init``."""
    from cen_search.apis.registry import services

    keyed = [s for s in services() if s.key_setting]
    return REVIEW_TEMPLATE.format(
        key_lines="\n".join(f'# {s.key_setting} = ""    ({s.key_env})' for s in keyed),
        url_lines="\n".join(f"# {s.url_setting} = {toml_string(s.base_url)}" for s in services()),
        title=toml_string(title),
        contact_email=toml_string(contact_email),
        date_from=toml_string(date_from),
        date_to=toml_string(date_to),
    )
