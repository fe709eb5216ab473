"""A worker process for the Redis budget tests: ``python -m tests.redis_worker MODE URL NAME ...``.

- ``hold URL NAME PLACES LEASE``: hold ``PLACES`` places, print ``held``, then sleep until
  killed (the test kills it with SIGKILL).
- ``count URL NAME CAPACITY CALLS``: make ``CALLS`` holds of 1 to 3 places; inside each, add
  the places to a counter in Redis and record any moment it passes ``CAPACITY``.
"""

from __future__ import annotations

import sys

import anyio

from ideogram_async.redis import RedisBudget


async def hold(url: str, name: str, places: int, lease: float) -> None:
    budget = RedisBudget.from_url(url, name=name, lease_time=lease)
    async with budget.hold(places):
        print("held", flush=True)
        await anyio.sleep_forever()


async def count(url: str, name: str, capacity: int, calls: int) -> None:
    budget = RedisBudget.from_url(url, name=name, max_capacity=capacity, lease_time=5)
    probe = budget._redis  # the same server; the probe keys are the test's own

    async def call(i: int) -> None:
        async with budget.hold(1 + i % 3) as places:
            now = await probe.incrby(f"probe:{name}:now", places)
            await probe.incr(f"probe:{name}:calls")
            if now > capacity:
                await probe.rpush(f"probe:{name}:over", now)
            await probe.zadd(f"probe:{name}:peak", {"peak": now}, gt=True)
            await anyio.sleep(0.01)
            await probe.decrby(f"probe:{name}:now", places)

    async with anyio.create_task_group() as tg:
        for i in range(calls):
            tg.start_soon(call, i)
    await budget.aclose()


def main() -> None:
    mode, url, name, a, b = sys.argv[1:6]
    if mode == "hold":
        anyio.run(hold, url, name, int(a), float(b))
    else:
        anyio.run(count, url, name, int(a), int(b))


if __name__ == "__main__":
    main()
