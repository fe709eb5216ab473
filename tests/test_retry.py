"""The retry policy, row by row: ``decide`` and ``parse_retry_after`` are pure functions.

Each row of ``POLICY_TABLE`` is one line of the table in ``docs/retries.md``. Unless a row says
otherwise it is the first attempt (``attempt=1``), under the default policy (two retries,
``retry_billed`` off, backoff 0.5s doubling up to 8s, ``Retry-After`` capped at 60s), with jitter
0, so the backoff is half of ``0.5 * 2 ** (attempt - 1)``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import NamedTuple

import httpx
import pytest

from ideogram_async._retry import (
    Attempt,
    Decision,
    Failure,
    Outcome,
    RetryPolicy,
    decide,
    parse_retry_after,
)

DEFAULT = RetryPolicy()
BILLED = RetryPolicy(retry_billed=True)
NEARLY_ONE = 1 - 1e-9
"""The top of the jitter range: ``random.random()`` never returns 1."""


class Row(NamedTuple):
    outcome: Outcome
    retry: bool
    delay: float
    maybe_billed: bool
    reason: str
    """A word the attempt's reason must contain (the reason is shown to users)."""
    attempt: int = 1
    policy: RetryPolicy = DEFAULT
    jitter: float = 0.0
    too_long: bool = False
    stalled: float = 0.0
    """Seconds the call has been rate limited without the client making progress."""


def status(code: int, reason: str | None = None, retry_after: float | None = None) -> Outcome:
    """An attempt answered with an error status."""
    return Outcome(status_code=code, reject_reason=reason, retry_after=retry_after)


def failed(kind: Failure) -> Outcome:
    """An attempt that got no response."""
    return Outcome(failure=kind)


