"""The built-in emulator: every operation through the SDK, its validation, links, faults, pytest."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import socket
import struct
import sys
import threading
import zipfile
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

import ideogram_async as ia
from ideogram_async.testing import UNSAFE_IMAGE, UNSAFE_PROMPT, Emulator, pytest_plugin
from ideogram_async.testing.__main__ import INSTALL_HINT, main
from ideogram_async.testing._png import render

from .conftest import JPEG, PNG, WEBP, make_png

pytestmark = pytest.mark.anyio
pytest_plugins = ["pytester"]

# The plugin's client fixture, taken as a user would whose pytest does not load the plugin.
ideogram_client = pytest_plugin.ideogram_client

START = 1_750_000_000.0
V3 = "/v1/ideogram-v3"


class VirtualTime:
    """A monotonic clock that moves only when the client sleeps, which it does at once."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await anyio.lowlevel.checkpoint()


class FakeClock:
    """A wall clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """The emulator's wall clock."""
    return FakeClock()


@pytest.fixture
def ideogram_emulator(clock: FakeClock) -> Emulator:
    """The plugin's emulator, overridden as a user would: here on a clock the test moves."""
    return Emulator(clock=clock)


def decode_png(data: bytes) -> tuple[int, int, int]:
    """Check a PNG chunk by chunk (CRCs, pixel data); returns width, height and channels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks.append((kind, body))
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    assert [chunks[0][0], chunks[-1][0]] == [b"IHDR", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    channels = {2: 3, 6: 4}[colour]
    assert depth == 8
    assert len(zlib.decompress(idat)) == height * (1 + width * channels)
    return width, height, channels


def raw_client(emu: Emulator, **headers: str) -> httpx.AsyncClient:
    """An HTTP client for the emulator that skips the SDK's own validation."""
    return httpx.AsyncClient(
        transport=emu.transport(), base_url=emu.base_url, headers={"Api-Key": "k", **headers}
    )


def multipart(fields: list[tuple[str, str | bytes]]) -> dict[str, Any]:
    """A ``multipart/form-data`` body as curl -F sends it: text fields and files in order."""
    boundary = "emulator-test-boundary"
    body = b""
    for name, value in fields:
        if isinstance(value, bytes):
            head = f'name="{name}"; filename="{name}.png"\r\nContent-Type: image/png'
            content = value
        else:
            head, content = f'name="{name}"', value.encode()
        body += f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode()
        body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    return {"content": body, "headers": {"Content-Type": content_type}}


# --- every operation, end to end ------------------------------------------------------------------

Call = Callable[[ia.AsyncIdeogram], Awaitable[Any]]
IMAGE_OPERATIONS: list[tuple[str, Call]] = [
    ("legacy.generate", lambda c: c.legacy.generate(prompt="a fox", num_images=2)),
    ("legacy.remix", lambda c: c.legacy.remix(image_file=PNG, prompt="a fox", image_weight=60)),
    ("legacy.upscale", lambda c: c.legacy.upscale(image_file=PNG, resemblance=70)),
    (
        "legacy.edit",
        lambda c: c.legacy.edit(image_file=PNG, mask=PNG, prompt="a fox", model="V_2"),
    ),
    (
        "legacy.reframe",
        lambda c: c.legacy.reframe(image_file=PNG, resolution="RESOLUTION_1280_720", model="V_2"),
    ),
    ("v3.generate", lambda c: c.v3.generate(prompt="a fox", num_images=3, style_type="DESIGN")),
    ("v3.generate_transparent", lambda c: c.v3.generate_transparent(prompt="a fox sticker")),
    ("v3.remix", lambda c: c.v3.remix(image=PNG, prompt="a fox", style_codes=["AAFF5733"])),
    ("v3.inpaint", lambda c: c.v3.inpaint(image=PNG, mask=PNG, prompt="a fox")),
    ("v3.reframe", lambda c: c.v3.reframe(image=PNG, resolution="1280x704")),
    ("v3.replace_background", lambda c: c.v3.replace_background(image=JPEG, prompt="a forest")),
    ("images.remove_background", lambda c: c.images.remove_background(image=WEBP)),
    ("images.edit", lambda c: c.images.edit(prompt="make it blue", images=[PNG, JPEG])),
]


