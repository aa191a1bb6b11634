"""Shared fixtures.

``../shared`` (beside the repository) holds the real export files, labelled dedupe sets and
recorded API responses that many tests read. A user's clone does not have it: tests that need it
use the ``shared`` fixture, which skips them with a reason when it is absent. Set
``CEN_SEARCH_SHARED`` to point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"


def shared_dir() -> Path | None:
    configured = os.environ.get("CEN_SEARCH_SHARED")
    path = Path(configured) if configured else REPO.parent / "shared"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only reference folder ``../shared``; skips the test when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared reference data is not present (only in the development checkout)")
    return path


@pytest.fixture(scope="session")
def imports_dir(shared: Path) -> Path:
    """``../shared/data/imports``: real export files with their quirks."""
    return shared / "data" / "imports"
