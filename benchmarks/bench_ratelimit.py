"""The adaptive in-flight budget against a limit nobody announces, on a loopback server.

200 one-image prompts (``v3.generate``, 200 tasks at once) to a server that admits 5 images in
flight and answers after 100 ms; ideal wall 200 x 0.1 s / 5 = 4.0 s. Three clients, in the same
run, the order rotating every round (``--repeat`` rounds, the median kept):

- ``hidden``: ``AsyncIdeogram`` with its budget at the default 10, against a server whose 429s
  are a gateway's (no ``reject_reason``, no ``max_inflight_requests``, no ``Retry-After``);
- ``announced``: the same client against a server whose 429s report the limit, as Ideogram's do;
- ``raw``: a hand-written client, httpx and ``anyio.Semaphore(5)``: it knows the limit.

    python benchmarks/bench_ratelimit.py [--repeat 3] [--server minimal|emulator] [--check]

Targets (``--check`` exits 1 past them), for ``hidden``: no prompt failed, at most 10% of its
requests answered 429, wall within 1.2x of the ideal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
from loopback import ServerKind, server

import ideogram_async as ia

KEY = "bench-key"
PROMPTS = 200
LIMIT = 5
LATENCY = 0.1
IDEAL = PROMPTS * LATENCY / LIMIT


class Run:
    """What one run did: wall seconds, POSTs, 429s among them, prompts that failed."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.requests = 0
        self.rate_limited = 0
        self.failed = 0
        self.capacity: int | None = None

    async def hook(self, response: httpx.Response) -> None:
        """Count each generation's response."""
        if response.request.method == "POST":
            self.requests += 1
            self.rate_limited += response.status_code == 429


async def run_sdk(url: str, run: Run) -> None:
    """``AsyncIdeogram`` with its default budget: 200 ``v3.generate`` calls at once."""
    http = httpx.AsyncClient(event_hooks={"response": [run.hook]}, timeout=60)
    async with http, ia.AsyncIdeogram(api_key=KEY, base_url=url, http_client=http) as client:

        async def one(index: int) -> None:
            try:
                await client.v3.generate(prompt=f"prompt {index}")
            except ia.APIError:
                run.failed += 1

        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for index in range(PROMPTS):
                tg.start_soon(one, index)
        run.wall = time.perf_counter() - started
        run.capacity = client.inflight_budget.capacity


async def run_raw(url: str, run: Run) -> None:
    """A hand-written client that knows the limit: httpx and ``anyio.Semaphore(5)``."""
    limiter = anyio.Semaphore(LIMIT)

    async def one(client: httpx.AsyncClient, index: int) -> None:
        async with limiter:
            response = await client.post(
                url + "/v1/ideogram-v3/generate",
                headers={"Api-Key": KEY},
                files={"prompt": (None, f"prompt {index}")},
            )
        if response.status_code != 200:
            run.failed += 1
        else:
            response.json()

    http = httpx.AsyncClient(event_hooks={"response": [run.hook]}, timeout=60)
    async with http:
        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for index in range(PROMPTS):
                tg.start_soon(one, http, index)
        run.wall = time.perf_counter() - started


Runner = Callable[[str, Run], Awaitable[None]]


def measure(runner: Runner, url: str) -> Run:
    """One run of ``runner`` against ``url``."""
    run = Run()
    anyio.run(runner, url, run)
    return run


def bench(kind: ServerKind, repeat: int) -> dict[str, Any]:
    """Rotate the three clients ``repeat`` rounds against two servers; medians and worst cases."""
    runs: dict[str, list[Run]] = {"hidden": [], "announced": [], "raw": []}
    with (
        server(kind, LIMIT, LATENCY, announce=False) as hidden_url,
        server(kind, LIMIT, LATENCY, announce=True) as announced_url,
    ):
        sides: list[tuple[str, Runner, str]] = [
            ("hidden", run_sdk, hidden_url),
            ("announced", run_sdk, announced_url),
            ("raw", run_raw, hidden_url),
        ]
        for _, runner, url in sides:  # warm up: imports, connections
            measure(runner, url)
        for round_ in range(repeat):
            shift = round_ % len(sides)
            for name, runner, url in sides[shift:] + sides[:shift]:
                runs[name].append(measure(runner, url))
    result: dict[str, Any] = {"server": kind, "ideal_s": IDEAL}
    for name, done in runs.items():
        wall = statistics.median(r.wall for r in done)
        result[name] = {
            "wall_s": wall,
            "vs_ideal": wall / IDEAL,
            "vs_raw": statistics.median(
                r.wall / w.wall for r, w in zip(done, runs["raw"], strict=True)
            ),
            "share_429": max(r.rate_limited / max(1, r.requests) for r in done),
            "failed": max(r.failed for r in done),
            "capacity_after": done[-1].capacity,
        }
    del result["raw"]["vs_raw"], result["raw"]["capacity_after"]
    return result


def rounded(value: Any) -> Any:
    """Floats to 3 places, in nested dicts too."""
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return round(value, 3) if isinstance(value, float) else value


def main() -> int:
    """Print the figures as JSON; exit 1 past a target with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three clients")
    parser.add_argument("--server", choices=["minimal", "emulator"], default="minimal")
    parser.add_argument("--check", action="store_true", help="exit 1 past a target")
    args = parser.parse_args()
    result = bench(args.server, args.repeat)
    print(json.dumps(rounded(result)))
    hidden = result["hidden"]
    missed = [
        f"{name} {value:.3f} > {target}"
        for name, value, target in (
            ("failed prompts", hidden["failed"], 0),
            ("429 share", hidden["share_429"], 0.10),
            ("wall / ideal", hidden["vs_ideal"], 1.2),
        )
        if value > target
    ]
    if missed:
        print("past target (hidden limit): " + ", ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
