"""PRISMA 2020: flow counts computed from the review, their identities checked, the flow
diagram (SVG, PNG, DOT), the PRISMA2020 R package's CSV, JSON, a Markdown counts table, the
methods sentences of items 6-8, and the PRISMA-S search table.

- :mod:`.model` the values (lanes, included row, identity checks, pending work);
- :mod:`.counts` each box from the decision that defines it; :mod:`.identities` the checks;
  :mod:`.notes` the footnotes; :mod:`.source` the screening fold (or identification only);
- :mod:`.review` a workspace's flow and methods sentences (:mod:`.methods`);
- :mod:`.boxes`, :mod:`.layout`, :mod:`.dot`, :mod:`.render`, :mod:`.picture`, :mod:`.png`
  the diagram; :mod:`.rcsv`, :mod:`.summary`, :mod:`.outputs` the other formats;
- :mod:`.search_table` the PRISMA-S table; :mod:`.status` the ``cen-search status`` section.
"""
