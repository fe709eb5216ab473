"""Client CPU per request: the SDK against raw httpx on the same in-memory transport.

Both sides send the same request to the same ``httpx.MockTransport``, which answers with a
fixed one-image generation body, and both decode it (raw: ``response.json()``; SDK: the typed
result). Nothing reaches a network, so what is measured is the client's own CPU: building and
encoding the request, httpx's send path, and decoding the answer. CPU is read with
``time.process_time()``. After a warm-up the two sides alternate in blocks of ``--block``
requests (their order swapped every pair), ``--n`` requests a side per repetition. Reported:
µs per request of each side's best repetition, and the ratio as the median over adjacent
raw/SDK block pairs, which cancels drift in the machine's speed.

    python benchmarks/bench_request.py [--n 2000] [--repeat 5] [--block 100]
                                       [--backend asyncio|trio] [--check] [--profile]

The target is an SDK/raw ratio of at most ``--target`` (1.3). With ``--check`` the script
exits 1 when a ratio is above it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

import anyio
import attrs
import httpx

import ideogram_async as ia

API = "https://api.ideogram.ai"
KEY = "bench-key"
PROMPT = "a lighthouse at dawn, oil painting"
HEADERS = {
    "Accept": "application/json",
    "User-Agent": f"ideogram-async/{ia.__version__}",
    "Api-Key": KEY,
}
BODY = json.dumps(
    {
        "created": "2000-01-23T04:56:07.000Z",
        "data": [
            {
                "prompt": PROMPT,
                "resolution": "1024x1024",
                "seed": 12345,
                "url": "https://ideogram.ai/api/images/ephemeral/img0.png?exp=1&sig=abc",
                "is_image_safe": True,
                "style_type": "GENERAL",
            }
        ],
    }
).encode()

Call = Callable[[], Awaitable[object]]


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/json"})


def _scenarios(raw: httpx.AsyncClient, sdk: ia.AsyncIdeogram) -> dict[str, tuple[Call, Call]]:
    """Each scenario: (raw httpx call, SDK call), sending the same request."""

    async def raw_legacy() -> object:
        body = {
            "image_request": {
                "prompt": PROMPT,
                "aspect_ratio": "ASPECT_16_9",
                "model": "V_2",
                "magic_prompt_option": "OFF",
                "num_images": 1,
            }
        }
        response = await raw.post(f"{API}/generate", json=body, headers=HEADERS)
        response.raise_for_status()
        return response.json()

    async def sdk_legacy() -> object:
        return await sdk.legacy.generate(
            prompt=PROMPT,
            aspect_ratio="ASPECT_16_9",
            model="V_2",
            magic_prompt_option="OFF",
            num_images=1,
        )

    async def raw_v3() -> object:
        files = [
            ("prompt", (None, PROMPT.encode(), None)),
            ("aspect_ratio", (None, b"16x9", None)),
            ("rendering_speed", (None, b"TURBO", None)),
            ("num_images", (None, b"1", None)),
        ]
        response = await raw.post(f"{API}/v1/ideogram-v3/generate", files=files, headers=HEADERS)
        response.raise_for_status()
        return response.json()

    async def sdk_v3() -> object:
        return await sdk.v3.generate(
            prompt=PROMPT, aspect_ratio="16x9", rendering_speed="TURBO", num_images=1
        )

    return {
        "legacy.generate (JSON)": (raw_legacy, sdk_legacy),
        "v3.generate (multipart)": (raw_v3, sdk_v3),
    }


async def _block(call: Call, n: int) -> float:
    """CPU seconds spent by ``n`` sequential calls."""
    start = time.process_time()
    for _ in range(n):
        await call()
    return time.process_time() - start


@attrs.frozen
class Result:
    """One scenario's figures: per-request CPU of each side, and their ratio."""

    raw: float  # seconds per request, the best repetition
    sdk: float
    ratio: float  # the median over adjacent (raw, SDK) block pairs


