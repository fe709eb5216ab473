"""Loopback servers for the benchmarks: an in-flight image limit and 100 ms per generation.

Two servers enforce the same limit the same way (the images of running calls, a 429 when a call
would pass it), each in a subprocess of its own:

- ``minimal``: HTTP/1.1 on ``asyncio`` streams, a few dozen lines that answer a generation with a
  fixed body and every download with one small PNG. It spends about 0.1 ms of CPU a request, so
  the figures measure the clients.
- ``emulator``: the repo's emulator under uvicorn. It validates every request as the API does and
  draws every PNG; on a busy 2-core machine its single process is what limits the rate, and the
  ratio to the ideal then measures the server.

A hidden limit answers as relay gateways do: a bare 429 that names neither reason nor limit.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import httpx

__all__ = ["ServerKind", "server"]

ServerKind = Literal["minimal", "emulator"]

_NUM_IMAGES = re.compile(rb'name="num_images"\r\n(?:[^\r\n]*\r\n)*\r\n(\d+)|"num_images":\s*(\d+)')
_ANNOUNCED = b'{"error":"Too many images in flight","reject_reason":"inflight_limit",'
_HIDDEN = b'{"error":{"message":"Too many requests, please retry later","type":"upstream_error"}}'
_REASONS = {200: b"OK", 404: b"Not Found", 429: b"Too Many Requests"}


def _png() -> bytes:
    """The emulator's PNG for one prompt: what the minimal server sends for every download."""
    from ideogram_async.testing._png import render

    return render("a benchmark", 1, 64, 64)


class MinimalServer:
    """HTTP/1.1 keep-alive on asyncio streams; generations hold their images for ``latency``."""

    def __init__(self, limit: int, latency: float, announce: bool) -> None:
        self.limit = limit
        self.latency = latency
        self.in_flight = 0
        announced = _ANNOUNCED + b'"max_inflight_requests":%d}' % limit
        self.refused = announced if announce else _HIDDEN
        self.png = _png()
        self.base = ""

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer requests on one connection until the client closes it."""
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, target = head.split(b" ", 2)[:2]
                match = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
                body = await reader.readexactly(int(match[1])) if match else b""
                status, content_type, payload = await self.answer(method, target, body)
                writer.write(
                    b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n%s"
                    % (status, _REASONS[status], content_type, len(payload), payload)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def answer(self, method: bytes, target: bytes, body: bytes) -> tuple[int, bytes, bytes]:
        """A generation, a download, or 404."""
        if method == b"GET" and target.startswith(b"/images/"):
            return 200, b"image/png", self.png
        if method != b"POST":
            return 404, b"application/json", b'{"error":"no route"}'
        found = _NUM_IMAGES.search(body)
        images = int(found[1] or found[2]) if found else 1
        if self.in_flight + images > self.limit:
            return 429, b"application/json", self.refused
        self.in_flight += images
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= images
        item = {
            "url": f"{self.base}/images/x.png",
            "prompt": "a benchmark",
            "resolution": "1024x1024",
            "is_image_safe": True,
            "seed": 1,
            "style_type": "GENERAL",
        }
        data = {"created": "2026-01-01T00:00:00+00:00", "data": [item] * images}
        return 200, b"application/json", json.dumps(data).encode()


async def _serve_minimal(sock: socket.socket, limit: int, latency: float, announce: bool) -> None:
    app = MinimalServer(limit, latency, announce)
    app.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    listener = await asyncio.start_server(app.connection, sock=sock, backlog=512)
    async with listener:
        await listener.serve_forever()


def serve(kind: ServerKind, limit: int, latency: float, announce: bool) -> None:
    """In the subprocess: listen on a free loopback port, print ``PORT <n>``, serve forever."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    if kind == "minimal":
        asyncio.run(_serve_minimal(sock, limit, latency, announce))
        return
    import uvicorn

    from ideogram_async.testing import Emulator

    emulator = Emulator(inflight_limit=limit, latency=latency, announce_limit=announce)
    config = uvicorn.Config(emulator, log_level="error", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def server(
    kind: ServerKind, limit: int, latency: float = 0.1, *, announce: bool = True
) -> Iterator[str]:
    """A server subprocess of ``kind``; its base URL."""
    argv = [sys.executable, __file__, kind, str(limit), str(latency), str(int(announce))]
    with subprocess_server(argv) as url:
        yield url


@contextmanager
def subprocess_server(argv: list[str]) -> Iterator[str]:
    """The server that ``argv`` starts, once it prints ``PORT <n>`` and accepts connections;
    its base URL. It is terminated on exit."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {line!r}")
        url = f"http://127.0.0.1:{line.split()[1]}"
        for _ in range(100):  # until it accepts connections
            try:
                httpx.get(url + "/nowhere", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    kind, limit, latency, announce = sys.argv[1:5]
    assert kind in ("minimal", "emulator")
    serve(kind, int(limit), float(latency), announce == "1")  # type: ignore[arg-type]
