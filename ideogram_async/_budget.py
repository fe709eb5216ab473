"""The client's shared view of the server: a budget of images in flight, and a 429 cooldown."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import anyio
import attrs

__all__ = ["Budget", "BudgetState", "Cooldown", "InflightBudget"]


class _Waiter:
    __slots__ = ("event", "granted", "weight")

    def __init__(self, weight: int) -> None:
        self.weight = weight
        self.granted = 0
        self.event = anyio.Event()


class InflightBudget:
    """A weighted semaphore: a call for ``n`` images holds ``n`` places while it is in flight.

    Waiters are served first come, first served, so a large call is not starved by small ones.
    A call for more places than the whole budget waits for the whole budget. The capacity only
    ever shrinks (to what the server reports in a 429), never grows on its own.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._in_use = 0
        self._waiters: deque[_Waiter] = deque()

    @property
    def capacity(self) -> int:
        """The most places that may be held at once."""
        return self._capacity

    @property
    def in_use(self) -> int:
        """The places held now."""
        return self._in_use

    def shrink_to(self, capacity: int) -> None:
        """Lower the capacity (never below 1); a larger value is ignored."""
        self._capacity = max(1, min(self._capacity, capacity))

    async def acquire(self, weight: int) -> int:
        """Wait for ``weight`` places (at most the whole budget); returns the places taken."""
        take = min(max(1, weight), self._capacity)
        if not self._waiters and self._in_use + take <= self._capacity:
            self._in_use += take
            return take
        waiter = _Waiter(max(1, weight))
        self._waiters.append(waiter)
        try:
            await waiter.event.wait()
        except BaseException:
            # Cancelled: give back places granted in the meantime, or leave the queue.
            if waiter.granted:
                self.release(waiter.granted)
            else:
                self._waiters.remove(waiter)
                self._wake()
            raise
        return waiter.granted

    def release(self, taken: int) -> None:
        """Give back places taken by ``acquire``."""
        self._in_use -= taken
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters[0]
            take = min(waiter.weight, self._capacity)
            if self._in_use + take > self._capacity:
                return
            self._waiters.popleft()
            self._in_use += take
            waiter.granted = take
            waiter.event.set()


class Cooldown:
    """Holds back new sends from the whole client until a moment has passed."""

    def __init__(
        self, clock: Callable[[], float], sleep: Callable[[float], Awaitable[None]]
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._until = 0.0

    def extend(self, delay: float) -> None:
        """Pause sends for ``delay`` seconds from now, unless a longer pause is already set."""
        self._until = max(self._until, self._clock() + delay)

    async def wait(self) -> None:
        """Return once no pause is in force."""
        while (remaining := self._until - self._clock()) > 0:
            until = self._until
            await self._sleep(remaining)
            if self._until == until:
                # This pause is slept out. Only a later pause set meanwhile sends us round again,
                # so an injected sleep that does not move the clock cannot spin the loop.
                return


class Budget(Protocol):
    """What the client needs of an in-flight budget; exported as ``ideogram_async.Budget``."""

    @property
    def capacity(self) -> int:
        """Places that may be held now."""
        ...

    @property
    def in_use(self) -> int:
        """Places held now."""
        ...

    def hold(self, weight: int) -> AbstractAsyncContextManager[int]:
        """Wait for ``weight`` places (capped at ``max_capacity``) and for any 429 cooldown,
        hold them for the body of the ``async with`` (the value is the places held), and give
        them back on exit, also on error or cancellation."""
        ...

    async def rate_limited(self, *, limit: int | None, retry_after: float | None) -> None:
        """A 429 of the in-flight kind arrived while holding places: fit ``limit`` when the
        server reported one, else shrink (multiplicatively); pause every holder for
        ``retry_after`` (or the policy's backoff). Called before the places go back."""
        ...

    async def succeeded(self, weight: int) -> None:
        """A call that held ``weight`` places succeeded (for additive increase)."""
        ...


@attrs.frozen
class BudgetState:
    """A snapshot of what a budget is doing, for progress displays and logs.

    Attributes:
        capacity: Places that may be held now.
        max_capacity: The most the capacity may grow to (``max_inflight_images``).
        in_use: Places held now.
        waiting: Calls waiting for places or for a 429 pause to end.
        reason: Why the capacity last changed, in words (``"start"`` until it first does).
    """

    capacity: int
    max_capacity: int
    in_use: int
    waiting: int
    reason: str
