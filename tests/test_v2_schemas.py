"""Every request the v2 methods send validates against its operation's schema in the snapshot."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import ideogram_async as ia
from ideogram_async._v2._fields import OPS, Enum, Field, Op
from ideogram_async._v2._routes import ROUTES
from tests.conftest import PNG
from tests.v2_schema import REQUESTS, check_request, response_schema

pytestmark = pytest.mark.anyio

ASSET = {"asset_type": "UPLOAD", "asset_id": "asset-1"}
_SAMPLES: dict[str, Any] = {
    "str": "16:9",
    "int": 2,
    "num": 0.5,
    "bool": True,
    "asset": ASSET,
    "assets": [ASSET],
    "file": PNG,
    "files": [PNG],
    "palette": "ember",
    "strs": ["0A1B2C3D"],
    "stacked": [{"custom_model_uri": "model/m/version/1", "weight": 0.5}],
}


def _value(field: Field, last: bool) -> Any:
    if isinstance(field.kind, Enum):
        return field.kind.values[-1 if last else 0]
    if field.name == "prompt":
        return "a lighthouse"
    if field.name == "webhook_url":
        return "https://hooks.example/ideogram"
    if field.check == "size_45":
        return "1024x1024"
    if field.check == "multiple_of_16":
        return 1024
    if field.kind == "str" and field.low is not None and field.low > len(_SAMPLES["str"]):
        return "c" * int(field.low)
    return _SAMPLES[field.kind]


def calls(op: Op) -> list[dict[str, Any]]:
    """Argument sets that together use every field of ``op`` once, within its rules."""
    names = {f.name for f in op.fields if f.name != "async"}
    later = {name for name, _ in op.excludes}
    later |= {name for group in op.exactly_one for name in group[1:]}
    required = {f.name for f in op.fields if f.required}
    first = {f.name: _value(f, False) for f in op.fields if f.name in names - later}
    sets = [first]
    for name in sorted(later):
        field = next(f for f in op.fields if f.name == name)
        base = {f.name: _value(f, True) for f in op.fields if f.name in required}
        for group in op.one_of:
            if not any(g in base for g in group):
                base[group[0]] = first.get(group[0], PNG)
        for group in op.exactly_one:
            if name not in group:
                base[group[0]] = first[group[0]]
        sets.append({**base, name: _value(field, True)})
    return sets


def _handler(sent: list[httpx.Request]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        path = request.url.path
        if request.method == "GET":
            status = {"generation_id": "g1", "status": "completed", "created": "2026-12-03T00:00Z"}
            return httpx.Response(200, json={**status, "data": []})
        if request.url.params.get("dry_run") == "true":
            quote = {"object": "price_quote", "billing_identifier": "x", "quantity": 1}
            return httpx.Response(
                200, json={**quote, "usd_micros": 1, "credit_millis": 1, "qualifier": "exact"}
            )
        if "/describe/" in path:
            body = {"created": "2026-12-03T00:00Z", "description_id": "d1"}
            return httpx.Response(200, json={**body, "descriptions": [], "json_prompt": {}})
        return httpx.Response(200, json={"generation_id": "g1", "seed": 1, "data": []})

    return handle


def _client(sent: list[httpx.Request]) -> ia.AsyncIdeogram:
    async def no_sleep(_: float) -> None:
        return None

    client = ia.AsyncIdeogram(
        api_key="k",
        base_url="https://api.ideogram.ai",
        transport=httpx.MockTransport(_handler(sent)),
        sleep=no_sleep,
    )
    client.jobs.first_poll_delay = 0
    return client


_BOUNDS = {
    "int": ("minimum", "maximum"),
    "num": ("minimum", "maximum"),
    "str": ("minLength", "maxLength"),
    "assets": ("minItems", "maxItems"),
    "stacked": ("minItems", "maxItems"),
}


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.path)
def test_field_limits_are_the_snapshots(op: Op) -> None:
    """Every field's low and high are exactly the raw snapshot's limits, no more, no fewer."""
    limits = REQUESTS[op.path].get("limits", {})
    route = ROUTES["/v2/" + op.path]
    for field in op.fields:
        stated = limits.get(field.name, {})
        if field.kind == "files":
            assert (route.files.get(field.name) or None) == stated.get("maxItems"), field.name
            continue
        if isinstance(field.kind, Enum) or field.kind not in _BOUNDS:
            assert (field.low, field.high) == (None, None), field.name
            continue
        low, high = _BOUNDS[field.kind]
        assert (field.low, field.high) == (stated.get(low), stated.get(high)), field.name
        if field.kind in ("int", "num") and stated:
            assert (field.kind == "int") == (stated.get("type") == "integer"), field.name
    assert set(limits) <= {f.name for f in op.fields}


def test_every_typed_operation_has_a_schema() -> None:
    """The test data holds a schema for every operation the SDK types, and no other."""
    assert {op.path for op in OPS} == set(REQUESTS)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.path)
async def test_requests_match_the_schema(op: Op) -> None:
    """Run, submit and quote forms of an operation send bodies its schema accepts."""
    route = ROUTES["/v2/" + op.path]
    sent: list[httpx.Request] = []
    async with _client(sent) as client:
        for kwargs in calls(op):
            no_hook = {k: v for k, v in kwargs.items() if k != "webhook_url"}
            await getattr(client.v2, op.method)(**no_hook)
            if route.mode != "sync":
                job = await getattr(client.v2.submit, op.method)(**kwargs)
                assert job.id == "g1"
            if route.dry_run:
                quote = await getattr(client.v2.quote, op.method)(**no_hook)
                assert quote.usd_micros == 1
    posts = [r for r in sent if r.method == "POST"]
    assert posts
    for request in posts:
        body = check_request(op.path, request)
        if route.mode == "opt" and request.url.params.get("dry_run") != "true":
            assert body.get("async") in (None, True)
        if request.url.params.get("dry_run") == "true":
            assert "async" not in body
            assert "webhook_url" not in body


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.path)
async def test_every_field_is_sent_once_somewhere(op: Op) -> None:
    """Across the argument sets, every field of the operation reaches the wire."""
    sent: list[httpx.Request] = []
    route = ROUTES["/v2/" + op.path]
    async with _client(sent) as client:
        for kwargs in calls(op):
            if route.mode == "sync":
                await getattr(client.v2, op.method)(**kwargs)
            else:
                await getattr(client.v2.submit, op.method)(**kwargs)
    seen: set[str] = set()
    for request in sent:
        if request.method == "POST":
            seen |= set(check_request(op.path, request))
    assert seen >= {f.name for f in op.fields}


async def test_asset_identifiers_travel_as_json_parts() -> None:
    """With a file in the body, asset identifiers and palettes go as application/json parts."""
    from tests.conftest import multipart_parts

    sent: list[httpx.Request] = []
    async with _client(sent) as client:
        await client.v2.generate_ideogram_3(
            prompt="p",
            color_palette="ember",
            style_reference_images=[PNG],
            style_reference_asset_identifiers=[ASSET],
        )
    parts = {name: (ctype, content) for name, _, ctype, content in multipart_parts(sent[0])}
    assert parts["color_palette"] == ("application/json", b'{"name": "ember"}')
    ctype, content = parts["style_reference_asset_identifiers"]
    assert ctype == "application/json"
    assert json.loads(content) == [ASSET]
    assert parts["style_reference_images"][0] == "image/png"


async def test_without_files_the_body_is_json() -> None:
    """A request with no file goes as a JSON body, asset identifiers inline."""
    sent: list[httpx.Request] = []
    async with _client(sent) as client:
        await client.v2.generate_ideogram_4_5(prompt="p", image_asset_identifiers=[ASSET])
    assert sent[0].headers["content-type"] == "application/json"
    assert json.loads(sent[0].read()) == {"prompt": "p", "image_asset_identifiers": [ASSET]}


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("image/generate/ideogram-4-5", "generate/ideogram-4-5"),
        ("image/generate/ideogram-3", "generate"),
        ("image/upscale/topaz-bloom-2", "upscale"),
        ("image/describe/ideogram-3", "describe/ideogram-3"),
        ("image/describe/ideogram-4", "describe/ideogram-4"),
        ("design/layerize/ideogram-3", "layerize"),
        ("image/inpaint/ideogram-3", "inpaint"),
    ],
)
async def test_emulator_answers_in_the_snapshots_shapes(path: str, key: str) -> None:
    """The emulator's synchronous answers and job statuses match the snapshot's schemas."""
    import jsonschema

    from ideogram_async.testing import Emulator

    emulator = Emulator()
    op = next(o for o in OPS if o.path == path)
    kwargs = {k: v for k, v in calls(op)[0].items() if k != "webhook_url"}
    async with emulator.client() as client:
        client.jobs.first_poll_delay = 0
        result = await getattr(client.v2, op.method)(**kwargs)
        assert result.response is not None
        jsonschema.validate(result.response.json(), response_schema(key))
        if ROUTES["/v2/" + path].mode != "sync":
            job = await getattr(client.v2.submit, op.method)(**kwargs)
            status = await job.poll()
            assert status.status == "completed"
            assert status.response is not None
            jsonschema.validate(status.response.json(), response_schema("GenerationResponse"))
