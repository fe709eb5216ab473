"""Each string enum's ``Literal`` matches it exactly, and signatures offer both."""

from __future__ import annotations

import enum
import inspect
import typing

import pytest

import ideogram_async as ia
from ideogram_async import _enums

from .test_docstrings import public_methods

pytestmark = pytest.mark.anyio

PAIRS = [
    (getattr(_enums, name.removesuffix("Value")), getattr(_enums, name))
    for name in _enums.__all__
    if name.endswith("Value")
]


def test_every_parameter_enum_has_a_literal() -> None:
    """Every enum a public method takes has a ``<Enum>Value`` Literal beside it."""
    taken = {
        cls.__name__
        for _, method in public_methods()
        for parameter in inspect.signature(method).parameters.values()
        for cls in vars(_enums).values()
        if inspect.isclass(cls)
        and issubclass(cls, enum.Enum)
        and cls.__name__ in str(parameter.annotation).replace("Value", " ").split()
    }
    assert len(taken) >= 12
    assert taken <= {cls.__name__ for cls, _ in PAIRS}


@pytest.mark.parametrize(("enum_cls", "literal"), PAIRS, ids=[cls.__name__ for cls, _ in PAIRS])
def test_literal_lists_exactly_the_enum_values(enum_cls: type[enum.Enum], literal: object) -> None:
    """The Literal's values are the enum's values, in order, no more and no fewer."""
    assert typing.get_args(literal) == tuple(member.value for member in enum_cls)


def test_signatures_take_the_enum_or_its_literal_not_any_string() -> None:
    """No public parameter typed with an enum also accepts a bare ``str``."""
    loose = [
        f"{owner}.{name}({parameter.name})"
        for owner, method in public_methods()
        for name in [method.__name__]
        for parameter in inspect.signature(method).parameters.values()
        if any(f"{cls.__name__} | str" in str(parameter.annotation) for cls, _ in PAIRS)
    ]
    assert loose == []


def test_literals_are_exported() -> None:
    """Users can annotate their own variables with the same Literals."""
    for _, literal in PAIRS:
        name = next(n for n in _enums.__all__ if getattr(_enums, n) is literal)
        assert getattr(ia, name) is literal
