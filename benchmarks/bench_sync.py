"""Client CPU per request: the sync ``Ideogram`` against raw ``httpx.Client``, same run.

Both sides send the same legacy generate request (JSON) to an ``httpx.MockTransport`` that
answers with the same fixed one-image body, and both decode it (raw: ``response.json()``;
``Ideogram``: the typed result). Nothing reaches a network. CPU is read with
``time.process_time()``, which counts every thread of the process, so the facade's hop to its
event loop thread and back is included. After a warm-up the sides alternate in blocks of
``--block`` requests (order swapped every pair). Reported: µs per request of each side's best
repetition, and the ratio as the median over adjacent raw/sync block pairs.

    python benchmarks/bench_sync.py [--n 2000] [--repeat 5] [--block 100]
                                    [--backend asyncio|trio] [--check]

The target is a ratio of at most ``--target`` (2.5); with ``--check`` the script exits 1 above it.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable

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
REQUEST = {
    "image_request": {
        "prompt": PROMPT,
        "aspect_ratio": "ASPECT_16_9",
        "model": "V_2",
        "magic_prompt_option": "OFF",
        "num_images": 1,
    }
}

Call = Callable[[], object]


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/json"})


def _calls(raw: httpx.Client, sync: ia.Ideogram) -> tuple[Call, Call]:
    def raw_call() -> object:
        response = raw.post(f"{API}/generate", json=REQUEST, headers=HEADERS)
        response.raise_for_status()
        return response.json()

    def sync_call() -> object:
        return sync.legacy.generate(
            prompt=PROMPT,
            aspect_ratio="ASPECT_16_9",
            model="V_2",
            magic_prompt_option="OFF",
            num_images=1,
        )

    return raw_call, sync_call


def _block(call: Call, n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        call()
    return time.process_time() - start


def _check_same_request(backend: str) -> None:
    """Stop if the two sides no longer send the same request (the comparison would lie)."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _answer(request)

    transport = httpx.MockTransport(record)
    with (
        httpx.Client(transport=transport) as raw,
        ia.Ideogram(api_key=KEY, base_url=API, transport=transport, backend=backend) as sync,  # type: ignore[arg-type]
    ):
        for call in _calls(raw, sync):
            call()
    a, b = sent
    if (a.method, a.url, json.loads(a.content)) != (b.method, b.url, json.loads(b.content)):
        raise SystemExit(f"raw sends {a.url} {a.content!r}, Ideogram {b.url} {b.content!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=2000, help="requests a side per repetition")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    parser.add_argument("--target", type=float, default=2.5)
    parser.add_argument("--check", action="store_true", help="exit 1 above the target")
    args = parser.parse_args()
    _check_same_request(args.backend)

    transport = httpx.MockTransport(_answer)
    with (
        httpx.Client(transport=transport) as raw,
        ia.Ideogram(api_key=KEY, base_url=API, transport=transport, backend=args.backend) as sync,
    ):
        raw_call, sync_call = _calls(raw, sync)
        for _ in range(max(50, args.n // 10)):  # warm-up: caches, lazy imports, the loop thread
            raw_call()
            sync_call()
        raw_reps: list[float] = []
        sync_reps: list[float] = []
        ratios: list[float] = []
        blocks = max(1, args.n // args.block)
        for _ in range(args.repeat):
            gc.collect()
            raw_total = sync_total = 0.0
            for k in range(blocks):
                if k % 2 == 0:
                    raw_cpu = _block(raw_call, args.block)
                    sync_cpu = _block(sync_call, args.block)
                else:
                    sync_cpu = _block(sync_call, args.block)
                    raw_cpu = _block(raw_call, args.block)
                raw_total += raw_cpu
                sync_total += sync_cpu
                if raw_cpu > 0:
                    ratios.append(sync_cpu / raw_cpu)
            raw_reps.append(raw_total / (blocks * args.block))
            sync_reps.append(sync_total / (blocks * args.block))
    ratio = statistics.median(ratios)
    print(f"backend: {args.backend}; {blocks * args.block} requests a side x {args.repeat}")
    print(f"raw httpx.Client: {min(raw_reps) * 1e6:7.1f} µs/request")
    print(f"Ideogram (sync):  {min(sync_reps) * 1e6:7.1f} µs/request")
    print(f"ratio: {ratio:.2f}x (target <= {args.target}x)")
    return 1 if args.check and ratio > args.target else 0


if __name__ == "__main__":
    sys.exit(main())
