"""Every ``/v2`` POST route of the 2026-10-07 snapshot, with the facts a client must respect.

Read from ``qmediat/ideogram-mcp`` ``src/generated/operations.gen.ts`` (commit ``02f27bf``),
which is generated from ``spec/openapi.json`` at ``e312b23`` (Ideogram's spec of 2026-10-07).
Each route says whether it declares ``dry_run`` (only those may be quoted: a ``dry_run`` sent to
any other could run and bill), how it runs (``opt``: an ``async`` body field; ``always``: it only
acknowledges, then you poll; ``sync``: it answers with the result), which bodies it takes, its
file fields (``None`` for one file, else the most files a list takes, ``0`` for no stated limit)
and the fields that travel as ``application/json`` parts inside a multipart body.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["ROUTES", "V2_ROUTES", "Route", "route"]

RunMode = Literal["opt", "always", "sync"]


@attrs.frozen
class Route:
    """One ``/v2`` operation's facts (see the module docstring)."""

    path: str
    dry_run: bool
    mode: RunMode
    multipart: bool
    files: dict[str, int | None] = attrs.field(factory=dict)
    json_parts: frozenset[str] = frozenset()


def _r(
    path: str,
    dry_run: bool,
    mode: RunMode,
    multipart: bool = True,
    files: Mapping[str, int | None] | None = None,
    json_parts: str = "",
) -> Route:
    return Route(
        "/v2/" + path, dry_run, mode, multipart, dict(files or {}), frozenset(json_parts.split())
    )


_IMG: dict[str, int | None] = {"image": None}
_IAI = "image_asset_identifier"
_STYLE = "style_reference_asset_identifiers"
_CHAR = "character_reference_asset_identifiers"
_CHAR_FILES: dict[str, int | None] = {
    "character_reference_images": 1,
    "character_reference_mask": None,
    "style_reference_images": 10,
}

