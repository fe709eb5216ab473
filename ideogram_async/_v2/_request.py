"""Checking, encoding and sending one v2 request; reading its answer.

A v2 body is JSON, or multipart when a file goes along: then scalar fields travel as text
parts, a list of strings as repeated parts, and the fields the spec's ``encoding`` names
(asset identifiers, palettes) as ``application/json`` parts. A submission is never re-sent
after it may have been accepted: v2 has no idempotency key, so failures after the request was
written (read timeouts, resets, 500, 502, 504) are final for every v2 POST, whatever the
client's ``retry_billed`` says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from .._checks import fail, wire_value
from .._encoding import merge
from .._files import Upload, _read, sniff_image
from .._params import _is_file_input
from .._types import USE_CLIENT_DEFAULT, RequestOptions
from ._fields import Enum, Field, Op
from ._notices import read_json
from ._routes import Route

if TYPE_CHECKING:
    from .._client import AsyncIdeogram

__all__ = ["V2Answer", "post", "validate"]

_FILE_SHAPES = "a path, bytes, a binary file object, (filename, bytes[, content_type]) or a URL"


@attrs.frozen
class V2Answer:
    """A parsed answer: its JSON body and the response."""

    body: dict[str, Any]
    response: httpx.Response


def _size_45(value: str) -> None:
    """Ideogram 4.5's ``size``: ``auto``, ``source``, or ``WxH`` within its documented limits."""
    if value in ("auto", "source"):
        return
    width, sep, height = value.partition("x")
    allowed = (
        "auto, source, or WxH with sides multiples of 32 and at least 256, at most 2048x2048 "
        "pixels in all, and a ratio of at most 6:1"
    )
    if not (sep and width.isdigit() and height.isdigit()):
        fail("size", value, allowed)
    w, h = int(width), int(height)
    if w % 32 or h % 32 or min(w, h) < 256 or w * h > 2048 * 2048 or max(w, h) > 6 * min(w, h):
        fail("size", value, allowed)


