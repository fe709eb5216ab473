"""The enumerations of Ideogram's public API, spelt as the spec spells them.

Every enum is a ``str`` enum: a member compares equal to its wire value, so a caller may pass
``AspectRatioV3.R16x9`` or ``"16x9"`` alike. Responses keep values these enums do not know yet
as plain strings (the API adds values every few months).
"""

from __future__ import annotations

import enum
from typing import Literal

__all__ = [
    "AspectRatio",
    "AspectRatioV3",
    "AspectRatioV3Value",
    "AspectRatioValue",
    "AssetType",
    "ColorPalettePresetName",
    "ColorPalettePresetNameValue",
    "DatasetAssetFailureReason",
    "DescribeModelVersion",
    "DescribeModelVersionValue",
    "MagicPromptOption",
    "MagicPromptOptionValue",
    "Model",
    "ModelScope",
    "ModelScopeValue",
    "ModelStatus",
    "ModelStatusValue",
    "ModelValue",
    "RenderingSpeed",
    "RenderingSpeedValue",
    "Resolution",
    "ResolutionV3",
    "ResolutionV3Value",
    "ResolutionValue",
    "StylePresetV3",
    "StylePresetV3Value",
    "StyleType",
    "StyleTypeV3",
    "StyleTypeV3Value",
    "StyleTypeValue",
    "UpscaleFactor",
    "UpscaleFactorValue",
]


class _StrEnum(str, enum.Enum):
    """A ``str`` enum whose ``str()`` is its wire value."""

    def __str__(self) -> str:
        return str(self.value)


class AspectRatio(_StrEnum):
    """Legacy aspect ratios (`/generate`, `/remix`)."""

    ASPECT_10_16 = "ASPECT_10_16"
    ASPECT_16_10 = "ASPECT_16_10"
    ASPECT_9_16 = "ASPECT_9_16"
    ASPECT_16_9 = "ASPECT_16_9"
    ASPECT_3_2 = "ASPECT_3_2"
    ASPECT_2_3 = "ASPECT_2_3"
    ASPECT_4_3 = "ASPECT_4_3"
    ASPECT_3_4 = "ASPECT_3_4"
    ASPECT_1_1 = "ASPECT_1_1"
    ASPECT_1_3 = "ASPECT_1_3"
    ASPECT_3_1 = "ASPECT_3_1"


