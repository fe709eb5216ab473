"""When to retry and how long to wait: one pure function, ``decide``, tested row by row.

Ideogram bills a request that ran, even when a retry follows. So a failure is one of:

- **safe**: the request did not run (429, 503, or the connection failed before the request was
  fully written). Retried by default; a 429 of the in-flight kind is retried until the call has
  waited ``rate_limit_timeout`` seconds without the client making progress, not ``max_retries``
  times (it means "wait", and is never billed).
- **maybe billed**: it may have run (a read timeout or reset after the request was sent, 500, 502,
  504). Retried only when the caller opts in with ``retry_billed``.
- **final**: retrying cannot help (400, 401, 402, 403, 404, 413, 422 and other 4xx).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = [
    "Attempt",
    "Decision",
    "Outcome",
    "RetryPolicy",
    "decide",
    "is_inflight_429",
    "parse_retry_after",
]

Failure = Literal[
    "connect",
    "connect_timeout",
    "pool_timeout",
    "write",
    "write_timeout",
    "read",
    "read_timeout",
    "protocol",
    "incomplete",
    "invalid",
]
"""How a request failed without a response."""

# A write that failed never handed the whole body to the socket, so the server cannot have run it.
_NOT_SENT: frozenset[str] = frozenset(
    {"connect", "connect_timeout", "pool_timeout", "write", "write_timeout"}
)
_MAYBE_RAN: frozenset[str] = frozenset({"read", "read_timeout", "protocol"})
_RETRYABLE_429 = frozenset({None, "inflight_limit"})
"""The in-flight kind: Ideogram's ``inflight_limit``, and a 429 without a reason (gateways)."""


@attrs.frozen
class Outcome:
    """How one attempt ended: an error status, or a failure without a response."""

    status_code: int | None = None
    failure: Failure | None = None
    reject_reason: str | None = None
    retry_after: float | None = None


@attrs.frozen
class RetryPolicy:
    """The retry settings of a client, or of one call."""

    max_retries: int = 2
    retry_billed: bool = False
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    rate_limit_timeout: float | None = 300.0


@attrs.frozen
class Decision:
    """What to do after a failed attempt.

    ``delay`` is the wait the server asked for or the backoff gives, even when ``retry`` is false.
    ``retry_after_too_long`` says the server asked for more than ``max_retry_after``.
    ``paced`` says the in-flight budget paces the retry (a 429 of the in-flight kind): the call
    does not sleep ``delay`` itself, the budget pauses every holder.
    """

    retry: bool
    delay: float
    reason: str
    maybe_billed: bool
    retry_after_too_long: bool = False
    paced: bool = False


@attrs.frozen
class Attempt:
    """One failed attempt: its number, why it failed, and the wait before the next one.

    After a 429 of the in-flight kind, ``delay`` is the server's ``Retry-After`` (0 without
    one): the in-flight budget paces that retry, and may pause longer, or end a backoff early.
    """

    number: int
    reason: str
    delay: float | None = None

    def __str__(self) -> str:
        after = f", then waited {self.delay:.2f}s" if self.delay else ""
        return f"#{self.number} {self.reason}{after}"


def is_inflight_429(outcome: Outcome) -> bool:
    """A 429 of the in-flight kind: it means "wait", is never billed, and the budget paces it."""
    return outcome.status_code == 429 and outcome.reject_reason in _RETRYABLE_429


def _classify(outcome: Outcome) -> tuple[Literal["safe", "billed", "final"], str]:
    code = outcome.status_code
    if code is None:
        failure = outcome.failure or "invalid"
        if failure in _NOT_SENT:
            return "safe", f"{failure} (nothing was sent)"
        if failure in _MAYBE_RAN:
            return "billed", f"{failure} after the request was sent"
        if failure == "incomplete":
            return "safe", "the image arrived incomplete"
        return "final", failure
    if code == 429:
        reason = outcome.reject_reason
        return ("safe" if reason in _RETRYABLE_429 else "final"), f"429 {reason or 'rate limited'}"
    if code == 503:
        return "safe", "503 service unavailable"
    if code >= 500:
        return "billed", f"{code} server error"
    return "final", str(code)


def decide(
    outcome: Outcome, attempt: int, policy: RetryPolicy, jitter: float, *, stalled: float = 0.0
) -> Decision:
    """Whether to retry after ``attempt`` (1 for the first) ended with ``outcome``.

    ``jitter`` is a number in [0, 1): the backoff is scaled into its upper half by it.
    ``attempt`` counts the failures that ``max_retries`` bounds; a 429 of the in-flight kind is
    bounded by ``stalled`` instead: the seconds since the call's first such 429, or since the
    client last made progress (a call succeeded), whichever is later.
    """
    kind, reason = _classify(outcome)
    if is_inflight_429(outcome):
        delay = max(0.0, outcome.retry_after or 0.0)
        if delay > policy.max_retry_after:
            return Decision(False, delay, reason, False, retry_after_too_long=True)
        limit = policy.rate_limit_timeout
        retry = limit is None or (limit > 0 and stalled + delay <= limit)
        return Decision(retry, delay, reason, False, paced=True)
    billed = kind == "billed"
    if outcome.retry_after is not None:
        delay = max(0.0, outcome.retry_after)
        if delay > policy.max_retry_after:
            return Decision(False, delay, reason, billed, retry_after_too_long=True)
    else:
        # The exponent is capped: 2 ** 1100 does not fit in a float.
        backoff = min(policy.max_backoff, policy.initial_backoff * 2 ** min(attempt - 1, 62))
        delay = backoff * (0.5 + jitter / 2)
    retry = (kind == "safe" or (billed and policy.retry_billed)) and attempt <= policy.max_retries
    return Decision(retry, delay, reason, billed)


def parse_retry_after(headers: Mapping[str, str], now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, or ``Retry-After`` as seconds or an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds())
