"""Four processes, one in-flight limit: a budget shared through Redis against local budgets.

A loopback HTTP server admits ``--limit`` (10) images in flight for the whole organisation and
answers each generation after ``--latency`` (100 ms); past the limit it answers 429 with
``max_inflight_requests``, as Ideogram does. ``--processes`` (4) worker processes each send
``--prompts`` (50) one-image generations at once, started together once every worker is
ready, so start-up is not timed: ready means warmed up by one call (connections open, the first
call's one-off work done), as the raw httpx baseline warms up. In the same run:

- **shared**: every worker's client takes ``RedisBudget(max_capacity=limit)`` on one name;
- **local**: every worker's client has its own default budget of ``limit`` (as without Redis);
- **raw httpx, split**: the best four processes can do without talking to each other: raw
  httpx in every worker, the limit and the prompts split by hand so that every worker needs
  the same number of rounds (3, 3, 2 and 2 places for 60, 60, 40 and 40 prompts). Its ideal
  is the same 2.0 s; what it loses is this machine running four processes at once, so the
  shared budget's wall over it is the cost of coordinating through Redis.

Reported per scenario: the wall from "go" to the last worker done, its ratio to the ideal
(``processes * prompts * latency / limit``, 2.0 s), and the share of requests answered 429.

Then **killed**: the shared scenario again with ``--lease`` (1 s) leases, and one worker killed
with SIGKILL ``--kill-after`` (0.5 s) after "go": the first that holds places and still has
calls queued (else the first that holds places; a worker whose burst was queued first may be
done by then). The others must finish every prompt, and the dead worker's places must come
back within the lease. Each worker names itself in its lease ids (``owner=``), so the script
reads the dead worker's places from Redis at the kill and polls until none is counted any more
(places granted after the kill to its dead waiters included).

The raw httpx line is one process sending every prompt through one semaphore of ``limit``:
the best any coordination can do on this machine, measured in the same run.

    python benchmarks/bench_redis.py [--processes 4] [--prompts 50] [--limit 10]
                                     [--latency 0.1] [--lease 1.0] [--check]

Needs ``redis-server`` on the PATH (Debian: ``apt-get install redis-server``) and the
``redis`` extra. With ``--check`` it exits 1 when the shared wall is above 1.1x the ideal, more
than 2% of its requests were 429s, a surviving worker lost a prompt, or the dead worker's
places took longer than 1.1x the lease to return (a renewal in flight at the kill may land
just after it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.redis_server import start_redis_server  # noqa: E402

RESULT = {
    "created": "2000-01-23T04:56:07.000Z",
    "data": [
        {
            "prompt": "p",
            "resolution": "1024x1024",
            "seed": 1,
            "url": "https://ideogram.ai/api/images/ephemeral/img0.png?exp=1&sig=abc",
            "is_image_safe": True,
            "style_type": "GENERAL",
        }
    ],
}


class LimitedServer:
    """An ASGI app for ``POST /generate``: ``limit`` images in flight, each for ``latency``."""

    def __init__(self, limit: int, latency: float) -> None:
        self.limit = limit
        self.latency = latency
        self.reset()

    def reset(self) -> None:
        self.inflight = 0
        self.peak = 0
        self.requests = 0
        self.rejected = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # a killed worker's request
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        images = int(json.loads(body)["image_request"].get("num_images") or 1)
        self.requests += 1
        if self.inflight + images > self.limit:
            self.rejected += 1
            answer = {
                "error": "too many images in flight",
                "reject_reason": "inflight_limit",
                "max_inflight_requests": self.limit,
            }
            await _respond(send, 429, answer)
            return
        self.inflight += images
        self.peak = max(self.peak, self.inflight)
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.inflight -= images
        await _respond(send, 200, RESULT)


async def _respond(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def serve(app: LimitedServer) -> tuple[uvicorn.Server, str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; return it and its URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


# --- the worker process --------------------------------------------------------------------------


async def work(
    base_url: str, redis_url: str, name: str, prompts: int, lease: float, owner: str
) -> None:
    """One worker: ``prompts`` concurrent one-image generations, after "go" on stdin.

    ``redis_url`` is ``-`` for a local budget, ``raw:N`` for raw httpx with a semaphore of N.
    One warm-up call before "ready" opens the connections and builds what the first call of
    a process builds (the raw httpx baseline warms up the same way).
    """
    import ideogram_async as ia

    if redis_url.startswith("raw:"):
        await work_raw(base_url, prompts, int(redis_url[4:]))
        return
    budget = None
    if redis_url != "-":
        from ideogram_async.redis import RedisBudget

        budget = RedisBudget(
            RedisBudget.from_url(redis_url, name=name)._redis,
            name=name,
            max_capacity=10,
            lease_time=lease,
            owner=owner,
        )
    async with ia.AsyncIdeogram(api_key="bench", base_url=base_url, budget=budget) as client:
        await client.legacy.generate(prompt="warm-up", num_images=1)
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        ok = failed = 0

        async def one(i: int) -> None:
            nonlocal ok, failed
            try:
                await client.legacy.generate(prompt=f"prompt {i}", num_images=1)
                ok += 1
            except ia.APIError:
                failed += 1

        async with anyio.create_task_group() as tg:
            for i in range(prompts):
                tg.start_soon(one, i)
        done = time.time()  # the parent's clock is the same machine's
    print(json.dumps({"ok": ok, "failed": failed, "done": done}), flush=True)


async def work_raw(base_url: str, prompts: int, slots: int) -> None:
    """A worker of the split baseline: raw httpx, its own semaphore of ``slots``, no 429s."""
    import httpx

    body = {"image_request": {"prompt": "p", "num_images": 1}}
    semaphore = anyio.Semaphore(slots)
    limits = httpx.Limits(max_connections=slots, max_keepalive_connections=slots)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as http:
        await http.post("/generate", json=body)
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)

        async def one() -> None:
            async with semaphore:
                (await http.post("/generate", json=body, headers={"Api-Key": "k"})).json()

        async with anyio.create_task_group() as tg:
            for _ in range(prompts):
                tg.start_soon(one)
        done = time.time()
    print(json.dumps({"ok": prompts, "failed": 0, "done": done}), flush=True)


async def raw(base_url: str, prompts: int, limit: int) -> float:
    """The best one coordinator can do: one process, raw httpx, one semaphore of ``limit``."""
    import httpx

    body = {"image_request": {"prompt": "p", "num_images": 1}}
    semaphore = anyio.Semaphore(limit)
    limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as http:
        await http.post("/generate", json=body)  # connect outside the timing, as the workers

        async def one() -> None:
            async with semaphore:
                (await http.post("/generate", json=body, headers={"Api-Key": "k"})).json()

        start = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for _ in range(prompts):
                tg.start_soon(one)
        return time.perf_counter() - start


# --- the scenarios -------------------------------------------------------------------------------


def split(limit: int, processes: int, prompts: int) -> list[tuple[int, int]]:
    """Places and prompts for each worker of a split by hand: ``limit`` places as evenly as can
    be (10 over 4: 3, 3, 2, 2) and the prompts in proportion (200: 60, 60, 40, 40), so that
    every worker needs the same number of rounds."""
    places = [limit // processes + (i < limit % processes) for i in range(processes)]
    shares = [prompts * n // limit for n in places]
    shares[0] += prompts - sum(shares)
    return list(zip(places, shares, strict=True))


def start_workers(
    args: argparse.Namespace,
    app: LimitedServer,
    base_url: str,
    budgets: list[tuple[str, int]],
    name: str,
    lease: float,
) -> list[subprocess.Popen[str]]:
    """Start one worker per entry of ``budgets`` (a Redis URL, ``-`` or ``raw:N``, and its
    prompts); wait until each is ready (warmed up), then zero the server's counts."""
    command = [sys.executable, __file__, "--worker", base_url]
    workers = [
        subprocess.Popen(
            [*command, budget, name, str(prompts), str(lease), f"worker{i}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for i, (budget, prompts) in enumerate(budgets)
    ]
    for process in workers:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"a worker failed to start: {line!r}")
    app.reset()  # the warm-up calls are not counted
    return workers


def go(workers: list[subprocess.Popen[str]]) -> float:
    start = time.time()
    for process in workers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return start


def finish(workers: list[subprocess.Popen[str]]) -> list[dict[str, Any] | None]:
    results: list[dict[str, Any] | None] = []
    for process in workers:
        out, _ = process.communicate(timeout=120)
        results.append(json.loads(out) if process.returncode == 0 and out.strip() else None)
    return results


def scenario(
    args: argparse.Namespace, app: LimitedServer, base_url: str, budgets: list[tuple[str, int]]
) -> dict[str, Any]:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    workers = start_workers(args, app, base_url, budgets, name, 30.0)
    try:
        start = go(workers)
        results = finish(workers)
        # To the last prompt done, not to the processes' exit.
        wall = max(r["done"] if r else time.time() for r in results) - start
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait()
    ideal = args.processes * args.prompts * app.latency / app.limit
    return {
        "wall": wall,
        "ratio": wall / ideal,
        "requests": app.requests,
        "rejected": app.rejected,
        "wasted": app.rejected / max(1, app.requests),
        "peak": app.peak,
        "failed": sum(r["failed"] if r else n for r, (_, n) in zip(results, budgets, strict=True)),
    }


async def kill_holder(redis_url: str, name: str, pids: list[int]) -> tuple[int, bool, int, float]:
    """Kill a worker that holds places, preferably with calls still queued; return which,
    whether it had calls queued, its places, and when (after the kill) they were no longer
    counted."""
    import redis.asyncio as aioredis

    probe = aioredis.Redis.from_url(redis_url)
    prefix = f"ideogram-async:budget:{{{name}}}:"

    async def held(worker: int) -> list[bytes]:
        # The worker's unexpired leases by the server's clock: what the budget counts.
        seconds, micros = await probe.time()
        now = seconds * 1000 + micros // 1000
        leases = await probe.zrangebyscore(prefix + "leases", now, "+inf")
        mine = b"worker%d:" % worker
        return [b for b in leases if isinstance(b, bytes) and b.startswith(mine)]

    async def queued(worker: int) -> bool:
        tickets = await probe.zrange(prefix + "queue", 0, -1)
        mine = b"worker%d:" % worker
        return any(isinstance(b, bytes) and b.startswith(mine) for b in tickets)

    # A worker must hold places mid-run; one with calls queued is waited for up to 0.5 s.
    patience = time.perf_counter() + 0.5
    with anyio.fail_after(10):
        while True:
            holding = [i for i in range(len(pids)) if await held(i)]
            waiting = [i for i in holding if await queued(i)]
            if waiting or (holding and time.perf_counter() > patience):
                break
            await anyio.sleep(0.005)
    victim = (waiting or holding)[0]
    dead = await held(victim)
    os.kill(pids[victim], signal.SIGKILL)
    killed_at = time.perf_counter()
    places = 0
    for lease in dead:
        places += int(await probe.hget(prefix + "weights", lease) or 0)
    while await held(victim):
        await anyio.sleep(0.005)
    gone = time.perf_counter() - killed_at
    await probe.aclose()
    return victim, bool(waiting), places, gone


def killed(
    args: argparse.Namespace, app: LimitedServer, base_url: str, redis_url: str
) -> dict[str, Any]:
    name = f"bench-kill-{uuid.uuid4().hex[:8]}"
    workers = start_workers(
        args, app, base_url, [(redis_url, args.prompts)] * args.processes, name, args.lease
    )
    try:
        go(workers)
        time.sleep(args.kill_after)
        pids = [process.pid for process in workers]
        victim, queued, places, gone = anyio.run(kill_holder, redis_url, name, pids)
        results = finish(workers)
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait()
    survivors = results[:victim] + results[victim + 1 :]
    return {
        "victim": f"worker{victim}" + (", calls still queued" if queued else ""),
        "dead_places": places,
        "returned_after": gone,
        "survivors_ok": sum(r["ok"] for r in survivors if r),
        "survivors_expected": args.prompts * (args.processes - 1),
        "survivors_failed": sum(r["failed"] if r else args.prompts for r in survivors),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        base_url, redis_url, name, prompts, lease, owner = sys.argv[2:8]
        anyio.run(work, base_url, redis_url, name, int(prompts), float(lease), owner)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--prompts", type=int, default=50)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--kill-after", type=float, default=0.5)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (Debian: apt-get install redis-server)")

    app = LimitedServer(args.limit, args.latency)
    server, base_url = serve(app)
    try:
        with start_redis_server(binary) as redis_url:
            app.reset()
            baseline = anyio.run(raw, base_url, args.processes * args.prompts, args.limit)
            shared = scenario(args, app, base_url, [(redis_url, args.prompts)] * args.processes)
            local = scenario(args, app, base_url, [("-", args.prompts)] * args.processes)
            shares = split(args.limit, args.processes, args.processes * args.prompts)
            static = scenario(args, app, base_url, [(f"raw:{n}", k) for n, k in shares])
            kill = killed(args, app, base_url, redis_url)
    finally:
        server.should_exit = True

    ideal = args.processes * args.prompts * args.latency / args.limit
    print(
        f"{args.processes} processes x {args.prompts} one-image prompts, server limit "
        f"{args.limit} in flight at {args.latency * 1000:.0f} ms; ideal {ideal:.2f} s"
    )
    print(f"{'budget':<22}{'wall':>8}{'x ideal':>9}{'requests':>10}{'429s':>7}{'wasted':>8}"
          f"{'peak':>6}{'failed':>8}")  # fmt: skip
    print(f"{'raw httpx, 1 process':<22}{baseline:>7.2f}s{baseline / ideal:>8.2f}x")
    rows = (
        ("shared (RedisBudget)", shared),
        (f"local ({args.processes} x {args.limit})", local),
        ("raw httpx, split", static),
    )
    for label, row in rows:
        print(
            f"{label:<22}{row['wall']:>7.2f}s{row['ratio']:>8.2f}x{row['requests']:>10}"
            f"{row['rejected']:>7}{row['wasted']:>7.1%}{row['peak']:>6}{row['failed']:>8}"
        )
    print(
        f"shared / raw httpx in one process: {shared['wall'] / baseline:.2f}x "
        "(the machine's own overhead cancels out)"
    )
    print(
        f"shared / raw httpx split by hand over {args.processes} processes: "
        f"{shared['wall'] / static['wall']:.2f}x (the split: "
        f"{' + '.join(f'{n} places for {k} prompts' for n, k in shares)})"
    )
    print(
        f"killed worker ({kill['victim']}): {kill['dead_places']} places held at the kill "
        f"came back {kill['returned_after']:.2f} s after it (lease {args.lease:g} s); the other "
        f"workers finished {kill['survivors_ok']}/{kill['survivors_expected']} prompts, "
        f"{kill['survivors_failed']} failed"
    )
    print(f"load average at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if args.check:
        bad = [
            shared["ratio"] > 1.1,
            shared["wasted"] > 0.02,
            shared["failed"] > 0,
            kill["survivors_ok"] != kill["survivors_expected"],
            kill["returned_after"] > args.lease * 1.1,
        ]
        sys.exit(1 if any(bad) else 0)


if __name__ == "__main__":
    main()