class Resolution(_StrEnum):
    """Legacy resolutions (`/generate`, `/remix`, `/reframe`)."""

    RESOLUTION_512_1536 = "RESOLUTION_512_1536"
    RESOLUTION_576_1408 = "RESOLUTION_576_1408"
    RESOLUTION_576_1472 = "RESOLUTION_576_1472"
    RESOLUTION_576_1536 = "RESOLUTION_576_1536"
    RESOLUTION_640_1024 = "RESOLUTION_640_1024"
    RESOLUTION_640_1344 = "RESOLUTION_640_1344"
    RESOLUTION_640_1408 = "RESOLUTION_640_1408"
    RESOLUTION_640_1472 = "RESOLUTION_640_1472"
    RESOLUTION_640_1536 = "RESOLUTION_640_1536"
    RESOLUTION_704_1152 = "RESOLUTION_704_1152"
    RESOLUTION_704_1216 = "RESOLUTION_704_1216"
    RESOLUTION_704_1280 = "RESOLUTION_704_1280"
    RESOLUTION_704_1344 = "RESOLUTION_704_1344"
    RESOLUTION_704_1408 = "RESOLUTION_704_1408"
    RESOLUTION_704_1472 = "RESOLUTION_704_1472"
    RESOLUTION_720_1280 = "RESOLUTION_720_1280"
    RESOLUTION_736_1312 = "RESOLUTION_736_1312"
    RESOLUTION_768_1024 = "RESOLUTION_768_1024"
    RESOLUTION_768_1088 = "RESOLUTION_768_1088"
    RESOLUTION_768_1152 = "RESOLUTION_768_1152"
    RESOLUTION_768_1216 = "RESOLUTION_768_1216"
    RESOLUTION_768_1232 = "RESOLUTION_768_1232"
    RESOLUTION_768_1280 = "RESOLUTION_768_1280"
    RESOLUTION_768_1344 = "RESOLUTION_768_1344"
    RESOLUTION_832_960 = "RESOLUTION_832_960"
    RESOLUTION_832_1024 = "RESOLUTION_832_1024"
    RESOLUTION_832_1088 = "RESOLUTION_832_1088"
    RESOLUTION_832_1152 = "RESOLUTION_832_1152"
    RESOLUTION_832_1216 = "RESOLUTION_832_1216"
    RESOLUTION_832_1248 = "RESOLUTION_832_1248"
    RESOLUTION_864_1152 = "RESOLUTION_864_1152"
    RESOLUTION_896_960 = "RESOLUTION_896_960"
    RESOLUTION_896_1024 = "RESOLUTION_896_1024"
    RESOLUTION_896_1088 = "RESOLUTION_896_1088"
    RESOLUTION_896_1120 = "RESOLUTION_896_1120"
    RESOLUTION_896_1152 = "RESOLUTION_896_1152"
    RESOLUTION_960_832 = "RESOLUTION_960_832"
    RESOLUTION_960_896 = "RESOLUTION_960_896"
    RESOLUTION_960_1024 = "RESOLUTION_960_1024"
    RESOLUTION_960_1088 = "RESOLUTION_960_1088"
    RESOLUTION_1024_640 = "RESOLUTION_1024_640"
    RESOLUTION_1024_768 = "RESOLUTION_1024_768"
    RESOLUTION_1024_832 = "RESOLUTION_1024_832"
    RESOLUTION_1024_896 = "RESOLUTION_1024_896"
    RESOLUTION_1024_960 = "RESOLUTION_1024_960"
    RESOLUTION_1024_1024 = "RESOLUTION_1024_1024"
    RESOLUTION_1088_768 = "RESOLUTION_1088_768"
    RESOLUTION_1088_832 = "RESOLUTION_1088_832"
    RESOLUTION_1088_896 = "RESOLUTION_1088_896"
    RESOLUTION_1088_960 = "RESOLUTION_1088_960"
    RESOLUTION_1120_896 = "RESOLUTION_1120_896"
    RESOLUTION_1152_704 = "RESOLUTION_1152_704"
    RESOLUTION_1152_768 = "RESOLUTION_1152_768"
    RESOLUTION_1152_832 = "RESOLUTION_1152_832"
    RESOLUTION_1152_864 = "RESOLUTION_1152_864"
    RESOLUTION_1152_896 = "RESOLUTION_1152_896"
    RESOLUTION_1216_704 = "RESOLUTION_1216_704"
    RESOLUTION_1216_768 = "RESOLUTION_1216_768"
    RESOLUTION_1216_832 = "RESOLUTION_1216_832"
    RESOLUTION_1232_768 = "RESOLUTION_1232_768"
    RESOLUTION_1248_832 = "RESOLUTION_1248_832"
    RESOLUTION_1280_704 = "RESOLUTION_1280_704"
    RESOLUTION_1280_720 = "RESOLUTION_1280_720"
    RESOLUTION_1280_768 = "RESOLUTION_1280_768"
    RESOLUTION_1280_800 = "RESOLUTION_1280_800"
    RESOLUTION_1312_736 = "RESOLUTION_1312_736"
    RESOLUTION_1344_640 = "RESOLUTION_1344_640"
    RESOLUTION_1344_704 = "RESOLUTION_1344_704"
    RESOLUTION_1344_768 = "RESOLUTION_1344_768"
    RESOLUTION_1408_576 = "RESOLUTION_1408_576"
    RESOLUTION_1408_640 = "RESOLUTION_1408_640"
    RESOLUTION_1408_704 = "RESOLUTION_1408_704"
    RESOLUTION_1472_576 = "RESOLUTION_1472_576"
    RESOLUTION_1472_640 = "RESOLUTION_1472_640"
    RESOLUTION_1472_704 = "RESOLUTION_1472_704"
    RESOLUTION_1536_512 = "RESOLUTION_1536_512"
    RESOLUTION_1536_576 = "RESOLUTION_1536_576"
    RESOLUTION_1536_640 = "RESOLUTION_1536_640"


