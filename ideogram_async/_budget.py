"""The client's view of the server's in-flight limit: a ``Budget`` of places, and its pauses.

``Budget`` is what the send pipeline needs; ``InflightBudget`` is the local, adaptive one. Any
other budget (one shared through Redis by many processes, say) implements the same protocol.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import anyio
import anyio.lowlevel
import attrs

__all__ = ["Budget", "BudgetState", "InflightBudget"]

logger = logging.getLogger("ideogram_async")

# Growth: one more place after this many full windows (``capacity`` places) of successes
# while the budget was what held calls back. A limit the server reported is trusted longer, and
# so, doubling per refusal, is a limit the server keeps refusing growth past without saying it.
_WINDOWS_TO_GROW = 4
_WINDOWS_TO_GROW_PAST_A_REPORTED_LIMIT = 16


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


class _Waiter:
    __slots__ = ("event", "granted", "weight")

    def __init__(self, weight: int) -> None:
        self.weight = weight
        self.granted = 0
        self.event = anyio.Event()


class InflightBudget:
    """The local adaptive budget: a call for ``n`` images holds ``n`` places while in flight.

    Waiters are served first come, first served, so a large call is not starved by small ones;
    a call for more places than the capacity waits for the whole capacity and runs alone.
    A holder that hands its places on yields once, so the calls given them send first.

    The capacity adapts to the server (additive increase, multiplicative decrease):

    - a 429 that reports the limit (``max_inflight_requests``) fits the capacity to it;
    - a 429 without one shrinks it to the places the server had already admitted (those held,
      less the refused call's), by at least one place and at most by half;
    - after ``4 * capacity`` places succeeded while calls were queueing for places, it grows by
      one (``16 * capacity`` past a limit the server reported), up to ``max_capacity``; so a
      budget that shrank recovers when the server's limit rises again. Each time a place so
      grown is refused by a 429 without a limit, the next growth waits twice as long (at most
      ``16 * capacity``); a growth that holds until the next one resets the wait.

    A 429 also pauses every holder before it sends: for the ``Retry-After`` the server gave, or
    else for a backoff (``backoff``, doubling per 429 up to ``max_backoff``) that ends early
    when a call succeeds, since that frees a place on the server.

    Args:
        max_capacity: The most places that may ever be held (``max_inflight_images``).
        on_change: Called with a ``BudgetState`` after every change of capacity, places held
            or calls waiting.
        backoff: The first pause after a 429 without ``Retry-After``, in seconds.
        max_backoff: The longest such pause.
        clock: A monotonic clock in seconds (for tests); default ``time.monotonic``.
        sleep: The coroutine used to wait (for tests); default ``anyio.sleep``.

    Raises:
        ValueError: ``max_capacity`` is below 1.
    """

    def __init__(
        self,
        max_capacity: int = 10,
        *,
        on_change: Callable[[BudgetState], object] | None = None,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if max_capacity < 1:
            raise ValueError("max_capacity must be at least 1")
        self._max = max_capacity
        self._capacity = max_capacity
        self._in_use = 0
        self._waiters: deque[_Waiter] = deque()
        self._pausing = 0
        self._reason = "start"
        self._on_change = on_change
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._clock = clock or time.monotonic
        self._sleep = sleep or anyio.sleep
        self._streak = 0
        self._trusted = False  # the capacity came from a limit the server reported
        self._grew = False  # the capacity last changed by growing
        self._probes_refused = 0  # growths refused in a row by a 429 without a limit
        self._hard_until = 0.0  # a Retry-After: waited out in full
        self._soft_until = 0.0  # a backoff: ends at the next success
        self._strikes = 0
        self._pauses: set[anyio.CancelScope] = set()

    def __repr__(self) -> str:
        return (
            f"<InflightBudget capacity={self._capacity}/{self._max} in_use={self._in_use} "
            f"waiting={self.state.waiting}>"
        )

    @property
    def capacity(self) -> int:
        """Places that may be held now."""
        return self._capacity

    @property
    def max_capacity(self) -> int:
        """The most the capacity may grow to."""
        return self._max

    @property
    def in_use(self) -> int:
        """Places held now."""
        return self._in_use

    @property
    def state(self) -> BudgetState:
        """What the budget is doing now (capacity, maximum, places held, calls waiting, why)."""
        return BudgetState(
            capacity=self._capacity,
            max_capacity=self._max,
            in_use=self._in_use,
            waiting=len(self._waiters) + self._pausing,
            reason=self._reason,
        )

    def hold(self, weight: int) -> AbstractAsyncContextManager[int]:
        """Wait for ``weight`` places (at most the capacity) and for any 429 pause; hold them.

        Args:
            weight: The images the call makes; 0 or less takes one place.

        Returns:
            An async context manager whose value is the places held.
        """
        return self._hold(weight)

    async def rate_limited(self, *, limit: int | None, retry_after: float | None) -> None:
        """Fit the server's ``limit`` or shrink, and pause every holder (see the class).

        Args:
            limit: The limit the 429 reported, or ``None``; a limit below 1 counts as none.
            retry_after: The seconds the server asked to wait; ``None`` pauses for the backoff.
        """
        old = self._capacity
        # The server refused while it had admitted at most the other places held.
        shrunk = max(1, min(old - 1, max(self._in_use - 1, old // 2)))
        if limit is not None and limit > 0:
            fit = min(limit, self._max)
            # Refused below its own limit: other clients share it, so shrink as well.
            self._capacity = fit if self._in_use > limit else min(fit, shrunk)
            self._trusted = True
            self._reason = f"429 reporting a limit of {limit}, with {self._in_use} in flight"
        else:
            self._capacity = shrunk
            self._trusted = False
            self._reason = f"429 without a limit, with {self._in_use} in flight"
            if self._grew:  # the place it grew by was one too many: probe less often
                self._probes_refused += 1
        self._grew = False
        self._streak = 0
        if self._capacity != old:
            logger.info(
                "in-flight budget lowered from %d to %d images (%s)",
                old,
                self._capacity,
                self._reason,
            )
        now = self._clock()
        if retry_after is not None:
            self._hard_until = max(self._hard_until, now + max(0.0, retry_after))
        else:
            self._strikes += 1
            pause = min(self._max_backoff, self._backoff * 2 ** min(self._strikes - 1, 30))
            self._soft_until = max(self._soft_until, now + pause)
        self._changed()

    async def succeeded(self, weight: int) -> None:
        """Count ``weight`` successful places toward growth; end a backoff pause.

        Args:
            weight: The places the call held.
        """
        self._strikes = 0
        if self._soft_until:
            self._soft_until = 0.0
            for scope in self._pauses:
                scope.cancel()
        # Grow only while the budget is what holds calls back: idle capacity proves nothing.
        if self._capacity >= self._max or not (self._waiters or self._in_use >= self._capacity):
            return
        self._streak += max(1, weight)
        windows = self._windows_to_grow()
        if self._streak >= windows * self._capacity:
            self._streak = 0
            if self._grew:  # the last growth held: the server took that place
                self._probes_refused = 0
            self._grew = True
            self._capacity += 1
            self._reason = f"grew after {windows * (self._capacity - 1)} places succeeded"
            logger.info("in-flight budget raised to %d images (%s)", self._capacity, self._reason)
            self._wake()
            self._changed()

    def _windows_to_grow(self) -> int:
        if self._trusted:
            return _WINDOWS_TO_GROW_PAST_A_REPORTED_LIMIT
        doubled = _WINDOWS_TO_GROW << min(self._probes_refused, 8)
        return min(doubled, _WINDOWS_TO_GROW_PAST_A_REPORTED_LIMIT)

    @contextlib.asynccontextmanager
    async def _hold(self, weight: int) -> AsyncIterator[int]:
        taken = await self._acquire(weight)
        try:
            # After taking places: they may have come free as a 429 paused the client.
            await self._wait_pause()
            yield taken
        finally:
            handed_on = self._release(taken)
        if handed_on:
            # Let the calls given these places send before this one reads its answer: the
            # server's places are what limits the rate, the client's CPU is not.
            await anyio.lowlevel.cancel_shielded_checkpoint()

    async def _acquire(self, weight: int) -> int:
        take = min(max(1, weight), self._capacity)
        if not self._waiters and self._in_use + take <= self._capacity:
            self._in_use += take
            self._changed()
            return take
        waiter = _Waiter(max(1, weight))
        self._waiters.append(waiter)
        self._changed()
        try:
            await waiter.event.wait()
        except BaseException:
            # Cancelled: give back places granted in the meantime, or leave the queue.
            if waiter.granted:
                self._release(waiter.granted)
            else:
                self._waiters.remove(waiter)
                self._wake()
                self._changed()
            raise
        return waiter.granted

    def _release(self, taken: int) -> bool:
        self._in_use -= taken
        woken = self._wake()
        self._changed()
        return woken

    def _wake(self) -> bool:
        woken = False
        while self._waiters:
            waiter = self._waiters[0]
            take = min(waiter.weight, self._capacity)
            if self._in_use + take > self._capacity:
                break
            self._waiters.popleft()
            self._in_use += take
            waiter.granted = take
            waiter.event.set()
            woken = True
        return woken

    async def _wait_pause(self) -> None:
        while (remaining := max(self._hard_until, self._soft_until) - self._clock()) > 0:
            until = max(self._hard_until, self._soft_until)
            with anyio.CancelScope() as scope:
                self._pauses.add(scope)
                self._pausing += 1
                self._changed()
                try:
                    await self._sleep(remaining)
                finally:
                    self._pauses.discard(scope)
                    self._pausing -= 1
                    self._changed()
            if scope.cancelled_caught:
                continue  # a success ended the backoff; a Retry-After may still hold
            if max(self._hard_until, self._soft_until) == until:
                # This pause is slept out. Only a later pause set meanwhile sends us round again,
                # so an injected sleep that does not move the clock cannot spin the loop.
                return

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.state)
