"""The Ideogram 3.0 operations: routes, headers, multipart bodies and parsed results."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async._resources.v3 import V3

from .conftest import API, JPEG, KEY, PNG, WEBP, image_response, make_png, multipart_parts

pytestmark = pytest.mark.anyio

Part = tuple[str, "str | None", "str | None", object]

PATHS = {
    "generate": "/v1/ideogram-v3/generate",
    "generate_transparent": "/v1/ideogram-v3/generate-transparent",
    "remix": "/v1/ideogram-v3/remix",
    "inpaint": "/v1/ideogram-v3/inpaint",
    "edit": "/v1/ideogram-v3/edit",
    "reframe": "/v1/ideogram-v3/reframe",
    "replace_background": "/v1/ideogram-v3/replace-background",
    "layerize_text": "/v1/ideogram-v3/layerize-text",
}

# The request fields of each route in Ideogram's public spec
# (openapi-developer-portal-public-2026-08-03.yml).
_CHARACTER_STYLED = {
    "image",
    "mask",
    "prompt",
    "magic_prompt",
    "num_images",
    "seed",
    "rendering_speed",
    "style_type",
    "style_preset",
    "color_palette",
    "style_codes",
    "style_reference_images",
    "character_reference_images",
    "character_reference_images_mask",
}
SPEC_FIELDS: dict[str, set[str]] = {
    "generate": {
        "prompt",
        "seed",
        "resolution",
        "aspect_ratio",
        "rendering_speed",
        "magic_prompt",
        "negative_prompt",
        "num_images",
        "color_palette",
        "style_codes",
        "style_type",
        "style_preset",
        "custom_model_uri",
        "style_reference_images",
        "character_reference_images",
        "character_reference_images_mask",
    },
    "generate_transparent": {
        "prompt",
        "seed",
        "upscale_factor",
        "aspect_ratio",
        "rendering_speed",
        "magic_prompt",
        "negative_prompt",
        "num_images",
    },
    "remix": {
        "image",
        "prompt",
        "image_weight",
        "seed",
        "resolution",
        "aspect_ratio",
        "rendering_speed",
        "magic_prompt",
        "negative_prompt",
        "num_images",
        "color_palette",
        "style_codes",
        "style_type",
        "style_preset",
        "style_reference_images",
        "character_reference_images",
        "character_reference_images_mask",
    },
    "inpaint": _CHARACTER_STYLED,
    "edit": _CHARACTER_STYLED,
    "reframe": {
        "image",
        "resolution",
        "num_images",
        "seed",
        "rendering_speed",
        "style_preset",
        "color_palette",
        "style_codes",
        "style_reference_images",
    },
    "replace_background": {
        "image",
        "prompt",
        "magic_prompt",
        "num_images",
        "seed",
        "rendering_speed",
        "style_preset",
        "color_palette",
        "style_codes",
        "style_reference_images",
    },
    "layerize_text": {"image", "prompt", "seed"},
}

LAYERIZE_BODY = {"base_image_url": "https://x/base.png", "seed": 1, "text_blocks": []}

_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


def _type_of(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "image/webp"


def text(name: str, value: str) -> Part:
    """A plain form field as it must travel."""
    return (name, None, None, value.encode())


def img(name: str, data: bytes, filename: str | None = None) -> Part:
    """An image part: sniffed content type, and a filename made from the field when none given."""
    content_type = _type_of(data)
    return (name, filename or name + _EXT[content_type], content_type, data)


def js(name: str, value: object) -> Part:
    """A JSON part, compared decoded."""
    return (name, None, "application/json", value)


def parts(request: httpx.Request) -> list[Part]:
    """A request's parts, grouped by name (repeated parts keep their order), JSON decoded."""
    decoded: list[Part] = []
    for name, filename, content_type, content in multipart_parts(request):
        value: object = json.loads(content) if content_type == "application/json" else content
        decoded.append((name, filename, content_type, value))
    return sorted(decoded, key=lambda part: part[0])


