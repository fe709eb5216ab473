"""Every exception the SDK raises. The tree::

    IdeogramError
    ├── ConfigurationError            the client cannot be built (no API key, bad option)
    ├── IdeogramValidationError       bad input: caught before any byte was sent
    └── APIError                      talking to the API failed; carries request, response, body
        ├── APIConnectionError        no response arrived
        │   └── APITimeoutError
        ├── APIResponseParseError     a response arrived but its body does not parse
        └── APIStatusError            the API answered with an error status
            ├── BadRequestError              400
            ├── AuthenticationError          401
            ├── PaymentRequiredError         402  (``reject_reason``)
            ├── PermissionDeniedError        403
            ├── NotFoundError                404
            ├── RequestTooLargeError         413
            ├── UnprocessableEntityError     422  (``error``: the server's text)
            ├── RateLimitError               429  (``reject_reason``, ``max_inflight_requests``)
            └── InternalServerError          5xx

``ConfigurationError`` and ``IdeogramValidationError`` are also ``ValueError``. Every
``APIError`` says whether the request may have run and been billed (``maybe_billed``), and lists
the attempts the SDK made (``attempts``) and how long it waited between them (``waited``).

An ``APIError`` never shows the credentials its request carried, whatever the server echoed:
they are replaced by ``[redacted]`` in its message, ``body``, ``repr`` and every text attribute.
Its message also hides the signatures of links (``sig=``, ``X-Amz-Signature=``, ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ._redact import redact, redact_text, request_secrets

if TYPE_CHECKING:
    from ._retry import Attempt

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseParseError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "DownloadError",
    "IdeogramError",
    "IdeogramValidationError",
    "InternalServerError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "UnprocessableEntityError",
]

_BILLED_NOTE = "the request may have run and been billed"


class IdeogramError(Exception):
    """The base of every exception this SDK raises."""


class ConfigurationError(IdeogramError, ValueError):
    """The client cannot be built as asked: a missing API key or an invalid option."""


class IdeogramValidationError(IdeogramError, ValueError):
    """A parameter is invalid; the SDK found it before sending anything.

    Attributes:
        param: The parameter's name, as the method takes it.
        value: The value given.
        allowed: What the parameter accepts, in words.
    """

    def __init__(self, param: str, value: object, allowed: str) -> None:
        self.param = param
        self.value = value
        self.allowed = allowed
        # A link given as input keeps its signature on ``value``, not in the text a log shows.
        super().__init__(redact_text(f"{param}={_short(value)} is invalid: {allowed}"))


class APIError(IdeogramError):
    """A request to the API failed.

    The request's credentials (``Api-Key``, a bearer token) are replaced by ``[redacted]`` in
    ``message``, ``body`` and the text attributes of every subclass, and link signatures in
    ``message``; the raw exchange stays on ``request`` and ``response``.

    Attributes:
        request: The last request sent.
        response: The last response, or ``None`` when none arrived.
        body: The response body, parsed as JSON where it was JSON, else its text (redacted).
        maybe_billed: ``True`` when the request may have run on the server (and been billed)
            even though no usable answer came back.
        attempts: Every attempt made, in order, with why each failed and the wait after it.
        waited: The seconds spent waiting between attempts.
    """

    response: httpx.Response | None

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response | None = None,
        body: Any = None,
        maybe_billed: bool = False,
    ) -> None:
        self._secrets = request_secrets(request)
        message = redact_text(message, self._secrets)
        super().__init__(message)
        self.message = message
        self.request = request
        self.response = response
        self.body = self._redact(body)
        self.maybe_billed = maybe_billed
        self.attempts: Sequence[Attempt] = ()
        self.waited = 0.0

    def _redact(self, value: Any) -> Any:
        """``value`` (text or JSON) without this request's credentials."""
        return redact(value, self._secrets)

    def __str__(self) -> str:
        text = self.message
        if self.maybe_billed:
            text += f" ({_BILLED_NOTE})"
        if len(self.attempts) > 1:
            tried = "; ".join(str(a) for a in self.attempts)
            text += f" [{len(self.attempts)} attempts, {self.waited:.1f}s waited: {tried}]"
        return text


class APIConnectionError(APIError):
    """No response arrived: the connection failed, was reset or timed out."""


class APITimeoutError(APIConnectionError):
    """A timeout expired before the response arrived."""


