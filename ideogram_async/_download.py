"""Downloading image links: no credential, redirects by hand, streamed, every image checked whole.

A download is a GET outside the API. Each hop is a fresh request built here, never by the HTTP
client, so nothing the client carries (its headers, cookies, ``auth=``) reaches an image host,
before or after a redirect. The body is streamed into a sink (memory, or a temporary file) and
checked for the end its format calls for; a short image is a transient failure, retried like a
reset, and a download never returns or writes an image it could not get whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import parse_qsl

import anyio
import attrs
import httpx
from anyio import to_thread

from ._exceptions import APIError, DownloadError
from ._failures import transport_failure
from ._files import sniff_image
from ._redact import redact_url
from ._retry import Attempt, Decision, Outcome, RetryPolicy, decide, parse_retry_after
from ._types import TimeoutTypes

__all__ = [
    "MAX_REDIRECTS",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "Downloader",
    "ImageEnd",
    "fsync_dir",
    "link_expiry",
]

logger = logging.getLogger("ideogram_async")

MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ERROR_BODY_LIMIT = 64 * 1024
_WRITE_BUFFER = 256 * 1024  # bytes gathered before a write goes to a worker thread
_EXPIRY_PARAMS = frozenset({"exp", "expires", "expiry", "expire", "expires_at"})
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
TEMP_PREFIX = ".ideogram-"
TEMP_SUFFIX = ".part"


class _Failed(Exception):
    """One attempt failed: the error to raise if it is the last, and how it ended."""

    def __init__(self, error: APIError, outcome: Outcome) -> None:
        self.error = error
        self.outcome = outcome


# --- links ----------------------------------------------------------------------------------


def link_expiry(url: httpx.URL | str) -> dt.datetime | None:
    """When a signed link expires, from an ``exp``/``expires``-style Unix time in its query."""
    for name, value in parse_qsl(httpx.URL(url).query.decode(errors="replace")):
        if name.lower() in _EXPIRY_PARAMS and value.isdigit() and len(value) <= 13:
            seconds = int(value) / (1000 if len(value) > 11 else 1)  # milliseconds, if that long
            try:
                return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
            except (OverflowError, OSError, ValueError):
                return None
    return None


# --- completeness ---------------------------------------------------------------------------


class ImageEnd:
    """Whether a body fed through it, chunk by chunk, is a whole image.

    Only the first 16 and the last 12 bytes are kept: PNG must end with its ``IEND`` chunk,
    JPEG with the ``FFD9`` marker, and WebP be as long as its RIFF header says. A body of
    another format is trusted as the transfer framed it; an empty body never is.
    """

    def __init__(self) -> None:
        self._head = b""
        self._tail = b""
        self.length = 0

    def feed(self, chunk: bytes) -> None:
        """Account for the next bytes of the body."""
        if len(self._head) < 16:
            self._head += chunk[: 16 - len(self._head)]
        self._tail = (self._tail + chunk[-12:])[-12:]
        self.length += len(chunk)

    def missing(self) -> str | None:
        """Why the body is not a whole image, or ``None`` when it is (or cannot be told)."""
        if self.length == 0:
            return "the body is empty"
        kind = sniff_image(self._head)
        if kind == "image/png" and self._tail != _PNG_END:
            return f"the PNG of {self.length} bytes has no IEND chunk at its end"
        if kind == "image/jpeg" and not self._tail.endswith(b"\xff\xd9"):
            return f"the JPEG of {self.length} bytes has no end-of-image marker"
        if kind == "image/webp":
            declared = int.from_bytes(self._head[4:8], "little") + 8
            if self.length < declared:
                return f"the WebP has {self.length} of the {declared} bytes its header declares"
        return None


# --- sinks ----------------------------------------------------------------------------------


class Sink(Protocol):
    """Where a body goes as it arrives; ``restart`` drops what an earlier attempt wrote."""

    async def restart(self) -> None: ...

    async def write(self, data: bytes) -> None: ...


class MemorySink:
    """The body as bytes."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    async def restart(self) -> None:
        self._chunks.clear()

    async def write(self, data: bytes) -> None:
        self._chunks.append(data)

    def getvalue(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class FileSink:
    """The body in a temporary file (``directory``'s, else the system's), written by worker
    threads in blocks of ``_WRITE_BUFFER`` bytes so the event loop never waits on the disk.

    The file is created by the first block's write, so an image smaller than a block costs one
    hand-off to a worker thread: create, write, sync.
    """

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._file: IO[bytes] | None = None
        self.name: str | None = None
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._stale = False  # the file holds an earlier attempt's bytes

    async def restart(self) -> None:
        self._buffer.clear()
        self._buffered = 0
        self._stale = self._file is not None

    async def write(self, data: bytes) -> None:
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= _WRITE_BUFFER:
            await to_thread.run_sync(self._write, self._take(), False)

    async def finish(self) -> IO[bytes]:
        """Every byte written and on disk; the file, at its start."""
        return await to_thread.run_sync(self._write, self._take(), True)

    async def keep(self, dest: Path) -> None:
        """Give the finished file the name ``dest``, durably; there is then nothing to discard."""
        assert self._file is not None
        assert self.name is not None
        await to_thread.run_sync(_rename, self._file, self.name, dest)
        self._file = self.name = None

    async def discard(self) -> None:
        """Close and remove the file; safe to call twice, and while cancelled."""
        file, self._file = self._file, None
        name, self.name = self.name, None
        if file is not None or name is not None:
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(_close_and_remove, file, name)

    def _open(self) -> IO[bytes]:
        if self._directory is None:
            return tempfile.TemporaryFile()  # anonymous: nothing to remove
        fd, self.name = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=self._directory
        )
        return os.fdopen(fd, "w+b")

    def _take(self) -> bytes:
        data = b"".join(self._buffer)
        self._buffer.clear()
        self._buffered = 0
        return data

    def _write(self, data: bytes, sync: bool) -> IO[bytes]:
        # In a worker thread; the sink awaits each call, so there is never more than one.
        if self._file is None:
            self._file = self._open()
        elif self._stale:
            self._file.seek(0)
            self._file.truncate()
        self._stale = False
        self._file.write(data)
        if sync:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.seek(0)
        return self._file


