"""The review workspace: one folder that holds a review's searches, decisions and logs.

``core`` is the folder itself (paths, settings, lock, log, imports); ``manifest`` the import
manifest and raw-copy naming; ``status`` what ``cen-search status`` reports, built from the
sections each stage contributes. Import from here: ``from cen_search.workspace import Workspace``.
"""

from cen_search.workspace.core import CONFIG_NAME, ImportOutcome, Workspace
from cen_search.workspace.manifest import ImportEntry, Problem, slug
from cen_search.workspace.status import DEDUPE_EVENT, DatabaseSummary, Status

__all__ = [
    "CONFIG_NAME",
    "DEDUPE_EVENT",
    "DatabaseSummary",
    "ImportEntry",
    "ImportOutcome",
    "Problem",
    "Status",
    "Workspace",
    "slug",
]
