"""Verify Ideogram's webhook deliveries: Ed25519 signatures checked against Ideogram's JWKS.

A job submitted with a ``webhook_url`` is POSTed there when it finishes. Each delivery carries
five headers::

    X-Ideogram-Webhook-Generation-Id   the job's id
    X-Ideogram-Webhook-User-Id         the account that submitted it
    X-Ideogram-Webhook-Timestamp       Unix seconds at signing
    X-Ideogram-Webhook-Key-Id          the ``kid`` of the signing key (a hint only)
    X-Ideogram-Webhook-Signature       Ed25519, lowercase hex, over the message below

and the signed message is ``{generation_id}\\n{user_id}\\n{timestamp}\\n{sha256_hex(raw body)}``.
The public keys are the JWK set at ``GET /v1/.well-known/jwks.json``.

Two ways in:

- ``verify_webhook(body, headers, keys)``: pure and synchronous, with keys you hold
  (``parse_jwks`` reads a JWK set you fetched yourself). Use it from sync code.
- ``WebhookVerifier(client)``: async; fetches the keys, caches them (24 hours at most), and
  fetches them again when a signature fails under the cached keys, so a rotated key is picked up.
  Refetches are rate-limited (``min_refresh_interval``), so forged deliveries cannot make the
  verifier hammer the JWKS route, and concurrent failures share one fetch.

Both check the timestamp against a tolerance (default 5 minutes) to refuse replays, and return a
``WebhookEvent``: the verified ids, the raw body, its JSON, and ``structure(cls)`` to turn it
into a result type. Anything that fails raises a ``WebhookVerificationError``::

    WebhookVerificationError            the delivery is not proven authentic: do not act on it
    ├── WebhookHeaderError              a signing header is missing, repeated or malformed
    ├── WebhookTimestampError           the timestamp is outside the tolerance (a replay?)
    ├── WebhookSignatureError           no known key verifies the signature
    ├── WebhookPayloadError             signed, but the body is not the JSON object expected
    └── WebhookKeysUnavailableError     the keys could not be fetched: answer 503, it retries

The key fetch sends **no credentials**: the JWKS is public, and a webhook receiver should not
need the API key at all. With an ``AsyncIdeogram`` the keys come from its ``base_url`` (so the
emulator's own keys are used against the emulator) through its HTTP client, with every
credential header removed; with a bare ``httpx.AsyncClient`` from ``jwks_url`` (Ideogram's by
default).

The crypto library is ``cryptography`` (the ``webhooks`` extra:
``pip install 'ideogram-async[webhooks]'``), imported on first use only. It is PyCA's, ships
wheels for every platform the SDK supports, carries type hints (``mypy --strict`` checks the
calls), follows OpenSSL's security releases, and is already installed in most deployments (TLS
and JWT stacks depend on it). PyNaCl, also PyCA's, would do the same job through libsodium but
is a second native stack that fewer environments already have.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import anyio
import httpx

from ._client import AsyncIdeogram
from ._webhook_signature import (
    DEFAULT_TOLERANCE,
    HEADER_GENERATION_ID,
    HEADER_KEY_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_USER_ID,
    WebhookEvent,
    WebhookHeaderError,
    WebhookHeaders,
    WebhookKey,
    WebhookKeysUnavailableError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookVerificationError,
    build_event,
    check_timestamp,
    parse_jwks,
    read_headers,
    signature_error,
    signed_message,
    verify_webhook,
    verifying_key,
)

__all__ = [
    "DEFAULT_CACHE_TTL",
    "DEFAULT_MIN_REFRESH_INTERVAL",
    "DEFAULT_TOLERANCE",
    "HEADER_GENERATION_ID",
    "HEADER_KEY_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "HEADER_USER_ID",
    "IDEOGRAM_JWKS_URL",
    "JWKS_PATH",
    "WebhookEvent",
    "WebhookHeaderError",
    "WebhookHeaders",
    "WebhookKey",
    "WebhookKeysUnavailableError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "parse_jwks",
    "signed_message",
    "verify_webhook",
]

JWKS_PATH = "/v1/.well-known/jwks.json"
IDEOGRAM_JWKS_URL = "https://api.ideogram.ai" + JWKS_PATH
DEFAULT_CACHE_TTL = 86400.0
"""Seconds fetched keys are used before they are fetched again (Ideogram: "up to 24 hours")."""
DEFAULT_MIN_REFRESH_INTERVAL = 30.0
"""Seconds between two fetches of the keys that a failing signature may cause."""

logger = logging.getLogger("ideogram_async.webhooks")

_CREDENTIAL_HEADERS = ("authorization", "api-key", "proxy-authorization", "cookie")


# --- the async verifier -------------------------------------------------------------------------


class WebhookVerifier:
    """Verifies deliveries with Ideogram's keys, fetched (without credentials) and cached.

    >>> verifier = WebhookVerifier(client)            # an AsyncIdeogram, or an httpx.AsyncClient
    >>> event = await verifier.verify(body, headers)  # raises WebhookVerificationError

    Keys are fetched on first use and kept for ``cache_ttl`` seconds. A signature that no cached
    key verifies makes the verifier fetch the keys once more and try again (a key may have been
    rotated in), unless a fetch happened less than ``min_refresh_interval`` seconds ago: forged
    deliveries cost one fetch per interval at most, and concurrent ones share it. A delivery
    that is malformed or stale never causes a fetch. A fetch that fails raises
    ``WebhookKeysUnavailableError`` (answer 503: Ideogram retries the delivery), and keys older
    than ``cache_ttl`` are never used.

    Args:
        client: Where the keys come from. An ``AsyncIdeogram``: ``{base_url}/v1/.well-known/
            jwks.json`` through its HTTP client (its transport, proxies and TLS settings), with
            no credential sent. An ``httpx.AsyncClient``: ``jwks_url`` through it, also with
            every credential header removed. The verifier does not close it: keep it open for
            as long as the verifier is used.
        jwks_url: The JWKS's URL; default as above (Ideogram's for an ``httpx`` client).
        tolerance: Seconds a delivery's timestamp may be from now; ``None`` skips the check.
        cache_ttl: Seconds fetched keys are used (at most 24 hours, as Ideogram advises).
        min_refresh_interval: The fewest seconds between two fetches that failing signatures
            (or failed fetches) cause.
        timeout: Seconds a key fetch may take.
        clock: Wall-clock Unix seconds, for timestamps and the cache (for tests); default
            ``time.time``.

    Raises:
        ValueError: An option is out of range.
    """

    def __init__(
        self,
        client: AsyncIdeogram | httpx.AsyncClient,
        *,
        jwks_url: str | None = None,
        tolerance: float | None = DEFAULT_TOLERANCE,
        cache_ttl: float = DEFAULT_CACHE_TTL,
        min_refresh_interval: float = DEFAULT_MIN_REFRESH_INTERVAL,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0 < cache_ttl <= DEFAULT_CACHE_TTL:
            raise ValueError("cache_ttl must be more than 0 and at most 86400 (24 hours)")
        if min_refresh_interval < 0 or timeout <= 0 or (tolerance is not None and tolerance < 0):
            raise ValueError("min_refresh_interval and tolerance must be 0 or more, timeout > 0")
        if isinstance(client, AsyncIdeogram):
            self._http = client._http
            self._jwks_url = jwks_url or client.base_url + JWKS_PATH
        else:
            self._http = client
            self._jwks_url = jwks_url or IDEOGRAM_JWKS_URL
        self._tolerance = tolerance
        self._cache_ttl = cache_ttl
        self._min_refresh_interval = min_refresh_interval
        self._timeout = timeout
        self._clock = clock
        self._keys: tuple[WebhookKey, ...] = ()
        self._fetched_at: float | None = None  # when the cached keys were fetched
        self._attempted_at: float | None = None  # when a fetch was last tried, success or not
        self._last_failed = False
        self._generation = 0  # counts fetches, so concurrent failures share one
        self._lock: anyio.Lock | None = None  # made on first use, in the event loop

    def __repr__(self) -> str:
        return f"<WebhookVerifier jwks_url={self._jwks_url!r} keys={len(self._keys)}>"

    @property
    def jwks_url(self) -> str:
        """Where the keys are fetched from."""
        return self._jwks_url

    @property
    def keys(self) -> tuple[WebhookKey, ...]:
        """The keys cached now (empty before the first fetch)."""
        return self._keys

    async def verify(self, body: bytes, headers: WebhookHeaders) -> WebhookEvent:
        """Verify a delivery, fetching the keys when they are missing, old, or do not verify it.

        Args:
            body: The raw request body, exactly as received.
            headers: The request's headers (a mapping, or the ASGI ``scope["headers"]`` list).

        Returns:
            The verified delivery.

        Raises:
            WebhookHeaderError: A signing header is missing, repeated or malformed.
            WebhookTimestampError: The timestamp is outside the tolerance.
            WebhookSignatureError: No key verifies the signature, even after a refresh (or a
                refresh was too recent to repeat).
            WebhookPayloadError: The body is not a JSON object, or names another id.
            WebhookKeysUnavailableError: The keys could not be fetched.
        """
        signed = read_headers(headers)
        check_timestamp(signed, self._clock(), self._tolerance)
        generation = self._generation
        if not self._fresh():
            await self._refresh(generation, forced=True)
            generation = self._generation
        key = verifying_key(signed, body, self._keys)
        if key is None:
            if not await self._refresh(generation, forced=False):
                raise signature_error(signed, "the keys were fetched moments ago")
            key = verifying_key(signed, body, self._keys)
            if key is None:
                raise signature_error(signed, "not even after fetching the keys again")
        return build_event(signed, body, key)

    async def refresh(self) -> tuple[WebhookKey, ...]:
        """Fetch the keys now, whatever the cache holds (at start-up, say).

        Returns:
            The keys fetched.

        Raises:
            WebhookKeysUnavailableError: The keys could not be fetched.
        """
        await self._refresh(self._generation, forced=True, rate_limited=False)
        return self._keys

    def _fresh(self) -> bool:
        if self._fetched_at is None:
            return False
        age = self._clock() - self._fetched_at
        return 0 <= age < self._cache_ttl  # a clock that went back counts as stale

    async def _refresh(self, generation: int, *, forced: bool, rate_limited: bool = True) -> bool:
        """Fetch the keys unless another task did since ``generation``; ``False`` if too soon."""
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            if self._generation != generation and (self._fresh() or not forced):
                return True  # another task fetched while this one waited: use its keys
            now = self._clock()
            since = None if self._attempted_at is None else now - self._attempted_at
            recent = since is not None and 0 <= since < self._min_refresh_interval
            if rate_limited and recent:
                if not forced:
                    return False
                if self._last_failed:
                    raise WebhookKeysUnavailableError(
                        f"the keys at {self._jwks_url} could not be fetched {since:.0f}s "
                        "ago; not trying again yet"
                    )
                # Else the cache simply expired (a ``cache_ttl`` shorter than the interval).
            self._attempted_at, self._last_failed = now, True
            keys = await self._fetch()
            self._keys, self._fetched_at, self._last_failed = keys, self._clock(), False
            self._generation += 1
            logger.debug("fetched %d webhook keys from %s", len(keys), self._jwks_url)
            return True

    async def _fetch(self) -> tuple[WebhookKey, ...]:
        request = self._http.build_request("GET", self._jwks_url, timeout=self._timeout)
        for name in _CREDENTIAL_HEADERS:
            # The JWKS is public: a key on the client must not travel with this request.
            request.headers.pop(name, None)
        request.headers["Accept"] = "application/json"
        try:
            response = await self._http.send(request, auth=None, follow_redirects=False)
            await response.aread()
        except httpx.HTTPError as exc:
            raise WebhookKeysUnavailableError(
                f"fetching the webhook keys from {self._jwks_url} failed: {exc!r}"
            ) from exc
        if response.status_code != 200:
            raise WebhookKeysUnavailableError(
                f"fetching the webhook keys from {self._jwks_url} answered {response.status_code}"
            )
        try:
            return parse_jwks(response.content)
        except ValueError as exc:
            raise WebhookKeysUnavailableError(
                f"the webhook keys from {self._jwks_url} do not parse: {exc}"
            ) from exc
