"""The batch engine against a hand-written httpx + semaphore client, on a loopback server.

The timing scenarios run against ``loopback.py``'s minimal server (``--server emulator``: the
repo's emulator under uvicorn, which is slower than the clients on 2 cores), on 127.0.0.1 in a
subprocess, with an in-flight image limit and 100 ms per generation. Both clients do the same work
per item: one 3.0 generate call, then download and save each image. Scenarios:

- ``limit10``: 200 one-image prompts, server limit 10; ideal 200 / 10 x 0.1 s = 2.0 s.
- ``limit5``: the same at server limit 5, the SDK's budget left at its default 10; ideal 4.0 s.
- ``multi``: 40 prompts x 8 images at limit 10 (8 + 8 > 10: one call at a time); ideal 4.0 s.
- ``memory``: 500 images of 2 MB saved (server limit 10, no latency): the peak RSS growth of a
  fresh process for the engine, and for bare httpx (``response.content``, each item's call and
  download in one slot of a semaphore of 10). The engine streams each image to disk, so its
  growth stays flat; bare httpx keeps each finished body until the garbage collector frees it.

Timing ratios are measured in the same run, the two sides alternating (``--repeat`` rounds, the
median kept), so a busy machine slows both. Reported: wall time, ratio to the ideal, ratio of
the SDK to the hand-written client, and 429s answered.

    python benchmarks/bench_batch.py [--scenario all|limit10|limit5|multi|memory]
                                     [--repeat 3] [--server minimal|emulator] [--check]

Targets (``--check`` exits 1 past them): limit10 within 1.05x of the ideal and 1.03x of the
hand-written client with no 429; limit5 within 1.2x of its ideal with at most 10% of requests
wasted on 429; multi within 1.05x of the ideal; memory growth at most 50 MB.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import loopback

import ideogram_async as ia

KEY = "bench-key"
LATENCY = 0.1


# --- the server ----------------------------------------------------------------------------


def big_png(size: int) -> bytes:
    """A valid PNG of about ``size`` bytes (stored, not compressed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    width = 1024
    height = max(1, size // (width * 3 + 1))
    row = b"\x00" + bytes(range(256)) * (width * 3 // 256)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(row * height, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def serve(limit: int, latency: float, image_bytes: int) -> None:
    """Serve the emulator on a free loopback port; print ``PORT <n>`` once listening."""
    import socket

    import uvicorn

    from ideogram_async.testing import Emulator

    emulator = Emulator(inflight_limit=limit, latency=latency)
    big = big_png(image_bytes) if image_bytes else None

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if big is not None and scope["type"] == "http" and scope["path"].startswith("/images/"):
            headers = [(b"content-type", b"image/png"), (b"content-length", str(len(big)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": big})
            return
        await emulator(scope, receive, send)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def server(limit: int, latency: float = LATENCY, image_bytes: int = 0) -> Iterator[str]:
    """The emulator serving ``image_bytes``-sized PNGs, in a subprocess; its base URL."""
    argv = [sys.executable, __file__, "--serve", str(limit), str(latency), str(image_bytes)]
    with loopback.subprocess_server(argv) as url:
        yield url


# --- the two clients -----------------------------------------------------------------------


class Count:
    """Counts responses, and 429s among them, through an httpx event hook."""

    def __init__(self) -> None:
        self.requests = 0
        self.rate_limited = 0

    async def hook(self, response: httpx.Response) -> None:
        if response.request.method == "POST":
            self.requests += 1
            self.rate_limited += response.status_code == 429


async def run_sdk(url: str, items: list[ia.BatchItem], out: Path | None, count: Count) -> float:
    """The engine: ``Batch(...).run()`` (saving nothing when ``out`` is None); wall seconds."""
    http = httpx.AsyncClient(event_hooks={"response": [count.hook]}, timeout=60)
    async with http, ia.AsyncIdeogram(api_key=KEY, base_url=url, http_client=http) as client:
        started = time.perf_counter()
        report = await ia.Batch(client, items, out_dir=out).run()
        wall = time.perf_counter() - started
    if not report.ok:
        failed = [r.error for r in report.results if not r.ok][:3]
        raise RuntimeError(f"the SDK batch failed: {failed}")
    return wall


async def run_raw(
    url: str,
    items: list[ia.BatchItem],
    out: Path | None,
    count: Count,
    *,
    downloads_in_slot: bool = False,
) -> float:
    """A hand-written client: httpx, a semaphore of 10, retry a 429 after its Retry-After.

    With ``downloads_in_slot`` (the memory scenario), each item's downloads (``.content``) also
    run in its slot, so ten images are in memory at most, as with the engine's budget.
    """
    limiter = anyio.Semaphore(10)

    async def save(client: httpx.AsyncClient, index: int, response: httpx.Response) -> None:
        response.raise_for_status()
        if out is None:
            response.json()
            return
        for number, image in enumerate(response.json()["data"]):
            data = (await client.get(image["url"])).content
            (out / f"{index:03d}-{number}.png").write_bytes(data)

    async def one(client: httpx.AsyncClient, index: int, item: ia.BatchItem) -> None:
        fields = {k: str(v) for k, v in item.params.items()}
        async with limiter:
            while True:
                response = await client.post(
                    url + "/v1/ideogram-v3/generate",
                    headers={"Api-Key": KEY},
                    files={k: (None, v) for k, v in fields.items()},
                )
                if response.status_code != 429:
                    break
                await anyio.sleep(float(response.headers.get("retry-after") or 0.05))
            if downloads_in_slot:
                await save(client, index, response)
        if not downloads_in_slot:
            await save(client, index, response)

    http = httpx.AsyncClient(event_hooks={"response": [count.hook]}, timeout=60)
    async with http:
        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for index, item in enumerate(items):
                tg.start_soon(one, http, index, item)
        return time.perf_counter() - started


Runner = Callable[[str, list[ia.BatchItem], Path | None, Count], Awaitable[float]]


def measure(
    runner: Runner, url: str, items: list[ia.BatchItem], *, save: bool = True
) -> tuple[float, Count]:
    """One run in a fresh output folder (none without ``save``): wall seconds, request counts."""
    count = Count()
    with tempfile.TemporaryDirectory() as out:
        wall = anyio.run(runner, url, items, Path(out) if save else None, count)
    return wall, count


# --- scenarios -----------------------------------------------------------------------------


def timing(
    name: str,
    limit: int,
    items: list[ia.BatchItem],
    ideal: float,
    repeat: int,
    kind: loopback.ServerKind = "minimal",
    save: bool = True,
) -> dict[str, Any]:
    """Alternate the two clients ``repeat`` times against one server; medians."""
    sdk: list[float] = []
    raw: list[float] = []
    waste: list[float] = []
    with loopback.server(kind, limit) as url:
        measure(run_sdk, url, items[:10], save=save)  # warm both paths up
        measure(run_raw, url, items[:10], save=save)
        for round_ in range(repeat):
            order = [(run_sdk, sdk), (run_raw, raw)]
            for runner, walls in order if round_ % 2 == 0 else order[::-1]:
                wall, count = measure(runner, url, items, save=save)
                walls.append(wall)
                if runner is run_sdk:
                    waste.append(count.rate_limited / max(1, count.requests))
    return {
        "scenario": name,
        "saving": save,
        "ideal_s": ideal,
        "sdk_s": statistics.median(sdk),
        "raw_s": statistics.median(raw),
        "sdk_vs_ideal": statistics.median(sdk) / ideal,
        "raw_vs_ideal": statistics.median(raw) / ideal,
        "sdk_vs_raw": statistics.median(s / r for s, r in zip(sdk, raw, strict=True)),
        "sdk_429_share": max(waste),
    }


def memory_child(side: str, url: str, images: int) -> None:
    """In a fresh process: save ``images`` images; print the peak RSS growth in MB."""
    items = [ia.BatchItem.prompt(f"big {n}") for n in range(images)]
    runner = run_sdk if side == "sdk" else functools.partial(run_raw, downloads_in_slot=True)
    measure(runner, url, items[:2])  # imports, connection pool, caches
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    measure(runner, url, items)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"growth_mb": (peak - baseline) / 2**20}))


def memory(images: int, image_bytes: int) -> dict[str, Any]:
    """Peak memory growth of each side, each in its own process."""
    result: dict[str, Any] = {
        "scenario": "memory",
        "images": images,
        "image_mb": image_bytes / 2**20,
    }
    with server(10, latency=0.0, image_bytes=image_bytes) as url:
        for side in ("sdk", "raw"):
            argv = [sys.executable, __file__, "--memory-child", side, url, str(images)]
            out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
            result[f"{side}_growth_mb"] = json.loads(out.splitlines()[-1])["growth_mb"]
    return result


def prompts(n: int, images: int = 1) -> list[ia.BatchItem]:
    """``n`` distinct items of ``images`` images."""
    return [ia.BatchItem.prompt(f"prompt {i}", num_images=images) for i in range(n)]


def main() -> int:
    """Run the scenarios asked for and print a table; exit 1 past a target with ``--check``."""
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", choices=["all", "limit10", "limit5", "multi", "memory"], default="all"
    )
    parser.add_argument("--repeat", type=int, default=3, help="alternating rounds per scenario")
    parser.add_argument(
        "--server", choices=["minimal", "emulator"], default="minimal", help="for the timings"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="timings without downloading or saving images"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 past a target")
    args = parser.parse_args()
    where = {"kind": args.server, "save": not args.no_save}
    chosen = {"limit10", "limit5", "multi", "memory"} if args.scenario == "all" else {args.scenario}
    results = []
    if "limit10" in chosen:
        results.append(timing("limit10", 10, prompts(200), 2.0, args.repeat, **where))
    if "limit5" in chosen:
        results.append(timing("limit5", 5, prompts(200), 4.0, args.repeat, **where))
    if "multi" in chosen:
        results.append(timing("multi", 10, prompts(40, 8), 4.0, args.repeat, **where))
    if "memory" in chosen:
        results.append(memory(500, 2 * 2**20))
    failures = []
    for result in results:
        print(
            json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()})
        )
        name = result["scenario"]
        if name == "limit10" and not (
            result["sdk_vs_ideal"] <= 1.05 and result["sdk_vs_raw"] <= 1.03
        ):
            failures.append(name)
        if name == "limit10" and result["sdk_429_share"] > 0:
            failures.append(f"{name} (429s)")
        if name == "limit5" and not (
            result["sdk_vs_ideal"] <= 1.2 and result["sdk_429_share"] <= 0.10
        ):
            failures.append(name)
        if name == "multi" and result["sdk_vs_ideal"] > 1.05:
            failures.append(name)
        if name == "memory" and result["sdk_growth_mb"] > 50:
            failures.append(name)
    if failures:
        print("past target: " + ", ".join(failures))
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
