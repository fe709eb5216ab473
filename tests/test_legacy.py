"""The legacy routes: generate, remix, upscale, edit, reframe and describe."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async import (
    AspectRatio,
    ColorPalette,
    ColorPaletteMember,
    DescribeModelVersion,
    MagicPromptOption,
    Model,
    Resolution,
    StyleType,
)

from .conftest import API, JPEG, KEY, PNG, WEBP, image_response, multipart_parts

pytestmark = pytest.mark.anyio

UTC = dt.timezone.utc
GATEWAY = "https://gateway.example/ideogram"
BEACH = (
    "A serene tropical beach scene. Dominating the foreground are tall palm trees with lush green "
    "leaves, standing tall against a backdrop of a sandy beach. The beach leads to the azure "
    "waters of the sea, which gently kisses the shoreline. In the distance, there's an island or "
    "landmass with a silhouette of what appears to be a lighthouse or tower. The sky above is "
    "painted with fluffy white clouds, some of which are tinged with hues of pink and orange, "
    "suggesting either a sunrise or sunset."
)
CAT = (
    "A meticulously illustrated cat with striped patterns, sitting upright. The cat's eyes are a "
    "captivating shade of yellow, and it appears to be gazing intently at something."
)

Part = tuple[str, "str | None", "str | None", Any]


def form(request: httpx.Request) -> list[Part]:
    """The multipart parts, JSON parts decoded and text parts as ``str``."""
    parts: list[Part] = []
    for name, filename, content_type, content in multipart_parts(request):
        value: Any = content
        if content_type == "application/json":
            value = json.loads(content)
        elif filename is None:
            value = content.decode()
        parts.append((name, filename, content_type, value))
    return parts


def sent(route: respx.Route) -> httpx.Request:
    """The one request a route saw, checked to carry the official API's auth header."""
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    assert request.headers["Api-Key"] == KEY
    assert "Authorization" not in request.headers
    return request


def post(respx_mock: respx.MockRouter, path: str, body: Any = None) -> respx.Route:
    """A route answering ``POST {API}{path}`` with ``body`` (one image by default)."""
    route: respx.Route = respx_mock.post(f"{API}{path}").mock(
        return_value=httpx.Response(200, json=image_response() if body is None else body)
    )
    return route


# --- request bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "image_request"),
    [
        pytest.param({"prompt": "cat"}, {"prompt": "cat"}, id="prompt-only"),
        pytest.param(
            # the request of seed 000 (the gateway's Generate(legacy) example)
            {
                "prompt": "cat",
                "model": "V_2_TURBO",
                "magic_prompt_option": "AUTO",
                "seed": 111,
                "num_images": 1,
            },
            {
                "prompt": "cat",
                "model": "V_2_TURBO",
                "magic_prompt_option": "AUTO",
                "seed": 111,
                "num_images": 1,
            },
            id="seed-000",
        ),
        pytest.param(
            {
                "prompt": "a city",
                "aspect_ratio": AspectRatio.ASPECT_16_9,
                "model": Model.V_2,
                "magic_prompt_option": MagicPromptOption.OFF,
                "seed": 2_147_483_647,
                "style_type": StyleType.RENDER_3D,
                "negative_prompt": "blur",
                "num_images": 8,
                "color_palette": "PASTEL",
            },
            {
                "prompt": "a city",
                "aspect_ratio": "ASPECT_16_9",
                "model": "V_2",
                "magic_prompt_option": "OFF",
                "seed": 2_147_483_647,
                "style_type": "RENDER_3D",
                "negative_prompt": "blur",
                "num_images": 8,
                "color_palette": {"name": "PASTEL"},
            },
            id="every-field",
        ),
        pytest.param(
            {
                "prompt": "a city",
                "resolution": Resolution.RESOLUTION_1024_1024,
                "seed": 0,
                "color_palette": ColorPalette(
                    members=["#b470b3", ColorPaletteMember("#7a79e3", 0.16)]
                ),
            },
            {
                "prompt": "a city",
                "resolution": "RESOLUTION_1024_1024",
                "seed": 0,
                "color_palette": {
                    "members": [
                        {"color_hex": "#b470b3"},
                        {"color_hex": "#7a79e3", "color_weight": 0.16},
                    ]
                },
            },
            id="resolution-and-palette-members",
        ),
        pytest.param(
            {"prompt": "a city", "model": "V_2A", "style_type": "ANIME"},
            {"prompt": "a city", "model": "V_2A", "style_type": "ANIME"},
            id="v2a-style",
        ),
    ],
)
async def test_generate_sends_image_request_json(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    kwargs: dict[str, Any],
    image_request: dict[str, Any],
) -> None:
    """``generate`` POSTs ``{"image_request": {...}}`` with only the given fields, enums as text."""
    route = post(respx_mock, "/generate")
    await client.legacy.generate(**kwargs)
    request = sent(route)
    assert request.url == f"{API}/generate"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"image_request": image_request}


