"""How a failed attempt reads: the error to raise, and the outcome the retry policy judges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ._exceptions import APIConnectionError, APIError, APITimeoutError, status_error
from ._retry import Failure, Outcome, parse_retry_after

__all__ = ["BodyTrace", "status_failure", "transport_failure"]

_FAILURES: tuple[tuple[type[Exception], Failure], ...] = (
    (httpx.ConnectTimeout, "connect_timeout"),
    (httpx.PoolTimeout, "pool_timeout"),
    (httpx.WriteTimeout, "write_timeout"),
    (httpx.ReadTimeout, "read_timeout"),
    (httpx.ConnectError, "connect"),
    (httpx.ProxyError, "connect"),
    (httpx.WriteError, "write"),
    (httpx.ReadError, "read"),
    (httpx.RemoteProtocolError, "protocol"),
)
# What a transport error means, in words: httpx's own text is often empty.
_DESCRIPTIONS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectError, "could not connect to {host}"),
    (httpx.ProxyError, "the proxy refused the connection to {host}"),
    (httpx.WriteError, "the connection failed while the request was being sent"),
    (httpx.ReadError, "the connection was closed by the server while reading the response"),
    (httpx.RemoteProtocolError, "the server broke off the response"),
)
_NOT_SENT = "the connection was closed before the request was fully sent"


class BodyTrace:
    """httpcore's ``trace`` extension, noting only whether the request body was fully sent.

    httpcore swallows a failed write to read an early error response, so a reset mid-upload
    surfaces as a read error; this tells the two apart. ``traced`` stays false on a transport
    that does not trace (a mock), which is then taken at its word.
    """

    __slots__ = ("sent", "traced")

    def __init__(self) -> None:
        self.traced = False
        self.sent = False

    async def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        self.traced = True
        if name.endswith(".send_request_body.complete"):
            self.sent = True


def transport_failure(
    request: httpx.Request, exc: httpx.HTTPError, *, body_sent: bool = True
) -> tuple[APIError, Outcome]:
    """The error and outcome of a request that got no response.

    ``body_sent`` is false when the request is known not to have been fully written: a reset
    then means the server never had the whole request, whatever httpx calls it.
    """
    failure: Failure = next((kind for cls, kind in _FAILURES if isinstance(exc, cls)), "invalid")
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    where = f"on {request.method} {request.url.path}"
    text = str(exc).strip()
    if isinstance(exc, httpx.TimeoutException):
        kind = failure.removesuffix("_timeout") if failure.endswith("_timeout") else ""
        seconds = request.extensions.get("timeout", {}).get(kind)
        after = f" after {seconds:g} s" if isinstance(seconds, (int, float)) else ""
        message = f"{kind or 'the'} timeout{after} {where}"
    elif not body_sent and failure in ("read", "protocol"):
        failure = "write"
        message = f"{_NOT_SENT} {where}"
    else:
        template = next((d for c, d in _DESCRIPTIONS if isinstance(exc, c)), type(exc).__name__)
        message = f"{template.format(host=request.url.netloc.decode('ascii'))} {where}"
    # httpx's name for it stays in view: it is what a search for the failure needs.
    message += f" ({type(exc).__name__}: {text})" if text else f" ({type(exc).__name__})"
    error = cls(message, request=request)
    error.__cause__ = exc
    return error, Outcome(failure=failure)


def status_failure(request: httpx.Request, response: httpx.Response) -> tuple[APIError, Outcome]:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    error = status_error(request, response, body, maybe_billed=False)
    error.retry_after = parse_retry_after(response.headers)
    reason = body.get("reject_reason") if isinstance(body, dict) else None
    outcome = Outcome(
        status_code=response.status_code,
        reject_reason=reason if isinstance(reason, str) else None,
        retry_after=error.retry_after,
    )
    return error, outcome
