"""Development sessions: ``nox -s tests``, ``lint``, ``mypy``, ``bench`` and ``generate``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "mypy"]
nox.options.default_venv_backend = "venv"

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite on asyncio and trio."""
    session.install("-e", ".[tests]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and lint with ruff."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def mypy(session: nox.Session) -> None:
    """Type-check the package, its tests and scripts with mypy --strict."""
    session.install("-e", ".[tests,lint]")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks against raw httpx and print the ratios."""
    session.install("-e", ".")
    session.run("python", "benchmarks/bench_request.py", *session.posargs)
    session.run("python", "benchmarks/bench_import.py", *session.posargs)
    session.run("python", "benchmarks/bench_sync.py", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate the sync facade (``ideogram_async/_sync.py``) from the async source."""
    session.install("ruff")
    session.run("python", "scripts/generate_sync.py", *session.posargs)