async def test_remix_sends_json_part_and_image(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    """``remix`` sends an ``image_request`` JSON part (seed 004's fields) and the image file."""
    path = tmp_path / "flux.png"
    path.write_bytes(PNG)
    route = post(respx_mock, "/remix")
    await client.legacy.remix(
        image_file=path,
        prompt="A serene tropical beach ",
        image_weight=50,
        model="V_1",
        magic_prompt_option="AUTO",
        aspect_ratio="ASPECT_10_16",
        seed=12345,
        negative_prompt="brush strokes, painting",
    )
    request = sent(route)
    assert request.url == f"{API}/remix"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert form(request) == [
        (
            "image_request",
            None,
            "application/json",
            {
                "prompt": "A serene tropical beach ",
                "aspect_ratio": "ASPECT_10_16",
                "model": "V_1",
                "magic_prompt_option": "AUTO",
                "seed": 12345,
                "negative_prompt": "brush strokes, painting",
                "image_weight": 50,
            },
        ),
        ("image_file", "flux.png", "image/png", PNG),
    ]


async def test_remix_sends_every_generate_field(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``remix`` takes every ``generate`` field too, inside the ``image_request`` part."""
    route = post(respx_mock, "/remix")
    palette: Any = {"name": "JUNGLE"}  # the wire format, which ColorPalette's docstring allows
    await client.legacy.remix(
        image_file=("photo.jpg", JPEG),
        prompt="anime",
        image_weight=1,
        resolution="RESOLUTION_1280_720",
        model=Model.V_2_TURBO,
        style_type="FICTION",
        num_images=3,
        color_palette=palette,
    )
    assert form(sent(route)) == [
        (
            "image_request",
            None,
            "application/json",
            {
                "prompt": "anime",
                "model": "V_2_TURBO",
                "style_type": "FICTION",
                "num_images": 3,
                "resolution": "RESOLUTION_1280_720",
                "color_palette": {"name": "JUNGLE"},
                "image_weight": 1,
            },
        ),
        ("image_file", "photo.jpg", "image/jpeg", JPEG),
    ]


@pytest.mark.parametrize(
    ("kwargs", "image_request"),
    [
        pytest.param({}, {}, id="no-parameters"),
        pytest.param(
            {
                "prompt": "high quality detailed image",
                "resemblance": 100,
                "detail": 1,
                "magic_prompt_option": MagicPromptOption.ON,
                "num_images": 2,
                "seed": 9,
            },
            {
                "prompt": "high quality detailed image",
                "resemblance": 100,
                "detail": 1,
                "magic_prompt_option": "ON",
                "num_images": 2,
                "seed": 9,
            },
            id="every-field",
        ),
    ],
)
async def test_upscale_always_sends_image_request(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    kwargs: dict[str, Any],
    image_request: dict[str, Any],
) -> None:
    """``upscale`` sends the ``image_request`` JSON part even when empty, then the image."""
    route = post(respx_mock, "/upscale")
    await client.legacy.upscale(image_file=WEBP, **kwargs)
    assert form(sent(route)) == [
        ("image_request", None, "application/json", image_request),
        ("image_file", "image_file.webp", "image/webp", WEBP),
    ]


async def test_edit_sends_flat_fields_and_files(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """The legacy ``edit`` sends flat text fields, then ``image_file`` and ``mask``."""
    route = post(respx_mock, "/edit")
    await client.legacy.edit(
        image_file=("下载.png", PNG),
        mask=JPEG,
        prompt="cat",
        model=Model.V_2_TURBO,
        magic_prompt_option="OFF",
        num_images=2,
        seed=7,
        style_type=StyleType.ANIME,
    )
    request = sent(route)
    assert request.url == f"{API}/edit"
    assert form(request) == [
        ("prompt", None, None, "cat"),
        ("model", None, None, "V_2_TURBO"),
        ("magic_prompt_option", None, None, "OFF"),
        ("num_images", None, None, "2"),
        ("seed", None, None, "7"),
        ("style_type", None, None, "ANIME"),
        ("image_file", "下载.png", "image/png", PNG),
        ("mask", "mask.jpg", "image/jpeg", JPEG),
    ]


async def test_reframe_sends_flat_fields_and_file(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``reframe`` sends its resolution, model and options as text fields, then the image."""
    route = post(respx_mock, "/reframe")
    await client.legacy.reframe(
        image_file=PNG,
        resolution=Resolution.RESOLUTION_1280_720,
        model="V_2",
        num_images=1,
        seed=0,
        style_type="DESIGN",
    )
    request = sent(route)
    assert request.url == f"{API}/reframe"
    assert form(request) == [
        ("resolution", None, None, "RESOLUTION_1280_720"),
        ("model", None, None, "V_2"),
        ("num_images", None, None, "1"),
        ("seed", None, None, "0"),
        ("style_type", None, None, "DESIGN"),
        ("image_file", "image_file.png", "image/png", PNG),
    ]


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        pytest.param({}, [], id="default-version"),
        pytest.param(
            {"describe_model_version": DescribeModelVersion.V_2},
            [("describe_model_version", None, None, "V_2")],
            id="v2",
        ),
        pytest.param(
            {"describe_model_version": "V_3"},
            [("describe_model_version", None, None, "V_3")],
            id="v3",
        ),
    ],
)
async def test_describe_sends_image_and_version(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    kwargs: dict[str, Any],
    fields: list[Part],
) -> None:
    """``describe`` sends the image, and the model version only when given."""
    route = post(respx_mock, "/describe", {"descriptions": [{"text": CAT}]})
    result = await client.legacy.describe(image_file=PNG, **kwargs)
    assert form(sent(route)) == [*fields, ("image_file", "image_file.png", "image/png", PNG)]
    assert [d.text for d in result.descriptions] == [CAT]


