"""The API reference, written from the package itself when the site is built.

In a page, the line ``<!-- ideogram-api: client -->`` becomes ``AsyncIdeogram`` and every
operation group reached through its cached properties (``client.v3``, ``client.models``, and
any group added later), each under its ``client.<name>`` heading; ``<!-- ideogram-api: names
-->`` becomes every other name of ``ideogram_async.__all__``, sorted into exceptions, results,
enums and the rest. Nothing is listed by hand, so a new group or export is in the reference
without editing a page. The autodoc directives go in ``{eval-rst}`` fences, since autodoc's
output is reStructuredText.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
import sys
from collections.abc import Iterator
from typing import Any

import attrs
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer

import ideogram_async as ia


def _groups(owner: type, instance: object, path: str) -> Iterator[tuple[str, type]]:
    """``(client.<path>, class)`` for each group under ``owner``, depth first."""
    for name, attr in vars(owner).items():
        if isinstance(attr, functools.cached_property) and not name.startswith("_"):
            group = getattr(instance, name)
            yield f"{path}.{name}", type(group)
            yield from _groups(type(group), group, f"{path}.{name}")


def _rst(*lines: str) -> str:
    """An ``{eval-rst}`` fence around autodoc directives."""
    return "```{eval-rst}\n" + "\n".join(lines) + "\n```\n"


def _cached_property_names(cls: type) -> list[str]:
    return [n for n, a in vars(cls).items() if isinstance(a, functools.cached_property)]


def _autoclass(target: str, *options: str) -> str:
    excluded = _cached_property_names(_resolve(target))
    if excluded:
        options = (*options, ":exclude-members: " + ", ".join(excluded))
    return _rst(f".. autoclass:: {target}", *(f"   {option}" for option in options))


def _resolve(target: str) -> type:
    module, _, name = target.rpartition(".")
    obj: type = getattr(__import__(module, fromlist=[name]), name)
    return obj


def _client_lines() -> str:
    client = ia.AsyncIdeogram(api_key="docs-build", base_url="http://docs.invalid")
    parts = [_autoclass("ideogram_async.AsyncIdeogram", ":members:")]
    for path, cls in _groups(ia.AsyncIdeogram, client, "client"):
        parts.append(f"### `{path}`\n")
        parts.append(_autoclass(f"{cls.__module__}.{cls.__qualname__}", ":members:"))
    return "\n".join(parts)


def _kind(obj: Any) -> str:
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return "Exceptions"
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        return "Enums"
    if inspect.isclass(obj) and attrs.has(obj):
        return "Results and values"
    if inspect.isclass(obj):
        return "Classes"
    if inspect.isfunction(obj):
        return "Functions"
    return "Types and constants"


_ORDER = [
    "Exceptions",
    "Results and values",
    "Enums",
    "Classes",
    "Functions",
    "Types and constants",
]
_OPTIONS = {
    "Exceptions": (":show-inheritance:",),
    "Enums": (":members:", ":undoc-members:"),
    "Results and values": (":members:",),
    "Classes": (":members:",),
}


def _attribute_doc(name: str) -> list[str]:
    """The docstring under ``name = ...`` in the private module that defines it, indented.

    autodoc cannot find it through the re-export in ``__init__.py`` and would show the docstring
    of the value's type instead (``httpx.Timeout``'s, for ``DEFAULT_TIMEOUT``).
    """
    for module in sorted(m for m in sys.modules if m.startswith("ideogram_async._")):
        docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", name) in docs:
            return [f"   {line}" for line in docs[("", name)]]
    return []


def _names_lines() -> str:
    sections: dict[str, list[str]] = {kind: [] for kind in _ORDER}
    for name in sorted(ia.__all__):
        if name not in ("AsyncIdeogram", "__version__"):
            sections[_kind(getattr(ia, name))].append(name)
    parts: list[str] = []
    for kind, names in sections.items():
        if not names:
            continue
        parts.append(f"### {kind}\n")
        for name in names:
            target = f"ideogram_async.{name}"
            if kind == "Types and constants":
                parts.append(_rst(f".. py:data:: {target}", "", *_attribute_doc(name)))
            elif kind == "Functions":
                parts.append(_rst(f".. autofunction:: {target}"))
            else:
                parts.append(_autoclass(target, *_OPTIONS[kind]))
    return "\n".join(parts)


_MARKER = re.compile(r"^<!-- ideogram-api: (\w+) -->$", re.M)
_WHAT = {"client": _client_lines, "names": _names_lines}


def _expand(app: Sphinx, docname: str, source: list[str]) -> None:
    def replace(match: re.Match[str]) -> str:
        what = match.group(1)
        if what not in _WHAT:
            raise ValueError(f"{docname}: ideogram-api takes 'client' or 'names', not {what!r}")
        return _WHAT[what]()

    source[0] = _MARKER.sub(replace, source[0])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", _expand)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
