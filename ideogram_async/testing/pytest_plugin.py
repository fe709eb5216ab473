"""pytest fixtures for testing code that uses the SDK, against the emulator.

Registered as the ``ideogram_async`` pytest plugin, so the fixtures are there once the package is
installed::

    import pytest

    pytestmark = pytest.mark.anyio

    async def test_poster(ideogram_client):
        result = await ideogram_client.v3.generate(prompt="a poster")
        assert (await ideogram_client.download(result.data[0])).startswith(b"\\x89PNG")

Both fixtures are plain (synchronous) fixtures, so they work under any async test runner:

- anyio's plugin (``pytest.mark.anyio``): on asyncio, and on trio when ``anyio_backend`` says
  so (recent anyio runs every installed backend by default);
- pytest-asyncio, in strict mode (mark the tests ``@pytest.mark.asyncio``) or auto mode;
- pytest-trio.

The client needs no event loop to be built; it is used inside the test's loop, whichever it is.
"""

from __future__ import annotations

import anyio.lowlevel
import pytest

from .._client import AsyncIdeogram
from ._app import Emulator

__all__ = ["ideogram_client", "ideogram_emulator"]


class _VirtualTime:
    """A monotonic clock that only moves when the client sleeps, and a sleep that never waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await anyio.lowlevel.checkpoint()


@pytest.fixture
def ideogram_emulator() -> Emulator:
    """A fresh emulator for each test: configure it, inject faults, read its ``requests``."""
    return Emulator()


@pytest.fixture
def ideogram_client(ideogram_emulator: Emulator) -> AsyncIdeogram:
    """An ``AsyncIdeogram`` talking to ``ideogram_emulator`` in-process.

    Its retry backoff and 429 cooldown run on virtual time, so a test never waits for them.
    It is a synchronous fixture, so it needs no async plugin of its own: use it from a test run
    by anyio (``pytest.mark.anyio``), pytest-asyncio (``pytest.mark.asyncio``) or pytest-trio.
    Its transport is in-process and holds no connection, so there is nothing to close.
    """
    time = _VirtualTime()
    return ideogram_emulator.client(sleep=time.sleep, clock=time.clock)