def _n(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _span(spec: Field) -> str:
    """``spec``'s inclusive bounds in words: ``from 1 to 8``, ``at most 2048``."""
    if spec.low is not None and spec.low == spec.high:
        return f"exactly {_n(spec.low)}"
    if spec.low is not None and spec.high is not None:
        return f"from {_n(spec.low)} to {_n(spec.high)}"
    if spec.low is not None:
        return f"at least {_n(spec.low)}"
    return f"at most {_n(spec.high or 0)}"


def _outside(spec: Field, size: float) -> bool:
    return (spec.low is not None and size < spec.low) or (
        spec.high is not None and size > spec.high
    )


def _check_field(spec: Field, value: Any, max_items: int | None) -> Any:
    """``value`` checked against ``spec``, as it goes on the wire."""
    name, kind = spec.name, spec.kind
    if spec.check == "size_45" and isinstance(value, str):
        _size_45(value)
    if spec.check == "multiple_of_16" and isinstance(value, int) and value % 16:
        fail(name, value, "a multiple of 16 (width x height at most 4,194,304 pixels)")
    if isinstance(kind, Enum):
        if not isinstance(value, str) or wire_value(value) not in kind.values:
            fail(name, value, "one of " + ", ".join(kind.values))
        return wire_value(value)
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            fail(name, value, "a non-empty string")
        if _outside(spec, len(value)):
            fail(name, f"{len(value)} characters", f"{_span(spec)} characters")
        if name == "webhook_url" and not value.lower().startswith(("https://", "http://")):
            # Ideogram takes HTTPS only; plain http is left for local receivers (the emulator).
            fail(name, value, "an https:// URL")
        return value
    if kind in ("int", "num"):
        ok = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok:
            fail(name, value, "an integer" if kind == "int" else "a number")
        if _outside(spec, value):
            fail(name, value, f"{'an integer' if kind == 'int' else 'a number'} {_span(spec)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            fail(name, value, "True or False")
        return value
    if kind == "asset":
        return _asset(name, value)
    if kind == "assets":
        items = [value] if isinstance(value, Mapping) or attrs.has(type(value)) else list(value)
        if _outside(spec, len(items)):
            fail(name, f"{len(items)} identifiers", f"{_span(spec)} identifiers")
        return [_asset(name, item) for item in items]
    if kind == "strs":
        items = [value] if isinstance(value, str) else list(value)
        if not items or not all(isinstance(i, str) and i for i in items):
            fail(name, value, "a list of non-empty strings")
        return items
    if kind == "palette":
        return _palette(value)
    if kind == "stacked":
        items = list(value)
        if _outside(spec, len(items)):
            fail(name, f"{len(items)} models", f"{_span(spec)} models")
        for item in items:
            if not isinstance(item, Mapping) or not isinstance(item.get("custom_model_uri"), str):
                fail(name, item, "mappings with a custom_model_uri (and an optional weight)")
            if not 1 <= len(item["custom_model_uri"]) <= 512:
                fail(f"{name}.custom_model_uri", item["custom_model_uri"], "1 to 512 characters")
            weight = item.get("weight")
            # StackedCustomModel.weight: ``minimum: 0`` with ``exclusiveMinimum``, no maximum.
            if weight is not None and (
                isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0
            ):
                fail(f"{name}.weight", weight, "a number greater than 0")
        return [dict(i) for i in items]
    # files: checked for shape now, read and checked for content when encoded
    items = (
        list(value)
        if kind == "files" and isinstance(value, (list, tuple)) and not _is_file_input(value)
        else [value]
    )
    for item in items:
        if not _is_file_input(item):
            fail(name, item, _FILE_SHAPES)
    if kind == "file" and len(items) != 1:
        fail(name, value, "one file")
    if max_items and len(items) > max_items:
        fail(name, f"{len(items)} files", f"at most {max_items} files")
    return items


def _asset(name: str, value: Any) -> dict[str, Any]:
    if attrs.has(type(value)):
        value = {k: wire_value(v) for k, v in attrs.asdict(value).items() if v is not None}
    if not isinstance(value, Mapping) or not isinstance(value.get("asset_id"), str):
        fail(name, value, "an AssetIdentifier or a mapping with asset_type and asset_id")
    kinds = ("ASSET", "CANVAS_ASSET", "LAYERED_ASSET", "RESPONSE", "UPLOAD")
    if wire_value(value.get("asset_type")) not in kinds:
        fail(f"{name}.asset_type", value.get("asset_type"), "one of " + ", ".join(kinds))
    return {k: wire_value(v) for k, v in value.items()}


def _palette(value: Any) -> dict[str, Any]:
    from ._fields import PALETTE_PRESETS

    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        fail("color_palette", value, "a preset name or {'members': [...]}")
    if "name" in value and value["name"] not in PALETTE_PRESETS.values:
        fail("color_palette", value["name"], "one of " + ", ".join(PALETTE_PRESETS.values))
    if "name" not in value and not isinstance(value.get("members"), Sequence):
        fail("color_palette", value, "a preset name or {'members': [{'color_hex': ...}]}")
    for member in value.get("members") or ():
        weight = member.get("color_weight") if isinstance(member, Mapping) else None
        # ColorPaletteMember.color_weight: from 0.05 to 1, inclusive.
        if weight is not None and (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not 0.05 <= weight <= 1
        ):
            fail("color_palette.color_weight", weight, "a number from 0.05 to 1")
    return dict(value)


def validate(op: Op, route: Route, given: Mapping[str, Any]) -> dict[str, Any]:
    """The fields given (``None`` left out), each checked, plus the cross-field rules."""
    out: dict[str, Any] = {}
    for spec in op.fields:
        value = given.get(spec.name)
        if value is None or (spec.kind == "files" and value == []):
            if spec.required:
                fail(spec.name, value, "required")
            continue
        out[spec.name] = _check_field(spec, value, route.files.get(spec.name))
    for group in op.one_of:
        if not any(name in out for name in group):
            fail(group[0], None, "required: give " + " or ".join(group))
    for group in op.exactly_one:
        present = [name for name in group if name in out]
        if len(present) != 1:
            fail(group[0], present or None, "exactly one of " + ", ".join(group))
    for name, others in op.excludes:
        clash = [other for other in others if other in out]
        if name in out and clash:
            fail(name, out[name], f"not together with {clash[0]}")
    return out


async def _uploads(
    client: AsyncIdeogram, op: Op | None, route: Route, fields: dict[str, Any]
) -> list[tuple[str, tuple[str, bytes, str]]]:
    specs = {f.name: f for f in op.fields} if op is not None else {}
    parts: list[tuple[str, tuple[str, bytes, str]]] = []
    for name in route.files:
        for item in fields.pop(name, None) or ():
            upload = await _read(name, item, client._fetch_input)
            parts.append((name, _checked(name, specs.get(name), upload)))
    return parts


def _checked(name: str, spec: Field | None, upload: Upload) -> tuple[str, bytes, str]:
    content_type = sniff_image(upload.content)
    # Untyped routes (tools, video) also take audio and fonts: the server judges those.
    if spec is not None and spec.image and content_type is None:
        fail(name, upload.filename or f"{len(upload.content)} bytes", "a PNG, JPEG or WebP image")
    if spec is not None and spec.max_bytes is not None and len(upload.content) > spec.max_bytes:
        fail(
            name,
            f"{upload.filename or 'file'} of {len(upload.content)} bytes",
            f"a file of at most {spec.max_bytes} bytes ({spec.max_bytes // (1024 * 1024)} MB)",
        )
    content_type = content_type or upload.content_type or "application/octet-stream"
    ext = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}.get(content_type, "")
    return (upload.filename or name + ext, upload.content, content_type)


def _form(
    route: Route, body: Mapping[str, Any]
) -> list[tuple[str, tuple[str | None, bytes, str | None]]]:
    parts: list[tuple[str, tuple[str | None, bytes, str | None]]] = []
    for name, value in body.items():
        if name in route.json_parts or isinstance(value, Mapping):
            parts.append((name, (None, json.dumps(value).encode(), "application/json")))
            continue
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, bool):
                text = "true" if item else "false"
            elif isinstance(item, (dict, list)):
                text = json.dumps(item)
            else:
                text = str(item)
            parts.append((name, (None, text.encode(), None)))
    return parts


