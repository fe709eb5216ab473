"""The result models and the converter that builds them from JSON."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pytest

import ideogram_async as ia
from ideogram_async._converter import structure

from .conftest import image_response

pytestmark = pytest.mark.anyio

UTC = dt.timezone.utc
MOMENT = dt.datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)
EPOCH = int(MOMENT.timestamp())  # 948603367


def generation(created: object, **image: Any) -> ia.ImageGenerationResponse:
    """A generation response with the given ``created`` and one image with extra fields."""
    body = image_response(1, **image)
    body["created"] = created
    result: ia.ImageGenerationResponse = structure(body, ia.ImageGenerationResponse)
    return result


def image(**fields: Any) -> ia.GeneratedImage:
    """One image structured from the given fields (prompt, resolution and seed filled in)."""
    body = {"prompt": "p", "resolution": "1024x1024", "seed": 1, **fields}
    result: ia.GeneratedImage = structure(body, ia.GeneratedImage)
    return result


# --- created ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2000-01-23T04:56:07Z", MOMENT),
        ("2000-01-23T04:56:07z", MOMENT),
        ("2000-01-23T04:56:07.000Z", MOMENT),
        ("2000-01-23T04:56:07.123Z", MOMENT.replace(microsecond=123000)),
        ("2000-01-23T04:56:07.123456Z", MOMENT.replace(microsecond=123456)),
        ("2000-01-23T04:56:07.1234567Z", MOMENT.replace(microsecond=123456)),
        ("2000-01-23T04:56:07.5Z", MOMENT.replace(microsecond=500000)),
        ("2000-01-23T04:56:07+00:00", MOMENT),
        ("2000-01-23T06:56:07+02:00", MOMENT),
        ("1999-01-22T23:56:07.250-05:00", dt.datetime(1999, 1, 23, 4, 56, 7, 250000, UTC)),
        ("2000-01-23T06:56:07.1234567+02:00", MOMENT.replace(microsecond=123456)),
        ("2000-01-23T04:56:07", MOMENT),
        (EPOCH, MOMENT),
        (float(EPOCH) + 0.5, MOMENT.replace(microsecond=500000)),
        (str(EPOCH), MOMENT),
    ],
)
def test_created_parses_every_form_to_an_aware_datetime(created: object, expected: object) -> None:
    """``created`` becomes the right aware ``datetime`` from ISO 8601 or epoch seconds."""
    result = generation(created)
    assert result.created == expected
    assert result.created.tzinfo is not None


def test_created_keeps_the_server_offset() -> None:
    """An ISO 8601 offset is kept on the datetime, not converted away."""
    created = generation("2000-01-23T06:56:07+02:00").created
    assert created.utcoffset() == dt.timedelta(hours=2)


def test_created_without_offset_is_taken_as_utc() -> None:
    """A naive ISO 8601 time is read as UTC, so it compares with aware times."""
    assert generation("2000-01-23T04:56:07.123").created.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("created", ["yesterday", "", None, True, [2000]])
def test_created_that_is_not_a_time_is_refused(created: object) -> None:
    """A ``created`` that is no date-time fails to structure instead of becoming nonsense."""
    with pytest.raises(Exception):  # noqa: B017, PT011 (cattrs groups the failures)
        generation(created)


# --- tolerance of new fields and values ---------------------------------------------------------


def test_unknown_fields_are_ignored() -> None:
    """Fields the API adds later do not break parsing, at the top or inside an image."""
    body = image_response(1, brand_new_field={"nested": True})
    body["another_new_field"] = [1, 2]
    result = structure(body, ia.ImageGenerationResponse)
    assert result.data[0].seed == 12345
    assert not hasattr(result, "another_new_field")
    assert not hasattr(result.data[0], "brand_new_field")


def test_a_response_field_in_the_body_does_not_replace_the_http_response() -> None:
    """A body field named ``response`` is ignored: ``result.response`` is set by the client only."""
    body = image_response(1)
    body["response"] = "from the server"
    assert structure(body, ia.ImageGenerationResponse).response is None


@pytest.mark.parametrize(
    ("wire", "member"),
    [
        ("GENERAL", ia.StyleTypeV3.GENERAL),
        ("DESIGN", ia.StyleTypeV3.DESIGN),
        ("ANIME", ia.StyleType.ANIME),
        ("RENDER_3D", ia.StyleType.RENDER_3D),
    ],
)
def test_known_style_types_become_enum_members(wire: str, member: object) -> None:
    """A style type the SDK knows becomes its member, 3.0's first, else the legacy one."""
    style = image(style_type=wire).style_type
    assert style is member
    assert style == wire