@pytest.mark.parametrize(
    ("key", "transparent", "digest"),
    [
        ("golden 1", False, "5fafe3220be24129"),  # diagonal stripes
        ("golden 1", True, "2ae51f9e0b99e88e"),
        ("golden 0", False, "066b44dedbb5c0c7"),  # checks
        ("golden 0", True, "f4df696d8921be4f"),
        ("golden 6", False, "4a9b62b5b46b14bb"),  # rings
        ("golden 6", True, "3a62d030383c7908"),
        ("golden 2", False, "bcc70e73f282328e"),  # horizontal bands
        ("golden 2", True, "50c3e7e5ff6e6960"),
    ],
)
def test_pictures_keep_their_bytes_across_versions(
    key: str, transparent: bool, digest: str
) -> None:
    """A prompt and seed give the same PNG bytes as in earlier versions, in every pattern."""
    png = render(key, 7, 64, 36, transparent=transparent)
    assert hashlib.sha256(png).hexdigest()[:16] == digest


@pytest.mark.parametrize(("name", "call"), IMAGE_OPERATIONS, ids=[n for n, _ in IMAGE_OPERATIONS])
async def test_every_image_operation_returns_real_pngs(
    ideogram_client: ia.AsyncIdeogram,
    name: str,
    call: Call,
) -> None:
    """Each image operation answers with links that download as valid PNGs."""
    result = await call(ideogram_client)
    assert result.data
    for image in result.data:
        assert image.is_image_safe
        width, height, _ = decode_png(await ideogram_client.download(image.url))
        assert max(width, height) >= 64


async def test_deprecated_v3_edit_route_answers_too(
    ideogram_client: ia.AsyncIdeogram,
) -> None:
    """``/v1/ideogram-v3/edit`` (the deprecated inpaint) is served like inpaint."""
    with pytest.warns(DeprecationWarning, match="use v3.inpaint"):
        result = await ideogram_client.v3.edit(image=PNG, mask=PNG, prompt="a fox", seed=4)
    assert result.data[0].seed == 4
    decode_png(await ideogram_client.download(result.data[0]))


async def test_generation_body_has_exactly_the_spec_fields(
    ideogram_client: ia.AsyncIdeogram,
) -> None:
    """A 3.0 generation's JSON has the spec's required fields and no others."""
    result = await ideogram_client.v3.generate(prompt="a fox", seed=11, aspect_ratio="16x9")
    assert result.response is not None
    body = result.response.json()
    assert set(body) == {"created", "data"}
    (item,) = body["data"]
    assert set(item) == {"url", "prompt", "resolution", "is_image_safe", "seed", "style_type"}
    assert (item["prompt"], item["seed"], item["resolution"]) == ("a fox", 11, "1312x736")
    assert result.created.timestamp() == START
    assert result.request_id is not None


async def test_picture_follows_the_aspect_ratio_and_transparency(
    ideogram_client: ia.AsyncIdeogram,
) -> None:
    """A 16x9 image is wide, a 9x16 one tall, and a transparent one has an alpha channel."""
    wide = await ideogram_client.v3.generate(prompt="x", aspect_ratio="16x9")
    tall = await ideogram_client.legacy.generate(prompt="x", resolution="RESOLUTION_720_1280")
    clear = await ideogram_client.v3.generate_transparent(prompt="x", upscale_factor="X2")
    assert decode_png(await ideogram_client.download(wide.data[0])) == (64, 36, 3)
    assert decode_png(await ideogram_client.download(tall.data[0])) == (36, 64, 3)
    assert decode_png(await ideogram_client.download(clear.data[0])) == (128, 128, 4)
    assert clear.data[0].upscaled_resolution == "2048x2048"


async def test_describe_and_layerize_text(
    ideogram_client: ia.AsyncIdeogram,
) -> None:
    """Describe writes a description; layerize finds the text and links both images."""
    described = await ideogram_client.legacy.describe(image_file=make_png(30, 20))
    assert "30x20 pixels" in described.descriptions[0].text
    layers = await ideogram_client.v3.layerize_text(image=make_png(80, 40), prompt="SALE", seed=9)
    assert layers.seed == 9
    assert [block.text for block in layers.text_blocks] == ["SALE"]
    assert layers.text_blocks[0].width == 60
    assert await ideogram_client.download(layers.original_image_url or "") == make_png(80, 40)
    decode_png(await ideogram_client.download(layers.base_image_url))


