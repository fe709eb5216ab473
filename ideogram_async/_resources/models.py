"""Custom models: train one from a dataset, list them, get one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._encoding import Operation
from .._enums import (
    ModelScope,
    ModelScopeValue,
    ModelStatus,
    ModelStatusValue,
)
from .._models import GetModelResponse, ListModelsResponse, TrainModelResponse
from .._params import TrainModelParams, enum_list, path_segment
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Models"]

_TRAIN = Operation("POST", "/v1/ideogram-v3/train-model", TrainModelResponse, "json")
_LIST = Operation("GET", "/models", ListModelsResponse, "none")
_GET = Operation("GET", "/models/{model_id}", GetModelResponse, "none")


class Models(Resource):
    """Custom models. Every method also takes ``RequestOptions``."""

    async def train(
        self, *, dataset_id: str, model_name: str, **options: Unpack[RequestOptions]
    ) -> TrainModelResponse:
        """Start training an Ideogram 3.0 model on a dataset of 15 to 100 images.

        Training takes a while: the model's ``status`` is ``TRAINING`` until it is ``COMPLETED``
        (poll ``models.get``), and only then has a ``custom_model_uri``.

        Args:
            dataset_id: The dataset to train on.
            model_name: 5 to 30 characters: letters, digits, spaces and hyphens.

        Raises:
            IdeogramValidationError: The model name is refused before sending.
            NotFoundError: No such dataset.
            APIError: Any other failure (400: the dataset has too few images); read
                ``maybe_billed`` before sending the call again.
        """
        params = TrainModelParams(dataset_id=dataset_id, model_name=model_name)
        result: TrainModelResponse = await self._client._request(_TRAIN, params, options)
        return result

    async def list(
        self,
        *,
        scope: ModelScope | ModelScopeValue | None = None,
        status: (
            ModelStatus | ModelStatusValue | Sequence[ModelStatus | ModelStatusValue] | None
        ) = None,
        **options: Unpack[RequestOptions],
    ) -> ListModelsResponse:
        """List custom models: owned and shared ones, unless ``scope`` picks one kind.

        Args:
            scope: ``owned`` or ``shared``.
            status: Only owned models in these statuses (``TRAINING``, ``COMPLETED``, ...).

        Raises:
            IdeogramValidationError: A scope or status the API does not know.
            APIError: The request failed.
        """
        query: dict[str, Any] = {}
        if scope is not None:
            query["scope"] = enum_list("scope", ModelScope, scope)[0]
        if status is not None:
            query["status"] = enum_list("status", ModelStatus, status)
        result: ListModelsResponse = await self._client._request(
            _LIST, None, options, query=query or None
        )
        return result

    async def get(self, model_id: str, **options: Unpack[RequestOptions]) -> GetModelResponse:
        """One custom model, owned or shared with the caller's organisation.

        Args:
            model_id: The model's id, from ``train`` or ``list``.

        Raises:
            IdeogramValidationError: The id is empty, ``.`` or ``..``.
            NotFoundError: No such model, or not visible to the caller.
            APIError: Any other failure.
        """
        path = _GET.path.format(model_id=quote(path_segment("model_id", model_id), safe=""))
        result: GetModelResponse = await self._client._request(_GET, None, options, path=path)
        return result
