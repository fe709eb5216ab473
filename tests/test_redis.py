"""``RedisBudget``: one in-flight budget shared through a real ``redis-server`` (see conftest)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Protocol

import anyio
import pytest
import redis.asyncio as aioredis

import ideogram_async as ia
from ideogram_async import ConfigurationError, InflightBudget
from ideogram_async.redis import RedisBudget, RedisBudgetError, RedisFallbackWarning

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def anyio_backend() -> str:
    """redis-py's asyncio API runs on asyncio only; trio's refusal is tested on its own."""
    return "asyncio"


@pytest.fixture
def name() -> str:
    """A budget name no other test uses, so tests never share state."""
    return f"test-{uuid.uuid4().hex[:12]}"


class Factory(Protocol):
    def __call__(self, url: str | None = None, **options: Any) -> RedisBudget: ...


@pytest.fixture
async def make(redis_url: str, name: str) -> AsyncIterator[Factory]:
    """Builds budgets on the test's server and name (options may override); closes them after."""
    made: list[RedisBudget] = []

    def factory(url: str | None = None, **options: Any) -> RedisBudget:
        options = {"name": name, "max_capacity": 4, "lease_time": 2.0, **options}
        made.append(RedisBudget.from_url(url or redis_url, **options))
        return made[-1]

    yield factory
    for budget in made:
        await budget.aclose()


@pytest.fixture
def budgets(make: Factory) -> list[RedisBudget]:
    """Three budgets of capacity 4 on one name, each with its own connections (as processes)."""
    return [make() for _ in range(3)]


async def until(predicate: object, *, seconds: float = 5.0) -> None:
    """Poll an async predicate (a state read from Redis) until it holds; fail after ``seconds``."""
    with anyio.fail_after(seconds):
        while not await predicate():  # type: ignore[operator]
            await anyio.sleep(0.01)


def worker(*args: object, read: bool = False) -> subprocess.Popen[str]:
    """Start ``tests/redis_worker.py`` in its own process (its output piped if ``read``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.redis_worker", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE if read else subprocess.DEVNULL,
        text=True,
    )


# --- configuration -----------------------------------------------------------------------------


def test_from_url_needs_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a URL or ``IDEOGRAM_REDIS_URL`` the budget is not built, and says why."""
    monkeypatch.delenv("IDEOGRAM_REDIS_URL", raising=False)
    with pytest.raises(ConfigurationError, match="IDEOGRAM_REDIS_URL"):
        RedisBudget.from_url(name="x")