async def test_datasets_upload_train_and_generate_with_the_model(
    ideogram_client: ia.AsyncIdeogram,
    clock: FakeClock,
) -> None:
    """A dataset of 15 images trains a model that completes on the clock and then generates."""
    dataset = await ideogram_client.datasets.create(name="Fox photos")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(10):
            zf.writestr(f"fox{i}.png", make_png(8, 8))
        zf.writestr("notes.bin", b"\x00\x01")
        zf.writestr("bad.txt", b"\xff\xfe")
    files = [("a.png", PNG), ("a.txt", b"a fox"), ("b.jpg", JPEG)]
    uploaded = await ideogram_client.datasets.upload_assets(
        dataset.dataset_id, files=[*files, ("foxes.zip", archive.getvalue())]
    )
    assert (uploaded.success_count, uploaded.failure_count) == (12, 2)
    failures = {(f.file_name, f.failure_reason) for f in uploaded.failed_assets}
    assert failures == {("notes.bin", "INVALID_IMAGE"), ("bad.txt", "INVALID_CAPTION")}
    with pytest.raises(ia.BadRequestError, match="at least 15 images"):
        await ideogram_client.models.train(dataset_id=dataset.dataset_id, model_name="Fox model")

    await ideogram_client.datasets.upload_assets(
        dataset.dataset_id, files=[make_png(2, 2), make_png(3, 3), make_png(4, 5)]
    )
    got = await ideogram_client.datasets.get(dataset.dataset_id)
    assert got.file_count == 16  # 15 images and one caption
    assert got.dataset.cover_asset_identifier is not None
    assert [d.name for d in (await ideogram_client.datasets.list()).datasets] == ["Fox photos"]

    trained = await ideogram_client.models.train(
        dataset_id=dataset.dataset_id, model_name="Fox model"
    )
    assert trained.training_status == "TRAINING"
    training = await ideogram_client.models.list(scope="owned", status="TRAINING")
    assert [m.model_id for m in training.models] == [trained.model_id]
    assert (await ideogram_client.models.get(trained.model_id)).model.custom_model_uri is None

    clock.now += 60
    model = (await ideogram_client.models.get(trained.model_id)).model
    assert (model.status, model.is_available_for_generation) == ("COMPLETED", True)
    assert (await ideogram_client.datasets.get(dataset.dataset_id)).custom_model_ids == [
        trained.model_id
    ]
    assert model.custom_model_uri is not None
    result = await ideogram_client.v3.generate(
        prompt="fox", custom_model_uri=model.custom_model_uri
    )
    decode_png(await ideogram_client.download(result.data[0]))


async def test_models_list_by_scope(ideogram_client: ia.AsyncIdeogram) -> None:
    """``scope`` picks owned or shared models; unknown models and datasets are 404s."""
    shared = await ideogram_client.models.list(scope="shared")
    assert [(m.is_owned, m.status) for m in shared.models] == [(False, "COMPLETED")]
    assert (await ideogram_client.models.list(scope="owned")).models == []
    assert len((await ideogram_client.models.list()).models) == 1
    with pytest.raises(ia.NotFoundError):
        await ideogram_client.models.get("no-such-model")
    with pytest.raises(ia.NotFoundError):
        await ideogram_client.datasets.get("no-such-dataset")
    with pytest.raises(ia.NotFoundError):
        await ideogram_client.datasets.upload_assets("no-such-dataset", files=PNG)
    with pytest.raises(ia.NotFoundError, match="not found"):
        await ideogram_client.v3.generate(prompt="x", custom_model_uri="model/nope/version/1")


# --- determinism and links ------------------------------------------------------------------------


async def test_same_prompt_and_seed_give_the_same_bytes() -> None:
    """Two emulators draw the same PNG for a prompt and seed, and different ones otherwise."""

    async def picture(emu: Emulator, prompt: str, seed: int) -> bytes:
        async with emu.client() as client:
            result = await client.v3.generate(prompt=prompt, seed=seed)
            return await client.download(result.data[0])

    first = await picture(Emulator(), "a red barn", 42)
    assert await picture(Emulator(), "a red barn", 42) == first
    assert await picture(Emulator(), "a blue barn", 42) != first
    assert await picture(Emulator(), "a red barn", 43) != first


async def test_links_expire_after_link_ttl(clock: FakeClock) -> None:
    """A link downloads until ``link_ttl`` has passed on the clock, then answers 410."""
    emu = Emulator(clock=clock, link_ttl=3600)
    async with emu.client() as client:
        result = await client.v3.generate(prompt="a fox")
        clock.now += 3599
        decode_png(await client.download(result.data[0]))
        clock.now += 1
        with pytest.raises(ia.DownloadError) as caught:
            await client.download(result.data[0])
    assert caught.value.status_code == 410


