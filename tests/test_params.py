"""The validation rules of the Ideogram 3.0 operations, and the public colour palette classes."""

from __future__ import annotations

import enum
import inspect
import json
from typing import Any

import attrs
import httpx
import pytest
import respx

import ideogram_async as ia
from ideogram_async._resources.v3 import V3

from .conftest import API, JPEG, PNG, image_response, multipart_parts

pytestmark = pytest.mark.anyio

REQUIRED: dict[str, dict[str, Any]] = {
    "generate": {"prompt": "a lighthouse"},
    "generate_transparent": {"prompt": "a logo"},
    "remix": {"image": PNG, "prompt": "at night"},
    "inpaint": {"image": PNG, "mask": PNG, "prompt": "a hat"},
    "edit": {"image": PNG, "mask": PNG, "prompt": "a hat"},
    "reframe": {"image": PNG, "resolution": "1280x704"},
    "replace_background": {"image": PNG, "prompt": "a forest"},
    "layerize_text": {"image": PNG},
}
"""The required arguments of each 3.0 operation."""

PATHS = {
    "generate": "generate",
    "generate_transparent": "generate-transparent",
    "remix": "remix",
    "inpaint": "inpaint",
    "edit": "edit",
    "reframe": "reframe",
    "replace_background": "replace-background",
    "layerize_text": "layerize-text",
}


def _parameters(op: str) -> set[str]:
    # ``edit`` takes ``inpaint``'s parameters (it forwards ``**kwargs`` at run time).
    method = getattr(V3, "inpaint" if op == "edit" else op)
    return set(inspect.signature(method).parameters)


TAKES = {op: _parameters(op) for op in REQUIRED}


async def call(client: ia.AsyncIdeogram, op: str, kwargs: dict[str, Any]) -> Any:
    """Run a 3.0 operation by name; the deprecated ``edit`` warns first."""
    method = getattr(client.v3, op)
    if op == "edit":
        with pytest.warns(DeprecationWarning, match=r"v3\.inpaint"):
            return await method(**kwargs)
    return await method(**kwargs)


def cases(
    field: str, values: list[Any], allowed: str, *, param: str | None = None, **extra: Any
) -> list[Any]:
    """``field=value`` for every operation that takes ``field``, each expected to be refused."""
    return [
        pytest.param(
            op,
            {**REQUIRED[op], **extra, field: value},
            param or field,
            allowed,
            id=f"{op}-{field}={value!r}",
        )
        for op in REQUIRED
        if field in TAKES[op] and set(extra) <= TAKES[op]
        for value in values
    ]


async def assert_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> ia.IdeogramValidationError:
    """The call is refused naming ``param`` and what it allows, and nothing is sent."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        await call(client, op, kwargs)
    error = info.value
    assert error.param == param
    assert allowed in error.allowed
    assert str(error).startswith(f"{param}=")
    assert allowed in str(error)
    assert isinstance(error, ValueError)
    assert not respx_mock.calls
    return error


def one_of(cls: type[enum.Enum]) -> str:
    """The list of allowed values an enum's error names."""
    return "one of " + ", ".join(str(member.value) for member in cls)


# --- numeric ranges ----------------------------------------------------------------------------

SEED = "an integer from 0 to 2147483647"
NUM_IMAGES = "an integer from 1 to 8"
RANGES = [
    *cases("seed", [-1, 2_147_483_648, True, False, "42", 4.0], SEED),
    *cases("num_images", [0, 9, -1, True, "2", 2.0], NUM_IMAGES),
    *cases("image_weight", [0, 101, -5, True, "50", 50.5], "an integer from 1 to 100"),
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), RANGES)
async def test_numbers_out_of_range_are_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """``seed``, ``num_images`` and ``image_weight`` must be ints in their range, not bools."""
    error = await assert_refused(client, respx_mock, op, kwargs, param, allowed)
    assert error.value == kwargs[param]


ACCEPTED_NUMBERS = [
    pytest.param("generate", "seed", 0, id="seed-0"),
    pytest.param("generate", "seed", 2_147_483_647, id="seed-max"),
    pytest.param("layerize_text", "seed", 2_147_483_647, id="layerize-seed-max"),
    pytest.param("generate", "num_images", 1, id="num_images-1"),
    pytest.param("generate_transparent", "num_images", 8, id="num_images-8"),
    pytest.param("remix", "image_weight", 1, id="image_weight-1"),
    pytest.param("remix", "image_weight", 100, id="image_weight-100"),
]


