"""Generation jobs: a handle to poll, wait for, or resume a v2 generation by its id.

Every v2 operation that answers with a ``generation_id`` and no result yet gives a ``Job``.
``wait()`` polls ``GET /v2/generations/{id}`` with a growing interval until the job is
``completed`` (it returns the typed result) or ``failed`` (it raises ``JobFailedError``).
``client.jobs.get(id)`` resumes a job saved in another process: resuming means polling, never
resubmitting, because v2 has no idempotency key.

Ideogram allows an organisation 1,000 polls per 10 seconds. All polls of one client go through
one ``PollLimiter`` (a sliding window, by default 900 per 10 s to leave room for clock skew), so
any number of jobs waited on at once stay under the limit; a 429 pauses every poller for its
``Retry-After``.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar
from urllib.parse import quote

import anyio
import attrs
import httpx

from ._exceptions import APIError, APIResponseParseError, IdeogramError, IdeogramValidationError
from ._failures import status_failure, transport_failure
from ._retry import decide, parse_retry_after
from ._v2._notices import read_json

if TYPE_CHECKING:
    from ._client import AsyncIdeogram
    from ._v2._results import GenerationResult

__all__ = [
    "Job",
    "JobFailedError",
    "JobStatus",
    "JobTimeoutError",
    "Jobs",
    "PollLimiter",
]

R = TypeVar("R")
JobState = Literal["pending", "completed", "failed"]


class JobFailedError(APIError):
    """A job ended ``failed``.

    Attributes:
        generation_id: The job's id.
        failure_reason: Why, as the API says it.
        usage_cost_usd_micros: What the failed job cost, when the API reports it.
    """

    def __init__(
        self,
        generation_id: str,
        failure_reason: str | None,
        usage_cost_usd_micros: int | None,
        *,
        request: httpx.Request,
        response: httpx.Response | None,
        body: Any,
    ) -> None:
        super().__init__(
            f"job {generation_id} failed: {failure_reason or 'no reason given'}",
            request=request,
            response=response,
            body=body,
            maybe_billed=bool(usage_cost_usd_micros),
        )
        self.generation_id = generation_id
        self.failure_reason = self._redact(failure_reason)
        self.usage_cost_usd_micros = usage_cost_usd_micros


class JobTimeoutError(IdeogramError, TimeoutError):
    """``Job.wait(timeout=...)`` ran out before the job finished; the job may still finish.

    Attributes:
        generation_id: The job's id: keep it, and resume with ``client.jobs.get(id).wait()``.
    """

    def __init__(self, generation_id: str, timeout: float) -> None:
        super().__init__(f"job {generation_id} did not finish within {timeout:g}s")
        self.generation_id = generation_id


@attrs.frozen
class JobStatus(Generic[R]):
    """One poll's answer.

    Attributes:
        generation_id: The job's id.
        status: ``pending``, ``completed`` or ``failed`` (or a newer value, kept as text).
        result: The typed result once ``completed``, else ``None``.
        failure_reason: Why the job failed, when it did.
        usage_cost_usd_micros: What the job cost, in USD micros, once finished (when reported).
        retry_after: The wait the server asked for before the next poll, if it asked.
        response: The HTTP response of this poll.
    """

    generation_id: str
    status: JobState | str
    result: R | None = None
    failure_reason: str | None = None
    usage_cost_usd_micros: int | None = None
    retry_after: float | None = None
    response: httpx.Response | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def done(self) -> bool:
        """Whether the job has finished (completed or failed)."""
        return self.status in ("completed", "failed")


class PollLimiter:
    """At most ``limit`` polls in any ``window`` seconds, shared by every job of a client.

    A sliding log of the last ``limit`` start times: a poll may start once the oldest of them
    is ``window`` seconds old. ``pause(seconds)`` holds every poll back (after a 429).
    """

    def __init__(
        self,
        limit: int = 900,
        window: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._starts: collections.deque[float] = collections.deque()
        self._paused_until = 0.0
        self._lock: anyio.Lock | None = None
        self.polls = 0

    def pause(self, seconds: float) -> None:
        """Hold every poll back for ``seconds`` from now (a longer pause already set stays)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self) -> None:
        """Wait until one more poll fits in the window, and count it."""
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:  # FIFO: polls start in the order they asked
            while True:
                now = self._clock()
                wait = self._paused_until - now
                if len(self._starts) >= self.limit:
                    wait = max(wait, self._starts[0] + self.window - now)
                if wait <= 0:
                    break
                await self._sleep(wait)
                if self._clock() == now:  # an injected sleep that does not move the clock
                    break
            while self._starts and self._starts[0] <= self._clock() - self.window:
                self._starts.popleft()
            if len(self._starts) >= self.limit:
                self._starts.popleft()
            self._starts.append(self._clock())
            self.polls += 1