def test_unknown_style_type_is_kept_as_a_plain_string() -> None:
    """A style type newer than the SDK is kept as the server's ``str``, not refused."""
    style = image(style_type="HOLOGRAPHIC").style_type
    assert style == "HOLOGRAPHIC"
    assert type(style) is str


def test_missing_style_type_is_none() -> None:
    """An image without ``style_type`` has ``None`` there."""
    assert image().style_type is None


@pytest.mark.parametrize(
    ("cls", "body", "field", "member"),
    [
        (
            ia.AssetIdentifier,
            {"asset_type": "UPLOAD", "asset_id": "a1"},
            "asset_type",
            ia.AssetType.UPLOAD,
        ),
        (
            ia.FailedAsset,
            {"failure_reason": "INVALID_ZIP", "file_name": "x.zip"},
            "failure_reason",
            ia.DatasetAssetFailureReason.INVALID_ZIP,
        ),
    ],
)
def test_other_open_enums_keep_known_and_unknown_values(
    cls: type[Any], body: dict[str, Any], field: str, member: enum.Enum
) -> None:
    """Every enum field maps known values to members and keeps unknown ones as ``str``."""
    assert getattr(structure(body, cls), field) is member
    unknown = structure({**body, field: "SOMETHING_NEW"}, cls)
    assert getattr(unknown, field) == "SOMETHING_NEW"
    assert not isinstance(getattr(unknown, field), enum.Enum)


def test_custom_model_parses_status_and_times() -> None:
    """A custom model's status becomes a ``ModelStatus`` and its times aware datetimes."""
    body = {
        "model_id": "m1",
        "name": "my style",
        "status": "COMPLETED",
        "creation_time": "2025-05-01T10:00:00Z",
        "last_update_time": 1746093600,
        "is_available_for_generation": True,
        "is_owned": True,
        "custom_model_uri": "model/my-style/version/1",
    }
    model = structure(body, ia.CustomModel)
    assert model.status is ia.ModelStatus.COMPLETED
    assert model.creation_time == dt.datetime(2025, 5, 1, 10, tzinfo=UTC)
    assert model.last_update_time == dt.datetime(2025, 5, 1, 10, tzinfo=UTC)
    assert structure({**body, "status": "QUEUED"}, ia.CustomModel).status == "QUEUED"


# --- resolutions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "height"),
    [("1024x1024", 1024, 1024), ("1312x736", 1312, 736), ("512X1536", 512, 1536)],
)
def test_resolution_splits_into_width_and_height(text: str, width: int, height: int) -> None:
    """A resolution string gives its sides as integers and stays equal to the string."""
    resolution = image(resolution=text).resolution
    assert isinstance(resolution, ia.ImageResolution)
    assert resolution == text
    assert (resolution.width, resolution.height) == (width, height)


@pytest.mark.parametrize("text", ["big", "1024", "1024x", "x768", "1024x768x2", "-1x5", ""])
def test_malformed_resolution_parses_but_its_sides_raise(text: str) -> None:
    """An odd resolution does not fail the response; asking for its sides raises ``ValueError``."""
    resolution = image(resolution=text).resolution
    assert resolution == text
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        _ = resolution.width
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        _ = resolution.height