async def test_enum_members_and_strings_send_the_same_body(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Enum members and their plain-string values produce byte-identical JSON and form bodies."""
    generate = post(respx_mock, "/generate")
    reframe = post(respx_mock, "/reframe")
    await client.legacy.generate(
        prompt="p",
        aspect_ratio=AspectRatio.ASPECT_16_9,
        model=Model.V_2,
        magic_prompt_option=MagicPromptOption.AUTO,
        style_type=StyleType.GENERAL,
    )
    await client.legacy.generate(
        prompt="p",
        aspect_ratio="ASPECT_16_9",
        model="V_2",
        magic_prompt_option="AUTO",
        style_type="GENERAL",
    )
    first, second = (call.request for call in generate.calls)
    assert first.content == second.content
    assert json.loads(first.content)["image_request"]["aspect_ratio"] == "ASPECT_16_9"

    await client.legacy.reframe(
        image_file=PNG, resolution=Resolution.RESOLUTION_1024_640, model=Model.V_2A_TURBO
    )
    await client.legacy.reframe(
        image_file=PNG, resolution="RESOLUTION_1024_640", model="V_2A_TURBO"
    )
    first, second = (call.request for call in reframe.calls)
    assert form(first) == form(second)
    assert form(first)[:2] == [
        ("resolution", None, None, "RESOLUTION_1024_640"),
        ("model", None, None, "V_2A_TURBO"),
    ]


# --- extra_body --------------------------------------------------------------------------------


async def test_extra_body_merges_into_generate_image_request(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``extra_body`` lands inside ``image_request``, beside the fields, and skips validation."""
    route = post(respx_mock, "/generate")
    await client.legacy.generate(
        prompt="cat",
        seed=5,
        extra_body={"image_request": {"new_field": 1, "seed": -1}, "top_level": True},
    )
    assert json.loads(sent(route).content) == {
        "image_request": {"prompt": "cat", "seed": -1, "new_field": 1},
        "top_level": True,
    }


async def test_extra_body_merges_into_multipart_bodies(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """In multipart bodies, ``extra_body`` merges into the JSON part and adds text fields."""
    remix = post(respx_mock, "/remix")
    edit = post(respx_mock, "/edit")
    await client.legacy.remix(
        image_file=PNG,
        prompt="cat",
        extra_body={"image_request": {"magic_prompt_version": "V_0"}, "new_field": "x"},
    )
    assert form(sent(remix)) == [
        (
            "image_request",
            None,
            "application/json",
            {"prompt": "cat", "magic_prompt_version": "V_0"},
        ),
        ("new_field", None, None, "x"),
        ("image_file", "image_file.png", "image/png", PNG),
    ]

    await client.legacy.edit(
        image_file=PNG,
        mask=PNG,
        prompt="cat",
        model="V_2",
        seed=1,
        extra_body={"seed": 99_999_999_999, "magic_prompt_system_prompt_config_id": "abc"},
    )
    assert form(sent(edit))[:4] == [
        ("prompt", None, None, "cat"),
        ("model", None, None, "V_2"),
        ("seed", None, None, "99999999999"),
        ("magic_prompt_system_prompt_config_id", None, None, "abc"),
    ]


# --- validation --------------------------------------------------------------------------------

BASE: dict[str, dict[str, Any]] = {
    "generate": {"prompt": "cat"},
    "remix": {"image_file": PNG, "prompt": "cat"},
    "upscale": {"image_file": PNG},
    "edit": {"image_file": PNG, "mask": PNG, "prompt": "cat", "model": "V_2"},
    "reframe": {"image_file": PNG, "resolution": "RESOLUTION_1280_720", "model": "V_2"},
    "describe": {"image_file": PNG},
}
WITH_SEED = ("generate", "remix", "upscale", "edit", "reframe")
WITH_STYLE = ("generate", "remix", "edit", "reframe")


def _cases() -> list[Any]:
    cases: list[Any] = []

    def add(method: str, param: str, kwargs: dict[str, Any]) -> None:
        label = ",".join(f"{k}={v!r}"[:40] for k, v in kwargs.items())
        cases.append(pytest.param(method, kwargs, param, id=f"{method}-{label}"))

    for method in WITH_SEED:
        add(method, "seed", {"seed": -1})
        add(method, "seed", {"seed": 2_147_483_648})
        add(method, "num_images", {"num_images": 0})
        add(method, "num_images", {"num_images": 9})
    for odd in (1.5, True, "5"):  # right range, wrong type
        add("generate", "seed", {"seed": odd})
        add("generate", "num_images", {"num_images": odd})
    for method in WITH_STYLE:
        add(method, "style_type", {"style_type": "PHOTO"})
    add("generate", "style_type", {"style_type": "general"})
    for method in ("generate", "remix", "upscale", "edit"):
        add(method, "magic_prompt_option", {"magic_prompt_option": "MAYBE"})
    for method in ("generate", "remix"):
        add(method, "aspect_ratio", {"aspect_ratio": "16x9"})
        add(method, "aspect_ratio", {"aspect_ratio": "ASPECT_7_5"})
        add(method, "resolution", {"resolution": "1024x1024"})
        add(method, "model", {"model": "V_3"})
        add(method, "model", {"model": "v_2"})
        add(
            method,
            "resolution",
            {"aspect_ratio": "ASPECT_1_1", "resolution": "RESOLUTION_1024_1024"},
        )
        for model in ("V_1", "V_1_TURBO"):
            add(method, "style_type", {"model": model, "style_type": "GENERAL"})
        for model in ("V_2A", "V_2A_TURBO", "AUTO"):
            add(method, "negative_prompt", {"model": model, "negative_prompt": "blur"})
        for model in ("V_1", "V_1_TURBO", "V_2A", "V_2A_TURBO"):
            add(method, "color_palette", {"model": model, "color_palette": "PASTEL"})
        for model in ("V_1", "V_1_TURBO"):  # resolution is for the 2.0 models only
            add(method, "resolution", {"model": model, "resolution": "RESOLUTION_1024_1024"})
        add(method, "negative_prompt", {"negative_prompt": ""})
        add(method, "prompt", {"prompt": ""})
        add(method, "prompt", {"prompt": "   "})
    for weight in (0, 101, 50.5):
        add("remix", "image_weight", {"image_weight": weight})
    for name in ("resemblance", "detail"):
        for value in (0, 101, "50"):
            add("upscale", name, {name: value})
    add("upscale", "prompt", {"prompt": ""})
    add("edit", "prompt", {"prompt": ""})
    for bad_model in ("V_1", "V_1_TURBO", "V_2A", "V_2A_TURBO", "AUTO", "V_3", None):
        add("edit", "model", {"model": bad_model})
    add("reframe", "resolution", {"resolution": None})
    add("reframe", "resolution", {"resolution": "ASPECT_1_1"})
    add("reframe", "model", {"model": None})
    add("reframe", "model", {"model": "V_9"})
    for model in ("V_1", "V_1_TURBO"):
        add("reframe", "style_type", {"model": model, "style_type": "AUTO"})
        add("reframe", "resolution", {"model": model})
    add("describe", "describe_model_version", {"describe_model_version": "V_4"})
    for method in ("remix", "upscale", "edit", "reframe", "describe"):
        add(method, "image_file", {"image_file": None})
        add(method, "image_file", {"image_file": b"GIF89a not a supported image"})
    add("remix", "image_file", {"image_file": 12345})
    add("edit", "mask", {"mask": b"plain text"})
    add("edit", "mask", {"mask": None})
    return cases


@pytest.mark.parametrize(("method", "kwargs", "param"), _cases())
async def test_invalid_parameters_are_refused_before_sending(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    method: str,
    kwargs: dict[str, Any],
    param: str,
) -> None:
    """Every invalid parameter raises ``IdeogramValidationError`` naming it, and sends nothing."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await getattr(client.legacy, method)(**{**BASE[method], **kwargs})
    assert info.value.param == param
    assert respx_mock.calls.call_count == 0


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"aspect_ratio": "16x9"}, ["ASPECT_16_9", "ASPECT_1_1", "ASPECT_3_1"]),
        ({"model": "V_3"}, ["V_1", "V_2A_TURBO", "AUTO"]),
        ({"style_type": "PHOTO"}, ["GENERAL", "RENDER_3D", "ANIME"]),
        ({"magic_prompt_option": "MAYBE"}, ["AUTO", "ON", "OFF"]),
        ({"resolution": "1x1"}, ["RESOLUTION_1024_1024", "RESOLUTION_1536_640"]),
    ],
)
async def test_bad_enum_value_names_the_allowed_values(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    kwargs: dict[str, Any],
    allowed: list[str],
) -> None:
    """A value outside an enum is refused with the allowed values in the error."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.legacy.generate(prompt="cat", **kwargs)
    for value in allowed:
        assert value in info.value.allowed
        assert value in str(info.value)
    assert respx_mock.calls.call_count == 0


@pytest.mark.parametrize("palette", ["NEON", {"name": "NEON"}, {"members": ["red"]}, {"x": 1}])
async def test_bad_color_palette_names_color_palette(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, palette: Any
) -> None:
    """A bad palette (unknown preset, bad colour, unknown key) is refused as ``color_palette``."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.legacy.generate(prompt="cat", color_palette=palette)
    assert info.value.param.split(".")[0] == "color_palette"
    assert respx_mock.calls.call_count == 0


async def test_oversized_image_is_refused_before_sending(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An image over 10 MB is refused as ``image_file`` without a request."""
    big = PNG + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.legacy.remix(image_file=big, prompt="cat")
    assert info.value.param == "image_file"
    assert respx_mock.calls.call_count == 0


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        *[
            ("generate", {"model": m, "negative_prompt": "blur"})
            for m in (None, "V_1", "V_1_TURBO", "V_2", "V_2_TURBO")
        ],
        *[("generate", {"model": m, "color_palette": "EMBER"}) for m in (None, "V_2", "AUTO")],
        *[("generate", {"model": m, "style_type": "AUTO"}) for m in (None, "V_2", "V_2A")],
        ("remix", {"model": "V_2_TURBO", "negative_prompt": "blur", "image_weight": 100}),
        ("edit", {"model": "V_2_TURBO"}),
        ("reframe", {"model": "V_2", "style_type": "REALISTIC"}),
        ("reframe", {"model": "V_2A_TURBO"}),
        *[
            ("generate", {"model": m, "resolution": "RESOLUTION_1024_1024"})
            for m in (None, "V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "AUTO")
        ],
        ("remix", {"model": "V_2", "resolution": "RESOLUTION_1280_720"}),
    ],
)
async def test_allowed_model_combinations_are_sent(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    method: str,
    kwargs: dict[str, Any],
) -> None:
    """Each model-dependent field is accepted with the models the API allows it for."""
    route = respx_mock.post(f"{API}/{method}").mock(
        return_value=httpx.Response(200, json=image_response())
    )
    await getattr(client.legacy, method)(**{**BASE[method], **kwargs})
    assert route.call_count == 1


async def test_unknown_keyword_is_refused(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A misspelt parameter raises ``TypeError`` as Python does, instead of being dropped."""
    kwargs: dict[str, Any] = {"prompt": "cat", "negative_promt": "blur"}
    with pytest.raises(TypeError, match="negative_promt"):
        await client.legacy.generate(**kwargs)
    assert respx_mock.calls.call_count == 0


# --- gateways ----------------------------------------------------------------------------------


async def test_gateway_dialect_uses_prefix_and_bearer(respx_mock: respx.MockRouter) -> None:
    """A gateway client POSTs under its path prefix with ``Authorization: Bearer`` only."""
    route = respx_mock.post(f"{GATEWAY}/generate").mock(
        return_value=httpx.Response(200, json=image_response())
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=GATEWAY, auth_scheme="bearer") as gateway:
        await gateway.legacy.generate(prompt="cat", model="V_2")
    request = route.calls.last.request
    assert request.url == "https://gateway.example/ideogram/generate"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert "Api-Key" not in request.headers
    assert json.loads(request.content) == {"image_request": {"prompt": "cat", "model": "V_2"}}


PHOTO = "https://example.com/photo.jpg"


@pytest.mark.parametrize(
    ("method", "kwargs", "body"),
    [
        pytest.param(
            "remix",
            {"prompt": "Same scene in anime style", "model": "V_2"},
            {
                "image_request": {"prompt": "Same scene in anime style", "model": "V_2"},
                "image_file": PHOTO,
            },
            id="remix",
        ),
        pytest.param(
            "upscale",
            {"prompt": "high quality detailed image"},
            {"image_request": {"prompt": "high quality detailed image"}, "image_file": PHOTO},
            id="upscale",
        ),
        pytest.param("upscale", {}, {"image_request": {}, "image_file": PHOTO}, id="upscale-bare"),
        pytest.param("describe", {}, {"image_file": PHOTO}, id="describe"),
        pytest.param(
            "edit",
            {"mask": PHOTO, "prompt": "cat", "model": "V_2"},
            {"prompt": "cat", "model": "V_2", "image_file": PHOTO, "mask": PHOTO},
            id="edit",
        ),
        pytest.param(
            "reframe",
            {"resolution": "RESOLUTION_1280_720", "model": "V_2"},
            {"resolution": "RESOLUTION_1280_720", "model": "V_2", "image_file": PHOTO},
            id="reframe",
        ),
    ],
)
async def test_pass_image_urls_sends_json_like_crazyrouter(
    respx_mock: respx.MockRouter, method: str, kwargs: dict[str, Any], body: dict[str, Any]
) -> None:
    """With ``pass_image_urls``, URL inputs travel as JSON (seed 001's shape), unfetched."""
    answer = {"descriptions": [{"text": "x"}]} if method == "describe" else image_response()
    route = respx_mock.post(f"{GATEWAY}/{method}").mock(
        return_value=httpx.Response(200, json=answer)
    )
    async with ia.AsyncIdeogram(
        api_key=KEY, base_url=GATEWAY, auth_scheme="bearer", pass_image_urls=True
    ) as gateway:
        await getattr(gateway.legacy, method)(image_file=PHOTO, **kwargs)
    request = route.calls.last.request
    assert respx_mock.calls.call_count == 1
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content) == body


async def test_pass_image_urls_still_uploads_bytes(respx_mock: respx.MockRouter) -> None:
    """With ``pass_image_urls``, an image given as bytes is still uploaded as multipart."""
    route = respx_mock.post(f"{GATEWAY}/remix").mock(
        return_value=httpx.Response(200, json=image_response())
    )
    async with ia.AsyncIdeogram(
        api_key=KEY, base_url=GATEWAY, auth_scheme="bearer", pass_image_urls=True
    ) as gateway:
        await gateway.legacy.remix(image_file=PNG, prompt="cat")
    assert form(route.calls.last.request) == [
        ("image_request", None, "application/json", {"prompt": "cat"}),
        ("image_file", "image_file.png", "image/png", PNG),
    ]


async def test_url_input_is_downloaded_without_credentials_and_uploaded(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Without ``pass_image_urls`` a URL input is fetched anonymously and uploaded as a file."""
    download = respx_mock.get(PHOTO).mock(return_value=httpx.Response(200, content=JPEG))
    route = post(respx_mock, "/remix")
    await client.legacy.remix(image_file=PHOTO, prompt="cat")
    fetched = download.calls.last.request
    assert "Api-Key" not in fetched.headers
    assert "Authorization" not in fetched.headers
    assert form(sent(route))[1] == ("image_file", "photo.jpg", "image/jpeg", JPEG)


# --- responses ---------------------------------------------------------------------------------

SEED_000 = {
    "data": [
        {
            "seed": 12345,
            "prompt": BEACH,
            "resolution": "1024x1024",
            "url": "https://ideogram.ai/api/images/direct/8YEpFzHuS-S6xXEGmCsf7g",
            "is_image_safe": True,
        },
        {
            "seed": 12345,
            "prompt": BEACH,
            "resolution": "1024x1024",
            "url": "https://ideogram.ai/api/images/direct/8YEpFzHuS-S6xXEGmCsf7g",
            "is_image_safe": True,
        },
    ],
    "created": "2000-01-23T04:56:07.000Z",
}
SEED_001 = {
    "created": 1709123456,
    "data": [
        {
            "url": "https://ideogram.ai/assets/image/...",
            "prompt": "A futuristic cityscape at night with neon lights",
            "resolution": "1344x768",
            "seed": 67890,
        }
    ],
}
SEED_003 = {
    "created": "2000-01-23T04:56:07Z",
    "data": [
        {
            "prompt": BEACH,
            "resolution": "1024x1024",
            "is_image_safe": True,
            "seed": 12345,
            "url": "https://ideogram.ai/api/images/direct/8YEpFzHuS-S6xXEGmCsf7g",
            "style_type": "REALISTIC",
        }
    ],
}
SEED_004 = {
    "created": "2024-08-27T15:40:31.101790+00:00",
    "data": [
        {
            "is_image_safe": True,
            "prompt": BEACH,
            "resolution": "768x1232",
            "seed": 12345,
            "url": "https://ideogram.ai/api/images/ephemeral/TMbGtdqTRQST8EoZoCjtiw.png"
            "?exp=1724859637&sig=62b8379501193e1acb70e7ceca83e31a7b5e83524c2ce64cb33e5e86aed25dd8",
        }
    ],
}


@pytest.mark.parametrize(
    ("method", "body", "created", "sides", "seeds", "safe"),
    [
        pytest.param(
            "generate",
            SEED_000,
            dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC),
            [(1024, 1024), (1024, 1024)],
            [12345, 12345],
            [True, True],
            id="seed-000-iso-Z-millis",
        ),
        pytest.param(
            "generate",
            SEED_001,
            dt.datetime(2024, 2, 28, 12, 30, 56, tzinfo=UTC),
            [(1344, 768)],
            [67890],
            [True],
            id="seed-001-epoch-no-is_image_safe",
        ),
        pytest.param(
            "edit",
            SEED_000,
            dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC),
            [(1024, 1024), (1024, 1024)],
            [12345, 12345],
            [True, True],
            id="seed-002-edit",
        ),
        pytest.param(
            "upscale",
            SEED_003,
            dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC),
            [(1024, 1024)],
            [12345],
            [True],
            id="seed-003-iso-Z",
        ),
        pytest.param(
            "remix",
            SEED_004,
            dt.datetime(2024, 8, 27, 15, 40, 31, 101790, tzinfo=UTC),
            [(768, 1232)],
            [12345],
            [True],
            id="seed-004-offset-micros",
        ),
    ],
)
async def test_seed_example_responses_parse(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    method: str,
    body: dict[str, Any],
    created: dt.datetime,
    sides: list[tuple[int, int]],
    seeds: list[int],
    safe: list[bool],
) -> None:
    """The gateways' example responses parse into typed, timezone-aware results."""
    post(respx_mock, f"/{method}", body)
    result = await getattr(client.legacy, method)(**BASE[method])
    assert isinstance(result, ia.ImageGenerationResponse)
    assert result.created == created
    assert result.created.utcoffset() == dt.timedelta(0)
    assert [(i.resolution.width, i.resolution.height) for i in result.data] == sides
    assert [i.seed for i in result.data] == seeds
    assert [i.is_image_safe for i in result.data] == safe
    assert [i.url for i in result.data] == [item["url"] for item in body["data"]]
    assert [i.prompt for i in result.data] == [item["prompt"] for item in body["data"]]
    assert result.response is not None
    assert result.response.status_code == 200


async def test_image_fields_parse_with_defaults_and_unknown_values(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Unsafe images have no URL, new style types stay strings, and unknown fields are ignored."""
    body = {
        "created": "2025-01-02T03:04:05.123456789Z",
        "brand_new_field": {"x": 1},
        "data": [
            {"prompt": "p", "resolution": "1024x1024", "seed": 1, "url": None},
            {
                "prompt": "p",
                "resolution": "1024X576",
                "seed": 2,
                "url": "https://x/y.png",
                "style_type": "NEW_STYLE",
                "upscaled_resolution": "2048x1152",
                "another_new_field": 3,
            },
            {"prompt": "p", "resolution": "640x1536", "seed": 3, "style_type": "ANIME"},
        ],
    }
    post(respx_mock, "/generate", body)
    result = await client.legacy.generate(prompt="p")
    unsafe, new, anime = result.data
    assert (unsafe.url, unsafe.is_image_safe) == (None, False)
    assert (anime.url, anime.is_image_safe) == (None, False)
    assert new.is_image_safe is True
    assert new.style_type == "NEW_STYLE"
    assert anime.style_type is StyleType.ANIME
    assert (new.resolution.width, new.resolution.height) == (1024, 576)
    assert new.upscaled_resolution is not None
    assert (new.upscaled_resolution.width, new.upscaled_resolution.height) == (2048, 1152)
    assert result.created == dt.datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


async def test_describe_parses_seed_descriptions(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``describe`` returns each of the seeds' descriptions, in order."""
    texts = [
        "A futuristic cityscape at night with vibrant neon lights reflecting off wet streets, "
        "tall skyscrapers with holographic advertisements",
        CAT,
    ]
    post(respx_mock, "/describe", {"descriptions": [{"text": t} for t in texts]})
    result = await client.legacy.describe(image_file=PNG)
    assert isinstance(result, ia.DescribeResponse)
    assert [d.text for d in result.descriptions] == texts


# --- errors ------------------------------------------------------------------------------------


async def test_422_raises_unprocessable_entity_with_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 422 from ``generate`` raises ``UnprocessableEntityError`` carrying the server's text."""
    route = respx_mock.post(f"{API}/generate").mock(
        return_value=httpx.Response(422, json={"error": "Prompt failed the safety check."})
    )
    with pytest.raises(ia.UnprocessableEntityError) as info:
        await client.legacy.generate(prompt="cat")
    assert info.value.error == "Prompt failed the safety check."
    assert info.value.status_code == 422
    assert route.call_count == 1


async def test_402_raises_payment_required_with_reject_reason(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 402 from ``remix`` raises ``PaymentRequiredError`` with the ``reject_reason``."""
    route = respx_mock.post(f"{API}/remix").mock(
        return_value=httpx.Response(
            402, json={"error": "Insufficient credits", "reject_reason": "insufficient_credits"}
        )
    )
    with pytest.raises(ia.PaymentRequiredError) as info:
        await client.legacy.remix(image_file=PNG, prompt="cat")
    assert info.value.reject_reason == "insufficient_credits"
    assert info.value.error == "Insufficient credits"
    assert route.call_count == 1
