"""Sphinx configuration: the guide in ``docs/*.md`` and the API reference from the docstrings.

Why Sphinx + MyST + furo rather than MkDocs-Material + mkdocstrings: the pages are already
Markdown that MyST reads as it is; autodoc with napoleon renders the Google-style ``Args:`` /
``Raises:`` sections the docstrings use (a test keeps them complete); and it is the tool family
of the projects this SDK learns from (attrs, cattrs, anyio), so readers meet a familiar site.

Build it with ``nox -s docs`` (warnings are errors, references are checked) or by hand::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

The build is offline: there is no intersphinx, so references to other projects' objects
(httpx, anyio, the standard library) are listed in ``nitpick_ignore_regex`` below instead of
being fetched.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sphinx.application import Sphinx

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import ideogram_async  # noqa: E402

project = "ideogram-async"
author = "ideogram-async developers"
copyright = "ideogram-async developers"
release = ideogram_async.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "ideogram_api",
]

# Every Markdown page in docs/ is a page of the site. The sidebar's order is the order of the
# pages table in index.md (see ``_toctree_from_table``): a page added to that table is in the
# site, and a page missing from it fails the build ("document isn't included in any toctree").
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"ideogram-async {release}"

# The docstrings are Google style; napoleon turns their sections into fields.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_preprocess_types = True

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
# Offline build: references into other projects cannot be resolved, so they are not checked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(httpx|anyio|attrs|cattrs|typing_extensions|ssl|os|io|datetime|enum)\..*"),
    (r"py:.*", r"(collections\.abc|typing|types|pathlib|decimal|contextlib)\..*"),
    (r"py:class", r".*\[.*"),  # a subscripted generic, ``Mapping[str, Any]``
    (r"py:class", r".*\._[A-Z]\w*"),  # a private TypeVar (``_T``): it has no page of its own
    # What signatures name from other projects and the standard library, unqualified.
    (r"py:class", r"(Unpack|Path|IO|Any|Mapping|Sequence|Callable|Awaitable|AsyncIterator)"),
    (r"py:class", r"(Iterator|Iterable|Decimal|TracebackType|datetime|PathLike)"),
    (r"py:class", r"(Timeout|URL|Response|Request|AsyncClient|AsyncBaseTransport)"),
    (r"py:class", r"dt\.datetime"),
    # Private helpers a public signature names (a TypeVar, a protocol of the batch engine's
    # seam, a manifest record): they have no page of their own.
    (r"py:class", r"ideogram_async\._[a-z_.]+\.\w+"),
]


def _v2_type_aliases() -> list[tuple[str, str]]:
    """The v2 methods' per-model ``Literal`` aliases: their values are in each signature."""
    from ideogram_async._v2 import _generated

    return [
        ("py:class", re.escape(name))
        for name, value in vars(_generated).items()
        if name[:1].isupper() and not isinstance(value, type)
    ]


nitpick_ignore_regex += _v2_type_aliases()


_TABLE_LINK = re.compile(r"^\|\s*\[[^\]]*\]\(([\w./-]+)\.md\)")


def _toctree_from_table(app: Sphinx, docname: str, source: list[str]) -> None:
    """Give index.md a hidden toctree of the pages its table links, in the table's order."""
    if docname != root_doc:
        return
    pages = [m.group(1) for line in source[0].splitlines() if (m := _TABLE_LINK.match(line))]
    source[0] += "\n\n```{toctree}\n:hidden:\n\n" + "\n".join(pages) + "\n```\n"


def setup(app: Sphinx) -> None:
    app.connect("source-read", _toctree_from_table)
