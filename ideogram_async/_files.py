"""Turning what a caller passed as an image into bytes to upload, and checking them."""

from __future__ import annotations

import io
import os
import posixpath
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import anyio
import attrs

from ._converter import file_fields
from ._exceptions import IdeogramValidationError

if TYPE_CHECKING:
    from ._params import Params

__all__ = [
    "IMAGE_BYTES_LIMIT",
    "FileSpec",
    "Upload",
    "is_url",
    "prepare_uploads",
    "sniff_image",
    "url_inputs",
]

IMAGE_BYTES_LIMIT = 10 * 1024 * 1024
"""The spec's "10MB", read loosely: the server has the last word on the bytes in between."""

Fetch = Callable[[str, str], Awaitable[bytes]]
"""Downloads ``url`` (the second argument names the parameter, for errors)."""

_IMAGE_TYPES = "a PNG, JPEG or WebP image"
_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "application/zip": ".zip",
}


@attrs.frozen
class FileSpec:
    """How a request model's file field travels and what it accepts."""

    many: bool = False
    kind: Literal["image", "dataset"] = "image"
    max_items: int | None = None
    total_bytes: int | None = None  # a limit across the whole list


@attrs.frozen
class Upload:
    """A file ready to send as a multipart part."""

    filename: str
    content: bytes
    content_type: str


def is_url(value: object) -> bool:
    """Whether a file input is an ``http(s)`` URL to download."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def sniff_image(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image, read from its first bytes; else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _items(params: Params, name: str, spec: FileSpec) -> list[Any]:
    value = getattr(params, name)
    if value is None:
        return []
    return list(value) if spec.many else [value]


def url_inputs(params: Params) -> dict[str, list[str]] | None:
    """The file inputs by field, when every one of them is a URL (and there is at least one)."""
    found: dict[str, list[str]] = {}
    for name, spec in file_fields(type(params)).items():
        items = _items(params, name, spec)
        if not all(is_url(item) for item in items):
            return None
        if items:
            found[name] = items
    return found or None


async def prepare_uploads(params: Params, fetch: Fetch) -> list[tuple[str, Upload]]:
    """Every file of ``params`` read and checked, as ``(field, upload)`` in field order."""
    uploads: list[tuple[str, Upload]] = []
    for name, spec in file_fields(type(params)).items():
        total = 0
        for item in _items(params, name, spec):
            upload = _checked(name, spec, await _read(name, item, fetch))
            total += len(upload.content)
            uploads.append((name, upload))
        if spec.total_bytes is not None and total > spec.total_bytes:
            raise IdeogramValidationError(
                name, f"{total} bytes in all", f"at most {spec.total_bytes} bytes across all files"
            )
    return uploads


async def _read(param: str, value: Any, fetch: Fetch) -> Upload:
    if isinstance(value, tuple):
        content_type = value[2] if len(value) == 3 else ""
        return Upload(value[0], bytes(value[1]), content_type)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Upload("", bytes(value), "")
    if is_url(value):
        name = posixpath.basename(urlsplit(value).path)
        return Upload(name, await fetch(value, param), "")
    if isinstance(value, (str, os.PathLike)):
        path = anyio.Path(os.fspath(value))
        try:
            content = await path.read_bytes()
        except OSError as exc:
            raise IdeogramValidationError(
                param, os.fspath(value), f"a readable file ({exc.strerror or exc})"
            ) from exc
        return Upload(path.name, content, "")
    data = None if isinstance(value, io.TextIOBase) else value.read()
    if not isinstance(data, bytes):
        raise IdeogramValidationError(param, value, "a file object opened in binary mode ('rb')")
    return Upload(os.path.basename(str(getattr(value, "name", ""))), data, "")


def _checked(param: str, spec: FileSpec, upload: Upload) -> Upload:
    sniffed = sniff_image(upload.content)
    if spec.kind == "dataset":
        if sniffed is None:
            if upload.content.startswith(b"PK\x03\x04"):
                sniffed = "application/zip"
            elif upload.filename.lower().endswith(".txt"):
                sniffed = "text/plain"
            else:
                raise IdeogramValidationError(
                    param,
                    upload.filename or f"{len(upload.content)} bytes",
                    f"{_IMAGE_TYPES}, a ZIP archive or a .txt caption file",
                )
    elif sniffed is None:
        raise IdeogramValidationError(
            param,
            upload.filename or f"{len(upload.content)} bytes",
            f"{_IMAGE_TYPES} (judged by its first bytes)",
        )
    elif len(upload.content) > IMAGE_BYTES_LIMIT:
        raise IdeogramValidationError(
            param,
            f"{upload.filename or 'image'} of {len(upload.content)} bytes",
            f"an image of at most {IMAGE_BYTES_LIMIT} bytes (10 MB)",
        )
    filename = upload.filename or param + _EXTENSIONS.get(sniffed, "")
    return Upload(filename, upload.content, sniffed)
