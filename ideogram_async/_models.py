"""What the API returns, as frozen attrs classes.

Every operation's result carries the HTTP response it came from (``result.response``,
``result.request_id``). Fields the API may add later are ignored, and enum fields keep values
this SDK does not know yet as plain strings.
"""

from __future__ import annotations

import datetime as dt

import attrs
import httpx

from ._enums import (
    AssetType,
    DatasetAssetFailureReason,
    ModelStatus,
    StyleType,
    StyleTypeV3,
)

__all__ = [
    "APIResponse",
    "AssetIdentifier",
    "CustomModel",
    "Dataset",
    "DatasetFile",
    "DescribeResponse",
    "Description",
    "FailedAsset",
    "ForegroundImage",
    "GeneratedImage",
    "GetDatasetResponse",
    "GetModelResponse",
    "ImageGenerationResponse",
    "ImageResolution",
    "LayerizeTextResponse",
    "ListDatasetsResponse",
    "ListModelsResponse",
    "RemoveBackgroundResponse",
    "TextBlock",
    "TrainModelResponse",
    "UploadDatasetAssetsResponse",
    "UploadedAsset",
]

_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-ideogram-request-id")


class ImageResolution(str):
    """A resolution as the API writes it (``"1024x1024"``), with ``width`` and ``height``."""

    __slots__ = ()

    @property
    def width(self) -> int:
        """The width in pixels."""
        return self._sides()[0]

    @property
    def height(self) -> int:
        """The height in pixels."""
        return self._sides()[1]

    def _sides(self) -> tuple[int, int]:
        width, sep, height = self.lower().partition("x")
        if not (sep and width.isdigit() and height.isdigit()):
            raise ValueError(f"resolution {str(self)!r} is not written WIDTHxHEIGHT")
        return int(width), int(height)


@attrs.frozen
class APIResponse:
    """The base of every operation's result: it keeps the HTTP response it came from."""

    response: httpx.Response | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)

    @property
    def request_id(self) -> str | None:
        """The server's request id header, when it sent one (quote it when asking for support)."""
        if self.response is None:
            return None
        for name in _REQUEST_ID_HEADERS:
            if name in self.response.headers:
                return self.response.headers[name]
        return None


@attrs.frozen
class GeneratedImage:
    """One generated image.

    ``url`` is ``None`` when the image failed the safety check (``is_image_safe`` is false).
    The link expires (after about 24 hours on Ideogram): download what you keep.
    """

    prompt: str
    resolution: ImageResolution
    seed: int
    url: str | None = None
    is_image_safe: bool = attrs.field(
        default=attrs.Factory(lambda self: self.url is not None, takes_self=True)
    )
    upscaled_resolution: ImageResolution | None = None
    style_type: StyleTypeV3 | StyleType | str | None = None


@attrs.frozen
class ImageGenerationResponse(APIResponse):
    """The images an operation made, with the time the request was created."""

    created: dt.datetime
    data: list[GeneratedImage]


@attrs.frozen
class ForegroundImage:
    """The foreground cut out by ``remove_background``; ``url`` is ``None`` if it is unsafe."""

    url: str | None = None
    is_image_safe: bool = attrs.field(
        default=attrs.Factory(lambda self: self.url is not None, takes_self=True)
    )


@attrs.frozen
class RemoveBackgroundResponse(APIResponse):
    """The result of ``remove_background``: exactly one foreground image."""

    created: dt.datetime
    data: list[ForegroundImage]


@attrs.frozen
class Description:
    """A description of an image, usable as a prompt."""

    text: str


@attrs.frozen
class DescribeResponse(APIResponse):
    """The descriptions ``describe`` wrote for an image."""

    descriptions: list[Description] = attrs.Factory(list)


@attrs.frozen
class TextBlock:
    """A block of text found in an image by ``layerize_text``; positions are in pixels."""

    x: int
    y: int
    width: int
    height: int
    text: str
    alignment: str = "left"
    angle: float = 0.0
    font_name: str | None = None
    font_alternatives: list[str] | None = None
    font_size: int | None = None
    line_height: float | None = None
    color: str | None = None
    formatting: list[str] = attrs.Factory(list)
    role: str | None = None


@attrs.frozen
class LayerizeTextResponse(APIResponse):
    """The text blocks found in an image, and the image with its text erased."""

    base_image_url: str
    seed: int
    original_image_url: str | None = None
    text_blocks: list[TextBlock] = attrs.Factory(list)


@attrs.frozen
class AssetIdentifier:
    """Names an Ideogram asset."""

    asset_type: AssetType | str
    asset_id: str


@attrs.frozen
class Dataset(APIResponse):
    """A dataset of training images."""

    dataset_id: str
    name: str
    user_id: str
    creation_time: dt.datetime
    cover_asset_identifier: AssetIdentifier | None = None


@attrs.frozen
class ListDatasetsResponse(APIResponse):
    """The caller's datasets."""

    datasets: list[Dataset]


@attrs.frozen
class DatasetFile:
    """A file in a dataset."""

    file_name: str | None
    file_size_bytes: int | None = None


@attrs.frozen
class GetDatasetResponse(APIResponse):
    """A dataset with its files and the models trained from it."""

    dataset: Dataset
    file_count: int
    files: list[DatasetFile] = attrs.Factory(list)
    custom_model_ids: list[str] = attrs.Factory(list)


@attrs.frozen
class UploadedAsset:
    """A file the dataset accepted."""

    asset_identifier: AssetIdentifier
    file_name: str | None = None


@attrs.frozen
class FailedAsset:
    """A file the dataset refused, and why."""

    failure_reason: DatasetAssetFailureReason | str | None
    file_name: str | None = None


@attrs.frozen
class UploadDatasetAssetsResponse(APIResponse):
    """What an upload to a dataset accepted and refused."""

    total_count: int
    success_count: int
    failure_count: int
    successful_assets: list[UploadedAsset] = attrs.Factory(list)
    failed_assets: list[FailedAsset] = attrs.Factory(list)


@attrs.frozen
class TrainModelResponse(APIResponse):
    """A training run that has started."""

    model_id: str
    dataset_id: str
    training_status: str
    model_name: str


@attrs.frozen
class CustomModel(APIResponse):
    """A custom model; pass ``custom_model_uri`` to the 3.0 operations to generate with it."""

    model_id: str
    name: str
    status: ModelStatus | str | None
    creation_time: dt.datetime
    is_available_for_generation: bool
    is_owned: bool
    custom_model_uri: str | None = None
    dataset_id: str | None = None
    last_update_time: dt.datetime | None = None


@attrs.frozen
class ListModelsResponse(APIResponse):
    """Custom models visible to the caller."""

    models: list[CustomModel] = attrs.Factory(list)


@attrs.frozen
class GetModelResponse(APIResponse):
    """One custom model."""

    model: CustomModel
