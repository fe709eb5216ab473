"""Datasets of training images for custom models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._encoding import Operation
from .._models import Dataset, GetDatasetResponse, ListDatasetsResponse, UploadDatasetAssetsResponse
from .._params import CreateDatasetParams, UploadAssetsParams, path_segment
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import FileInput, RequestOptions

__all__ = ["Datasets"]

_LIST = Operation("GET", "/datasets", ListDatasetsResponse, "none")
_CREATE = Operation("POST", "/datasets", Dataset, "json")
_GET = Operation("GET", "/datasets/{dataset_id}", GetDatasetResponse, "none")
_UPLOAD = Operation("POST", "/datasets/{dataset_id}/upload_assets", UploadDatasetAssetsResponse)


class Datasets(Resource):
    """``/datasets``. Every method also takes ``RequestOptions``."""

    async def list(self, **options: Unpack[RequestOptions]) -> ListDatasetsResponse:
        """List the caller's datasets.

        Raises:
            APIError: The request failed; read ``maybe_billed`` before sending it again.
        """
        result: ListDatasetsResponse = await self._client._request(_LIST, None, options)
        return result

    async def create(self, *, name: str, **options: Unpack[RequestOptions]) -> Dataset:
        """Create an empty dataset.

        Args:
            name: The dataset's display name.

        Raises:
            IdeogramValidationError: The name is empty.
            APIError: The request failed; read ``maybe_billed`` before sending it again.
        """
        params = CreateDatasetParams(name=name)
        result: Dataset = await self._client._request(_CREATE, params, options)
        return result

    async def get(self, dataset_id: str, **options: Unpack[RequestOptions]) -> GetDatasetResponse:
        """A dataset with its files and the models trained from it.

        Args:
            dataset_id: The dataset's id, from ``create`` or ``list``.

        Raises:
            IdeogramValidationError: The id is empty, ``.`` or ``..``.
            NotFoundError: No such dataset, or not visible to the caller.
            APIError: Any other failure.
        """
        path = _GET.path.format(dataset_id=quote(path_segment("dataset_id", dataset_id), safe=""))
        result: GetDatasetResponse = await self._client._request(_GET, None, options, path=path)
        return result

    async def upload_assets(
        self,
        dataset_id: str,
        *,
        files: FileInput | Sequence[FileInput],
        **options: Unpack[RequestOptions],
    ) -> UploadDatasetAssetsResponse:
        """Upload images, ``.txt`` captions and ZIP archives of both to a dataset.

        A caption is matched to its image by file stem (``sunset.txt`` captions ``sunset.jpg``).
        A dataset holds up to 100 images. Files the server refuses are listed in the result's
        ``failed_assets``; the call itself succeeds.

        Args:
            dataset_id: The dataset's id.
            files: The files: images (PNG, JPEG, WebP), captions and ZIP archives, 10 MB each.

        Raises:
            IdeogramValidationError: The id is empty, ``.`` or ``..``, or a file cannot be read.
            NotFoundError: No such dataset.
            APIError: Any other failure; read ``maybe_billed`` before sending the call again.
        """
        segment = quote(path_segment("dataset_id", dataset_id), safe="")
        params = UploadAssetsParams(files=files)
        result: UploadDatasetAssetsResponse = await self._client._request(
            _UPLOAD, params, options, path=_UPLOAD.path.format(dataset_id=segment)
        )
        return result
