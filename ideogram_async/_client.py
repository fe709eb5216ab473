"""``AsyncIdeogram``: configuration, the send pipeline, and the operation groups."""

from __future__ import annotations

import functools
import logging
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, TypeVar

import anyio
import attrs
import httpx

from ._budget import Budget, InflightBudget
from ._converter import structure
from ._encoding import Operation, encode_body
from ._exceptions import (
    APIResponseParseError,
    ConfigurationError,
    DownloadError,
    IdeogramValidationError,
)
from ._failures import BodyTrace, status_failure, transport_failure
from ._files import is_url
from ._models import ForegroundImage, GeneratedImage
from ._redact import redact_url
from ._retry import Attempt, RetryPolicy, decide, is_inflight_429
from ._types import USE_CLIENT_DEFAULT, AuthScheme, RequestOptions, TimeoutTypes, UseClientDefault
from ._v2._notices import check_notices
from ._version import __version__

if TYPE_CHECKING:
    from ._download import Downloader
    from ._jobs import Jobs
    from ._params import Params
    from ._resources.batches import Batches
    from ._resources.datasets import Datasets
    from ._resources.images import Images
    from ._resources.legacy import Legacy
    from ._resources.models import Models
    from ._resources.v3 import V3
    from ._v2._group import V2

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncIdeogram"]

DEFAULT_BASE_URL = "https://api.ideogram.ai"
DEFAULT_TIMEOUT = httpx.Timeout(180.0, connect=10.0)
"""Generation is synchronous and takes tens of seconds, so reads may take minutes."""

logger = logging.getLogger("ideogram_async")

_T = TypeVar("_T")
_POLICY_OPTIONS = frozenset({"max_retries", "retry_billed", "rate_limit_timeout"})
_ONE_WRITE = 1 << 20  # a body smaller than this is sent in one write


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """httpx's default context, built once: loading the CA bundle takes ~0.1 s per client."""
    return httpx.create_ssl_context()


def _configure_logging() -> None:
    """``IDEOGRAM_LOG=debug|info`` sets the SDK logger's level, and a handler if none prints."""
    level = os.environ.get("IDEOGRAM_LOG", "").strip().upper()
    if level not in ("DEBUG", "INFO"):
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