class Model(_StrEnum):
    """Legacy model versions."""

    V_1 = "V_1"
    V_1_TURBO = "V_1_TURBO"
    V_2 = "V_2"
    V_2_TURBO = "V_2_TURBO"
    V_2A = "V_2A"
    V_2A_TURBO = "V_2A_TURBO"
    AUTO = "AUTO"


class MagicPromptOption(_StrEnum):
    """Whether MagicPrompt rewrites the prompt."""

    AUTO = "AUTO"
    ON = "ON"
    OFF = "OFF"


class StyleType(_StrEnum):
    """Legacy style types (V_2 models and above)."""

    AUTO = "AUTO"
    GENERAL = "GENERAL"
    FICTION = "FICTION"
    REALISTIC = "REALISTIC"
    DESIGN = "DESIGN"
    RENDER_3D = "RENDER_3D"
    ANIME = "ANIME"


class AspectRatioV3(_StrEnum):
    """Ideogram 3.0 aspect ratios, written `WxH`."""

    R1x3 = "1x3"
    R3x1 = "3x1"
    R1x2 = "1x2"
    R2x1 = "2x1"
    R9x16 = "9x16"
    R16x9 = "16x9"
    R10x16 = "10x16"
    R16x10 = "16x10"
    R2x3 = "2x3"
    R3x2 = "3x2"
    R3x4 = "3x4"
    R4x3 = "4x3"
    R4x5 = "4x5"
    R5x4 = "5x4"
    R1x1 = "1x1"


class ResolutionV3(_StrEnum):
    """Ideogram 3.0 resolutions, written `WIDTHxHEIGHT`."""

    R512x1536 = "512x1536"
    R576x1408 = "576x1408"
    R576x1472 = "576x1472"
    R576x1536 = "576x1536"
    R640x1344 = "640x1344"
    R640x1408 = "640x1408"
    R640x1472 = "640x1472"
    R640x1536 = "640x1536"
    R704x1152 = "704x1152"
    R704x1216 = "704x1216"
    R704x1280 = "704x1280"
    R704x1344 = "704x1344"
    R704x1408 = "704x1408"
    R704x1472 = "704x1472"
    R736x1312 = "736x1312"
    R768x1088 = "768x1088"
    R768x1216 = "768x1216"
    R768x1280 = "768x1280"
    R768x1344 = "768x1344"
    R800x1280 = "800x1280"
    R832x960 = "832x960"
    R832x1024 = "832x1024"
    R832x1088 = "832x1088"
    R832x1152 = "832x1152"
    R832x1216 = "832x1216"
    R832x1248 = "832x1248"
    R864x1152 = "864x1152"
    R896x960 = "896x960"
    R896x1024 = "896x1024"
    R896x1088 = "896x1088"
    R896x1120 = "896x1120"
    R896x1152 = "896x1152"
    R960x832 = "960x832"
    R960x896 = "960x896"
    R960x1024 = "960x1024"
    R960x1088 = "960x1088"
    R1024x832 = "1024x832"
    R1024x896 = "1024x896"
    R1024x960 = "1024x960"
    R1024x1024 = "1024x1024"
    R1088x768 = "1088x768"
    R1088x832 = "1088x832"
    R1088x896 = "1088x896"
    R1088x960 = "1088x960"
    R1120x896 = "1120x896"
    R1152x704 = "1152x704"
    R1152x832 = "1152x832"
    R1152x864 = "1152x864"
    R1152x896 = "1152x896"
    R1216x704 = "1216x704"
    R1216x768 = "1216x768"
    R1216x832 = "1216x832"
    R1248x832 = "1248x832"
    R1280x704 = "1280x704"
    R1280x768 = "1280x768"
    R1280x800 = "1280x800"
    R1312x736 = "1312x736"
    R1344x640 = "1344x640"
    R1344x704 = "1344x704"
    R1344x768 = "1344x768"
    R1408x576 = "1408x576"
    R1408x640 = "1408x640"
    R1408x704 = "1408x704"
    R1472x576 = "1472x576"
    R1472x640 = "1472x640"
    R1472x704 = "1472x704"
    R1536x512 = "1536x512"
    R1536x576 = "1536x576"
    R1536x640 = "1536x640"


