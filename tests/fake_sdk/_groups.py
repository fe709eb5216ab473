"""Groups of the fake SDK: an overload stack, async iterators, a context manager, a nesting."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Generic, Literal, TypeVar, overload

import anyio
import anyio.lowlevel

from ideogram_async._types import RequestOptions

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import AsyncFake

__all__ = ["AsyncStreams", "Jobs", "Ticket"]

T = TypeVar("T")


class _Base:
    """Holds the client, as the SDK's ``Resource`` does."""

    def __init__(self, client: AsyncFake) -> None:
        self._client = client

    async def ping(self) -> Literal["pong"]:
        """Answer ``pong`` (inherited by every group)."""
        await anyio.lowlevel.checkpoint()
        return "pong"


class AsyncStreams(_Base):
    """Streams of numbers."""

    async def count(self, *, up_to: int, fail_at: int | None = None) -> AsyncIterator[int]:
        """Count from 0 below ``up_to``, an async generator.

        Args:
            up_to: Where to stop.
            fail_at: Raise ``ValueError`` on reaching this number.
        """
        try:
            for number in range(up_to):
                if number == fail_at:
                    raise ValueError(f"failed at {number}")
                await anyio.lowlevel.checkpoint()
                yield number
        finally:
            self._client.events.append(f"count closed after {up_to}")

    def letters(self, word: str) -> AsyncIterator[str]:
        """A plain method returning an async iterator over the letters of ``word``."""
        return self._letters(word)

    async def _letters(self, word: str) -> AsyncIterator[str]:
        for letter in word:
            await anyio.lowlevel.checkpoint()
            yield letter

    @asynccontextmanager
    async def session(self, label: str) -> AsyncIterator[str]:
        """Hold a session open for the body of a ``with``."""
        self._client.events.append(f"open {label}")
        try:
            yield label.upper()
        finally:
            self._client.events.append(f"close {label}")


class Ticket(Generic[T]):
    """A handle a method returns, with coroutines of its own (as a job is)."""

    def __init__(self, number: int, value: T) -> None:
        self.id = number
        self._value = value
        self.last: T | None = None

    async def wait(self) -> T:
        """Wait for the value."""
        await anyio.lowlevel.checkpoint()
        self.last = self._value
        return self._value


class Jobs(_Base):
    """Jobs: an overloaded method and a nested group."""

    @functools.cached_property
    def streams(self) -> AsyncStreams:
        """The streams, reached through jobs."""
        return AsyncStreams(self._client)

    @overload
    async def submit(self, kind: Literal["one"], *, value: int) -> int: ...

    @overload
    async def submit(self, kind: Literal["many"], *, value: Sequence[int]) -> list[int]: ...

    async def submit(
        self,
        kind: Literal["one", "many"],
        *,
        value: int | Sequence[int],
        **options: Unpack[RequestOptions],
    ) -> int | list[int]:
        """Double one value or many.

        Args:
            kind: ``"one"`` or ``"many"``.
            value: What to double.
        """
        await anyio.lowlevel.checkpoint()
        if isinstance(value, int):
            return value * 2
        return [v * 2 for v in value]

    async def start(self, *, value: int) -> Ticket[int]:
        """Start a job; its ticket is a handle to wait on."""
        await anyio.lowlevel.checkpoint()
        return Ticket(7, value * 3)

    def ticket(self, number: int) -> Ticket[str]:
        """A ticket by number, made without a request (as ``jobs.get`` is)."""
        return Ticket(number, f"ticket {number}")

    async def wait(self, *, seconds: float, **options: Unpack[RequestOptions]) -> float:
        """Sleep for real (so a test can interrupt it), then return ``seconds``."""
        self._client.events.append("waiting")
        try:
            await anyio.sleep(seconds)
        finally:
            self._client.events.append("wait ended")
        return seconds

    if TYPE_CHECKING:
        double = submit
    else:

        async def double(self, *args, **kwargs):
            """The same as ``submit``."""
            return await self.submit(*args, **kwargs)
