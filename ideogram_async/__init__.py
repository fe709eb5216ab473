"""An async Python SDK for Ideogram's image API, and for the gateways that relay it.

Every public name is re-exported here; the ``_x`` modules are private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._budget import Budget, BudgetState, InflightBudget
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, AsyncIdeogram
from ._enums import (
    AspectRatio,
    AspectRatioV3,
    AspectRatioV3Value,
    AspectRatioValue,
    AssetType,
    ColorPalettePresetName,
    ColorPalettePresetNameValue,
    DatasetAssetFailureReason,
    DescribeModelVersion,
    DescribeModelVersionValue,
    MagicPromptOption,
    MagicPromptOptionValue,
    Model,
    ModelScope,
    ModelScopeValue,
    ModelStatus,
    ModelStatusValue,
    ModelValue,
    RenderingSpeed,
    RenderingSpeedValue,
    Resolution,
    ResolutionV3,
    ResolutionV3Value,
    ResolutionValue,
    StylePresetV3,
    StylePresetV3Value,
    StyleType,
    StyleTypeV3,
    StyleTypeV3Value,
    StyleTypeValue,
    UpscaleFactor,
    UpscaleFactorValue,
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
    DownloadError,
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
from ._jobs import Job, JobFailedError, JobStatus, JobTimeoutError, PollLimiter
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
from ._palette import ColorPalette, ColorPaletteInput, ColorPaletteMember
from ._retry import Attempt
from ._types import (
    USE_CLIENT_DEFAULT,
    AuthScheme,
    FileInput,
    RequestOptions,
    TimeoutTypes,
    UseClientDefault,
)
from ._v2._notices import ResponseBodyError
from ._v2._results import (
    DescribeV3Result,
    DescribeV4Result,
    GenerationOutput,
    GenerationResult,
    PriceQuote,
    UsageBucket,
    UsageLineItem,
    UsageReport,
)
from ._v2._routes import V2_ROUTES, Route
from ._version import __version__
from .webhooks import (
    WebhookEvent,
    WebhookHeaderError,
    WebhookHeaders,
    WebhookKey,
    WebhookKeysUnavailableError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookVerificationError,
    WebhookVerifier,
    parse_jwks,
    verify_webhook,
)

if TYPE_CHECKING:
    # The batch engine and the sync client load on first use, like the operation groups.
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
    from ._sync import Ideogram
    from ._v2._batch import quote_batch

_LAZY = {
    # The generated sync client is ~10,000 lines: a quarter of the SDK's import time.
    "Ideogram": "._sync",
    "Batch": "._batch",
    "estimate_batch": "._batch",
    "quote_batch": "._v2._batch",
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
    "V2_ROUTES",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseParseError",
    "APIStatusError",
    "APITimeoutError",
    "AspectRatio",
    "AspectRatioV3",
    "AspectRatioV3Value",
    "AspectRatioValue",
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
    "Budget",
    "BudgetState",
    "ColorPalette",
    "ColorPaletteInput",
    "ColorPaletteMember",
    "ColorPalettePresetName",
    "ColorPalettePresetNameValue",
    "ConfigurationError",
    "CostEstimate",
    "CustomModel",
    "Dataset",
    "DatasetAssetFailureReason",
    "DatasetFile",
    "DescribeModelVersion",
    "DescribeModelVersionValue",
    "DescribeResponse",
    "DescribeV3Result",
    "DescribeV4Result",
    "Description",
    "DownloadError",
    "FailedAsset",
    "FileInput",
    "ForegroundImage",
    "GeneratedImage",
    "GenerationOutput",
    "GenerationResult",
    "GetDatasetResponse",
    "GetModelResponse",
    "Ideogram",
    "IdeogramError",
    "IdeogramValidationError",
    "ImageGenerationResponse",
    "ImageResolution",
    "InflightBudget",
    "InternalServerError",
    "Job",
    "JobFailedError",
    "JobStatus",
    "JobTimeoutError",
    "LayerizeTextResponse",
    "ListDatasetsResponse",
    "ListModelsResponse",
    "MagicPromptOption",
    "MagicPromptOptionValue",
    "Manifest",
    "ManifestError",
    "MethodOperation",
    "Model",
    "ModelScope",
    "ModelScopeValue",
    "ModelStatus",
    "ModelStatusValue",
    "ModelValue",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PollLimiter",
    "PriceQuote",
    "PriceTable",
    "RateLimitError",
    "RemoveBackgroundResponse",
    "RenderingSpeed",
    "RenderingSpeedValue",
    "RequestOptions",
    "RequestTooLargeError",
    "Resolution",
    "ResolutionV3",
    "ResolutionV3Value",
    "ResolutionValue",
    "ResponseBodyError",
    "Route",
    "StylePresetV3",
    "StylePresetV3Value",
    "StyleType",
    "StyleTypeV3",
    "StyleTypeV3Value",
    "StyleTypeValue",
    "TextBlock",
    "TimeoutTypes",
    "TrainModelResponse",
    "UnprocessableEntityError",
    "UploadDatasetAssetsResponse",
    "UploadedAsset",
    "UpscaleFactor",
    "UpscaleFactorValue",
    "UsageBucket",
    "UsageLineItem",
    "UsageReport",
    "UseClientDefault",
    "WebhookEvent",
    "WebhookHeaderError",
    "WebhookHeaders",
    "WebhookKey",
    "WebhookKeysUnavailableError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "__version__",
    "estimate_batch",
    "parse_jwks",
    "quote_batch",
    "verify_webhook",
]
