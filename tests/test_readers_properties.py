"""Property-based tests of every reader (hypothesis): any bytes give records or a clear error.

For arbitrary bytes, arbitrary text, real exports damaged by random mutations and lines of
real exports shuffled together, read with every format forced and with detection, the read
(:func:`benchmarks.reliability._reader_inputs.check`) must end in records or in a
``CenSearchError`` that names the file: never a traceback, never a hang (10 s per read),
never fewer records than the text shows record starts without a word about it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.reliability._reader_inputs import MUTATIONS, check, formats, mutate, seed_bytes

FORMATS = [*formats(), None]
SEEDS = [(fmt, data) for fmt, files in seed_bytes().items() for data in files]
LINES = sorted({line for _, data in SEEDS for line in data.split(b"\n")})
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_ok(data: bytes, fmt: str | None) -> None:
    outcome = check(data, fmt)
    assert outcome.ok, (fmt, outcome.kind, outcome.detail)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f or "detected")
@SETTINGS
@given(data=st.binary(max_size=4000))
def test_every_reader_survives_arbitrary_bytes(fmt: str | None, data: bytes) -> None:
    _assert_ok(data, fmt)


@SETTINGS
@given(text=st.text(max_size=3000), fmt=st.sampled_from(FORMATS))
def test_every_reader_survives_arbitrary_text(text: str, fmt: str | None) -> None:
    _assert_ok(text.encode("utf-8", "surrogatepass"), fmt)


@SETTINGS
@given(
    seed=st.sampled_from(SEEDS),
    steps=st.lists(
        st.tuples(st.integers(0, len(MUTATIONS) - 1), st.integers(0, 1 << 20), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
    detect=st.booleans(),
)
def test_mutated_real_exports_give_records_or_a_clear_error(
    seed: tuple[str, bytes], steps: list[tuple[int, int, int]], detect: bool
) -> None:
    fmt, data = seed
    _assert_ok(mutate(data, steps), None if detect else fmt)


@SETTINGS
@given(lines=st.lists(st.sampled_from(LINES), max_size=60), fmt=st.sampled_from(FORMATS))
def test_lines_of_real_exports_shuffled_together_give_records_or_a_clear_error(
    lines: list[bytes], fmt: str | None
) -> None:
    _assert_ok(b"\n".join(lines), fmt)


def test_every_seed_export_reads_cleanly() -> None:
    for fmt, data in SEEDS:
        outcome = check(data, fmt)
        assert outcome.kind == "records", (fmt, outcome.detail)
