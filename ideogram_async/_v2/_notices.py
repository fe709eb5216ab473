"""Deprecation notices and errors hidden in 200 answers, for every route (v1 and v2).

A replaced endpoint names its successor in ``Link: <...>; rel="successor-version"``; a
deprecated one also sends ``Deprecation: @<unix time>`` (RFC 9745) and a ``notice`` field in its
JSON body. Each surfaces as one ``DeprecationWarning`` per route and client process. A 200 whose
body carries ``error`` and ``status_code`` (a synchronous request that failed after the answer
had started streaming) is raised as ``ResponseBodyError``.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import httpx

from .._exceptions import APIResponseParseError, APIStatusError

__all__ = ["ResponseBodyError", "check_body", "check_notices", "read_json"]

_SUCCESSOR = re.compile(r'<([^>]*)>\s*;[^,]*rel="?successor-version"?', re.IGNORECASE)
_warned: set[str] = set()


class ResponseBodyError(APIStatusError):
    """A 200 answer whose body reports a failure (``error`` and ``status_code``).

    Attributes:
        error: The server's message.
        reported_status: The status the body reports.
    """

    def __init__(
        self, message: str, *, reported_status: int | None, error: str, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.error = self._redact(error)
        self.reported_status = reported_status


def check_notices(path: str, response: httpx.Response, body: Any) -> None:
    """Warn once per route when the answer says the route is replaced or deprecated."""
    link = response.headers.get("link", "")
    successor = _SUCCESSOR.search(link) if "successor-version" in link.lower() else None
    deprecation = response.headers.get("deprecation")
    notice = body.get("notice") if isinstance(body, dict) else None
    if successor is None and deprecation is None and not isinstance(notice, str):
        return
    key = f"{response.request.method} {path}"
    if key in _warned:
        return
    _warned.add(key)
    parts = [f"{key} is deprecated" if deprecation or notice else f"{key} has a successor"]
    if successor is not None:
        parts.append(f"use {successor.group(1)}")
    if isinstance(notice, str):
        parts.append(notice)
    warnings.warn("; ".join(parts), DeprecationWarning, stacklevel=4)


def check_body(path: str, response: httpx.Response, body: Any) -> None:
    """Raise ``ResponseBodyError`` for a 2xx body that carries ``error`` and ``status_code``."""
    if not isinstance(body, dict) or "error" not in body or "status_code" not in body:
        return
    status = body.get("status_code")
    error = str(body.get("error"))
    raise ResponseBodyError(
        f"{path} answered {response.status_code} but its body reports {status}: {error}",
        request=response.request,
        response=response,
        body=body,
        maybe_billed=True,
        reported_status=status if isinstance(status, int) else None,
        error=error,
    )


def read_json(path: str, response: httpx.Response, *, maybe_billed: bool = True) -> dict[str, Any]:
    """The JSON object of a 2xx answer, after its notices and any error it carries."""
    try:
        body = response.json()
    except ValueError as exc:
        raise APIResponseParseError(
            f"{response.status_code} response to {path} is not JSON",
            request=response.request,
            response=response,
            body=response.text,
            maybe_billed=maybe_billed,
        ) from exc
    if not isinstance(body, dict):
        raise APIResponseParseError(
            f"{response.status_code} response to {path} is not a JSON object",
            request=response.request,
            response=response,
            body=body,
            maybe_billed=maybe_billed,
        )
    check_notices(path, response, body)
    check_body(path, response, body)
    return body