async def test_tampered_links_are_refused(ideogram_client: ia.AsyncIdeogram) -> None:
    """A link with a bad signature, a moved expiry or no signature is a 403."""
    result = await ideogram_client.v3.generate(prompt="a fox")
    url = result.data[0].url or ""
    base, _, query = url.partition("?")
    exp, sig = (part.split("=")[1] for part in query.split("&"))
    tampered = [
        f"{base}?exp={exp}&sig={'0' * 64}",
        f"{base}?exp={int(exp) + 10}&sig={sig}",
        base,
    ]
    for link in tampered:
        with pytest.raises(ia.DownloadError) as caught:
            await ideogram_client.download(link)
        assert caught.value.status_code == 403


async def test_links_use_the_request_host_and_need_no_key() -> None:
    """Links point at the host the client used, and download without any API key."""
    emu = Emulator(api_key="secret")
    async with emu.client() as client:
        result = await client.v3.generate(prompt="a fox")
    url = result.data[0].url or ""
    assert url.startswith("http://emulator.invalid/images/")
    async with httpx.AsyncClient(transport=emu.transport()) as anonymous:
        response = await anonymous.get(url)
    assert (response.status_code, response.headers["content-type"]) == (200, "image/png")
    assert emu.requests[-1].headers.get("api-key") is None


async def test_unsafe_prompt_triggers(ideogram_client: ia.AsyncIdeogram) -> None:
    """The trigger words make a prompt refused (422) or its images unsafe (no URL)."""
    with pytest.raises(ia.UnprocessableEntityError, match="safety"):
        await ideogram_client.v3.generate(prompt=f"a {UNSAFE_PROMPT} fox")
    result = await ideogram_client.v3.generate(prompt=f"a {UNSAFE_IMAGE} fox", num_images=2)
    assert [(i.url, i.is_image_safe) for i in result.data] == [(None, False)] * 2
    with pytest.raises(ia.IdeogramValidationError):
        await ideogram_client.download(result.data[0])


# --- authentication and validation ----------------------------------------------------------------


async def test_api_key_is_required_and_checked() -> None:
    """No key is a 401, a wrong key is a 401, and the right one works in either header."""
    emu = Emulator(api_key="secret")
    async with raw_client(emu) as http:
        del http.headers["Api-Key"]
        assert (await http.get("/models")).status_code == 401
        assert (await http.get("/models", headers={"Authorization": "Basic x"})).status_code == 401
        assert (await http.get("/models", headers={"Api-Key": "secret"})).status_code == 200
        bearer = await http.get("/models", headers={"Authorization": "Bearer secret"})
        assert bearer.status_code == 200
    async with emu.client(api_key="wrong", max_retries=0) as client:
        with pytest.raises(ia.AuthenticationError, match="Invalid API key"):
            await client.models.list()


async def test_any_key_is_accepted_without_api_key() -> None:
    """An emulator built without ``api_key`` takes any non-empty key, but not none."""
    emu = Emulator()
    async with emu.client(api_key="whatever") as client:
        await client.models.list()
    async with raw_client(emu, **{"Api-Key": " "}) as http:
        response = await http.get("/models")
    assert (response.status_code, response.json()["error"][:15]) == (401, "Missing API key")


def form(**fields: str | bytes | list[str]) -> list[tuple[str, str | bytes]]:
    """Multipart fields in order; a list value repeats its field."""
    return [
        (name, item)
        for name, value in fields.items()
        for item in (value if isinstance(value, list) else [value])
    ]


