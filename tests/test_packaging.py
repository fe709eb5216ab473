"""The package's metadata and its sdist hold what a user of the package index needs."""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
REPO = "https://github.com/ideogram-async/ideogram-async"
DOCS = "https://ideogram-async.readthedocs.io/"


def test_the_license_file_is_the_mit_licence_the_metadata_names() -> None:
    """LICENSE exists, is the MIT licence, and is the metadata's licence file."""
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_project_urls_name_the_docs_changelog_source_and_issues() -> None:
    """The index page links the docs, the changelog, the source and the issue tracker."""
    urls = PROJECT["urls"]
    assert set(urls) == {"Documentation", "Changelog", "Source", "Issues"}
    assert urls["Documentation"] == DOCS
    assert urls["Changelog"].startswith(DOCS)
    assert urls["Source"] == REPO
    assert urls["Issues"] == f"{REPO}/issues"


def test_readme_links_are_absolute() -> None:
    """README's links work on the package index page, where relative paths are dead."""
    links = re.findall(r"\]\(([^)]+)\)", (ROOT / "README.md").read_text("utf-8"))
    assert links
    assert [link for link in links if not link.startswith("https://")] == []


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The file names in the sdist hatchling builds from this checkout."""
    builders = pytest.importorskip("hatchling.builders.sdist")
    out = tmp_path_factory.mktemp("sdist")
    (path,) = builders.SdistBuilder(str(ROOT)).build(directory=str(out))
    with tarfile.open(path) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}


def test_the_sdist_ships_the_benchmark_scripts_with_their_readme(sdist: set[str]) -> None:
    """Every benchmark script the benchmarks README describes is in the sdist beside it."""
    assert "benchmarks/README.md" in sdist
    scripts = {p.relative_to(ROOT).as_posix() for p in (ROOT / "benchmarks").glob("*.py")}
    assert scripts
    assert scripts <= sdist


def test_the_sdist_holds_the_docs_licence_and_checks(sdist: set[str]) -> None:
    """LICENSE, README, CHANGELOG, the docs' sources and configuration, scripts/ and CI are in."""
    expected = {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "noxfile.py"}
    expected |= {"docs/conf.py", ".ci/run", ".readthedocs.yaml"}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "scripts").glob("*.py")}
    assert expected <= sdist
    assert not any(name.startswith("docs/_build/") for name in sdist)