def _close_and_remove(file: IO[bytes] | None, name: str | None) -> None:
    if file is not None:
        file.close()
    if name is not None:
        Path(name).unlink(missing_ok=True)


def fsync_dir(directory: Path) -> None:
    """Make a new or renamed entry of ``directory`` durable (where the platform allows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - no directory descriptors on this platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


# --- the download ---------------------------------------------------------------------------


@attrs.frozen
class Downloader:
    """Downloads links for one client: its HTTP pool, retry policy, sleep and jitter."""

    http: httpx.AsyncClient
    policy: RetryPolicy
    sleep: Callable[[float], Awaitable[None]]
    jitter: Callable[[], float]
    user_agent: str

    async def to_bytes(self, url: str, timeout: TimeoutTypes) -> bytes:
        """The whole image at ``url``, in memory."""
        sink = MemorySink()
        await self.fetch(url, timeout, sink)
        return sink.getvalue()

    async def to_path(self, url: str, dest: Path, timeout: TimeoutTypes) -> int:
        """The image at ``url`` written to ``dest`` atomically; its size in bytes."""
        sink = FileSink(dest.parent)
        try:
            size = await self.fetch(url, timeout, sink)
            await sink.finish()
            # Once the image is whole on disk, give it its name even if the caller is cancelled.
            with anyio.CancelScope(shield=True):
                await sink.keep(dest)
        finally:
            await sink.discard()
        return size

    async def to_file(self, url: str, file: IO[bytes], timeout: TimeoutTypes) -> int:
        """The image at ``url`` copied into ``file`` once whole (nothing before); its size."""
        sink = FileSink(None)
        try:
            size = await self.fetch(url, timeout, sink)
            spooled = await sink.finish()
            await to_thread.run_sync(shutil.copyfileobj, spooled, file)
        finally:
            await sink.discard()
        return size

    async def fetch(self, url: str, timeout: TimeoutTypes, sink: Sink) -> int:
        """Stream ``url`` into ``sink`` until it arrives whole; its size in bytes.

        Raises:
            DownloadError: The host refused the link, or the retries ran out.
        """
        attempts: list[Attempt] = []
        waited = 0.0
        while True:
            try:
                return await self._attempt(httpx.URL(url), timeout, sink)
            except _Failed as failed:
                error, outcome = failed.error, failed.outcome
            decision = _decide(outcome, len(attempts) + 1, self.policy, self.jitter())
            delay = decision.delay if decision.retry else None
            attempts.append(Attempt(len(attempts) + 1, decision.reason, delay))
            if not decision.retry:
                final = _as_download_error(error, url)
                final.attempts = tuple(attempts)
                final.waited = waited
                if final is error:
                    raise final
                raise final from error
            logger.info(
                "retrying the download of %s in %.2fs (attempt %d failed: %s)",
                redact_url(url),
                decision.delay,
                len(attempts),
                decision.reason,
            )
            await self.sleep(decision.delay)
            waited += decision.delay

    async def _attempt(self, url: httpx.URL, timeout: TimeoutTypes, sink: Sink) -> int:
        """One attempt, following up to ``MAX_REDIRECTS`` redirects by hand."""
        for _ in range(MAX_REDIRECTS + 1):
            request = httpx.Request(
                "GET",
                url,
                headers={"User-Agent": self.user_agent, "Accept": "*/*"},
                extensions={"timeout": httpx.Timeout(timeout).as_dict()},
            )
            try:
                response = await self.http.send(
                    request, auth=None, follow_redirects=False, stream=True
                )
            except httpx.HTTPError as exc:
                raise _Failed(*transport_failure(request, exc)) from exc
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    url = _redirect_target(request, response, location)
                    continue
                if not response.is_success:
                    raise await _refused(request, response)
                return await self._receive(request, response, sink)
            finally:
                await response.aclose()
        raise _Failed(
            DownloadError(
                f"download of {request.url} failed: more than {MAX_REDIRECTS} redirects",
                request=request,
                url=str(request.url),
            ),
            Outcome(failure="invalid"),
        )

    async def _receive(self, request: httpx.Request, response: httpx.Response, sink: Sink) -> int:
        end = ImageEnd()
        await sink.restart()
        try:
            async for chunk in response.aiter_bytes():
                end.feed(chunk)
                await sink.write(chunk)
        except httpx.HTTPError as exc:
            raise _Failed(*transport_failure(request, exc)) from exc
        missing = end.missing()
        if missing is not None:
            error = DownloadError(
                f"download of {request.url} arrived incomplete: {missing}",
                request=request,
                url=str(request.url),
                response=response,
            )
            raise _Failed(error, Outcome(failure="incomplete"))
        return end.length


def _decide(outcome: Outcome, attempt: int, policy: RetryPolicy, jitter: float) -> Decision:
    if outcome.status_code == 429:
        # An image host's 429 is not the API's in-flight limit: no budget paces it, so it is
        # retried like a 503, counted against ``max_retries``.
        decision = decide(attrs.evolve(outcome, status_code=503), attempt, policy, jitter)
        return attrs.evolve(decision, reason="429 from the image host")
    return decide(outcome, attempt, policy, jitter)


def _redirect_target(request: httpx.Request, response: httpx.Response, location: str) -> httpx.URL:
    try:
        target = request.url.join(location)
    except httpx.InvalidURL:
        target = None
    if target is None or target.scheme not in ("http", "https") or not target.host:
        error = DownloadError(
            f"download of {request.url} failed: a redirect to an unusable location",
            request=request,
            url=str(request.url),
            response=response,
            status_code=response.status_code,
        )
        raise _Failed(error, Outcome(failure="invalid"))
    return target


async def _refused(request: httpx.Request, response: httpx.Response) -> _Failed:
    """The failure for an error status from the image host, with its body (64 KiB at most)."""
    raw = b""
    with contextlib.suppress(httpx.HTTPError):  # a body cut short: the status says enough
        async for chunk in response.aiter_bytes():
            raw += chunk
            if len(raw) >= _ERROR_BODY_LIMIT:
                break
    text = raw[:_ERROR_BODY_LIMIT].decode(response.encoding or "utf-8", errors="replace")
    body: Any = text
    if "json" in response.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            body = json.loads(raw)
    code = response.status_code
    expires = link_expiry(request.url)
    message = f"{code} {response.reason_phrase} from the image host for {request.url}"
    if code in (401, 403, 404, 410):
        message += _expiry_note(expires)
    detail = _detail(body)
    if detail:
        message += f"; it says: {detail}"
    error = DownloadError(
        message,
        request=request,
        url=str(request.url),
        response=response,
        body=body,
        status_code=code,
        expires_at=expires,
    )
    return _Failed(
        error, Outcome(status_code=code, retry_after=parse_retry_after(response.headers))
    )


def _expiry_note(expires: dt.datetime | None) -> str:
    if expires is None:
        return ": the link may have expired (Ideogram's links last about 24 hours)"
    when = expires.strftime("%Y-%m-%d %H:%M:%S UTC")
    if expires <= dt.datetime.now(dt.timezone.utc):
        return f": the link has expired (it expired at {when})"
    return f": the link may have expired (it says it expires at {when})"


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        for name in ("error", "message", "detail"):
            value = body.get(name)
            if isinstance(value, str) and value:
                return value
        return ""
    text = " ".join(str(body).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _as_download_error(error: APIError, url: str) -> DownloadError:
    """The error a failed download raises: a ``DownloadError`` whatever the last failure was."""
    if isinstance(error, DownloadError):
        return error
    request = error.request
    return DownloadError(
        f"download of {request.url} failed: {error.message}",
        request=request,
        url=str(request.url) if request is not None else url,
        response=error.response,
        expires_at=link_expiry(request.url),
    )


def _rename(file: IO[bytes], temp: str, dest: Path) -> None:
    file.close()
    os.replace(temp, dest)
    fsync_dir(dest.parent)
