"""The sync facade ``Ideogram``: one loop thread per client, threads, loops, close, fork, Ctrl-C."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator

import anyio
import httpx
import pytest

import ideogram_async as ia
from ideogram_async.testing import Emulator

from .conftest import KEY, image_response
from .fake_sdk._sync import Fake

API = "https://api.ideogram.ai"


@pytest.fixture(params=["asyncio", "trio"])
def backend(request: pytest.FixtureRequest) -> str:
    """Every facade test runs with the loop thread on asyncio and on trio."""
    return str(request.param)


@pytest.fixture
def emulator() -> Emulator:
    """A fresh emulator for each test."""
    return Emulator()


@pytest.fixture
def client(emulator: Emulator, backend: str) -> Iterator[ia.Ideogram]:
    """An ``Ideogram`` talking to the emulator in-process."""
    with ia.Ideogram(
        api_key="emulator-key",
        base_url=emulator.base_url,
        transport=emulator.transport(),
        backend=backend,  # type: ignore[arg-type]
    ) as c:
        yield c


@pytest.fixture
def fake(backend: str) -> Iterator[Fake]:
    """The fake SDK's sync twin."""
    with Fake(backend=backend) as f:  # type: ignore[arg-type]
        yield f


def _async_events(fake: Fake) -> list[str]:
    return fake._target.events


def test_generate_and_download_block_and_return_typed_results(client: ia.Ideogram) -> None:
    """A 3.0 generate returns the typed result and its image downloads, synchronously."""
    result = client.v3.generate(prompt="a lighthouse at dawn", num_images=2)
    assert isinstance(result, ia.ImageGenerationResponse)
    assert len(result.data) == 2
    assert client.download(result.data[0]).startswith(b"\x89PNG")


def test_other_groups_and_properties_work(client: ia.Ideogram, emulator: Emulator) -> None:
    """Legacy and dataset calls go through, and the properties read the async client's."""
    assert client.legacy.generate(prompt="a fox").data
    assert client.datasets.list().datasets == []
    assert client.base_url == emulator.base_url
    assert client.inflight_budget.capacity == 10
    assert [r.path for r in emulator.requests][-2:] == ["/generate", "/datasets"]


def test_errors_reach_the_caller_as_the_sdk_errors(client: ia.Ideogram) -> None:
    """Validation and API errors raise the same exceptions as the async client."""
    with pytest.raises(ia.IdeogramValidationError):
        client.v3.generate(prompt="x", num_images=99)
    with pytest.raises(TypeError, match="unexpected keyword argument 'retries'"):
        client.v3.generate(prompt="x", retries=1)  # type: ignore[call-arg]


def test_one_loop_thread_is_started_on_first_use_and_kept(backend: str) -> None:
    """No thread until the first call; then one thread, the same for every later call."""
    before = threading.active_count()
    fake = Fake(backend=backend)  # type: ignore[arg-type]
    assert threading.active_count() == before
    assert fake.greet() == "hello, world!"
    assert fake.greet("?", twice=True) == "hello, world? hello, world?"
    assert threading.active_count() == before + 1
    fake.close()
    assert threading.active_count() == before


def test_eight_threads_share_one_client_and_one_budget(backend: str) -> None:
    """Eight threads on one client all succeed, never holding more than the budget in flight."""
    active = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, most
        active += 1
        most = max(most, active)
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
        active -= 1
        return httpx.Response(200, json=image_response(1))

    results: list[ia.ImageGenerationResponse] = []
    budgets: set[int] = set()
    errors: list[BaseException] = []
    with ia.Ideogram(
        api_key=KEY,
        base_url=API,
        transport=httpx.MockTransport(handler),
        max_inflight_images=2,
        backend=backend,  # type: ignore[arg-type]
    ) as client:
        start = threading.Barrier(8)

        def work() -> None:
            start.wait()
            try:
                for _ in range(3):
                    results.append(client.legacy.generate(prompt="x", num_images=1))
                budgets.add(id(client.inflight_budget))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert client.inflight_budget.in_use == 0
    assert errors == []
    assert len(results) == 24
    assert len(budgets) == 1
    assert 1 <= most <= 2


