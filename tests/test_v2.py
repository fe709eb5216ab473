"""client.v2: validation before sending, quotes only where declared, notices, usage, any route."""

from __future__ import annotations

import json
import warnings
from decimal import Decimal
from typing import Any

import httpx
import pytest

import ideogram_async as ia
from ideogram_async._v2 import _notices
from ideogram_async.testing import Emulator
from tests.conftest import PNG

pytestmark = pytest.mark.anyio

API = "https://api.ideogram.ai"


def recording(answer: dict[str, Any], sent: list[httpx.Request], **headers: str) -> Any:
    """A client answering every request with ``answer`` and recording what it sent."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answer, headers=headers)

    async def no_sleep(_: float) -> None:
        return None

    return ia.AsyncIdeogram(
        api_key="k", base_url=API, transport=httpx.MockTransport(handle), sleep=no_sleep
    )


@pytest.mark.parametrize(
    ("call", "param", "allowed"),
    [
        (lambda v2: v2.generate_ideogram_4_5(prompt="p", quality="ultra"), "quality", "very_low"),
        (lambda v2: v2.generate_ideogram_4_5(prompt="p", num_images=9), "num_images", "1 to 8"),
        (lambda v2: v2.generate_ideogram_4_5(prompt=""), "prompt", "non-empty"),
        (lambda v2: v2.generate_ideogram_4_5(prompt="x" * 10_001), "prompt", "10000"),
        (
            lambda v2: v2.generate_ideogram_3(prompt="p", rendering_speed="TURBO"),
            "rendering_speed",
            "turbo",
        ),
        (
            lambda v2: v2.generate_nano_banana_2(prompt="p", aspect_ratio="16x9"),
            "aspect_ratio",
            "16:9",
        ),
        (
            lambda v2: v2.generate_ideogram_3(
                prompt="p", style_preset="bauhaus", style_codes=["AAAAAAAA"]
            ),
            "style_preset",
            "style_codes",
        ),
        (
            lambda v2: v2.generate_ideogram_3(
                prompt="p", aspect_ratio="1x1", resolution="1024x1024"
            ),
            "aspect_ratio",
            "resolution",
        ),
        (
            lambda v2: v2.generate_ideogram_3_character(prompt="p"),
            "character_reference_images",
            "exactly one",
        ),
        (lambda v2: v2.remix_ideogram_4(prompt="p"), "image", "image_asset_identifier"),
        (lambda v2: v2.generate_ideogram_4_5(prompt="p", images=[PNG] * 6), "images", "at most 5"),
        (
            lambda v2: v2.generate_ideogram_4_5(prompt="p", images=[b"GIF89a"]),
            "images",
            "PNG, JPEG or WebP",
        ),
        (
            lambda v2: v2.generate_ideogram_3(prompt="p", color_palette="EMBER"),
            "color_palette",
            "ember",
        ),
        (
            lambda v2: v2.upscale_auto(image_asset_identifier={"asset_type": "X", "asset_id": "a"}),
            "asset_type",
            "UPLOAD",
        ),
    ],
)
async def test_invalid_input_is_refused_before_sending(call: Any, param: str, allowed: str) -> None:
    """A bad value raises IdeogramValidationError naming the parameter and what it takes."""
    sent: list[httpx.Request] = []
    async with recording({}, sent) as client:
        with pytest.raises(ia.IdeogramValidationError) as caught:
            await call(client.v2)
    assert param in caught.value.param
    assert allowed in str(caught.value)
    assert sent == []


ASSET = {"asset_type": "UPLOAD", "asset_id": "a"}
SOURCE = {"image_asset_identifier": ASSET}
STACKED = "stacked_custom_models"

# (method, other arguments, parameter, a value on the bound, one past it, the range stated),
# each limit as the raw snapshot (spec/openapi.json @ e312b23) states it.
EDGES: list[tuple[str, dict[str, Any], str, Any, Any, str]] = [
    ("upscale_topaz_redefine", SOURCE, "denoise", 1, 1.01, "a number from 0 to 1"),
    ("upscale_topaz_redefine", SOURCE, "denoise", 0, -0.01, "a number from 0 to 1"),
    ("upscale_topaz_redefine", SOURCE, "detail_strength", 10, 10.5, "a number from 0 to 10"),
    ("upscale_topaz_redefine", SOURCE, "texture", 1, 0, "an integer from 1 to 5"),
    ("upscale_topaz_standard_2", SOURCE, "strength", 0.01, 0.009, "a number from 0.01 to 1"),
    ("upscale_topaz_bloom_2", SOURCE, "creativity", 9, 10, "an integer from 1 to 9"),
    ("upscale_topaz_bloom_2", SOURCE, "prompt", "x" * 1024, "x" * 1025, "at most 1024 characters"),
    ("upscale_nano_banana_pro", SOURCE, "prompt", "x" * 2000, "x" * 2001, "at most 2000"),
    ("generate_ideogram_4", {"prompt": "p"}, "num_images", 8, 9, "an integer from 1 to 8"),
    ("generate_z_image", {"prompt": "p"}, "num_inference_steps", 128, 129, "from 1 to 128"),
    (
        "generate_gpt_image_2",
        {"prompt": "p"},
        "image_asset_identifiers",
        [ASSET] * 16,
        [ASSET] * 17,
        "from 1 to 16 identifiers",
    ),
    (
        "generate_ideogram_3",
        {"prompt": "p"},
        "style_reference_asset_identifiers",
        [ASSET],
        [],
        "from 1 to 10",
    ),
    (
        "generate_ideogram_4_custom_model",
        {"prompt": "p", "custom_model_uri": "model/m/version/1"},
        STACKED,
        [{"custom_model_uri": "model/a/version/1", "weight": 1e-6}],
        [{"custom_model_uri": "model/a/version/1", "weight": 0}],
        "greater than 0",
    ),
    (
        "generate_ideogram_4_custom_model",
        {"prompt": "p", "custom_model_uri": "model/m/version/1"},
        STACKED,
        [{"custom_model_uri": f"model/a/version/{i}"} for i in range(4)],
        [{"custom_model_uri": f"model/a/version/{i}"} for i in range(5)],
        "from 1 to 4 models",
    ),
    ("remix_ideogram_4", {"prompt": "p", **SOURCE}, "image_weight", 100, 101, "from 1 to 100"),
    ("reframe_nano_banana_2", {**SOURCE, "aspect_ratio": "16:9"}, "num_images", 4, 5, "1 to 4"),
    ("reframe_auto", SOURCE, "aspect_ratio", "1:1", "1:", "from 3 to 21 characters"),
    ("replace_background_ideogram_3", SOURCE, "prompt", "x" * 4000, "x" * 4001, "1 to 4000"),
    ("generate_auto", {"prompt": "p"}, "category_id", "c" * 22, "c" * 23, "exactly 22"),
]


@pytest.mark.parametrize(
    ("method", "base", "param", "bound", "past", "allowed"),
    EDGES,
    ids=[
        f"{e[0]}-{e[2]}-{e[3] if not isinstance(e[3], (str, list)) else len(e[3])}" for e in EDGES
    ],
)
async def test_limits_take_the_bound_and_refuse_one_past_it(
    method: str, base: dict[str, Any], param: str, bound: Any, past: Any, allowed: str
) -> None:
    """A value on the snapshot's bound is sent; one past it is refused before any request."""
    sent: list[httpx.Request] = []
    async with recording({"generation_id": "g"}, sent) as client:
        call = getattr(client.v2.submit, method)
        await call(**base, **{param: bound})
        assert len(sent) == 1
        with pytest.raises(ia.IdeogramValidationError) as caught:
            await call(**base, **{param: past})
    assert caught.value.param.startswith(param)
    assert allowed in str(caught.value)
    assert len(sent) == 1


