"""The image operations: every route that takes a prompt or an image and answers with images.

An operation is data (``OpSpec``): its parameters class, how its body nests, and a function
that turns its validated parameters into a ``Job`` (what to draw, how many, at what size).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import attrs

from .._checks import wire_value
from .._enums import ResolutionV3
from .._files import Upload, sniff_image
from .._params import (
    MAX_SEED,
    DescribeParams,
    EditParams,
    LayerizeTextParams,
    LegacyEditParams,
    LegacyGenerateParams,
    LegacyReframeParams,
    LegacyRemixParams,
    LegacyUpscaleParams,
    Params,
    RemoveBackgroundParams,
    V3GenerateParams,
    V3InpaintParams,
    V3ReframeParams,
    V3RemixParams,
    V3ReplaceBackgroundParams,
    V3TransparentParams,
)
from ._http import HTTPError, Incoming, Reply, json_reply
from ._multipart import read_body
from ._png import image_size, pixel_size, render
from ._store import EmulatorStats, Settings, Store
from ._validate import build, checked_uploads, nested_fields

__all__ = ["OPERATIONS", "UNSAFE_IMAGE", "UNSAFE_PROMPT", "ImageOps", "OpSpec"]

UNSAFE_PROMPT = "EMULATOR_UNSAFE_PROMPT"
"""A prompt containing this is refused with 422, as a prompt that fails the safety check."""
UNSAFE_IMAGE = "EMULATOR_UNSAFE_IMAGE"
"""A prompt containing this makes images that fail the safety check (no URL)."""

Uploads = Sequence[tuple[str, Upload]]
Size = tuple[int, int]
_SIZES: list[Size] = [
    (int(w), int(h)) for w, h in (member.value.split("x") for member in ResolutionV3)
]
_SQUARE: Size = (1024, 1024)
_INPUT_FIELDS = ("image_file", "image", "images")
_UPSCALE_FACTORS = {"X1": 1, "X2": 2, "X4": 4}


@attrs.frozen
class Job:
    """What an operation draws.

    Attributes:
        key: What the pictures depend on, besides the seed.
        prompt: The prompt reported with each image.
        count: How many images.
        seed: The first image's seed; ``None`` picks one at random.
        size: The resolution reported (the PNG is a small picture of that shape).
        transparent: Draw on a transparent background.
        style_type: The style type reported, if the operation reports one.
        upscale: A factor above 1 reports an ``upscaled_resolution`` and draws larger.
    """

    key: str
    prompt: str
    count: int
    seed: int | None
    size: Size
    transparent: bool = False
    style_type: str | None = None
    upscale: int = 1


@attrs.frozen
class OpSpec:
    """One image operation: its parameters, its body's nest, and the job it makes.

    Operations without a job (describe, remove background, layerize text) answer in shapes of
    their own, picked by their parameters class.
    """

    params: type[Params]
    job: Callable[[Any, Uploads], Job] | None = None
    nest: str | None = None


# --- sizes and styles ----------------------------------------------------------------------------


def snap(width: float, height: float) -> Size:
    """The 3.0 resolution closest in shape to ``width`` x ``height`` (about a megapixel)."""
    ratio = math.log(width / height)
    return min(
        _SIZES,
        key=lambda s: (round(abs(math.log(s[0] / s[1]) - ratio), 3), abs(s[0] * s[1] - (1 << 20))),
    )


def _pair(text: str, sep: str) -> tuple[int, int]:
    first, second = text.split(sep)[-2:]
    return int(first), int(second)


def _input(uploads: Uploads) -> Upload | None:
    return next((upload for name, upload in uploads if name in _INPUT_FIELDS), None)


def _input_size(uploads: Uploads) -> Size:
    upload = _input(uploads)
    size = image_size(upload.content) if upload is not None else None
    return snap(*size) if size else _SQUARE


def _legacy_size(params: Any, uploads: Uploads | None = None) -> Size:
    if params.resolution is not None:
        return _pair(wire_value(params.resolution), "_")
    if params.aspect_ratio is not None:
        return snap(*_pair(wire_value(params.aspect_ratio), "_"))
    return _input_size(uploads) if uploads else _SQUARE


def _v3_size(params: Any, uploads: Uploads | None = None) -> Size:
    if getattr(params, "resolution", None) is not None:
        return _pair(wire_value(params.resolution), "x")
    if params.aspect_ratio is not None:
        return snap(*_pair(wire_value(params.aspect_ratio), "x"))
    return _input_size(uploads) if uploads else _SQUARE


def _legacy_style(params: Any) -> str | None:
    if wire_value(getattr(params, "model", None)) in ("V_1", "V_1_TURBO"):
        return None
    style = wire_value(getattr(params, "style_type", None))
    return "GENERAL" if style in (None, "AUTO") else str(style)


def _v3_style(params: Any) -> str:
    style = wire_value(getattr(params, "style_type", None))
    return "GENERAL" if style in (None, "AUTO") else str(style)


def _digest(uploads: Uploads) -> str:
    upload = _input(uploads)
    return hashlib.sha256(upload.content if upload else b"").hexdigest()[:16]


def _key(params: Any, uploads: Uploads) -> str:
    prompt = getattr(params, "prompt", None) or ""
    return f"{prompt}\x00{_digest(uploads)}" if _input(uploads) else prompt


def _job(
    params: Any, uploads: Uploads, size: Size, *, prompt: str | None = None, **extra: Any
) -> Job:
    return Job(
        key=_key(params, uploads),
        prompt=prompt if prompt is not None else params.prompt,
        count=params.num_images or 1,
        seed=params.seed,
        size=size,
        **extra,
    )


# --- the operations ------------------------------------------------------------------------------


def _legacy_generate(p: Any, u: Uploads) -> Job:
    return _job(p, u, _legacy_size(p, u), style_type=_legacy_style(p))


def _legacy_upscale(p: Any, u: Uploads) -> Job:
    return _job(p, u, _input_size(u), prompt=p.prompt or "An upscaled image", upscale=2)


def _legacy_edit(p: Any, u: Uploads) -> Job:
    return _job(p, u, _input_size(u), style_type=_legacy_style(p))


def _legacy_reframe(p: Any, u: Uploads) -> Job:
    size = _pair(wire_value(p.resolution), "_")
    return _job(p, u, size, prompt="A reframed image", style_type=_legacy_style(p))


def _v3_generate(p: Any, u: Uploads) -> Job:
    return _job(p, u, _v3_size(p, u), style_type=_v3_style(p))


def _v3_transparent(p: Any, u: Uploads) -> Job:
    factor = _UPSCALE_FACTORS.get(wire_value(p.upscale_factor) or "X1", 1)
    return _job(p, u, _v3_size(p), transparent=True, upscale=factor)


def _v3_inpaint(p: Any, u: Uploads) -> Job:
    return _job(p, u, _input_size(u), style_type=_v3_style(p))


def _v3_reframe(p: Any, u: Uploads) -> Job:
    size = _pair(wire_value(p.resolution), "x")
    return _job(p, u, size, prompt="A reframed image", style_type=_v3_style(p))


def _v3_replace_background(p: Any, u: Uploads) -> Job:
    return _job(p, u, _input_size(u), style_type=_v3_style(p))


def _v1_edit(p: Any, u: Uploads) -> Job:
    return _job(p, u, _v3_size(p, u), transparent=p.transparent_background is True)


_V3 = "/v1/ideogram-v3"
OPERATIONS: dict[str, OpSpec] = {
    "/generate": OpSpec(LegacyGenerateParams, job=_legacy_generate, nest="image_request"),
    "/remix": OpSpec(LegacyRemixParams, job=_legacy_generate, nest="image_request"),
    "/upscale": OpSpec(LegacyUpscaleParams, job=_legacy_upscale, nest="image_request"),
    "/edit": OpSpec(LegacyEditParams, job=_legacy_edit),
    "/reframe": OpSpec(LegacyReframeParams, job=_legacy_reframe),
    "/describe": OpSpec(DescribeParams),
    f"{_V3}/generate": OpSpec(V3GenerateParams, job=_v3_generate),
    f"{_V3}/generate-transparent": OpSpec(V3TransparentParams, job=_v3_transparent),
    f"{_V3}/remix": OpSpec(V3RemixParams, job=_v3_generate),
    f"{_V3}/edit": OpSpec(V3InpaintParams, job=_v3_inpaint),
    f"{_V3}/inpaint": OpSpec(V3InpaintParams, job=_v3_inpaint),
    f"{_V3}/reframe": OpSpec(V3ReframeParams, job=_v3_reframe),
    f"{_V3}/replace-background": OpSpec(V3ReplaceBackgroundParams, job=_v3_replace_background),
    f"{_V3}/layerize-text": OpSpec(LayerizeTextParams),
    "/v1/remove-background": OpSpec(RemoveBackgroundParams),
    "/v1/edit": OpSpec(EditParams, job=_v1_edit),
}
"""Every image operation, by route."""


_ADJECTIVES = ("vivid", "quiet", "geometric", "sunlit", "moody", "playful", "minimal", "ornate")
_SUBJECTS = ("stripes", "rings", "checks", "bands", "waves", "tiles", "petals", "arches")


class ImageOps:
    """Runs the image operations against the emulator's state."""

    def __init__(
        self,
        settings: Settings,
        stats: EmulatorStats,
        store: Store,
        model_available: Callable[[str], bool],
    ) -> None:
        self._settings = settings
        self._stats = stats
        self._store = store
        self._model_available = model_available
        self._random = random.Random()

    async def run(self, request: Incoming, spec: OpSpec) -> Reply:
        """Validate a request as the API does, then answer it."""
        fields = read_body(request.headers.get("content-type", ""), request.body)
        if spec.nest is not None:
            fields = nested_fields(spec.params, fields, spec.nest)
        params = build(spec.params, fields, self._store.resolve)
        uploads = list(await checked_uploads(params))
        if isinstance(params, EditParams):
            uploads += [("images", self._linked(url)) for url in params.image_urls or ()]
        prompt = getattr(params, "prompt", None)
        if prompt and UNSAFE_PROMPT in prompt:
            raise HTTPError(422, "Prompt failed the safety check")
        uri = getattr(params, "custom_model_uri", None)
        if uri is not None and not self._model_available(uri):
            raise HTTPError(404, f"Custom model {uri} not found, or not available for generation")
        if isinstance(params, DescribeParams):
            return self._describe(params, uploads)
        if isinstance(params, RemoveBackgroundParams):
            return await self._remove_background(request, uploads)
        if isinstance(params, LayerizeTextParams):
            return await self._layerize(request, params, uploads)
        assert spec.job is not None
        return await self._generate(request, spec.job(params, uploads))

    def _linked(self, url: str) -> Upload:
        name, content, content_type = self._store.resolve("image_urls", url)
        if sniff_image(content) is None:
            raise HTTPError(422, f"image_urls: {url} is not a PNG, JPEG or WebP image")
        return Upload(name, content, content_type)

    def _now(self) -> str:
        return dt.datetime.fromtimestamp(self._settings.clock(), dt.timezone.utc).isoformat()

    def _seed(self, seed: int | None) -> int:
        return self._random.randrange(MAX_SEED + 1) if seed is None else seed

    async def _working(self) -> None:
        if self._settings.latency > 0:
            await anyio.sleep(self._settings.latency)

    async def _generate(self, request: Incoming, job: Job) -> Reply:
        first = self._seed(job.seed)
        unsafe = UNSAFE_IMAGE in job.prompt
        width, height = job.size
        data = []
        with self._store.inflight(job.count):
            await self._working()
            for index in range(job.count):
                seed = (first + index) % (MAX_SEED + 1)
                url = None
                if not unsafe:
                    png = render(
                        job.key,
                        seed,
                        *pixel_size(width, height, 64 * job.upscale),
                        transparent=job.transparent,
                    )
                    url = self._store.put(png, "image/png", request.base_url)
                item: dict[str, Any] = {
                    "url": url,
                    "prompt": job.prompt,
                    "resolution": f"{width}x{height}",
                    "is_image_safe": not unsafe,
                    "seed": seed,
                }
                if job.upscale > 1:
                    item["upscaled_resolution"] = f"{width * job.upscale}x{height * job.upscale}"
                if job.style_type is not None:
                    item["style_type"] = job.style_type
                data.append(item)
            self._stats.images_generated += job.count
        return json_reply({"created": self._now(), "data": data})

    async def _remove_background(self, request: Incoming, uploads: Uploads) -> Reply:
        width, height = _input_size(uploads)
        with self._store.inflight(1):
            await self._working()
            png = render(_digest(uploads), 0, *pixel_size(width, height), transparent=True)
            url = self._store.put(png, "image/png", request.base_url)
            self._stats.images_generated += 1
        return json_reply({"created": self._now(), "data": [{"url": url, "is_image_safe": True}]})

    def _describe(self, params: DescribeParams, uploads: Uploads) -> Reply:
        upload = _input(uploads)
        digest = hashlib.sha256(upload.content if upload else b"").digest()
        size = image_size(upload.content) if upload else None
        width, height = size or _SQUARE
        adjective = _ADJECTIVES[digest[0] % len(_ADJECTIVES)]
        subject = _SUBJECTS[digest[1] % len(_SUBJECTS)]
        version = wire_value(params.describe_model_version) or "V_3"
        text = (
            f"A {adjective} composition of {subject} in shades of #{digest[2:5].hex()}, "
            f"{width}x{height} pixels (described by the emulator, {version})"
        )
        return json_reply({"descriptions": [{"text": text}]})

    async def _layerize(
        self, request: Incoming, params: LayerizeTextParams, uploads: Uploads
    ) -> Reply:
        upload = _input(uploads)
        assert upload is not None  # the image is required
        width, height = image_size(upload.content) or _SQUARE
        seed = self._seed(params.seed)
        text = params.prompt or "EMULATED TEXT"
        with self._store.inflight(1):
            await self._working()
            base = render(_digest(uploads), seed, *pixel_size(width, height))
            base_url = self._store.put(base, "image/png", request.base_url)
            original_url = self._store.put(upload.content, upload.content_type, request.base_url)
            self._stats.images_generated += 1
        block = {
            "x": width // 8,
            "y": height // 8,
            "width": width * 3 // 4,
            "height": max(1, height // 6),
            "text": text,
            "alignment": "center",
            "angle": 0.0,
            "font_name": "Inter-Bold.ttf",
            "font_alternatives": ["Roboto-Bold.ttf"],
            "font_size": max(1, height // 12),
            "line_height": 1.2,
            "color": "#212121",
            "formatting": ["bold"],
            "role": "heading",
        }
        return json_reply(
            {
                "base_image_url": base_url,
                "original_image_url": original_url,
                "seed": seed,
                "text_blocks": [block],
            }
        )