GEN, REMIX = f"{V3}/generate", f"{V3}/remix"
PNG_OVER_10MB = PNG + b"\x00" * (10 * 1024 * 1024 + 1 - len(PNG))
TABLE: list[tuple[str, str, Any, int]] = [
    # (what, route, multipart fields or a JSON object, status)
    ("a prompt alone", GEN, form(prompt="a fox"), 200),
    ("no prompt", GEN, form(seed="1"), 422),
    ("an empty prompt", GEN, form(prompt=""), 422),
    ("seed 0", GEN, form(prompt="x", seed="0"), 200),
    ("seed at the top", GEN, form(prompt="x", seed="2147483647"), 200),
    ("seed past the top", GEN, form(prompt="x", seed="2147483648"), 422),
    ("a negative seed", GEN, form(prompt="x", seed="-1"), 422),
    ("a seed that is text", GEN, form(prompt="x", seed="abc"), 422),
    ("8 images", GEN, form(prompt="x", num_images="8"), 200),
    ("9 images", GEN, form(prompt="x", num_images="9"), 422),
    ("0 images", GEN, form(prompt="x", num_images="0"), 422),
    ("an aspect ratio", GEN, form(prompt="x", aspect_ratio="3x1"), 200),
    ("an unknown ratio", GEN, form(prompt="x", aspect_ratio="17x9"), 422),
    ("both sizes", GEN, form(prompt="x", resolution="1024x1024", aspect_ratio="1x1"), 422),
    ("a legacy resolution", GEN, form(prompt="x", resolution="720x1280"), 422),
    ("two style codes", GEN, form(prompt="x", style_codes=["AAFF5733", "0123abcd"]), 200),
    ("a bad style code", GEN, form(prompt="x", style_codes="AAFF573"), 422),
    ("codes and a type", GEN, form(prompt="x", style_codes="AAFF5733", style_type="AUTO"), 422),
    ("a palette", GEN, form(prompt="x", color_palette='{"name":"MELON"}'), 200),
    ("a bad palette", GEN, form(prompt="x", color_palette='{"name":"X"}'), 422),
    ("FLASH", GEN, form(prompt="x", rendering_speed="FLASH"), 200),
    ("FLASH, transparent", f"{GEN}-transparent", form(prompt="x", rendering_speed="FLASH"), 422),
    ("a remix", REMIX, form(prompt="x", image=PNG, image_weight="100"), 200),
    ("weight 0", REMIX, form(prompt="x", image=PNG, image_weight="0"), 422),
    ("weight 101", REMIX, form(prompt="x", image=PNG, image_weight="101"), 422),
    ("no image", REMIX, form(prompt="x"), 422),
    ("a GIF", REMIX, form(prompt="x", image=b"GIF89a...."), 422),
    ("a WebP", f"{V3}/reframe", form(resolution="1024x1024", image=WEBP), 200),
    ("over 10 MB", "/v1/remove-background", form(image=PNG_OVER_10MB), 422),
    ("no images to edit", "/v1/edit", form(prompt="x"), 422),
    ("legacy, JSON", "/generate", {"image_request": {"prompt": "x", "model": "V_2"}}, 200),
    ("no image_request", "/generate", {"prompt": "x"}, 422),
    (
        "V_1 with a style",
        "/generate",
        {"image_request": {"prompt": "x", "model": "V_1", "style_type": "ANIME"}},
        422,
    ),
    ("numbers as text", "/generate", {"image_request": {"prompt": "x", "num_images": "2"}}, 200),
    ("a 3.0 ratio", "/generate", {"image_request": {"prompt": "x", "aspect_ratio": "16x9"}}, 422),
    ("edit with V_2A", "/edit", form(prompt="x", model="V_2A", image_file=PNG, mask=PNG), 422),
    ("reframe, no model", "/reframe", form(resolution="RESOLUTION_1024_1024", image_file=PNG), 422),
    ("describe, V_3", "/describe", form(describe_model_version="V_3", image_file=PNG), 200),
    ("describe, V_4", "/describe", form(describe_model_version="V_4", image_file=PNG), 422),
    ("a dataset", "/datasets", {"name": "Foxes"}, 200),
    ("a dataset, no name", "/datasets", {}, 422),
]


@pytest.mark.parametrize(("what", "route", "body", "status"), TABLE, ids=[t[0] for t in TABLE])
async def test_spec_accepts_and_rejects(what: str, route: str, body: Any, status: int) -> None:
    """The emulator answers a request as the spec says: 200, or 422 with the error's text."""
    emu = Emulator()
    async with raw_client(emu) as http:
        if isinstance(body, dict):
            response = await http.post(route, json=body)
        else:
            response = await http.post(route, **multipart(body))
    assert response.status_code == status, response.text
    if status == 422:
        assert set(response.json()) == {"error"}


