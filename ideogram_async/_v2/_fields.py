"""The request fields of every v2 image operation the SDK types, per model, as data.

Transcribed from the 2026-10-07 snapshot's request schemas: ``spec/openapi.json`` of
``qmediat/ideogram-mcp`` at ``e312b23``, read raw for the limits (``minimum``, ``maximum``,
``minLength``, ``maxLength``, ``minItems``, ``maxItems``; see ``tests/data/v2/README.md``).
A new model (Ideogram 4.6, say) is one ``Op(...)`` entry here, then
``python scripts/generate_v2.py`` rewrites the typed methods.

Field kinds: ``str``, ``int``, ``num``, ``bool``, ``asset`` (one ``AssetIdentifier``),
``assets`` (a list of them), ``file``, ``files`` (uploads), ``palette`` (a preset name or
members), ``strs`` (a list of strings), ``stacked`` (custom models with weights), or an
``Enum`` (its lowercase values). ``low`` and ``high`` bound a number's value, a string's
length or a list's length, inclusive, exactly as the snapshot's schema states them; where it
states none, only the type is checked and the server has the last word.
"""

from __future__ import annotations

from typing import Literal, Union

import attrs

__all__ = ["ENUMS", "OPS", "Enum", "Field", "Op"]

MIB = 1024 * 1024


@attrs.frozen
class Enum:
    """A closed set of wire values, with the name its ``Literal`` alias gets."""

    name: str
    values: tuple[str, ...]


Kind = Union[
    Literal["str", "int", "num", "bool", "asset", "assets", "file", "files", "palette"],
    Literal["strs", "stacked"],
    Enum,
]


@attrs.frozen
class Field:
    """One request field."""

    name: str
    kind: Kind
    required: bool = False
    low: float | None = None  # inclusive: a value, a string's length or a list's length
    high: float | None = None
    max_bytes: int | None = None  # per file
    image: bool = True  # a file field that must be a PNG, JPEG or WebP image
    doc: str = ""
    check: Literal["size_45", "multiple_of_16"] | None = None  # a documented rule of its own


@attrs.frozen
class Op:
    """One typed operation: family, model, fields and cross-field rules."""

    family: str  # the Python name of the family ("generate", "remove_background", ...)
    path: str  # after ``/v2/``
    fields: tuple[Field, ...]
    result: Literal["generation", "describe_v3", "describe_v4"] = "generation"
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one of each group
    exactly_one: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # field, fields it cannot go with

    @property
    def model(self) -> str:
        """The model path segment (``ideogram-4-5``)."""
        return self.path.rsplit("/", 1)[1]

    @property
    def method(self) -> str:
        """The Python method name (``generate_ideogram_4_5``)."""
        return f"{self.family}_{self.model.replace('-', '_')}"


def _e(name: str, values: str) -> Enum:
    return Enum(name, tuple(values.split()))


