"""``python -m benchmarks.dedupe`` runs the deduplication benchmark."""

import sys

from benchmarks.dedupe.run import main

raise SystemExit(main(sys.argv[1:]))