POLICY_TABLE: dict[str, Row] = {
    # 429: Ideogram's in-flight limit is not billed and clears when other requests finish. The
    # budget paces it (delay 0: no wait of the call's own), bounded by time, not max_retries.
    "429 inflight_limit: retried": Row(status(429, "inflight_limit"), True, 0.0, False, "429"),
    "429 without a reason: retried": Row(status(429), True, 0.0, False, "429"),
    "429 another reason: final": Row(status(429, "daily_quota"), False, 0.25, False, "daily_quota"),
    "429 with retry_billed: still not billed": Row(status(429), True, 0.0, False, "429", 1, BILLED),
    # 503: the server refused the request before running it.
    "503: retried": Row(status(503), True, 0.25, False, "503"),
    # 500, 502, 504: the request may have run, so a retry may bill twice.
    "500: not retried by default": Row(status(500), False, 0.25, True, "500"),
    "502: not retried by default": Row(status(502), False, 0.25, True, "502"),
    "504: not retried by default": Row(status(504), False, 0.25, True, "504"),
    "500 with retry_billed: retried": Row(status(500), True, 0.25, True, "500", 1, BILLED),
    "502 with retry_billed: retried": Row(status(502), True, 0.25, True, "502", 1, BILLED),
    "504 with retry_billed: retried": Row(status(504), True, 0.25, True, "504", 1, BILLED),
    "501 (other 5xx): as 500": Row(status(501), False, 0.25, True, "501"),
    # Client errors: retrying the same request cannot help, and they are not billed.
    "400: final": Row(status(400), False, 0.25, False, "400"),
    "401: final": Row(status(401), False, 0.25, False, "401"),
    "402: final": Row(status(402), False, 0.25, False, "402"),
    "403: final": Row(status(403), False, 0.25, False, "403"),
    "404: final": Row(status(404), False, 0.25, False, "404"),
    "413: final": Row(status(413), False, 0.25, False, "413"),
    "422: final": Row(status(422), False, 0.25, False, "422"),
    "409 (other 4xx): final": Row(status(409), False, 0.25, False, "409"),
    "400 with retry_billed: final": Row(status(400), False, 0.25, False, "400", 1, BILLED),
    "422 with retry_billed: final": Row(status(422), False, 0.25, False, "422", 1, BILLED),
    # No response, and nothing was sent: safe to retry.
    "connect error: retried": Row(failed("connect"), True, 0.25, False, "nothing was sent"),
    "connect timeout: retried": Row(
        failed("connect_timeout"), True, 0.25, False, "nothing was sent"
    ),
    "pool timeout: retried": Row(failed("pool_timeout"), True, 0.25, False, "nothing was sent"),
    "write error: retried": Row(failed("write"), True, 0.25, False, "nothing was sent"),
    "write timeout: retried": Row(failed("write_timeout"), True, 0.25, False, "nothing was sent"),
    # A reset before the body was fully sent reaches ``decide`` as a write failure, whatever httpx
    # called it (tests/test_client.py proves the client classifies it so against a real socket).
    "reset before the body was fully sent: retried as a write": Row(
        failed("write"), True, 0.25, False, "nothing was sent"
    ),
    # No response after the request was sent: it may have run.
    "read timeout: not retried by default": Row(
        failed("read_timeout"), False, 0.25, True, "after the request was sent"
    ),
    "read error (reset): not retried by default": Row(
        failed("read"), False, 0.25, True, "after the request was sent"
    ),
    "protocol error (reset): not retried by default": Row(
        failed("protocol"), False, 0.25, True, "after the request was sent"
    ),
    "read timeout with retry_billed: retried": Row(
        failed("read_timeout"), True, 0.25, True, "after the request was sent", 1, BILLED
    ),
    "read error with retry_billed: retried": Row(
        failed("read"), True, 0.25, True, "after the request was sent", 1, BILLED
    ),
    "protocol error with retry_billed: retried": Row(
        failed("protocol"), True, 0.25, True, "after the request was sent", 1, BILLED
    ),
    "invalid request (no response): final": Row(failed("invalid"), False, 0.25, False, "invalid"),
    # Retries run out: attempt n is retried while n <= max_retries.
    "503, attempt 2 of max_retries=2: retried": Row(status(503), True, 0.5, False, "503", 2),
    "503, attempt 3 of max_retries=2: exhausted": Row(status(503), False, 1.0, False, "503", 3),
    "429, attempt 3 of max_retries=2: still retried": Row(status(429), True, 0.0, False, "429", 3),
    "429, max_retries=0: still retried": Row(
        status(429), True, 0.0, False, "429", 1, RetryPolicy(max_retries=0)
    ),
    "429 after 299s without progress: retried": Row(
        status(429), True, 0.0, False, "429", 50, stalled=299.0
    ),
    "429 after 301s without progress: raised": Row(
        status(429), False, 0.0, False, "429", 50, stalled=301.0
    ),
    "429 Retry-After 10 after 291s: the wait would pass 300s": Row(
        status(429, None, 10.0), False, 10.0, False, "429", 2, stalled=291.0
    ),
    "429, rate_limit_timeout=None: retried however long": Row(
        status(429), True, 0.0, False, "429", 9, RetryPolicy(rate_limit_timeout=None), 0, False, 1e9
    ),
    "429, rate_limit_timeout=0: raised at once": Row(
        status(429), False, 0.0, False, "429", 1, RetryPolicy(rate_limit_timeout=0)
    ),
    "connect error, max_retries=0: not retried": Row(
        failed("connect"), False, 0.25, False, "connect", 1, RetryPolicy(max_retries=0)
    ),
    "500 with retry_billed, attempt 3: exhausted": Row(
        status(500), False, 1.0, True, "500", 3, BILLED
    ),
    "503, max_retries=5, attempt 5: retried": Row(
        status(503), True, 4.0, False, "503", 5, RetryPolicy(max_retries=5)
    ),
    # Retry-After: taken as it is (no jitter) up to max_retry_after; above it, raised at once.
    "429 Retry-After 30 (under the cap): retried after 30s": Row(
        status(429, "inflight_limit", 30.0), True, 30.0, False, "429", jitter=NEARLY_ONE
    ),
    "429 Retry-After 60 (at the cap): retried after 60s": Row(
        status(429, "inflight_limit", 60.0), True, 60.0, False, "429"
    ),
    "429 Retry-After 61 (over the cap): raised at once": Row(
        status(429, "inflight_limit", 61.0), False, 61.0, False, "429", too_long=True
    ),
    "429 Retry-After 0: retried without waiting": Row(
        status(429, None, 0.0), True, 0.0, False, "429"
    ),
    "429 Retry-After negative: treated as 0": Row(status(429, None, -5.0), True, 0.0, False, "429"),
    "503 Retry-After 12: retried after 12s": Row(status(503, None, 12.0), True, 12.0, False, "503"),
    "503 Retry-After 5 over a cap of 4: raised at once": Row(
        status(503, None, 5.0),
        False,
        5.0,
        False,
        "503",
        policy=RetryPolicy(max_retry_after=4.0),
        too_long=True,
    ),
    "429 Retry-After 10, attempt 3: retried (no count)": Row(
        status(429, None, 10.0), True, 10.0, False, "429", 3
    ),
    # Backoff with jitter: jitter in [0, 1) scales the backoff into its upper half.
    "backoff attempt 1, jitter 0: 0.25s": Row(status(503), True, 0.25, False, "503", 1),
    "backoff attempt 1, jitter ~1: 0.5s": Row(
        status(503), True, 0.5, False, "503", 1, jitter=NEARLY_ONE
    ),
    "backoff attempt 2, jitter 0: 0.5s": Row(status(503), True, 0.5, False, "503", 2),
    "backoff attempt 2, jitter ~1: 1s": Row(
        status(503), True, 1.0, False, "503", 2, jitter=NEARLY_ONE
    ),
    "backoff attempt 2, jitter 0.5: 0.75s": Row(
        status(503), True, 0.75, False, "503", 2, jitter=0.5
    ),
    "initial_backoff 2, attempt 1, jitter ~1: 2s": Row(
        status(503), True, 2.0, False, "503", 1, RetryPolicy(initial_backoff=2.0), NEARLY_ONE
    ),
    # max_backoff caps the doubling.
    "backoff attempt 6 capped at max_backoff 8, jitter ~1": Row(
        status(503), True, 8.0, False, "503", 6, RetryPolicy(max_retries=10), NEARLY_ONE
    ),
    "backoff attempt 6 capped at max_backoff 8, jitter 0": Row(
        status(503), True, 4.0, False, "503", 6, RetryPolicy(max_retries=10)
    ),
    "max_backoff 3 caps attempt 3 (4s)": Row(
        status(503),
        True,
        3.0,
        False,
        "503",
        3,
        RetryPolicy(max_retries=5, initial_backoff=1.0, max_backoff=3.0),
        NEARLY_ONE,
    ),
    "max_backoff caps a very late attempt (no overflow)": Row(
        status(503), True, 8.0, False, "503", 1100, RetryPolicy(max_retries=10_000), NEARLY_ONE
    ),
}