class RenderingSpeed(_StrEnum):
    """Ideogram 3.0 rendering speeds."""

    FLASH = "FLASH"
    TURBO = "TURBO"
    DEFAULT = "DEFAULT"
    QUALITY = "QUALITY"


class StyleTypeV3(_StrEnum):
    """Ideogram 3.0 style types."""

    AUTO = "AUTO"
    GENERAL = "GENERAL"
    REALISTIC = "REALISTIC"
    DESIGN = "DESIGN"
    FICTION = "FICTION"


class StylePresetV3(_StrEnum):
    """Ideogram 3.0 style presets; names starting with a digit are spelt out."""

    EIGHTIES_ILLUSTRATION = "80S_ILLUSTRATION"
    NINETIES_NOSTALGIA = "90S_NOSTALGIA"
    ABSTRACT_ORGANIC = "ABSTRACT_ORGANIC"
    ANALOG_NOSTALGIA = "ANALOG_NOSTALGIA"
    ART_BRUT = "ART_BRUT"
    ART_DECO = "ART_DECO"
    ART_POSTER = "ART_POSTER"
    AURA = "AURA"
    AVANT_GARDE = "AVANT_GARDE"
    BAUHAUS = "BAUHAUS"
    BLUEPRINT = "BLUEPRINT"
    BLURRY_MOTION = "BLURRY_MOTION"
    BRIGHT_ART = "BRIGHT_ART"
    C4D_CARTOON = "C4D_CARTOON"
    CHILDRENS_BOOK = "CHILDRENS_BOOK"
    COLLAGE = "COLLAGE"
    COLORING_BOOK_I = "COLORING_BOOK_I"
    COLORING_BOOK_II = "COLORING_BOOK_II"
    CUBISM = "CUBISM"
    DARK_AURA = "DARK_AURA"
    DOODLE = "DOODLE"
    DOUBLE_EXPOSURE = "DOUBLE_EXPOSURE"
    DRAMATIC_CINEMA = "DRAMATIC_CINEMA"
    EDITORIAL = "EDITORIAL"
    EMOTIONAL_MINIMAL = "EMOTIONAL_MINIMAL"
    ETHEREAL_PARTY = "ETHEREAL_PARTY"
    EXPIRED_FILM = "EXPIRED_FILM"
    FLAT_ART = "FLAT_ART"
    FLAT_VECTOR = "FLAT_VECTOR"
    FOREST_REVERIE = "FOREST_REVERIE"
    GEO_MINIMALIST = "GEO_MINIMALIST"
    GLASS_PRISM = "GLASS_PRISM"
    GOLDEN_HOUR = "GOLDEN_HOUR"
    GRAFFITI_I = "GRAFFITI_I"
    GRAFFITI_II = "GRAFFITI_II"
    HALFTONE_PRINT = "HALFTONE_PRINT"
    HIGH_CONTRAST = "HIGH_CONTRAST"
    HIPPIE_ERA = "HIPPIE_ERA"
    ICONIC = "ICONIC"
    JAPANDI_FUSION = "JAPANDI_FUSION"
    JAZZY = "JAZZY"
    LONG_EXPOSURE = "LONG_EXPOSURE"
    MAGAZINE_EDITORIAL = "MAGAZINE_EDITORIAL"
    MINIMAL_ILLUSTRATION = "MINIMAL_ILLUSTRATION"
    MIXED_MEDIA = "MIXED_MEDIA"
    MONOCHROME = "MONOCHROME"
    NIGHTLIFE = "NIGHTLIFE"
    OIL_PAINTING = "OIL_PAINTING"
    OLD_CARTOONS = "OLD_CARTOONS"
    PAINT_GESTURE = "PAINT_GESTURE"
    POP_ART = "POP_ART"
    RETRO_ETCHING = "RETRO_ETCHING"
    RIVIERA_POP = "RIVIERA_POP"
    SPOTLIGHT_80S = "SPOTLIGHT_80S"
    STYLIZED_RED = "STYLIZED_RED"
    SURREAL_COLLAGE = "SURREAL_COLLAGE"
    TRAVEL_POSTER = "TRAVEL_POSTER"
    VINTAGE_GEO = "VINTAGE_GEO"
    VINTAGE_POSTER = "VINTAGE_POSTER"
    WATERCOLOR = "WATERCOLOR"
    WEIRD = "WEIRD"
    WOODBLOCK_PRINT = "WOODBLOCK_PRINT"


