"""``client.images``: background removal (``/v1/remove-background``) and ``/v1/edit``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async import AspectRatioV3, MagicPromptOption, ResolutionV3

from .conftest import API, JPEG, KEY, PNG, WEBP, image_response, multipart_parts

pytestmark = pytest.mark.anyio

UTC = dt.timezone.utc
GATEWAY = "https://gateway.example/ideogram"
REF = "https://ideogram.ai/api/images/ephemeral/ref{}.png"

Part = tuple[str, "str | None", "str | None", Any]


def form(request: httpx.Request) -> list[Part]:
    """The multipart parts, text parts decoded to ``str``."""
    return [
        (name, filename, content_type, content.decode() if filename is None else content)
        for name, filename, content_type, content in multipart_parts(request)
    ]


def sent(route: respx.Route) -> httpx.Request:
    """The one request a route saw, checked to carry the official API's auth header."""
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    assert request.headers["Api-Key"] == KEY
    assert "Authorization" not in request.headers
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    return request


def post(respx_mock: respx.MockRouter, path: str, body: Any = None) -> respx.Route:
    """A route answering ``POST {API}{path}`` with ``body`` (one image by default)."""
    route: respx.Route = respx_mock.post(f"{API}{path}").mock(
        return_value=httpx.Response(200, json=image_response() if body is None else body)
    )
    return route


# --- remove_background -------------------------------------------------------------------------

FOREGROUND = (
    "https://ideogram.ai/api/images/ephemeral/xtdZiqPwRxqY1Y7NExFmzB.png"
    "?exp=1743867804&sig=e13e12677633f646d8531a153d20e2d3698dca9ee7661ee5ba4f3b64e7ec3f89"
)
REMOVE_BACKGROUND_EXAMPLE = {  # the spec's RemoveBackgroundResponse example
    "created": "2000-01-23T04:56:07+00:00",
    "data": [{"url": FOREGROUND, "is_image_safe": True}],
}


