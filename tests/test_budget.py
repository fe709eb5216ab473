"""``InflightBudget``: the weighted queue of places, its adaptive capacity, and its 429 pauses.

The queue is tested through ``_acquire``/``_release`` (what ``hold`` wraps), so a test can hold
places across tasks; everything else goes through the ``Budget`` protocol.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
import anyio.abc
import anyio.lowlevel
import pytest

from ideogram_async import Budget, BudgetState, InflightBudget

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
    assert await budget._acquire(4) == 4
    assert await budget._acquire(3) == 3
    assert budget.in_use == 7
    budget._release(4)
    assert budget.in_use == 3
    budget._release(3)
    assert budget.in_use == 0


async def test_weight_zero_or_less_takes_one_place() -> None:
    """A call without images still takes one place."""
    budget = InflightBudget(10)
    assert await budget._acquire(0) == 1
    assert budget.in_use == 1


async def test_acquire_waits_until_enough_places_are_free() -> None:
    """A call that does not fit waits, and goes as soon as enough places are released."""
    budget = InflightBudget(5)
    await budget._acquire(4)
    granted: list[int] = []
    async with tasks() as tg:

        async def wants_two() -> None:
            granted.append(await budget._acquire(2))

        tg.start_soon(wants_two)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget._release(1)  # 3 in use: 2 more fit
    assert granted == [2]
    assert budget.in_use == 5


async def test_waiters_are_served_first_come_first_served() -> None:
    """A large call queued first is not starved by small calls that would fit sooner."""
    budget = InflightBudget(4)
    await budget._acquire(3)
    order: list[str] = []
    async with tasks() as tg:

        async def call(name: str, weight: int) -> None:
            taken = await budget._acquire(weight)
            order.append(name)
            await anyio.lowlevel.checkpoint()
            budget._release(taken)

        tg.start_soon(call, "large", 4)
        await anyio.wait_all_tasks_blocked()
        # One place is free, yet the small call must queue behind the large one.
        tg.start_soon(call, "small", 1)
        await anyio.wait_all_tasks_blocked()
        assert order == []
        assert budget.in_use == 3
        budget._release(3)
    assert order == ["large", "small"]
    assert budget.in_use == 0


async def test_waiters_that_fit_together_are_granted_together() -> None:
    """One release wakes every queued call that fits, in order, not just the first."""
    budget = InflightBudget(4)
    await budget._acquire(4)
    granted: list[int] = []
    async with tasks() as tg:

        async def call(weight: int) -> None:
            granted.append(await budget._acquire(weight))

        for weight in (1, 2, 1):
            tg.start_soon(call, weight)
            await anyio.wait_all_tasks_blocked()
        budget._release(4)
    assert sorted(granted) == [1, 1, 2]
    assert budget.in_use == 4


async def test_a_call_larger_than_the_budget_takes_the_whole_budget() -> None:
    """A call for more images than the budget holds runs alone instead of deadlocking."""
    budget = InflightBudget(4)
    assert await budget._acquire(8) == 4
    assert budget.in_use == 4
    budget._release(4)


async def test_a_call_larger_than_the_budget_waits_for_all_of_it() -> None:
    """A call for more than the budget waits until every place is free, then holds them all."""
    budget = InflightBudget(4)
    await budget._acquire(1)
    granted: list[int] = []
    async with tasks() as tg:

        async def huge() -> None:
            granted.append(await budget._acquire(8))

        tg.start_soon(huge)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget._release(1)
    assert granted == [4]
    assert budget.in_use == 4


async def test_after_shrinking_new_calls_fit_the_new_capacity() -> None:
    """After a shrink, calls wait whenever they would exceed the lowered capacity."""
    budget = InflightBudget(10)
    await budget.rate_limited(limit=3, retry_after=0)
    await budget._acquire(2)
    granted: list[int] = []
    async with tasks() as tg:

        async def call() -> None:
            granted.append(await budget._acquire(2))

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        assert granted == []
        budget._release(2)
    assert granted == [2]


async def test_a_queued_call_larger_than_a_shrunk_budget_takes_the_whole_new_budget() -> None:
    """A call queued before a shrink takes the new, smaller whole budget, not its old weight."""
    budget = InflightBudget(10)
    await budget._acquire(5)
    granted: list[int] = []
    async with tasks() as tg:

        async def call() -> None:
            granted.append(await budget._acquire(8))

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        await budget.rate_limited(limit=4, retry_after=0)
        budget._release(5)
    assert granted == [4]
    assert budget.in_use == 4


async def test_a_cancelled_waiter_leaves_the_queue_and_unblocks_those_behind() -> None:
    """Cancelling a queued call takes it out of line; the calls behind it proceed."""
    budget = InflightBudget(4)
    await budget._acquire(3)
    order: list[str] = []
    async with tasks() as tg:
        large_scope = anyio.CancelScope()

        async def large() -> None:
            with large_scope:
                await budget._acquire(4)
                order.append("large")

        async def small() -> None:
            await budget._acquire(1)
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
    await budget._acquire(2)
    done: list[int] = []
    async with tasks() as tg:
        scope = anyio.CancelScope()

        async def call() -> None:
            # What the send pipeline does: hold the places only inside try/finally.
            with scope:
                taken = await budget._acquire(2)
                try:
                    await anyio.lowlevel.checkpoint()
                    done.append(taken)
                finally:
                    budget._release(taken)

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        # Both happen before the waiter runs again.
        if order == "cancel, then grant":
            scope.cancel()
            budget._release(2)
        else:
            budget._release(2)
            scope.cancel()
    assert done == []
    assert budget.in_use == 0
    assert await budget._acquire(2) == 2


@pytest.mark.parametrize("order", ["cancel, then grant", "grant, then cancel"])
async def test_places_of_a_cancelled_waiter_go_to_the_next_in_line(order: str) -> None:
    """Places granted to a call cancelled around its grant go on to the next queued call."""
    budget = InflightBudget(2)
    await budget._acquire(2)
    order_served: list[str] = []
    async with tasks() as tg:
        scope = anyio.CancelScope()

        async def call(name: str, cancel_scope: anyio.CancelScope) -> None:
            with cancel_scope:
                taken = await budget._acquire(2)
                try:
                    await anyio.lowlevel.checkpoint()
                    order_served.append(name)
                finally:
                    budget._release(taken)

        tg.start_soon(call, "first", scope)
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(call, "second", anyio.CancelScope())
        await anyio.wait_all_tasks_blocked()
        if order == "cancel, then grant":
            scope.cancel()
            budget._release(2)
        else:
            budget._release(2)
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
            taken = await budget._acquire(weight)
            peak = max(peak, budget.in_use)
            for _ in range(3):
                await anyio.lowlevel.checkpoint()
            budget._release(taken)

        for i in range(40):
            tg.start_soon(call, 1 + i % 4)
    assert peak == 5
    assert budget.in_use == 0


# --- the Budget protocol, and the adaptive capacity ----------------------------------------------


def test_inflight_budget_implements_the_protocol() -> None:
    """``InflightBudget`` is a ``Budget``: what ``AsyncIdeogram(budget=...)`` takes."""
    budget: Budget = InflightBudget(3)
    assert (budget.capacity, budget.in_use) == (3, 0)


def test_max_capacity_below_one_is_refused() -> None:
    """A budget of no places at all cannot be built."""
    with pytest.raises(ValueError, match="at least 1"):
        InflightBudget(0)


async def test_hold_gives_the_places_back_on_error() -> None:
    """``hold`` holds the places for its body, and frees them when the body raises."""
    budget = InflightBudget(5)
    seen: list[tuple[int, int]] = []

    async def fails() -> None:
        async with budget.hold(3) as held:
            seen.append((held, budget.in_use))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await fails()
    assert seen == [(3, 3)]
    assert budget.in_use == 0


async def test_hold_gives_the_places_back_on_cancellation() -> None:
    """A holder cancelled in its body leaves nothing held."""
    budget = InflightBudget(5)
    with anyio.move_on_after(0):
        async with budget.hold(2):
            await anyio.sleep(1)
    assert budget.in_use == 0


@pytest.mark.parametrize(
    ("held", "limit", "capacity"),
    [(10, 5, 5), (6, 5, 5), (10, 8, 8), (2, 50, 5), (1, 3, 3), (3, 0, 5), (10, 20, 9)],
)
async def test_a_reported_limit_is_fitted(held: int, limit: int, capacity: int) -> None:
    """A 429 with a limit fits it, capped at the maximum; refused below it, the budget halves."""
    budget = InflightBudget(10)
    await budget._acquire(held)
    await budget.rate_limited(limit=limit, retry_after=0)
    assert budget.capacity == capacity


async def test_unreported_429s_shrink_to_what_the_server_admitted() -> None:
    """Each 429 without a limit takes the capacity down to the places the server had admitted."""
    budget = InflightBudget(10)
    await budget._acquire(10)
    for expected in (9, 8, 7, 6, 5):  # five of the ten calls are refused, one after another
        await budget.rate_limited(limit=None, retry_after=0)
        budget._release(1)
        assert budget.capacity == expected
    assert budget.in_use == 5


async def test_an_unreported_429_shrinks_at_most_by_half_and_never_below_one() -> None:
    """A 429 with little in flight halves the capacity; it never reaches 0."""
    budget = InflightBudget(10)
    await budget._acquire(1)
    seen = []
    for _ in range(5):
        await budget.rate_limited(limit=None, retry_after=0)
        seen.append(budget.capacity)
    assert seen == [5, 2, 1, 1, 1]


async def grow(budget: InflightBudget, successes: int) -> None:
    """``successes`` one-place calls succeed while the budget is full (others are queueing)."""
    taken = await budget._acquire(budget.capacity)
    for _ in range(successes):
        await budget.succeeded(1)
    budget._release(taken)


async def test_the_capacity_grows_back_slowly_after_sustained_success() -> None:
    """After a shrink to 5, one place more per 4 windows of successes, up to the maximum."""
    budget = InflightBudget(8)
    await budget._acquire(8)
    await budget.rate_limited(limit=None, retry_after=0)
    budget._release(8)
    assert budget.capacity == 7
    await budget.rate_limited(limit=None, retry_after=0)
    assert budget.capacity == 3
    await grow(budget, 11)
    assert budget.capacity == 3
    await grow(budget, 1)
    assert budget.capacity == 4
    assert budget.state.reason == "grew after 12 places succeeded"
    for _ in range(10):
        await grow(budget, 100)
    assert budget.capacity == 8  # never past max_capacity


async def refuse_growth(budget: InflightBudget) -> None:
    """The server refuses the place the budget grew by, with a 429 that reports no limit."""
    taken = await budget._acquire(budget.capacity)
    await budget.rate_limited(limit=None, retry_after=0)
    budget._release(taken)


async def test_each_refused_growth_doubles_the_wait_for_the_next() -> None:
    """Growth past an unreported limit the server refuses is tried half as often each time."""
    budget = InflightBudget(10)
    await budget._acquire(10)
    for _ in range(5):  # five of ten refused: the server admits 5
        await budget.rate_limited(limit=None, retry_after=0)
        budget._release(1)
    budget._release(5)
    waits = []
    for _ in range(4):
        assert budget.capacity == 5
        successes = 0
        while budget.capacity == 5:
            await grow(budget, 1)
            successes += 1
        waits.append(successes)
        await refuse_growth(budget)
    assert waits == [20, 40, 80, 80]  # 4, 8, 16 windows of 5, then no slower
    await grow(budget, 80)
    assert budget.capacity == 6
    await grow(budget, 96)  # the growth to 6 held: the wait starts again from 4 windows
    assert budget.capacity == 7
    await grow(budget, 28)
    assert budget.capacity == 8


async def test_idle_capacity_does_not_grow() -> None:
    """Successes while places are free and nobody waits prove nothing: no growth."""
    budget = InflightBudget(8)
    await budget.rate_limited(limit=None, retry_after=0)
    assert budget.capacity == 4
    for _ in range(100):
        async with budget.hold(1):
            await budget.succeeded(1)
    assert budget.capacity == 4


async def test_a_budget_recovers_when_the_servers_limit_rises() -> None:
    """Past a reported limit the budget probes, slowly: 16 windows of successes per place."""
    budget = InflightBudget(10)
    await budget._acquire(10)
    await budget.rate_limited(limit=5, retry_after=0)
    budget._release(10)
    assert budget.capacity == 5
    await grow(budget, 79)
    assert budget.capacity == 5
    await grow(budget, 1)
    assert budget.capacity == 6


# trio runs the tasks ready at once in an order it varies on purpose; asyncio runs them in turn.
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_holder_lets_the_call_it_hands_its_places_to_go_first(anyio_backend: str) -> None:
    """Leaving ``hold`` with a call waiting yields, so that call sends before this one goes on."""
    budget = InflightBudget(1)
    order = []

    async def waiting_call() -> None:
        async with budget.hold(1):
            order.append("the waiting call sends")

    async with anyio.create_task_group() as tg:
        async with budget.hold(1):
            tg.start_soon(waiting_call)
            while not budget.state.waiting:
                await anyio.lowlevel.checkpoint()
        order.append("the call that held the place reads its answer")
    assert order == ["the waiting call sends", "the call that held the place reads its answer"]


async def test_growth_lets_queued_calls_in() -> None:
    """When the capacity grows, a call queued for the new place goes at once."""
    budget = InflightBudget(2)
    await budget._acquire(2)
    await budget.rate_limited(limit=1, retry_after=0)
    budget._release(1)
    granted: list[int] = []
    async with tasks() as tg:

        async def call() -> None:
            granted.append(await budget._acquire(1))

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        for _ in range(16):
            await budget.succeeded(1)
        await anyio.wait_all_tasks_blocked()
        assert granted == [1]
        budget._release(2)


async def test_on_change_reports_every_change_with_its_reason() -> None:
    """``on_change`` gets a ``BudgetState`` for each change of places held, waiting or capacity."""
    states: list[BudgetState] = []
    budget = InflightBudget(4, on_change=states.append)
    async with budget.hold(3):
        await budget.rate_limited(limit=2, retry_after=0)
    assert states == [
        BudgetState(capacity=4, max_capacity=4, in_use=3, waiting=0, reason="start"),
        BudgetState(
            capacity=2,
            max_capacity=4,
            in_use=3,
            waiting=0,
            reason="429 reporting a limit of 2, with 3 in flight",
        ),
        BudgetState(
            capacity=2,
            max_capacity=4,
            in_use=0,
            waiting=0,
            reason="429 reporting a limit of 2, with 3 in flight",
        ),
    ]
    assert budget.state == states[-1]


# --- the pause after a 429 -----------------------------------------------------------------------


def paused_budget(
    clock: FakeClock, *, backoff: float = 0.5, max_backoff: float = 8.0
) -> InflightBudget:
    """A budget on the fake clock."""
    return InflightBudget(
        10, clock=clock, sleep=clock.sleep, backoff=backoff, max_backoff=max_backoff
    )


async def test_without_a_429_hold_does_not_wait() -> None:
    """With no 429 seen, a call goes at once."""
    clock = FakeClock()
    async with paused_budget(clock).hold(1):
        pass
    assert clock.sleeps == []


async def test_a_retry_after_is_waited_out_in_full() -> None:
    """After a 429 with ``Retry-After: 5``, the next holder waits 5 seconds, successes or not."""
    clock = FakeClock()
    budget = paused_budget(clock)
    await budget.rate_limited(limit=None, retry_after=5.0)
    await budget.succeeded(1)
    async with budget.hold(1):
        assert clock.now == 5.0
    assert clock.sleeps == [5.0]


async def test_the_pause_only_waits_for_what_remains() -> None:
    """A holder that comes part-way through the pause waits only for the rest."""
    clock = FakeClock()
    budget = paused_budget(clock)
    await budget.rate_limited(limit=None, retry_after=5.0)
    clock.now = 3.0
    async with budget.hold(1):
        pass
    assert clock.sleeps == [2.0]


async def test_the_longer_pause_wins() -> None:
    """A shorter pause never cuts a longer one short; a longer one extends it."""
    clock = FakeClock()
    budget = paused_budget(clock)
    await budget.rate_limited(limit=None, retry_after=10.0)
    await budget.rate_limited(limit=None, retry_after=2.0)
    async with budget.hold(1):
        assert clock.now == 10.0


async def test_without_retry_after_the_backoff_doubles_up_to_its_cap() -> None:
    """429s without ``Retry-After`` in a row pause for 0.5, 1, 2, 4, then at most 5 seconds."""
    clock = FakeClock()
    budget = paused_budget(clock, backoff=0.5, max_backoff=5.0)
    for _ in range(5):
        await budget.rate_limited(limit=None, retry_after=None)
        async with budget.hold(1):
            pass
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0]


async def test_a_success_ends_a_backoff_pause_early() -> None:
    """A call that succeeds frees a place on the server: holders paused by a backoff go on."""
    clock = FakeClock()
    budget = InflightBudget(10, clock=clock, sleep=anyio.sleep, backoff=3600.0, max_backoff=3600.0)
    await budget._acquire(1)
    await budget.rate_limited(limit=None, retry_after=None)
    entered: list[float] = []
    async with tasks() as tg:

        async def call() -> None:
            async with budget.hold(1):
                entered.append(clock.now)

        tg.start_soon(call)
        await anyio.wait_all_tasks_blocked()
        assert entered == []
        assert budget.state.waiting == 1
        await budget.succeeded(1)
    assert entered == [0.0]
    # And the backoff starts again from its first step.
    await budget.rate_limited(limit=None, retry_after=None)
    assert budget._soft_until == 3600.0


async def test_a_success_does_not_end_a_retry_after() -> None:
    """A pause the server asked for is honoured even when a call succeeds meanwhile."""
    clock = FakeClock()
    budget = paused_budget(clock)
    await budget.rate_limited(limit=None, retry_after=None)
    await budget.rate_limited(limit=None, retry_after=4.0)
    await budget.succeeded(1)
    async with budget.hold(1):
        assert clock.now == 4.0


async def test_a_pause_extended_while_waiting_waits_again() -> None:
    """A pause extended while a holder waits keeps it waiting until the new end."""
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        if not clock.sleeps:
            await budget.rate_limited(limit=None, retry_after=5.0)  # a 429 during the wait
        await clock.sleep(seconds)

    budget = InflightBudget(10, clock=clock, sleep=sleep)
    await budget.rate_limited(limit=None, retry_after=2.0)
    async with budget.hold(1):
        assert clock.now == 5.0
    assert clock.sleeps == [2.0, 3.0]


async def test_the_pause_holds_every_holder() -> None:
    """Every call that holds places goes only after the pause ends."""
    clock = FakeClock()
    budget = paused_budget(clock)
    await budget.rate_limited(limit=None, retry_after=3.0)
    released_at: list[float] = []
    async with tasks() as tg:

        async def send() -> None:
            async with budget.hold(1):
                released_at.append(clock.now)

        for _ in range(5):
            tg.start_soon(send)
    assert len(released_at) == 5
    assert min(released_at) >= 3.0


async def test_an_injected_sleep_that_does_not_move_the_clock_cannot_spin() -> None:
    """A ``sleep`` alone (no clock) sleeps each pause once, then the holder goes on."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    budget = InflightBudget(10, clock=lambda: 0.0, sleep=sleep)
    await budget.rate_limited(limit=None, retry_after=7.0)
    async with budget.hold(1):
        pass
    assert slept == [7.0]
