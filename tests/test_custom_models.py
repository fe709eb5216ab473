"""``client.models``: train, list and get custom models."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async import ModelScope, ModelStatus

from .conftest import API, KEY

pytestmark = pytest.mark.anyio

UTC = dt.timezone.utc
CREATED = dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)
GATEWAY = "https://gateway.example/ideogram"

# The spec's examples (openapi-2026-07-02.json).
TRAINING_RUN = {
    "creation_time": "2000-01-23T04:56:07+00:00",
    "last_update_time": "2000-01-23T04:56:07+00:00",
    "lora_rank": 6,
    "num_chips": 1,
    "training_run_id": "training_run_id",
    "ema": 5.962133916683182,
    "training_steps": 0,
    "learning_rate": 5.637376656633329,
    "status": None,
}
CUSTOM_MODEL = {
    "creation_time": "2000-01-23T04:56:07+00:00",
    "last_update_time": "2000-01-23T04:56:07+00:00",
    "is_available_for_generation": True,
    "dataset_id": "dataset_id",
    "name": "name",
    "is_owned": True,
    "training_runs": [TRAINING_RUN, TRAINING_RUN],
    "model_id": "model_id",
    "custom_model_uri": "model/my-custom-model/version/1",
    "status": None,
}
LIST_MODELS = {"models": [CUSTOM_MODEL, CUSTOM_MODEL]}
GET_MODEL = {"model": CUSTOM_MODEL}
TRAIN_MODEL = {
    "training_status": "training_status",
    "model_name": "model_name",
    "dataset_id": "dataset_id",
    "model_id": "model_id",
}


def sent(route: respx.Route) -> httpx.Request:
    """The one request a route saw, checked to carry the official API's auth header."""
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    assert request.headers["Api-Key"] == KEY
    assert "Authorization" not in request.headers
    return request


def check_model(model: ia.CustomModel) -> None:
    """``model`` holds the spec's example ``CustomModel`` (training runs ignored)."""
    assert model.model_id == "model_id"
    assert model.name == "name"
    assert model.dataset_id == "dataset_id"
    assert model.custom_model_uri == "model/my-custom-model/version/1"
    assert model.creation_time == CREATED
    assert model.last_update_time == CREATED
    assert model.is_available_for_generation is True
    assert model.is_owned is True
    assert not hasattr(model, "training_runs")


# --- train -------------------------------------------------------------------------------------


async def test_train_posts_json_and_parses_the_result(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``train`` POSTs the spec's example request as JSON and returns the started run."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/train-model").mock(
        return_value=httpx.Response(200, json=TRAIN_MODEL)
    )
    result = await client.models.train(dataset_id="abc123", model_name="my-custom-model")
    request = sent(route)
    assert request.url == f"{API}/v1/ideogram-v3/train-model"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"dataset_id": "abc123", "model_name": "my-custom-model"}
    assert isinstance(result, ia.TrainModelResponse)
    assert (result.model_id, result.dataset_id, result.model_name, result.training_status) == (
        "model_id",
        "dataset_id",
        "model_name",
        "training_status",
    )


@pytest.mark.parametrize("model_name", ["abcde", "My Model-2", "a" * 30, "12345", "- - -", "A-B C"])
async def test_train_accepts_valid_names(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, model_name: str
) -> None:
    """Names of 5 to 30 letters, digits, spaces and hyphens are sent unchanged."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/train-model").mock(
        return_value=httpx.Response(200, json=TRAIN_MODEL)
    )
    await client.models.train(dataset_id="d", model_name=model_name)
    assert json.loads(sent(route).content)["model_name"] == model_name


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"model_name": "abcd"}, "model_name"),
        ({"model_name": "a" * 31}, "model_name"),
        ({"model_name": "my_model"}, "model_name"),
        ({"model_name": "modèle 1"}, "model_name"),
        ({"model_name": "name.v2"}, "model_name"),
        ({"model_name": "tab\there"}, "model_name"),
        ({"model_name": "good name\n"}, "model_name"),
        ({"model_name": "     "}, "model_name"),
        ({"model_name": ""}, "model_name"),
        ({"model_name": None}, "model_name"),
        ({"model_name": 12345}, "model_name"),
        ({"dataset_id": ""}, "dataset_id"),
        ({"dataset_id": "  "}, "dataset_id"),
        ({"dataset_id": None}, "dataset_id"),
    ],
)
async def test_train_refuses_invalid_input(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, kwargs: dict[str, Any], param: str
) -> None:
    """A bad model name or an empty dataset id is refused, named, before sending."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.models.train(**{"dataset_id": "d", "model_name": "valid name", **kwargs})
    assert info.value.param == param
    assert respx_mock.calls.call_count == 0