_TABLE = (
    # generate
    _r(
        "image/generate/auto",
        True,
        "opt",
        True,
        {"images": 10},
        f"image_asset_identifiers {_STYLE}",
    ),
    _r("image/generate/gpt-image-2", True, "opt", True, {"images": 16}, "image_asset_identifiers"),
    _r(
        "image/generate/gpt-image-2-5-flare",
        True,
        "opt",
        True,
        {"images": 16, "mask": None},
        "image_asset_identifiers",
    ),
    _r(
        "image/generate/gpt-image-2-5-sunburst",
        True,
        "opt",
        True,
        {"images": 16, "mask": None},
        "image_asset_identifiers",
    ),
    _r("image/generate/ideogram-2", True, "opt", False),
    _r("image/generate/ideogram-2a", True, "opt", False),
    _r(
        "image/generate/ideogram-3",
        True,
        "opt",
        True,
        {"style_reference_images": 10},
        f"color_palette {_STYLE}",
    ),
    _r("image/generate/ideogram-3-character", True, "opt", True, _CHAR_FILES, f"{_CHAR} {_STYLE}"),
    _r(
        "image/generate/ideogram-3-custom-model",
        True,
        "opt",
        True,
        {"style_reference_images": 10},
        f"color_palette {_STYLE}",
    ),
    _r("image/generate/ideogram-3-transparent", True, "opt", False),
    _r("image/generate/ideogram-4", True, "opt", False),
    _r(
        "image/generate/ideogram-4-5",
        True,
        "opt",
        True,
        {"images": 5, "mask": None},
        "image_asset_identifiers",
    ),
    _r("image/generate/ideogram-4-custom-model", True, "opt", False),
    _r("image/generate/ideogram-4-transparent", True, "opt", False),
    _r(
        "image/generate/nano-banana-2", True, "opt", True, {"images": 10}, "image_asset_identifiers"
    ),
    _r(
        "image/generate/nano-banana-pro",
        True,
        "opt",
        True,
        {"images": 10},
        "image_asset_identifiers",
    ),
    _r("image/generate/p-image-ideogram", True, "opt", False),
    _r("image/generate/z-image", True, "opt", False),
    # inpaint
    _r(
        "image/inpaint/ideogram-3",
        True,
        "opt",
        True,
        {"image": None, "mask": None, "style_reference_images": 10},
        f"{_IAI} mask_asset_identifier {_STYLE}",
    ),
    _r(
        "image/inpaint/ideogram-3-character",
        True,
        "opt",
        True,
        {**_CHAR_FILES, "image": None, "mask": None},
        f"{_CHAR} {_IAI} mask_asset_identifier {_STYLE}",
    ),
    _r(
        "image/inpaint/ideogram-3-custom-model",
        True,
        "opt",
        True,
        {"image": None, "mask": None, "style_reference_images": 10},
        f"{_IAI} mask_asset_identifier {_STYLE}",
    ),
    # precise edit
    _r(
        "image/precise-edit/ideogram-4-5",
        True,
        "opt",
        True,
        {"image": None, "mask": None, "reference_images": 4},
        f"{_IAI} reference_image_asset_identifiers",
    ),
    # reframe
    _r("image/reframe/auto", True, "always", True, _IMG, _IAI),
    _r("image/reframe/bria-expand", True, "always", True, _IMG, _IAI),
    _r("image/reframe/gpt-image-2-5-flare", True, "always", True, _IMG, _IAI),
    _r(
        "image/reframe/ideogram-3",
        True,
        "opt",
        True,
        {"image": None, "style_reference_images": 10},
        f"color_palette {_IAI} {_STYLE}",
    ),
    _r("image/reframe/nano-banana-2", True, "always", True, _IMG, _IAI),
    _r("image/reframe/nano-banana-pro", True, "always", True, _IMG, _IAI),
    # remix
    _r("image/remix/auto", True, "opt", True, _IMG, f"color_palette {_IAI} {_STYLE}"),
    _r(
        "image/remix/ideogram-3",
        True,
        "opt",
        True,
        {"image": None, "style_reference_images": 10},
        f"color_palette {_IAI} {_STYLE}",
    ),
    _r(
        "image/remix/ideogram-3-character",
        True,
        "opt",
        True,
        {**_CHAR_FILES, "image": None},
        f"{_CHAR} {_IAI} {_STYLE}",
    ),
    _r(
        "image/remix/ideogram-3-custom-model",
        True,
        "opt",
        True,
        {"image": None, "style_reference_images": 10},
        f"color_palette {_IAI} {_STYLE}",
    ),
    _r("image/remix/ideogram-4", True, "opt", True, _IMG, _IAI),
    # single-model image operations
    _r("image/remove-background/ideogram-1", True, "opt", True, _IMG, _IAI),
    _r(
        "image/remove-object/ideogram-1",
        True,
        "always",
        True,
        {"image": None, "mask": None},
        f"{_IAI} mask_asset_identifier",
    ),
    _r("image/replace-background/gpt-image-2", True, "always", True, _IMG, _IAI),
    _r("image/replace-background/ideogram-3", True, "always", True, _IMG, _IAI),
    _r("image/describe/ideogram-3", False, "sync", True, _IMG, _IAI),
    _r("image/describe/ideogram-4", False, "sync", True, _IMG, _IAI),
    _r(
        "design/layerize/ideogram-3",
        True,
        "opt",
        True,
        {"font_candidate_files": 0, "image": None},
        _IAI,
    ),
    # upscale
    *(
        _r(f"image/upscale/{model}", True, "opt", True, _IMG, _IAI)
        for model in (
            "auto",
            "nano-banana-pro",
            "topaz-bloom-2",
            "topaz-redefine",
            "topaz-standard-2",
            "topaz-text-refine",
            "topaz-wonder-3-5",
        )
    ),
    # tools
    _r("tool/ad-localizer", True, "always", True, _IMG, _IAI),
    _r("tool/ad-resizer", True, "always", True, _IMG, _IAI),
    _r("tool/ad-variations", False, "always", True, _IMG, _IAI),
    _r(
        "tool/colorways",
        True,
        "always",
        True,
        {"image": None, "masks": 4},
        f"{_IAI} mask_asset_identifiers",
    ),
    _r(
        "tool/ghost-mannequin",
        True,
        "always",
        True,
        {
            "back_image": None,
            "bottom_image": None,
            "front_image": None,
            "garment_images": 15,
            "left_image": None,
            "right_image": None,
            "top_image": None,
        },
        "back_asset_identifier bottom_asset_identifier front_asset_identifier "
        "garment_asset_identifiers left_asset_identifier right_asset_identifier "
        "top_asset_identifier",
    ),
    _r("tool/living-image", True, "always", False),
    _r(
        "tool/material-swap",
        True,
        "always",
        True,
        {"image": None, "masks": 4, "materials": 4},
        f"{_IAI} mask_asset_identifiers material_asset_identifiers",
    ),
    _r(
        "tool/model-pose-variants",
        False,
        "always",
        True,
        {"source_image": None},
        "pose_reference_asset_identifier source_asset_identifier",
    ),
    _r(
        "tool/model-swap",
        False,
        "always",
        True,
        {"source_image": None},
        "model_asset_identifiers source_asset_identifier",
    ),
    _r("tool/packshots", False, "always", False),
    _r("tool/product-360-video", True, "always", False),
    _r("tool/skechers-style-editor", False, "always", False),
    _r(
        "tool/sketch-to-render",
        False,
        "always",
        True,
        {"sketch_image": None},
        "sketch_asset_identifier",
    ),
    _r("tool/sole-swap", False, "always", False),
    _r("tool/swan-s-logo-design", False, "always", False),
    _r("tool/swan-s-logo-install", False, "always", False),
    _r("tool/swap-product", False, "always", False),
    _r(
        "tool/text-layerizer",
        True,
        "always",
        True,
        {"font_candidate_files": 5, "image": None},
        _IAI,
    ),
    _r("tool/vectorizer", True, "always", True, _IMG, _IAI),
    # video
    _r("video/edit/seedance-2", True, "always", False),
    *(
        _r(
            f"video/generate/{model}-image-to-video",
            True,
            "always",
            True,
            {"end_image": None, "image": None},
            f"end_image_asset_identifier {_IAI}",
        )
        for model in ("kling-3-standard", "minimax-h3", "seedance-2-5", "seedance-2")
    ),
    *(
        _r(
            f"video/generate/{model}-reference-to-video",
            True,
            "always",
            True,
            {"reference_audios": audios, "reference_images": 9},
            "reference_image_asset_identifiers reference_video_asset_identifiers",
        )
        for model, audios in (("minimax-h3", 3), ("seedance-2-5", 10), ("seedance-2", 3))
    ),
    *(
        _r(f"video/generate/{model}-text-to-video", True, "always", False)
        for model in ("kling-3-standard", "minimax-h3", "seedance-2-5", "seedance-2")
    ),
    # workflows
    _r("workflow/lookbook", False, "always", False),
    _r(
        "workflow/precise-masked-edit",
        False,
        "always",
        True,
        {"source_image": None},
        "mask_asset_identifier reference_asset_identifiers source_asset_identifier",
    ),
    _r(
        "workflow/virtual-try-on",
        False,
        "always",
        True,
        {"garment_images": 7, "person_image": None},
        "garment_asset_identifiers person_asset_identifier",
    ),
)

ROUTES: dict[str, Route] = {r.path: r for r in _TABLE}
"""Every known ``/v2`` POST route, by path."""

V2_ROUTES: Mapping[str, Route] = types.MappingProxyType(ROUTES)
"""The same, read-only, as ``ideogram_async.V2_ROUTES``."""


def route(path: str) -> Route:
    """The facts of ``path`` (``/v2/...`` or the part after ``/v2/``); ``KeyError`` if unknown."""
    key = path if path.startswith("/v2/") else "/v2/" + path.lstrip("/")
    return ROUTES[key]