@pytest.mark.parametrize("row", list(POLICY_TABLE.values()), ids=list(POLICY_TABLE))
def test_decide(row: Row) -> None:
    """Each line of the policy table: retried or not, the wait, and whether it may be billed."""
    decision = decide(row.outcome, row.attempt, row.policy, row.jitter, stalled=row.stalled)
    assert decision.retry is row.retry
    assert decision.delay == pytest.approx(row.delay, abs=1e-6)
    assert decision.maybe_billed is row.maybe_billed
    assert decision.retry_after_too_long is row.too_long
    assert row.reason in decision.reason


def test_decide_jitter_stays_within_the_upper_half_of_the_backoff() -> None:
    """For any jitter in [0, 1) the wait lies between half the backoff and the backoff."""
    for jitter in (0.0, 0.1, 0.37, 0.5, 0.9, NEARLY_ONE):
        for attempt, backoff in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)):
            policy = RetryPolicy(max_retries=10)
            delay = decide(status(503), attempt, policy, jitter).delay
            assert backoff / 2 <= delay <= backoff


def test_decide_returns_a_decision() -> None:
    """``decide`` answers with a ``Decision`` a caller can compare and log."""
    assert decide(status(503), 1, DEFAULT, 0.0) == Decision(
        retry=True, delay=0.25, reason="503 service unavailable", maybe_billed=False
    )


