"""Shared fixtures: every async test runs on asyncio and on trio."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import respx
import uvicorn

import ideogram_async as ia

API = "https://api.ideogram.ai"
KEY = "test-key-3f9a1c"


def make_png(width: int = 4, height: int = 4) -> bytes:
    """A small, valid RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = make_png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"  # ends with EOI
WEBP = b"RIFF\x16\x00\x00\x00WEBPVP8 " + b"\x00" * 14  # RIFF size: its length - 8


def image_response(n: int = 1, **extra: object) -> dict[str, object]:
    """A generation response body with ``n`` images, as the API sends it."""
    return {
        "created": "2000-01-23T04:56:07.000Z",
        "data": [
            {
                "prompt": "a lighthouse at dawn",
                "resolution": "1024x1024",
                "seed": 12345 + i,
                "url": f"https://ideogram.ai/api/images/ephemeral/img{i}.png?exp=1&sig=abc",
                "is_image_safe": True,
                "style_type": "GENERAL",
                **extra,
            }
            for i in range(n)
        ],
    }


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``anyio`` test on both backends."""
    return str(request.param)


@pytest.fixture
def respx_mock() -> Iterator[respx.MockRouter]:
    """A strict router: every request must match a route, and every route must be called."""
    with respx.mock(assert_all_called=True, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
async def client(respx_mock: respx.MockRouter) -> AsyncIterator[ia.AsyncIdeogram]:
    """A client for the official API whose HTTP goes to ``respx_mock``; it never sleeps."""

    async def no_sleep(_: float) -> None:
        return None

    async with ia.AsyncIdeogram(api_key=KEY, base_url=API, sleep=no_sleep) as c:
        yield c


def multipart_parts(request: httpx.Request) -> list[tuple[str, str | None, str | None, bytes]]:
    """The parts of a multipart request: ``(name, filename, content_type, content)`` in order."""
    content_type = request.headers["content-type"]
    boundary = content_type.split("boundary=", 1)[1].encode()
    body = request.read()
    parts = []
    for raw in body.split(b"--" + boundary)[1:-1]:
        head, _, content = raw.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if ": " in line)
        disposition = headers["Content-Disposition"]
        fields = dict(
            item.strip().split("=", 1) for item in disposition.split(";")[1:] if "=" in item
        )
        name = fields["name"].strip('"')
        filename = fields["filename"].strip('"') if "filename" in fields else None
        parts.append((name, filename, headers.get("Content-Type"), content))
    return parts


@contextmanager
def serve_on_loopback(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue here until the server accepts them
    config = uvicorn.Config(
        app,
        http="h11",
        ws="none",
        lifespan="off",
        loop="asyncio",
        log_config=None,
        log_level="critical",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real ``redis-server`` on loopback, on a free port, for the session.

    Without the binary the tests that need it are skipped, except in CI (``CI=true``), where
    ``.ci/run`` installs it and a missing binary is a failure.
    """
    from tests.redis_server import start_redis_server

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("redis-server is not installed (apt-get install redis-server); not in CI")
    with start_redis_server(binary) as url:
        yield url
