"""An async Python SDK for Ideogram's image API, and for the gateways that relay it.

Every public name is re-exported here; the ``_x`` modules are private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._budget import InflightBudget
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, AsyncIdeogram
from ._enums import (
    AspectRatio,
    AspectRatioV3,
    AssetType,
    ColorPalettePresetName,
    DatasetAssetFailureReason,
    DescribeModelVersion,
    MagicPromptOption,
    Model,
    ModelScope,
    ModelStatus,
    RenderingSpeed,
    Resolution,
    ResolutionV3,
    StylePresetV3,
    StyleType,
    StyleTypeV3,
    UpscaleFactor,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseParseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    IdeogramError,
    IdeogramValidationError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    UnprocessableEntityError,
)
from ._models import (
    APIResponse,
    AssetIdentifier,
    CustomModel,
    Dataset,
    DatasetFile,
    DescribeResponse,
    Description,
    FailedAsset,
    ForegroundImage,
    GeneratedImage,
    GetDatasetResponse,
    GetModelResponse,
    ImageGenerationResponse,
    ImageResolution,
    LayerizeTextResponse,
    ListDatasetsResponse,
    ListModelsResponse,
    RemoveBackgroundResponse,
    TextBlock,
    TrainModelResponse,
    UploadDatasetAssetsResponse,
    UploadedAsset,
)
from ._palette import ColorPalette, ColorPaletteMember
from ._retry import Attempt
from ._types import (
    USE_CLIENT_DEFAULT,
    AuthScheme,
    FileInput,
    RequestOptions,
    TimeoutTypes,
    UseClientDefault,
)
from ._version import __version__

if TYPE_CHECKING:
    # The batch engine loads on first use, like the operation groups: it is ~15 attrs classes.
    from ._batch import Batch, estimate_batch
    from ._batch_models import (
        BatchEvent,
        BatchImage,
        BatchItem,
        BatchItemError,
        BatchProgress,
        BatchReport,
        BatchResult,
        CostEstimate,
    )
    from ._batch_ops import BatchOperation, BatchSubmission, MethodOperation
    from ._manifest import Manifest, ManifestError
    from ._prices import IDEOGRAM_LIST_PRICES, PriceTable

_LAZY = {
    "Batch": "._batch",
    "estimate_batch": "._batch",
    **dict.fromkeys(
        (
            "BatchEvent",
            "BatchImage",
            "BatchItem",
            "BatchItemError",
            "BatchProgress",
            "BatchReport",
            "BatchResult",
            "CostEstimate",
        ),
        "._batch_models",
    ),
    **dict.fromkeys(("BatchOperation", "BatchSubmission", "MethodOperation"), "._batch_ops"),
    **dict.fromkeys(("Manifest", "ManifestError"), "._manifest"),
    **dict.fromkeys(("IDEOGRAM_LIST_PRICES", "PriceTable"), "._prices"),
}


def __getattr__(name: str) -> object:
    """Load a name of ``_LAZY`` on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "IDEOGRAM_LIST_PRICES",
    "USE_CLIENT_DEFAULT",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseParseError",
    "APIStatusError",
    "APITimeoutError",
    "AspectRatio",
    "AspectRatioV3",
    "AssetIdentifier",
    "AssetType",
    "AsyncIdeogram",
    "Attempt",
    "AuthScheme",
    "AuthenticationError",
    "BadRequestError",
    "Batch",
    "BatchEvent",
    "BatchImage",
    "BatchItem",
    "BatchItemError",
    "BatchOperation",
    "BatchProgress",
    "BatchReport",
    "BatchResult",
    "BatchSubmission",
    "ColorPalette",
    "ColorPaletteMember",
    "ColorPalettePresetName",
    "ConfigurationError",
    "CostEstimate",
    "CustomModel",
    "Dataset",
    "DatasetAssetFailureReason",
    "DatasetFile",
    "DescribeModelVersion",
    "DescribeResponse",
    "Description",
    "FailedAsset",
    "FileInput",
    "ForegroundImage",
    "GeneratedImage",
    "GetDatasetResponse",
    "GetModelResponse",
    "IdeogramError",
    "IdeogramValidationError",
    "ImageGenerationResponse",
    "ImageResolution",
    "InflightBudget",
    "InternalServerError",
    "LayerizeTextResponse",
    "ListDatasetsResponse",
    "ListModelsResponse",
    "MagicPromptOption",
    "Manifest",
    "ManifestError",
    "MethodOperation",
    "Model",
    "ModelScope",
    "ModelStatus",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PriceTable",
    "RateLimitError",
    "RemoveBackgroundResponse",
    "RenderingSpeed",
    "RequestOptions",
    "RequestTooLargeError",
    "Resolution",
    "ResolutionV3",
    "StylePresetV3",
    "StyleType",
    "StyleTypeV3",
    "TextBlock",
    "TimeoutTypes",
    "TrainModelResponse",
    "UnprocessableEntityError",
    "UploadDatasetAssetsResponse",
    "UploadedAsset",
    "UpscaleFactor",
    "UseClientDefault",
    "estimate_batch",
    "__version__",
]