class APIResponseParseError(APIError):
    """A response arrived but its body is not what the operation returns."""


class DownloadError(APIError):
    """An image link did not download whole: the image host refused it (an expired link
    answers 403 or 410), the transfer kept failing, or the image kept arriving incomplete.

    Not an ``APIStatusError``: what an image host answers says nothing about the API key, so
    a 403 here is never "the key may not use this operation". Its message names the link with
    its signature redacted; ``url`` keeps the whole link.

    Attributes:
        url: The link, in full.
        status_code: The image host's last status, or ``None`` when no answer came or the image
            was incomplete.
        expires_at: When the link expires, read from its ``exp``/``expires`` parameter (a Unix
            time), as an aware UTC datetime; ``None`` when it carries none.
        body: The host's error body: parsed JSON, else its text (the first 64 KiB).
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        url: str,
        response: httpx.Response | None = None,
        body: Any = None,
        status_code: int | None = None,
        expires_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(message, request=request, response=response, body=body)
        self.url = url
        self.status_code = status_code
        self.expires_at = expires_at


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes:
        status_code: The HTTP status.
        error: The server's error text (its ``error``, ``message`` or ``detail`` field), if any.
        retry_after: Seconds the server asked to wait (``Retry-After``, ``retry-after-ms``).
    """

    response: httpx.Response

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response,
        body: Any = None,
        maybe_billed: bool = False,
    ) -> None:
        super().__init__(
            message, request=request, response=response, body=body, maybe_billed=maybe_billed
        )
        self.status_code = response.status_code
        self.error = _field(self.body, "error", "message", "detail")
        self.retry_after: float | None = None


class BadRequestError(APIStatusError):
    """400: the API found the request invalid. Not billed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong. Not billed."""


class PaymentRequiredError(APIStatusError):
    """402: insufficient credits, a daily limit, or another quota. Not billed.

    Attributes:
        reject_reason: The server's ``reject_reason``, when it gives one.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reject_reason = _field(self.body, "reject_reason")


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this operation. Not billed."""


class NotFoundError(APIStatusError):
    """404: no such dataset, model or route. Not billed."""


class RequestTooLargeError(APIStatusError):
    """413: the upload is larger than the API accepts. Not billed."""


class UnprocessableEntityError(APIStatusError):
    """422: the prompt or an image failed the safety check, or a field was refused.

    The server's text is in ``error``.
    """


class RateLimitError(APIStatusError):
    """429: too many images in flight for the organisation. Not billed.

    Attributes:
        reject_reason: The server's ``reject_reason`` (``inflight_limit`` for the in-flight cap).
        max_inflight_requests: The organisation's in-flight limit, when the server says it.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reject_reason = _field(self.body, "reject_reason")
        limit = self.body.get("max_inflight_requests") if isinstance(self.body, dict) else None
        self.max_inflight_requests = limit if isinstance(limit, int) else None


class InternalServerError(APIStatusError):
    """5xx: the server failed. After 500, 502 and 504 the request may have run and been billed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: RequestTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(
    request: httpx.Request, response: httpx.Response, body: Any, *, maybe_billed: bool
) -> APIStatusError:
    """The exception for an error ``response``: its class picked by status code."""
    code = response.status_code
    cls = _STATUS_ERRORS.get(code) or (InternalServerError if code >= 500 else APIStatusError)
    detail = _field(body, "error", "message", "detail")
    message = f"{code} {response.reason_phrase} from {request.method} {request.url.path}"
    if detail:
        message += f": {detail}"
    elif code == 404:
        message += _NOT_FOUND_HINT.format(url=request.url.copy_with(query=None))
    return cls(message, request=request, response=response, body=body, maybe_billed=maybe_billed)


# A 404 without the API's error body: usually no route there, as when a gateway's prefix is missing.
_NOT_FOUND_HINT = (
    ": nothing answers at {url}. Check the base URL (base_url= or IDEOGRAM_BASE_URL): a gateway"
    " serves the API under its own path prefix, such as https://gateway.example/ideogram"
)


def _field(body: Any, *names: str) -> str | None:
    if isinstance(body, dict):
        for name in names:
            value = body.get(name)
            if isinstance(value, dict):  # a gateway's {"error": {"message": ...}}
                value = value.get("message")
            if isinstance(value, str) and value:
                return value
    return None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
