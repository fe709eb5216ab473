"""Jobs: polling with backoff, Retry-After, the client-wide poll limit, failures, resuming."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

import ideogram_async as ia
from ideogram_async.testing import Emulator

pytestmark = pytest.mark.anyio

API = "https://api.ideogram.ai"
PENDING = {"generation_id": "g1", "status": "pending", "created": "2026-12-03T10:00:00Z"}
DONE = {
    **PENDING,
    "status": "completed",
    "data": [{"url": "https://x/a.png", "is_image_safe": True, "prompt": "p", "seed": 3}],
    "usage_cost_usd_micros": 100_000,
}


class FakeTime:
    """A clock that only the injected sleep moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await anyio.sleep(0)


def scripted(answers: list[httpx.Response], sent: list[httpx.Request]) -> httpx.MockTransport:
    """A transport answering each request with the next scripted response."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    return httpx.MockTransport(handle)


def make_client(transport: httpx.AsyncBaseTransport, time: FakeTime, **kw: Any) -> ia.AsyncIdeogram:
    """A client on ``transport`` whose waits go through ``time``."""
    client = ia.AsyncIdeogram(
        api_key="k", base_url=API, transport=transport, sleep=time.sleep, **kw
    )
    client.jobs.limiter = ia.PollLimiter(clock=time.clock, sleep=time.sleep)
    return client


async def test_wait_polls_with_growing_intervals_until_completed() -> None:
    """wait() polls until completed, each interval 1.5 times the last, and returns the result."""
    time, sent = FakeTime(), list[httpx.Request]()
    answers = [httpx.Response(200, json=PENDING) for _ in range(4)] + [
        httpx.Response(200, json=DONE)
    ]
    async with make_client(scripted(answers, sent), time) as client:
        result = await client.jobs.get("g1").wait()
    assert isinstance(result, ia.GenerationResult)
    assert result.data[0].url == "https://x/a.png"
    assert result.usage_cost_usd_micros == 100_000
    assert [r.url.path for r in sent] == ["/v2/generations/g1"] * 5
    waits = time.sleeps[1:]  # the first is the delay before the first poll
    intervals = [1.0, 1.5, 2.25, 3.375]  # initial_interval, times backoff (1.5) after each
    assert len(waits) == len(intervals)
    # Each wait is its interval, give or take the jitter of +-25 %.
    assert all(0.75 * i <= w <= 1.25 * i for w, i in zip(waits, intervals, strict=True))


async def test_a_pending_answers_retry_after_sets_the_next_interval() -> None:
    """A Retry-After on a pending status is the wait before the next poll (give or take jitter)."""
    time, sent = FakeTime(), list[httpx.Request]()
    answers = [
        httpx.Response(200, json=PENDING, headers={"Retry-After": "7"}),
        httpx.Response(200, json=DONE),
    ]
    async with make_client(scripted(answers, sent), time) as client:
        client.jobs.first_poll_delay = 0
        await client.jobs.get("g1").wait()
    assert 7 * 0.75 <= time.sleeps[0] <= 7 * 1.25


async def test_a_429_on_a_poll_pauses_every_poller_for_its_retry_after() -> None:
    """A poll's 429 pauses the shared limiter for Retry-After, then the poll is retried."""
    time, sent = FakeTime(), list[httpx.Request]()
    answers = [
        httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "4"}),
        httpx.Response(200, json=DONE),
    ]
    async with make_client(scripted(answers, sent), time) as client:
        client.jobs.first_poll_delay = 0
        start = time.now
        status = await client.jobs.get("g1").poll()
    assert status.status == "completed"
    assert len(sent) == 2
    assert time.now - start >= 4


