"""Datasets and custom models: create, upload, train, list, get.

Training takes ``TRAINING_SECONDS`` on the emulator's clock: a model is ``TRAINING`` until
then, and ``COMPLETED`` (with a ``custom_model_uri`` to generate with) after.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zipfile
from typing import Any

import attrs

from .._enums import ModelScope, ModelStatus
from .._exceptions import IdeogramValidationError
from .._files import sniff_image
from .._params import (
    IMAGE_BYTES_LIMIT,
    CreateDatasetParams,
    TrainModelParams,
    UploadAssetsParams,
    enum_list,
)
from ._http import HTTPError, Incoming, Reply, json_reply
from ._multipart import read_body
from ._store import Settings
from ._validate import build

__all__ = ["MIN_TRAINING_IMAGES", "TRAINING_SECONDS", "CustomOps"]

TRAINING_SECONDS = 60.0
MIN_TRAINING_IMAGES = 15
MAX_DATASET_IMAGES = 100
USER_ID = "emulator-user"
SHARED_MODEL_URI = "model/emulator-shared-style/version/1"


@attrs.define
class _Dataset:
    dataset_id: str
    name: str
    created: float
    files: list[tuple[str | None, int]] = attrs.Factory(list)
    images: int = 0
    cover: dict[str, str] | None = None
    model_ids: list[str] = attrs.Factory(list)


@attrs.define
class _Model:
    model_id: str
    name: str
    created: float
    ready_at: float
    owned: bool = True
    dataset_id: str | None = None
    uri: str | None = None


@attrs.define
class _Upload:
    """What one upload request accepted and refused."""

    succeeded: list[dict[str, Any]] = attrs.Factory(list)
    failed: list[dict[str, Any]] = attrs.Factory(list)


class CustomOps:
    """The dataset and model routes, and the state they share."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._datasets: dict[str, _Dataset] = {}
        now = settings.clock()
        shared = _Model(
            "emulator-shared-style",
            "Emulator Shared Style",
            now,
            now,
            False,
            None,
            SHARED_MODEL_URI,
        )
        self._models: dict[str, _Model] = {shared.model_id: shared}

    def available(self, uri: str) -> bool:
        """Whether a ``custom_model_uri`` names a model ready for generation."""
        return any(m.uri == uri and self._ready(m) for m in self._models.values())

    # --- datasets ------------------------------------------------------------------------------

    async def list_datasets(self, request: Incoming) -> Reply:
        """``GET /datasets``."""
        return json_reply({"datasets": [self._dataset(d) for d in self._datasets.values()]})

    async def create_dataset(self, request: Incoming) -> Reply:
        """``POST /datasets``."""
        fields = read_body(request.headers.get("content-type", ""), request.body)
        params = build(CreateDatasetParams, fields, _no_links)
        dataset = _Dataset(secrets.token_urlsafe(16), params.name, self._settings.clock())
        self._datasets[dataset.dataset_id] = dataset
        return json_reply(self._dataset(dataset))

    async def get_dataset(self, request: Incoming, dataset_id: str) -> Reply:
        """``GET /datasets/{dataset_id}``."""
        dataset = self._find_dataset(dataset_id)
        files = [{"file_name": name, "file_size_bytes": size} for name, size in dataset.files]
        return json_reply(
            {
                "dataset": self._dataset(dataset),
                "file_count": len(files),
                "files": files,
                "custom_model_ids": list(dataset.model_ids),
            }
        )

    async def upload_assets(self, request: Incoming, dataset_id: str) -> Reply:
        """``POST /datasets/{dataset_id}/upload_assets``: refused files are listed, not raised."""
        dataset = self._find_dataset(dataset_id)
        fields = read_body(request.headers.get("content-type", ""), request.body)
        params = build(UploadAssetsParams, fields, _no_links)
        result = _Upload()
        for name, content, _ in params.files:
            self._add(dataset, name, content, result)
        return json_reply(
            {
                "total_count": len(result.succeeded) + len(result.failed),
                "success_count": len(result.succeeded),
                "failure_count": len(result.failed),
                "successful_assets": result.succeeded,
                "failed_assets": result.failed,
            }
        )

    def _add(self, dataset: _Dataset, name: str, content: bytes, result: _Upload) -> None:
        if sniff_image(content) is not None:
            if len(content) > IMAGE_BYTES_LIMIT:
                result.failed.append({"file_name": name, "failure_reason": "FILE_TOO_LARGE"})
            elif dataset.images >= MAX_DATASET_IMAGES:
                result.failed.append({"file_name": name, "failure_reason": "TOO_MANY_IMAGES"})
            else:
                asset = {"asset_type": "UPLOAD", "asset_id": secrets.token_urlsafe(16)}
                dataset.images += 1
                dataset.files.append((name, len(content)))
                dataset.cover = dataset.cover or asset
                result.succeeded.append({"asset_identifier": asset, "file_name": name})
        elif content.startswith(b"PK\x03\x04"):
            self._add_zip(dataset, name, content, result)
        elif name.lower().endswith(".txt"):
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                result.failed.append({"file_name": name, "failure_reason": "INVALID_CAPTION"})
            else:  # a caption is kept beside its image, but is not an asset of its own
                dataset.files.append((name, len(content)))
        else:
            result.failed.append({"file_name": name, "failure_reason": "INVALID_IMAGE"})

    def _add_zip(self, dataset: _Dataset, name: str, content: bytes, result: _Upload) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in members:
                if member.file_size > IMAGE_BYTES_LIMIT:
                    failure = {"file_name": member.filename, "failure_reason": "FILE_TOO_LARGE"}
                    result.failed.append(failure)
                    continue
                self._add(dataset, member.filename, archive.read(member), result)
        except (zipfile.BadZipFile, OSError, EOFError):
            result.failed.append({"file_name": name, "failure_reason": "INVALID_ZIP"})

    def _find_dataset(self, dataset_id: str) -> _Dataset:
        dataset = self._datasets.get(dataset_id)
        if dataset is None:
            raise HTTPError(404, f"Dataset {dataset_id} not found")
        return dataset

    def _dataset(self, dataset: _Dataset) -> dict[str, Any]:
        data: dict[str, Any] = {
            "dataset_id": dataset.dataset_id,
            "name": dataset.name,
            "user_id": USER_ID,
            "creation_time": self._iso(dataset.created),
        }
        if dataset.cover is not None:
            data["cover_asset_identifier"] = dataset.cover
        return data

    # --- models --------------------------------------------------------------------------------

    async def train(self, request: Incoming) -> Reply:
        """``POST /v1/ideogram-v3/train-model``."""
        fields = read_body(request.headers.get("content-type", ""), request.body)
        params = build(TrainModelParams, fields, _no_links)
        dataset = self._find_dataset(params.dataset_id)
        if dataset.images < MIN_TRAINING_IMAGES:
            raise HTTPError(
                400,
                f"The dataset must contain at least {MIN_TRAINING_IMAGES} images "
                f"(it has {dataset.images})",
            )
        now = self._settings.clock()
        model_id = secrets.token_urlsafe(16)
        model = _Model(
            model_id,
            params.model_name,
            now,
            now + TRAINING_SECONDS,
            dataset_id=dataset.dataset_id,
            uri=f"model/{model_id}/version/1",
        )
        self._models[model_id] = model
        dataset.model_ids.append(model_id)
        return json_reply(
            {
                "model_id": model_id,
                "dataset_id": dataset.dataset_id,
                "training_status": self._status(model),
                "model_name": model.name,
            }
        )

    async def list_models(self, request: Incoming) -> Reply:
        """``GET /models``: owned models (filtered by ``status``) and shared ones, by ``scope``."""
        query = request.query()
        try:
            scope = enum_list("scope", ModelScope, [v for k, v in query if k == "scope"])
            statuses = enum_list("status", ModelStatus, [v for k, v in query if k == "status"])
        except IdeogramValidationError as exc:
            raise HTTPError(422, str(exc)) from exc
        owned = [
            m
            for m in self._models.values()
            if m.owned and (not statuses or self._status(m) in statuses)
        ]
        shared = [m for m in self._models.values() if not m.owned]
        chosen = {"owned": owned, "shared": shared}.get(scope[0] if scope else "", owned + shared)
        return json_reply({"models": [self._model(m) for m in chosen]})

    async def get_model(self, request: Incoming, model_id: str) -> Reply:
        """``GET /models/{model_id}``."""
        model = self._models.get(model_id)
        if model is None:
            raise HTTPError(404, f"Model {model_id} not found")
        return json_reply({"model": self._model(model)})

    def _ready(self, model: _Model) -> bool:
        return self._settings.clock() >= model.ready_at

    def _status(self, model: _Model) -> str:
        return "COMPLETED" if self._ready(model) else "TRAINING"

    def _model(self, model: _Model) -> dict[str, Any]:
        ready = self._ready(model)
        return {
            "model_id": model.model_id,
            "custom_model_uri": model.uri if ready else None,
            "name": model.name,
            "status": self._status(model),
            "dataset_id": model.dataset_id,
            "creation_time": self._iso(model.created),
            "last_update_time": self._iso(model.ready_at if ready else model.created),
            "is_available_for_generation": ready,
            "is_owned": model.owned,
        }

    @staticmethod
    def _iso(timestamp: float) -> str:
        return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat()


def _no_links(param: str, url: str) -> tuple[str, bytes, str]:
    raise HTTPError(400, f"{param}: cannot fetch {url}: upload the file itself")
