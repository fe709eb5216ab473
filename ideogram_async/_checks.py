"""Checks shared by the request models: each failure names the parameter and what it accepts."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, NoReturn

import attrs

from ._exceptions import IdeogramValidationError

__all__ = ["enum_check", "fail", "wire_value"]


def fail(param: str, value: object, allowed: str) -> NoReturn:
    """Raise the validation error for ``param``."""
    raise IdeogramValidationError(param, value, allowed)


def wire_value(value: Any) -> Any:
    """An enum member's wire value; anything else as it is."""
    return value.value if isinstance(value, enum.Enum) else value


def enum_check(
    cls: type[enum.Enum], *, required: bool = False, param: str | None = None
) -> Callable[..., None]:
    """An attrs validator: the value is one of ``cls``'s values, as a member or a plain string."""
    allowed = "one of " + ", ".join(str(member.value) for member in cls)

    def check(_: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or wire_value(value) not in cls._value2member_map_:
            fail(param or attr.name, value, allowed)

    return check
