"""``client.datasets``: list, create, get and upload_assets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async import AssetType, DatasetAssetFailureReason

from .conftest import API, JPEG, KEY, PNG, WEBP, multipart_parts

pytestmark = pytest.mark.anyio

UTC = dt.timezone.utc
CREATED = dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)
GATEWAY = "https://gateway.example/ideogram"
ZIP = b"PK\x03\x04" + b"\x00" * 26

# The spec's examples (openapi-2026-07-02.json).
DATASET = {
    "creation_time": "2000-01-23T04:56:07+00:00",
    "user_id": "user_id",
    "dataset_id": "dataset_id",
    "name": "name",
    "cover_asset_identifier": {"asset_type": "RESPONSE", "asset_id": "7uS_VESkRI6O3-sVgHQp_A"},
}
LIST_DATASETS = {"datasets": [DATASET, DATASET]}
GET_DATASET = {
    "file_count": 0,
    "custom_model_ids": ["custom_model_ids", "custom_model_ids"],
    "files": [
        {"file_name": "file_name", "file_size_bytes": 6},
        {"file_name": "file_name", "file_size_bytes": 6},
    ],
    "dataset": DATASET,
}
UPLOADED = {
    "asset_identifier": {"asset_type": "RESPONSE", "asset_id": "7uS_VESkRI6O3-sVgHQp_A"},
    "file_name": "file_name",
}
UPLOAD_ASSETS = {
    "successful_assets": [UPLOADED, UPLOADED],
    "total_count": 0,
    "failed_assets": [
        {"file_name": "file_name", "failure_reason": None},
        {"file_name": "file_name", "failure_reason": None},
    ],
    "success_count": 6,
    "failure_count": 1,
}


def sent(route: respx.Route) -> httpx.Request:
    """The one request a route saw, checked to carry the official API's auth header."""
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    assert request.headers["Api-Key"] == KEY
    assert "Authorization" not in request.headers
    return request


def check_dataset(dataset: ia.Dataset) -> None:
    """``dataset`` holds the spec's example ``Dataset``."""
    assert dataset.dataset_id == "dataset_id"
    assert dataset.name == "name"
    assert dataset.user_id == "user_id"
    assert dataset.creation_time == CREATED
    assert dataset.cover_asset_identifier == ia.AssetIdentifier(
        AssetType.RESPONSE, "7uS_VESkRI6O3-sVgHQp_A"
    )


# --- list and create ---------------------------------------------------------------------------


async def test_list_gets_datasets_and_parses_the_spec_example(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``list`` sends a bodiless ``GET /datasets`` and returns typed datasets."""
    route = respx_mock.get(f"{API}/datasets").mock(
        return_value=httpx.Response(200, json=LIST_DATASETS)
    )
    result = await client.datasets.list()
    request = sent(route)
    assert request.url == f"{API}/datasets"
    assert request.content == b""
    assert isinstance(result, ia.ListDatasetsResponse)
    assert len(result.datasets) == 2
    for dataset in result.datasets:
        check_dataset(dataset)
    assert result.response is not None


async def test_list_of_no_datasets(client: ia.AsyncIdeogram, respx_mock: respx.MockRouter) -> None:
    """An empty list parses to no datasets; a dataset without a cover has ``None``."""
    bare = {k: v for k, v in DATASET.items() if k != "cover_asset_identifier"}
    respx_mock.get(f"{API}/datasets").mock(
        side_effect=[
            httpx.Response(200, json={"datasets": []}),
            httpx.Response(200, json={"datasets": [bare]}),
        ]
    )
    assert (await client.datasets.list()).datasets == []
    [dataset] = (await client.datasets.list()).datasets
    assert dataset.cover_asset_identifier is None


async def test_create_posts_name_and_returns_the_dataset(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``create`` POSTs ``{"name": ...}`` as JSON and returns the new dataset."""
    route = respx_mock.post(f"{API}/datasets").mock(
        return_value=httpx.Response(200, json={**DATASET, "a_new_field": [1, 2]})
    )
    result = await client.datasets.create(name="Product shots 2025")
    request = sent(route)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"name": "Product shots 2025"}
    assert isinstance(result, ia.Dataset)
    check_dataset(result)


