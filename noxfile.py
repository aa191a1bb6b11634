"""Development sessions: ``nox -s tests``, ``nox -s lint``, ``nox -s bench``, ``nox -s reliability``,
``nox -s fuzz``."""

import nox

nox.options.sessions = ["tests", "lint"]


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "cen_search", "tests", "benchmarks")
    session.run("ruff", "format", "--check", "cen_search", "tests", "benchmarks")
    session.run("mypy")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python="3.11")
def reliability(session: nox.Session) -> None:
    """The reliability report: readers fuzzed, kills at many points, faults injected."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks", "reliability", *session.posargs)


@nox.session(python="3.11")
def fuzz(session: nox.Session) -> None:
    """Coverage-guided fuzzing of every reader (atheris); default 5 minutes.

    ``nox -s fuzz -- -max_total_time=3600`` runs longer. An input that ends in a traceback,
    a hang or a silently short read is kept in tests/data/fuzz (read by the test suite from
    then on) and the session fails.
    """
    session.install("-e", ".", "atheris")
    session.run("python", "tests/fuzz/fuzz_readers.py", "-timeout=30", *session.posargs)