def test_upscaled_resolution_is_a_resolution_too() -> None:
    """``upscaled_resolution`` also splits into sides, and is ``None`` when absent."""
    upscaled = image(upscaled_resolution="2048x2048").upscaled_resolution
    assert upscaled is not None
    assert upscaled.width == 2048
    assert image().upscaled_resolution is None


# --- safety -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "safe"),
    [
        ({"url": "https://ideogram.ai/x.png"}, True),
        ({"url": None}, False),
        ({}, False),
        ({"url": "https://ideogram.ai/x.png", "is_image_safe": False}, False),
        ({"url": None, "is_image_safe": False}, False),
    ],
)
def test_is_image_safe_defaults_from_url(fields: dict[str, Any], safe: bool) -> None:
    """Without ``is_image_safe``, an image is safe exactly when it has a URL; a given value wins."""
    assert image(**fields).is_image_safe is safe


@pytest.mark.parametrize(
    ("fields", "safe"),
    [({"url": "https://ideogram.ai/fg.png"}, True), ({}, False), ({"url": None}, False)],
)
def test_foreground_safety_defaults_from_url(fields: dict[str, Any], safe: bool) -> None:
    """A background removal's foreground is safe exactly when it has a URL, unless told."""
    result = structure({"created": EPOCH, "data": [fields]}, ia.RemoveBackgroundResponse)
    assert result.data[0].is_image_safe is safe


# --- other results ------------------------------------------------------------------------------


def test_layerize_text_fills_the_optional_fields() -> None:
    """A text layer with only the required fields gets the documented defaults."""
    body = {
        "base_image_url": "https://ideogram.ai/base.png",
        "seed": 7,
        "text_blocks": [{"x": 1, "y": 2, "width": 30, "height": 10, "text": "SALE"}],
    }
    result = structure(body, ia.LayerizeTextResponse)
    block = result.text_blocks[0]
    assert (block.text, block.alignment, block.angle, block.formatting) == ("SALE", "left", 0.0, [])
    assert result.original_image_url is None


def test_describe_response_without_descriptions_is_empty() -> None:
    """A describe answer with no descriptions gives an empty list, not an error."""
    assert structure({}, ia.DescribeResponse).descriptions == []


def test_dataset_listing_parses_nested_datasets() -> None:
    """Datasets parse with their creation time and cover asset."""
    body = {
        "datasets": [
            {
                "dataset_id": "d1",
                "name": "cats",
                "user_id": "u1",
                "creation_time": "2025-01-02T03:04:05.678901Z",
                "cover_asset_identifier": {"asset_type": "ASSET", "asset_id": "a9"},
            }
        ]
    }
    dataset = structure(body, ia.ListDatasetsResponse).datasets[0]
    assert dataset.creation_time == dt.datetime(2025, 1, 2, 3, 4, 5, 678901, UTC)
    assert dataset.cover_asset_identifier == ia.AssetIdentifier(ia.AssetType.ASSET, "a9")


# --- immutability -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (generation("2000-01-23T04:56:07Z"), "data"),
        (generation("2000-01-23T04:56:07Z").data[0], "url"),
        (ia.Description("a cat"), "text"),
        (ia.AssetIdentifier("ASSET", "a1"), "asset_id"),
    ],
    ids=["ImageGenerationResponse", "GeneratedImage", "Description", "AssetIdentifier"],
)
def test_models_are_frozen(obj: object, field: str) -> None:
    """A result cannot be changed after it is built."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, field, None)


def test_every_result_model_is_frozen() -> None:
    """Every attrs class exported as a result is declared frozen."""
    models = [
        obj
        for name in ia.__all__
        if attrs.has(obj := getattr(ia, name)) and obj.__module__ == "ideogram_async._models"
    ]
    assert len(models) >= 20
    for cls in models:
        blank = cls.__new__(cls)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(blank, attrs.fields(cls)[0].name, None)
