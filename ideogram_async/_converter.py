"""The SDK's one private cattrs converter: parameters to wire dicts, JSON to result models."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import typing
from typing import Any, TypeVar

import attrs
import cattrs
import httpx
from cattrs.gen import make_dict_unstructure_fn, override

from ._checks import wire_value
from ._models import ImageResolution
from ._palette import ColorPalette, ColorPaletteMember

__all__ = ["file_fields", "structure", "unstructure"]

_T = TypeVar("_T")
_FRACTION = re.compile(r"\.(\d+)")


def _datetime(value: Any, _: object) -> dt.datetime:
    """ISO 8601 (with ``Z`` and any number of fraction digits) or seconds since the epoch."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    if not isinstance(value, str):
        raise TypeError(f"expected a date-time, got {value!r}")
    text = value.strip()
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(text)  # Python 3.11+ reads any ISO 8601 form
    except ValueError:
        # Python 3.10 reads neither ``Z`` nor fractions other than 3 or 6 digits.
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
        parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _is_open_enum(tp: Any) -> bool:
    """``SomeEnum | str`` (possibly ``| None``): an enum that must keep values it does not know."""
    args = typing.get_args(tp)
    return (
        str in args
        and any(isinstance(a, type) and issubclass(a, enum.Enum) for a in args)
        and all(a in (str, type(None)) or issubclass(a, enum.Enum) for a in args)
    )


def _open_enum_hook(tp: Any) -> Any:
    enums = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, enum.Enum)]

    def structure(value: Any, _: object) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {value!r}")
        for cls in enums:
            member = cls._value2member_map_.get(value)
            if member is not None:
                return member
        return value

    return structure


@functools.cache
def _converter() -> cattrs.Converter:
    """Built at first use: importing the request models costs more than most imports need."""
    from ._params import Params

    conv = cattrs.Converter()
    conv.register_structure_hook(dt.datetime, _datetime)
    conv.register_structure_hook(ImageResolution, lambda v, _: ImageResolution(v))
    conv.register_structure_hook_factory(_is_open_enum, _open_enum_hook)
    # ``_client`` puts the ``httpx.Response`` into the parsed body under ``response``; a value of
    # any other type there (a field the API might add one day) is not one and is dropped.
    conv.register_structure_hook(
        httpx.Response, lambda v, _: v if isinstance(v, httpx.Response) else None
    )
    conv.register_unstructure_hook_factory(_is_open_enum, lambda _: wire_value)
    for cls in (ColorPaletteMember, ColorPalette):  # members first: the palette's hook uses theirs
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )

    def params_hook(cls: type[Params]) -> Any:
        # Files travel apart from the other fields (``_files``), so they are left out here.
        omitted: dict[str, Any] = {name: override(omit=True) for name in file_fields(cls)}
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **omitted)

    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, Params), params_hook
    )
    return conv


_file_fields: dict[type, dict[str, Any]] = {}


def file_fields(cls: type) -> dict[str, Any]:
    """The file fields of a parameters class, by name, with their ``FileSpec``."""
    found = _file_fields.get(cls)
    if found is None:
        found = {f.name: f.metadata["file"] for f in attrs.fields(cls) if "file" in f.metadata}
        _file_fields[cls] = found
    return found


def structure(data: Any, cls: type[_T]) -> _T:
    """``data`` (parsed JSON) as an instance of ``cls``."""
    return _converter().structure(data, cls)


def unstructure(obj: Any) -> Any:
    """``obj`` as plain data: dicts, lists and wire values."""
    return _converter().unstructure(obj)
