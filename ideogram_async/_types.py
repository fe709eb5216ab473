"""Type aliases, the per-call options and the ``USE_CLIENT_DEFAULT`` sentinel."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any, Literal, TypedDict, Union

import httpx

__all__ = [
    "USE_CLIENT_DEFAULT",
    "AuthScheme",
    "FileInput",
    "RequestOptions",
    "TimeoutTypes",
    "UseClientDefault",
]


class UseClientDefault:
    """The type of ``USE_CLIENT_DEFAULT``: "whatever the client was configured with".

    A per-call ``timeout=None`` means "no timeout", so the default needs a value of its own.
    """

    _instance: UseClientDefault | None = None

    def __new__(cls) -> UseClientDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "USE_CLIENT_DEFAULT"

    def __bool__(self) -> bool:
        return False


USE_CLIENT_DEFAULT = UseClientDefault()

TimeoutTypes = Union[float, httpx.Timeout, None]
"""Seconds for every phase, an ``httpx.Timeout`` for each phase, or ``None`` for no limit."""

AuthScheme = Literal["api-key", "bearer"]
"""``api-key`` sends ``Api-Key: <key>`` (Ideogram), ``bearer`` ``Authorization: Bearer <key>``."""

FileInput = Union[
    str,
    "os.PathLike[str]",
    bytes,
    IO[bytes],
    "tuple[str, bytes]",
    "tuple[str, bytes, str]",
]
"""An image (or dataset file) to upload.

- a path, as ``str`` or ``os.PathLike``;
- ``bytes``, or a binary file object opened by the caller (it is read, not closed);
- ``(filename, bytes)`` or ``(filename, bytes, content_type)``;
- an ``http(s)://`` URL, which the SDK downloads without any credential and uploads.
"""


class RequestOptions(TypedDict, total=False):
    """Options every operation takes as keyword arguments, after its own parameters.

    Attributes:
        timeout: This call's timeout; ``USE_CLIENT_DEFAULT`` (the default) keeps the client's.
        max_retries: This call's retry limit instead of the client's.
        retry_billed: Whether to retry failures after which the request may have run and been
            billed (a read timeout, 500, 502, 504, a reset mid-response). Off unless set here or
            on the client.
        rate_limit_timeout: This call's bound, in seconds, on retrying 429s of the in-flight
            kind while the client makes no progress; ``None`` for no bound.
        extra_headers: Headers added to this request.
        extra_body: Fields merged into the request body as sent (nested mappings are merged
            key by key), so a field or value newer than this SDK can still be sent. It bypasses
            validation: what you put there is sent as it is.
    """

    timeout: TimeoutTypes | UseClientDefault
    max_retries: int
    retry_billed: bool
    rate_limit_timeout: float | None
    extra_headers: Mapping[str, str]
    extra_body: Mapping[str, Any]