async def test_train_extra_body_is_merged(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``extra_body`` adds fields to the training request as sent."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/train-model").mock(
        return_value=httpx.Response(200, json=TRAIN_MODEL)
    )
    await client.models.train(dataset_id="d", model_name="valid name", extra_body={"steps": 500})
    assert json.loads(sent(route).content) == {
        "dataset_id": "d",
        "model_name": "valid name",
        "steps": 500,
    }


async def test_train_402_raises_payment_required(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 402 from ``train`` raises ``PaymentRequiredError`` carrying its ``reject_reason``."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/train-model").mock(
        return_value=httpx.Response(
            402, json={"error": "Not enough credits", "reject_reason": "insufficient_credits"}
        )
    )
    with pytest.raises(ia.PaymentRequiredError) as info:
        await client.models.train(dataset_id="d", model_name="valid name")
    assert info.value.reject_reason == "insufficient_credits"
    assert info.value.error == "Not enough credits"
    assert route.call_count == 1


# --- list --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        pytest.param({}, "", id="no-filter"),
        pytest.param(
            {"scope": "owned", "status": ["TRAINING", "COMPLETED"]},
            "scope=owned&status=TRAINING&status=COMPLETED",
            id="owned-two-statuses",
        ),
        pytest.param(
            {"scope": ModelScope.SHARED, "status": ModelStatus.COMPLETED},
            "scope=shared&status=COMPLETED",
            id="enum-members",
        ),
        pytest.param({"status": "ERRORED"}, "status=ERRORED", id="one-status-string"),
        pytest.param(
            {"status": ("DRAFT", ModelStatus.ARCHIVED)},
            "status=DRAFT&status=ARCHIVED",
            id="status-tuple",
        ),
    ],
)
async def test_list_sends_scope_and_repeated_status(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, kwargs: dict[str, Any], query: str
) -> None:
    """``list`` sends ``scope`` once and ``status`` repeated, as plain values, without a body."""
    route = respx_mock.get(f"{API}/models").mock(return_value=httpx.Response(200, json=LIST_MODELS))
    await client.models.list(**kwargs)
    request = sent(route)
    assert request.url.raw_path == (f"/models?{query}" if query else "/models").encode()
    assert request.content == b""


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"scope": "mine"}, "scope"),
        ({"scope": "OWNED"}, "scope"),
        ({"scope": 1}, "scope"),
        ({"status": "DONE"}, "status"),
        ({"status": "training"}, "status"),
        ({"status": ["COMPLETED", "BROKEN"]}, "status"),
        ({"status": [None]}, "status"),
    ],
)
async def test_list_refuses_unknown_scope_and_status(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, kwargs: dict[str, Any], param: str
) -> None:
    """A scope or status outside its enum is refused, with the allowed values, before sending."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.models.list(**kwargs)
    assert info.value.param == param
    allowed = ("owned", "shared") if param == "scope" else ("TRAINING", "COMPLETED", "ARCHIVED")
    assert all(value in info.value.allowed for value in allowed)
    assert respx_mock.calls.call_count == 0


async def test_list_parses_the_spec_example(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """The spec's example list parses; its ``null`` status stays ``None``, training runs ignored."""
    respx_mock.get(f"{API}/models").mock(return_value=httpx.Response(200, json=LIST_MODELS))
    result = await client.models.list()
    assert isinstance(result, ia.ListModelsResponse)
    assert len(result.models) == 2
    for model in result.models:
        check_model(model)
        assert model.status is None