async def _measure(raw_call: Call, sdk_call: Call, n: int, repeat: int, block: int) -> Result:
    """Alternate blocks of ``block`` raw and SDK calls, ``n`` calls a side per repetition."""
    for _ in range(max(50, n // 10)):  # warm-up: caches, lazy imports, the event loop
        await raw_call()
        await sdk_call()
    raw_reps: list[float] = []
    sdk_reps: list[float] = []
    pair_ratios: list[float] = []
    for _ in range(repeat):
        gc.collect()
        raw_total = sdk_total = 0.0
        for k in range(max(1, n // block)):
            # Swap the order every pair, so neither side always runs first.
            if k % 2 == 0:
                raw_cpu = await _block(raw_call, block)
                sdk_cpu = await _block(sdk_call, block)
            else:
                sdk_cpu = await _block(sdk_call, block)
                raw_cpu = await _block(raw_call, block)
            raw_total += raw_cpu
            sdk_total += sdk_cpu
            if raw_cpu > 0:
                pair_ratios.append(sdk_cpu / raw_cpu)
        calls = max(1, n // block) * block
        raw_reps.append(raw_total / calls)
        sdk_reps.append(sdk_total / calls)
    return Result(min(raw_reps), min(sdk_reps), statistics.median(pair_ratios))


async def _check_same_request() -> None:
    """Stop if the two sides no longer send the same request (the comparison would lie)."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _answer(request)

    transport = httpx.MockTransport(record)
    async with (
        httpx.AsyncClient(transport=transport) as raw,
        ia.AsyncIdeogram(api_key=KEY, base_url=API, transport=transport) as sdk,
    ):
        for name, (raw_call, sdk_call) in _scenarios(raw, sdk).items():
            sent.clear()
            await raw_call()
            await sdk_call()
            a, b = sent
            if (a.method, a.url) != (b.method, b.url):
                raise SystemExit(f"{name}: raw sends {a.url}, the SDK {b.url}")
            if _kind(a) != _kind(b):
                raise SystemExit(f"{name}: raw sends {_kind(a)}, the SDK {_kind(b)}")
            if _kind(a) == "application/json" and json.loads(a.content) != json.loads(b.content):
                raise SystemExit(f"{name}: raw sends {a.content!r}, the SDK {b.content!r}")


def _kind(request: httpx.Request) -> str:
    return str(request.headers.get("content-type", "")).split(";")[0]


async def _main(args: argparse.Namespace) -> int:
    await _check_same_request()

    transport = httpx.MockTransport(_answer)
    rows: list[tuple[str, Result]] = []
    async with (
        httpx.AsyncClient(transport=transport) as raw,
        ia.AsyncIdeogram(api_key=KEY, base_url=API, transport=transport) as sdk,
    ):
        scenarios = _scenarios(raw, sdk)
        if args.profile:
            await _profile(scenarios, args.n)
            return 0
        for name, (raw_call, sdk_call) in scenarios.items():
            result = await _measure(raw_call, sdk_call, args.n, args.repeat, args.block)
            rows.append((name, result))

    print(
        f"client CPU per request on {args.backend}: {args.repeat} x {args.n} requests a side, "
        f"alternating in blocks of {args.block} (Python {sys.version.split()[0]}, "
        f"httpx {httpx.__version__}, ideogram-async {ia.__version__})"
    )
    print(
        f"{'scenario':<26} {'raw httpx':>11} {'SDK':>11} {'ratio':>7}  (target <= {args.target}x)"
    )
    failed = False
    for name, result in rows:
        verdict = "ok" if result.ratio <= args.target else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{name:<26} {result.raw * 1e6:>8.1f} µs {result.sdk * 1e6:>8.1f} µs "
            f"{result.ratio:>6.2f}x  {verdict}"
        )
    print("µs: the best repetition; ratio: the median over adjacent raw/SDK block pairs")
    return 1 if failed and args.check else 0


async def _profile(scenarios: dict[str, tuple[Call, Call]], n: int) -> None:
    """Profile the SDK side of each scenario: the SDK's own functions, then everything."""
    for name, (_, sdk_call) in scenarios.items():
        for _ in range(max(50, n // 10)):
            await sdk_call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            await sdk_call()
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"=== {name}: the SDK's own code (and attrs/cattrs generated code), {n} calls ===")
        stats.sort_stats("cumulative").print_stats(r"ideogram_async|generated|cattrs", 25)
        print(f"=== {name}: every function, by own time ===")
        stats.sort_stats("tottime").print_stats(15)


def main() -> int:
    """Parse the options and run the benchmark on the chosen backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests a side per repetition")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of --n requests")
    parser.add_argument("--block", type=int, default=100, help="requests per alternation")
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    parser.add_argument("--target", type=float, default=1.3, help="the highest ratio allowed")
    parser.add_argument("--check", action="store_true", help="exit 1 if a ratio is above target")
    parser.add_argument("--profile", action="store_true", help="cProfile the SDK side instead")
    args = parser.parse_args()
    result: int = anyio.run(_main, args, backend=args.backend)
    return result


if __name__ == "__main__":
    sys.exit(main())
