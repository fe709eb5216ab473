"""One in-flight budget shared by many processes and machines, kept in Redis.

Install the extra (``pip install 'ideogram-async[redis]'``), then::

    budget = RedisBudget.from_url("redis://cache:6379/0")
    async with AsyncIdeogram(budget=budget) as client:
        ...

Every client that names the same budget (by default: the same API key, of which only a hash
is stored) shares one capacity, one queue of waiters and one 429 pause. The state lives in
Redis and changes only through the Lua scripts of ``_redis_lua``, so each change is atomic.

A call holds a lease on its places that expires after ``lease_time`` unless renewed; the
holder renews it every third of that while its call runs, so a process killed with
``kill -9`` gives its places back within ``lease_time``. Waiters are served in order of
arrival, across processes. A grant is pushed to the waiter's own Redis list; the first
waiter of each process blocks on it (``BLPOP``), the others wait in the process for their
turn, all with a timeout as a fallback, so a lost wake-up delays a waiter by at most a third
of ``lease_time``. The calls of a process that ask at the same moment send their tickets
together, in one script call (``_redis_asks``).

This module runs on asyncio only: redis-py's asyncio API cannot run under trio. Using a
``RedisBudget`` under trio raises ``ConfigurationError`` at once.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import logging
import os
import socket
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any, Final, TypeVar

import anyio
import sniffio

from . import _redis_lua
from ._budget import Budget, BudgetState
from ._exceptions import ConfigurationError, IdeogramError
from ._redis_asks import Answer, Asks, Ticket

try:
    import redis.asyncio as aioredis
    from redis import __version__ as redis_version
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "ideogram_async.redis needs the redis package: pip install 'ideogram-async[redis]'"
    ) from exc

__all__ = ["REDIS_URL_ENV", "RedisBudget", "RedisBudgetError", "RedisFallbackWarning"]

REDIS_URL_ENV: Final = "IDEOGRAM_REDIS_URL"
"""The environment variable ``RedisBudget.from_url`` reads when no URL is given."""

logger = logging.getLogger("ideogram_async")

_T = TypeVar("_T")
_KEYS = (
    "state",
    "leases",
    "weights",
    "epochs",
    "queue",
    "tickets",
    "ticket-expiry",
    "sequence",
    "pause",
    "backoff",
)


class RedisBudgetError(IdeogramError):
    """Redis could not be reached, or failed, while the budget needed it (and no fallback)."""


class RedisFallbackWarning(RuntimeWarning):
    """Redis failed, so calls hold places in the local fallback budget until it answers again."""


class _Lease:
    __slots__ = ("claimed", "epoch", "id", "pause", "places")

    def __init__(
        self, lease_id: str, places: int, epoch: int, *, pause: int = 0, claimed: bool = True
    ) -> None:
        self.id = lease_id
        self.places = places
        self.epoch = epoch
        self.pause = pause  # ms of 429 pause in force when the places were granted
        self.claimed = claimed  # extended from the claim window to a whole lease


_FALLBACK: Final = _Lease("fallback", 0, -1)


class _Waiter:
    """A call of this process waiting in the shared queue, ordered by its place in it."""

    __slots__ = ("seq", "turn", "wake")

    def __init__(self, seq: int, wake: str) -> None:
        self.seq = seq
        self.wake = wake
        self.turn = anyio.Event()  # set when it becomes this process's first waiter

    def __lt__(self, other: _Waiter) -> bool:
        return self.seq < other.seq


class RedisBudget:
    """An in-flight budget kept in Redis, shared by every process that names it.

    It implements ``ideogram_async.Budget`` with the local ``InflightBudget``'s rules (first
    come, first served; a call for more than the capacity waits for all of it; additive
    increase and multiplicative decrease on 429s; a pause for every holder after a 429), for
    all processes at once. ``capacity``, ``in_use`` and ``state`` are what this process saw in
    its latest exchange with Redis; ``await fetch_state()`` asks Redis now.

    Build it with ``from_url`` unless you have a ``redis.asyncio.Redis`` to share.

    Args:
        redis: An asyncio Redis client; give it ``socket_timeout`` above ``lease_time / 3``
            (``from_url`` does), since waiters block on it that long.
        name: The budget's name: every process with the same name shares one budget. Keys
            are ``<namespace>:{<name>}:...``.
        max_capacity: The most places that may be held at once (the organisation's limit;
            Ideogram's default is 10). Give every process the same value: the latest wins.
        lease_time: Seconds a lease lasts without renewal: the longest a killed process's
            places stay taken.
        timeout: Seconds each Redis call may take before it fails.
        fallback: A budget to use while Redis fails (with a ``RedisFallbackWarning``), for
            instance ``InflightBudget(max_capacity // processes)``; ``None`` (the default)
            raises ``RedisBudgetError`` instead.
        retry_interval: Seconds to stay on the fallback before trying Redis again.
        backoff: The first pause after a 429 without ``Retry-After``, in seconds.
        max_backoff: The longest such pause.
        on_change: Called with a ``BudgetState`` whenever this process sees the shared state
            change.
        namespace: The prefix of every key.
        owner: Names this process in its lease ids (``<owner>:<random>``), so that
            ``ZRANGE <prefix>leases 0 -1`` shows who holds places; default ``<host>:<pid>``.

    Raises:
        ConfigurationError: An option is out of range, or the running event loop is trio.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        name: str,
        max_capacity: int = 10,
        lease_time: float = 30.0,
        timeout: float = 2.0,
        fallback: Budget | None = None,
        retry_interval: float = 5.0,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        on_change: Callable[[BudgetState], object] | None = None,
        namespace: str = "ideogram-async:budget",
        owner: str | None = None,
    ) -> None:
        _require_asyncio(running_only=True)
        if max_capacity < 1:
            raise ConfigurationError("max_capacity must be at least 1")
        if lease_time < 0.1:
            raise ConfigurationError("lease_time must be at least 0.1 seconds")
        if timeout <= 0:
            raise ConfigurationError("timeout must be positive")
        if not name or "{" in name or "}" in name:
            raise ConfigurationError(f"name must be non-empty, without braces, got {name!r}")
        self._redis = redis
        self._name = name
        self._owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._prefix = f"{namespace}:{{{name}}}:"
        self._keys = [self._prefix + key for key in _KEYS]
        self._max = max_capacity
        self._lease_ms = int(lease_time * 1000)
        self._lease_time = lease_time
        self._poll = lease_time / 3
        # A process killed while its calls wait must not hold places past a lease either:
        # its tickets lapse after half a lease (refreshed every third; one that lapses anyway
        # comes back in its old place), and places granted to a ticket that nobody claims
        # (a live waiter claims at once) lapse after the claim window, a quarter lease at most.
        self._ticket_ms = self._lease_ms // 2
        self._claim_ms = max(50, min(self._lease_ms // 4, 2000))
        self._timeout = timeout
        self._fallback = fallback
        self._retry_interval = retry_interval
        self._backoff_ms = int(backoff * 1000)
        self._max_backoff_ms = int(max_backoff * 1000)
        self._on_change = on_change
        self._state = BudgetState(
            capacity=max_capacity, max_capacity=max_capacity, in_use=0, waiting=0, reason="start"
        )
        self._current: ContextVar[_Lease | None] = ContextVar(f"lease:{name}", default=None)
        self._down_until = float("-inf")
        self._pause_ms = 0
        self._waiters: list[_Waiter] = []
        self._asks = Asks(self._send_tickets)
        self._scripts = {
            script: redis.register_script(getattr(_redis_lua, script))
            for script in _redis_lua.__all__
        }

    @classmethod
    def from_url(
        cls,
        url: str | None = None,
        *,
        name: str | None = None,
        api_key: str | None = None,
        max_capacity: int = 10,
        lease_time: float = 30.0,
        timeout: float = 2.0,
        fallback: Budget | None = None,
        on_change: Callable[[BudgetState], object] | None = None,
    ) -> RedisBudget:
        """A budget on the Redis at ``url``, named after the API key unless ``name`` is given.

        Args:
            url: A Redis URL (``redis://``, ``rediss://``, ``unix://``); default the
                ``IDEOGRAM_REDIS_URL`` environment variable.
            name: The budget's name, shared by every process that should share the budget
                (an organisation's name, say). Default: a hash of the API key (never the key).
            api_key: The key whose budget this is, when ``name`` is not given; default
                ``IDEOGRAM_API_KEY``. Only a SHA-256 hash of it is used.
            max_capacity: The most places held at once, across every process.
            lease_time: Seconds a lease lasts without renewal.
            timeout: Seconds each Redis call may take (connecting included).
            fallback: A budget to use while Redis fails, or ``None`` to raise.
            on_change: Called with a ``BudgetState`` when this process sees the state change.

        Returns:
            The budget; it connects on first use.

        Raises:
            ConfigurationError: No URL, no name and no key, or an option is out of range.
        """
        url = url or os.environ.get(REDIS_URL_ENV)
        if not url:
            raise ConfigurationError(
                f"No Redis URL: pass url=... or set the {REDIS_URL_ENV} environment variable"
            )
        if name is None:
            key = api_key or os.environ.get("IDEOGRAM_API_KEY")
            if not key:
                raise ConfigurationError(
                    "Name the budget (name=...) or give the API key it is for (api_key=... or "
                    "IDEOGRAM_API_KEY); only a hash of the key is stored"
                )
            name = "key-" + hashlib.sha256(b"ideogram-async budget\0" + key.encode()).hexdigest()
        client = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            # Waiters block up to a third of the lease in BLPOP.
            socket_timeout=timeout + lease_time / 3,
            retry=Retry(NoBackoff(), 0),
            **_identity(),
        )
        return cls(
            client,
            name=name,
            max_capacity=max_capacity,
            lease_time=lease_time,
            timeout=timeout,
            fallback=fallback,
            on_change=on_change,
        )

    def __repr__(self) -> str:
        state = self._state
        return (
            f"<RedisBudget name={self._name!r} capacity={state.capacity}/{state.max_capacity} "
            f"in_use={state.in_use} waiting={state.waiting}>"
        )

    @property
    def name(self) -> str:
        """The budget's name in Redis."""
        return self._name

    @property
    def capacity(self) -> int:
        """Places that may be held now, across every process (as last seen)."""
        return self._state.capacity

    @property
    def max_capacity(self) -> int:
        """The most the capacity may grow to."""
        return self._max

    @property
    def in_use(self) -> int:
        """Places held now, across every process (as last seen)."""
        return self._state.in_use

    @property
    def state(self) -> BudgetState:
        """The shared state as this process last saw it."""
        return self._state

    async def fetch_state(self) -> BudgetState:
        """Ask Redis for the shared state now.

        Returns:
            The state of the budget across every process.

        Raises:
            RedisBudgetError: Redis failed or did not answer within ``timeout``.
        """
        await self._run("STATE")
        return self._state

    def hold(self, weight: int) -> AbstractAsyncContextManager[int]:
        """Wait for ``weight`` places (at most the capacity) and for any 429 pause; hold them.

        The lease is renewed in a task beside the body, and given back on exit, also on error
        or cancellation.

        Args:
            weight: The images the call makes; 0 or less takes one place.

        Returns:
            An async context manager whose value is the places held.

        Raises:
            RedisBudgetError: Redis failed and no ``fallback`` was given.
            ConfigurationError: The event loop is trio.
        """
        return self._hold(max(1, weight))

    async def rate_limited(self, *, limit: int | None, retry_after: float | None) -> None:
        """Fit the server's ``limit`` or shrink, and pause every holder in every process.

        A Redis failure here is logged, not raised: the 429 it reports matters more.

        Args:
            limit: The limit the 429 reported, or ``None``; a limit below 1 counts as none.
            retry_after: The seconds the server asked to wait; ``None`` pauses for the backoff.
        """
        lease = self._current.get()
        if lease is _FALLBACK and self._fallback is not None:
            await self._fallback.rate_limited(limit=limit, retry_after=retry_after)
            return
        retry_ms = -1 if retry_after is None else int(max(0.0, retry_after) * 1000)
        epoch = -1 if lease is None else lease.epoch
        with contextlib.suppress(RedisBudgetError):
            await self._run(
                "RATE_LIMITED",
                limit if limit is not None and limit > 0 else 0,
                retry_ms,
                epoch,
                self._backoff_ms,
                self._max_backoff_ms,
                quiet=True,
            )

    async def succeeded(self, weight: int) -> None:
        """Count ``weight`` successful places toward growth; end a backoff pause.

        Args:
            weight: The places the call held.
        """
        if self._current.get() is _FALLBACK and self._fallback is not None:
            await self._fallback.succeeded(weight)
            return
        if self._state.capacity >= self._max and not self._pause_ms:
            return  # as last seen: nothing to grow, no backoff to end; spare a round trip
        with contextlib.suppress(RedisBudgetError):
            await self._run("SUCCEEDED", weight, quiet=True)

    async def aclose(self) -> None:
        """Close the Redis connections (a client passed in stays usable for reconnecting)."""
        await self._redis.aclose()

    # --- internals ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _hold(self, weight: int) -> AsyncIterator[int]:
        _require_asyncio(running_only=False)
        lease = None
        if self._fallback is None or anyio.current_time() >= self._down_until:
            try:
                lease = await self._acquire(weight)
            except RedisBudgetError as exc:
                if self._fallback is None:
                    raise
                self._down_until = anyio.current_time() + self._retry_interval
                warnings.warn(
                    f"{exc}; holding places in the local fallback budget for the next "
                    f"{self._retry_interval:g}s",
                    RedisFallbackWarning,
                    stacklevel=3,
                )
        if lease is None:
            assert self._fallback is not None
            token = self._current.set(_FALLBACK)
            try:
                async with self._fallback.hold(weight) as places:
                    yield places
            finally:
                self._current.reset(token)
            return
        token = self._current.set(lease)
        error: BaseException | None = None
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._renew, lease)
                try:
                    await self._wait_pause(lease.pause)
                    yield lease.places
                except BaseException as exc:
                    # Raised again below, outside the task group, which would wrap it in an
                    # ExceptionGroup: the caller must see its own error (a RateLimitError...).
                    error = exc
                finally:
                    tg.cancel_scope.cancel()
            if error is not None:
                raise error
        finally:
            self._current.reset(token)
            with anyio.CancelScope(shield=True):
                try:
                    await self._run("RELEASE", lease.id)
                except RedisBudgetError as exc:
                    logger.warning(
                        "could not give back %d places of the Redis budget %r (%s); they return "
                        "when the lease expires, within %gs",
                        lease.places,
                        self._name,
                        exc,
                        self._lease_time,
                    )

    async def _acquire(self, weight: int) -> _Lease:
        ticket = f"{self._owner}:{uuid.uuid4().hex}"
        waiter: _Waiter | None = None
        try:
            places, epoch, pause, seq, next_ms = await self._ask(ticket, weight, 0)
            if places:
                return _Lease(ticket, places, epoch, pause=pause)
            # This process's tickets are granted in the order of their places in the queue,
            # so only its first waiter blocks on Redis; the others wait for their turn here.
            waiter = _Waiter(seq, self._prefix + "wake:" + ticket)
            bisect.insort(self._waiters, waiter)
            while True:
                # The timeout refreshes the ticket (a waiter that stops refreshing leaves the
                # queue), purges expired leases, and covers a lost wake-up.
                next_expiry = next_ms / 1000 if next_ms >= 0 else self._poll
                block = min(self._poll, max(0.01, next_expiry + 0.005))
                if self._waiters[0] is waiter:
                    popped = await self._call(
                        self._redis.blpop([waiter.wake], timeout=block), extra=block
                    )
                    if popped:
                        value = popped[1]
                        text = value.decode() if isinstance(value, bytes) else value
                        granted, epoch, pause = map(int, text.split(":"))
                        return _Lease(ticket, granted, epoch, pause=pause, claimed=False)
                else:
                    with anyio.move_on_after(block):
                        await waiter.turn.wait()
                    if waiter.turn.is_set():
                        waiter.turn = anyio.Event()  # a newer ticket may come first again
                        continue  # now first: its grant may be on its list already
                places, epoch, pause, _, next_ms = await self._ask(ticket, weight, waiter.seq)
                if places:
                    return _Lease(ticket, places, epoch, pause=pause)
        except BaseException:
            # Cancelled or failed: leave the queue, or give back places granted meanwhile.
            with anyio.CancelScope(shield=True), contextlib.suppress(RedisBudgetError):
                await self._run("RELEASE", ticket, quiet=True)
            raise
        finally:
            if waiter is not None:
                first = self._waiters[0] is waiter
                self._waiters.remove(waiter)
                if first and self._waiters:
                    self._waiters[0].turn.set()

    async def _ask(self, ticket: str, weight: int, seq: int) -> Answer:
        """Enqueue or refresh a ticket, with the other calls of this process asking meanwhile."""
        try:
            return await self._asks.ask((ticket, weight, seq))
        except RedisBudgetError as exc:
            # One failure for the whole batch: each call raises its own.
            raise RedisBudgetError(*exc.args) from exc.__cause__

    async def _send_tickets(self, tickets: list[Ticket]) -> list[Answer]:
        args: list[str | int] = [self._lease_ms, self._claim_ms, self._ticket_ms]
        for ticket in tickets:
            args.extend(ticket)
        reply = await self._run("ACQUIRE", *args)
        pause, next_ms = int(reply[2]), int(reply[7])
        granted = [int(value) for value in reply[10]]  # places, epoch, place in the queue
        return [
            (granted[i], granted[i + 1], pause, granted[i + 2], next_ms)
            for i in range(0, len(granted), 3)
        ]

    async def _wait_pause(self, pause: int) -> None:
        while pause > 0:
            await anyio.sleep(pause / 1000)
            # Another 429 may have set a longer pause meanwhile.
            await self._run("STATE")
            pause = self._pause_ms

    async def _renew(self, lease: _Lease) -> None:
        while True:
            if lease.claimed:
                await anyio.sleep(self._poll)
            # Else granted through the waiter's list: claim it for a whole lease now, beside
            # the call, rather than before it.
            lease.claimed = True
            try:
                reply = await self._run(
                    "RENEW", lease.id, self._lease_ms, lease.places, lease.epoch, quiet=True
                )
            except RedisBudgetError as exc:
                logger.warning(
                    "could not renew a lease of the Redis budget %r: %s", self._name, exc
                )
                continue
            if not reply[0]:
                logger.warning(
                    "a lease of the Redis budget %r had expired while its call ran (was this "
                    "process stalled for %gs?); its %d places are claimed again",
                    self._name,
                    self._lease_time,
                    lease.places,
                )

    async def _run(self, script: str, *args: str | int | float, quiet: bool = False) -> list[Any]:
        """Run one of the budget's scripts; remember the state it reports."""
        call = self._scripts[script](self._keys, [self._prefix, self._max, *args])
        try:
            reply: list[Any] = await self._call(call)
        except RedisBudgetError as exc:
            if quiet:
                logger.warning("the Redis budget %r failed: %s", self._name, exc)
            raise
        self._pause_ms = int(reply[2])
        reason = reply[8].decode() if isinstance(reply[8], bytes) else str(reply[8])
        state = BudgetState(
            capacity=int(reply[3]),
            max_capacity=int(reply[4]),
            in_use=int(reply[5]),
            waiting=int(reply[6]),
            reason=reason,
        )
        if state != self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)
        return reply

    async def _call(self, call: Awaitable[_T], *, extra: float = 0.0) -> _T:
        """Await one Redis call within the timeout; every failure becomes ``RedisBudgetError``."""
        try:
            with anyio.fail_after(self._timeout + extra):
                return await call
        except (RedisError, OSError, TimeoutError) as exc:
            raise RedisBudgetError(
                f"the Redis budget {self._name!r} at {self._where()} failed: "
                f"{type(exc).__name__}: {exc or 'no answer within the timeout'}"
            ) from exc

    def _where(self) -> str:
        """Host, port and database: never the URL, which may carry a password."""
        kwargs = self._redis.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"unix:{kwargs['path']}"
        return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


def _identity() -> dict[str, Any]:
    """redis-py's CLIENT SETINFO, without reading its package metadata per new connection."""
    try:
        from redis.driver_info import DriverInfo  # redis-py 7.1 and later
    except ImportError:
        return {"lib_version": redis_version}
    return {"driver_info": DriverInfo(lib_version=redis_version)}


def _require_asyncio(*, running_only: bool) -> None:
    """Refuse trio (and anything but asyncio) clearly, instead of failing deep in redis-py."""
    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        if running_only:
            return  # built outside any event loop: checked again on first use
        library = "no event loop"
    if library != "asyncio":
        raise ConfigurationError(
            f"RedisBudget runs on asyncio only (redis-py's asyncio API), not on {library}: "
            "run the client under asyncio (anyio.run(main, backend='asyncio')), or use the "
            "local InflightBudget"
        )
