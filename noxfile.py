"""Development sessions: ``nox -s tests``, ``lint``, ``mypy``, ``docs``, ``bench``, ``generate``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "mypy", "docs"]
nox.options.default_venv_backend = "venv"

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
DOCS_BUILD = ("python", "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "html")
"""The docs build: warnings are errors (``-W``), every reference is checked (``-n``).

``.ci/run`` runs the same command.
"""


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
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html: warnings are errors, every reference is checked."""
    session.install("-e", ".[docs]")
    session.run(*DOCS_BUILD, "docs", "docs/_build/html", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks against raw httpx and print the ratios."""
    session.install("-e", ".")
    session.run("python", "benchmarks/bench_request.py", *session.posargs)
    session.run("python", "benchmarks/bench_import.py", *session.posargs)
    session.run("python", "benchmarks/bench_sync.py", *session.posargs)
    session.run("python", "benchmarks/bench_ratelimit.py", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate the sync facade (``ideogram_async/_sync.py``) from the async source."""
    session.install("ruff")
    session.run("python", "scripts/generate_sync.py", *session.posargs)
