"""Every public method documents every parameter and what it raises.

The surface is found by walking ``AsyncIdeogram``: its public methods, then each operation group
(a ``functools.cached_property`` of the client, or of a group) and its public methods, so a group
or method added later is checked without this file changing.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import ideogram_async as ia

pytestmark = pytest.mark.anyio

# Methods that cannot fail in a way worth a ``Raises:`` section, each with the reason.
NO_RAISES = {
    "AsyncIdeogram.aclose": "closing the HTTP client raises nothing the caller can act on",
}
_SECTION = re.compile(
    r"^(\s*)(Args|Arguments|Returns|Yields|Raises|Attributes|Example|Examples|Note):\s*$"
)
_ENTRY = re.compile(r"^(\s*)(\*{0,2}\w+)(\s*\([^)]*\))?:(\s|$)")


def _groups(owner: type, instance: object, prefix: str) -> Iterator[tuple[str, type, object]]:
    """``owner`` and the groups reached through its cached properties, depth first."""
    yield prefix, owner, instance
    for name, attr in vars(owner).items():
        if isinstance(attr, functools.cached_property) and not name.startswith("_"):
            group = getattr(instance, name)
            yield from _groups(type(group), group, f"{prefix}.{name}")


def public_methods() -> list[tuple[str, Callable[..., Any]]]:
    """``(owner, function)`` for the client's constructor and every public method it reaches."""
    client = ia.AsyncIdeogram(api_key="docstring-check", base_url="http://docs.invalid")
    found: list[tuple[str, Callable[..., Any]]] = [("AsyncIdeogram", ia.AsyncIdeogram)]
    for prefix, owner, _ in _groups(ia.AsyncIdeogram, client, "AsyncIdeogram"):
        for name, attr in inspect.getmembers(owner):
            if name.startswith("_") or not inspect.isfunction(attr):
                continue
            found.append((prefix, attr))
    return found


def sections(doc: str) -> dict[str, list[str]]:
    """The entry names of each Google-style section (``Args``, ``Raises``, ...) of a docstring."""
    result: dict[str, list[str]] = {}
    current: str | None = None
    indent = 0
    entry_indent: int | None = None
    for line in inspect.cleandoc(doc).splitlines():
        heading = _SECTION.match(line)
        if heading:
            current, indent, entry_indent = heading.group(2), len(heading.group(1)), None
            result.setdefault(current, [])
            continue
        if current is None or not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth <= indent:
            current = None
            continue
        if entry_indent is None:
            entry_indent = depth
        entry = _ENTRY.match(line)
        if entry and depth == entry_indent:
            result[current].append(entry.group(2) + (entry.group(3) or ""))
    return result


def documented_parameters(func: Callable[..., Any]) -> list[str]:
    """The parameters a caller passes by name: not ``self`` and not ``*args``/``**options``."""
    target = func.__init__ if inspect.isclass(func) else func
    return [
        name
        for name, parameter in inspect.signature(target).parameters.items()
        if name != "self"
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]


def variadic_parameters(func: Callable[..., Any]) -> list[str]:
    """``*args`` and ``**options`` as an ``Args:`` entry spells them."""
    target = func.__init__ if inspect.isclass(func) else func
    stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [
        stars[parameter.kind] + name
        for name, parameter in inspect.signature(target).parameters.items()
        if parameter.kind in stars
    ]


METHODS = public_methods()
IDS = [f"{owner}.{func.__name__}" if owner != func.__name__ else owner for owner, func in METHODS]


def test_the_walk_reaches_every_group() -> None:
    """The walk finds the client's own methods and each operation group's."""
    assert {"AsyncIdeogram.v3.generate", "AsyncIdeogram.models.list"} <= set(IDS)
    assert {"AsyncIdeogram.download", "AsyncIdeogram.legacy.describe"} <= set(IDS)
    assert len(IDS) >= 25


@pytest.mark.parametrize(("owner", "func"), METHODS, ids=IDS)
def test_args_name_every_parameter(owner: str, func: Callable[..., Any]) -> None:
    """``Args:`` names each parameter exactly once, and nothing that is not one."""
    doc = inspect.getdoc(func) or ""
    assert doc.strip(), "no docstring"
    args = [entry.split("(")[0].strip() for entry in sections(doc).get("Args", [])]
    expected = documented_parameters(func)
    missing = [name for name in expected if name not in args]
    # ``**options`` may be documented too (it is the same ``RequestOptions`` everywhere).
    unknown = [name for name in args if name not in expected + variadic_parameters(func)]
    assert (missing, unknown) == ([], []), (
        f"missing from Args: {missing}; not parameters: {unknown}"
    )
    assert len(args) == len(set(args)), "a parameter is documented twice"


@pytest.mark.parametrize(("owner", "func"), METHODS, ids=IDS)
def test_args_do_not_repeat_the_types(owner: str, func: Callable[..., Any]) -> None:
    """An ``Args:`` entry is ``name: meaning``; the reference renders the type from the hints."""
    doc = inspect.getdoc(func) or ""
    typed = [entry for entry in sections(doc).get("Args", []) if "(" in entry]
    assert typed == []


@pytest.mark.parametrize(("owner", "func"), METHODS, ids=IDS)
def test_coroutines_say_what_they_raise(owner: str, func: Callable[..., Any]) -> None:
    """Every public coroutine has a ``Raises:`` section naming exceptions a caller can import."""
    name = IDS[METHODS.index((owner, func))]
    if not (inspect.iscoroutinefunction(func) or inspect.isclass(func)) or name in NO_RAISES:
        return
    raised = sections(inspect.getdoc(func) or "").get("Raises", [])
    assert raised, "no Raises: section"
    exceptions = [getattr(ia, exc, getattr(builtins, exc, None)) for exc in raised]
    unknown = [
        name
        for name, exc in zip(raised, exceptions, strict=True)
        if not (isinstance(exc, type) and issubclass(exc, BaseException))
    ]
    assert unknown == [], "not an exception exported by ideogram_async or a builtin"


def test_the_section_parser_reads_google_style() -> None:
    """The parser finds entries at the section's first indent and ignores continuation lines."""
    doc = """Summary.

    Args:
        prompt: What to draw,
            over two lines: not an entry.
        seed (int): Typed.

    Raises:
        NotFoundError: No such thing.
    """
    assert sections(doc) == {"Args": ["prompt", "seed (int)"], "Raises": ["NotFoundError"]}