def expect(*items: Part) -> list[Part]:
    """Expected parts, in the order ``parts`` gives them."""
    return sorted(items, key=lambda part: part[0])


async def call(client: ia.AsyncIdeogram, op: str, kwargs: Mapping[str, Any]) -> Any:
    """Run a 3.0 operation by name; the deprecated ``edit`` must warn."""
    method = getattr(client.v3, op)
    if op == "edit":
        with pytest.warns(DeprecationWarning, match=r"v3\.inpaint"):
            return await method(**kwargs)
    return await method(**kwargs)


def route_for(
    respx_mock: respx.MockRouter, op: str, body: Mapping[str, object] | None = None
) -> respx.Route:
    """A route answering ``op`` with ``body`` (by default a valid answer for the route)."""
    if body is None:
        body = LAYERIZE_BODY if op == "layerize_text" else image_response(1)
    return respx_mock.post(f"{API}{PATHS[op]}").mock(
        return_value=httpx.Response(200, json=dict(body))
    )


def sent(route: respx.Route) -> httpx.Request:
    """The one request a route received."""
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


REQUIRED: dict[str, dict[str, Any]] = {
    "generate": {"prompt": "p"},
    "generate_transparent": {"prompt": "p"},
    "remix": {"image": PNG, "prompt": "p"},
    "inpaint": {"image": PNG, "mask": PNG, "prompt": "p"},
    "edit": {"image": PNG, "mask": PNG, "prompt": "p"},
    "reframe": {"image": PNG, "resolution": "1024x1024"},
    "replace_background": {"image": PNG, "prompt": "p"},
    "layerize_text": {"image": PNG},
}
"""The required arguments of each operation."""

# --- routes, headers, minimal bodies ------------------------------------------------------------

MINIMAL: list[Any] = [
    pytest.param(
        "generate",
        {"prompt": "a lighthouse at dawn"},
        expect(text("prompt", "a lighthouse at dawn")),
        id="generate",
    ),
    pytest.param(
        "generate_transparent",
        {"prompt": "a coffee logo"},
        expect(text("prompt", "a coffee logo")),
        id="generate_transparent",
    ),
    pytest.param(
        "remix",
        {"image": PNG, "prompt": "in watercolour"},
        expect(img("image", PNG), text("prompt", "in watercolour")),
        id="remix",
    ),
    pytest.param(
        "inpaint",
        {"image": JPEG, "mask": PNG, "prompt": "a hat"},
        expect(img("image", JPEG), img("mask", PNG), text("prompt", "a hat")),
        id="inpaint",
    ),
    pytest.param(
        "edit",
        {"image": JPEG, "mask": PNG, "prompt": "a hat"},
        expect(img("image", JPEG), img("mask", PNG), text("prompt", "a hat")),
        id="edit",
    ),
    pytest.param(
        "reframe",
        {"image": WEBP, "resolution": "1280x704"},
        expect(img("image", WEBP), text("resolution", "1280x704")),
        id="reframe",
    ),
    pytest.param(
        "replace_background",
        {"image": JPEG, "prompt": "a forest"},
        expect(img("image", JPEG), text("prompt", "a forest")),
        id="replace_background",
    ),
    pytest.param(
        "layerize_text",
        {"image": PNG},
        expect(img("image", PNG)),
        id="layerize_text",
    ),
]


@pytest.mark.parametrize(("op", "kwargs", "expected"), MINIMAL)
async def test_each_operation_posts_only_the_given_fields_to_its_route(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    expected: list[Part],
) -> None:
    """Each operation POSTs exactly its given fields, as multipart, to its route, with the key."""
    route = route_for(respx_mock, op)
    await call(client, op, kwargs)
    request = sent(route)
    assert request.method == "POST"
    assert str(request.url) == f"{API}{PATHS[op]}"
    assert request.headers["Api-Key"] == KEY
    assert "authorization" not in request.headers
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == expected


