"""Colour palettes: a preset name or up to eight weighted colours."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Union

import attrs

from ._checks import enum_check, fail
from ._enums import ColorPalettePresetName, ColorPalettePresetNameValue

__all__ = ["ColorPalette", "ColorPaletteInput", "ColorPaletteMember", "to_palette"]

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def _colour_weight(_: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.05 <= value <= 1.0:
        fail(f"color_palette.members.{attr.name}", value, "a number from 0.05 to 1.0")


def _colour_hex(_: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value):
        fail(
            f"color_palette.members.{attr.name}", value, "a hex colour such as '#ff8800' or '#f80'"
        )


@attrs.frozen
class ColorPaletteMember:
    """One colour of a palette, with an optional weight from 0.05 to 1.0.

    Weights are best given from highest to lowest.
    """

    color_hex: str = attrs.field(validator=_colour_hex)
    color_weight: float | None = attrs.field(default=None, validator=_colour_weight)


def _to_member(value: Any) -> ColorPaletteMember:
    if isinstance(value, ColorPaletteMember):
        return value
    if isinstance(value, str):
        return ColorPaletteMember(value)
    if isinstance(value, Mapping) and "color_hex" in value:
        return ColorPaletteMember(value["color_hex"], value.get("color_weight"))
    fail(
        "color_palette.members",
        value,
        "ColorPaletteMember, a hex string, or a mapping with color_hex",
    )


def _to_members(value: Any) -> tuple[ColorPaletteMember, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        fail("color_palette.members", value, "a list of 1 to 8 colours")
    return tuple(_to_member(item) for item in value)


@attrs.frozen
class ColorPalette:
    """A colour palette: either a preset ``name`` or 1 to 8 ``members``, never both.

    >>> ColorPalette(name="PASTEL")
    >>> ColorPalette(members=["#b470b3", ColorPaletteMember("#7a79e3", 0.16)])

    Operations also take the shorthand of a preset name (``color_palette="PASTEL"``) or a
    mapping in the wire format.
    """

    name: ColorPalettePresetName | ColorPalettePresetNameValue | None = attrs.field(
        default=None, validator=enum_check(ColorPalettePresetName, param="color_palette.name")
    )
    members: tuple[ColorPaletteMember, ...] | None = attrs.field(
        default=None, converter=_to_members
    )

    def __attrs_post_init__(self) -> None:
        if (self.name is None) == (self.members is None):
            fail("color_palette", self, "either a preset name or members, not both and not neither")
        if self.members is not None and not 1 <= len(self.members) <= 8:
            fail("color_palette.members", f"{len(self.members)} colours", "1 to 8 colours")


ColorPaletteInput = Union[
    ColorPalette, ColorPalettePresetName, ColorPalettePresetNameValue, "Mapping[str, Any]"
]
"""A ``color_palette``: a ``ColorPalette``, a preset's name, or the wire format's mapping."""


def to_palette(value: Any) -> ColorPalette | None:
    """A palette from a ``ColorPalette``, a preset name, or a mapping in the wire format."""
    if value is None or isinstance(value, ColorPalette):
        return value
    if isinstance(value, str):
        return ColorPalette(name=value)  # type: ignore[arg-type]  # the validator checks it
    if isinstance(value, Mapping) and set(value) <= {"name", "members"}:
        return ColorPalette(name=value.get("name"), members=value.get("members"))
    fail(
        "color_palette",
        value,
        "a ColorPalette, a preset name, or {'name': ...} / {'members': [...]}",
    )