async def test_remove_background_sends_one_image_part(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``remove_background`` POSTs the image alone, as the ``image`` part, and parses the result."""
    route = post(respx_mock, "/v1/remove-background", REMOVE_BACKGROUND_EXAMPLE)
    result = await client.images.remove_background(image=("portrait.webp", WEBP))
    request = sent(route)
    assert request.url == f"{API}/v1/remove-background"
    assert form(request) == [("image", "portrait.webp", "image/webp", WEBP)]
    assert isinstance(result, ia.RemoveBackgroundResponse)
    assert result.created == dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)
    [foreground] = result.data
    assert foreground.url == FOREGROUND
    assert foreground.is_image_safe is True


@pytest.mark.parametrize(
    ("item", "url", "safe"),
    [
        ({"url": "https://x/a.png"}, "https://x/a.png", True),
        ({"url": None, "is_image_safe": False}, None, False),
        ({}, None, False),
        (
            {"url": "https://x/a.png", "is_image_safe": True, "new_field": 1},
            "https://x/a.png",
            True,
        ),
    ],
)
async def test_remove_background_safety_defaults(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    item: dict[str, Any],
    url: str | None,
    safe: bool,
) -> None:
    """A foreground without ``is_image_safe`` is safe exactly when it has a URL."""
    post(respx_mock, "/v1/remove-background", {"created": 1709123456, "data": [item]})
    result = await client.images.remove_background(image=PNG)
    assert (result.data[0].url, result.data[0].is_image_safe) == (url, safe)
    assert result.created == dt.datetime(2024, 2, 28, 12, 30, 56, tzinfo=UTC)


@pytest.mark.parametrize("image", [None, b"not an image", 3.5, JPEG[:2]])
async def test_remove_background_refuses_bad_image(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, image: Any
) -> None:
    """A missing or non-image ``image`` is refused before anything is sent."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.images.remove_background(image=image)
    assert info.value.param == "image"
    assert respx_mock.calls.call_count == 0


# --- /v1/edit ----------------------------------------------------------------------------------


async def test_edit_sends_every_field_and_repeats_lists(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``edit`` sends text fields, a part per URL and per image, and booleans as ``true``."""
    route = post(respx_mock, "/v1/edit")
    await client.images.edit(
        prompt="Change the background to a beach sunset.",
        images=[PNG, ("b.jpg", JPEG), ("c.webp", WEBP, "application/octet-stream")],
        image_urls=[REF.format(1), REF.format(2)],
        num_images=8,
        seed=2_147_483_647,
        magic_prompt=MagicPromptOption.OFF,
        aspect_ratio=AspectRatioV3.R16x9,
        transparent_background=True,
    )
    request = sent(route)
    assert request.url == f"{API}/v1/edit"
    assert form(request) == [
        ("prompt", None, None, "Change the background to a beach sunset."),
        ("image_urls", None, None, REF.format(1)),
        ("image_urls", None, None, REF.format(2)),
        ("num_images", None, None, "8"),
        ("seed", None, None, "2147483647"),
        ("magic_prompt", None, None, "OFF"),
        ("aspect_ratio", None, None, "16x9"),
        ("transparent_background", None, None, "true"),
        ("images", "images.png", "image/png", PNG),
        ("images", "b.jpg", "image/jpeg", JPEG),
        ("images", "c.webp", "image/webp", WEBP),
    ]


@pytest.mark.parametrize(
    ("kwargs", "parts"),
    [
        pytest.param(
            {"images": PNG},
            [("prompt", None, None, "sky"), ("images", "images.png", "image/png", PNG)],
            id="one-image-not-in-a-list",
        ),
        pytest.param(
            {"image_urls": REF.format(1)},
            [("prompt", None, None, "sky"), ("image_urls", None, None, REF.format(1))],
            id="one-url-not-in-a-list",
        ),
        pytest.param(
            {"image_urls": (REF.format(1), REF.format(2))},
            [
                ("prompt", None, None, "sky"),
                ("image_urls", None, None, REF.format(1)),
                ("image_urls", None, None, REF.format(2)),
            ],
            id="urls-as-a-tuple",
        ),
        pytest.param(
            {"images": [JPEG], "transparent_background": False, "seed": 0, "num_images": 1},
            [
                ("prompt", None, None, "sky"),
                ("num_images", None, None, "1"),
                ("seed", None, None, "0"),
                ("transparent_background", None, None, "false"),
                ("images", "images.jpg", "image/jpeg", JPEG),
            ],
            id="false-and-zero-are-sent",
        ),
        pytest.param(
            {"images": [PNG], "resolution": ResolutionV3.R512x1536},
            [
                ("prompt", None, None, "sky"),
                ("resolution", None, None, "512x1536"),
                ("images", "images.png", "image/png", PNG),
            ],
            id="resolution",
        ),
        pytest.param(
            {"images": [PNG] * 10, "image_urls": [REF.format(i) for i in range(10)]},
            [
                ("prompt", None, None, "sky"),
                *[("image_urls", None, None, REF.format(i)) for i in range(10)],
                *[("images", "images.png", "image/png", PNG)] * 10,
            ],
            id="ten-of-each",
        ),
    ],
)
async def test_edit_bodies(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    kwargs: dict[str, Any],
    parts: list[Part],
) -> None:
    """``edit`` sends only the fields given, a single item as a list of one, up to 10 of each."""
    route = post(respx_mock, "/v1/edit")
    await client.images.edit(prompt="sky", **kwargs)
    assert form(sent(route)) == parts


async def test_edit_enum_members_and_strings_send_the_same_body(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Enum members and their string values produce the same form fields."""
    route = post(respx_mock, "/v1/edit")
    await client.images.edit(
        prompt="sky",
        images=PNG,
        magic_prompt=MagicPromptOption.AUTO,
        aspect_ratio=AspectRatioV3.R4x5,
    )
    await client.images.edit(prompt="sky", images=PNG, magic_prompt="AUTO", aspect_ratio="4x5")
    first, second = (form(call.request) for call in route.calls)
    assert first == second
    assert first[1:3] == [
        ("magic_prompt", None, None, "AUTO"),
        ("aspect_ratio", None, None, "4x5"),
    ]


async def test_edit_extra_body_adds_fields_and_bypasses_validation(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``extra_body`` keys become form fields, replacing validated ones as given."""
    route = post(respx_mock, "/v1/edit")
    await client.images.edit(
        prompt="sky",
        images=PNG,
        num_images=2,
        extra_body={"num_images": 99, "magic_prompt_system_prompt_config_id": "abc"},
    )
    assert form(sent(route)) == [
        ("prompt", None, None, "sky"),
        ("num_images", None, None, "99"),
        ("magic_prompt_system_prompt_config_id", None, None, "abc"),
        ("images", "images.png", "image/png", PNG),
    ]


ONE = {"images": PNG}


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        pytest.param({}, "images", id="no-image"),
        pytest.param({"images": [], "image_urls": []}, "images", id="empty-lists"),
        pytest.param({"images": None, "image_urls": None}, "images", id="nones"),
        pytest.param({"images": [PNG] * 11}, "images", id="eleven-images"),
        pytest.param(
            {"image_urls": [REF.format(i) for i in range(11)]}, "image_urls", id="11-urls"
        ),
        pytest.param({"image_urls": [""]}, "image_urls", id="empty-url"),
        pytest.param({"image_urls": [7]}, "image_urls", id="non-string-url"),
        pytest.param({"images": [b"GIF89a"]}, "images", id="not-an-image"),
        pytest.param({"images": [PNG, 12]}, "images", id="not-a-file"),
        pytest.param({**ONE, "prompt": ""}, "prompt", id="empty-prompt"),
        pytest.param({**ONE, "seed": -1}, "seed", id="seed-low"),
        pytest.param({**ONE, "seed": 2_147_483_648}, "seed", id="seed-high"),
        pytest.param({**ONE, "num_images": 0}, "num_images", id="num-low"),
        pytest.param({**ONE, "num_images": 9}, "num_images", id="num-high"),
        pytest.param({**ONE, "magic_prompt": "MAYBE"}, "magic_prompt", id="magic"),
        pytest.param({**ONE, "aspect_ratio": "ASPECT_16_9"}, "aspect_ratio", id="legacy-aspect"),
        pytest.param({**ONE, "resolution": "RESOLUTION_1024_1024"}, "resolution", id="legacy-res"),
        pytest.param(
            {**ONE, "aspect_ratio": "1x1", "resolution": "1024x1024"}, "resolution", id="both"
        ),
        pytest.param({**ONE, "transparent_background": "yes"}, "transparent_background", id="bg"),
        pytest.param({**ONE, "transparent_background": 1}, "transparent_background", id="bg-int"),
    ],
)
async def test_edit_refuses_invalid_parameters(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, kwargs: dict[str, Any], param: str
) -> None:
    """Every invalid ``edit`` parameter raises ``IdeogramValidationError`` naming it, unsent."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.images.edit(**{"prompt": "sky", **kwargs})
    assert info.value.param == param
    assert respx_mock.calls.call_count == 0


async def test_edit_bad_aspect_ratio_names_the_allowed_values(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 3.0 aspect ratio in the legacy spelling is refused with the 3.0 values listed."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.images.edit(prompt="sky", images=PNG, aspect_ratio="ASPECT_16_9")  # type: ignore[arg-type]
    assert all(v in info.value.allowed for v in ("16x9", "1x1", "4x5"))
    assert respx_mock.calls.call_count == 0


# --- gateways ----------------------------------------------------------------------------------


async def test_gateway_edit_uses_prefix_and_bearer(respx_mock: respx.MockRouter) -> None:
    """A gateway client sends ``/v1/edit`` under its prefix with a bearer token only."""
    route = respx_mock.post(f"{GATEWAY}/v1/edit").mock(
        return_value=httpx.Response(200, json=image_response())
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=GATEWAY, auth_scheme="bearer") as gateway:
        await gateway.images.edit(prompt="sky", images=PNG)
    request = route.calls.last.request
    assert request.url == "https://gateway.example/ideogram/v1/edit"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert "Api-Key" not in request.headers


@pytest.mark.parametrize(
    ("method", "kwargs", "body"),
    [
        pytest.param(
            "remove_background",
            {"image": "https://example.com/photo.jpg"},
            {"image": "https://example.com/photo.jpg"},
            id="remove-background",
        ),
        pytest.param(
            "edit",
            {
                "prompt": "sky",
                "images": ["https://example.com/a.jpg", "https://example.com/b.png"],
                "image_urls": REF.format(1),
                "transparent_background": False,
            },
            {
                "prompt": "sky",
                "image_urls": [REF.format(1)],
                "transparent_background": False,
                "images": ["https://example.com/a.jpg", "https://example.com/b.png"],
            },
            id="edit",
        ),
    ],
)
async def test_pass_image_urls_sends_json_without_downloading(
    respx_mock: respx.MockRouter, method: str, kwargs: dict[str, Any], body: dict[str, Any]
) -> None:
    """With ``pass_image_urls``, image URLs travel in a JSON body and nothing is downloaded."""
    path = "/v1/remove-background" if method == "remove_background" else "/v1/edit"
    answer = REMOVE_BACKGROUND_EXAMPLE if method == "remove_background" else image_response()
    route = respx_mock.post(f"{GATEWAY}{path}").mock(return_value=httpx.Response(200, json=answer))
    async with ia.AsyncIdeogram(
        api_key=KEY, base_url=GATEWAY, auth_scheme="bearer", pass_image_urls=True
    ) as gateway:
        await getattr(gateway.images, method)(**kwargs)
    request = route.calls.last.request
    assert respx_mock.calls.call_count == 1
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == body


# --- errors ------------------------------------------------------------------------------------


async def test_edit_422_raises_unprocessable_entity(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 422 from ``/v1/edit`` raises ``UnprocessableEntityError`` with the server's ``error``."""
    route = respx_mock.post(f"{API}/v1/edit").mock(
        return_value=httpx.Response(422, json={"error": "Image failed the safety check."})
    )
    with pytest.raises(ia.UnprocessableEntityError) as info:
        await client.images.edit(prompt="sky", images=PNG)
    assert info.value.error == "Image failed the safety check."
    assert route.call_count == 1


async def test_edit_402_raises_payment_required(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 402 from ``/v1/edit`` raises ``PaymentRequiredError`` with its ``reject_reason``."""
    route = respx_mock.post(f"{API}/v1/edit").mock(
        return_value=httpx.Response(402, json={"reject_reason": "daily_limit_reached"})
    )
    with pytest.raises(ia.PaymentRequiredError) as info:
        await client.images.edit(prompt="sky", image_urls=REF.format(1))
    assert info.value.reject_reason == "daily_limit_reached"
    assert route.call_count == 1