MAGIC = _e("MagicPromptMode", "auto on off")
SPEED = _e("RenderingSpeedV2", "turbo default quality")
AR_V3 = _e("AspectRatioV3Name", "1x3 3x1 1x2 2x1 9x16 16x9 10x16 16x10 2x3 3x2 3x4 4x3 4x5 5x4 1x1")
AR_V3_AUTO = Enum("AspectRatioV3Auto", ("auto", *AR_V3.values))
AR_V4 = _e(
    "AspectRatioV4Name",
    "auto 1x4 1x3 1x2 9x16 10x16 2x3 3x4 4x5 1x1 5x4 4x3 3x2 16x10 16x9 2x1 3x1 4x1",
)
RES_V3 = _e(
    "ResolutionV3Name",
    "512x1536 576x1408 576x1472 576x1536 640x1344 640x1408 640x1472 640x1536 704x1152 704x1216 "
    "704x1280 704x1344 704x1408 704x1472 736x1312 768x1088 768x1216 768x1280 768x1344 800x1280 "
    "832x960 832x1024 832x1088 832x1152 832x1216 832x1248 864x1152 896x960 896x1024 896x1088 "
    "896x1120 896x1152 960x832 960x896 960x1024 960x1088 1024x832 1024x896 1024x960 1024x1024 "
    "1088x768 1088x832 1088x896 1088x960 1120x896 1152x704 1152x832 1152x864 1152x896 1216x704 "
    "1216x768 1216x832 1248x832 1280x704 1280x768 1280x800 1312x736 1344x640 1344x704 1344x768 "
    "1408x576 1408x640 1408x704 1472x576 1472x640 1472x704 1536x512 1536x576 1536x640",
)
RES_V4 = _e(
    "ResolutionV4Name",
    "2048x2048 1440x2880 2880x1440 1664x2496 2496x1664 1792x2240 2240x1792 1440x2560 2560x1440 "
    "1600x2560 2560x1600 1728x2304 2304x1728 1296x3168 3168x1296 1152x2944 2944x1152 1248x3328 "
    "3328x1248 1280x3072 3072x1280 1024x3072 3072x1024 1024x1024 896x1120 1120x896 864x1152 "
    "1152x864 832x1248 1248x832 800x1280 1280x800 720x1280 1280x720 720x1440 1440x720 512x1536 "
    "1536x512",
)
PRESET = _e(
    "StylePresetV2",
    "80s_illustration 90s_nostalgia abstract_organic analog_nostalgia art_brut art_deco "
    "art_poster aura avant_garde bauhaus blueprint blurry_motion bright_art c4d_cartoon "
    "childrens_book collage "
    "coloring_book_i coloring_book_ii cubism dark_aura doodle double_exposure dramatic_cinema "
    "editorial emotional_minimal ethereal_party expired_film flat_art flat_vector forest_reverie "
    "geo_minimalist glass_prism golden_hour graffiti_i graffiti_ii halftone_print high_contrast "
    "hippie_era iconic japandi_fusion jazzy long_exposure magazine_editorial minimal_illustration "
    "mixed_media monochrome nightlife oil_painting old_cartoons paint_gesture pop_art "
    "retro_etching riviera_pop spotlight_80s stylized_red surreal_collage travel_poster "
    "vintage_geo vintage_poster "
    "watercolor weird woodblock_print",
)
STYLE_V3 = _e("StyleTypeV3Name", "auto general realistic design custom fiction stylized")
STYLE_V2 = _e("StyleTypeV2Name", "auto general realistic design render_3d anime")
STYLE_CHAR = _e("CharacterStyleType", "auto realistic fiction")
PALETTE_PRESETS = _e(
    "ColorPalettePreset", "ember fresh jungle magic melon mosaic pastel ultramarine"
)
QUALITY_45 = _e("Quality45", "very_low low medium high")
QUALITY_GPT = _e("QualityGpt", "auto low medium high")
QUALITY_LMH = _e("QualityLowMediumHigh", "low medium high")
QUALITY_P = _e("GenerationQuality", "very_low low medium high very_high")
BACKGROUND = _e("GptBackground", "auto transparent opaque")
TIER_UPPER = _e("ResolutionTier", "1K 2K 4K")
TIER_AUTO = _e("ResolutionTierLower", "1k 2k 4k")
TIER_REMIX = _e("ResolutionTierRemix", "1k 2k")
RES_P = _e("PImageResolution", "1k 2k")
OUT_RES = _e("OutputResolution", "1k 2k 4k 8k")
UPSCALE_X124 = _e("UpscaleFactorTransparent", "x1 x2 x4")
UPSCALE_X248 = _e("UpscaleFactorV2", "x2 x4 x8")
NB2_AR = _e(
    "NanoBanana2AspectRatio", "auto 1:1 3:2 2:3 4:3 3:4 5:4 4:5 16:9 9:16 21:9 4:1 1:4 8:1 1:8"
)
NBPRO_AR = _e("NanoBananaProAspectRatio", "auto 1:1 3:2 2:3 4:3 3:4 5:4 4:5 16:9 9:16 21:9")
NB2_REFRAME_AR = _e(
    "NanoBanana2ReframeAspectRatio", "1:1 3:2 2:3 4:3 3:4 5:4 4:5 16:9 9:16 21:9 4:1 1:4 8:1 1:8"
)
NBPRO_REFRAME_AR = _e(
    "NanoBananaProReframeAspectRatio", "1:1 3:2 2:3 4:3 3:4 5:4 4:5 16:9 9:16 21:9"
)
SUBJECT = _e("SubjectDetection", "all foreground background")

ENUMS: tuple[Enum, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Enum))

# --- the envelope -------------------------------------------------------------------------