def test_from_url_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``IDEOGRAM_REDIS_URL`` gives the server, ``IDEOGRAM_API_KEY`` the default name."""
    monkeypatch.setenv("IDEOGRAM_REDIS_URL", "redis://127.0.0.1:1/3")
    monkeypatch.setenv("IDEOGRAM_API_KEY", "sk-secret-key")
    budget = RedisBudget.from_url()
    assert budget.name.startswith("key-")
    assert "sk-secret-key" not in budget.name
    assert budget.name == RedisBudget.from_url(api_key="sk-secret-key").name
    assert budget.name != RedisBudget.from_url(api_key="sk-other-key").name
    assert "127.0.0.1:1/3" in repr(budget._where())


def test_from_url_needs_a_name_or_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a name or an API key there is nothing to key the budget on."""
    monkeypatch.delenv("IDEOGRAM_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="name"):
        RedisBudget.from_url("redis://127.0.0.1:1")


@pytest.mark.parametrize(
    ("option", "value"),
    [("max_capacity", 0), ("lease_time", 0.01), ("timeout", 0), ("name", "a{b}")],
)
def test_bad_options_are_refused(option: str, value: object) -> None:
    """Out-of-range options raise ``ConfigurationError`` when the budget is built."""
    options: dict[str, object] = {"name": "x", option: value}
    with pytest.raises(ConfigurationError, match=option):
        RedisBudget.from_url("redis://127.0.0.1:1", **options)  # type: ignore[arg-type]


def test_trio_is_refused_clearly() -> None:
    """Under trio, building or using the budget raises ``ConfigurationError`` naming asyncio."""
    budget = RedisBudget.from_url("redis://127.0.0.1:1", name="x")

    async def use() -> None:
        async with budget.hold(1):
            pass  # pragma: no cover

    async def build() -> None:
        RedisBudget.from_url("redis://127.0.0.1:1", name="x")

    for main in (use, build):
        with pytest.raises(ConfigurationError, match="asyncio only"):
            anyio.run(main, backend="trio")


def test_importing_the_sdk_does_not_import_redis() -> None:
    """``import ideogram_async`` loads neither redis-py nor the Redis budget."""
    code = (
        "import sys, ideogram_async\n"
        "print('redis' in sys.modules, 'ideogram_async.redis' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def count_acquires(budget: RedisBudget, gate: anyio.Event | None = None) -> list[int]:
    """Count the budget's ACQUIRE script calls (each a round trip), each held until ``gate``."""
    sent: list[int] = []
    script = budget._scripts["ACQUIRE"]

    async def counted(keys: list[str], args: list[Any]) -> Any:
        sent.append((len(args) - 5) // 3)  # the tickets it carries
        if gate is not None:
            await gate.wait()
        return await script(keys, args)

    budget._scripts["ACQUIRE"] = counted  # type: ignore[assignment]
    return sent


# --- leases and the shared capacity -----------------------------------------------------------


async def test_places_are_shared_by_every_process(budgets: list[RedisBudget]) -> None:
    """Places held through one budget are in use for every budget of the same name."""
    a, b, _ = budgets
    async with a.hold(3) as places:
        assert places == 3
        state = await b.fetch_state()
        assert (state.in_use, state.capacity, state.max_capacity) == (3, 4, 4)
        with anyio.move_on_after(0.3) as scope:
            async with b.hold(2):
                pass  # pragma: no cover
        assert scope.cancelled_caught  # 3 + 2 > 4: it must wait
    assert (await b.fetch_state()).in_use == 0


async def test_a_call_larger_than_the_capacity_takes_all_of_it(budgets: list[RedisBudget]) -> None:
    """A call for more places than the capacity waits for the whole capacity and holds it."""
    a, b, _ = budgets
    async with a.hold(9) as places:
        assert places == 4
        assert (await b.fetch_state()).in_use == 4


async def test_waiters_are_served_in_order(budgets: list[RedisBudget]) -> None:
    """Waiters in several processes are granted places in the order they asked, not by size."""
    a, b, c = budgets
    served: list[str] = []

    async def call(budget: RedisBudget, label: str, weight: int) -> None:
        async with budget.hold(weight):
            served.append(label)
            await anyio.sleep(0.02)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg, a.hold(2):
            for i, (budget, label, weight) in enumerate(
                [(b, "b3", 3), (c, "c1", 1), (a, "a4", 4), (b, "b4", 4)]
            ):
                tg.start_soon(call, budget, label, weight)

                async def queued(n: int = i + 1) -> bool:
                    return (await c.fetch_state()).waiting == n

                await until(queued)
            # c1 would fit beside the 2 held, but b3 asked first.
            await anyio.sleep(0.1)
            assert served == []
    # b3 and c1 fit together once the 2 come back; a4 and b4 each need the whole budget.
    assert set(served[:2]) == {"b3", "c1"}
    assert served[2:] == ["a4", "b4"]


async def test_a_waiter_granted_on_release_keeps_its_places_while_slow_to_wake(
    budgets: list[RedisBudget],
) -> None:
    """A release grants its places to the waiter at once; they stay its own until it wakes."""
    a, b, c = budgets  # leases of 2 s: a grant nobody claims lapses after 0.5 s
    sent = count_acquires(b)
    blpop = b._redis.blpop

    async def slow_blpop(*args: Any, **kwargs: Any) -> Any:
        await anyio.sleep(0.3)  # as a process busy elsewhere when its grant comes
        return await blpop(*args, **kwargs)

    b._redis.blpop = slow_blpop  # type: ignore[method-assign]
    held, done = anyio.Event(), anyio.Event()

    async def call() -> None:
        async with b.hold(2) as places:
            assert places == 2
            held.set()
            await done.wait()

    async def queued() -> bool:
        return (await c.fetch_state()).waiting == 1

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            async with a.hold(4):
                tg.start_soon(call)
                await until(queued)
            # Given back: the release itself granted the places, before the waiter woke.
            state = await c.fetch_state()
            assert (state.in_use, state.waiting) == (2, 0)
            assert not held.is_set()
            await held.wait()
            await anyio.sleep(0.6)  # past the claim window: claimed for a whole lease
            assert (await c.fetch_state()).in_use == 2
            done.set()
    # Woken with its places in hand: no second script call to take them.
    assert sent == [1]
    assert (await c.fetch_state()).in_use == 0


async def test_a_cancelled_waiter_leaves_the_queue(budgets: list[RedisBudget]) -> None:
    """A waiter cancelled before its turn leaves the queue and takes no places."""
    a, b, _ = budgets
    async with a.hold(4):
        with anyio.move_on_after(0.2):
            async with b.hold(1):
                pass  # pragma: no cover
        state = await a.fetch_state()
        assert (state.waiting, state.in_use) == (0, 4)
    assert (await a.fetch_state()).in_use == 0


async def test_a_burst_of_calls_asks_together_in_order(make: Factory) -> None:
    """Forty calls started at once in one process enqueue in one round trip, served in order."""
    budget = make(max_capacity=4)
    sent = count_acquires(budget)
    served: list[int] = []

    async def call(i: int) -> None:
        async with budget.hold(1):
            served.append(i)
            await anyio.sleep(0.005)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            for i in range(40):
                tg.start_soon(call, i)
    assert sent == [40]
    assert served == list(range(40))
    assert (await budget.fetch_state()).in_use == 0


async def test_a_call_cancelled_while_its_ticket_is_on_its_way_leaves_nothing(
    budgets: list[RedisBudget],
) -> None:
    """A call cancelled while its ticket is being sent (or before) leaves no ticket or places."""
    a, b, _ = budgets
    gate = anyio.Event()
    sent = count_acquires(b, gate)
    async with a.hold(4):
        async with anyio.create_task_group() as tg:
            scopes = [anyio.CancelScope() for _ in range(3)]

            async def call(scope: anyio.CancelScope) -> None:
                with scope:
                    async with b.hold(1):
                        pass  # pragma: no cover

            tg.start_soon(call, scopes[0])
            tg.start_soon(call, scopes[1])  # rides on the first call's ask
            while not sent:
                await anyio.sleep(0)
            tg.start_soon(call, scopes[2])  # waits for the next ask
            await anyio.sleep(0.05)
            for scope in scopes:
                scope.cancel()
            await anyio.sleep(0.05)  # a release sent now would overtake the ticket
            gate.set()
        state = await a.fetch_state()
        assert (state.waiting, state.in_use) == (0, 4)
    assert sent == [2]
    assert (await a.fetch_state()).in_use == 0


async def test_a_lease_is_renewed_while_its_call_runs(make: Factory) -> None:
    """A call that runs for several lease times keeps its places: the lease is renewed."""
    holder, other = make(lease_time=0.3), make(lease_time=0.3)
    async with holder.hold(3):
        await anyio.sleep(1.0)
        assert (await other.fetch_state()).in_use == 3
    assert (await other.fetch_state()).in_use == 0


async def test_a_killed_holder_s_places_return_within_the_lease(
    redis_url: str, name: str, make: Factory
) -> None:
    """A process killed with SIGKILL while holding places gives them back when its lease ends."""
    process = worker("hold", redis_url, name, 3, 1.0, read=True)
    try:
        assert process.stdout is not None
        with anyio.fail_after(15):
            line = await anyio.to_thread.run_sync(process.stdout.readline)
        assert line.strip() == "held"
        budget = make(lease_time=1.0)
        assert (await budget.fetch_state()).in_use == 3
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        # The whole capacity comes free once the dead lease (1 s) expires; far less than 5 s.
        with anyio.fail_after(5):
            async with budget.hold(4) as places:
                assert places == 4
                assert (await budget.fetch_state()).in_use == 4
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


async def test_a_waiter_killed_in_the_queue_does_not_block_it(
    redis_url: str, name: str, make: Factory
) -> None:
    """A process killed while queued costs the others at most its grant's claim window."""
    holder, other = make(), make()
    async with holder.hold(4):
        process = worker("hold", redis_url, name, 4, 4.0)
        try:

            async def queued() -> bool:
                return (await other.fetch_state()).waiting == 1

            await until(queued, seconds=15)
        finally:
            process.kill()
            process.wait()
    # The dead ticket heads the queue and is granted first; unclaimed, its grant lapses after
    # the claim window (1 s for a 4 s lease), long before its lease (or ticket) would.
    with anyio.fail_after(2.5):
        async with other.hold(4) as places:
            assert places == 4


async def test_concurrent_processes_never_exceed_the_capacity(redis_url: str, name: str) -> None:
    """Four processes of 12 concurrent calls each never hold more places than the capacity."""
    processes = [worker("count", redis_url, name, 5, 12) for _ in range(4)]
    for process in processes:
        await anyio.to_thread.run_sync(process.wait, 60)
        assert process.returncode == 0
    probe = aioredis.Redis.from_url(redis_url)
    assert await probe.get(f"probe:{name}:calls") == b"48"
    assert await probe.lrange(f"probe:{name}:over", 0, -1) == []
    # The probe would see an overrun: the processes did contend for the whole budget.
    assert await probe.zscore(f"probe:{name}:peak", "peak") == 5
    await probe.aclose()


# --- 429s: the shared pause and the shared adaptive capacity -----------------------------------


async def test_one_process_s_429_pauses_all_of_them(budgets: list[RedisBudget]) -> None:
    """A Retry-After reported through one budget holds back every other budget's callers."""
    a, b, _ = budgets
    async with a.hold(1):
        await a.rate_limited(limit=None, retry_after=0.4)
    probe = b._redis
    assert await probe.pttl(b._keys[8]) > 0
    async with b.hold(1):
        # Entered only once the pause is over.
        assert await probe.pttl(b._keys[8]) < 0


async def test_a_reported_limit_is_fitted_by_every_process(budgets: list[RedisBudget]) -> None:
    """A 429 reporting a limit of 2 lowers the shared capacity for all budgets of the name."""
    a, b, _ = budgets
    async with a.hold(3):
        await a.rate_limited(limit=2, retry_after=0)
    state = await b.fetch_state()
    assert state.capacity == 2
    assert "limit of 2" in state.reason


async def test_a_burst_of_429s_shrinks_once(budgets: list[RedisBudget]) -> None:
    """429s from calls granted before the capacity changed shrink it only once."""
    a, b, c = budgets
    async with anyio.create_task_group() as tg:
        entered = anyio.Event()
        done = anyio.Event()

        async def hold(budget: RedisBudget) -> None:
            async with budget.hold(1):
                if (await budget.fetch_state()).in_use == 3:
                    entered.set()
                await done.wait()
                await budget.rate_limited(limit=None, retry_after=0)

        for budget in (a, b, c):
            tg.start_soon(hold, budget)
        await entered.wait()
        done.set()
    # 4 with 3 in flight: one shrink to 2, not three.
    assert (await a.fetch_state()).capacity == 2


async def test_the_capacity_grows_back_after_sustained_success(budgets: list[RedisBudget]) -> None:
    """After 4 windows of places succeed while the budget binds, it grows by one place."""
    a, b, _ = budgets
    async with a.hold(4):
        # The server refused a fourth: it had admitted 3.
        await a.rate_limited(limit=None, retry_after=0)
    assert (await a.fetch_state()).capacity == 3
    for _ in range(3):
        async with b.hold(3) as places:
            await b.succeeded(places)
    async with b.hold(1) as places:
        await b.succeeded(places)  # the budget does not bind: this does not count
    assert (await a.fetch_state()).capacity == 3
    async with b.hold(3) as places:
        await b.succeeded(places)
    state = await a.fetch_state()
    assert (state.capacity, state.reason) == (4, "grew after 12 places succeeded")


async def test_a_success_ends_the_backoff_pause(budgets: list[RedisBudget]) -> None:
    """A 429 without Retry-After pauses for the backoff; a success in any process ends it."""
    a, b, _ = budgets
    async with a.hold(1):
        await a.rate_limited(limit=None, retry_after=None)
        assert await a._redis.pttl(a._keys[9]) > 0
        await a.succeeded(1)
    assert await b._redis.pttl(b._keys[9]) < 0


async def test_on_change_reports_the_shared_state(make: Factory) -> None:
    """``on_change`` receives each new state this process sees, including others' changes."""
    seen: list[int] = []
    watcher = make(max_capacity=10, on_change=lambda state: seen.append(state.capacity))
    other = make(max_capacity=10)
    async with other.hold(7):
        await other.rate_limited(limit=6, retry_after=0)
    await watcher.fetch_state()
    assert seen == [6]
    assert watcher.capacity == 6


async def test_the_key_itself_is_never_stored(make: Factory) -> None:
    """A budget named after an API key stores neither the key nor any part of it in Redis."""
    key = "sk-" + uuid.uuid4().hex
    budget = make(name=None, api_key=key)
    async with budget.hold(2):
        await budget.rate_limited(limit=None, retry_after=0.01)
        names = [bytes(k).decode() async for k in budget._redis.scan_iter(f"*{budget.name}*")]
        assert names
        for stored in names:
            assert key[3:11] not in stored
            if await budget._redis.type(stored) == b"hash":
                fields = await budget._redis.hgetall(stored)
                assert key not in repr(fields)


# --- Redis failing -------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_redis_is_a_clear_error(make: Factory) -> None:
    """No server: ``hold`` raises ``RedisBudgetError`` naming the host, never the password."""
    budget = make(f"redis://:hunter2@127.0.0.1:{closed_port()}/0")
    with anyio.fail_after(5), pytest.raises(RedisBudgetError, match=r"127\.0\.0\.1") as info:
        async with budget.hold(1):
            pass  # pragma: no cover
    assert "hunter2" not in str(info.value)


async def test_every_call_of_a_burst_raises_its_own_error(make: Factory) -> None:
    """When Redis fails, each call whose ticket went in the failed script call raises it."""
    budget = make(f"redis://127.0.0.1:{closed_port()}/0")
    sent = count_acquires(budget)
    errors: list[BaseException] = []

    async def call() -> None:
        try:
            async with budget.hold(1):
                pass  # pragma: no cover
        except RedisBudgetError as exc:
            errors.append(exc)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(call)
    assert sent == [5]
    assert len({id(error) for error in errors}) == 5
    assert all("127.0.0.1" in str(error) for error in errors)


async def test_a_hung_redis_times_out(make: Factory, silent_server: int) -> None:
    """A server that never answers fails the call after ``timeout``, instead of hanging."""
    budget = make(f"redis://127.0.0.1:{silent_server}/0", timeout=0.3, lease_time=0.6)
    with anyio.fail_after(5), pytest.raises(RedisBudgetError, match=r"(?i)timeout"):
        async with budget.hold(1):
            pass  # pragma: no cover


async def test_the_fallback_budget_is_used_with_a_warning(make: Factory) -> None:
    """With a fallback, a failing Redis warns and the call holds places in the fallback."""
    fallback = InflightBudget(2)
    budget = make(f"redis://127.0.0.1:{closed_port()}/0", fallback=fallback)
    async with contextlib.AsyncExitStack() as stack:
        with pytest.warns(RedisFallbackWarning, match="fallback"):
            places = await stack.enter_async_context(budget.hold(5))
        assert (places, fallback.in_use) == (2, 2)
        await budget.rate_limited(limit=1, retry_after=0)
    assert fallback.capacity == 1
    # Within the retry interval, the fallback serves without trying Redis (and warning) again.
    async with budget.hold(1) as places:
        assert fallback.in_use == places == 1


async def test_a_failing_release_leaves_the_places_to_the_lease(make: Factory) -> None:
    """If Redis fails while a call ends, the call still ends; its lease expires on its own."""
    budget, other = make(lease_time=0.5), make(lease_time=0.5)
    async with budget.hold(2):
        budget._scripts["RELEASE"] = budget._redis.register_script("return redis.error_reply('x')")
        budget._scripts["RENEW"] = budget._scripts["RELEASE"]
    assert (await other.fetch_state()).in_use == 2

    async def freed() -> bool:
        return (await other.fetch_state()).in_use == 0

    await until(freed)


async def test_a_lease_lost_while_its_call_runs_is_claimed_again(
    make: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    """A lease that expired under a running call (a stalled process) is claimed again."""
    holder, other = make(lease_time=0.3), make(lease_time=0.3)
    async with holder.hold(2):
        # As if the holder had stalled past its lease: Redis forgets the places, in one
        # transaction (a renewal every 0.1 s must not land between the two deletions).
        async with other._redis.pipeline(transaction=True) as forget:
            forget.delete(other._keys[1])
            forget.delete(other._keys[2])
            deleted = await forget.execute()
        assert deleted == [1, 1]

        async def reclaimed() -> bool:
            return (await other.fetch_state()).in_use == 2

        await until(reclaimed)
    assert "claimed again" in caplog.text
    assert (await other.fetch_state()).in_use == 0


async def test_a_lapsed_ticket_keeps_its_place_in_the_queue(budgets: list[RedisBudget]) -> None:
    """A waiter whose ticket lapsed (its process was slow) comes back ahead of later waiters."""
    a, b, c = budgets
    for budget in budgets:
        budget._poll = 0.1  # refresh tickets often, so the test is short
    served: list[str] = []

    async def call(budget: RedisBudget, label: str) -> None:
        async with budget.hold(4):
            served.append(label)

    async def waiting(n: int) -> bool:
        return (await c.fetch_state()).waiting == n

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg, c.hold(4):
            tg.start_soon(call, a, "first")
            await until(lambda: waiting(1))
            # The ticket lapses: it leaves the queue, as a purge would drop it.
            queue, tickets, expiry = c._keys[4], c._keys[5], c._keys[6]
            (ticket,) = [bytes(t) for t in await c._redis.zrange(queue, 0, -1)]  # type: ignore[arg-type]
            await c._redis.zrem(queue, ticket)
            await c._redis.zrem(expiry, ticket)
            await c._redis.hdel(tickets, ticket)
            tg.start_soon(call, b, "second")
            await until(lambda: waiting(2))  # "first" refreshed its ticket: it is back
    assert served == ["first", "second"]


def test_the_module_exports_its_public_names() -> None:
    """``ideogram_async.redis.__all__`` is its public surface; its errors are ``IdeogramError``s."""
    import ideogram_async.redis as module
    from ideogram_async import IdeogramError

    public = {name for name in vars(module) if not name.startswith("_")}
    assert set(module.__all__) <= public
    assert issubclass(module.RedisBudgetError, IdeogramError)
    assert issubclass(module.RedisFallbackWarning, RuntimeWarning)


async def test_an_error_in_the_body_comes_out_as_itself(budgets: list[RedisBudget]) -> None:
    """An exception raised while holding places reaches the caller unwrapped; places go back."""
    a, b, _ = budgets
    with pytest.raises(KeyError, match="mine"):
        async with a.hold(2):
            raise KeyError("mine")
    with anyio.move_on_after(0.2) as scope:
        async with a.hold(2):
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    assert (await b.fetch_state()).in_use == 0


# --- with the client ------------------------------------------------------------------------------


async def test_clients_sharing_a_budget_stay_under_the_server_s_limit(make: Factory) -> None:
    """Two clients on one RedisBudget of 3 send 12 calls to a server admitting 3: no 429."""
    from ideogram_async.testing import Emulator

    emulator = Emulator(inflight_limit=3, latency=0.02)
    clients = [emulator.client(budget=make(max_capacity=3)) for _ in range(2)]

    async def call(client: ia.AsyncIdeogram) -> None:
        await client.legacy.generate(prompt="a fox")

    async with anyio.create_task_group() as tg:
        for i in range(12):
            tg.start_soon(call, clients[i % 2])
    for client in clients:
        await client.aclose()
    assert emulator.stats.images_generated == 12
    # Without the shared budget, 2 x 3 calls in flight would meet 429s from the server.
    assert emulator.stats.rate_limited == 0
