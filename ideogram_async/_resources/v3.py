"""The Ideogram 3.0 routes (``/v1/ideogram-v3/...``); every one takes a multipart body."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._encoding import Operation
from .._enums import (
    AspectRatioV3,
    MagicPromptOption,
    RenderingSpeed,
    ResolutionV3,
    StylePresetV3,
    StyleTypeV3,
    UpscaleFactor,
)
from .._models import ImageGenerationResponse, LayerizeTextResponse
from .._palette import ColorPalette
from .._params import (
    LayerizeTextParams,
    V3GenerateParams,
    V3InpaintParams,
    V3ReframeParams,
    V3RemixParams,
    V3ReplaceBackgroundParams,
    V3TransparentParams,
)
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import FileInput, RequestOptions

__all__ = ["V3"]

_ROOT = "/v1/ideogram-v3"
_GENERATE = Operation("POST", f"{_ROOT}/generate", ImageGenerationResponse)
_TRANSPARENT = Operation("POST", f"{_ROOT}/generate-transparent", ImageGenerationResponse)
_REMIX = Operation("POST", f"{_ROOT}/remix", ImageGenerationResponse)
_INPAINT = Operation("POST", f"{_ROOT}/inpaint", ImageGenerationResponse)
_EDIT = Operation("POST", f"{_ROOT}/edit", ImageGenerationResponse)
_REFRAME = Operation("POST", f"{_ROOT}/reframe", ImageGenerationResponse)
_REPLACE_BACKGROUND = Operation("POST", f"{_ROOT}/replace-background", ImageGenerationResponse)
_LAYERIZE_TEXT = Operation("POST", f"{_ROOT}/layerize-text", LayerizeTextResponse)


class V3(Resource):
    """Ideogram 3.0. Every method also takes ``RequestOptions``.

    Shared parameters: ``num_images`` 1 to 8; ``seed`` 0 to 2147483647; ``rendering_speed``
    ``FLASH``, ``TURBO``, ``DEFAULT`` or ``QUALITY``; ``magic_prompt`` ``AUTO``, ``ON`` or
    ``OFF``; ``style_codes`` are 8 hex digits each and exclude ``style_type`` and
    ``style_reference_images``; ``color_palette`` is a ``ColorPalette`` or a preset name.
    Image inputs are PNG, JPEG or WebP, 10 MB each, and style (or character) references 10 MB
    in all. A list parameter also takes a single item.
    """

    async def generate(
        self,
        *,
        prompt: str,
        aspect_ratio: AspectRatioV3 | str | None = None,
        resolution: ResolutionV3 | str | None = None,
        rendering_speed: RenderingSpeed | str | None = None,
        magic_prompt: MagicPromptOption | str | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | str | None = None,
        style_preset: StylePresetV3 | str | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPalette | str | Mapping[str, Any] | None = None,
        custom_model_uri: str | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Generate images from a prompt with Ideogram 3.0.

        Args:
            prompt: What to draw.
            aspect_ratio: ``16x9`` and the like; not with ``resolution``.
            resolution: ``1024x1024`` and the like; not with ``aspect_ratio``.
            negative_prompt: What to leave out.
            custom_model_uri: ``model/<name>/version/<version>``, from ``models.list()``.
            character_reference_images_mask: One grayscale mask per character reference.
        """
        params = V3GenerateParams(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            rendering_speed=rendering_speed,
            magic_prompt=magic_prompt,
            negative_prompt=negative_prompt,
            num_images=num_images,
            seed=seed,
            style_type=style_type,
            style_preset=style_preset,
            style_codes=style_codes,
            color_palette=color_palette,
            custom_model_uri=custom_model_uri,
            style_reference_images=style_reference_images,
            character_reference_images=character_reference_images,
            character_reference_images_mask=character_reference_images_mask,
        )
        result: ImageGenerationResponse = await self._client._request(_GENERATE, params, options)
        return result

    async def generate_transparent(
        self,
        *,
        prompt: str,
        aspect_ratio: AspectRatioV3 | str | None = None,
        upscale_factor: UpscaleFactor | str | None = None,
        rendering_speed: RenderingSpeed | str | None = None,
        magic_prompt: MagicPromptOption | str | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Generate images on a transparent background with Ideogram 3.0.

        It takes no ``resolution`` (the largest one for the aspect ratio is used) and no
        ``FLASH`` rendering speed.

        Args:
            prompt: What to draw.
            aspect_ratio: ``16x9`` and the like.
            upscale_factor: ``X1`` (default), ``X2`` or ``X4``; above ``X1`` costs more.
        """
        params = V3TransparentParams(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            upscale_factor=upscale_factor,
            rendering_speed=rendering_speed,
            magic_prompt=magic_prompt,
            negative_prompt=negative_prompt,
            num_images=num_images,
            seed=seed,
        )
        result: ImageGenerationResponse = await self._client._request(_TRANSPARENT, params, options)
        return result

    async def remix(
        self,
        *,
        image: FileInput,
        prompt: str,
        image_weight: int | None = None,
        aspect_ratio: AspectRatioV3 | str | None = None,
        resolution: ResolutionV3 | str | None = None,
        rendering_speed: RenderingSpeed | str | None = None,
        magic_prompt: MagicPromptOption | str | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | str | None = None,
        style_preset: StylePresetV3 | str | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPalette | str | Mapping[str, Any] | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Remix an image with a prompt with Ideogram 3.0; it is cropped to the aspect ratio first.

        Args:
            image: The image to remix.
            prompt: What the remix should show.
            image_weight: 1 to 100; higher keeps more of the image (server default 50).
        """
        params = V3RemixParams(
            image=image,
            prompt=prompt,
            image_weight=image_weight,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            rendering_speed=rendering_speed,
            magic_prompt=magic_prompt,
            negative_prompt=negative_prompt,
            num_images=num_images,
            seed=seed,
            style_type=style_type,
            style_preset=style_preset,
            style_codes=style_codes,
            color_palette=color_palette,
            style_reference_images=style_reference_images,
            character_reference_images=character_reference_images,
            character_reference_images_mask=character_reference_images_mask,
        )
        result: ImageGenerationResponse = await self._client._request(_REMIX, params, options)
        return result

    _inpaint = _INPAINT  # the deprecated ``edit`` sends inpaint's request to its own route

    async def inpaint(
        self,
        *,
        image: FileInput,
        mask: FileInput,
        prompt: str,
        rendering_speed: RenderingSpeed | str | None = None,
        magic_prompt: MagicPromptOption | str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | str | None = None,
        style_preset: StylePresetV3 | str | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPalette | str | Mapping[str, Any] | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Repaint the masked part of an image with Ideogram 3.0.

        Args:
            image: The image to edit.
            mask: Black where the image may change, white elsewhere; the image's size.
            prompt: The edited result.
        """
        params = V3InpaintParams(
            image=image,
            mask=mask,
            prompt=prompt,
            rendering_speed=rendering_speed,
            magic_prompt=magic_prompt,
            num_images=num_images,
            seed=seed,
            style_type=style_type,
            style_preset=style_preset,
            style_codes=style_codes,
            color_palette=color_palette,
            style_reference_images=style_reference_images,
            character_reference_images=character_reference_images,
            character_reference_images_mask=character_reference_images_mask,
        )
        result: ImageGenerationResponse = await self._client._request(
            self._inpaint, params, options
        )
        return result

    if TYPE_CHECKING:
        edit = inpaint
    else:

        async def edit(self, **kwargs):
            """Deprecated: ``inpaint`` does the same; Ideogram will remove this route.

            Takes ``inpaint``'s parameters and sends them to ``/v1/ideogram-v3/edit``.
            """
            warnings.warn(
                "v3.edit calls /v1/ideogram-v3/edit, which Ideogram will remove: use v3.inpaint",
                DeprecationWarning,
                stacklevel=2,
            )
            legacy_route = copy.copy(self)
            legacy_route._inpaint = _EDIT
            return await legacy_route.inpaint(**kwargs)

    async def reframe(
        self,
        *,
        image: FileInput,
        resolution: ResolutionV3 | str,
        rendering_speed: RenderingSpeed | str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_preset: StylePresetV3 | str | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPalette | str | Mapping[str, Any] | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Extend a square image to a new resolution with Ideogram 3.0.

        Args:
            image: The square image.
            resolution: The output, ``1280x704`` and the like.
        """
        params = V3ReframeParams(
            image=image,
            resolution=resolution,
            rendering_speed=rendering_speed,
            num_images=num_images,
            seed=seed,
            style_preset=style_preset,
            style_codes=style_codes,
            color_palette=color_palette,
            style_reference_images=style_reference_images,
        )
        result: ImageGenerationResponse = await self._client._request(_REFRAME, params, options)
        return result

    async def replace_background(
        self,
        *,
        image: FileInput,
        prompt: str,
        rendering_speed: RenderingSpeed | str | None = None,
        magic_prompt: MagicPromptOption | str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_preset: StylePresetV3 | str | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPalette | str | Mapping[str, Any] | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Keep an image's subject and paint a new background behind it, with Ideogram 3.0.

        Args:
            image: The image whose background is replaced.
            prompt: The new background.
        """
        params = V3ReplaceBackgroundParams(
            image=image,
            prompt=prompt,
            rendering_speed=rendering_speed,
            magic_prompt=magic_prompt,
            num_images=num_images,
            seed=seed,
            style_preset=style_preset,
            style_codes=style_codes,
            color_palette=color_palette,
            style_reference_images=style_reference_images,
        )
        result: ImageGenerationResponse = await self._client._request(
            _REPLACE_BACKGROUND, params, options
        )
        return result

    async def layerize_text(
        self,
        *,
        image: FileInput,
        prompt: str | None = None,
        seed: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> LayerizeTextResponse:
        """Find the text in an image: its blocks, fonts and colours, and the image without it.

        Args:
            image: The image to read.
            prompt: A description of the image; written by the server when not given.
            seed: 0 to 2147483647.
        """
        params = LayerizeTextParams(image=image, prompt=prompt, seed=seed)
        result: LayerizeTextResponse = await self._client._request(_LAYERIZE_TEXT, params, options)
        return result
