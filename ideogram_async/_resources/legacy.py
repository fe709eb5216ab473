"""The legacy routes: generate, edit, remix, upscale, describe and reframe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._encoding import Operation
from .._enums import (
    AspectRatio,
    AspectRatioValue,
    DescribeModelVersion,
    DescribeModelVersionValue,
    MagicPromptOption,
    MagicPromptOptionValue,
    Model,
    ModelValue,
    Resolution,
    ResolutionValue,
    StyleType,
    StyleTypeValue,
)
from .._models import DescribeResponse, ImageGenerationResponse
from .._palette import ColorPaletteInput
from .._params import (
    DescribeParams,
    LegacyEditParams,
    LegacyGenerateParams,
    LegacyReframeParams,
    LegacyRemixParams,
    LegacyUpscaleParams,
)
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import FileInput, RequestOptions

__all__ = ["Legacy"]

_GENERATE = Operation("POST", "/generate", ImageGenerationResponse, "json", nest="image_request")
_REMIX = Operation("POST", "/remix", ImageGenerationResponse, nest="image_request")
_UPSCALE = Operation("POST", "/upscale", ImageGenerationResponse, nest="image_request")
_EDIT = Operation("POST", "/edit", ImageGenerationResponse)
_REFRAME = Operation("POST", "/reframe", ImageGenerationResponse)
_DESCRIBE = Operation("POST", "/describe", DescribeResponse)


class Legacy(Resource):
    """The legacy routes (models V_1 to V_2A). Every method also takes ``RequestOptions``."""

    async def generate(
        self,
        *,
        prompt: str,
        aspect_ratio: AspectRatio | AspectRatioValue | None = None,
        resolution: Resolution | ResolutionValue | None = None,
        model: Model | ModelValue | None = None,
        magic_prompt_option: MagicPromptOption | MagicPromptOptionValue | None = None,
        seed: int | None = None,
        style_type: StyleType | StyleTypeValue | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        color_palette: ColorPaletteInput | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Generate images from a prompt (``POST /generate``, JSON ``image_request``).

        Args:
            prompt: What to draw.
            aspect_ratio: The output's shape, ``ASPECT_16_9`` and the like; not with
                ``resolution``.
            resolution: The output's size, ``RESOLUTION_1024_1024`` and the like; not with
                ``aspect_ratio``.
            model: ``V_1`` to ``V_2A_TURBO``; the server uses ``V_2`` when not given.
            magic_prompt_option: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON``
                or ``OFF``.
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN``, ``RENDER_3D`` or
                ``ANIME``; not with ``V_1`` models.
            negative_prompt: What to leave out; only with ``V_1``, ``V_1_TURBO``, ``V_2`` and
                ``V_2_TURBO``.
            num_images: How many images, 1 to 8 (the server's default is 1).
            color_palette: A ``ColorPalette`` or a preset's name; not with ``V_1`` or ``V_2A``
                models.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = LegacyGenerateParams(
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            model=model,
            magic_prompt_option=magic_prompt_option,
            seed=seed,
            style_type=style_type,
            negative_prompt=negative_prompt,
            num_images=num_images,
            color_palette=color_palette,
        )
        result: ImageGenerationResponse = await self._client._request(_GENERATE, params, options)
        return result

    async def remix(
        self,
        *,
        image_file: FileInput,
        prompt: str,
        image_weight: int | None = None,
        aspect_ratio: AspectRatio | AspectRatioValue | None = None,
        resolution: Resolution | ResolutionValue | None = None,
        model: Model | ModelValue | None = None,
        magic_prompt_option: MagicPromptOption | MagicPromptOptionValue | None = None,
        seed: int | None = None,
        style_type: StyleType | StyleTypeValue | None = None,
        negative_prompt: str | None = None,
        num_images: int | None = None,
        color_palette: ColorPaletteInput | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Remix an image with a prompt (``POST /remix``); it is cropped to the aspect ratio first.

        Args:
            image_file: The image to remix: PNG, JPEG or WebP, at most 10 MB.
            prompt: What the remix should show.
            image_weight: 1 to 100; higher keeps more of the image (the server's default is 50).
            aspect_ratio: The output's shape, ``ASPECT_16_9`` and the like; not with
                ``resolution``.
            resolution: The output's size, ``RESOLUTION_1024_1024`` and the like; not with
                ``aspect_ratio``.
            model: ``V_1`` to ``V_2A_TURBO``; the server uses ``V_2`` when not given.
            magic_prompt_option: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON``
                or ``OFF``.
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN``, ``RENDER_3D`` or
                ``ANIME``; not with ``V_1`` models.
            negative_prompt: What to leave out; only with ``V_1``, ``V_1_TURBO``, ``V_2`` and
                ``V_2_TURBO``.
            num_images: How many images, 1 to 8 (the server's default is 1).
            color_palette: A ``ColorPalette`` or a preset's name; not with ``V_1`` or ``V_2A``
                models.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = LegacyRemixParams(
            image_file=image_file,
            prompt=prompt,
            image_weight=image_weight,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            model=model,
            magic_prompt_option=magic_prompt_option,
            seed=seed,
            style_type=style_type,
            negative_prompt=negative_prompt,
            num_images=num_images,
            color_palette=color_palette,
        )
        result: ImageGenerationResponse = await self._client._request(_REMIX, params, options)
        return result

    async def upscale(
        self,
        *,
        image_file: FileInput,
        prompt: str | None = None,
        resemblance: int | None = None,
        detail: int | None = None,
        magic_prompt_option: MagicPromptOption | MagicPromptOptionValue | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Upscale an image, optionally guided by a prompt (``POST /upscale``).

        Args:
            image_file: The image: PNG, JPEG or WebP, at most 10 MB.
            prompt: Guides the upscale.
            resemblance: 1 to 100: how closely to keep the original (the server's default is 50).
            detail: 1 to 100: how much detail to add (the server's default is 50).
            magic_prompt_option: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON``
                or ``OFF``.
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
        params = LegacyUpscaleParams(
            image_file=image_file,
            prompt=prompt,
            resemblance=resemblance,
            detail=detail,
            magic_prompt_option=magic_prompt_option,
            num_images=num_images,
            seed=seed,
        )
        result: ImageGenerationResponse = await self._client._request(_UPSCALE, params, options)
        return result

    async def edit(
        self,
        *,
        image_file: FileInput,
        mask: FileInput,
        prompt: str,
        model: Model | ModelValue,
        magic_prompt_option: MagicPromptOption | MagicPromptOptionValue | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleType | StyleTypeValue | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Edit the masked part of an image (``POST /edit``, flat multipart).

        Args:
            image_file: The image: PNG, JPEG or WebP, at most 10 MB.
            mask: Black where the image may change, white elsewhere; the image's size.
            prompt: What the edited image should show.
            model: ``V_2`` or ``V_2_TURBO``: the only models this route supports.
            magic_prompt_option: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON``
                or ``OFF``.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_type: The style to edit in.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = LegacyEditParams(
            image_file=image_file,
            mask=mask,
            prompt=prompt,
            model=model,
            magic_prompt_option=magic_prompt_option,
            num_images=num_images,
            seed=seed,
            style_type=style_type,
        )
        result: ImageGenerationResponse = await self._client._request(_EDIT, params, options)
        return result

    async def reframe(
        self,
        *,
        image_file: FileInput,
        resolution: Resolution | ResolutionValue,
        model: Model | ModelValue,
        num_images: int | None = None,
        seed: int | None = None,
        style_type: StyleType | StyleTypeValue | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Extend a square image to a new resolution (``POST /reframe``).

        Args:
            image_file: The square image: PNG, JPEG or WebP, at most 10 MB.
            resolution: The output's size, ``RESOLUTION_1280_720`` and the like (required).
            model: The model to reframe with (required).
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            style_type: ``AUTO``, ``GENERAL``, ``REALISTIC``, ``DESIGN``, ``RENDER_3D`` or
                ``ANIME``; not with ``V_1`` models.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = LegacyReframeParams(
            image_file=image_file,
            resolution=resolution,
            model=model,
            num_images=num_images,
            seed=seed,
            style_type=style_type,
        )
        result: ImageGenerationResponse = await self._client._request(_REFRAME, params, options)
        return result

    async def describe(
        self,
        *,
        image_file: FileInput,
        describe_model_version: DescribeModelVersion | DescribeModelVersionValue | None = None,
        **options: Unpack[RequestOptions],
    ) -> DescribeResponse:
        """Describe an image in words usable as a prompt (``POST /describe``).

        Args:
            image_file: The image: PNG, JPEG or WebP, at most 10 MB.
            describe_model_version: ``V_2`` or ``V_3`` (the server's default).

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = DescribeParams(
            image_file=image_file, describe_model_version=describe_model_version
        )
        result: DescribeResponse = await self._client._request(_DESCRIBE, params, options)
        return result