@pytest.mark.parametrize(("op", "field", "value"), ACCEPTED_NUMBERS)
async def test_numbers_at_the_limits_are_sent(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, op: str, field: str, value: int
) -> None:
    """The range limits themselves are accepted and sent as decimal text."""
    body = (
        {"base_image_url": "https://x/b.png", "seed": 1, "text_blocks": []}
        if op == "layerize_text"
        else image_response(1)
    )
    route = respx_mock.post(f"{API}/v1/ideogram-v3/{PATHS[op]}").mock(
        return_value=httpx.Response(200, json=body)
    )
    await call(client, op, {**REQUIRED[op], field: value})
    sent = {name: content for name, _, _, content in multipart_parts(route.calls.last.request)}
    assert sent[field] == str(value).encode()


# --- colour palettes ---------------------------------------------------------------------------

WEIGHT = "a number from 0.05 to 1.0"
HEX = "a hex colour such as '#ff8800' or '#f80'"
ONE_OF_TWO = "either a preset name or members, not both and not neither"


def _member(**member: Any) -> dict[str, Any]:
    return {"color_palette": {"members": [member]}}


PALETTES = [
    *[
        pytest.param(
            "generate",
            {"prompt": "p", **_member(color_hex="#ff0000", color_weight=weight)},
            "color_palette.members.color_weight",
            WEIGHT,
            id=f"weight={weight!r}",
        )
        for weight in [0.04, 0.0, 1.01, 2, -0.5, True, "0.5"]
    ],
    *[
        pytest.param(
            "generate",
            {"prompt": "p", **_member(color_hex=colour)},
            "color_palette.members.color_hex",
            HEX,
            id=f"hex={colour!r}",
        )
        for colour in ["fff", "ffffff", "#ffff", "#ff", "#fffffff", "#gggggg", "#12345g", "", 0xFF]
    ],
    *[
        pytest.param(
            "generate",
            {"prompt": "p", "color_palette": {"members": colours}},
            "color_palette.members",
            "1 to 8 colours",
            id=f"{len(colours)}-members",
        )
        for colours in [[], ["#fff"] * 9]
    ],
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": {"name": "PASTEL", "members": ["#fff"]}},
        "color_palette",
        ONE_OF_TWO,
        id="name-and-members",
    ),
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": {}},
        "color_palette",
        ONE_OF_TWO,
        id="neither-name-nor-members",
    ),
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": {"members": "#ff0000"}},
        "color_palette.members",
        "a list of 1 to 8 colours",
        id="members-as-one-string",
    ),
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": {"members": [42]}},
        "color_palette.members",
        "ColorPaletteMember, a hex string, or a mapping with color_hex",
        id="member-of-wrong-type",
    ),
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": {"colours": ["#fff"]}},
        "color_palette",
        "a ColorPalette, a preset name, or {'name': ...} / {'members': [...]}",
        id="mapping-with-unknown-key",
    ),
    pytest.param(
        "generate",
        {"prompt": "p", "color_palette": 42},
        "color_palette",
        "a ColorPalette, a preset name",
        id="palette-of-wrong-type",
    ),
    *cases(
        "color_palette", ["NEON"], one_of(ia.ColorPalettePresetName), param="color_palette.name"
    ),
    *[
        pytest.param(
            "generate",
            {"prompt": "p", "color_palette": name},
            "color_palette.name",
            one_of(ia.ColorPalettePresetName),
            id=f"name={name!r}",
        )
        for name in ["pastel", "", {"name": "NEON"}]
    ],
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), PALETTES)
async def test_bad_colour_palettes_are_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """Hex colours, weights, member counts, names, and name-xor-members are all checked."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


SHORTHANDS = [
    pytest.param("PASTEL", {"name": "PASTEL"}, id="preset-name"),
    pytest.param(ia.ColorPalettePresetName.EMBER, {"name": "EMBER"}, id="preset-enum"),
    pytest.param(ia.ColorPalette(name="JUNGLE"), {"name": "JUNGLE"}, id="palette-name"),
    pytest.param({"name": "MAGIC"}, {"name": "MAGIC"}, id="wire-name"),
    pytest.param(
        {"members": [{"color_hex": "#ff0000", "color_weight": 0.5}, {"color_hex": "#00ff00"}]},
        {"members": [{"color_hex": "#ff0000", "color_weight": 0.5}, {"color_hex": "#00ff00"}]},
        id="wire-members",
    ),
    pytest.param(
        {"members": ["#ff0000", "#0F0"]},
        {"members": [{"color_hex": "#ff0000"}, {"color_hex": "#0F0"}]},
        id="wire-members-as-hex-strings",
    ),
    pytest.param(
        ia.ColorPalette(
            members=[
                "#b470b3",
                ia.ColorPaletteMember("#7a79e3", 0.16),
                {"color_hex": "#a26563", "color_weight": 0.05},
                ia.ColorPaletteMember("#fff", 1.0),
            ]
        ),
        {
            "members": [
                {"color_hex": "#b470b3"},
                {"color_hex": "#7a79e3", "color_weight": 0.16},
                {"color_hex": "#a26563", "color_weight": 0.05},
                {"color_hex": "#fff", "color_weight": 1.0},
            ]
        },
        id="palette-of-mixed-members",
    ),
    pytest.param(
        ia.ColorPalette(members=[f"#{i}{i}{i}" for i in range(8)]),
        {"members": [{"color_hex": f"#{i}{i}{i}"} for i in range(8)]},
        id="eight-members",
    ),
]


@pytest.mark.parametrize(("palette", "wire"), SHORTHANDS)
async def test_palette_shorthands_travel_in_the_wire_format(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, palette: Any, wire: dict[str, Any]
) -> None:
    """A preset name, an enum, a ``ColorPalette`` or a wire mapping all send the same JSON part."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    await client.v3.generate(prompt="p", color_palette=palette)
    found = [
        (content_type, json.loads(content))
        for name, _, content_type, content in multipart_parts(route.calls.last.request)
        if name == "color_palette"
    ]
    assert found == [("application/json", wire)]


