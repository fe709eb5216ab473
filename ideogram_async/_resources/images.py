"""Operations on images outside a model family: background removal and the instruction edit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._encoding import Operation
from .._enums import (
    AspectRatioV3,
    AspectRatioV3Value,
    MagicPromptOption,
    MagicPromptOptionValue,
    ResolutionV3,
    ResolutionV3Value,
)
from .._models import ImageGenerationResponse, RemoveBackgroundResponse
from .._params import EditParams, RemoveBackgroundParams
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import FileInput, RequestOptions

__all__ = ["Images"]

_REMOVE_BACKGROUND = Operation("POST", "/v1/remove-background", RemoveBackgroundResponse)
_EDIT = Operation("POST", "/v1/edit", ImageGenerationResponse)


class Images(Resource):
    """``/v1/remove-background`` and ``/v1/edit``. Every method also takes ``RequestOptions``."""

    async def remove_background(
        self, *, image: FileInput, **options: Unpack[RequestOptions]
    ) -> RemoveBackgroundResponse:
        """Cut out an image's subject onto a transparent background.

        Args:
            image: PNG, JPEG or WebP, at most 10 MB.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = RemoveBackgroundParams(image=image)
        result: RemoveBackgroundResponse = await self._client._request(
            _REMOVE_BACKGROUND, params, options
        )
        return result

    async def edit(
        self,
        *,
        prompt: str,
        images: FileInput | Sequence[FileInput] | None = None,
        image_urls: str | Sequence[str] | None = None,
        num_images: int | None = None,
        seed: int | None = None,
        magic_prompt: MagicPromptOption | MagicPromptOptionValue | None = None,
        aspect_ratio: AspectRatioV3 | AspectRatioV3Value | None = None,
        resolution: ResolutionV3 | ResolutionV3Value | None = None,
        transparent_background: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImageGenerationResponse:
        """Edit one or more images as a prompt says ("make the sky stormy").

        Give at least one image, uploaded (``images``) or as a link (``image_urls``).

        Args:
            prompt: The edit to make.
            images: Up to 10 images to upload: PNG, JPEG or WebP, 10 MB each.
            image_urls: Up to 10 links to Ideogram images (from responses or uploads), which the
                server fetches.
            num_images: How many images, 1 to 8 (the server's default is 1).
            seed: 0 to 2147483647, for repeatable results.
            magic_prompt: Whether MagicPrompt rewrites the prompt: ``AUTO``, ``ON`` or ``OFF``.
            aspect_ratio: The output's shape, ``16x9`` and the like; not with ``resolution``.
            resolution: The output's size, ``1024x1024`` and the like; not with ``aspect_ratio``.
            transparent_background: Make the output's background transparent.

        Raises:
            IdeogramValidationError: A parameter is refused before anything is sent: out of
                range, not in its enum, excluded by another, or an image that is not PNG, JPEG
                or WebP or is over 10 MB.
            UnprocessableEntityError: The prompt or an image failed Ideogram's safety check.
            RateLimitError: Still rate limited once the retries are spent.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        params = EditParams(
            prompt=prompt,
            images=images,
            image_urls=image_urls,
            num_images=num_images,
            seed=seed,
            magic_prompt=magic_prompt,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            transparent_background=transparent_background,
        )
        result: ImageGenerationResponse = await self._client._request(_EDIT, params, options)
        return result
