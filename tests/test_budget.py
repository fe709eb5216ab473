"""``InflightBudget`` (the client-wide weighted budget of images in flight) and ``Cooldown``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
import anyio.abc
import anyio.lowlevel
import pytest

from ideogram_async import InflightBudget
from ideogram_async._budget import Cooldown

pytestmark = pytest.mark.anyio


@contextlib.asynccontextmanager
async def tasks() -> AsyncIterator[anyio.abc.TaskGroup]:
    """A task group that fails the test after 5s instead of hanging if its tasks deadlock."""
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            yield tg


class FakeClock:
    """A clock that only moves when ``sleep`` is awaited; ``sleeps`` records every wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


async def test_acquire_takes_the_weight_and_release_returns_it() -> None:
    """A call for n images holds n places until it releases them."""
    budget = InflightBudget(10)
    assert await budget.acquire(4) == 4
    assert await budget.acquire(3) == 3
    assert budget.in_use == 7
    budget.release(4)
    assert budget.in_use == 3
    budget.release(3)
    assert budget.in_use == 0


async def test_weight_zero_or_less_takes_one_place() -> None:
    """A call without images still takes one place."""
    budget = InflightBudget(10)
    assert await budget.acquire(0) == 1
    assert budget.in_use == 1


async def test_acquire_waits_until_enough_places_are_free() -> None:
    """A call that does not fit waits, and goes as soon as enough places are released."""
    budget = InflightBudget(5)
    await budget.acquire(4)
    granted: list[int] = []
    async with tasks() as tg:

        async def wants_two() -> None:
            granted.append(await budget.acquire(2))

        tg.start_soon(wants_two)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget.release(1)  # 3 in use: 2 more fit
    assert granted == [2]
    assert budget.in_use == 5


async def test_waiters_are_served_first_come_first_served() -> None:
    """A large call queued first is not starved by small calls that would fit sooner."""
    budget = InflightBudget(4)
    await budget.acquire(3)
    order: list[str] = []
    async with tasks() as tg:

        async def call(name: str, weight: int) -> None:
            taken = await budget.acquire(weight)
            order.append(name)
            await anyio.lowlevel.checkpoint()
            budget.release(taken)

        tg.start_soon(call, "large", 4)
        await anyio.wait_all_tasks_blocked()
        # One place is free, yet the small call must queue behind the large one.
        tg.start_soon(call, "small", 1)
        await anyio.wait_all_tasks_blocked()
        assert order == []
        assert budget.in_use == 3
        budget.release(3)
    assert order == ["large", "small"]
    assert budget.in_use == 0


async def test_waiters_that_fit_together_are_granted_together() -> None:
    """One release wakes every queued call that fits, in order, not just the first."""
    budget = InflightBudget(4)
    await budget.acquire(4)
    granted: list[int] = []
    async with tasks() as tg:

        async def call(weight: int) -> None:
            granted.append(await budget.acquire(weight))

        for weight in (1, 2, 1):
            tg.start_soon(call, weight)
            await anyio.wait_all_tasks_blocked()
        budget.release(4)
    assert sorted(granted) == [1, 1, 2]
    assert budget.in_use == 4


async def test_a_call_larger_than_the_budget_takes_the_whole_budget() -> None:
    """A call for more images than the budget holds runs alone instead of deadlocking."""
    budget = InflightBudget(4)
    assert await budget.acquire(8) == 4
    assert budget.in_use == 4
    budget.release(4)


async def test_a_call_larger_than_the_budget_waits_for_all_of_it() -> None:
    """A call for more than the budget waits until every place is free, then holds them all."""
    budget = InflightBudget(4)
    await budget.acquire(1)
    granted: list[int] = []
    async with tasks() as tg:

        async def huge() -> None:
            granted.append(await budget.acquire(8))

        tg.start_soon(huge)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget.release(1)
    assert granted == [4]
    assert budget.in_use == 4


async def test_shrink_to_lowers_the_capacity_only() -> None:
    """The server's limit lowers the budget; a larger value, or one below 1, does not apply."""
    budget = InflightBudget(10)
    budget.shrink_to(5)
    assert budget.capacity == 5
    budget.shrink_to(8)
    assert budget.capacity == 5
    budget.shrink_to(0)
    assert budget.capacity == 1


async def test_after_shrinking_new_calls_fit_the_new_capacity() -> None:
    """After a shrink, calls wait whenever they would exceed the lowered capacity."""
    budget = InflightBudget(10)
    budget.shrink_to(3)
    await budget.acquire(2)
    granted: list[int] = []
    async with tasks() as tg:

        async def call() -> None:
            granted.append(await budget.acquire(2))

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget.release(2)
    assert granted == [2]


async def test_a_queued_call_larger_than_a_shrunk_budget_takes_the_whole_new_budget() -> None:
    """A call queued before a shrink takes the new, smaller whole budget, not its old weight."""
    budget = InflightBudget(10)
    await budget.acquire(5)
    granted: list[int] = []
    async with tasks() as tg:

        async def call() -> None:
            granted.append(await budget.acquire(8))

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        budget.shrink_to(4)
        budget.release(5)
    assert granted == [4]
    assert budget.in_use == 4