def test_colour_palette_classes_build_and_normalise_members() -> None:
    """``ColorPalette`` turns hex strings and mappings into ``ColorPaletteMember``s."""
    palette = ia.ColorPalette(members=["#fff", {"color_hex": "#000000", "color_weight": 0.5}])
    assert palette.name is None
    assert palette.members == (
        ia.ColorPaletteMember("#fff"),
        ia.ColorPaletteMember("#000000", 0.5),
    )
    assert ia.ColorPaletteMember("#ABCDEF").color_weight is None
    assert ia.ColorPalette(name="PASTEL") == ia.ColorPalette(name=ia.ColorPalettePresetName.PASTEL)


def test_colour_palette_classes_are_frozen() -> None:
    """Palettes and members cannot be changed after they are built (they are checked once)."""
    member = ia.ColorPaletteMember("#fff", 0.5)
    palette = ia.ColorPalette(name="PASTEL")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        member.color_weight = 5.0  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        palette.name = "EMBER"  # type: ignore[misc]


CLASS_ERRORS = [
    pytest.param(lambda: ia.ColorPaletteMember("fff"), "color_palette.members.color_hex", id="hex"),
    pytest.param(
        lambda: ia.ColorPaletteMember("#fff", 0.01), "color_palette.members.color_weight", id="low"
    ),
    pytest.param(
        lambda: ia.ColorPaletteMember("#fff", 1.5), "color_palette.members.color_weight", id="high"
    ),
    pytest.param(lambda: ia.ColorPalette(), "color_palette", id="neither"),
    pytest.param(
        lambda: ia.ColorPalette(name="PASTEL", members=["#fff"]), "color_palette", id="both"
    ),
    pytest.param(lambda: ia.ColorPalette(members=[]), "color_palette.members", id="no-members"),
    pytest.param(
        lambda: ia.ColorPalette(members=["#fff"] * 9), "color_palette.members", id="nine-members"
    ),
    pytest.param(lambda: ia.ColorPalette(members="#fff"), "color_palette.members", id="a-string"),
    pytest.param(
        lambda: ia.ColorPalette(name="NEON"),  # type: ignore[arg-type]
        "color_palette.name",
        id="unknown-name",
    ),
]