class ColorPalettePresetName(_StrEnum):
    """Named colour palettes."""

    EMBER = "EMBER"
    FRESH = "FRESH"
    JUNGLE = "JUNGLE"
    MAGIC = "MAGIC"
    MELON = "MELON"
    MOSAIC = "MOSAIC"
    PASTEL = "PASTEL"
    ULTRAMARINE = "ULTRAMARINE"


class UpscaleFactor(_StrEnum):
    """Upscale factors for transparent generation; above X1 costs more."""

    X1 = "X1"
    X2 = "X2"
    X4 = "X4"


class DescribeModelVersion(_StrEnum):
    """Model versions for `/describe`."""

    V_2 = "V_2"
    V_3 = "V_3"


class ModelScope(_StrEnum):
    """Which custom models `models.list` returns."""

    OWNED = "owned"
    SHARED = "shared"


class ModelStatus(_StrEnum):
    """Status of a custom model."""

    CREATING = "CREATING"
    DRAFT = "DRAFT"
    TRAINING = "TRAINING"
    COMPLETED = "COMPLETED"
    ERRORED = "ERRORED"
    ARCHIVED = "ARCHIVED"


class AssetType(_StrEnum):
    """Kinds of Ideogram asset."""

    ASSET = "ASSET"
    CANVAS_ASSET = "CANVAS_ASSET"
    LAYERED_ASSET = "LAYERED_ASSET"
    RESPONSE = "RESPONSE"
    UPLOAD = "UPLOAD"


class DatasetAssetFailureReason(_StrEnum):
    """Why a dataset asset failed to upload."""

    FAILED_SAFETY_CHECK = "FAILED_SAFETY_CHECK"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_CAPTION = "INVALID_CAPTION"
    INVALID_IMAGE = "INVALID_IMAGE"
    INVALID_ZIP = "INVALID_ZIP"
    TOO_MANY_IMAGES = "TOO_MANY_IMAGES"


# The values of each enum a parameter takes, as a ``Literal``: a signature says
# ``AspectRatioV3 | AspectRatioV3Value``, so a type checker refuses ``"banana"`` while a plain
# string of a known value passes. ``tests/test_enums.py`` checks each matches its enum exactly.
AspectRatioValue = Literal[
    "ASPECT_10_16",
    "ASPECT_16_10",
    "ASPECT_9_16",
    "ASPECT_16_9",
    "ASPECT_3_2",
    "ASPECT_2_3",
    "ASPECT_4_3",
    "ASPECT_3_4",
    "ASPECT_1_1",
    "ASPECT_1_3",
    "ASPECT_3_1",
]
"""The values of ``AspectRatio``, for type checkers."""