@pytest.mark.parametrize("caller_backend", ["asyncio", "trio"])
def test_a_call_works_inside_a_running_event_loop(fake: Fake, caller_backend: str) -> None:
    """A blocking call made from a thread that runs its own loop (Jupyter) still works."""

    async def main() -> str:
        return fake.greet()

    assert anyio.run(main, backend=caller_backend) == "hello, world!"


def test_a_call_from_the_loop_thread_raises_instead_of_deadlocking(backend: str) -> None:
    """Code running on the client's own loop (a transport, a callback) gets a clear error."""
    seen: list[BaseException] = []
    holder: list[ia.Ideogram] = []

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            holder[0].datasets.list()
        except RuntimeError as exc:
            seen.append(exc)
        return httpx.Response(200, json={"datasets": []})

    with ia.Ideogram(
        api_key=KEY,
        base_url=API,
        transport=httpx.MockTransport(handler),
        backend=backend,  # type: ignore[arg-type]
    ) as client:
        holder.append(client)
        client.datasets.list()
    assert len(seen) == 1
    assert "own event loop thread" in str(seen[0])


def test_close_stops_the_thread_and_later_calls_fail(backend: str) -> None:
    """``close()`` closes the async client and ends the loop thread; a later call raises."""
    fake = Fake(backend=backend)  # type: ignore[arg-type]
    fake.greet()
    loop = fake._loop
    assert loop is not None
    async_client = fake._target
    fake.close()
    assert not loop.thread.is_alive()
    assert async_client.closed
    with pytest.raises(RuntimeError, match="closed"):
        fake.greet()
    fake.close()  # a second close is harmless


def test_with_closes_the_http_client(client: ia.Ideogram) -> None:
    """Leaving ``with`` closes the httpx client the SDK created."""
    client.datasets.list()
    http = client._target._http
    client.close()
    assert http.is_closed


def test_a_forgotten_client_stops_its_thread_when_collected(backend: str) -> None:
    """A client dropped without ``close()`` ends its loop thread once it is garbage-collected."""
    fake = Fake(backend=backend)  # type: ignore[arg-type]
    fake.greet()
    assert fake._loop is not None
    thread = fake._loop.thread
    del fake
    gc.collect()
    thread.join(5)
    assert not thread.is_alive()


def _run_script(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )


