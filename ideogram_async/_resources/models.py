"""Custom models: train one from a dataset, list them, get one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._encoding import Operation
from .._enums import ModelScope, ModelStatus
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

        Args:
            dataset_id: The dataset to train on.
            model_name: 5 to 30 characters: letters, digits, spaces and hyphens.
        """
        params = TrainModelParams(dataset_id=dataset_id, model_name=model_name)
        result: TrainModelResponse = await self._client._request(_TRAIN, params, options)
        return result

    async def list(
        self,
        *,
        scope: ModelScope | str | None = None,
        status: ModelStatus | str | Sequence[ModelStatus | str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListModelsResponse:
        """List custom models: owned and shared ones, unless ``scope`` picks one kind.

        Args:
            scope: ``owned`` or ``shared``.
            status: Only owned models in these statuses (``TRAINING``, ``COMPLETED``, ...).
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

        Raises:
            NotFoundError: No such model, or not visible to the caller.
        """
        path = _GET.path.format(model_id=quote(path_segment("model_id", model_id), safe=""))
        result: GetModelResponse = await self._client._request(_GET, None, options, path=path)
        return result
