"""Living-review updates: named rounds, re-run searches, what is new, and the round's digest.

An update is a round of the review (``rounds.jsonl``; the first search is round ``base``):

* :mod:`.window` starts one and fixes its window (from the last search, minus an overlap, to
  the day the searches run, on entry dates);
* :mod:`.sources` lists what has to be searched again and where each source stands;
  :mod:`.targets` says which run on an open API and :mod:`.exports` what to export by hand;
* :mod:`.run` runs the round (strategies, deduplication against every earlier round, tracing
  of newly included studies), resumably; :mod:`.limits` opens publication-date limits that
  would hide new records;
* :mod:`.changes` folds what the round brought (new records, duplicates of earlier rounds,
  news about known studies); :mod:`.digest` writes it up; :mod:`.status` reports it;
* :mod:`.store` is the update log (``update/log.jsonl``), the round folders and the lock.
"""
