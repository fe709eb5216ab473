"""pytest fixtures for testing code that uses the SDK, against the emulator.

Registered as the ``ideogram_async`` pytest plugin, so the fixtures are there once the package is
installed::

    import pytest

    pytestmark = pytest.mark.anyio

    async def test_poster(ideogram_client):
        result = await ideogram_client.v3.generate(prompt="a poster")
        assert (await ideogram_client.download(result.data[0])).startswith(b"\\x89PNG")

``ideogram_emulator`` and ``ideogram_client`` are plain (synchronous) fixtures, so they work
under any async test runner:

- anyio's plugin (``pytest.mark.anyio``): on asyncio, and on trio when ``anyio_backend`` says
  so (recent anyio runs every installed backend by default);
- pytest-asyncio, in strict mode (mark the tests ``@pytest.mark.asyncio``) or auto mode;
- pytest-trio.

The client needs no event loop to be built; it is used inside the test's loop, whichever it is.

``ideogram_sync_client`` is the blocking twin (an ``Ideogram``) for plain test functions::

    def test_poster_sync(ideogram_sync_client):
        result = ideogram_sync_client.v3.generate(prompt="a poster")
        assert ideogram_sync_client.download(result.data[0]).startswith(b"\\x89PNG")
"""

from __future__ import annotations

from collections.abc import Iterator

import anyio.lowlevel
import pytest

from .._client import AsyncIdeogram
from .._sync import Ideogram
from ._app import Emulator

__all__ = ["ideogram_client", "ideogram_emulator", "ideogram_sync_client"]


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


@pytest.fixture
def ideogram_sync_client(ideogram_emulator: Emulator) -> Iterator[Ideogram]:
    """An ``Ideogram`` (the sync client) talking to ``ideogram_emulator`` in-process.

    Like ``ideogram_client``, its retry backoff and 429 cooldown run on virtual time. It is
    closed (its loop thread stopped) when the test ends.
    """
    time = _VirtualTime()
    with Ideogram(
        base_url=ideogram_emulator.base_url,
        api_key=ideogram_emulator._settings.api_key or "emulator-key",
        transport=ideogram_emulator.transport(),
        sleep=time.sleep,
        clock=time.clock,
    ) as client:
        yield client