async def test_emulator_refuses_out_of_range_values_like_the_sdk() -> None:
    """The emulator checks through the same table: 422 one past a bound, accepted on it."""
    emulator = Emulator()
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:
        path = "/v2/image/upscale/topaz-standard-2"
        answers = [
            await http.post(
                path,
                json={"image_asset_identifier": ASSET, "strength": strength, "async": True},
                headers={"Api-Key": "k"},
            )
            for strength in (0.01, 0.009)
        ]
    assert [a.status_code for a in answers] == [200, 422]
    assert "from 0.01 to 1" in answers[1].json()["error"]


async def test_ideogram_4_5_sizes_within_the_limits_are_sent() -> None:
    """auto, source and WxH sizes inside the documented limits pass as given."""
    sent: list[httpx.Request] = []
    answer = {"generation_id": "g", "seed": 1, "generation_kind": "sampling", "data": []}
    async with recording(answer, sent) as client:
        for size in ("auto", "source", "2048x2048", "1536x1024", "2304x384"):
            await client.v2.generate_ideogram_4_5(prompt="p", size=size)
    assert [json.loads(r.read())["size"] for r in sent] == [
        "auto",
        "source",
        "2048x2048",
        "1536x1024",
        "2304x384",
    ]


async def test_file_size_limits_are_per_field() -> None:
    """Describe takes 10 MB; precise edit takes the same image (its limit is 50 MB)."""
    big = PNG + b"\x00" * (11 * 1024 * 1024)
    sent: list[httpx.Request] = []
    answer = {"generation_id": "g", "seed": 1, "generation_kind": "sampling", "data": []}
    async with recording(answer, sent) as client:
        with pytest.raises(ia.IdeogramValidationError, match="10 MB"):
            await client.v2.describe_ideogram_3(image=big)
        await client.v2.precise_edit_ideogram_4_5(prompt="p", image=big)
    assert len(sent) == 1