async def test_a_cancelled_waiter_leaves_the_queue_and_unblocks_those_behind() -> None:
    """Cancelling a queued call takes it out of line; the calls behind it proceed."""
    budget = InflightBudget(4)
    await budget.acquire(3)
    order: list[str] = []
    async with tasks() as tg:
        large_scope = anyio.CancelScope()

        async def large() -> None:
            with large_scope:
                await budget.acquire(4)
                order.append("large")

        async def small() -> None:
            await budget.acquire(1)
            order.append("small")

        tg.start_soon(large)
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(small)
        await anyio.wait_all_tasks_blocked()
        assert order == []
        large_scope.cancel()
    assert order == ["small"]
    assert budget.in_use == 4


@pytest.mark.parametrize("order", ["cancel, then grant", "grant, then cancel"])
async def test_a_waiter_cancelled_around_its_grant_leaks_no_places(order: str) -> None:
    """A queued call cancelled just before or just after it is granted leaves nothing held."""
    budget = InflightBudget(2)
    await budget.acquire(2)
    done: list[int] = []
    async with tasks() as tg:
        scope = anyio.CancelScope()

        async def call() -> None:
            # What the send pipeline does: hold the places only inside try/finally.
            with scope:
                taken = await budget.acquire(2)
                try:
                    await anyio.lowlevel.checkpoint()
                    done.append(taken)
                finally:
                    budget.release(taken)

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        # Both happen before the waiter runs again.
        if order == "cancel, then grant":
            scope.cancel()
            budget.release(2)
        else:
            budget.release(2)
            scope.cancel()
    assert done == []
    assert budget.in_use == 0
    assert await budget.acquire(2) == 2


@pytest.mark.parametrize("order", ["cancel, then grant", "grant, then cancel"])
async def test_places_of_a_cancelled_waiter_go_to_the_next_in_line(order: str) -> None:
    """Places granted to a call cancelled around its grant go on to the next queued call."""
    budget = InflightBudget(2)
    await budget.acquire(2)
    order_served: list[str] = []
    async with tasks() as tg:
        scope = anyio.CancelScope()

        async def call(name: str, cancel_scope: anyio.CancelScope) -> None:
            with cancel_scope:
                taken = await budget.acquire(2)
                try:
                    await anyio.lowlevel.checkpoint()
                    order_served.append(name)
                finally:
                    budget.release(taken)

        tg.start_soon(call, "first", scope)
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(call, "second", anyio.CancelScope())
        await anyio.wait_all_tasks_blocked()
        if order == "cancel, then grant":
            scope.cancel()
            budget.release(2)
        else:
            budget.release(2)
            scope.cancel()
    assert order_served == ["second"]
    assert budget.in_use == 0


async def test_many_concurrent_calls_never_exceed_the_budget() -> None:
    """However many calls run at once, the places held never exceed the capacity."""
    budget = InflightBudget(5)
    peak = 0
    async with tasks() as tg:

        async def call(weight: int) -> None:
            nonlocal peak
            taken = await budget.acquire(weight)
            peak = max(peak, budget.in_use)
            for _ in range(3):
                await anyio.lowlevel.checkpoint()
            budget.release(taken)

        for i in range(40):
            tg.start_soon(call, 1 + i % 4)
    assert peak == 5
    assert budget.in_use == 0


async def test_cooldown_without_a_pause_does_not_wait() -> None:
    """With no 429 seen, a send goes at once."""
    clock = FakeClock()
    await Cooldown(clock, clock.sleep).wait()
    assert clock.sleeps == []


async def test_cooldown_waits_out_the_pause() -> None:
    """After ``extend(5)``, a send waits until 5 seconds have passed."""
    clock = FakeClock()
    cooldown = Cooldown(clock, clock.sleep)
    cooldown.extend(5.0)
    await cooldown.wait()
    assert clock.sleeps == [5.0]
    assert clock.now == 5.0


async def test_cooldown_only_waits_for_what_remains() -> None:
    """A send that comes part-way through the pause waits only for the rest."""
    clock = FakeClock()
    cooldown = Cooldown(clock, clock.sleep)
    cooldown.extend(5.0)
    clock.now = 3.0
    await cooldown.wait()
    assert clock.sleeps == [2.0]


async def test_cooldown_keeps_the_longer_pause() -> None:
    """A shorter pause never cuts a longer one short; a longer one extends it."""
    clock = FakeClock()
    cooldown = Cooldown(clock, clock.sleep)
    cooldown.extend(10.0)
    cooldown.extend(2.0)
    await cooldown.wait()
    assert clock.now == 10.0
    cooldown.extend(1.0)
    cooldown.extend(4.0)
    await cooldown.wait()
    assert clock.now == 14.0


async def test_cooldown_extended_while_waiting_waits_again() -> None:
    """A pause extended while a task waits keeps that task waiting until the new end."""
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        if not clock.sleeps:
            cooldown.extend(5.0)  # another 429 lands during the first wait
        await clock.sleep(seconds)

    cooldown = Cooldown(clock, sleep)
    cooldown.extend(2.0)
    await cooldown.wait()
    assert clock.now == 5.0
    assert clock.sleeps == [2.0, 3.0]


async def test_cooldown_holds_every_waiting_task() -> None:
    """Every task that waits on the cooldown goes only after the pause ends."""
    clock = FakeClock()
    cooldown = Cooldown(clock, clock.sleep)
    cooldown.extend(3.0)
    released_at: list[float] = []
    async with tasks() as tg:

        async def send() -> None:
            await cooldown.wait()
            released_at.append(clock.now)

        for _ in range(5):
            tg.start_soon(send)
    assert len(released_at) == 5
    assert min(released_at) >= 3.0
