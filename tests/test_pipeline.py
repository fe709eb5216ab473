"""The send pipeline end to end, through a real ``AsyncIdeogram``.

Every row of the policy table (``docs/retries.md``), per-call overrides, ``Retry-After``, the
client-wide cooldown and in-flight budget, ``on_retry``, logging without the key, cancellation,
and connections: with ``httpx.MockTransport`` and, for the connection pool, a loopback server.
No test sleeps: the client gets a fake clock and a fake sleep.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import json
import logging
import socket
import threading
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    MutableMapping,
)
from typing import Any, NamedTuple, Union

import anyio
import anyio.lowlevel
import anyio.to_thread
import httpx
import pytest
import uvicorn

import ideogram_async as ia

from .conftest import API, KEY, PNG, image_response

pytestmark = pytest.mark.anyio

Step = Callable[[httpx.Request], httpx.Response]
"""One scripted answer: returns a response or raises an ``httpx`` error."""

BILLED_NOTE = "may have run and been billed"
INFLIGHT = {
    "error": "Too many requests in flight",
    "reject_reason": "inflight_limit",
    "max_inflight_requests": 10,
}
GATEWAY_429 = {"error": {"message": "Too many requests", "type": "upstream_error"}}
"""A relay gateway's 429: neither reason nor limit."""


class FakeClock:
    """A monotonic clock that moves only when ``sleep`` is awaited; ``sleeps`` records waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


def reply(code: int, body: Any = None, headers: dict[str, str] | None = None) -> Step:
    """A step answering ``code`` with a JSON ``body``."""

    def step(request: httpx.Request) -> httpx.Response:
        return httpx.Response(code, json=body if body is not None else {}, headers=headers)

    return step


def fail(error: type[httpx.TransportError]) -> Step:
    """A step that fails with ``error`` (no response)."""

    def step(request: httpx.Request) -> httpx.Response:
        raise error("scripted failure", request=request)

    return step


OK = reply(200, image_response(1))


class Server:
    """A scripted API: answers each request with the next step, then with ``then``."""

    def __init__(self, clock: FakeClock, *steps: Step, then: Step = OK) -> None:
        self.clock = clock
        self.steps = list(steps)
        self.then = then
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock.now)
        step = self.steps.pop(0) if self.steps else self.then
        return step(request)

    @property
    def calls(self) -> int:
        return len(self.requests)


Handler = Union[
    Callable[[httpx.Request], httpx.Response],
    Callable[[httpx.Request], Coroutine[None, None, httpx.Response]],
]


def make_client(handler: Handler, clock: FakeClock, **options: Any) -> ia.AsyncIdeogram:
    """A client on the official URL whose HTTP goes to ``handler``, on the fake clock."""
    return ia.AsyncIdeogram(
        api_key=KEY,
        base_url=API,
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock,
        **options,
    )


# --- the policy table, end to end ------------------------------------------------------------


class Row(NamedTuple):
    step: Step
    error: type[ia.APIError]
    maybe_billed: bool
    retried: bool
    """Retried by default."""
    retried_with_retry_billed: bool
    """Retried once the caller opts in with ``retry_billed=True``."""
    paced: bool = False
    """A 429 of the in-flight kind: bounded by ``rate_limit_timeout``, not ``max_retries``."""


PACED_TIMEOUT = 2.0
"""The rows' ``rate_limit_timeout``: paced 429s at 0, 0.5, 1.5 and 3.5 s, the last one raised."""


ROWS: dict[str, Row] = {
    "429 inflight_limit": Row(reply(429, INFLIGHT), ia.RateLimitError, False, True, True, True),
    "429 without a reason": Row(
        reply(429, {"error": "Too many requests"}), ia.RateLimitError, False, True, True, True
    ),
    "429 another reason": Row(
        reply(429, {"error": "Quota", "reject_reason": "daily_limit"}),
        ia.RateLimitError,
        False,
        False,
        False,
    ),
    "503": Row(reply(503, {"error": "Unavailable"}), ia.InternalServerError, False, True, True),
    "500": Row(reply(500, {"error": "Oops"}), ia.InternalServerError, True, False, True),
    "502": Row(reply(502, {"error": "Bad gateway"}), ia.InternalServerError, True, False, True),
    "504": Row(reply(504, {"error": "Timeout"}), ia.InternalServerError, True, False, True),
    "501 (other 5xx)": Row(reply(501, {"error": "No"}), ia.InternalServerError, True, False, True),
    "400": Row(reply(400, {"error": "Bad"}), ia.BadRequestError, False, False, False),
    "401": Row(reply(401, {"error": "Bad key"}), ia.AuthenticationError, False, False, False),
    "402": Row(
        reply(402, {"reject_reason": "insufficient_credits"}),
        ia.PaymentRequiredError,
        False,
        False,
        False,
    ),
    "403": Row(reply(403, {"error": "No"}), ia.PermissionDeniedError, False, False, False),
    "404": Row(reply(404, {"error": "Nothing"}), ia.NotFoundError, False, False, False),
    "413": Row(reply(413, {"error": "Too large"}), ia.RequestTooLargeError, False, False, False),
    "422": Row(
        reply(422, {"error": "Prompt failed the safety check"}),
        ia.UnprocessableEntityError,
        False,
        False,
        False,
    ),
    "409 (other 4xx)": Row(
        reply(409, {"error": "Conflict"}), ia.APIStatusError, False, False, False
    ),
    "connect error": Row(fail(httpx.ConnectError), ia.APIConnectionError, False, True, True),
    "connect timeout": Row(fail(httpx.ConnectTimeout), ia.APITimeoutError, False, True, True),
    "pool timeout": Row(fail(httpx.PoolTimeout), ia.APITimeoutError, False, True, True),
    "write error": Row(fail(httpx.WriteError), ia.APIConnectionError, False, True, True),
    "write timeout": Row(fail(httpx.WriteTimeout), ia.APITimeoutError, False, True, True),
    "read timeout": Row(fail(httpx.ReadTimeout), ia.APITimeoutError, True, False, True),
    "read error (reset)": Row(fail(httpx.ReadError), ia.APIConnectionError, True, False, True),
    "protocol error (reset)": Row(
        fail(httpx.RemoteProtocolError), ia.APIConnectionError, True, False, True
    ),
    "unsupported protocol": Row(
        fail(httpx.UnsupportedProtocol), ia.APIConnectionError, False, False, False
    ),
}
ROW_PARAMS = pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))