async def test_image_sizes_are_those_each_operation_states() -> None:
    """25 MB on remove-background, 50 MB on the upscalers: one byte past 25 MB splits them."""
    at_25 = PNG + b"\x00" * (25 * 1024 * 1024 - len(PNG))
    past_25 = at_25 + b"\x00"
    sent: list[httpx.Request] = []
    async with recording({"generation_id": "g"}, sent) as client:
        await client.v2.submit.remove_background_ideogram_1(image=at_25)
        with pytest.raises(ia.IdeogramValidationError, match="25 MB") as caught:
            await client.v2.submit.remove_background_ideogram_1(image=past_25)
        await client.v2.submit.upscale_auto(image=past_25)
    assert caught.value.param == "image"
    assert len(sent) == 2


async def test_replace_background_takes_formats_beyond_png_jpeg_webp() -> None:
    """Replace-background states HEIF, AVIF, GIF...: the SDK leaves the format to the server."""
    heif = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64
    sent: list[httpx.Request] = []
    async with recording({"generation_id": "g"}, sent) as client:
        await client.v2.submit.replace_background_ideogram_3(prompt="a beach", image=heif)
        with pytest.raises(ia.IdeogramValidationError, match="PNG, JPEG or WebP"):
            await client.v2.submit.remove_background_ideogram_1(image=heif)
    assert len(sent) == 1


async def test_quote_sends_dry_run_and_reads_the_quote() -> None:
    """A quote is a POST with ?dry_run=true and no async field; it reads as PriceQuote."""
    sent: list[httpx.Request] = []
    quote = {
        "object": "price_quote",
        "billing_identifier": "ideogram_4_5_generate",
        "quantity": 1,
        "usd_micros": 60000,
        "credit_millis": 6000,
        "qualifier": "exact",
    }
    async with recording(quote, sent) as client:
        result = await client.v2.quote.generate_ideogram_4_5(prompt="p")
    assert result == ia.PriceQuote("ideogram_4_5_generate", 1, 60000, 6000, "exact")
    assert sent[0].url.params["dry_run"] == "true"
    assert "async" not in json.loads(sent[0].read())


async def test_operations_without_dry_run_cannot_be_quoted() -> None:
    """describe and the tools that do not declare dry_run have no quote; nothing is sent."""
    sent: list[httpx.Request] = []
    async with recording({}, sent) as client:
        assert not hasattr(client.v2.quote, "describe_ideogram_3")
        for path in ("image/describe/ideogram-4", "tool/packshots", "workflow/lookbook"):
            with pytest.raises(ia.IdeogramValidationError, match="dry_run"):
                await client.v2.quote_operation(path, fields={"prompt": "p"})
    assert sent == []


async def test_generic_submission_is_checked_against_the_route_table() -> None:
    """submit_operation knows the route, its file fields and their limits."""
    sent: list[httpx.Request] = []
    async with recording({"generation_id": "g7"}, sent) as client:
        with pytest.raises(ia.IdeogramValidationError, match="route"):
            await client.v2.submit_operation("tool/does-not-exist")
        with pytest.raises(ia.IdeogramValidationError, match="masks"):
            await client.v2.submit_operation("tool/colorways", files={"masks": [PNG] * 5})
        with pytest.raises(ia.IdeogramValidationError, match="file field"):
            await client.v2.submit_operation("tool/vectorizer", files={"mask": PNG})
        with pytest.raises(ia.IdeogramValidationError, match="async"):
            await client.v2.submit_operation("tool/vectorizer", fields={"async": True})
        with pytest.raises(ia.IdeogramValidationError, match="answers at once"):
            await client.v2.submit_operation("image/describe/ideogram-3", files={"image": PNG})
        job = await client.v2.submit_operation(
            "/v2/video/generate/kling-3-standard-text-to-video",
            fields={"prompt": "waves", "duration": 5},
            webhook_url="https://hooks.example/x",
        )
    assert job.id == "g7"
    assert len(sent) == 1
    assert json.loads(sent[0].read()) == {
        "prompt": "waves",
        "duration": 5,
        "webhook_url": "https://hooks.example/x",
    }


async def test_generic_submission_of_a_typed_route_is_validated_as_typed() -> None:
    """A typed route reached generically still has its fields checked."""
    sent: list[httpx.Request] = []
    async with recording({"generation_id": "g"}, sent) as client:
        with pytest.raises(ia.IdeogramValidationError, match="quality"):
            await client.v2.submit_operation(
                "image/generate/ideogram-4-5", fields={"prompt": "p", "quality": "ultra"}
            )
        await client.v2.submit_operation("image/generate/ideogram-4-5", fields={"prompt": "p"})
    assert json.loads(sent[0].read()) == {"prompt": "p", "async": True}