async def test_create_extra_body_is_merged(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``extra_body`` adds fields to the JSON body as sent."""
    route = respx_mock.post(f"{API}/datasets").mock(return_value=httpx.Response(200, json=DATASET))
    await client.datasets.create(name="set", extra_body={"description": "new", "name": ""})
    assert json.loads(sent(route).content) == {"name": "", "description": "new"}


@pytest.mark.parametrize("name", ["", "   ", None, 5])
async def test_create_refuses_bad_name(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, name: Any
) -> None:
    """An empty or non-string name is refused as ``name`` before sending."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.datasets.create(name=name)
    assert info.value.param == "name"
    assert respx_mock.calls.call_count == 0


# --- get ---------------------------------------------------------------------------------------


async def test_get_parses_the_spec_example(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``get`` sends ``GET /datasets/{id}`` and returns the dataset, its files and models."""
    route = respx_mock.get(f"{API}/datasets/ds_123").mock(
        return_value=httpx.Response(200, json=GET_DATASET)
    )
    result = await client.datasets.get("ds_123")
    request = sent(route)
    assert request.url.raw_path == b"/datasets/ds_123"
    assert request.content == b""
    assert isinstance(result, ia.GetDatasetResponse)
    check_dataset(result.dataset)
    assert result.file_count == 0
    assert result.files == [ia.DatasetFile("file_name", 6), ia.DatasetFile("file_name", 6)]
    assert result.custom_model_ids == ["custom_model_ids", "custom_model_ids"]


async def test_get_without_optional_lists(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Missing ``files`` and ``custom_model_ids`` default to empty; new asset types stay text."""
    dataset = {**DATASET, "cover_asset_identifier": {"asset_type": "HOLOGRAM", "asset_id": "a"}}
    respx_mock.get(f"{API}/datasets/x").mock(
        return_value=httpx.Response(200, json={"dataset": dataset, "file_count": 3})
    )
    result = await client.datasets.get("x")
    assert (result.files, result.custom_model_ids, result.file_count) == ([], [], 3)
    assert result.dataset.cover_asset_identifier is not None
    assert result.dataset.cover_asset_identifier.asset_type == "HOLOGRAM"


@pytest.mark.parametrize(
    ("dataset_id", "raw_path"),
    [
        ("a/b c", b"/datasets/a%2Fb%20c"),
        ("../models", b"/datasets/..%2Fmodels"),
        ("id?x=1#f", b"/datasets/id%3Fx%3D1%23f"),
        ("7uS_VESkRI6O3-sVgHQp_A", b"/datasets/7uS_VESkRI6O3-sVgHQp_A"),
    ],
)
async def test_get_quotes_the_id(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, dataset_id: str, raw_path: bytes
) -> None:
    """The dataset id is URL-quoted into one path segment."""
    route = respx_mock.route(method="GET", host="api.ideogram.ai").mock(
        return_value=httpx.Response(200, json=GET_DATASET)
    )
    await client.datasets.get(dataset_id)
    request = sent(route)
    assert request.url.raw_path == raw_path
    assert request.url.query == b""


@pytest.mark.parametrize("dataset_id", ["", "  ", None, 42, ".", ".."])
async def test_get_refuses_empty_id(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, dataset_id: Any
) -> None:
    """An empty, non-string or dot-segment id (which would leave ``/datasets/``) is refused."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.datasets.get(dataset_id)
    assert info.value.param == "dataset_id"
    assert respx_mock.calls.call_count == 0


async def test_get_404_raises_not_found(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 404 from ``get`` raises ``NotFoundError`` at once, with the server's text."""
    route = respx_mock.get(f"{API}/datasets/missing").mock(
        return_value=httpx.Response(404, json={"error": "Dataset not found"})
    )
    with pytest.raises(ia.NotFoundError) as info:
        await client.datasets.get("missing")
    assert info.value.status_code == 404
    assert info.value.error == "Dataset not found"
    assert route.call_count == 1


# --- upload_assets -----------------------------------------------------------------------------


async def test_upload_assets_repeats_files_parts(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    """``upload_assets`` sends every file as a ``files`` part with its name and sniffed type."""
    webp = tmp_path / "beach.webp"
    webp.write_bytes(WEBP)
    route = respx_mock.post(f"{API}/datasets/ds_123/upload_assets").mock(
        return_value=httpx.Response(200, json=UPLOAD_ASSETS)
    )
    with (tmp_path / "beach.webp").open("rb") as handle:
        await client.datasets.upload_assets(
            "ds_123",
            files=[
                PNG,
                ("sunset.jpg", JPEG),
                ("sunset.txt", b"a sunset over the sea"),
                ("more.zip", ZIP),
                webp,
                handle,
            ],
        )
    request = sent(route)
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert multipart_parts(request) == [
        ("files", "files.png", "image/png", PNG),
        ("files", "sunset.jpg", "image/jpeg", JPEG),
        ("files", "sunset.txt", "text/plain", b"a sunset over the sea"),
        ("files", "more.zip", "application/zip", ZIP),
        ("files", "beach.webp", "image/webp", WEBP),
        ("files", "beach.webp", "image/webp", WEBP),
    ]


async def test_upload_assets_single_file_quoted_id_and_extra_body(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """One file is a list of one, the id is quoted, and ``extra_body`` adds a form field."""
    route = respx_mock.route(method="POST", host="api.ideogram.ai").mock(
        return_value=httpx.Response(200, json=UPLOAD_ASSETS)
    )
    await client.datasets.upload_assets(
        "my set/1", files=("a.png", PNG), extra_body={"caption_mode": "auto"}
    )
    request = sent(route)
    assert request.url.raw_path == b"/datasets/my%20set%2F1/upload_assets"
    assert multipart_parts(request) == [
        ("caption_mode", None, None, b"auto"),
        ("files", "a.png", "image/png", PNG),
    ]


async def test_upload_assets_parses_the_spec_example(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """The upload result lists accepted and refused files; a null reason parses as ``None``."""
    respx_mock.post(f"{API}/datasets/d/upload_assets").mock(
        return_value=httpx.Response(200, json=UPLOAD_ASSETS)
    )
    result = await client.datasets.upload_assets("d", files=PNG)
    assert isinstance(result, ia.UploadDatasetAssetsResponse)
    assert (result.total_count, result.success_count, result.failure_count) == (0, 6, 1)
    assert (
        result.successful_assets
        == [
            ia.UploadedAsset(
                ia.AssetIdentifier(AssetType.RESPONSE, "7uS_VESkRI6O3-sVgHQp_A"), "file_name"
            )
        ]
        * 2
    )
    assert [a.file_name for a in result.failed_assets] == ["file_name", "file_name"]
    assert all(a.failure_reason is None for a in result.failed_assets)


async def test_upload_assets_keeps_unknown_reasons_and_ignores_unknown_fields(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Known failure reasons become enum members, new ones stay strings, new fields are ignored."""
    body = {
        "total_count": 3,
        "success_count": 1,
        "failure_count": 2,
        "processing_ms": 1234,
        "successful_assets": [{"asset_identifier": {"asset_type": "UPLOAD", "asset_id": "u1"}}],
        "failed_assets": [
            {"file_name": "a.gif", "failure_reason": "INVALID_IMAGE"},
            {"failure_reason": "DUPLICATE_IMAGE", "detail": "seen before"},
        ],
    }
    respx_mock.post(f"{API}/datasets/d/upload_assets").mock(
        return_value=httpx.Response(200, json=body)
    )
    result = await client.datasets.upload_assets("d", files=[PNG, PNG, PNG])
    assert result.successful_assets == [
        ia.UploadedAsset(ia.AssetIdentifier(AssetType.UPLOAD, "u1"), None)
    ]
    invalid, duplicate = result.failed_assets
    assert invalid.failure_reason is DatasetAssetFailureReason.INVALID_IMAGE
    assert (duplicate.file_name, duplicate.failure_reason) == (None, "DUPLICATE_IMAGE")


@pytest.mark.parametrize(
    ("dataset_id", "files", "param"),
    [
        ("d", [], "files"),
        ("d", None, "files"),
        ("d", [PNG, 3], "files"),
        ("d", [b"GIF89a..."], "files"),
        ("d", [("notes.doc", b"hello")], "files"),
        ("d", ("caption.md", b"hello"), "files"),
        ("", PNG, "dataset_id"),
        ("   ", PNG, "dataset_id"),
        (None, PNG, "dataset_id"),
        ("..", PNG, "dataset_id"),
        (".", PNG, "dataset_id"),
    ],
    ids=[
        "no-files",
        "none",
        "not-a-file",
        "gif",
        "doc",
        "markdown",
        "empty-id",
        "blank-id",
        "none-id",
        "dotdot-id",
        "dot-id",
    ],
)
async def test_upload_assets_refuses_bad_input(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    dataset_id: Any,
    files: Any,
    param: str,
) -> None:
    """Files that are not images, captions or ZIPs, or a bad id, are refused before sending."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.datasets.upload_assets(dataset_id, files=files)
    assert info.value.param == param
    assert respx_mock.calls.call_count == 0


async def test_upload_assets_422_raises_unprocessable_entity(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 422 from ``upload_assets`` raises ``UnprocessableEntityError`` with the ``error`` text."""
    route = respx_mock.post(f"{API}/datasets/d/upload_assets").mock(
        return_value=httpx.Response(422, json={"error": "Dataset is full (100 images)."})
    )
    with pytest.raises(ia.UnprocessableEntityError) as info:
        await client.datasets.upload_assets("d", files=PNG)
    assert info.value.error == "Dataset is full (100 images)."
    assert route.call_count == 1


# --- gateways ----------------------------------------------------------------------------------


async def test_gateway_dataset_calls_use_prefix_and_bearer(respx_mock: respx.MockRouter) -> None:
    """A gateway client lists and gets datasets under its prefix with a bearer token only."""
    listing = respx_mock.get(f"{GATEWAY}/datasets").mock(
        return_value=httpx.Response(200, json=LIST_DATASETS)
    )
    one = respx_mock.get(f"{GATEWAY}/datasets/ds_1").mock(
        return_value=httpx.Response(200, json=GET_DATASET)
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=GATEWAY, auth_scheme="bearer") as gateway:
        await gateway.datasets.list()
        await gateway.datasets.get("ds_1")
    for route in (listing, one):
        request = route.calls.last.request
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert "Api-Key" not in request.headers
    assert one.calls.last.request.url == "https://gateway.example/ideogram/datasets/ds_1"
