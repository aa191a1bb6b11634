"""Screening: title/abstract and full-text decisions, kept in append-only logs per reviewer,
folded into each record's state (see :mod:`cen_search.screening.model`)."""