async def test_a_200_carrying_an_error_is_a_typed_error() -> None:
    """remove-background's 200 with error and status_code raises ResponseBodyError."""
    sent: list[httpx.Request] = []
    async with recording({"error": "upstream failed", "status_code": 502}, sent) as client:
        with pytest.raises(ia.ResponseBodyError) as caught:
            await client.v2.remove_background_ideogram_1(image=PNG)
    assert caught.value.reported_status == 502
    assert caught.value.error == "upstream failed"
    assert caught.value.maybe_billed


async def test_successor_and_deprecation_warn_once_per_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Link successor-version, Deprecation and notice give one DeprecationWarning per route."""
    monkeypatch.setattr(_notices, "_warned", set())
    sent: list[httpx.Request] = []
    body = {
        "created": "2026-01-01T00:00:00Z",
        "data": [],
        "notice": "Use POST /v2/image/inpaint/ideogram-3",
    }
    headers = {
        "Link": '<https://api.ideogram.ai/v2/image/inpaint/ideogram-3>; rel="successor-version"',
        "Deprecation": "@1777420800",
    }
    async with recording(body, sent, **headers) as client:
        with pytest.warns(DeprecationWarning, match="successor|deprecated") as record:
            await client.v3.inpaint(prompt="p", image=PNG, mask=PNG)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            await client.v3.inpaint(prompt="p", image=PNG, mask=PNG)
    assert len([w for w in record if w.category is DeprecationWarning]) == 1
    assert "/v2/image/inpaint/ideogram-3" in str(record[0].message)


async def test_account_usage_keeps_money_exact() -> None:
    """Usage costs are Decimal as sent, and integer USD micros in sum."""
    sent: list[httpx.Request] = []
    line = {
        "product": "generate",
        "endpoint": "/v2/image/generate/ideogram-4-5",
        "description": "Ideogram 4.5",
        "cost_total": "0.100000",
        "currency_code": "USD",
        "source": "api",
        "billed_units": {"quantity": "1", "unit": "image", "unit_price": "0.1"},
        "api_key": {"id": "key1", "label": "ci"},
    }
    bucket = {"start_time": "2026-12-01T00:00:00Z", "end_time": "2026-12-02T00:00:00Z"}
    answer = {"buckets": [{**bucket, "line_items": [line, {**line, "cost_total": "0.2000005"}]}]}
    async with recording(answer, sent) as client:
        report = await client.v2.account_usage(start_time="2026-12-01T00:00:00Z", sources=["api"])
    item = report.buckets[0].line_items[0]
    assert item.cost_total == Decimal("0.100000")
    assert item.cost_usd_micros == 100_000
    assert report.cost_usd_micros == 100_000 + 200_001
    assert item.api_key_id == "key1"
    assert sent[0].url.params.get_list("sources") == ["api"]
    assert sent[0].url.params["start_time"] == "2026-12-01T00:00:00Z"


async def test_emulator_refuses_dry_run_where_not_declared() -> None:
    """The emulator answers 400 to a dry_run on a route without one (the SDK never sends it)."""
    emulator = Emulator()
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:
        response = await http.post(
            "/v2/tool/packshots?dry_run=true", json={}, headers={"Api-Key": "k"}
        )
    assert response.status_code == 400


async def test_emulator_checks_typed_bodies() -> None:
    """The emulator refuses a field the model does not take, with 422."""
    emulator = Emulator()
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:
        response = await http.post(
            "/v2/image/generate/ideogram-4",
            json={"prompt": "p", "quality": "high"},
            headers={"Api-Key": "k"},
        )
    assert response.status_code == 422
    assert "quality" in response.json()["error"]


async def test_webhook_url_jobs_call_the_webhook_seam() -> None:
    """A finished job with a webhook_url is handed to emulator.webhooks.deliver once."""
    delivered: list[tuple[str, str, bytes]] = []

    class Sender:
        async def deliver(self, url: str, generation_id: str, body: bytes) -> None:
            delivered.append((url, generation_id, body))

    emulator = Emulator()
    emulator.webhooks = Sender()  # type: ignore[assignment]
    async with emulator.client() as client:
        job = await client.v2.submit.generate_ideogram_4(
            prompt="p", webhook_url="https://hooks.example/in"
        )
        assert await emulator.v2.deliver_due() == 1
        assert await emulator.v2.deliver_due() == 0
    url, generation_id, body = delivered[0]
    assert (url, generation_id) == ("https://hooks.example/in", job.id)
    assert json.loads(body)["status"] == "completed"
