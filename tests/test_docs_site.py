"""The site's table of contents is index.md's pages table: every page is in it, once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio

DOCS = Path(__file__).resolve().parent.parent / "docs"
_TABLE_LINK = re.compile(r"^\|\s*\[[^\]]*\]\(([\w./-]+)\.md\)", re.M)


def table_pages() -> list[str]:
    """The pages index.md's table links, in its order (``docs/conf.py`` reads it the same way)."""
    return _TABLE_LINK.findall((DOCS / "index.md").read_text("utf-8"))


def test_every_page_is_in_the_index_table() -> None:
    """A page missing from the table would be missing from the site (and fail its build)."""
    pages = {path.stem for path in DOCS.glob("*.md")} - {"index"}
    assert sorted(pages - set(table_pages())) == []


def test_the_table_links_only_pages_that_exist_and_each_once() -> None:
    """No row links a page that is not there, and no page has two rows."""
    linked = table_pages()
    assert [page for page in linked if not (DOCS / f"{page}.md").is_file()] == []
    assert len(linked) == len(set(linked))


def test_the_site_reads_the_table_as_this_test_does() -> None:
    """docs/conf.py builds the toctree with the same pattern, so this test speaks for the build."""
    conf = (DOCS / "conf.py").read_text("utf-8")
    assert r'_TABLE_LINK = re.compile(r"^\|\s*\[[^\]]*\]\(([\w./-]+)\.md\)")' in conf