async def post(
    client: AsyncIdeogram,
    route: Route,
    op: Op | None,
    fields: dict[str, Any],
    options: RequestOptions,
    *,
    dry_run: bool = False,
    weight: int = 1,
) -> V2Answer:
    """Send one checked v2 POST and read its JSON answer."""
    unknown = sorted(set(options) - RequestOptions.__optional_keys__)
    if unknown:
        raise TypeError(f"unexpected keyword argument {unknown[0]!r} for POST {route.path}")
    if options.get("retry_billed"):
        fail(
            "retry_billed",
            True,
            "False for v2 submissions: v2 has no idempotency key, so one that may have been "
            "accepted is never re-sent",
        )
    if dry_run and not route.dry_run:
        # A dry_run sent to an operation that does not declare it could run and bill.
        fail("dry_run", True, f"an operation that declares dry_run ({route.path} does not)")
    files = await _uploads(client, op, route, fields)
    body: dict[str, Any] = fields
    if options.get("extra_body"):
        body = merge(body, options["extra_body"])
    headers = client._headers
    if "extra_headers" in options:
        headers = {**headers, **options["extra_headers"]}
    kwargs: dict[str, Any] = {"files": _form(route, body) + files} if files else {"json": body}
    url = client._base_url + route.path
    timeout = client._timeout_for(options.get("timeout", USE_CLIENT_DEFAULT))
    query = {"dry_run": "true"} if dry_run else None
    policy = attrs.evolve(
        client._policy,
        retry_billed=False,
        max_retries=options.get("max_retries", client._policy.max_retries),
    )

    def build() -> httpx.Request:
        return client._http.build_request(
            "POST", url, headers=headers, params=query, timeout=timeout, **kwargs
        )

    response = await client._send(build, weight=weight, policy=policy)
    return V2Answer(read_json(route.path, response), response)
