"""1,000 jobs waited on at once against the emulator: no 429 from polling, CPU per poll.

The emulator runs in-process (ASGI) with the organisation's limit of 1,000 polls per 10 s and
jobs that finish ``--delay`` seconds after they are created. The SDK waits on ``--jobs`` jobs at
once through ``client.jobs.get(id).wait()``; all their polls share the client's ``PollLimiter``.
Reported: the polls made, the emulator's 429s (the target is none), the wall time, and the CPU
per poll (``time.process_time()``) as a ratio to a raw ``httpx`` GET of the same route on the same
transport, measured in the same run. Both sides include the emulator's own CPU, which runs in
the same process.

    python benchmarks/bench_jobs.py [--jobs 1000] [--delay 5] [--raw 2000] [--backend asyncio|trio]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import anyio
import httpx

import ideogram_async as ia
from ideogram_async.testing import Emulator
from ideogram_async.testing._v2 import V2Job


def _seed_jobs(emulator: Emulator, count: int, delay: float) -> list[str]:
    """Jobs made directly in the emulator (no image rendering: the polls are measured)."""
    now = time.time()
    ids = []
    for i in range(count):
        generation_id = f"gen_bench_{i:05d}"
        item = {"url": f"https://x/{i}.png", "is_image_safe": True, "prompt": "p", "seed": i}
        body = {"generation_id": generation_id, "data": [item], "seed": i}
        emulator.v2.jobs[generation_id] = V2Job(
            generation_id, "image/generate/ideogram-4", now, now + delay, body
        )
        ids.append(generation_id)
    return ids


async def _raw(emulator: Emulator, generation_id: str, n: int) -> float:
    """CPU seconds per raw httpx GET of one job's status."""
    headers = {"Api-Key": "k", "Accept": "application/json"}
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=emulator.base_url) as c:
        for _ in range(50):
            (await c.get(f"/v2/generations/{generation_id}", headers=headers)).json()
        start = time.process_time()
        for _ in range(n):
            (await c.get(f"/v2/generations/{generation_id}", headers=headers)).json()
        return (time.process_time() - start) / n


async def run(jobs: int, delay: float, raw_n: int) -> dict[str, float]:
    """Wait on ``jobs`` jobs at once; measure a raw GET in the same run."""
    emulator = Emulator()
    ids = _seed_jobs(emulator, jobs, delay)
    extra = _seed_jobs(Emulator(), 1, 0)[0]
    raw_emulator = Emulator()
    raw_emulator.v2.jobs[extra] = V2Job(extra, "image/generate/ideogram-4", 0, 0, {"data": []})
    raw_emulator.v2.poll_limit = 10**9
    raw_cpu = await _raw(raw_emulator, extra, raw_n)

    async with emulator.client() as client:
        results: list[ia.GenerationResult] = []

        async def wait(generation_id: str) -> None:
            results.append(await client.jobs.get(generation_id).wait())

        wall, cpu = time.perf_counter(), time.process_time()
        async with anyio.create_task_group() as group:
            for generation_id in ids:
                group.start_soon(wait, generation_id)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        limiter_polls = client.jobs.limiter.polls
    polls = emulator.v2.polls
    return {
        "jobs": jobs,
        "completed": len(results),
        "polls": polls,
        "limiter_polls": limiter_polls,
        "poll_429s": emulator.v2.poll_rate_limited,
        "wall_s": round(wall, 2),
        "polls_per_s": round(polls / wall, 1),
        "sdk_cpu_us_per_poll": round(cpu / polls * 1e6, 1),
        "raw_cpu_us_per_get": round(raw_cpu * 1e6, 1),
        "ratio": round(cpu / polls / raw_cpu, 2),
    }


def main() -> int:
    """Run and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--raw", type=int, default=2000)
    parser.add_argument("--backend", default="asyncio", choices=("asyncio", "trio"))
    args = parser.parse_args()
    report = anyio.run(run, args.jobs, args.delay, args.raw, backend=args.backend)
    print(json.dumps(report))
    return 0 if report["poll_429s"] == 0 and report["completed"] == args.jobs else 1


if __name__ == "__main__":
    sys.exit(main())