async def test_unknown_routes_and_methods() -> None:
    """An unknown route is a 404, a known one with the wrong method a 405, a bad body a 400."""
    emu = Emulator()
    async with raw_client(emu) as http:
        assert (await http.post("/v2/generate", json={})).status_code == 404
        assert (await http.get("/generate")).status_code == 405
        bad_json = await http.post(
            "/generate", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert bad_json.status_code == 400
        cut = await http.post(
            f"{V3}/generate",
            content=b"--b\r\nContent-Disposition: form-data; name=prompt\r\n\r\nx",
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert cut.status_code == 400


# --- the in-flight limit --------------------------------------------------------------------------


async def test_429_body_when_a_call_passes_the_inflight_limit() -> None:
    """More images than the limit is a 429 with Ideogram's body, and nothing is generated."""
    emu = Emulator(inflight_limit=2)
    async with emu.client() as client:
        with pytest.raises(ia.RateLimitError) as caught:
            await client.v3.generate(prompt="x", num_images=3, max_retries=0)
    body = caught.value.body
    assert set(body) == {"error", "reject_reason", "max_inflight_requests"}
    assert (body["reject_reason"], body["max_inflight_requests"]) == ("inflight_limit", 2)
    assert caught.value.max_inflight_requests == 2
    assert (emu.stats.rate_limited, emu.stats.images_generated) == (1, 0)


async def test_running_generations_hold_their_images_in_flight() -> None:
    """While a slow call holds the only place, another is refused; cancelling frees the place."""
    emu = Emulator(inflight_limit=1, latency=3600)
    async with emu.client(max_retries=0) as client, anyio.create_task_group() as tg:
        tg.start_soon(lambda: client.v3.generate(prompt="slow"))
        for _ in range(1000):
            if emu.stats.inflight_images:
                break
            await anyio.lowlevel.checkpoint()
        assert emu.stats.inflight_images == 1
        async with emu.client(max_retries=0, rate_limit_timeout=0) as other:
            with pytest.raises(ia.RateLimitError):
                await other.legacy.generate(prompt="fast")
        tg.cancel_scope.cancel()
    assert (emu.stats.inflight_images, emu.stats.rate_limited) == (0, 1)


GATEWAY_429 = {
    "error": {"message": "Too many requests, please retry later", "type": "upstream_error"}
}


async def test_a_hidden_limit_answers_a_gateways_429() -> None:
    """With ``announce_limit=False`` the 429 names no reason, no limit and no Retry-After."""
    emu = Emulator(inflight_limit=2, announce_limit=False)
    async with emu.client(rate_limit_timeout=0) as client:
        with pytest.raises(ia.RateLimitError) as caught:
            await client.v3.generate(prompt="x", num_images=3)
    assert caught.value.body == GATEWAY_429
    assert (caught.value.reject_reason, caught.value.max_inflight_requests) == (None, None)
    assert "retry-after" not in caught.value.response.headers
    assert (emu.stats.rate_limited, emu.stats.images_generated) == (1, 0)


async def test_the_client_waits_out_a_gateways_429_and_shrinks_its_budget() -> None:
    """A gateway's 429 means "wait" to the SDK: the call is retried and the budget shrinks."""
    emu = Emulator(announce_limit=False)
    time = VirtualTime()
    async with emu.client(sleep=time.sleep, clock=time.clock, max_retries=0) as client:
        emu.fail_next(429)
        result = await client.v3.generate(prompt="x")
        assert client.inflight_budget.capacity == 5
    assert result.data
    assert [r.status for r in emu.requests] == [429, 200]


# --- injected faults ------------------------------------------------------------------------------


async def test_fail_next_status_then_recovers(
    ideogram_client: ia.AsyncIdeogram,
    ideogram_emulator: Emulator,
) -> None:
    """An injected 500 surfaces as InternalServerError (maybe billed); the next call succeeds."""
    body = {"error": "boom", "detail": "injected"}
    ideogram_emulator.fail_next(500, body=body)
    with pytest.raises(ia.InternalServerError) as caught:
        await ideogram_client.v3.generate(prompt="x")
    assert (caught.value.body, caught.value.maybe_billed) == (body, True)
    await ideogram_client.v3.generate(prompt="x")


async def test_retryable_faults_are_retried(
    ideogram_client: ia.AsyncIdeogram,
    ideogram_emulator: Emulator,
) -> None:
    """Two injected 503s are retried by the client, which then gets its images."""
    ideogram_emulator.fail_next(503, count=2)
    result = await ideogram_client.legacy.generate(prompt="x")
    assert result.data
    assert [r.status for r in ideogram_emulator.requests] == [503, 503, 200]


async def test_injected_429_fits_the_client_budget() -> None:
    """An injected 429 carries the in-flight body: the client shrinks its budget and retries."""
    emu = Emulator(inflight_limit=4)
    time = VirtualTime()
    async with emu.client(sleep=time.sleep, clock=time.clock, max_inflight_images=20) as client:
        emu.fail_next(429)
        await client.v3.generate(prompt="x")
        assert client.inflight_budget.capacity == 4
    assert [r.status for r in emu.requests] == [429, 200]
    assert emu.stats.rate_limited == 1


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("reset", ia.APIConnectionError),
        ("malformed", ia.APIResponseParseError),
    ],
)
async def test_fail_next_modes_surface_as_sdk_errors(
    ideogram_client: ia.AsyncIdeogram,
    ideogram_emulator: Emulator,
    mode: Any,
    error: type[Exception],
) -> None:
    """A reset is a connection error and a malformed body a parse error, both maybe billed."""
    ideogram_emulator.fail_next(mode=mode)
    with pytest.raises(error) as caught:
        await ideogram_client.v3.generate(prompt="x", max_retries=0)
    assert isinstance(caught.value, ia.APIError)
    assert caught.value.maybe_billed
    assert not isinstance(caught.value, ia.APITimeoutError)