def test_a_forgotten_client_does_not_hang_interpreter_exit() -> None:
    """A script that never closes its client (held to the end) still exits at once."""
    done = _run_script(
        """
        from ideogram_async.testing import Emulator
        import ideogram_async as ia
        em = Emulator()
        client = ia.Ideogram(api_key="k", base_url=em.base_url, transport=em.transport())
        client.datasets.list()
        print("done")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_after_fork_the_child_gets_a_fresh_loop() -> None:
    """A forked child's calls run on a new loop and client; the parent's keep working."""
    done = _run_script(
        """
        import json, os, sys, time
        import ideogram_async as ia
        from ideogram_async.testing import Emulator
        em = Emulator()
        client = ia.Ideogram(api_key="k", base_url=em.base_url, transport=em.transport())
        client.datasets.list()
        parent_async = id(client._target)
        pid = os.fork()
        if pid == 0:
            try:
                ok = client.datasets.list().datasets == [] and id(client._target) != parent_async
                client.close()
            finally:
                os._exit(0 if ok else 1)
        deadline = time.monotonic() + 30
        while True:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                print(json.dumps({"child": "hung"}))
                sys.exit(0)
            time.sleep(0.05)
        parent_ok = client.datasets.list().datasets == [] and id(client._target) == parent_async
        client.close()
        print(json.dumps({"child": os.waitstatus_to_exitcode(status), "parent": parent_ok}))
        """
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"child": 0, "parent": True}


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or os.name != "posix",
    reason="a real SIGINT reaches the main thread on POSIX",
)
def test_ctrl_c_cancels_the_request_returns_its_places_and_reaches_the_caller(
    backend: str,
) -> None:
    """SIGINT during a blocking call raises ``KeyboardInterrupt`` once the request is cancelled
    and its budget places are back."""
    arrived = threading.Event()
    cancelled = threading.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        arrived.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()
        raise AssertionError("unreachable")

    def interrupt() -> None:
        if arrived.wait(10):
            os.kill(os.getpid(), signal.SIGINT)

    with ia.Ideogram(
        api_key=KEY,
        base_url=API,
        transport=httpx.MockTransport(handler),
        backend=backend,  # type: ignore[arg-type]
    ) as client:
        killer = threading.Thread(target=interrupt)
        killer.start()
        with pytest.raises(KeyboardInterrupt):
            client.legacy.generate(prompt="x", num_images=3)
        killer.join()
        assert cancelled.is_set()
        assert client.inflight_budget.in_use == 0


def test_an_async_iterator_becomes_a_sync_one(fake: Fake) -> None:
    """An async generator method is iterated in full, in order, and closed at its end."""
    assert list(fake.streams.count(up_to=4)) == [0, 1, 2, 3]
    assert list(fake.jobs.streams.count(up_to=2)) == [0, 1]
    assert "".join(fake.streams.letters("abc")) == "abc"
    assert _async_events(fake) == ["count closed after 4", "count closed after 2"]


def test_closing_or_dropping_a_sync_iterator_closes_the_async_one(fake: Fake) -> None:
    """Breaking out early, or dropping the iterator, runs the async generator's ``finally``."""
    numbers = fake.streams.count(up_to=100)
    assert next(numbers) == 0
    numbers.close()  # type: ignore[attr-defined]
    assert _async_events(fake) == ["count closed after 100"]
    for number in fake.streams.count(up_to=50):
        if number == 1:
            break
    gc.collect()
    assert _async_events(fake)[-1] == "count closed after 50"


def test_an_async_iterator_error_reaches_the_sync_loop(fake: Fake) -> None:
    """An exception raised by the async iterator is raised by the sync one, after its items."""
    numbers = fake.streams.count(up_to=5, fail_at=2)
    assert [next(numbers), next(numbers)] == [0, 1]
    with pytest.raises(ValueError, match="failed at 2"):
        next(numbers)


def test_an_async_context_manager_becomes_a_sync_one(fake: Fake) -> None:
    """Entering and leaving the sync twin enters and leaves the async context manager."""
    with fake.streams.session("a") as value:
        assert value == "A"
        assert _async_events(fake) == ["open a"]
    assert _async_events(fake) == ["open a", "close a"]


def test_overloads_nested_groups_and_aliases_call_through(fake: Fake) -> None:
    """The overloaded method, a nested group's method and an alias reach the async code."""
    assert fake.jobs.submit("one", value=2) == 4
    assert fake.jobs.submit("many", value=[1, 2]) == [2, 4]
    assert fake.jobs.double("one", value=5) == 10
    assert fake.jobs.streams.ping() == "pong"
    assert fake.name == "world"


def test_the_sync_fixture_serves_plain_test_functions(
    ideogram_sync_client: ia.Ideogram, ideogram_emulator: Emulator
) -> None:
    """``ideogram_sync_client`` talks to ``ideogram_emulator`` and retries on virtual time."""
    ideogram_emulator.fail_next(503)
    result = ideogram_sync_client.v3.generate(prompt="a poster")
    assert ideogram_sync_client.download(result.data[0]).startswith(b"\x89PNG")
    assert [r.status for r in ideogram_emulator.requests][:2] == [503, 200]


def test_a_returned_handle_with_coroutines_gets_a_sync_twin(fake: Fake) -> None:
    """A method returning an object with coroutines (a job handle) returns its sync twin."""
    ticket = fake.jobs.start(value=2)
    assert type(ticket).__name__ == "Ticket"
    assert ticket.id == 7
    assert ticket.last is None
    assert ticket.wait() == 6
    assert ticket.last == 6
    assert fake.jobs.ticket(3).wait() == "ticket 3"