ResolutionValue = Literal[
    "RESOLUTION_512_1536",
    "RESOLUTION_576_1408",
    "RESOLUTION_576_1472",
    "RESOLUTION_576_1536",
    "RESOLUTION_640_1024",
    "RESOLUTION_640_1344",
    "RESOLUTION_640_1408",
    "RESOLUTION_640_1472",
    "RESOLUTION_640_1536",
    "RESOLUTION_704_1152",
    "RESOLUTION_704_1216",
    "RESOLUTION_704_1280",
    "RESOLUTION_704_1344",
    "RESOLUTION_704_1408",
    "RESOLUTION_704_1472",
    "RESOLUTION_720_1280",
    "RESOLUTION_736_1312",
    "RESOLUTION_768_1024",
    "RESOLUTION_768_1088",
    "RESOLUTION_768_1152",
    "RESOLUTION_768_1216",
    "RESOLUTION_768_1232",
    "RESOLUTION_768_1280",
    "RESOLUTION_768_1344",
    "RESOLUTION_832_960",
    "RESOLUTION_832_1024",
    "RESOLUTION_832_1088",
    "RESOLUTION_832_1152",
    "RESOLUTION_832_1216",
    "RESOLUTION_832_1248",
    "RESOLUTION_864_1152",
    "RESOLUTION_896_960",
    "RESOLUTION_896_1024",
    "RESOLUTION_896_1088",
    "RESOLUTION_896_1120",
    "RESOLUTION_896_1152",
    "RESOLUTION_960_832",
    "RESOLUTION_960_896",
    "RESOLUTION_960_1024",
    "RESOLUTION_960_1088",
    "RESOLUTION_1024_640",
    "RESOLUTION_1024_768",
    "RESOLUTION_1024_832",
    "RESOLUTION_1024_896",
    "RESOLUTION_1024_960",
    "RESOLUTION_1024_1024",
    "RESOLUTION_1088_768",
    "RESOLUTION_1088_832",
    "RESOLUTION_1088_896",
    "RESOLUTION_1088_960",
    "RESOLUTION_1120_896",
    "RESOLUTION_1152_704",
    "RESOLUTION_1152_768",
    "RESOLUTION_1152_832",
    "RESOLUTION_1152_864",
    "RESOLUTION_1152_896",
    "RESOLUTION_1216_704",
    "RESOLUTION_1216_768",
    "RESOLUTION_1216_832",
    "RESOLUTION_1232_768",
    "RESOLUTION_1248_832",
    "RESOLUTION_1280_704",
    "RESOLUTION_1280_720",
    "RESOLUTION_1280_768",
    "RESOLUTION_1280_800",
    "RESOLUTION_1312_736",
    "RESOLUTION_1344_640",
    "RESOLUTION_1344_704",
    "RESOLUTION_1344_768",
    "RESOLUTION_1408_576",
    "RESOLUTION_1408_640",
    "RESOLUTION_1408_704",
    "RESOLUTION_1472_576",
    "RESOLUTION_1472_640",
    "RESOLUTION_1472_704",
    "RESOLUTION_1536_512",
    "RESOLUTION_1536_576",
    "RESOLUTION_1536_640",
]
"""The values of ``Resolution``, for type checkers."""

ModelValue = Literal[
    "V_1",
    "V_1_TURBO",
    "V_2",
    "V_2_TURBO",
    "V_2A",
    "V_2A_TURBO",
    "AUTO",
]
"""The values of ``Model``, for type checkers."""

MagicPromptOptionValue = Literal[
    "AUTO",
    "ON",
    "OFF",
]
"""The values of ``MagicPromptOption``, for type checkers."""

StyleTypeValue = Literal[
    "AUTO",
    "GENERAL",
    "FICTION",
    "REALISTIC",
    "DESIGN",
    "RENDER_3D",
    "ANIME",
]
"""The values of ``StyleType``, for type checkers."""

AspectRatioV3Value = Literal[
    "1x3",
    "3x1",
    "1x2",
    "2x1",
    "9x16",
    "16x9",
    "10x16",
    "16x10",
    "2x3",
    "3x2",
    "3x4",
    "4x3",
    "4x5",
    "5x4",
    "1x1",
]
"""The values of ``AspectRatioV3``, for type checkers."""

ResolutionV3Value = Literal[
    "512x1536",
    "576x1408",
    "576x1472",
    "576x1536",
    "640x1344",
    "640x1408",
    "640x1472",
    "640x1536",
    "704x1152",
    "704x1216",
    "704x1280",
    "704x1344",
    "704x1408",
    "704x1472",
    "736x1312",
    "768x1088",
    "768x1216",
    "768x1280",
    "768x1344",
    "800x1280",
    "832x960",
    "832x1024",
    "832x1088",
    "832x1152",
    "832x1216",
    "832x1248",
    "864x1152",
    "896x960",
    "896x1024",
    "896x1088",
    "896x1120",
    "896x1152",
    "960x832",
    "960x896",
    "960x1024",
    "960x1088",
    "1024x832",
    "1024x896",
    "1024x960",
    "1024x1024",
    "1088x768",
    "1088x832",
    "1088x896",
    "1088x960",
    "1120x896",
    "1152x704",
    "1152x832",
    "1152x864",
    "1152x896",
    "1216x704",
    "1216x768",
    "1216x832",
    "1248x832",
    "1280x704",
    "1280x768",
    "1280x800",
    "1312x736",
    "1344x640",
    "1344x704",
    "1344x768",
    "1408x576",
    "1408x640",
    "1408x704",
    "1472x576",
    "1472x640",
    "1472x704",
    "1536x512",
    "1536x576",
    "1536x640",
]
"""The values of ``ResolutionV3``, for type checkers."""