async def test_slow_answer_times_out(
    ideogram_client: ia.AsyncIdeogram,
    ideogram_emulator: Emulator,
) -> None:
    """A slow answer runs into the call's read timeout, in-process as on a network."""
    ideogram_emulator.fail_next(mode="slow", delay=3600)
    with pytest.raises(ia.APITimeoutError):
        await ideogram_client.v3.generate(prompt="x", timeout=0.01, max_retries=0)
    assert ideogram_emulator.stats.images_generated == 0


async def test_faults_match_their_path_only(
    ideogram_client: ia.AsyncIdeogram,
    ideogram_emulator: Emulator,
) -> None:
    """A fault for one route leaves others alone; an ``/images`` fault hits a download only."""
    ideogram_emulator.fail_next(404, path=f"{V3}/remix")
    ideogram_emulator.fail_next(502, path="/images")
    result = await ideogram_client.legacy.generate(prompt="x")
    decode_png(await ideogram_client.download(result.data[0]))  # a download retries a 502
    with pytest.raises(ia.NotFoundError):
        await ideogram_client.v3.remix(image=PNG, prompt="x")
    assert [r.status for r in ideogram_emulator.requests] == [200, 502, 200, 404]


def test_bad_settings_are_refused() -> None:
    """Impossible settings and faults fail at once with ValueError."""
    with pytest.raises(ValueError, match="inflight_limit"):
        Emulator(inflight_limit=0)
    with pytest.raises(ValueError, match="link_ttl"):
        Emulator(link_ttl=0)
    with pytest.raises(ValueError, match="mode"):
        Emulator().fail_next(mode="explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        Emulator().fail_next(count=0)


# --- the gateway dialect and the record -----------------------------------------------------------


async def test_gateway_dialect_with_bearer_and_prefix() -> None:
    """Under ``/ideogram`` with a bearer key, routes and links carry the prefix; bare routes 404."""
    emu = Emulator(route_prefix="/ideogram")
    async with emu.client(auth_scheme="bearer") as client:
        result = await client.v3.generate(prompt="x")
        decode_png(await client.download(result.data[0]))
    assert (result.data[0].url or "").startswith("http://emulator.invalid/ideogram/images/")
    sent = emu.requests[0]
    assert (sent.path, sent.headers["authorization"]) == (
        f"/ideogram{V3}/generate",
        "Bearer REDACTED",
    )
    async with raw_client(emu) as http:
        assert (await http.post(f"http://emulator.invalid{V3}/generate")).status_code == 404


async def test_gateway_json_body_with_image_urls() -> None:
    """Image inputs sent as links to the emulator's images resolve in-process; others are 400s."""
    emu = Emulator(route_prefix="/ideogram")
    async with emu.client(auth_scheme="bearer", pass_image_urls=True, max_retries=0) as client:
        source = (await client.v3.generate(prompt="a fox")).data[0].url or ""
        remixed = await client.v3.remix(image=source, prompt="a fox at night")
        legacy = await client.legacy.remix(image_file=source, prompt="anime fox")
        edited = await client.images.edit(prompt="blue", image_urls=[source])
        with pytest.raises(ia.BadRequestError, match="no network"):
            await client.v3.remix(image="https://example.com/fox.png", prompt="x")
    for result in (remixed, legacy, edited):
        assert result.data[0].url
    assert emu.requests[1].headers["content-type"] == "application/json"
    assert emu.requests[2].fields["image_file"] == source


async def test_requests_are_recorded_with_the_key_redacted() -> None:
    """The record keeps method, path, fields and file sizes, never the key."""
    emu = Emulator()
    async with emu.client(api_key="super-secret") as client:
        await client.v3.remix(image=("fox.png", PNG), prompt="x", style_codes=["AAFF5733"])
        await client.models.list(status=["TRAINING", "COMPLETED"])
    remix, models = emu.requests
    assert (remix.method, remix.path, remix.status) == ("POST", f"{V3}/remix", 200)
    assert remix.headers["api-key"] == "REDACTED"
    assert "super-secret" not in repr(emu.requests)
    assert remix.fields["prompt"] == "x"
    assert remix.fields["image"] == {
        "filename": "fox.png",
        "content_type": "image/png",
        "size": len(PNG),
    }
    assert models.query == {"status": ["TRAINING", "COMPLETED"]}
    assert (emu.stats.requests, emu.stats.images_generated) == (2, 1)


# --- pytest, the command line and a real server ---------------------------------------------------


def _plugin_is_installed() -> bool:
    return any(
        ep.value == "ideogram_async.testing.pytest_plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )


def test_fixtures_work_in_a_users_anyio_tests(pytester: pytest.Pytester) -> None:
    """A user's test gets a working client from the plugin's fixtures, on asyncio and trio."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(params=["asyncio", "trio"])
        def anyio_backend(request):
            return request.param
        """
    )
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.anyio

        async def test_poster(ideogram_client, ideogram_emulator):
            ideogram_emulator.fail_next(503, count=2)
            result = await ideogram_client.v3.generate(prompt="a poster", seed=1)
            png = await ideogram_client.download(result.data[0])
            assert png.startswith(b"\\x89PNG")
            assert ideogram_emulator.stats.images_generated == 1
        """
    )
    plugin = [] if _plugin_is_installed() else ["-p", "ideogram_async.testing.pytest_plugin"]
    # ``--assert=plain``: the plugin module is imported already, so it cannot be rewritten.
    # ``-p no:asyncio``: pytest-asyncio (in the tests extra) is not this suite's runner.
    result = pytester.runpytest(*plugin, "--assert=plain", "-p", "no:asyncio", "-W", "error")
    result.assert_outcomes(passed=2)


def test_command_line_without_uvicorn_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without uvicorn the command exits 1 and names the extra to install."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["--port", "0"]) == 1
    assert INSTALL_HINT in capsys.readouterr().err
    assert 'pip install "ideogram-async[emulator]"' in INSTALL_HINT


def test_command_line_prints_the_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command binds the port, prints the URL with the route prefix, and serves."""
    uvicorn = pytest.importorskip("uvicorn")
    served: list[tuple[Any, list[socket.socket]]] = []

    def run(self: Any, sockets: list[socket.socket]) -> None:
        served.append((self.config.app, sockets))

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["--port", "0", "--route-prefix", "ideogram", "--latency", "0.5"]) == 0
    ((app, [sock]),) = served
    port = sock.getsockname()[1]
    sock.close()
    assert isinstance(app, Emulator)
    assert app.route_prefix == "/ideogram"
    assert f"http://127.0.0.1:{port}/ideogram " in capsys.readouterr().out


