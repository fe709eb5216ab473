"""The Ideogram 3.0 routes (``/v1/ideogram-v3/...``); every one takes a multipart body."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._encoding import Operation
from .._enums import (
    AspectRatioV3,
    AspectRatioV3Value,
    MagicPromptOption,
    MagicPromptOptionValue,
    RenderingSpeed,
    RenderingSpeedValue,
    ResolutionV3,
    ResolutionV3Value,
    StylePresetV3,
    StylePresetV3Value,
    StyleTypeV3,
    StyleTypeV3Value,
    UpscaleFactor,
    UpscaleFactorValue,
)
from .._models import ImageGenerationResponse, LayerizeTextResponse
from .._palette import ColorPaletteInput
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
    """Ideogram 3.0: ``client.v3``.

    Every method also takes the per-call ``RequestOptions`` (``timeout``, ``max_retries``,
    ``retry_billed``, ``extra_headers``, ``extra_body``). Image inputs are PNG, JPEG or WebP,
    10 MB each; a list parameter also takes a single item.
    """

    async def generate(
        self,
        *,
        prompt: str,
        aspect_ratio: AspectRatioV3 | AspectRatioV3Value | None = None,
        resolution: ResolutionV3 | ResolutionV3Value | None = None,
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | StyleTypeV3Value | None = None,
        style_preset: StylePresetV3 | StylePresetV3Value | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPaletteInput | None = None,
        custom_model_uri: str | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Generate images from a prompt with Ideogram 3.0.

        Args:
            prompt: What to draw.
            aspect_ratio: The output's shape, ``16x9`` and the like; not with ``resolution``.
            resolution: The output's size, ``1024x1024`` and the like; not with ``aspect_ratio``.
            rendering_speed: ``FLASH``, ``TURBO``, ``DEFAULT`` (the server's default) or
                ``QUALITY``: faster is cheaper.
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            negative_prompt: What to leave out of the image.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN`` or ``FICTION``.
            style_preset: A named look, such as ``ART_DECO`` or ``WATERCOLOR``.
            style_codes: Style codes of 8 hex digits each; not with ``style_type`` or
                ``style_reference_images``.
            color_palette: A ``ColorPalette`` (a preset, or 1 to 8 weighted colours) or a
                preset's name such as ``PASTEL``.
            custom_model_uri: A custom model to draw with, ``model/<name>/version/<version>``
                (from ``models.list()``).
            style_reference_images: Images whose style to follow; 10 MB in all.
            character_reference_images: An image of a character to keep (the API
                takes one); 10 MB in all.
            character_reference_images_mask: One grayscale mask per character
                reference, white over the character.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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
        aspect_ratio: AspectRatioV3 | AspectRatioV3Value | None = None,
        upscale_factor: UpscaleFactor | UpscaleFactorValue | None = None,
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Generate images on a transparent background with Ideogram 3.0.

        It takes no ``resolution`` (the largest one for the aspect ratio is used) and no ``FLASH``
        rendering speed.

        Args:
            prompt: What to draw.
            aspect_ratio: The output's shape, ``16x9`` and the like.
            upscale_factor: ``X1`` (the default), ``X2`` or ``X4``; above ``X1`` costs more.
            rendering_speed: ``TURBO``, ``DEFAULT`` or ``QUALITY`` (not ``FLASH``).
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            negative_prompt: What to leave out of the image.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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
        aspect_ratio: AspectRatioV3 | AspectRatioV3Value | None = None,
        resolution: ResolutionV3 | ResolutionV3Value | None = None,
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | StyleTypeV3Value | None = None,
        style_preset: StylePresetV3 | StylePresetV3Value | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPaletteInput | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Remix an image with a prompt with Ideogram 3.0; it is cropped to the aspect ratio first.

        Args:
            image: The image to remix.
            prompt: What the remix should show.
            image_weight: 1 to 100; higher keeps more of the image (the server's default is 50).
            aspect_ratio: The output's shape, ``16x9`` and the like; not with ``resolution``.
            resolution: The output's size, ``1024x1024`` and the like; not with ``aspect_ratio``.
            rendering_speed: ``FLASH``, ``TURBO``, ``DEFAULT`` (the server's default) or
                ``QUALITY``: faster is cheaper.
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            negative_prompt: What to leave out of the image.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN`` or ``FICTION``.
            style_preset: A named look, such as ``ART_DECO`` or ``WATERCOLOR``.
            style_codes: Style codes of 8 hex digits each; not with ``style_type`` or
                ``style_reference_images``.
            color_palette: A ``ColorPalette`` (a preset, or 1 to 8 weighted colours) or a
                preset's name such as ``PASTEL``.
            style_reference_images: Images whose style to follow; 10 MB in all.
            character_reference_images: An image of a character to keep (the API
                takes one); 10 MB in all.
            character_reference_images_mask: One grayscale mask per character
                reference, white over the character.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleTypeV3 | StyleTypeV3Value | None = None,
        style_preset: StylePresetV3 | StylePresetV3Value | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPaletteInput | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images: FileInput | Sequence[FileInput] | None = None,
        character_reference_images_mask: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Repaint the masked part of an image with Ideogram 3.0.

        Args:
            image: The image to edit.
            mask: Black where the image may change, white elsewhere; the image's size.
            prompt: What the edited image should show.
            rendering_speed: ``FLASH``, ``TURBO``, ``DEFAULT`` (the server's default) or
                ``QUALITY``: faster is cheaper.
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN`` or ``FICTION``.
            style_preset: A named look, such as ``ART_DECO`` or ``WATERCOLOR``.
            style_codes: Style codes of 8 hex digits each; not with ``style_type`` or
                ``style_reference_images``.
            color_palette: A ``ColorPalette`` (a preset, or 1 to 8 weighted colours) or a
                preset's name such as ``PASTEL``.
            style_reference_images: Images whose style to follow; 10 MB in all.
            character_reference_images: An image of a character to keep (the API
                takes one); 10 MB in all.
            character_reference_images_mask: One grayscale mask per character
                reference, white over the character.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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

            Takes ``inpaint``'s parameters and sends them to ``/v1/ideogram-v3/edit``; it warns
            with ``DeprecationWarning``.

            Raises:
                IdeogramValidationError: As ``inpaint``.
                APIError: As ``inpaint``.
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
        resolution: ResolutionV3 | ResolutionV3Value,
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_preset: StylePresetV3 | StylePresetV3Value | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPaletteInput | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Extend a square image to a new resolution with Ideogram 3.0.

        Args:
            image: The square image.
            resolution: The output's size, ``1280x704`` and the like (required).
            rendering_speed: ``FLASH``, ``TURBO``, ``DEFAULT`` (the server's default) or
                ``QUALITY``: faster is cheaper.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_preset: A named look, such as ``ART_DECO`` or ``WATERCOLOR``.
            style_codes: Style codes of 8 hex digits each; not with ``style_type`` or
                ``style_reference_images``.
            color_palette: A ``ColorPalette`` (a preset, or 1 to 8 weighted colours) or a
                preset's name such as ``PASTEL``.
            style_reference_images: Images whose style to follow; 10 MB in all.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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
        rendering_speed: RenderingSpeed | RenderingSpeedValue | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_preset: StylePresetV3 | StylePresetV3Value | None = None,
        style_codes: Sequence[str] | str | None = None,
        color_palette: ColorPaletteInput | None = None,
        style_reference_images: FileInput | Sequence[FileInput] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Keep an image's subject and paint a new background behind it, with Ideogram 3.0.

        Args:
            image: The image whose background is replaced.
            prompt: The new background.
            rendering_speed: ``FLASH``, ``TURBO``, ``DEFAULT`` (the server's default) or
                ``QUALITY``: faster is cheaper.
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_preset: A named look, such as ``ART_DECO`` or ``WATERCOLOR``.
            style_codes: Style codes of 8 hex digits each; not with ``style_type`` or
                ``style_reference_images``.
            color_palette: A ``ColorPalette`` (a preset, or 1 to 8 weighted colours) or a
                preset's name such as ``PASTEL``.
            style_reference_images: Images whose style to follow; 10 MB in all.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
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
            prompt: A description of the image; the server writes one when not given.
            seed: 0 to 2147483647, for repeatable results.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = LayerizeTextParams(image=image, prompt=prompt, seed=seed)
        result: LayerizeTextResponse = await self._client._request(_LAYERIZE_TEXT, params, options)
        return result