class Job(Generic[R]):
    """A handle to one generation job.

    Attributes:
        id: The ``generation_id``; save it to resume with ``client.jobs.get(id)``.
    """

    def __init__(
        self,
        jobs: Jobs,
        generation_id: str,
        convert: Callable[[Mapping[str, Any], httpx.Response], R],
    ) -> None:
        self._jobs = jobs
        self.id = generation_id
        self._convert = convert
        self.last: JobStatus[R] | None = None

    def __repr__(self) -> str:
        state = self.last.status if self.last else "unpolled"
        return f"<Job {self.id} {state}>"

    async def poll(self) -> JobStatus[R]:
        """Ask once for the job's status.

        Returns:
            The status; ``result`` is set once it is ``completed``.

        Raises:
            APIError: The poll failed after its retries (a poll is never billed, so every
                transient failure is retried).
        """
        body, response = await self._jobs._get(self.id)
        status = str(body.get("status", "pending"))
        cost = body.get("usage_cost_usd_micros")
        result = self._convert(body, response) if status == "completed" else None
        self.last = JobStatus(
            generation_id=str(body.get("generation_id") or self.id),
            status=status,
            result=result,
            failure_reason=body.get("failure_reason"),
            usage_cost_usd_micros=cost if isinstance(cost, int) else None,
            retry_after=parse_retry_after(response.headers),
            response=response,
        )
        return self.last

    async def wait(self, *, timeout: float | None = None) -> R:
        """Poll until the job finishes, with a growing interval, and return its result.

        Args:
            timeout: Seconds to wait at most; ``None`` waits as long as it takes.

        Returns:
            The same typed result the operation gives when it runs synchronously.

        Raises:
            JobFailedError: The job failed (``failure_reason`` says why).
            JobTimeoutError: ``timeout`` passed first; the job may still finish.
            APIError: A poll failed after its retries.
        """
        if timeout is None:
            return await self._wait()
        with anyio.move_on_after(timeout):
            return await self._wait()
        raise JobTimeoutError(self.id, timeout)

    async def _wait(self) -> R:
        jobs = self._jobs
        interval = jobs.initial_interval
        if self.last is None and jobs.first_poll_delay > 0:
            await jobs._sleep(jobs.first_poll_delay)
        while True:
            status = await self.poll()
            if status.status == "completed":
                assert status.result is not None
                return status.result
            if status.status == "failed":
                response = status.response
                assert response is not None
                raise JobFailedError(
                    self.id,
                    status.failure_reason,
                    status.usage_cost_usd_micros,
                    request=response.request,
                    response=response,
                    body=response.json(),
                )
            delay = status.retry_after if status.retry_after is not None else interval
            # Jitter keeps a thousand jobs started together from polling in lockstep.
            await jobs._sleep(delay * (0.75 + jobs._random.random() / 2))
            interval = min(jobs.max_interval, interval * jobs.backoff)


def _result(body: Mapping[str, Any], response: httpx.Response) -> GenerationResult:
    from ._v2._results import GenerationResult

    return GenerationResult.from_wire(body, response)


class Jobs:
    """Jobs of this client: resume one by id; the polling limit and intervals they share.

    Attributes:
        limiter: The client-wide ``PollLimiter`` (replace it to change the limit).
        first_poll_delay: Seconds before a new job's first poll (default 1).
        initial_interval: Seconds between the first polls (default 1).
        max_interval: The longest interval between polls (default 10).
        backoff: The factor the interval grows by after each pending poll (default 1.5).
    """

    def __init__(self, client: AsyncIdeogram) -> None:
        self._client = client
        self._sleep: Callable[[float], Awaitable[None]] = client._sleep
        self.limiter = PollLimiter(sleep=client._sleep)
        self.first_poll_delay = 1.0
        self.initial_interval = 1.0
        self.max_interval = 10.0
        self.backoff = 1.5
        self._random = random.Random()
        # A poll is never billed: every transient failure is worth another try.
        self._policy = attrs.evolve(client._policy, retry_billed=True, max_retries=5)

    def get(self, generation_id: str) -> Job[GenerationResult]:
        """A handle to the job ``generation_id`` (saved from an earlier submission).

        Args:
            generation_id: The job's id.

        Returns:
            The job; ``await job.wait()`` polls it to its end. Nothing is resubmitted.

        Raises:
            IdeogramValidationError: The id is empty.
        """
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise IdeogramValidationError("generation_id", generation_id, "a non-empty string")
        return Job(self, generation_id, _result)

    async def _get(self, generation_id: str) -> tuple[Mapping[str, Any], httpx.Response]:
        """``GET /v2/generations/{id}``, through the limiter, with retries."""
        client = self._client
        url = f"{client._base_url}/v2/generations/{quote(generation_id, safe='')}"
        number = 0
        while True:
            number += 1
            await self.limiter.acquire()
            request = client._http.build_request(
                "GET", url, headers=client._headers, timeout=client._timeout_for(client._timeout)
            )
            try:
                response = await client._http.send(request, follow_redirects=False)
            except httpx.HTTPError as exc:
                error, outcome = transport_failure(request, exc)
            else:
                if response.is_success:
                    body = read_json("/v2/generations/{id}", response, maybe_billed=False)
                    if "status" not in body:
                        raise APIResponseParseError(
                            "a poll's answer is not a GenerationResponse",
                            request=request,
                            response=response,
                            body=body,
                        )
                    return body, response
                error, outcome = status_failure(request, response)
            decision = decide(outcome, number, self._policy, self._random.random())
            if outcome.status_code == 429:
                self.limiter.pause(decision.delay)
            if not decision.retry:
                raise error
            await self._sleep(decision.delay)