async def test_command_line_hide_limit_serves_gateway_429s(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--hide-limit`` serves an emulator whose in-flight 429s are a gateway's."""
    uvicorn = pytest.importorskip("uvicorn")
    served: list[Any] = []

    def run(self: Any, sockets: list[socket.socket]) -> None:
        served.append(self.config.app)
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["--port", "0", "--inflight-limit", "1", "--hide-limit"]) == 0
    (app,) = served
    async with app.client(rate_limit_timeout=0) as client:
        with pytest.raises(ia.RateLimitError) as caught:
            await client.v3.generate(prompt="x", num_images=2)
    assert caught.value.body == GATEWAY_429


async def test_serves_generate_and_download_over_tcp_with_uvicorn() -> None:
    """On a loopback port under uvicorn, a generate and a download go through real TCP."""
    uvicorn = pytest.importorskip("uvicorn")
    emu = Emulator()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # connections queue until the server accepts: no polling for readiness
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(emu, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        async with ia.AsyncIdeogram(api_key="k", base_url=base, timeout=10, max_retries=0) as c:
            result = await c.v3.generate(prompt="over tcp", seed=3)
            png = await c.download(result.data[0])
    finally:
        server.should_exit = True
        await anyio.to_thread.run_sync(thread.join, 10)
        sock.close()
    assert not thread.is_alive()
    assert (result.data[0].url or "").startswith(f"{base}/images/")
    decode_png(png)
    assert [r.status for r in emu.requests] == [200, 200]
    assert emu.stats.images_generated == 1