class AsyncIdeogram:
    """An asynchronous client for Ideogram's API, and for gateways that relay it.

    Operations are grouped by family: ``legacy`` (``/generate``, ``/edit``, ...), ``v3``
    (Ideogram 3.0), ``images`` (background removal, instruction edits), ``datasets`` and
    ``models`` (custom models). Use it as an async context manager, or call ``aclose()``.

    Args:
        api_key: The API key; default ``IDEOGRAM_API_KEY``. It is sent only to ``base_url``.
        base_url: Default ``IDEOGRAM_BASE_URL``, else ``https://api.ideogram.ai``. A path in it
            (``https://gateway.example/ideogram``) prefixes every route, as gateways need.
        auth_scheme: ``"api-key"`` (``Api-Key: <key>``, Ideogram's) or ``"bearer"``
            (``Authorization: Bearer <key>``, most gateways); default ``IDEOGRAM_AUTH_SCHEME``,
            else ``"api-key"``.
        timeout: Seconds, an ``httpx.Timeout``, or ``None``; every call may override it.
        max_retries: Retries after a failure that retrying can fix; every call may override it.
        retry_billed: Also retry failures after which the request may have run and been billed
            (read timeouts, resets once the whole request was sent, 500, 502, 504). Off by
            default: such a retry may bill twice.
        initial_backoff: The first backoff in seconds; it doubles per attempt, with jitter.
        max_backoff: The longest backoff in seconds.
        max_retry_after: The longest ``Retry-After`` the client waits; a longer one is raised
            at once, its value on the error.
        rate_limit_timeout: How long a call keeps retrying 429s of the in-flight kind (which
            are never billed) while the client makes no progress, in seconds; ``None`` for no
            limit. Such 429s do not count against ``max_retries``; every call may override it.
        max_inflight_images: The most images in flight at once for the default budget
            (Ideogram counts images, not requests). A call takes ``num_images`` places, or 1
            when it makes no images. The budget adapts to 429s below this.
        budget: The in-flight budget to use instead of ``InflightBudget(max_inflight_images)``;
            any ``Budget`` (one shared by several clients or processes, say).
        default_headers: Headers sent with every API request.
        http_client: An ``httpx.AsyncClient`` to use; the SDK never closes it.
        transport: An ``httpx`` transport for a client the SDK creates (and closes).
        pass_image_urls: Send image inputs given as URLs to the API as URLs in a JSON body,
            for gateways that take that, instead of downloading and uploading them.
        on_retry: Called with each failed ``Attempt`` before the client waits and retries.
        sleep: The coroutine used to wait (for tests); default ``anyio.sleep``.
        clock: A monotonic clock in seconds (for tests); default ``time.monotonic``.

    Raises:
        ConfigurationError: No API key, or an option is invalid.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        auth_scheme: AuthScheme | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_billed: bool = False,
        initial_backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 60.0,
        rate_limit_timeout: float | None = 300.0,
        max_inflight_images: int = 10,
        budget: Budget | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        pass_image_urls: bool = False,
        on_retry: Callable[[Attempt], object] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("IDEOGRAM_API_KEY")
        if not key:
            raise ConfigurationError(
                "No API key: pass api_key=... or set the IDEOGRAM_API_KEY environment variable"
            )
        base = str(base_url or os.environ.get("IDEOGRAM_BASE_URL") or DEFAULT_BASE_URL)
        url = httpx.URL(base)
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError(f"base_url must be an http(s) URL, got {base!r}")
        scheme = auth_scheme or os.environ.get("IDEOGRAM_AUTH_SCHEME") or "api-key"
        if scheme not in ("api-key", "bearer"):
            raise ConfigurationError(f"auth_scheme must be 'api-key' or 'bearer', got {scheme!r}")
        if max_inflight_images < 1:
            raise ConfigurationError("max_inflight_images must be at least 1")
        if max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        if rate_limit_timeout is not None and rate_limit_timeout < 0:
            raise ConfigurationError("rate_limit_timeout must be 0 or more, or None")
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client or transport, not both")

        self._base_url = base.rstrip("/")
        self._auth_scheme: AuthScheme = scheme  # type: ignore[assignment]
        auth = {"Api-Key": key} if scheme == "api-key" else {"Authorization": f"Bearer {key}"}
        self._headers: dict[str, str] = {
            "Accept": "application/json",
            "User-Agent": f"ideogram-async/{__version__}",
            **(default_headers or {}),
            **auth,
        }
        self._timeout = timeout
        self._policy = RetryPolicy(
            max_retries=max_retries,
            retry_billed=retry_billed,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            rate_limit_timeout=rate_limit_timeout,
        )
        self._owns_http = http_client is None
        if http_client is not None:
            self._http = http_client
        elif transport is not None:
            # The transport brings its own TLS (or none): building a context would be wasted.
            self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        else:
            self._http = httpx.AsyncClient(timeout=timeout, verify=_default_ssl_context())
        self._pass_image_urls = pass_image_urls
        self._on_retry = on_retry
        self._sleep = sleep or anyio.sleep
        self._clock = clock or time.monotonic
        self._budget: Budget = budget or InflightBudget(
            max_inflight_images,
            backoff=initial_backoff,
            max_backoff=max_backoff,
            clock=self._clock,
            sleep=self._sleep,
        )
        self._progress_at = self._clock()  # when a call last succeeded
        self._random = random.Random()
        _configure_logging()

    # The groups load on first use: their request models are most of the SDK's import time.

    @functools.cached_property
    def legacy(self) -> Legacy:
        """The legacy routes: generate, edit, remix, upscale, describe and reframe."""
        from ._resources.legacy import Legacy

        return Legacy(self)

    @functools.cached_property
    def v3(self) -> V3:
        """The Ideogram 3.0 routes (``/v1/ideogram-v3/...``)."""
        from ._resources.v3 import V3

        return V3(self)

    @functools.cached_property
    def images(self) -> Images:
        """Background removal and the instruction edit (``/v1/...``)."""
        from ._resources.images import Images

        return Images(self)

    @functools.cached_property
    def datasets(self) -> Datasets:
        """Datasets of training images for custom models."""
        from ._resources.datasets import Datasets

        return Datasets(self)

    @functools.cached_property
    def models(self) -> Models:
        """Custom models: train, list, get."""
        from ._resources.models import Models

        return Models(self)

    @functools.cached_property
    def batches(self) -> Batches:
        """Many calls of the image operations, every image saved, resumable (``Batch``)."""
        from ._resources.batches import Batches

        return Batches(self)

    @functools.cached_property
    def v2(self) -> V2:
        """Ideogram's v2 API (``/v2/...``): every image model, jobs, quotes, usage."""
        from ._v2._group import V2

        return V2(self)

    @functools.cached_property
    def jobs(self) -> Jobs:
        """Generation jobs: resume one by id (``jobs.get(id)``), and the shared polling limit."""
        from ._jobs import Jobs

        return Jobs(self)

    def __repr__(self) -> str:
        return f"<AsyncIdeogram base_url={self._base_url!r} auth_scheme={self._auth_scheme!r}>"

    @property
    def base_url(self) -> str:
        """The URL every route is appended to."""
        return self._base_url

    @property
    def inflight_budget(self) -> Budget:
        """The client-wide budget of images in flight (read its ``capacity`` and ``in_use``)."""
        return self._budget

    async def __aenter__(self: _T) -> _T:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client, if the SDK created it (an injected one stays open)."""
        if self._owns_http:
            await self._http.aclose()

    async def download(
        self,
        image: GeneratedImage | ForegroundImage | str,
        *,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> bytes:
        """Download an image from its link, without sending any credential.

        Links from Ideogram expire (after about 24 hours): download what you keep. Transient
        failures are retried (a download is never billed), and so is an image that arrives
        incomplete (a PNG without its end, say): what comes back is always the whole image.
        For large images or many of them, ``download_to`` streams to disk instead.

        Args:
            image: A result's image, or its link.
            timeout: This download's timeout; the client's by default.

        Returns:
            The image's bytes.

        Raises:
            IdeogramValidationError: The image has no URL (it failed the safety check), or the
                URL is not an http(s) link.
            DownloadError: The download failed: the host refused the link (403 or 410 once it
                has expired), or the retries ran out.
        """
        url = _link_of(image)
        return await self._downloader.to_bytes(url, self._timeout_for(timeout))

    async def download_to(
        self,
        image: GeneratedImage | ForegroundImage | str,
        dest: str | os.PathLike[str] | IO[bytes],
        *,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> int:
        """Download an image from its link into a file, streaming, without any credential.

        The body goes to disk as it arrives, so memory stays small whatever the image's size.
        A path is written atomically: into a temporary file in the same folder
        (``.ideogram-*.part``), synced, then renamed over ``dest``; a download that fails or is
        cancelled leaves nothing. A file object (opened ``"wb"``) receives the image only once
        it has arrived whole. Retries and the completeness check are those of ``download``.

        Args:
            image: A result's image, or its link.
            dest: The file's path (its folder must exist; a file there is replaced), or a
                binary file object to write into.
            timeout: This download's timeout; the client's by default.

        Returns:
            The image's size in bytes.

        Raises:
            IdeogramValidationError: The image has no URL (it failed the safety check), or the
                URL is not an http(s) link.
            DownloadError: The download failed: the host refused the link (403 or 410 once it
                has expired), or the retries ran out.
            OSError: The file cannot be written.
        """
        url = _link_of(image)
        limit = self._timeout_for(timeout)
        if isinstance(dest, (str, os.PathLike)):
            return await self._downloader.to_path(url, Path(dest), limit)
        return await self._downloader.to_file(url, dest, limit)

    # --- the send pipeline ------------------------------------------------------------------

    async def _request(
        self,
        op: Operation,
        params: Params | None,
        options: RequestOptions,
        *,
        path: str | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Any:
        """Encode, send (within the budget, with retries) and decode one operation."""
        unknown = sorted(set(options) - RequestOptions.__optional_keys__)
        if unknown:
            # ``**options`` would otherwise swallow a misspelt parameter silently.
            raise TypeError(f"unexpected keyword argument {unknown[0]!r} for {op.method} {op.path}")
        timeout = options.get("timeout", USE_CLIENT_DEFAULT)
        policy = self._policy
        if options.keys() & _POLICY_OPTIONS:
            policy = attrs.evolve(
                policy,
                max_retries=options.get("max_retries", policy.max_retries),
                retry_billed=options.get("retry_billed", policy.retry_billed),
                rate_limit_timeout=options.get("rate_limit_timeout", policy.rate_limit_timeout),
            )
        extra_body = options.get("extra_body")
        if op.body == "none" and extra_body:
            # A GET has no body: its extra fields travel in the query string.
            query, extra_body = {**(query or {}), **extra_body}, None
        body = await encode_body(
            op,
            params,
            extra_body=extra_body,
            fetch=self._fetch_input,
            pass_image_urls=self._pass_image_urls,
        )
        headers = self._headers
        if "extra_headers" in options:
            headers = {**headers, **options["extra_headers"]}
        url = self._base_url + (path or op.path)
        weight = getattr(params, "num_images", None) or 1

        def build() -> httpx.Request:
            return self._http.build_request(
                op.method,
                url,
                headers=headers,
                params=query,
                timeout=self._timeout_for(timeout),
                **body,
            )

        response = await self._send(build, weight=weight, policy=policy)
        return self._parse(op, response)

    async def _send(
        self, build: Callable[[], httpx.Request], *, weight: int, policy: RetryPolicy
    ) -> httpx.Response:
        """Send within the budget until a success, a final failure, or no retries left.

        ``weight`` is the places the call holds in the in-flight budget. A 429 of the in-flight
        kind is paced by the budget and bounded by ``policy.rate_limit_timeout``; every other
        failure counts against ``policy.max_retries``.
        """
        attempts: list[Attempt] = []
        waited = 0.0
        counted = 0  # failures that max_retries bounds
        limited = 0  # 429s of the in-flight kind
        limited_since: float | None = None
        failed_at: float | None = None
        while True:
            async with self._budget.hold(weight) as held:
                if failed_at is not None:
                    waited += self._clock() - failed_at
                request = build()
                if int(request.headers.get("Content-Length") or _ONE_WRITE) < _ONE_WRITE:
                    # httpx streams a form part by part, a socket write each (some twenty for
                    # a generate call): a small body goes in one. A large upload streams.
                    request.read()
                trace = request.extensions["trace"] = BodyTrace()
                try:
                    # API calls never follow a redirect: httpx would carry ``Api-Key`` along.
                    response = await self._http.send(request, follow_redirects=False)
                except httpx.HTTPError as exc:
                    sent = trace.sent or not trace.traced
                    error, outcome = transport_failure(request, exc, body_sent=sent)
                else:
                    if logger.isEnabledFor(logging.DEBUG):
                        url = redact_url(request.url)
                        logger.debug("%s %s -> %s", request.method, url, response.status_code)
                    if response.is_success:
                        self._progress_at = self._clock()
                        await self._budget.succeeded(held)
                        return response
                    error, outcome = status_failure(request, response)
                failed_at = self._clock()
                if is_inflight_429(outcome):
                    limited += 1
                    if limited_since is None:
                        limited_since = failed_at
                    stalled = failed_at - max(limited_since, self._progress_at)
                    decision = decide(
                        outcome, limited, policy, self._random.random(), stalled=stalled
                    )
                    limit = getattr(error, "max_inflight_requests", None)
                    if limit and held > limit:
                        # The server will never admit this call: waiting cannot help.
                        decision = attrs.evolve(decision, retry=False)
                    # Before the places go back, so no waiter is sent into the same limit. A
                    # Retry-After past the cap is raised to this call, not imposed on the rest.
                    pause = 0.0 if decision.retry_after_too_long else outcome.retry_after
                    await self._budget.rate_limited(limit=limit, retry_after=pause)
                else:
                    counted += 1
                    decision = decide(outcome, counted, policy, self._random.random())

            error.maybe_billed = decision.maybe_billed
            delay = decision.delay if decision.retry else None
            attempt = Attempt(len(attempts) + 1, decision.reason, delay)
            attempts.append(attempt)
            if not decision.retry:
                error.attempts = tuple(attempts)
                error.waited = waited
                raise error
            logger.info(
                "retrying %s %s %s (attempt %d failed: %s)",
                request.method,
                request.url.path,
                "as the budget allows" if decision.paced else f"in {decision.delay:.2f}s",
                attempt.number,
                decision.reason,
            )
            if self._on_retry is not None:
                self._on_retry(attempt)
            if not decision.paced:
                await self._sleep(decision.delay)

    def _parse(self, op: Operation, response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError as exc:
            raise APIResponseParseError(
                f"{response.status_code} response to {op.method} {op.path} is not JSON",
                request=response.request,
                response=response,
                body=response.text,
                maybe_billed=True,
            ) from exc
        check_notices(op.path, response, data)  # v2's hook: successor/deprecation warnings
        if isinstance(data, dict):
            data["response"] = response  # the result keeps the response it came from
        try:
            result = structure(data, op.result)
        except Exception as exc:  # cattrs reports failures as several exception types
            raise APIResponseParseError(
                f"{response.status_code} response to {op.method} {op.path} does not parse as "
                f"{op.result.__name__}: {exc}",
                request=response.request,
                response=response,
                body=response.json(),
                maybe_billed=True,
            ) from exc
        return result

    def _timeout_for(self, timeout: TimeoutTypes | UseClientDefault) -> TimeoutTypes:
        return self._timeout if isinstance(timeout, UseClientDefault) else timeout

    @functools.cached_property
    def _downloader(self) -> Downloader:
        # Loaded on first use, to keep it out of import time.
        from ._download import Downloader

        # A download is never billed, so every failure worth retrying is retried.
        return Downloader(
            http=self._http,
            policy=attrs.evolve(self._policy, retry_billed=True),
            sleep=self._sleep,
            jitter=self._random.random,
            user_agent=self._headers["User-Agent"],
        )

    async def _fetch_input(self, url: str, param: str) -> bytes:
        """Download an image input given as a URL, to upload it."""
        try:
            return await self._downloader.to_bytes(url, self._timeout)
        except DownloadError as exc:
            raise IdeogramValidationError(
                param, url, f"a URL that can be downloaded ({exc})"
            ) from exc


def _link_of(image: GeneratedImage | ForegroundImage | str) -> str:
    """The link of an image to download, checked."""
    url = image.url if isinstance(image, (GeneratedImage, ForegroundImage)) else image
    if not url:
        raise IdeogramValidationError("image", image, "an image with a URL (this one is unsafe)")
    if not is_url(url):
        raise IdeogramValidationError("image", url, "an http(s) link")
    return url