async def test_a_failed_job_raises_with_its_reason_and_cost() -> None:
    """A failed status raises JobFailedError carrying failure_reason and the cost."""
    failed = {**PENDING, "status": "failed", "failure_reason": "safety", "usage_cost_usd_micros": 0}
    time, sent = FakeTime(), list[httpx.Request]()
    async with make_client(scripted([httpx.Response(200, json=failed)], sent), time) as client:
        with pytest.raises(ia.JobFailedError) as caught:
            await client.jobs.get("g1").wait()
    assert caught.value.failure_reason == "safety"
    assert caught.value.generation_id == "g1"
    assert caught.value.usage_cost_usd_micros == 0


async def test_wait_timeout_raises_with_the_id_to_resume() -> None:
    """wait(timeout=...) gives up with JobTimeoutError naming the job, which is not cancelled."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=PENDING)

    async def yield_only(_: float) -> None:
        await anyio.sleep(0)

    async with ia.AsyncIdeogram(
        api_key="k", base_url=API, transport=httpx.MockTransport(handle), sleep=yield_only
    ) as client:
        with pytest.raises(ia.JobTimeoutError) as caught:
            await client.jobs.get("g1").wait(timeout=0.05)
    assert caught.value.generation_id == "g1"
    assert isinstance(caught.value, TimeoutError)


async def test_poll_limiter_keeps_any_window_under_its_limit() -> None:
    """However many acquire at once, no window of ``window`` seconds holds more than ``limit``."""
    time = FakeTime()
    limiter = ia.PollLimiter(5, 10.0, clock=time.clock, sleep=time.sleep)
    starts: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        starts.append(time.now)

    async with anyio.create_task_group() as group:
        for _ in range(23):
            group.start_soon(one)
    starts.sort()
    assert len(starts) == 23
    for i, start in enumerate(starts):
        assert sum(1 for s in starts[i:] if s < start + 10.0) <= 5


async def test_poll_limiter_pause_holds_polls_back() -> None:
    """After pause(3), the next poll starts no sooner than 3 seconds later."""
    time = FakeTime()
    limiter = ia.PollLimiter(clock=time.clock, sleep=time.sleep)
    limiter.pause(3.0)
    start = time.now
    await limiter.acquire()
    assert time.now - start >= 3.0


def test_get_refuses_an_empty_id() -> None:
    """jobs.get('') is a validation error naming generation_id."""
    client = ia.AsyncIdeogram(api_key="k")
    with pytest.raises(ia.IdeogramValidationError, match="generation_id"):
        client.jobs.get(" ")


def _emulated(time: FakeTime, emulator: Emulator, limit: int) -> ia.AsyncIdeogram:
    client = emulator.client(sleep=time.sleep)
    client.jobs.limiter = ia.PollLimiter(limit, 10.0, clock=time.clock, sleep=time.sleep)
    return client


async def test_many_jobs_waited_at_once_stay_under_the_emulators_limit() -> None:
    """60 jobs waited on together never draw a 429 from a 20-per-10-s polling limit."""
    time = FakeTime()
    emulator = Emulator(clock=time.clock)
    emulator.v2.job_delay = 30.0
    emulator.v2.poll_limit = 20
    async with _emulated(time, emulator, 20) as client:
        jobs = [await client.v2.submit.generate_ideogram_4(prompt=f"p{i}") for i in range(60)]
        results: list[ia.GenerationResult] = []

        async def wait(job: ia.Job[ia.GenerationResult]) -> None:
            results.append(await job.wait())

        async with anyio.create_task_group() as group:
            for job in jobs:
                group.start_soon(wait, job)
    assert len(results) == 60
    assert emulator.v2.poll_rate_limited == 0
    assert emulator.v2.polls >= 60


async def test_the_emulators_poll_limit_answers_429_with_retry_after() -> None:
    """Past the emulator's limit a poll gets 429 and Retry-After; the SDK waits and succeeds."""
    time = FakeTime()
    emulator = Emulator(clock=time.clock)
    emulator.v2.poll_limit = 2
    async with _emulated(time, emulator, 100) as client:
        job = await client.v2.submit.generate_ideogram_4(prompt="p")
        for _ in range(3):
            await job.poll()
    assert emulator.v2.poll_rate_limited == 1
    limited = [r for r in emulator.requests if r.status == 429]
    assert len(limited) == 1