@ROW_PARAMS
async def test_row_by_default(row: Row) -> None:
    """Each outcome, always failing: calls made, error class, and whether it may be billed."""
    clock = FakeClock()
    server = Server(clock, then=row.step)
    async with make_client(server, clock, rate_limit_timeout=PACED_TIMEOUT) as client:
        with pytest.raises(row.error) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    err = caught.value
    assert type(err) is row.error
    expected_calls = 4 if row.paced else 3 if row.retried else 1
    assert server.calls == expected_calls
    assert err.maybe_billed is row.maybe_billed
    assert (BILLED_NOTE in str(err)) is row.maybe_billed
    assert [a.number for a in err.attempts] == list(range(1, expected_calls + 1))
    if row.paced:
        # The budget paces them: its backoff doubles, and no call sleeps on its own.
        assert clock.sleeps == [0.5, 1.0, 2.0]
    else:
        assert clock.sleeps == [a.delay for a in err.attempts[:-1]]
    assert err.waited == sum(clock.sleeps)
    assert err.attempts[-1].delay is None
    assert client.inflight_budget.in_use == 0


@ROW_PARAMS
async def test_row_with_retry_billed_on_the_client(row: Row) -> None:
    """With ``retry_billed=True``, billed failures are retried too, and still say so."""
    clock = FakeClock()
    server = Server(clock, then=row.step)
    client = make_client(server, clock, retry_billed=True, rate_limit_timeout=PACED_TIMEOUT)
    async with client:
        with pytest.raises(row.error) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert server.calls == (4 if row.paced else 3 if row.retried_with_retry_billed else 1)
    assert caught.value.maybe_billed is row.maybe_billed
    assert (BILLED_NOTE in str(caught.value)) is row.maybe_billed


@ROW_PARAMS
async def test_row_followed_by_success(row: Row) -> None:
    """A failure then a success: retried failures end in the result, the others raise at once."""
    clock = FakeClock()
    server = Server(clock, row.step)
    async with make_client(server, clock) as client:
        if row.retried:
            result = await client.legacy.generate(prompt="a lighthouse")
            assert len(result.data) == 1
            assert server.calls == 2
        else:
            with pytest.raises(row.error):
                await client.legacy.generate(prompt="a lighthouse")
            assert server.calls == 1


@ROW_PARAMS
async def test_row_with_retry_billed_per_call(row: Row) -> None:
    """``retry_billed=True`` on one call retries that call's billed failures."""
    clock = FakeClock()
    server = Server(clock, row.step)
    async with make_client(server, clock) as client:
        if row.retried_with_retry_billed:
            await client.legacy.generate(prompt="a lighthouse", retry_billed=True)
            assert server.calls == 2
        else:
            with pytest.raises(row.error):
                await client.legacy.generate(prompt="a lighthouse", retry_billed=True)
            assert server.calls == 1