PROMPT = Field(
    "prompt", "str", required=True, low=1, high=10_000, doc="What to make (1 to 10,000 characters)."
)
PROMPT_OPT = Field("prompt", "str", high=10_000, doc="Text guiding the operation.")
NUM = Field("num_images", "int", low=1, high=8, doc="How many images, 1 to 8.")
NUM_4 = Field("num_images", "int", low=1, high=4, doc="How many images, 1 to 4.")
SEED = Field(
    "seed", "int", low=0, high=2_147_483_647, doc="0 to 2147483647, for repeatable results."
)
PRIVATE = Field("private", "bool", doc="Keep the output private (the server's default).")
TARGET = Field("target_collection_id", "str", doc="A collection to store the output in.")
ECD = Field("enable_copyright_detection", "bool", doc="Flag images that may infringe copyright.")
ASYNC = Field("async", "bool")
WEBHOOK = Field("webhook_url", "str", high=2048)
MAGIC_F = Field("magic_prompt", MAGIC, doc="Let Ideogram rewrite the prompt.")
SPEED_F = Field("rendering_speed", SPEED)
NEG = Field("negative_prompt", "str", high=10_000, doc="What to leave out.")
IMAGE = Field("image", "file", doc="The source image (PNG, JPEG or WebP).")
# The per-file sizes the snapshot states in each field's description.
IMAGE_25 = attrs.evolve(IMAGE, max_bytes=25 * MIB, doc="The source image, 25 MB at most.")
IMAGE_50 = attrs.evolve(IMAGE, max_bytes=50 * MIB, doc="The source image, 50 MB at most.")
# Replace-background also takes HEIF, AVIF, GIF, BMP, TIFF and MPO: the server judges the format.
IMAGE_ANY_50 = attrs.evolve(
    IMAGE_50, image=False, doc="The source image (JPEG, PNG, WebP, HEIF, AVIF...), 50 MB at most."
)
IAI = Field("image_asset_identifier", "asset", doc="The source image as an asset identifier.")
MASK = Field("mask", "file", doc="A black-and-white mask: black marks the area to change.")
MASK_25 = attrs.evolve(MASK, max_bytes=25 * MIB, doc="A mask of the first image, 25 MB at most.")
MASK_AI = Field("mask_asset_identifier", "asset", doc="The mask as an asset identifier.")
STYLE_AI = Field(
    "style_reference_asset_identifiers",
    "assets",
    low=1,
    high=10,
    doc="Up to 10 style references as asset identifiers.",
)
STYLE_COLL = Field("style_reference_collection_id", "str")
STYLE_COLL_V = Field("style_reference_collection_version_id", "str")
STYLE_FILES = Field(
    "style_reference_images",
    "files",
    max_bytes=25 * MIB,
    doc="Up to 10 style references, 25 MB each.",
)
STYLE_CODES = Field("style_codes", "strs", doc="Style codes (8 hex digits each).")
PRESET_F = Field("style_preset", PRESET)
PALETTE = Field(
    "color_palette", "palette", doc="A preset name (``ember``...) or ``{'members': [...]}``."
)
CUSTOM = Field(
    "custom_model_uri",
    "str",
    required=True,
    low=1,
    high=512,
    doc="``model/<name>/version/<version>``.",
)
CHAR_AI = Field("character_reference_asset_identifiers", "assets", low=1, high=1)
CHAR_COLL = Field("character_reference_collection_id", "str")
CHAR_COLL_V = Field("character_reference_collection_version_id", "str")
CHAR_FILES = Field(
    "character_reference_images",
    "files",
    max_bytes=25 * MIB,
    doc="One character reference image, 25 MB at most.",
)
CHAR_MASK = Field("character_reference_mask", "file")
IMAGE_WEIGHT = Field(
    "image_weight",
    "int",
    low=1,
    high=100,
    doc="How closely the result follows the source image, 1 to 100.",
)
UPSCALE_PROMPT = Field(
    "prompt", "str", high=1024, doc="Detail to guide the upscaler (1,024 characters at most)."
)
BACKGROUND_PROMPT = Field(
    "prompt",
    "str",
    required=True,
    low=1,
    high=4000,
    doc="The new background (1 to 4,000 characters).",
)
REFRAME_AR = Field(
    "aspect_ratio", "str", required=True, low=3, high=21, doc="``width:height``, as ``16:9``."
)