@pytest.mark.parametrize(
    ("attempt", "text"),
    [
        (
            Attempt(1, "503 service unavailable", 0.25),
            "#1 503 service unavailable, then waited 0.25s",
        ),
        (Attempt(3, "500 server error"), "#3 500 server error"),
    ],
)
def test_attempt_str(attempt: Attempt, text: str) -> None:
    """An attempt reads as its number, its reason and the wait after it (if any)."""
    assert str(attempt) == text


NOW = dt.datetime(2026, 8, 3, 12, 0, 0, tzinfo=dt.timezone.utc)


def http_date(when: dt.datetime) -> str:
    """``when`` as an HTTP date (``Mon, 03 Aug 2026 12:00:30 GMT``)."""
    return email.utils.format_datetime(when, usegmt=True)


RETRY_AFTER_TABLE: dict[str, tuple[dict[str, str], float | None]] = {
    "no header: None": ({}, None),
    "Retry-After seconds": ({"Retry-After": "5"}, 5.0),
    "Retry-After 0": ({"Retry-After": "0"}, 0.0),
    "Retry-After fractional seconds": ({"Retry-After": "1.5"}, 1.5),
    "Retry-After negative: 0": ({"Retry-After": "-3"}, 0.0),
    "Retry-After with spaces": ({"Retry-After": " 7 "}, 7.0),
    "retry-after-ms": ({"retry-after-ms": "1500"}, 1.5),
    "retry-after-ms wins over Retry-After": ({"retry-after-ms": "250", "Retry-After": "10"}, 0.25),
    "retry-after-ms invalid: Retry-After used": (
        {"retry-after-ms": "soon", "Retry-After": "2"},
        2.0,
    ),
    "retry-after-ms negative: 0": ({"retry-after-ms": "-100"}, 0.0),
    "HTTP date 30s ahead": ({"Retry-After": http_date(NOW + dt.timedelta(seconds=30))}, 30.0),
    "HTTP date in the past: 0": ({"Retry-After": http_date(NOW - dt.timedelta(hours=1))}, 0.0),
    "HTTP date with -0000 (no zone): read as UTC": (
        {"Retry-After": "Mon, 03 Aug 2026 12:01:00 -0000"},
        60.0,
    ),
    "HTTP date in another zone": ({"Retry-After": "Mon, 03 Aug 2026 14:00:10 +0200"}, 10.0),
    "garbage: None": ({"Retry-After": "tomorrow"}, None),
    "empty: None": ({"Retry-After": ""}, None),
}


@pytest.mark.parametrize(
    ("headers", "seconds"), list(RETRY_AFTER_TABLE.values()), ids=list(RETRY_AFTER_TABLE)
)
def test_parse_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    """``retry-after-ms``, then ``Retry-After`` as seconds or an HTTP date, read as seconds."""
    parsed = parse_retry_after(httpx.Headers(headers), now=NOW)
    if seconds is None:
        assert parsed is None
    else:
        assert parsed == pytest.approx(seconds)


def test_parse_retry_after_date_defaults_to_the_current_time() -> None:
    """Without ``now``, an HTTP date is measured from the wall clock."""
    ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)
    parsed = parse_retry_after(httpx.Headers({"Retry-After": http_date(ahead)}))
    assert parsed is not None
    assert 115 <= parsed <= 120