@pytest.mark.parametrize(
    "fault",
    [
        lambda r: httpx.Response(500, json={"error": "boom"}),
        lambda r: httpx.Response(502, json={"error": "bad gateway"}),
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
    ],
    ids=["500", "502", "read-timeout"],
)
async def test_a_submission_that_may_have_been_accepted_is_never_resent(
    fault: Callable[[httpx.Request], httpx.Response],
) -> None:
    """After a 500, 502 or read timeout, a v2 POST is not retried, even with retry_billed."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return fault(request)

    time = FakeTime()
    transport = httpx.MockTransport(handle)
    async with make_client(transport, time, retry_billed=True, max_retries=5) as client:
        with pytest.raises(ia.APIError) as caught:
            await client.v2.submit.generate_ideogram_4_5(prompt="p")
    assert len(sent) == 1
    assert caught.value.maybe_billed


async def test_a_submission_refused_before_it_ran_is_retried() -> None:
    """A 503 or a 429 means it did not run: the POST is sent again."""
    time, sent = FakeTime(), list[httpx.Request]()
    answers = [
        httpx.Response(503, json={"error": "busy"}),
        httpx.Response(429, json={"error": "x", "reject_reason": "inflight_limit"}),
        httpx.Response(200, json={"generation_id": "g9", "seed": 1}),
    ]
    async with make_client(scripted(answers, sent), time) as client:
        job = await client.v2.submit.generate_ideogram_4_5(prompt="p")
    assert job.id == "g9"
    assert len(sent) == 3


async def test_retry_billed_is_refused_for_a_v2_submission() -> None:
    """Asking a v2 POST to retry billed failures is a validation error, before sending."""
    time, sent = FakeTime(), list[httpx.Request]()
    async with make_client(scripted([], sent), time) as client:
        with pytest.raises(ia.IdeogramValidationError, match="retry_billed"):
            await client.v2.generate_ideogram_4_5(prompt="p", retry_billed=True)
    assert sent == []


async def test_resuming_by_id_polls_and_never_posts() -> None:
    """A job resumed in a new client from its saved id only polls."""
    time = FakeTime()
    emulator = Emulator(clock=time.clock)
    emulator.v2.job_delay = 5.0
    async with _emulated(time, emulator, 100) as first:
        saved = (await first.v2.submit.generate_ideogram_4_5(prompt="p", num_images=2)).id
    async with _emulated(time, emulator, 100) as second:
        result = await second.jobs.get(saved).wait()
    assert result.generation_id == saved
    assert len(result.data) == 2
    posts = [r for r in emulator.requests if r.method == "POST"]
    assert len(posts) == 1


async def test_always_async_operations_wait_for_their_job() -> None:
    """An operation that only runs as a job (remove object) returns its result after polling."""
    from tests.conftest import PNG

    time = FakeTime()
    emulator = Emulator(clock=time.clock)
    emulator.v2.job_delay = 3.0
    async with _emulated(time, emulator, 100) as client:
        result = await client.v2.remove_object_ideogram_1(image=PNG, mask=PNG)
    assert result.data
    assert emulator.requests[0].method == "POST"
    assert any(r.path.startswith("/v2/generations/") for r in emulator.requests)


async def test_a_failed_emulated_job_raises() -> None:
    """The emulator's failed job reaches the caller as JobFailedError."""
    time = FakeTime()
    emulator = Emulator(clock=time.clock)
    emulator.v2.fail_next_job("upstream timeout")
    async with _emulated(time, emulator, 100) as client:
        job = await client.v2.submit.upscale_topaz_bloom_2(
            image_asset_identifier={"asset_type": "UPLOAD", "asset_id": "a"}
        )
        with pytest.raises(ia.JobFailedError, match="upstream timeout"):
            await job.wait()
