"""The review's screening settings: the ``[screening]`` table of ``cen-search.toml``.

::

    [screening]
    reasons = ["wrong population", "wrong setting", "not qualitative", "not in English"]
    ta_reviewers = 1          # independent votes a record needs at title/abstract
    ft_reviewers = 1          # ... and at full text
    reason_policy = "conflict"   # or "hierarchy": the earliest reason in `reasons` wins
    other_lane_ta = true      # screen records found by other methods at title/abstract too
    include_terms = ["qualitative", "clinician*", "personality disorder"]
    exclude_terms = ["child*", "forensic"]

``reasons`` is ordered: PRISMA counts one primary reason per excluded report, and the order
is the hierarchy a ``hierarchy`` policy uses (Covidence raises a conflict when two reviewers
exclude a full text for different reasons; some reviews prefer a fixed order instead).
Every value is checked here, once, with a message naming the setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cen_search.errors import ConfigError, UsageError

REASON_POLICIES = ("conflict", "hierarchy")


@dataclass(frozen=True, slots=True)
class ScreeningConfig:
    """Checked ``[screening]`` settings (defaults: single screening, no reasons listed)."""

    reasons: tuple[str, ...] = ()
    """Exclusion reasons, in the review's order (the first is the most important)."""
    ta_reviewers: int = 1
    """Independent votes each report needs at title/abstract before it is decided."""
    ft_reviewers: int = 1
    reason_policy: str = "conflict"
    """``conflict``: full-text excludes with different primary reasons are a conflict;
    ``hierarchy``: the reason earliest in :attr:`reasons` is taken."""
    other_lane_ta: bool = True
    """False: reports found only by other methods (citations, websites ...) skip the
    title/abstract stage and go straight to retrieval, as PRISMA's other lane draws it."""
    include_terms: tuple[str, ...] = ()
    """Words highlighted in green while screening (``*`` at the end: any ending)."""
    exclude_terms: tuple[str, ...] = ()

    def reviewers_needed(self, stage: str) -> int:
        return self.ta_reviewers if stage == "ta" else self.ft_reviewers

    def reason_rank(self, reason: str) -> tuple[int, str]:
        """Sort key: configured reasons in their order, then any other reason by name."""
        folded = reason.casefold()
        for position, known in enumerate(self.reasons):
            if known.casefold() == folded:
                return position, ""
        return len(self.reasons), folded

    def canonical_reason(self, given: str) -> str | None:
        """The configured reason ``given`` names: its text (any case), or its number in the
        list (1-based); None when it names none."""
        text = given.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.reasons):
            return self.reasons[int(text) - 1]
        for known in self.reasons:
            if known.casefold() == text.casefold():
                return known
        return None


def _strings(table: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"[screening] {name} must be a list of strings",
            hint=f'e.g. {name} = ["first", "second"] in cen-search.toml',
        )
    out: list[str] = []
    seen: set[str] = set()
    for item in value:
        text = " ".join(item.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)


def _count(table: Mapping[str, Any], name: str) -> int:
    value = table.get(name, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ConfigError(
            f"[screening] {name} must be a whole number from 1 to 5 (got {value!r})",
            hint=f"{name} = 2 for dual screening",
        )
    return value


def screening_config(table: Mapping[str, Any]) -> ScreeningConfig:
    """Check the ``[screening]`` table (a :class:`ConfigError` naming the bad setting)."""
    policy = table.get("reason_policy", "conflict")
    if policy not in REASON_POLICIES:
        raise ConfigError(
            f"[screening] reason_policy must be one of {', '.join(REASON_POLICIES)} "
            f"(got {policy!r})",
            hint='reason_policy = "conflict" (as Covidence) or "hierarchy"',
        )
    other = table.get("other_lane_ta", True)
    if not isinstance(other, bool):
        raise ConfigError("[screening] other_lane_ta must be true or false")
    reasons = _strings(table, "reasons")
    for reason in reasons:
        if reason.isdigit():
            raise ConfigError(
                f"[screening] reasons: {reason!r} is a number; numbers choose a reason by "
                "its position",
                hint="give each reason a name",
            )
    return ScreeningConfig(
        reasons=reasons,
        ta_reviewers=_count(table, "ta_reviewers"),
        ft_reviewers=_count(table, "ft_reviewers"),
        reason_policy=policy,
        other_lane_ta=other,
        include_terms=_strings(table, "include_terms"),
        exclude_terms=_strings(table, "exclude_terms"),
    )


def check_reasons(
    config: ScreeningConfig,
    *,
    stage: str,
    decision: str,
    reasons: Sequence[str],
    strict: bool = True,
) -> tuple[str, ...]:
    """The reasons of one decision in their configured spelling, primary first.

    Reasons go with an exclusion only; a full-text exclusion needs one (PRISMA counts
    excluded reports by reason). With ``strict`` every reason must be in the review's list
    (typed or numbered); without it (decisions imported from another tool) unknown reasons
    are kept as written.
    """
    given = [" ".join(r.split()) for r in reasons if r.strip()]
    if given and decision != "exclude":
        raise UsageError(
            f"reasons go with an exclusion, not with {decision!r}",
            hint="leave the reason out, or record an exclusion",
        )
    out: list[str] = []
    for reason in given:
        known = config.canonical_reason(reason)
        if known is None:
            if strict:
                listed = "; ".join(f"{i}. {r}" for i, r in enumerate(config.reasons, 1))
                raise UsageError(
                    f"{reason!r} is not one of the review's exclusion reasons"
                    + (f" ({listed})" if listed else " (none are listed yet)"),
                    hint="give a listed reason (its text or number), or add it to "
                    "[screening] reasons in cen-search.toml",
                )
            known = reason
        if known.casefold() not in {r.casefold() for r in out}:
            out.append(known)
    if stage == "ft" and decision == "exclude" and not out:
        hint = (
            "give --reason (its text or number in [screening] reasons)"
            if config.reasons
            else "list the review's reasons first: [screening] reasons = [...] in cen-search.toml"
        )
        raise UsageError("a full-text exclusion needs a reason (PRISMA counts them)", hint=hint)
    return tuple(out)


def term_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``terms`` as whole words (``child*``:
    any word starting ``child``); None for no terms."""
    parts = []
    for term in terms:
        words = term.strip()
        if not words:
            continue
        star = words.endswith("*")
        body = re.escape(words.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(rf"\b{body}\w*" if star else rf"\b{body}\b")
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)