def _knob(name: str, low: float, high: float, kind: Kind = "num") -> Field:
    """An upscaler's setting, with the range the snapshot states (inclusive)."""
    return Field(name, kind, low=low, high=high)


_OPT = (ASYNC, WEBHOOK)  # the async envelope of operations that run either way
_NO_PRESET_WITH = (
    (
        "style_preset",
        ("style_codes", "style_reference_images", "style_reference_asset_identifiers"),
    ),
)
_CHARACTER = (
    (
        "character_reference_images",
        "character_reference_asset_identifiers",
        "character_reference_collection_id",
    ),
)
_SOURCE = (("image", "image_asset_identifier"),)


def _images(limit_mib: int | None) -> Field:
    return Field(
        "images",
        "files",
        max_bytes=None if limit_mib is None else limit_mib * MIB,
        doc="Input images to edit or combine.",
    )


def _images_ai(most: int) -> Field:
    return Field(
        "image_asset_identifiers",
        "assets",
        low=1,
        high=most,
        doc=f"Up to {most} input images as asset identifiers.",
    )


_V3_STYLE = (STYLE_CODES, PRESET_F, STYLE_AI, STYLE_COLL, STYLE_COLL_V, STYLE_FILES)

OPS: tuple[Op, ...] = (
    # --- generate ---
    Op(
        "generate",
        "image/generate/auto",
        (
            PROMPT,
            Field("aspect_ratio", "str"),
            Field("resolution", "str"),
            Field("resolution_tier", TIER_AUTO),
            Field("category_id", "str", low=22, high=22),
            _images(25),
            _images_ai(10),
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            STYLE_AI,
            TARGET,
            ASYNC,
        ),
    ),
    Op(
        "generate",
        "image/generate/gpt-image-2",
        (
            PROMPT,
            Field("aspect_ratio", "str"),
            Field("resolution", "str"),
            _images(25),
            _images_ai(16),
            NUM,
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
    ),
    *(
        Op(
            "generate",
            f"image/generate/{m}",
            (
                PROMPT,
                Field("aspect_ratio", "str"),
                Field("resolution", "str"),
                Field("quality", QUALITY_GPT),
                Field("background", BACKGROUND),
                _images(25),
                _images_ai(16),
                MASK_25,
                NUM,
                SEED,
                PRIVATE,
                TARGET,
                *_OPT,
            ),
        )
        for m in ("gpt-image-2-5-flare", "gpt-image-2-5-sunburst")
    ),
    Op(
        "generate",
        "image/generate/ideogram-2",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3_AUTO),
            SPEED_F,
            Field("style_type", STYLE_V2),
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-2a",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3_AUTO),
            SPEED_F,
            Field("style_type", STYLE_V2),
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-3",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3_AUTO),
            Field("resolution", RES_V3),
            SPEED_F,
            Field("style_type", STYLE_V3),
            *_V3_STYLE,
            PALETTE,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        excludes=(*_NO_PRESET_WITH, ("aspect_ratio", ("resolution",))),
    ),
    Op(
        "generate",
        "image/generate/ideogram-3-character",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3_AUTO),
            Field("resolution", RES_V3),
            SPEED_F,
            Field("style_type", STYLE_CHAR),
            CHAR_FILES,
            CHAR_AI,
            CHAR_COLL,
            CHAR_COLL_V,
            CHAR_MASK,
            STYLE_AI,
            STYLE_COLL,
            STYLE_COLL_V,
            STYLE_FILES,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        exactly_one=_CHARACTER,
        excludes=(("aspect_ratio", ("resolution",)),),
    ),
    Op(
        "generate",
        "image/generate/ideogram-3-custom-model",
        (
            PROMPT,
            CUSTOM,
            Field("aspect_ratio", AR_V3_AUTO),
            Field("resolution", RES_V3),
            SPEED_F,
            STYLE_CODES,
            PRESET_F,
            STYLE_AI,
            STYLE_FILES,
            PALETTE,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        excludes=(*_NO_PRESET_WITH, ("aspect_ratio", ("resolution",))),
    ),
    Op(
        "generate",
        "image/generate/ideogram-3-transparent",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3_AUTO),
            Field("upscale_factor", UPSCALE_X124),
            SPEED_F,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-4",
        (
            PROMPT,
            Field("resolution", RES_V4),
            SPEED_F,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-4-5",
        (
            PROMPT,
            Field(
                "size",
                "str",
                doc="``auto`` (the default), ``source``, or ``WxH`` (sides multiples of 32).",
            ),
            Field("quality", QUALITY_45),
            _images(25),
            _images_ai(5),
            MASK_25,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-4-custom-model",
        (
            PROMPT,
            CUSTOM,
            Field("stacked_custom_models", "stacked", low=1, high=4),
            Field("resolution", RES_V4),
            SPEED_F,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/ideogram-4-transparent",
        (
            PROMPT,
            Field("aspect_ratio", AR_V4),
            Field("output_resolution", OUT_RES),
            SPEED_F,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/nano-banana-2",
        (
            PROMPT,
            Field("aspect_ratio", NB2_AR),
            Field("resolution_tier", TIER_UPPER),
            _images(25),
            _images_ai(10),
            NUM,
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/nano-banana-pro",
        (
            PROMPT,
            Field("aspect_ratio", NBPRO_AR),
            Field("resolution_tier", TIER_UPPER),
            _images(25),
            _images_ai(10),
            NUM,
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/p-image-ideogram",
        (
            PROMPT,
            Field("aspect_ratio", AR_V3),
            Field("resolution", RES_P),
            Field("custom_width", "int", check="multiple_of_16"),
            Field("custom_height", "int", check="multiple_of_16"),
            Field("quality", QUALITY_P),
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
    ),
    Op(
        "generate",
        "image/generate/z-image",
        (
            PROMPT,
            Field("resolution", "str"),
            Field("num_inference_steps", "int", low=1, high=128),
            NUM,
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
    ),
    # --- inpaint ---
    Op(
        "inpaint",
        "image/inpaint/ideogram-3",
        (
            PROMPT,
            IMAGE_25,
            IAI,
            MASK,
            MASK_AI,
            SPEED_F,
            Field("style_type", STYLE_V3),
            *_V3_STYLE,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=(*_SOURCE, ("mask", "mask_asset_identifier")),
        excludes=_NO_PRESET_WITH,
    ),
    Op(
        "inpaint",
        "image/inpaint/ideogram-3-character",
        (
            PROMPT,
            IMAGE_25,
            IAI,
            MASK,
            MASK_AI,
            SPEED_F,
            Field("style_type", STYLE_CHAR),
            CHAR_FILES,
            CHAR_AI,
            CHAR_COLL,
            CHAR_COLL_V,
            CHAR_MASK,
            STYLE_CODES,
            STYLE_AI,
            STYLE_COLL,
            STYLE_COLL_V,
            STYLE_FILES,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=(*_SOURCE, ("mask", "mask_asset_identifier")),
        exactly_one=_CHARACTER,
    ),
    Op(
        "inpaint",
        "image/inpaint/ideogram-3-custom-model",
        (
            PROMPT,
            CUSTOM,
            IMAGE_25,
            IAI,
            MASK,
            MASK_AI,
            SPEED_F,
            *_V3_STYLE,
            MAGIC_F,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            ASYNC,
        ),
        one_of=(*_SOURCE, ("mask", "mask_asset_identifier")),
        excludes=_NO_PRESET_WITH,
    ),
    # --- precise edit ---
    Op(
        "precise_edit",
        "image/precise-edit/ideogram-4-5",
        (
            PROMPT,
            Field("image", "file", max_bytes=50 * MIB, doc="The image to edit, 50 MB at most."),
            IAI,
            Field("mask", "file", max_bytes=50 * MIB, doc="A mask; it needs the source as a file."),
            Field("reference_images", "files", max_bytes=50 * MIB, doc="Up to 4 reference images."),
            Field("reference_image_asset_identifiers", "assets", low=1, high=4),
            Field("context_window", "str"),
            Field("quality", QUALITY_45),
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    # --- remix ---
    Op(
        "remix",
        "image/remix/auto",
        (
            PROMPT,
            IMAGE_50,
            IAI,
            IMAGE_WEIGHT,
            Field("aspect_ratio", AR_V4),
            Field("resolution", "str"),
            Field("resolution_tier", TIER_REMIX),
            Field("style_type", STYLE_V3),
            STYLE_CODES,
            PRESET_F,
            STYLE_AI,
            STYLE_COLL,
            STYLE_COLL_V,
            PALETTE,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "remix",
        "image/remix/ideogram-3",
        (
            PROMPT,
            IMAGE_50,
            IAI,
            IMAGE_WEIGHT,
            Field("aspect_ratio", AR_V3),
            Field("resolution", RES_V3),
            SPEED_F,
            Field("style_type", STYLE_V3),
            *_V3_STYLE,
            PALETTE,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
        excludes=(*_NO_PRESET_WITH, ("aspect_ratio", ("resolution",))),
    ),
    Op(
        "remix",
        "image/remix/ideogram-3-character",
        (
            PROMPT,
            IMAGE_50,
            IAI,
            IMAGE_WEIGHT,
            Field("aspect_ratio", AR_V3),
            Field("resolution", RES_V3),
            SPEED_F,
            Field("style_type", STYLE_CHAR),
            CHAR_FILES,
            CHAR_AI,
            CHAR_COLL,
            CHAR_COLL_V,
            CHAR_MASK,
            STYLE_AI,
            STYLE_COLL,
            STYLE_COLL_V,
            STYLE_FILES,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
        exactly_one=_CHARACTER,
        excludes=(("aspect_ratio", ("resolution",)),),
    ),
    Op(
        "remix",
        "image/remix/ideogram-3-custom-model",
        (
            PROMPT,
            CUSTOM,
            IMAGE_50,
            IAI,
            IMAGE_WEIGHT,
            Field("aspect_ratio", AR_V3),
            Field("resolution", RES_V3),
            SPEED_F,
            STYLE_CODES,
            PRESET_F,
            STYLE_AI,
            STYLE_FILES,
            PALETTE,
            MAGIC_F,
            NEG,
            NUM,
            SEED,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
        excludes=(*_NO_PRESET_WITH, ("aspect_ratio", ("resolution",))),
    ),
    Op(
        "remix",
        "image/remix/ideogram-4",
        (
            PROMPT,
            IMAGE_50,
            IAI,
            IMAGE_WEIGHT,
            Field("resolution", RES_V4),
            SPEED_F,
            NUM,
            PRIVATE,
            ECD,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    # --- reframe ---
    Op(
        "reframe",
        "image/reframe/auto",
        (
            IMAGE_50,
            IAI,
            REFRAME_AR,
            NUM_4,
            SEED,
            PRIVATE,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "reframe",
        "image/reframe/bria-expand",
        (
            IMAGE_50,
            IAI,
            REFRAME_AR,
            SEED,
            PRIVATE,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "reframe",
        "image/reframe/gpt-image-2-5-flare",
        (
            IMAGE_50,
            IAI,
            REFRAME_AR,
            Field("quality", QUALITY_GPT),
            NUM_4,
            SEED,
            PRIVATE,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "reframe",
        "image/reframe/ideogram-3",
        (
            IMAGE_25,
            IAI,
            Field("resolution", RES_V3, required=True),
            SPEED_F,
            STYLE_CODES,
            PRESET_F,
            STYLE_AI,
            STYLE_FILES,
            PALETTE,
            NUM,
            SEED,
            ASYNC,
        ),
        one_of=_SOURCE,
        excludes=_NO_PRESET_WITH,
    ),
    Op(
        "reframe",
        "image/reframe/nano-banana-2",
        (
            IMAGE_50,
            IAI,
            Field("aspect_ratio", NB2_REFRAME_AR, required=True),
            NUM_4,
            SEED,
            PRIVATE,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "reframe",
        "image/reframe/nano-banana-pro",
        (
            IMAGE_50,
            IAI,
            Field("aspect_ratio", NBPRO_REFRAME_AR, required=True),
            Field("resolution_tier", TIER_UPPER),
            NUM_4,
            SEED,
            PRIVATE,
        ),
        one_of=_SOURCE,
    ),
    # --- upscale ---
    Op(
        "upscale",
        "image/upscale/auto",
        (
            IMAGE_50,
            IAI,
            Field("upscale_factor", UPSCALE_X248),
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "upscale",
        "image/upscale/nano-banana-pro",
        (
            IMAGE_50,
            IAI,
            Field(
                "prompt",
                "str",
                high=2000,
                doc="Short guidance for the enhancement (2,000 characters at most).",
            ),
            Field("resolution_tier", TIER_UPPER),
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "upscale",
        "image/upscale/topaz-bloom-2",
        (
            IMAGE_50,
            IAI,
            UPSCALE_PROMPT,
            Field("upscale_factor", UPSCALE_X248),
            _knob("creativity", 1, 9, "int"),
            Field("color_preservation", "bool"),
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "upscale",
        "image/upscale/topaz-redefine",
        (
            IMAGE_50,
            IAI,
            UPSCALE_PROMPT,
            Field("upscale_factor", UPSCALE_X248),
            Field("autoprompt", "bool"),
            _knob("creativity", 1, 9, "int"),
            _knob("denoise", 0, 1),
            Field("detail", "bool"),
            _knob("detail_strength", 0, 10),
            Field("face_enhancement", "bool"),
            _knob("face_enhancement_creativity", 0, 1),
            _knob("face_enhancement_strength", 0, 1),
            _knob("sharpen", 0, 1),
            Field("subject_detection", SUBJECT),
            _knob("texture", 1, 5, "int"),
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    *(
        Op(
            "upscale",
            f"image/upscale/{m}",
            (
                IMAGE_50,
                IAI,
                Field("upscale_factor", UPSCALE_X248),
                _knob("denoise", 0, 1),
                Field("face_enhancement", "bool"),
                _knob("face_enhancement_creativity", 0, 1),
                _knob("face_enhancement_strength", 0, 1),
                _knob("fix_compression", 0, 1),
                _knob("sharpen", 0, 1),
                _knob("strength", 0.01, 1),
                Field("subject_detection", SUBJECT),
                *extra,
                PRIVATE,
                TARGET,
                *_OPT,
            ),
            one_of=_SOURCE,
        )
        for m, extra in (("topaz-standard-2", ()), ("topaz-text-refine", (SEED,)))
    ),
    Op(
        "upscale",
        "image/upscale/topaz-wonder-3-5",
        (
            IMAGE_50,
            IAI,
            Field("upscale_factor", UPSCALE_X248),
            Field("enhancement_strength", QUALITY_LMH),
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
    # --- single-model operations ---
    Op(
        "remove_background",
        "image/remove-background/ideogram-1",
        (IMAGE_25, IAI, PRIVATE, TARGET, ASYNC),
        one_of=_SOURCE,
    ),
    Op(
        "remove_object",
        "image/remove-object/ideogram-1",
        (
            IMAGE_50,
            IAI,
            attrs.evolve(MASK, max_bytes=50 * MIB, doc="The mask, 50 MB at most."),
            MASK_AI,
            Field("store_assets", "bool"),
            SEED,
            TARGET,
        ),
        one_of=(*_SOURCE, ("mask", "mask_asset_identifier")),
    ),
    Op(
        "replace_background",
        "image/replace-background/gpt-image-2",
        (
            BACKGROUND_PROMPT,
            IMAGE_ANY_50,
            IAI,
            Field("quality", QUALITY_LMH),
            NUM,
            PRIVATE,
            WEBHOOK,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "replace_background",
        "image/replace-background/ideogram-3",
        (
            BACKGROUND_PROMPT,
            IMAGE_ANY_50,
            IAI,
            SPEED_F,
            NUM,
            PRIVATE,
            WEBHOOK,
        ),
        one_of=_SOURCE,
    ),
    Op(
        "describe",
        "image/describe/ideogram-3",
        (
            Field("image", "file", max_bytes=10 * MIB, doc="The image to describe, 10 MB at most."),
            IAI,
        ),
        result="describe_v3",
        one_of=_SOURCE,
    ),
    Op(
        "describe",
        "image/describe/ideogram-4",
        (
            Field("image", "file", max_bytes=10 * MIB, doc="The image to describe, 10 MB at most."),
            IAI,
            Field("include_bbox", "bool"),
            Field("include_style_descriptions", "bool"),
            Field("include_tags", "bool"),
        ),
        result="describe_v4",
        one_of=_SOURCE,
    ),
    Op(
        "layerize",
        "design/layerize/ideogram-3",
        (
            IMAGE_50,
            IAI,
            Field(
                "font_candidate_files",
                "files",
                image=False,
                doc="Font files to match the text against.",
            ),
            PROMPT_OPT,
            SEED,
            PRIVATE,
            TARGET,
            *_OPT,
        ),
        one_of=_SOURCE,
    ),
)
