"""The emulator's view of HTTP: a request read from ASGI, a reply, and an error status."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import attrs

__all__ = ["BodyError", "HTTPError", "Incoming", "Reply", "json_reply"]


@attrs.frozen
class Incoming:
    """One request, read whole.

    Attributes:
        method: The HTTP method, upper case.
        path: The route, with the emulator's route prefix taken off.
        full_path: The path as it arrived.
        query_string: The raw query string.
        headers: Header names in lower case; repeated headers joined with ``", "``.
        body: The body.
        base_url: ``scheme://host`` and the route prefix, as the client reached the emulator.
    """

    method: str
    path: str
    full_path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    base_url: str

    def query(self) -> list[tuple[str, str]]:
        """The query parameters in order, repeated names repeated."""
        return parse_qsl(self.query_string, keep_blank_values=True)


@attrs.frozen
class Reply:
    """A response to send."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(data: Any, status: int = 200) -> Reply:
    """A JSON response."""
    return Reply(status, json.dumps(data, separators=(",", ":")).encode())


class HTTPError(Exception):
    """An error status with Ideogram's body: ``{"error": message}`` and any extra fields."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def reply(self) -> Reply:
        """The response that reports this error."""
        return json_reply({"error": self.message, **self.extra}, self.status)


class BodyError(HTTPError):
    """An error status with a body of another shape (a gateway's, say), sent as given."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, json.dumps(body))
        self.body = body

    def reply(self) -> Reply:
        """The response that reports this error: ``body`` as it is."""
        return json_reply(self.body, self.status)