@pytest.mark.parametrize(("build", "param"), CLASS_ERRORS)
def test_colour_palette_classes_validate_when_built(build: Any, param: str) -> None:
    """Building a bad palette or member raises at once, naming the palette field."""
    with pytest.raises(ia.IdeogramValidationError) as info:
        build()
    assert info.value.param == param


# --- style codes and the style controls they exclude -------------------------------------------

CODES = "style codes of 8 hexadecimal digits"
STYLE_CODES = cases(
    "style_codes",
    ["AAFF573", "AAFF57333", "GGGGGGGG", "#AAFF573", "AAFF 573", "", 12345678],
    CODES,
)
STYLE_CODES += cases("style_codes", [["AAFF5733", "nope"]], CODES)


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), STYLE_CODES)
async def test_malformed_style_codes_are_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """Every style code must be exactly 8 hexadecimal digits."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


EXCLUSIONS = [
    *cases(
        "style_type", ["GENERAL"], "cannot be combined with style_codes", style_codes="AAFF5733"
    ),
    *cases(
        "style_reference_images",
        [JPEG, [JPEG, PNG]],
        "cannot be combined with style_codes",
        style_codes=["AAFF5733"],
    ),
    *cases("resolution", ["1024x1024"], "cannot be combined with aspect_ratio", aspect_ratio="1x1"),
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), EXCLUSIONS)
async def test_exclusive_parameters_are_refused_together(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """Style codes exclude style_type and style references; resolution excludes aspect_ratio."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


# --- enums -------------------------------------------------------------------------------------

ENUMS = [
    *cases(
        "aspect_ratio", ["16:9", "ASPECT_16_9", "16X9", "7x3", "", 169], one_of(ia.AspectRatioV3)
    ),
    *cases(
        "resolution",
        ["RESOLUTION_1024_1024", "1024*1024", "1000x1000", ia.Resolution.RESOLUTION_1024_1024],
        one_of(ia.ResolutionV3),
    ),
    *cases("magic_prompt", ["on", "YES", True], one_of(ia.MagicPromptOption)),
    *cases("style_type", ["ANIME", "RENDER_3D", "general"], one_of(ia.StyleTypeV3)),
    *cases("style_preset", ["VAPORWAVE", "80s_illustration"], one_of(ia.StylePresetV3)),
    *cases("upscale_factor", ["X3", "2", 2], one_of(ia.UpscaleFactor)),
]
# FLASH is refused by generate_transparent with its own message (tested below).
ENUMS += cases("rendering_speed", ["turbo", "FAST", "V_2_TURBO"], one_of(ia.RenderingSpeed))


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), ENUMS)
async def test_unknown_enum_values_are_refused_listing_the_allowed_ones(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """A value outside an enum is refused with every allowed value named."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


@pytest.mark.parametrize("speed", ["FLASH", ia.RenderingSpeed.FLASH], ids=["string", "enum"])
async def test_transparent_generation_refuses_flash(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, speed: str
) -> None:
    """``generate_transparent`` cannot render at FLASH speed and says which speeds it takes."""
    await assert_refused(
        client,
        respx_mock,
        "generate_transparent",
        {"prompt": "a logo", "rendering_speed": speed},
        "rendering_speed",
        "TURBO, DEFAULT or QUALITY",
    )


async def test_transparent_generation_takes_no_resolution(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``generate_transparent`` has no ``resolution`` parameter: passing one is a TypeError."""
    with pytest.raises(TypeError, match="resolution"):
        await client.v3.generate_transparent(prompt="a logo", resolution="1024x1024")  # type: ignore[call-arg]
    assert not respx_mock.calls


async def test_reframe_requires_a_resolution(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """``reframe`` without a resolution is a TypeError; ``resolution=None`` is refused by name."""
    with pytest.raises(TypeError, match="resolution"):
        await client.v3.reframe(image=PNG)  # type: ignore[call-arg]
    await assert_refused(
        client,
        respx_mock,
        "reframe",
        {"image": PNG, "resolution": None},
        "resolution",
        one_of(ia.ResolutionV3),
    )


# --- strings -----------------------------------------------------------------------------------

MODEL_URI = "model/<model_name>/version/<version>"
CUSTOM_MODEL_URIS = cases(
    "custom_model_uri",
    [
        "my-model",
        "model/my-model",
        "model/my-model/version/",
        "model//version/1",
        "models/my-model/version/1",
        "model/my model/version/1",
        "model/a/b/version/1",
        "https://ideogram.ai/model/my-model/version/1",
    ],
    MODEL_URI,
)


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), CUSTOM_MODEL_URIS)
async def test_malformed_custom_model_uris_are_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """``custom_model_uri`` must read ``model/<name>/version/<version>``."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


async def test_a_well_formed_custom_model_uri_is_sent(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A URI as ``models.list()`` gives it is sent unchanged."""
    route = respx_mock.post(f"{API}/v1/ideogram-v3/generate").mock(
        return_value=httpx.Response(200, json=image_response(1))
    )
    await client.v3.generate(prompt="p", custom_model_uri="model/my-model_2/version/10")
    sent = {name: content for name, _, _, content in multipart_parts(route.calls.last.request)}
    assert sent["custom_model_uri"] == b"model/my-model_2/version/10"