async def test_a_success_that_does_not_parse_is_not_retried_and_may_be_billed() -> None:
    """A 200 whose body is not the result raises at once, saying it may have been billed."""
    clock = FakeClock()
    server = Server(clock, then=lambda request: httpx.Response(200, text="<html>oops</html>"))
    async with make_client(server, clock, retry_billed=True) as client:
        with pytest.raises(ia.APIResponseParseError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert server.calls == 1
    assert caught.value.maybe_billed
    assert BILLED_NOTE in str(caught.value)
    assert caught.value.body == "<html>oops</html>"


async def test_transport_errors_keep_their_cause() -> None:
    """A failure without a response is raised from the ``httpx`` error behind it."""
    clock = FakeClock()
    async with make_client(Server(clock, then=fail(httpx.ReadTimeout)), clock) as client:
        with pytest.raises(ia.APITimeoutError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


# --- per-call and per-client options --------------------------------------------------------


async def test_retry_billed_false_per_call_overrides_the_client() -> None:
    """A call may turn ``retry_billed`` off on a client that has it on."""
    clock = FakeClock()
    server = Server(clock, reply(500))
    async with make_client(server, clock, retry_billed=True) as client:
        with pytest.raises(ia.InternalServerError) as caught:
            await client.legacy.generate(prompt="a lighthouse", retry_billed=False)
    assert server.calls == 1
    assert caught.value.maybe_billed


@pytest.mark.parametrize(
    ("client_retries", "call_retries", "calls"),
    [(2, None, 3), (0, None, 1), (4, None, 5), (2, 0, 1), (2, 5, 6), (0, 3, 4)],
)
async def test_max_retries_per_client_and_per_call(
    client_retries: int, call_retries: int | None, calls: int
) -> None:
    """``max_retries`` retries a safe failure that many times; a call's value wins."""
    clock = FakeClock()
    server = Server(clock, then=reply(503))
    async with make_client(server, clock, max_retries=client_retries) as client:
        options: ia.RequestOptions = {} if call_retries is None else {"max_retries": call_retries}
        with pytest.raises(ia.InternalServerError) as caught:
            await client.legacy.generate(prompt="a lighthouse", **options)
    assert server.calls == calls
    assert len(caught.value.attempts) == calls


async def test_negative_max_retries_is_refused() -> None:
    """A negative ``max_retries`` is a configuration error."""
    with pytest.raises(ia.ConfigurationError):
        ia.AsyncIdeogram(api_key=KEY, max_retries=-1)


async def test_backoff_doubles_with_jitter_up_to_max_backoff() -> None:
    """Waits lie in the upper half of a doubling backoff, capped by ``max_backoff``."""
    clock = FakeClock()
    server = Server(clock, then=reply(503))
    options = {"max_retries": 5, "initial_backoff": 1.0, "max_backoff": 3.0}
    async with make_client(server, clock, **options) as client:
        with pytest.raises(ia.InternalServerError):
            await client.legacy.generate(prompt="a lighthouse")
    assert len(clock.sleeps) == 5
    backoffs = [1.0, 2.0, 3.0, 3.0, 3.0]
    for waited, backoff in zip(clock.sleeps, backoffs, strict=True):
        assert backoff / 2 <= waited <= backoff


async def test_the_final_error_lists_every_attempt_and_the_total_wait() -> None:
    """``attempts`` and ``waited`` say what happened; an in-flight 429 is not a counted retry."""
    clock = FakeClock()
    server = Server(clock, reply(503), reply(429, INFLIGHT), then=reply(503))
    async with make_client(server, clock) as client:
        with pytest.raises(ia.InternalServerError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    err = caught.value
    # max_retries=2 counts the three 503s only.
    assert [a.number for a in err.attempts] == [1, 2, 3, 4]
    assert ["503" in a.reason for a in err.attempts] == [True, False, True, True]
    assert "inflight_limit" in err.attempts[1].reason
    assert err.waited == pytest.approx(sum(clock.sleeps))
    text = str(err)
    assert "4 attempts" in text
    assert f"{err.waited:.1f}s waited" in text
    for attempt in err.attempts:
        assert str(attempt) in text


async def test_a_single_attempt_error_does_not_list_attempts() -> None:
    """An error raised at the first attempt reads as the server's answer alone."""
    clock = FakeClock()
    async with make_client(Server(clock, reply(400, {"error": "Bad prompt"})), clock) as client:
        with pytest.raises(ia.BadRequestError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert str(caught.value) == "400 Bad Request from POST /generate: Bad prompt"
    assert len(caught.value.attempts) == 1


# --- Retry-After ------------------------------------------------------------------------------


def http_date_in(seconds: float) -> str:
    """An HTTP date ``seconds`` from now on the wall clock."""
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    return email.utils.format_datetime(when, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "7"}, 7.0, 7.0),
        ({"Retry-After": "0"}, 0.0, 0.0),
        ({"retry-after-ms": "1500"}, 1.5, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25, 0.25),
        ({"Retry-After": "HTTP date 30s from now"}, 28.5, 30.0),
    ],
    ids=["seconds", "zero", "milliseconds", "ms wins", "HTTP date"],
)
async def test_retry_after_is_honoured(headers: dict[str, str], low: float, high: float) -> None:
    """The client waits what ``Retry-After`` (or ``retry-after-ms``) asks, then retries."""
    if headers.get("Retry-After", "").startswith("HTTP date"):
        headers = {"Retry-After": http_date_in(30)}  # taken now, not at collection
    clock = FakeClock()
    server = Server(clock, reply(429, INFLIGHT, headers))
    async with make_client(server, clock) as client:
        await client.legacy.generate(prompt="a lighthouse")
    assert server.calls == 2
    assert len(clock.sleeps) == (1 if high else 0)
    assert low <= sum(clock.sleeps) <= high
    assert server.times[1] == sum(clock.sleeps)


async def test_retry_after_on_503_is_honoured() -> None:
    """A 503's ``Retry-After`` sets the wait before the retry too."""
    clock = FakeClock()
    server = Server(clock, reply(503, None, {"Retry-After": "4"}))
    async with make_client(server, clock) as client:
        await client.legacy.generate(prompt="a lighthouse")
    assert clock.sleeps == [4.0]
    assert server.times == [0.0, 4.0]


@pytest.mark.parametrize(("max_retry_after", "header"), [(60.0, "120"), (5.0, "6"), (60.0, "61")])
async def test_retry_after_over_the_cap_is_raised_at_once(
    max_retry_after: float, header: str
) -> None:
    """Above ``max_retry_after`` the client does not wait: it raises with the value."""
    clock = FakeClock()
    server = Server(clock, reply(429, INFLIGHT, {"Retry-After": header}))
    async with make_client(server, clock, max_retry_after=max_retry_after) as client:
        with pytest.raises(ia.RateLimitError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert server.calls == 1
    assert clock.sleeps == []
    assert caught.value.retry_after == float(header)
    assert caught.value.reject_reason == "inflight_limit"
    assert caught.value.max_inflight_requests == 10


async def test_retry_after_at_the_cap_is_waited() -> None:
    """A ``Retry-After`` equal to ``max_retry_after`` is still waited out."""
    clock = FakeClock()
    server = Server(clock, reply(429, INFLIGHT, {"Retry-After": "5"}))
    async with make_client(server, clock, max_retry_after=5.0) as client:
        await client.legacy.generate(prompt="a lighthouse")
    assert clock.sleeps == [5.0]


# --- the cooldown shared by the whole client --------------------------------------------------


async def test_a_429_on_one_task_delays_the_next_send_of_another() -> None:
    """After a 429 with ``Retry-After: 5``, no task sends until 5 seconds have passed."""
    clock = FakeClock()
    sent: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        who = request.headers["X-Task"]
        sent.append((who, clock.now))
        if who == "A":
            return httpx.Response(429, json=INFLIGHT, headers={"Retry-After": "5"})
        return httpx.Response(200, json=image_response(1))

    async with make_client(handler, clock) as client:

        async def task_a() -> None:
            with pytest.raises(ia.RateLimitError):
                await client.legacy.generate(
                    prompt="a", rate_limit_timeout=0, extra_headers={"X-Task": "A"}
                )

        async def task_b() -> None:
            await client.legacy.generate(prompt="b", extra_headers={"X-Task": "B"})

        async with anyio.create_task_group() as tg:
            tg.start_soon(task_a)
        async with anyio.create_task_group() as tg:
            tg.start_soon(task_b)
    assert sent == [("A", 0.0), ("B", 5.0)]
    assert clock.sleeps == [5.0]


async def test_a_429_without_retry_after_pauses_the_client_for_the_backoff() -> None:
    """A 429 without ``Retry-After`` still pauses every send for the backoff it computed."""
    clock = FakeClock()
    server = Server(clock, reply(429, INFLIGHT))
    async with make_client(server, clock) as client:
        with pytest.raises(ia.RateLimitError):
            await client.legacy.generate(prompt="a", rate_limit_timeout=0)
        await client.legacy.generate(prompt="b")
    # The budget's backoff: initial_backoff, with no call in flight to end it sooner.
    assert clock.sleeps == [0.5]
    assert server.times == [0.0, 0.5]


async def test_a_429_over_the_cap_does_not_pause_the_client() -> None:
    """A ``Retry-After`` above the cap is raised to the caller, not imposed on other calls."""
    clock = FakeClock()
    server = Server(clock, reply(429, INFLIGHT, {"Retry-After": "3600"}))
    async with make_client(server, clock) as client:
        with pytest.raises(ia.RateLimitError):
            await client.legacy.generate(prompt="a")
        await client.legacy.generate(prompt="b")
    assert clock.sleeps == []


async def test_a_call_waiting_for_the_budget_still_waits_out_a_cooldown() -> None:
    """A call that gets its places as a 429 frees them still waits for the cooldown to end."""
    clock = FakeClock()
    sent: list[tuple[str, float]] = []
    a_in_flight = anyio.Event()
    answer_a = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        who = request.headers["X-Task"]
        sent.append((who, clock.now))
        if who == "A":
            a_in_flight.set()
            await answer_a.wait()
            return httpx.Response(429, json=INFLIGHT, headers={"Retry-After": "5"})
        return httpx.Response(200, json=image_response(1))

    async with make_client(handler, clock, max_inflight_images=1) as client:

        async def task_a() -> None:
            with pytest.raises(ia.RateLimitError):
                await client.legacy.generate(
                    prompt="a", rate_limit_timeout=0, extra_headers={"X-Task": "A"}
                )

        async def task_b() -> None:
            await client.legacy.generate(prompt="b", extra_headers={"X-Task": "B"})

        async with anyio.create_task_group() as tg:
            tg.start_soon(task_a)
            await a_in_flight.wait()
            tg.start_soon(task_b)  # queues for the only place, which A holds
            await anyio.wait_all_tasks_blocked()
            answer_a.set()
    assert sent == [("A", 0.0), ("B", 5.0)]


# --- the in-flight budget ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "num_images", "held"), [(10, None, 1), (10, 4, 4), (10, 8, 8), (3, 4, 3)]
)
async def test_a_call_holds_num_images_places_while_in_flight(
    capacity: int, num_images: int | None, held: int
) -> None:
    """A call holds ``num_images`` places (1 without), at most the whole budget, then frees them."""
    clock = FakeClock()
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(client.inflight_budget.in_use)
        return httpx.Response(200, json=image_response(num_images or 1))

    client = make_client(handler, clock, max_inflight_images=capacity)
    async with client:
        result = await client.legacy.generate(prompt="a lighthouse", num_images=num_images)
    assert len(result.data) == (num_images or 1)
    assert seen == [held]
    assert client.inflight_budget.in_use == 0


async def test_max_inflight_images_below_one_is_refused() -> None:
    """A budget of no images at all is a configuration error."""
    with pytest.raises(ia.ConfigurationError):
        ia.AsyncIdeogram(api_key=KEY, max_inflight_images=0)


async def test_the_budget_is_shared_by_every_call_of_the_client() -> None:
    """Concurrent calls together never hold more images in flight than the budget."""
    clock = FakeClock()
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        n = json.loads(request.content)["image_request"].get("num_images", 1)
        in_flight += n
        peak = max(peak, in_flight)
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        in_flight -= n
        return httpx.Response(200, json=image_response(n))

    async def call(n: int) -> None:
        await client.legacy.generate(prompt="x", num_images=n)

    client = make_client(handler, clock, max_inflight_images=6)
    async with client, anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(call, 1 + i % 4)
    assert peak == 6


@pytest.mark.parametrize(("reported", "capacity"), [(3, 3), (10, 5), (50, 5), (0, 5)])
async def test_a_429_fits_the_reported_limit_or_shrinks(reported: int, capacity: int) -> None:
    """A 429 fits the reported limit; refused below it (others share it), the budget halves."""
    clock = FakeClock()
    body = {**INFLIGHT, "max_inflight_requests": reported}
    async with make_client(Server(clock, reply(429, body)), clock) as client:
        await client.legacy.generate(prompt="a lighthouse")
        assert client.inflight_budget.capacity == capacity


async def test_a_429_without_a_limit_shrinks_the_budget() -> None:
    """A 429 that reports no limit (as gateways send it) still shrinks the budget."""
    clock = FakeClock()
    server = Server(clock, reply(429, {"error": "Too many requests"}))
    async with make_client(server, clock, max_inflight_images=7) as client:
        await client.legacy.generate(prompt="a lighthouse")
        assert client.inflight_budget.capacity == 3


async def test_an_inflight_429_is_retried_past_max_retries_while_the_client_progresses() -> None:
    """Many 429s in a row are waited out, not lost, though max_retries is 0."""
    clock = FakeClock()
    server = Server(clock, *[reply(429, INFLIGHT, {"Retry-After": "10"})] * 20)
    async with make_client(server, clock, max_retries=0, rate_limit_timeout=None) as client:
        result = await client.legacy.generate(prompt="a lighthouse")
    assert len(result.data) == 1
    assert server.calls == 21
    assert clock.sleeps == [10.0] * 20


async def test_progress_of_other_calls_keeps_a_rate_limited_call_going() -> None:
    """The deadline counts time without progress: a success of another call restarts it."""
    clock = FakeClock()
    queued = anyio.Event()

    def changed(state: ia.BudgetState) -> None:
        if state.waiting:
            queued.set()

    # One place, so the calls take turns; the budget hands a freed place to the first waiter.
    budget = ia.InflightBudget(1, on_change=changed, clock=clock, sleep=clock.sleep)
    refusals = 8
    seen: list[tuple[str, float]] = []

    async def other() -> None:
        await client.legacy.generate(prompt="o", extra_headers={"X-Task": "other"})

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal queued, refusals
        task = request.headers["X-Task"]
        seen.append((task, clock.now))
        if task == "other" or refusals == 0:
            return httpx.Response(200, json=image_response(1))
        refusals -= 1
        # Refuse only once another call waits for this call's place, so it is sent next.
        queued = anyio.Event()
        tasks.start_soon(other)
        await queued.wait()
        return httpx.Response(429, json=INFLIGHT, headers={"Retry-After": "10"})

    client = make_client(handler, clock, budget=budget, rate_limit_timeout=35.0)
    async with client:
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tasks:
                result = await client.legacy.generate(
                    prompt="a", extra_headers={"X-Task": "rate limited"}
                )
    assert len(result.data) == 1
    # 80 s of 429s in all, never more than 10 s without another call succeeding.
    limited = [(task, float(10 * n)) for n, task in enumerate(["rate limited"] * 9)]
    others = [("other", float(10 * n)) for n in range(1, 9)]
    assert seen == [limited[0], *itertools.chain(*zip(others, limited[1:], strict=True))]
    assert clock.now == 80.0


@pytest.mark.parametrize(("timeout", "calls"), [(0.0, 1), (29.0, 3), (30.0, 4), (45.0, 5)])
async def test_rate_limit_timeout_bounds_inflight_429s_by_time(timeout: float, calls: int) -> None:
    """With 429s every 10 s and no progress, a call gives up once the next wait would pass it."""
    clock = FakeClock()
    server = Server(clock, then=reply(429, INFLIGHT, {"Retry-After": "10"}))
    async with make_client(server, clock, rate_limit_timeout=timeout) as client:
        with pytest.raises(ia.RateLimitError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert server.calls == calls
    assert caught.value.waited == 10.0 * (calls - 1)


async def test_rate_limit_timeout_per_call_overrides_the_client() -> None:
    """A call's ``rate_limit_timeout`` replaces the client's."""
    clock = FakeClock()
    server = Server(clock, then=reply(429, INFLIGHT, {"Retry-After": "10"}))
    async with make_client(server, clock, rate_limit_timeout=None) as client:
        with pytest.raises(ia.RateLimitError):
            await client.legacy.generate(prompt="a lighthouse", rate_limit_timeout=15.0)
    assert server.calls == 2


async def test_a_negative_rate_limit_timeout_is_refused() -> None:
    """``rate_limit_timeout`` is seconds, or None."""
    with pytest.raises(ia.ConfigurationError):
        ia.AsyncIdeogram(api_key=KEY, rate_limit_timeout=-1)


@pytest.mark.parametrize("announced", [True, False], ids=["announced", "hidden"])
async def test_fifty_concurrent_calls_fit_an_inflight_limit_of_five(
    record_property: Callable[[str, object], None], announced: bool
) -> None:
    """50 concurrent calls against a limit of 5 images, announced or not, all succeed, few 429s."""
    clock = FakeClock()
    limit = 5
    in_flight = 0
    peak = 0
    rejected = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak, rejected
        n = json.loads(request.content)["image_request"].get("num_images", 1)
        if in_flight + n > limit:
            rejected += 1
            body = {**INFLIGHT, "max_inflight_requests": limit} if announced else GATEWAY_429
            return httpx.Response(429, json=body)
        in_flight += n
        peak = max(peak, in_flight)
        try:
            for _ in range(5):  # the image is "being generated" while other tasks run
                await anyio.lowlevel.checkpoint()
        finally:
            in_flight -= n
        return httpx.Response(200, json=image_response(n))

    sizes = [1 + i % 3 for i in range(50)]
    results: dict[int, int] = {}
    async with make_client(handler, clock) as client:

        async def call(i: int) -> None:
            result = await client.legacy.generate(prompt=f"image {i}", num_images=sizes[i])
            results[i] = len(result.data)

        with anyio.fail_after(10):  # a deadlock fails the test instead of hanging it
            async with anyio.create_task_group() as tg:
                for i in range(50):
                    tg.start_soon(call, i)
        # A hidden limit is found by shrinking: to it, or below it when refusals overlapped.
        capacity = client.inflight_budget.capacity
        assert capacity == limit if announced else 1 <= capacity <= limit
        assert client.inflight_budget.in_use == 0
    print(f"50 concurrent calls, in-flight limit {limit}: {rejected} responses were 429")
    record_property("rate_limited_responses", rejected)
    assert results == dict(enumerate(sizes))
    assert peak <= limit
    assert rejected <= 10


async def test_downloads_take_no_places_and_ignore_the_cooldown() -> None:
    """A download during a cooldown goes at once, outside the in-flight budget."""
    clock = FakeClock()
    seen: list[tuple[str, int, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, client.inflight_budget.in_use, clock.now))
        if request.url.host == "api.ideogram.ai":
            return httpx.Response(429, json=INFLIGHT, headers={"Retry-After": "30"})
        return httpx.Response(200, content=PNG)

    client = make_client(handler, clock)
    async with client:
        with pytest.raises(ia.RateLimitError):
            await client.legacy.generate(prompt="a", rate_limit_timeout=0)
        assert await client.download("https://ideogram.ai/api/images/x.png") == PNG
    assert seen == [("api.ideogram.ai", 1, 0.0), ("ideogram.ai", 0, 0.0)]
    assert clock.sleeps == []


# --- on_retry ---------------------------------------------------------------------------------


async def test_on_retry_receives_each_attempt_before_its_wait() -> None:
    """``on_retry`` gets every retried attempt with its number, reason and wait."""
    clock = FakeClock()
    seen: list[tuple[ia.Attempt, int]] = []
    server = Server(clock, reply(503), reply(429, INFLIGHT, {"Retry-After": "2"}))

    def on_retry(attempt: ia.Attempt) -> None:
        seen.append((attempt, len(clock.sleeps)))

    async with make_client(server, clock, on_retry=on_retry) as client:
        await client.legacy.generate(prompt="a lighthouse")
    attempts = [attempt for attempt, _ in seen]
    assert [a.number for a in attempts] == [1, 2]
    assert "503" in attempts[0].reason
    assert "inflight_limit" in attempts[1].reason
    assert [a.delay for a in attempts] == pytest.approx(clock.sleeps)
    assert attempts[1].delay == 2.0
    # Called before the wait it announces.
    assert [waits_before for _, waits_before in seen] == [0, 1]


async def test_on_retry_is_not_called_for_a_final_failure() -> None:
    """A failure that is not retried raises without calling ``on_retry``."""
    clock = FakeClock()
    seen: list[ia.Attempt] = []
    server = Server(clock, reply(500))
    async with make_client(server, clock, on_retry=seen.append) as client:
        with pytest.raises(ia.InternalServerError):
            await client.legacy.generate(prompt="a lighthouse")
    assert seen == []


# --- logging, and the key kept out of it -------------------------------------------------------


@pytest.fixture
def sdk_logger() -> Iterator[logging.Logger]:
    """The SDK's logger with no handler and no level; restored afterwards."""
    logger = logging.getLogger("ideogram_async")
    handlers, level = logger.handlers[:], logger.level
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    try:
        yield logger
    finally:
        for handler in logger.handlers:
            handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.mark.parametrize("scheme", ["api-key", "bearer"])
async def test_debug_logging_never_shows_the_key(
    scheme: ia.AuthScheme,
    sdk_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``IDEOGRAM_LOG=debug`` logs requests and retries, and the key appears nowhere."""
    monkeypatch.setenv("IDEOGRAM_LOG", "debug")
    clock = FakeClock()
    limited = {**INFLIGHT, "max_inflight_requests": 3}
    server = Server(clock, reply(503), reply(429, limited), OK, reply(401, {"error": "Bad key"}))
    client = make_client(server, clock, auth_scheme=scheme)
    async with client:
        await client.legacy.generate(prompt="a lighthouse")
        with pytest.raises(ia.AuthenticationError) as caught:
            await client.legacy.generate(prompt="a lighthouse")
    assert sdk_logger.level == logging.DEBUG
    messages = [r.getMessage() for r in caplog.records if r.name == "ideogram_async"]
    assert any("-> 503" in m for m in messages)
    assert any("retrying POST /generate" in m for m in messages)
    assert any("lowered from 10 to 3" in m for m in messages)
    stderr = capsys.readouterr().err
    for text in (caplog.text, stderr, *messages, repr(client), str(caught.value)):
        assert KEY not in text
    assert KEY not in repr(caught.value)
    assert all(KEY not in str(a) for a in caught.value.attempts)
    # The key is sent, all the same.
    assert any(KEY in value for value in server.requests[0].headers.values())


async def test_info_logging_shows_retries_but_not_each_request(
    sdk_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``IDEOGRAM_LOG=info`` logs retries only."""
    monkeypatch.setenv("IDEOGRAM_LOG", "info")
    clock = FakeClock()
    async with make_client(Server(clock, reply(503)), clock) as client:
        await client.legacy.generate(prompt="a lighthouse")
    messages = [r.getMessage() for r in caplog.records if r.name == "ideogram_async"]
    assert sdk_logger.level == logging.INFO
    assert any("retrying POST /generate" in m for m in messages)
    assert not any("->" in m for m in messages)
    assert KEY not in caplog.text


async def test_ideogram_log_keeps_a_handler_already_there(
    sdk_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the logger already has a handler, ``IDEOGRAM_LOG`` adds no second one."""
    monkeypatch.setenv("IDEOGRAM_LOG", "debug")
    mine = logging.NullHandler()
    sdk_logger.addHandler(mine)
    async with ia.AsyncIdeogram(api_key=KEY), ia.AsyncIdeogram(api_key=KEY):
        pass
    assert sdk_logger.handlers == [mine]


async def test_ideogram_log_adds_one_handler_for_many_clients(
    sdk_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no logging set up, several clients with ``IDEOGRAM_LOG`` add a single handler."""
    monkeypatch.setenv("IDEOGRAM_LOG", "info")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    async with ia.AsyncIdeogram(api_key=KEY), ia.AsyncIdeogram(api_key=KEY):
        pass
    assert len(sdk_logger.handlers) == 1
    assert isinstance(sdk_logger.handlers[0], logging.StreamHandler)


async def test_ideogram_log_adds_no_handler_when_logging_is_set_up(
    sdk_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the application's root logger has a handler, records go there: none is added."""
    monkeypatch.setenv("IDEOGRAM_LOG", "debug")
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])
    async with ia.AsyncIdeogram(api_key=KEY):
        pass
    assert sdk_logger.handlers == []
    assert sdk_logger.level == logging.DEBUG


async def test_logging_is_off_without_ideogram_log(
    sdk_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``IDEOGRAM_LOG`` the SDK adds no handler and sets no level."""
    monkeypatch.delenv("IDEOGRAM_LOG", raising=False)
    async with ia.AsyncIdeogram(api_key=KEY):
        pass
    assert sdk_logger.handlers == []
    assert sdk_logger.level == logging.NOTSET


# --- cancellation -----------------------------------------------------------------------------


async def test_a_cancelled_call_releases_its_places_at_once() -> None:
    """Cancelling calls in flight or queued for the budget frees every place they held."""
    clock = FakeClock()
    arrived = 0
    never = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal arrived
        arrived += 1
        await never.wait()
        raise AssertionError("unreachable")

    async def call(n: int) -> None:
        await client.legacy.generate(prompt="x", num_images=n)

    async with make_client(handler, clock, max_inflight_images=4) as client:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                for n in (3, 1, 2):  # the last one queues for the budget
                    tg.start_soon(call, n)
                    await anyio.wait_all_tasks_blocked()
                assert arrived == 2
                assert client.inflight_budget.in_use == 4
                scope.cancel()
        assert client.inflight_budget.in_use == 0


async def test_a_call_cancelled_in_its_retry_wait_holds_no_places() -> None:
    """A call cancelled while it waits to retry holds no places, and later calls go."""
    clock = FakeClock()
    server = Server(clock, reply(503))
    waiting = anyio.Event()
    resume = anyio.Event()

    async def sleep(seconds: float) -> None:
        waiting.set()
        await resume.wait()

    client = ia.AsyncIdeogram(
        api_key=KEY,
        base_url=API,
        transport=httpx.MockTransport(server),
        sleep=sleep,
        clock=clock,
        max_inflight_images=1,
    )
    async with client:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(lambda: client.legacy.generate(prompt="x"))
                await waiting.wait()
                assert client.inflight_budget.in_use == 0
                scope.cancel()
        assert scope.cancelled_caught
        resume.set()
        await client.legacy.generate(prompt="y")
    assert server.calls == 2


# --- connections, on a loopback server --------------------------------------------------------

ASGIScope = MutableMapping[str, Any]
ASGIReceive = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGISend = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class LoopbackApp:
    """A tiny ASGI app; the ``X-Scenario`` header (``<kind>-<id>``) says how to answer.

    - ``flaky``: 503 twice, then images;
    - ``error``: 500;
    - ``reset``: starts a 200, sends part of the body, and drops the connection;
    - ``hang``: never answers; sets ``received(key)`` on arrival and ``disconnected(key)`` when
      the client goes away.
    """

    def __init__(self) -> None:
        self.url = ""
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._received: dict[str, threading.Event] = {}
        self._disconnected: dict[str, threading.Event] = {}

    def received(self, key: str) -> threading.Event:
        with self._lock:
            return self._received.setdefault(key, threading.Event())

    def disconnected(self, key: str) -> threading.Event:
        with self._lock:
            return self._disconnected.setdefault(key, threading.Event())

    async def __call__(self, scope: ASGIScope, receive: ASGIReceive, send: ASGISend) -> None:
        assert scope["type"] == "http"
        key = dict(scope["headers"]).get(b"x-scenario", b"ok").decode()
        kind = key.split("-")[0]
        message = await receive()
        while message.get("more_body"):
            message = await receive()
        with self._lock:
            count = self._counts[key] = self._counts.get(key, 0) + 1
        if kind == "hang":
            self.received(key).set()
            while (await receive())["type"] != "http.disconnect":
                pass
            self.disconnected(key).set()
            return
        if kind == "reset":
            headers = [(b"content-type", b"application/json"), (b"content-length", b"1000")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
            return  # the server drops the connection mid-body
        body: Any
        if kind == "error" or (kind == "flaky" and count <= 2):
            status, body = (500 if kind == "error" else 503), {"error": "scripted"}
        else:
            status, body = 200, image_response(1)
        content = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackApp]:
    """``LoopbackApp`` served by uvicorn on 127.0.0.1, a free port, in a background thread."""
    app = LoopbackApp()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue here until the server accepts them
    app.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        app,
        http="h11",
        ws="none",
        lifespan="off",
        loop="asyncio",
        log_config=None,
        log_level="critical",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive()


def busy_connections(transport: httpx.AsyncHTTPTransport) -> list[object]:
    """The pool's connections that are neither idle nor closed."""
    return [c for c in transport._pool.connections if not (c.is_idle() or c.is_closed())]


async def wait_for(event: threading.Event) -> bool:
    """Wait (at most 5s) for an event set by the server's thread."""
    return await anyio.to_thread.run_sync(event.wait, 5.0)


def scenario(kind: str) -> dict[str, str]:
    """Headers picking a fresh scenario of ``kind``, with counters of its own."""
    return {"X-Scenario": f"{kind}-{next(_SCENARIOS)}"}


_SCENARIOS = itertools.count()


@pytest.fixture
async def loopback_client(
    loopback: LoopbackApp,
) -> AsyncIterator[tuple[ia.AsyncIdeogram, httpx.AsyncHTTPTransport]]:
    """A client on the loopback server over a real transport; its pool is empty once closed."""
    transport = httpx.AsyncHTTPTransport()
    clock = FakeClock()
    client = ia.AsyncIdeogram(
        api_key=KEY, base_url=loopback.url, transport=transport, sleep=clock.sleep, clock=clock
    )
    async with client:
        yield client, transport
    assert transport._pool.connections == []


async def test_no_connection_is_left_busy_after_retries_and_errors(
    loopback_client: tuple[ia.AsyncIdeogram, httpx.AsyncHTTPTransport],
) -> None:
    """After retried 503s, a 500 and resets mid-body, no pooled connection is left busy."""
    client, transport = loopback_client
    result = await client.legacy.generate(prompt="a lighthouse", extra_headers=scenario("flaky"))
    assert len(result.data) == 1
    assert busy_connections(transport) == []

    with pytest.raises(ia.InternalServerError) as caught:
        await client.legacy.generate(prompt="a lighthouse", extra_headers=scenario("error"))
    assert caught.value.maybe_billed
    assert busy_connections(transport) == []

    with pytest.raises(ia.APIConnectionError) as reset:
        await client.legacy.generate(
            prompt="a lighthouse", retry_billed=True, extra_headers=scenario("reset")
        )
    assert reset.value.maybe_billed
    assert len(reset.value.attempts) == 3
    assert busy_connections(transport) == []
    assert client.inflight_budget.in_use == 0


async def test_a_read_timeout_closes_its_connection(
    loopback: LoopbackApp, loopback_client: tuple[ia.AsyncIdeogram, httpx.AsyncHTTPTransport]
) -> None:
    """A call that times out reading says it may be billed, and its connection is closed."""
    client, transport = loopback_client
    headers = scenario("hang")
    with pytest.raises(ia.APITimeoutError) as caught:
        await client.legacy.generate(prompt="a lighthouse", timeout=0.2, extra_headers=headers)
    assert caught.value.maybe_billed
    assert busy_connections(transport) == []
    assert await wait_for(loopback.disconnected(headers["X-Scenario"]))


async def test_a_cancelled_call_closes_its_connection(
    loopback: LoopbackApp, loopback_client: tuple[ia.AsyncIdeogram, httpx.AsyncHTTPTransport]
) -> None:
    """Cancelling a call in flight frees its places at once and closes its connection."""
    client, transport = loopback_client
    headers = scenario("hang")
    key = headers["X-Scenario"]
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: client.legacy.generate(
                    prompt="a lighthouse", num_images=3, extra_headers=headers
                )
            )
            assert await wait_for(loopback.received(key))
            assert client.inflight_budget.in_use == 3
            assert len(busy_connections(transport)) == 1
            scope.cancel()
    assert client.inflight_budget.in_use == 0
    assert busy_connections(transport) == []
    assert await wait_for(loopback.disconnected(key))