# ``edit`` forwards ``**kwargs`` to ``inpaint`` at run time; ``FULL`` below sends its fields.
@pytest.mark.parametrize("op", [op for op in PATHS if op != "edit"])
def test_every_spec_field_is_a_parameter(op: str) -> None:
    """Each operation takes exactly the request fields the public spec lists for its route."""
    signature = inspect.signature(getattr(V3, op))
    taken = {
        name
        for name, parameter in signature.parameters.items()
        if name != "self" and parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert taken == SPEC_FIELDS[op]


# --- every field can be sent ------------------------------------------------------------------

STYLE_A = make_png(2, 2)
STYLE_B = WEBP
PALETTE_MEMBERS = ia.ColorPalette(
    members=[ia.ColorPaletteMember("#ff0000", 0.5), ia.ColorPaletteMember("#00ff00")]
)
MEMBERS_WIRE = {
    "members": [{"color_hex": "#ff0000", "color_weight": 0.5}, {"color_hex": "#00ff00"}]
}

# Each group's first case sends the style codes; its second the fields style codes exclude.
FULL: list[Any] = [
    pytest.param(
        "generate",
        {
            "prompt": "a lighthouse",
            "seed": 42,
            "resolution": ia.ResolutionV3.R1280x704,
            "rendering_speed": ia.RenderingSpeed.QUALITY,
            "magic_prompt": ia.MagicPromptOption.OFF,
            "negative_prompt": "fog",
            "num_images": 3,
            "color_palette": ia.ColorPalette(name=ia.ColorPalettePresetName.PASTEL),
            "style_codes": ["AAFF5733", "0133ff57"],
            "style_preset": ia.StylePresetV3.EIGHTIES_ILLUSTRATION,
            "custom_model_uri": "model/my-model/version/2",
        },
        expect(
            text("prompt", "a lighthouse"),
            text("seed", "42"),
            text("resolution", "1280x704"),
            text("rendering_speed", "QUALITY"),
            text("magic_prompt", "OFF"),
            text("negative_prompt", "fog"),
            text("num_images", "3"),
            js("color_palette", {"name": "PASTEL"}),
            text("style_codes", "AAFF5733"),
            text("style_codes", "0133ff57"),
            text("style_preset", "80S_ILLUSTRATION"),
            text("custom_model_uri", "model/my-model/version/2"),
        ),
        id="generate-codes",
    ),
    pytest.param(
        "generate",
        {
            "prompt": "a lighthouse",
            "aspect_ratio": "9x16",
            "style_type": "DESIGN",
            "color_palette": PALETTE_MEMBERS,
            "style_reference_images": [STYLE_A, STYLE_B],
            "character_reference_images": [JPEG],
            "character_reference_images_mask": [PNG],
        },
        expect(
            text("prompt", "a lighthouse"),
            text("aspect_ratio", "9x16"),
            text("style_type", "DESIGN"),
            js("color_palette", MEMBERS_WIRE),
            img("style_reference_images", STYLE_A),
            img("style_reference_images", STYLE_B),
            img("character_reference_images", JPEG),
            img("character_reference_images_mask", PNG),
        ),
        id="generate-references",
    ),
    pytest.param(
        "generate_transparent",
        {
            "prompt": "a coffee logo",
            "seed": 0,
            "upscale_factor": ia.UpscaleFactor.X4,
            "aspect_ratio": ia.AspectRatioV3.R1x1,
            "rendering_speed": "TURBO",
            "magic_prompt": "ON",
            "negative_prompt": "shadows",
            "num_images": 8,
        },
        expect(
            text("prompt", "a coffee logo"),
            text("seed", "0"),
            text("upscale_factor", "X4"),
            text("aspect_ratio", "1x1"),
            text("rendering_speed", "TURBO"),
            text("magic_prompt", "ON"),
            text("negative_prompt", "shadows"),
            text("num_images", "8"),
        ),
        id="generate_transparent",
    ),
    pytest.param(
        "remix",
        {
            "image": JPEG,
            "prompt": "at night",
            "image_weight": 75,
            "seed": 2147483647,
            "resolution": "1024x1024",
            "rendering_speed": "FLASH",
            "magic_prompt": "AUTO",
            "negative_prompt": "people",
            "num_images": 2,
            "color_palette": "EMBER",
            "style_codes": "DE3357FF",
            "style_preset": "WATERCOLOR",
        },
        expect(
            img("image", JPEG),
            text("prompt", "at night"),
            text("image_weight", "75"),
            text("seed", "2147483647"),
            text("resolution", "1024x1024"),
            text("rendering_speed", "FLASH"),
            text("magic_prompt", "AUTO"),
            text("negative_prompt", "people"),
            text("num_images", "2"),
            js("color_palette", {"name": "EMBER"}),
            text("style_codes", "DE3357FF"),
            text("style_preset", "WATERCOLOR"),
        ),
        id="remix-codes",
    ),
    pytest.param(
        "remix",
        {
            "image": JPEG,
            "prompt": "at night",
            "aspect_ratio": ia.AspectRatioV3.R16x10,
            "style_type": ia.StyleTypeV3.REALISTIC,
            "style_reference_images": [STYLE_A],
            "character_reference_images": [PNG],
            "character_reference_images_mask": [WEBP],
        },
        expect(
            img("image", JPEG),
            text("prompt", "at night"),
            text("aspect_ratio", "16x10"),
            text("style_type", "REALISTIC"),
            img("style_reference_images", STYLE_A),
            img("character_reference_images", PNG),
            img("character_reference_images_mask", WEBP),
        ),
        id="remix-references",
    ),
    *[
        pytest.param(
            op,
            {
                "image": PNG,
                "mask": STYLE_A,
                "prompt": "a red hat",
                "magic_prompt": "OFF",
                "num_images": 4,
                "seed": 7,
                "rendering_speed": ia.RenderingSpeed.TURBO,
                "style_preset": "BAUHAUS",
                "color_palette": {"members": ["#123", "#abcdef"]},
                "style_codes": ["AAFF5733", "0133FF57", "DE3357FF"],
            },
            expect(
                img("image", PNG),
                img("mask", STYLE_A),
                text("prompt", "a red hat"),
                text("magic_prompt", "OFF"),
                text("num_images", "4"),
                text("seed", "7"),
                text("rendering_speed", "TURBO"),
                text("style_preset", "BAUHAUS"),
                js("color_palette", {"members": [{"color_hex": "#123"}, {"color_hex": "#abcdef"}]}),
                text("style_codes", "AAFF5733"),
                text("style_codes", "0133FF57"),
                text("style_codes", "DE3357FF"),
            ),
            id=f"{op}-codes",
        )
        for op in ("inpaint", "edit")
    ],
    *[
        pytest.param(
            op,
            {
                "image": PNG,
                "mask": STYLE_A,
                "prompt": "a red hat",
                "style_type": "FICTION",
                "style_reference_images": [JPEG, WEBP],
                "character_reference_images": [PNG],
                "character_reference_images_mask": [STYLE_A],
            },
            expect(
                img("image", PNG),
                img("mask", STYLE_A),
                text("prompt", "a red hat"),
                text("style_type", "FICTION"),
                img("style_reference_images", JPEG),
                img("style_reference_images", WEBP),
                img("character_reference_images", PNG),
                img("character_reference_images_mask", STYLE_A),
            ),
            id=f"{op}-references",
        )
        for op in ("inpaint", "edit")
    ],
    pytest.param(
        "reframe",
        {
            "image": PNG,
            "resolution": ia.ResolutionV3.R1536x512,
            "num_images": 1,
            "seed": 99,
            "rendering_speed": "DEFAULT",
            "style_preset": ia.StylePresetV3.ART_DECO,
            "color_palette": PALETTE_MEMBERS,
            "style_codes": ["AAFF5733"],
        },
        expect(
            img("image", PNG),
            text("resolution", "1536x512"),
            text("num_images", "1"),
            text("seed", "99"),
            text("rendering_speed", "DEFAULT"),
            text("style_preset", "ART_DECO"),
            js("color_palette", MEMBERS_WIRE),
            text("style_codes", "AAFF5733"),
        ),
        id="reframe-codes",
    ),
    pytest.param(
        "reframe",
        {"image": PNG, "resolution": "512x1536", "style_reference_images": [WEBP, JPEG]},
        expect(
            img("image", PNG),
            text("resolution", "512x1536"),
            img("style_reference_images", WEBP),
            img("style_reference_images", JPEG),
        ),
        id="reframe-references",
    ),
    pytest.param(
        "replace_background",
        {
            "image": WEBP,
            "prompt": "a beach",
            "magic_prompt": ia.MagicPromptOption.ON,
            "num_images": 5,
            "seed": 1,
            "rendering_speed": "QUALITY",
            "style_preset": "GOLDEN_HOUR",
            "color_palette": {"name": "ULTRAMARINE"},
            "style_codes": ["0133FF57"],
        },
        expect(
            img("image", WEBP),
            text("prompt", "a beach"),
            text("magic_prompt", "ON"),
            text("num_images", "5"),
            text("seed", "1"),
            text("rendering_speed", "QUALITY"),
            text("style_preset", "GOLDEN_HOUR"),
            js("color_palette", {"name": "ULTRAMARINE"}),
            text("style_codes", "0133FF57"),
        ),
        id="replace_background-codes",
    ),
    pytest.param(
        "replace_background",
        {"image": WEBP, "prompt": "a beach", "style_reference_images": [PNG]},
        expect(img("image", WEBP), text("prompt", "a beach"), img("style_reference_images", PNG)),
        id="replace_background-references",
    ),
    pytest.param(
        "layerize_text",
        {"image": JPEG, "prompt": "a poster reading SALE", "seed": 12},
        expect(img("image", JPEG), text("prompt", "a poster reading SALE"), text("seed", "12")),
        id="layerize_text",
    ),
]


@pytest.mark.parametrize(("op", "kwargs", "expected"), FULL)
async def test_every_field_travels_as_the_spec_asks(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    expected: list[Part],
) -> None:
    """Every field is sent: ints as decimal text, enums as their values, palettes as JSON parts."""
    route = route_for(respx_mock, op)
    await call(client, op, kwargs)
    assert parts(sent(route)) == expected


def test_the_full_cases_cover_every_spec_field() -> None:
    """Between them, the cases above send every field the spec lists for each route."""
    sent_fields: dict[str, set[str]] = {op: set() for op in PATHS}
    for case in FULL:
        op, _, expected = case.values
        sent_fields[op].update(part[0] for part in expected)
    assert sent_fields == SPEC_FIELDS


async def test_edit_warns_that_it_is_deprecated_and_points_at_the_caller(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``v3.edit`` still works, but warns (at the caller's line) that ``inpaint`` replaces it."""
    route = route_for(respx_mock, "edit")
    with pytest.warns(DeprecationWarning, match=r"use v3\.inpaint") as record:
        await client.v3.edit(image=PNG, mask=PNG, prompt="a hat")
    assert route.called
    assert record[0].filename == __file__


# --- one item for a list parameter -----------------------------------------------------------

SINGLE: list[Any] = [
    pytest.param(
        {"style_reference_images": WEBP},
        [img("style_reference_images", WEBP)],
        id="one-style-reference-as-bytes",
    ),
    pytest.param(
        {"style_reference_images": ("ref.png", PNG)},
        [img("style_reference_images", PNG, "ref.png")],
        id="one-style-reference-as-tuple",
    ),
    pytest.param(
        {"style_reference_images": ("ref.png", PNG, "image/png")},
        [img("style_reference_images", PNG, "ref.png")],
        id="one-style-reference-as-3-tuple",
    ),
    pytest.param(
        {"character_reference_images": JPEG, "character_reference_images_mask": PNG},
        [img("character_reference_images", JPEG), img("character_reference_images_mask", PNG)],
        id="one-character-reference-and-mask",
    ),
    pytest.param({"style_codes": "AAFF5733"}, [text("style_codes", "AAFF5733")], id="one-code"),
]


@pytest.mark.parametrize(("extra", "expected"), SINGLE)
async def test_a_single_item_for_a_list_parameter_is_one_part(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    extra: dict[str, Any],
    expected: list[Part],
) -> None:
    """One file, ``(name, bytes)`` tuple or style code given to a list parameter is one part."""
    route = route_for(respx_mock, "generate")
    await client.v3.generate(prompt="a cat", **extra)
    assert parts(sent(route)) == expect(text("prompt", "a cat"), *expected)


async def test_style_codes_take_any_sequence_of_strings(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``style_codes`` is typed ``Sequence[str]``: a tuple of codes is sent as one part per code."""
    route = route_for(respx_mock, "generate")
    await client.v3.generate(prompt="a cat", style_codes=("AAFF5733", "0133FF57"))
    assert parts(sent(route)) == expect(
        text("prompt", "a cat"), text("style_codes", "AAFF5733"), text("style_codes", "0133FF57")
    )


async def test_a_tuple_of_files_is_a_list_but_a_filename_tuple_is_one_file(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``(PNG, JPEG)`` is two references; ``("ref.png", PNG)`` is one file with its name."""
    route = route_for(respx_mock, "generate")
    await client.v3.generate(prompt="a cat", style_reference_images=(PNG, ("ref.jpg", JPEG)))
    assert parts(sent(route)) == expect(
        text("prompt", "a cat"),
        img("style_reference_images", PNG),
        img("style_reference_images", JPEG, "ref.jpg"),
    )


async def test_list_order_is_kept_for_repeated_parts(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Reference images reach the server in the order given (the server numbers them)."""
    refs = [make_png(1, 1), JPEG, make_png(3, 3), WEBP]
    route = route_for(respx_mock, "remix")
    await client.v3.remix(image=PNG, prompt="p", style_reference_images=refs)
    sent_refs = [
        content
        for name, _, _, content in multipart_parts(sent(route))
        if name == "style_reference_images"
    ]
    assert sent_refs == refs


# --- results -----------------------------------------------------------------------------------


async def test_generation_results_parse_into_typed_images(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A generation response becomes an ``ImageGenerationResponse`` of ``GeneratedImage``s."""
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(
            200, json=image_response(2), headers={"x-request-id": "req-123"}
        )
    )
    result = await client.v3.generate(prompt="a lighthouse at dawn", num_images=2)
    assert isinstance(result, ia.ImageGenerationResponse)
    assert result.created == dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=dt.timezone.utc)
    assert [image.seed for image in result.data] == [12345, 12346]
    first = result.data[0]
    assert isinstance(first, ia.GeneratedImage)
    assert first.url == "https://ideogram.ai/api/images/ephemeral/img0.png?exp=1&sig=abc"
    assert first.is_image_safe is True
    assert first.prompt == "a lighthouse at dawn"
    assert first.resolution == "1024x1024"
    assert (first.resolution.width, first.resolution.height) == (1024, 1024)
    assert first.style_type == ia.StyleTypeV3.GENERAL
    assert result.request_id == "req-123"


@pytest.mark.parametrize(
    "unsafe",
    [
        pytest.param({"is_image_safe": False, "url": None}, id="url-null"),
        pytest.param({"is_image_safe": False}, id="url-absent"),
    ],
)
async def test_an_unsafe_image_has_no_url(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, unsafe: dict[str, object]
) -> None:
    """An image that failed the safety check parses, with ``url`` None and the flag false."""
    body = image_response(2)
    images = body["data"]
    assert isinstance(images, list)
    images[1] = {key: value for key, value in images[1].items() if key != "url"} | unsafe
    respx_mock.post(f"{API}/v1/ideogram-v3/remix").mock(return_value=httpx.Response(200, json=body))
    result = await client.v3.remix(image=PNG, prompt="p", num_images=2)
    safe, blocked = result.data
    assert safe.is_image_safe is True
    assert safe.url is not None
    assert blocked.is_image_safe is False
    assert blocked.url is None


@pytest.mark.parametrize("op", [op for op in PATHS if op != "layerize_text"])
async def test_unknown_style_types_and_new_fields_do_not_break_parsing(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, op: str
) -> None:
    """A ``style_type`` this SDK does not know stays a plain string; unknown fields are ignored."""
    body = image_response(
        1, style_type="CINEMATIC_V4", watermark={"kind": "c2pa"}, upscaled_resolution="2048x2048"
    )
    body["billing"] = {"credits": 3}
    route_for(respx_mock, op, body)
    result = await call(client, op, REQUIRED[op])
    image = result.data[0]
    assert image.style_type == "CINEMATIC_V4"
    assert type(image.style_type) is str
    assert image.upscaled_resolution.width == 2048
    assert not hasattr(image, "watermark")


DETECTED_BLOCK = {
    "x": 12,
    "y": 40,
    "width": 300,
    "height": 64,
    "text": "Grand\nOpening",
    "alignment": "center",
    "angle": -3.5,
    "font_name": "Ubuntu-Bold.ttf",
    "font_alternatives": ["Roboto-Bold.ttf", "Inter-Bold.ttf"],
    "font_size": 48,
    "line_height": 1.2,
    "color": "#212121",
    "formatting": ["bold", "all_caps"],
    "role": "heading",
}


async def test_layerize_text_parses_its_text_blocks(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``layerize_text`` returns every ``DetectedTextBlock`` field, and tolerates new ones."""
    minimal = {
        "x": 0,
        "y": 0,
        "width": 10,
        "height": 5,
        "text": "tiny",
        "alignment": "justify",
        "formatting": [],
        "emphasis": "new-field",
    }
    body = {
        "base_image_url": "https://ideogram.ai/api/images/ephemeral/base.png",
        "original_image_url": "https://ideogram.ai/api/images/ephemeral/orig.png",
        "seed": 12345,
        "text_blocks": [DETECTED_BLOCK, minimal],
        "layers_version": 2,
    }
    route = route_for(respx_mock, "layerize_text", body)
    result = await client.v3.layerize_text(image=PNG, prompt="a shop sign")
    assert route.called
    assert isinstance(result, ia.LayerizeTextResponse)
    assert result.base_image_url == "https://ideogram.ai/api/images/ephemeral/base.png"
    assert result.original_image_url == "https://ideogram.ai/api/images/ephemeral/orig.png"
    assert result.seed == 12345
    full, small = result.text_blocks
    assert isinstance(full, ia.TextBlock)
    assert {name: getattr(full, name) for name in DETECTED_BLOCK} == DETECTED_BLOCK
    assert (small.text, small.alignment, small.angle, small.formatting) == (
        "tiny",
        "justify",
        0.0,
        [],
    )
    assert (small.font_name, small.font_alternatives, small.font_size) == (None, None, None)
    assert (small.line_height, small.color, small.role) == (None, None, None)


async def test_layerize_text_without_optional_fields(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A response with no original image and no text blocks still parses."""
    route_for(respx_mock, "layerize_text", LAYERIZE_BODY)
    result = await client.v3.layerize_text(image=JPEG)
    assert result.original_image_url is None
    assert result.text_blocks == []


async def test_issue_quickstart(client: ia.AsyncIdeogram, respx_mock: respx.MockRouter) -> None:
    """The README quickstart runs: two 16x9 images, each with a url, seed and resolution."""
    body = image_response(2, resolution="1312x736")
    route = route_for(respx_mock, "generate", body)

    response = await client.v3.generate(
        prompt="a lighthouse at dawn", aspect_ratio="16x9", num_images=2
    )
    for image in response.data:
        assert image.url is not None
        assert image.url.startswith("https://")
        assert isinstance(image.seed, int)
        assert image.resolution == "1312x736"
        assert (image.resolution.width, image.resolution.height) == (1312, 736)

    assert parts(sent(route)) == expect(
        text("prompt", "a lighthouse at dawn"),
        text("aspect_ratio", "16x9"),
        text("num_images", "2"),
    )
