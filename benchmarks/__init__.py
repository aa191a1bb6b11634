"""Runnable benchmarks: ``python -m benchmarks <name> [options]`` (see ``__main__``)."""