NON_EMPTY = "a non-empty string"
BLANK = ["", "   ", "\n\t", 42]
PROMPTS = [
    *cases("prompt", BLANK, NON_EMPTY),
    # A prompt is required everywhere but in ``layerize_text``.
    *[case for case in cases("prompt", [None], NON_EMPTY) if case.values[0] != "layerize_text"],
    *cases("negative_prompt", BLANK, NON_EMPTY),
    *cases("custom_model_uri", ["", " "], NON_EMPTY),
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), PROMPTS)
async def test_empty_or_blank_text_is_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """A prompt (required or not) and other text fields must hold more than whitespace."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


# --- files and character masks -----------------------------------------------------------------

FILE_SHAPES = (
    "a path, bytes, a binary file object, (filename, bytes[, content_type]) or an http(s) URL"
)
FILES = [
    *cases("image", [None], "required: " + FILE_SHAPES),
    *cases("mask", [None], "required: " + FILE_SHAPES),
    *cases("image", [42, ["a.png"], ("a.png", "not bytes"), ("a.png", PNG, 3)], FILE_SHAPES),
    *cases("style_reference_images", [[PNG, 42], [None]], FILE_SHAPES),
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), FILES)
async def test_missing_or_unusable_files_are_refused(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """A required image or mask that is missing, or a value that is no file, is refused."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


@pytest.mark.parametrize(
    "op", ["remix", "inpaint", "reframe", "replace_background", "layerize_text"]
)
async def test_leaving_out_a_required_file_is_a_type_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, op: str
) -> None:
    """The image is a required keyword: leaving it out fails before anything is sent."""
    kwargs = {key: value for key, value in REQUIRED[op].items() if key != "image"}
    with pytest.raises(TypeError, match="image"):
        await call(client, op, kwargs)
    assert not respx_mock.calls


MASKS = "one mask per character reference image"
MASK_COUNTS = [
    *cases("character_reference_images_mask", [[PNG]], MASKS),
    *cases(
        "character_reference_images_mask",
        [[PNG, PNG], [PNG, PNG, PNG]],
        MASKS,
        character_reference_images=JPEG,
    ),
    *cases(
        "character_reference_images_mask", [[PNG]], MASKS, character_reference_images=[JPEG, JPEG]
    ),
]


@pytest.mark.parametrize(("op", "kwargs", "param", "allowed"), MASK_COUNTS)
async def test_character_masks_must_match_the_references_one_to_one(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    op: str,
    kwargs: dict[str, Any],
    param: str,
    allowed: str,
) -> None:
    """There must be exactly one mask per character reference image, or no masks."""
    await assert_refused(client, respx_mock, op, kwargs, param, allowed)


async def test_validation_happens_before_any_file_is_read_or_fetched(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, tmp_path: Any
) -> None:
    """A bad number is reported even when the files could not be read or fetched at all."""
    await assert_refused(
        client,
        respx_mock,
        "generate",
        {
            "prompt": "p",
            "seed": -1,
            "style_reference_images": [tmp_path / "missing.png", "https://img.example/x.png"],
        },
        "seed",
        SEED,
    )
