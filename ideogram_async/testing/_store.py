"""The emulator's state: its settings, counters, the images it serves and their signed links."""

from __future__ import annotations

import hashlib
import hmac
import math
import posixpath
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs

from ._http import BodyError, HTTPError

__all__ = ["GATEWAY_429_BODY", "EmulatorStats", "Settings", "Store", "StoredImage"]

IMAGE_ROUTE = re.compile(r"/images/(?P<id>[A-Za-z0-9_-]+)\.(?P<ext>png|jpg|webp)")
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
_PRUNE_EVERY = 256

GATEWAY_429_BODY: dict[str, Any] = {
    "error": {"message": "Too many requests, please retry later", "type": "upstream_error"}
}
"""A relay gateway's 429 (OpenAI's error shape): no ``reject_reason``, no limit, no
``Retry-After``."""


@attrs.define
class EmulatorStats:
    """Counters of what the emulator has done.

    Attributes:
        requests: Every HTTP request received, image downloads included.
        images_generated: Images made by the operations (unsafe ones included).
        rate_limited: 429 responses sent (by the in-flight limit or an injected fault).
        inflight_images: Images in flight now (the sum of ``num_images`` of running calls).
    """

    requests: int = 0
    images_generated: int = 0
    rate_limited: int = 0
    inflight_images: int = 0


@attrs.define
class Settings:
    """What the emulator was built with; read on every request."""

    api_key: str | None
    inflight_limit: int
    announce_limit: bool
    latency: float
    link_ttl: float
    route_prefix: str
    clock: Callable[[], float]


@attrs.frozen
class StoredImage:
    """An image the emulator serves."""

    data: bytes
    content_type: str
    expires: float


class Store:
    """The images, their signed links (HMAC, a secret per emulator) and the in-flight gate."""

    def __init__(self, settings: Settings, stats: EmulatorStats) -> None:
        self._settings = settings
        self._stats = stats
        self._secret = secrets.token_bytes(32)
        self._images: dict[str, StoredImage] = {}
        self._puts = 0

    # --- images and links -------------------------------------------------------------------

    def put(self, data: bytes, content_type: str, base_url: str) -> str:
        """Keep an image for ``link_ttl`` seconds; returns its signed link."""
        now = self._settings.clock()
        self._puts += 1
        if self._puts % _PRUNE_EVERY == 0:
            self._images = {k: v for k, v in self._images.items() if v.expires > now}
        image_id = secrets.token_urlsafe(16)
        expires = math.floor(now + self._settings.link_ttl)
        self._images[image_id] = StoredImage(data, content_type, expires)
        name = f"{image_id}.{_EXTENSIONS.get(content_type, 'png')}"
        return f"{base_url}/images/{name}?exp={expires}&sig={self._sign(name, expires)}"

    def open(self, name: str, exp: str | None, sig: str | None) -> StoredImage:
        """The image a link names, once its signature and expiry are checked.

        Raises:
            HTTPError: 403 for a missing or bad signature, 410 for an expired link, 404 for an
                image the emulator no longer has.
        """
        if exp is None or sig is None or not re.fullmatch(r"\d{1,12}", exp):
            raise HTTPError(403, "This image link is not signed")
        if not hmac.compare_digest(self._sign(name, int(exp)), sig):
            raise HTTPError(403, "This image link's signature is invalid")
        if self._settings.clock() >= int(exp):
            raise HTTPError(410, "This image link has expired")
        image = self._images.get(name.rpartition(".")[0])
        if image is None:
            raise HTTPError(404, "No such image")
        return image

    def resolve(self, param: str, url: str) -> tuple[str, bytes, str]:
        """An image input given as a link: only this emulator's own links resolve (no network).

        Raises:
            HTTPError: 400 for a link elsewhere, or one that does not open.
        """
        parts = urlsplit(url)
        prefix = self._settings.route_prefix
        path = parts.path[len(prefix) :] if parts.path.startswith(prefix) else parts.path
        match = IMAGE_ROUTE.fullmatch(path)
        if match is None:
            raise HTTPError(
                400,
                f"{param}: cannot fetch {url}: the emulator has no network and only fetches "
                "links to its own images",
            )
        query = parse_qs(parts.query)
        try:
            image = self.open(
                posixpath.basename(path), _first(query.get("exp")), _first(query.get("sig"))
            )
        except HTTPError as exc:
            raise HTTPError(400, f"{param}: cannot fetch {url}: {exc.message}") from exc
        return posixpath.basename(path), image.data, image.content_type

    def _sign(self, name: str, expires: int) -> str:
        return hmac.new(self._secret, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()

    # --- the in-flight gate -----------------------------------------------------------------

    @contextmanager
    def inflight(self, images: int) -> Iterator[None]:
        """Hold ``images`` places while generating; a 429 when they would pass the limit.

        Raises:
            HTTPError: 429 with ``reject_reason`` ``inflight_limit``, as Ideogram sends it; or,
                with ``announce_limit`` off, a gateway's 429 that names neither reason nor limit.
        """
        limit = self._settings.inflight_limit
        if self._stats.inflight_images + images > limit:
            if not self._settings.announce_limit:
                raise BodyError(429, GATEWAY_429_BODY)
            raise HTTPError(
                429,
                f"Too many images in flight: {self._stats.inflight_images} running and {images} "
                f"asked for, over the limit of {limit}",
                reject_reason="inflight_limit",
                max_inflight_requests=limit,
            )
        self._stats.inflight_images += images
        try:
            yield
        finally:
            self._stats.inflight_images -= images


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None
