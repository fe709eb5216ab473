"""``AsyncFake``: a root client with a nested group, properties and a module-level default."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from ._groups import AsyncStreams, Jobs

__all__ = ["DEFAULT_GREETING", "AsyncFake"]

DEFAULT_GREETING = "hello"


class AsyncFake:
    """A fake async client.

    Args:
        name: Who the client greets.
        greeting: How it greets.
    """

    def __init__(self, *, name: str = "world", greeting: str = DEFAULT_GREETING) -> None:
        self._name = name
        self._greeting = greeting
        self.events: list[str] = []
        self.closed = False

    @functools.cached_property
    def jobs(self) -> Jobs:
        """Jobs, with a nested group of streams."""
        from ._groups import Jobs

        return Jobs(self)

    @functools.cached_property
    def streams(self) -> AsyncStreams:
        """The same streams group, reached from the root too."""
        from ._groups import AsyncStreams

        return AsyncStreams(self)

    @property
    def name(self) -> str:
        """Who the client greets."""
        return self._name

    async def greet(self, punctuation: str = "!", /, *, twice: bool = False) -> str:
        """Greet, after a checkpoint.

        Args:
            punctuation: Ends the greeting.
            twice: Say it twice.
        """
        await anyio.lowlevel.checkpoint()
        text = f"{self._greeting}, {self._name}{punctuation}"
        return f"{text} {text}" if twice else text

    async def aclose(self) -> None:
        """Close the fake."""
        self.closed = True
        self.events.append("closed")
