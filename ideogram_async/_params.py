"""Request parameters: one frozen attrs class per operation, validated when it is built.

Building one of these is the SDK's first step for every call, so bad input fails here, before
anything is read, fetched or sent. Field names are the wire names. Image inputs are kept as the
caller gave them; ``_files`` reads and checks them next.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ._checks import enum_check, fail, wire_value
from ._enums import (
    AspectRatio,
    AspectRatioV3,
    DescribeModelVersion,
    MagicPromptOption,
    Model,
    RenderingSpeed,
    Resolution,
    ResolutionV3,
    StylePresetV3,
    StyleType,
    StyleTypeV3,
    UpscaleFactor,
)
from ._files import IMAGE_BYTES_LIMIT, FileSpec
from ._palette import to_palette

__all__ = ["IMAGE_BYTES_LIMIT", "MAX_SEED", "Params"]

MAX_SEED = 2_147_483_647


def _enum(cls: type[enum.Enum], *, required: bool = False) -> Any:
    check = enum_check(cls, required=required)
    return attrs.field(validator=check) if required else attrs.field(default=None, validator=check)


def _int(low: int, high: int) -> Any:
    def check(_: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            fail(attr.name, value, f"an integer from {low} to {high}")

    return attrs.field(default=None, validator=check)


def _seed() -> Any:
    return _int(0, MAX_SEED)


def _num_images() -> Any:
    return _int(1, 8)


def _text(*, required: bool = True, pattern: str | None = None, allowed: str = "") -> Any:
    regex = re.compile(pattern) if pattern else None

    def check(_: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or not value.strip():
            fail(attr.name, value, "a non-empty string")
        if regex is not None and not regex.fullmatch(value):
            fail(attr.name, value, allowed)

    return attrs.field(validator=check) if required else attrs.field(default=None, validator=check)


def _bool() -> Any:
    def check(_: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, bool):
            fail(attr.name, value, "True or False")

    return attrs.field(default=None, validator=check)


def _as_list(value: Any) -> Any:
    """A list or tuple becomes a list, and one item a list of one.

    A ``(filename, bytes[, content_type])`` tuple is one file, not a list of two or three.
    """
    if value is None or isinstance(value, list):
        return value
    if isinstance(value, tuple) and not _is_file_input(value):
        return list(value)
    return [value]


def _is_file_input(value: object) -> bool:
    if isinstance(value, (str, bytes, bytearray, memoryview, os.PathLike)):
        return True
    if isinstance(value, tuple):
        return (
            len(value) in (2, 3)
            and isinstance(value[0], str)
            and isinstance(value[1], (bytes, bytearray, memoryview))
            and (len(value) == 2 or isinstance(value[2], str))
        )
    return callable(getattr(value, "read", None))


_FILE_SHAPES = (
    "a path, bytes, a binary file object, (filename, bytes[, content_type]) or an http(s) URL"
)


_ONE_IMAGE = FileSpec()


def _file(spec: FileSpec = _ONE_IMAGE, *, required: bool = True) -> Any:
    def check(_: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None or value == []:
            if required:
                fail(attr.name, value, f"required: {_FILE_SHAPES}")
            return
        items = value if spec.many else [value]
        for item in items:
            if not _is_file_input(item):
                fail(attr.name, item, _FILE_SHAPES)
        if spec.max_items is not None and len(items) > spec.max_items:
            fail(attr.name, f"{len(items)} files", f"at most {spec.max_items} files")

    kwargs: dict[str, Any] = {"validator": check, "metadata": {"file": spec}}
    if spec.many:
        kwargs["converter"] = _as_list
    if not required:
        kwargs["default"] = None
    return attrs.field(**kwargs)


def _files(*, max_items: int | None = None, total_bytes: int | None = IMAGE_BYTES_LIMIT) -> Any:
    return _file(FileSpec(many=True, max_items=max_items, total_bytes=total_bytes), required=False)


_STYLE_CODE = re.compile(r"[0-9a-fA-F]{8}")


def _style_codes() -> Any:
    def check(_: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        for code in value:
            if not isinstance(code, str) or not _STYLE_CODE.fullmatch(code):
                fail(attr.name, code, "style codes of 8 hexadecimal digits, such as 'AAFF5733'")

    return attrs.field(default=None, converter=_as_list, validator=check)


def _str_list(*, max_items: int) -> Any:
    def check(_: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if len(value) > max_items:
            fail(attr.name, f"{len(value)} items", f"at most {max_items} items")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                fail(attr.name, item, "non-empty strings")

    return attrs.field(default=None, converter=_as_list, validator=check)


def _palette() -> Any:
    return attrs.field(default=None, converter=to_palette)


# --- cross-field rules -------------------------------------------------------------------------


def _given(value: object) -> bool:
    return value is not None and value != []


def _exclusive(params: object, first: str, second: str) -> None:
    if _given(getattr(params, first)) and _given(getattr(params, second)):
        fail(second, getattr(params, second), f"cannot be combined with {first}")


_V1_MODELS = frozenset({"V_1", "V_1_TURBO"})
_NEGATIVE_PROMPT_MODELS = frozenset({"V_1", "V_1_TURBO", "V_2", "V_2_TURBO"})
_NO_PALETTE_MODELS = frozenset({"V_1", "V_1_TURBO", "V_2A", "V_2A_TURBO"})
# The spec gives ``resolution`` "for model_version 2.0 only", a text older than 2a: refused for
# the 1.0 models, left to the server for the 2a ones and AUTO.
_RESOLUTION_MODELS = "V_2, V_2_TURBO, V_2A or V_2A_TURBO"
_CUSTOM_MODEL_URI = r"model/[^/\s]+/version/[^/\s]+"


def _check_legacy_model(params: Any) -> None:
    """The model-dependent rules of the legacy routes (no model means the server's V_2)."""
    model = wire_value(params.model)
    if getattr(params, "style_type", None) is not None and model in _V1_MODELS:
        fail("style_type", params.style_type, f"not accepted with model {model}: use V_2 or above")
    negative = getattr(params, "negative_prompt", None)
    if negative is not None and model is not None and model not in _NEGATIVE_PROMPT_MODELS:
        fail(
            "negative_prompt",
            negative,
            f"only accepted with models {', '.join(sorted(_NEGATIVE_PROMPT_MODELS))}, not {model}",
        )
    if getattr(params, "color_palette", None) is not None and model in _NO_PALETTE_MODELS:
        fail("color_palette", params.color_palette, f"not accepted with model {model}")
    if getattr(params, "resolution", None) is not None and model in _V1_MODELS:
        fail(
            "resolution",
            params.resolution,
            f"not accepted with model {model}: only with the 2.0 models ({_RESOLUTION_MODELS})",
        )


def _check_v3_style(params: Any) -> None:
    """Style codes replace both the style type and style reference images."""
    if hasattr(params, "style_type"):
        _exclusive(params, "style_codes", "style_type")
    _exclusive(params, "style_codes", "style_reference_images")


def _check_character_masks(params: Any) -> None:
    masks = params.character_reference_images_mask
    if masks is not None:
        refs = params.character_reference_images or []
        if len(masks) != len(refs):
            fail(
                "character_reference_images_mask",
                f"{len(masks)} masks",
                f"one mask per character reference image ({len(refs)} given)",
            )


# --- the operations ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Params:
    """The base of every operation's parameters; ``_rules`` are the cross-field checks."""

    def __attrs_post_init__(self) -> None:
        for check in self._rules():
            check(self)

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return ()


@attrs.frozen(kw_only=True)
class LegacyGenerateParams(Params):
    prompt: str = _text()
    aspect_ratio: AspectRatio | str | None = _enum(AspectRatio)
    model: Model | str | None = _enum(Model)
    magic_prompt_option: MagicPromptOption | str | None = _enum(MagicPromptOption)
    seed: int | None = _seed()
    style_type: StyleType | str | None = _enum(StyleType)
    negative_prompt: str | None = _text(required=False)
    num_images: int | None = _num_images()
    resolution: Resolution | str | None = _enum(Resolution)
    color_palette: Any = _palette()

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (lambda p: _exclusive(p, "aspect_ratio", "resolution"), _check_legacy_model)


@attrs.frozen(kw_only=True)
class LegacyRemixParams(LegacyGenerateParams):
    image_weight: int | None = _int(1, 100)
    image_file: Any = _file()


@attrs.frozen(kw_only=True)
class LegacyUpscaleParams(Params):
    prompt: str | None = _text(required=False)
    resemblance: int | None = _int(1, 100)
    detail: int | None = _int(1, 100)
    magic_prompt_option: MagicPromptOption | str | None = _enum(MagicPromptOption)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    image_file: Any = _file()


def _legacy_edit_model(_: object, attr: attrs.Attribute[Any], value: object) -> None:
    if wire_value(value) not in ("V_2", "V_2_TURBO"):
        fail(attr.name, value, "V_2 or V_2_TURBO (the only models the legacy edit supports)")


@attrs.frozen(kw_only=True)
class LegacyEditParams(Params):
    image_file: Any = _file()
    mask: Any = _file()
    prompt: str = _text()
    model: Model | str = attrs.field(validator=_legacy_edit_model)
    magic_prompt_option: MagicPromptOption | str | None = _enum(MagicPromptOption)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    style_type: StyleType | str | None = _enum(StyleType)


@attrs.frozen(kw_only=True)
class LegacyReframeParams(Params):
    image_file: Any = _file()
    resolution: Resolution | str = _enum(Resolution, required=True)
    model: Model | str = _enum(Model, required=True)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    style_type: StyleType | str | None = _enum(StyleType)

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (_check_legacy_model,)


@attrs.frozen(kw_only=True)
class DescribeParams(Params):
    image_file: Any = _file()
    describe_model_version: DescribeModelVersion | str | None = _enum(DescribeModelVersion)


@attrs.frozen(kw_only=True)
class _V3Styled(Params):
    """The style controls shared by the 3.0 image operations."""

    style_preset: StylePresetV3 | str | None = _enum(StylePresetV3)
    color_palette: Any = _palette()
    style_codes: Any = _style_codes()
    style_reference_images: Any = _files()

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (_check_v3_style,)


@attrs.frozen(kw_only=True)
class _V3Characters(_V3Styled):
    """3.0 operations that also take character references and a free style type."""

    style_type: StyleTypeV3 | str | None = _enum(StyleTypeV3)
    character_reference_images: Any = _files()
    character_reference_images_mask: Any = _files(total_bytes=None)

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (_check_v3_style, _check_character_masks)


@attrs.frozen(kw_only=True)
class V3GenerateParams(_V3Characters):
    prompt: str = _text()
    seed: int | None = _seed()
    resolution: ResolutionV3 | str | None = _enum(ResolutionV3)
    aspect_ratio: AspectRatioV3 | str | None = _enum(AspectRatioV3)
    rendering_speed: RenderingSpeed | str | None = _enum(RenderingSpeed)
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    negative_prompt: str | None = _text(required=False)
    num_images: int | None = _num_images()
    custom_model_uri: str | None = _text(
        required=False, pattern=_CUSTOM_MODEL_URI, allowed="model/<model_name>/version/<version>"
    )

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (*super()._rules(), lambda p: _exclusive(p, "aspect_ratio", "resolution"))


def _not_flash(_: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is not None and wire_value(value) == "FLASH":
        fail(attr.name, value, "TURBO, DEFAULT or QUALITY (FLASH cannot make transparent images)")


@attrs.frozen(kw_only=True)
class V3TransparentParams(Params):
    prompt: str = _text()
    seed: int | None = _seed()
    upscale_factor: UpscaleFactor | str | None = _enum(UpscaleFactor)
    aspect_ratio: AspectRatioV3 | str | None = _enum(AspectRatioV3)
    rendering_speed: RenderingSpeed | str | None = attrs.field(
        default=None, validator=[enum_check(RenderingSpeed), _not_flash]
    )
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    negative_prompt: str | None = _text(required=False)
    num_images: int | None = _num_images()


@attrs.frozen(kw_only=True)
class V3InpaintParams(_V3Characters):
    image: Any = _file()
    mask: Any = _file()
    prompt: str = _text()
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    rendering_speed: RenderingSpeed | str | None = _enum(RenderingSpeed)


@attrs.frozen(kw_only=True)
class V3RemixParams(_V3Characters):
    image: Any = _file()
    prompt: str = _text()
    image_weight: int | None = _int(1, 100)
    seed: int | None = _seed()
    resolution: ResolutionV3 | str | None = _enum(ResolutionV3)
    aspect_ratio: AspectRatioV3 | str | None = _enum(AspectRatioV3)
    rendering_speed: RenderingSpeed | str | None = _enum(RenderingSpeed)
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    negative_prompt: str | None = _text(required=False)
    num_images: int | None = _num_images()

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (*super()._rules(), lambda p: _exclusive(p, "aspect_ratio", "resolution"))


@attrs.frozen(kw_only=True)
class V3ReframeParams(_V3Styled):
    image: Any = _file()
    resolution: ResolutionV3 | str = _enum(ResolutionV3, required=True)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    rendering_speed: RenderingSpeed | str | None = _enum(RenderingSpeed)


@attrs.frozen(kw_only=True)
class V3ReplaceBackgroundParams(_V3Styled):
    image: Any = _file()
    prompt: str = _text()
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    rendering_speed: RenderingSpeed | str | None = _enum(RenderingSpeed)


@attrs.frozen(kw_only=True)
class LayerizeTextParams(Params):
    image: Any = _file()
    prompt: str | None = _text(required=False)
    seed: int | None = _seed()


@attrs.frozen(kw_only=True)
class RemoveBackgroundParams(Params):
    image: Any = _file()


def _some_image(params: Any) -> None:
    if not _given(params.images) and not _given(params.image_urls):
        fail("images", params.images, "at least one image, in images or image_urls")


@attrs.frozen(kw_only=True)
class EditParams(Params):
    prompt: str = _text()
    images: Any = _files(max_items=10, total_bytes=None)
    image_urls: Any = _str_list(max_items=10)
    num_images: int | None = _num_images()
    seed: int | None = _seed()
    magic_prompt: MagicPromptOption | str | None = _enum(MagicPromptOption)
    resolution: ResolutionV3 | str | None = _enum(ResolutionV3)
    aspect_ratio: AspectRatioV3 | str | None = _enum(AspectRatioV3)
    transparent_background: bool | None = _bool()

    def _rules(self) -> Sequence[Callable[[Any], None]]:
        return (_some_image, lambda p: _exclusive(p, "aspect_ratio", "resolution"))


@attrs.frozen(kw_only=True)
class CreateDatasetParams(Params):
    name: str = _text()


@attrs.frozen(kw_only=True)
class UploadAssetsParams(Params):
    files: Any = _file(FileSpec(many=True, kind="dataset"))


@attrs.frozen(kw_only=True)
class TrainModelParams(Params):
    dataset_id: str = _text()
    model_name: str = _text(
        pattern=r"[A-Za-z0-9 -]{5,30}",
        allowed="5 to 30 characters: letters, digits, spaces and hyphens",
    )


def path_segment(param: str, value: object) -> str:
    """A path parameter (an id), checked to be a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        fail(param, value, "a non-empty id string")
    if value in (".", ".."):
        fail(param, value, "an id, not a '.' or '..' path segment")
    return value


def enum_list(param: str, cls: type[enum.Enum], values: Any) -> list[str]:
    """A query list of enum values, each checked."""
    values = _as_list(values) or []
    allowed = "one of " + ", ".join(str(member.value) for member in cls)
    out = []
    for value in values:
        if not isinstance(value, str) or wire_value(value) not in cls._value2member_map_:
            fail(param, value, allowed)
        out.append(wire_value(value))
    return out
