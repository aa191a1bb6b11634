"""Deduplication of bibliographic records: normalise -> block -> score -> rules -> cluster -> merge.

Public API (the CLI and library users call only these):

* :func:`deduplicate` -- clusters of duplicate records, a ranked review queue, explanations;
* :func:`explain` -- the evidence and deciding rule for any two records;
* ``result.links`` -- records kept apart that belong together (:class:`Link`, see
  :mod:`cen_search.dedupe.links`), written by :mod:`cen_search.dedupe.link_report`;
* :func:`merge_cluster` -- one record per cluster, listing every member (see
  :mod:`cen_search.dedupe.merge` for where members are kept: a note and raw fields);
* values in :mod:`cen_search.dedupe.model`.
"""

from __future__ import annotations

from cen_search.dedupe.engine import deduplicate, explain
from cen_search.dedupe.merge import MEMBER_TAG, Member, members_of, merge_cluster
from cen_search.dedupe.model import (
    Cluster,
    DedupeOptions,
    DedupeResult,
    Link,
    PairDecision,
    PairVerdict,
    PreprintPolicy,
    Relation,
    Verdict,
)

__all__ = [
    "MEMBER_TAG",
    "Cluster",
    "DedupeOptions",
    "DedupeResult",
    "Link",
    "Member",
    "PairDecision",
    "PairVerdict",
    "PreprintPolicy",
    "Relation",
    "Verdict",
    "deduplicate",
    "explain",
    "members_of",
    "merge_cluster",
]