async def test_list_statuses_known_unknown_and_minimal_models(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Known statuses are enum members, new ones stay strings, optional fields default."""
    minimal = {
        "model_id": "m2",
        "name": "shared one",
        "status": "QUEUED",
        "creation_time": 1709123456,
        "is_available_for_generation": False,
        "is_owned": False,
    }
    respx_mock.get(f"{API}/models").mock(
        return_value=httpx.Response(
            200, json={"models": [{**CUSTOM_MODEL, "status": "COMPLETED"}, minimal]}
        )
    )
    completed, queued = (await client.models.list()).models
    assert completed.status is ModelStatus.COMPLETED
    assert queued.status == "QUEUED"
    assert queued.creation_time == dt.datetime(2024, 2, 28, 12, 30, 56, tzinfo=UTC)
    assert (queued.custom_model_uri, queued.dataset_id, queued.last_update_time) == (
        None,
        None,
        None,
    )


async def test_list_of_no_models(client: ia.AsyncIdeogram, respx_mock: respx.MockRouter) -> None:
    """An empty body (``models`` defaults to ``[]`` in the spec) parses to no models."""
    respx_mock.get(f"{API}/models").mock(return_value=httpx.Response(200, json={}))
    assert (await client.models.list()).models == []


# --- get ---------------------------------------------------------------------------------------


async def test_get_parses_the_spec_example(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``get`` sends ``GET /models/{id}`` and returns the model."""
    route = respx_mock.get(f"{API}/models/model_id").mock(
        return_value=httpx.Response(200, json=GET_MODEL)
    )
    result = await client.models.get("model_id")
    request = sent(route)
    assert request.url.raw_path == b"/models/model_id"
    assert request.content == b""
    assert isinstance(result, ia.GetModelResponse)
    check_model(result.model)


@pytest.mark.parametrize(
    ("model_id", "raw_path"),
    [
        ("a/b c", b"/models/a%2Fb%20c"),
        ("...", b"/models/..."),
        ("x?scope=owned", b"/models/x%3Fscope%3Downed"),
        ("Zm9v-YmFy_YmF6", b"/models/Zm9v-YmFy_YmF6"),
    ],
)
async def test_get_quotes_the_id(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, model_id: str, raw_path: bytes
) -> None:
    """The model id is URL-quoted into one path segment."""
    route = respx_mock.route(method="GET", host="api.ideogram.ai").mock(
        return_value=httpx.Response(200, json=GET_MODEL)
    )
    await client.models.get(model_id)
    assert sent(route).url.raw_path == raw_path


@pytest.mark.parametrize("model_id", ["", "   ", None, 7, ".", ".."])
async def test_get_refuses_empty_id(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, model_id: Any
) -> None:
    """An empty, non-string or dot-segment id (which would leave ``/models/``) is refused."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.models.get(model_id)
    assert info.value.param == "model_id"
    assert respx_mock.calls.call_count == 0


async def test_get_404_raises_not_found(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 404 from ``get`` raises ``NotFoundError`` at once."""
    route = respx_mock.get(f"{API}/models/gone").mock(
        return_value=httpx.Response(404, json={"detail": "Model not found"})
    )
    with pytest.raises(ia.NotFoundError) as info:
        await client.models.get("gone")
    assert info.value.error == "Model not found"
    assert route.call_count == 1


# --- gateways ----------------------------------------------------------------------------------


async def test_gateway_models_use_prefix_and_bearer(respx_mock: respx.MockRouter) -> None:
    """A gateway client trains and lists under its prefix with a bearer token only."""
    train = respx_mock.post(f"{GATEWAY}/v1/ideogram-v3/train-model").mock(
        return_value=httpx.Response(200, json=TRAIN_MODEL)
    )
    listing = respx_mock.get(f"{GATEWAY}/models").mock(
        return_value=httpx.Response(200, json=LIST_MODELS)
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=GATEWAY, auth_scheme="bearer") as gateway:
        await gateway.models.train(dataset_id="d", model_name="valid name")
        await gateway.models.list(scope="owned")
    assert listing.calls.last.request.url == "https://gateway.example/ideogram/models?scope=owned"
    for route in (train, listing):
        request = route.calls.last.request
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert "Api-Key" not in request.headers