RenderingSpeedValue = Literal[
    "FLASH",
    "TURBO",
    "DEFAULT",
    "QUALITY",
]
"""The values of ``RenderingSpeed``, for type checkers."""

StyleTypeV3Value = Literal[
    "AUTO",
    "GENERAL",
    "REALISTIC",
    "DESIGN",
    "FICTION",
]
"""The values of ``StyleTypeV3``, for type checkers."""

StylePresetV3Value = Literal[
    "80S_ILLUSTRATION",
    "90S_NOSTALGIA",
    "ABSTRACT_ORGANIC",
    "ANALOG_NOSTALGIA",
    "ART_BRUT",
    "ART_DECO",
    "ART_POSTER",
    "AURA",
    "AVANT_GARDE",
    "BAUHAUS",
    "BLUEPRINT",
    "BLURRY_MOTION",
    "BRIGHT_ART",
    "C4D_CARTOON",
    "CHILDRENS_BOOK",
    "COLLAGE",
    "COLORING_BOOK_I",
    "COLORING_BOOK_II",
    "CUBISM",
    "DARK_AURA",
    "DOODLE",
    "DOUBLE_EXPOSURE",
    "DRAMATIC_CINEMA",
    "EDITORIAL",
    "EMOTIONAL_MINIMAL",
    "ETHEREAL_PARTY",
    "EXPIRED_FILM",
    "FLAT_ART",
    "FLAT_VECTOR",
    "FOREST_REVERIE",
    "GEO_MINIMALIST",
    "GLASS_PRISM",
    "GOLDEN_HOUR",
    "GRAFFITI_I",
    "GRAFFITI_II",
    "HALFTONE_PRINT",
    "HIGH_CONTRAST",
    "HIPPIE_ERA",
    "ICONIC",
    "JAPANDI_FUSION",
    "JAZZY",
    "LONG_EXPOSURE",
    "MAGAZINE_EDITORIAL",
    "MINIMAL_ILLUSTRATION",
    "MIXED_MEDIA",
    "MONOCHROME",
    "NIGHTLIFE",
    "OIL_PAINTING",
    "OLD_CARTOONS",
    "PAINT_GESTURE",
    "POP_ART",
    "RETRO_ETCHING",
    "RIVIERA_POP",
    "SPOTLIGHT_80S",
    "STYLIZED_RED",
    "SURREAL_COLLAGE",
    "TRAVEL_POSTER",
    "VINTAGE_GEO",
    "VINTAGE_POSTER",
    "WATERCOLOR",
    "WEIRD",
    "WOODBLOCK_PRINT",
]
"""The values of ``StylePresetV3``, for type checkers."""

ColorPalettePresetNameValue = Literal[
    "EMBER",
    "FRESH",
    "JUNGLE",
    "MAGIC",
    "MELON",
    "MOSAIC",
    "PASTEL",
    "ULTRAMARINE",
]
"""The values of ``ColorPalettePresetName``, for type checkers."""

UpscaleFactorValue = Literal[
    "X1",
    "X2",
    "X4",
]
"""The values of ``UpscaleFactor``, for type checkers."""

DescribeModelVersionValue = Literal[
    "V_2",
    "V_3",
]
"""The values of ``DescribeModelVersion``, for type checkers."""

ModelScopeValue = Literal[
    "owned",
    "shared",
]
"""The values of ``ModelScope``, for type checkers."""

ModelStatusValue = Literal[
    "CREATING",
    "DRAFT",
    "TRAINING",
    "COMPLETED",
    "ERRORED",
    "ARCHIVED",
]
"""The values of ``ModelStatus``, for type checkers."""
