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

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar, Union

import anyio
import attrs
import httpx

from ._client import AsyncIdeogram
from ._exceptions import IdeogramError

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

HEADER_GENERATION_ID = "X-Ideogram-Webhook-Generation-Id"
HEADER_USER_ID = "X-Ideogram-Webhook-User-Id"
HEADER_TIMESTAMP = "X-Ideogram-Webhook-Timestamp"
HEADER_KEY_ID = "X-Ideogram-Webhook-Key-Id"
HEADER_SIGNATURE = "X-Ideogram-Webhook-Signature"
JWKS_PATH = "/v1/.well-known/jwks.json"
IDEOGRAM_JWKS_URL = "https://api.ideogram.ai" + JWKS_PATH

DEFAULT_TOLERANCE = 300.0
"""Seconds a delivery's timestamp may be from now, either way."""
DEFAULT_CACHE_TTL = 86400.0
"""Seconds fetched keys are used before they are fetched again (Ideogram: "up to 24 hours")."""
DEFAULT_MIN_REFRESH_INTERVAL = 30.0
"""Seconds between two fetches of the keys that a failing signature may cause."""

WebhookHeaders = Union[Mapping[str, str], Iterable[tuple[bytes, bytes]]]
"""A delivery's headers: any mapping of names to values (``httpx.Headers``, a framework's
request headers, a ``dict``), or the raw ASGI ``scope["headers"]`` list."""

logger = logging.getLogger("ideogram_async.webhooks")

_T = TypeVar("_T")
_CREDENTIAL_HEADERS = ("authorization", "api-key", "proxy-authorization", "cookie")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")
_TIMESTAMP = re.compile(r"\d{1,12}")
_REQUIRED = (HEADER_GENERATION_ID, HEADER_USER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE)


# --- errors -------------------------------------------------------------------------------------


class WebhookVerificationError(IdeogramError):
    """A webhook delivery could not be verified: do not act on it (answer 400 or 401)."""


class WebhookHeaderError(WebhookVerificationError):
    """A signing header is missing, repeated or malformed.

    Attributes:
        header: The header's name.
    """

    def __init__(self, header: str, problem: str) -> None:
        self.header = header
        super().__init__(f"{header}: {problem}")


class WebhookTimestampError(WebhookVerificationError):
    """The delivery's timestamp is further from now than the tolerance: a replay, or a clock off.

    Attributes:
        timestamp: The delivery's timestamp (Unix seconds).
        now: The time it was checked at.
        tolerance: The seconds allowed either way.
    """

    def __init__(self, timestamp: int, now: float, tolerance: float) -> None:
        self.timestamp = timestamp
        self.now = now
        self.tolerance = tolerance
        super().__init__(
            f"the delivery was signed {now - timestamp:.0f}s from now (at {timestamp}), outside "
            f"the tolerance of {tolerance:g}s: a replay, or a clock that is off"
        )


class WebhookSignatureError(WebhookVerificationError):
    """No known key verifies the signature: the body or a header was changed, or a key is unknown.

    Attributes:
        key_id: The ``Key-Id`` the delivery named, if any.
    """

    def __init__(self, message: str, *, key_id: str | None) -> None:
        self.key_id = key_id
        super().__init__(message)


class WebhookPayloadError(WebhookVerificationError):
    """The delivery is signed, but its body is not the JSON object expected."""


class WebhookKeysUnavailableError(WebhookVerificationError):
    """The signing keys could not be fetched; not the sender's fault (answer 503: it retries)."""


# --- keys ---------------------------------------------------------------------------------------


def _raw_key(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return value


@attrs.frozen
class WebhookKey:
    """One Ed25519 public key of the set webhooks are signed with.

    Attributes:
        key_id: The JWK's ``kid`` (what ``X-Ideogram-Webhook-Key-Id`` names), if it has one.
        public_key: The 32 raw bytes of the public key (the JWK's ``x``, decoded).
    """

    key_id: str | None
    public_key: bytes = attrs.field(converter=_raw_key, repr=False)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> WebhookKey:
        """The key a JWK describes (``kty`` ``OKP``, ``crv`` ``Ed25519``, ``x`` base64url).

        Args:
            jwk: One JWK, as parsed JSON.

        Returns:
            The key.

        Raises:
            ValueError: The JWK is not an Ed25519 signing key.
        """
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError(f"not an Ed25519 key (kty={jwk.get('kty')!r}, crv={jwk.get('crv')!r})")
        if jwk.get("alg", "EdDSA") not in ("EdDSA", "Ed25519") or jwk.get("use", "sig") != "sig":
            raise ValueError(f"not a signing key (alg={jwk.get('alg')!r}, use={jwk.get('use')!r})")
        x, kid = jwk.get("x"), jwk.get("kid")
        if not isinstance(x, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", x):
            raise ValueError("x is not base64url")
        if kid is not None and not isinstance(kid, str):
            raise ValueError("kid is not a string")
        raw = base64.urlsafe_b64decode(x.rstrip("=") + "=" * (-len(x.rstrip("=")) % 4))
        return cls(kid, raw)

    def to_jwk(self) -> dict[str, str]:
        """The key as a JWK (what a JWKS serves)."""
        x = base64.urlsafe_b64encode(self.public_key).rstrip(b"=").decode()
        jwk = {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "x": x}
        return {**jwk, "kid": self.key_id} if self.key_id is not None else jwk


def parse_jwks(document: Mapping[str, Any] | str | bytes) -> tuple[WebhookKey, ...]:
    """The Ed25519 signing keys of a JWK set; keys of other kinds are skipped.

    Args:
        document: The JWKS (``{"keys": [...]}``) as parsed JSON, or its JSON text.

    Returns:
        Its Ed25519 keys, in order.

    Raises:
        ValueError: The document is not a JWK set, or has no Ed25519 signing key.
    """
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise ValueError(f"the JWKS is not JSON: {exc}") from exc
    raw_keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(raw_keys, list):
        raise ValueError('the JWKS is not an object with a "keys" list')
    keys = []
    for jwk in raw_keys:
        try:
            keys.append(WebhookKey.from_jwk(jwk if isinstance(jwk, Mapping) else {}))
        except (ValueError, binascii.Error) as exc:
            # A key type added later must not break the keys that still verify.
            logger.debug("skipping a JWK: %s", exc)
    if not keys:
        raise ValueError("the JWKS has no Ed25519 signing key")
    return tuple(keys)


# --- the event ----------------------------------------------------------------------------------


@attrs.frozen
class WebhookEvent:
    """A verified delivery.

    The body "mirrors the synchronous generation response" plus the job's id; Ideogram's spec
    calls that id ``request_id`` and its docs ``generation_id``, so either is accepted.

    Attributes:
        generation_id: The job's id (signed, from the header; the body agrees when it has one).
        user_id: The account that submitted the job.
        timestamp: When it was signed, Unix seconds.
        key_id: The ``kid`` of the key that verified it (``None`` for a key without one).
        data: The body's JSON object, as sent.
        body: The raw body.
    """

    generation_id: str
    user_id: str
    timestamp: int
    key_id: str | None
    data: Mapping[str, Any] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)

    @property
    def signed_at(self) -> dt.datetime:
        """``timestamp`` as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc)

    def structure(self, cls: type[_T]) -> _T:
        """The body as a result type (``ImageGenerationResponse``, a v2 result, ...).

        ``generation_id`` is filled in from the signed header when the body names the id
        ``request_id`` or not at all; unknown fields are ignored.

        Args:
            cls: The result type, a class the SDK's results are made of.

        Returns:
            The body as an instance of ``cls``.

        Raises:
            WebhookPayloadError: The body does not parse as ``cls``.
        """
        from ._converter import structure

        try:
            return structure({**self.data, "generation_id": self.generation_id}, cls)
        except Exception as exc:  # cattrs reports failures as several exception types
            raise WebhookPayloadError(
                f"the webhook body does not parse as {cls.__name__}: {exc}"
            ) from exc


# --- verification -------------------------------------------------------------------------------


class _Signed(NamedTuple):
    """What the headers say, checked for form."""

    generation_id: str
    user_id: str
    timestamp: int
    key_id: str | None
    signature: bytes


def signed_message(generation_id: str, user_id: str, timestamp: int | str, body: bytes) -> bytes:
    """The bytes a delivery's signature covers (UTF-8).

    Args:
        generation_id: The ``Generation-Id`` header.
        user_id: The ``User-Id`` header.
        timestamp: The ``Timestamp`` header.
        body: The raw body.

    Returns:
        ``{generation_id}\\n{user_id}\\n{timestamp}\\n{sha256_hex(body)}``, encoded.
    """
    digest = hashlib.sha256(body).hexdigest()
    return f"{generation_id}\n{user_id}\n{timestamp}\n{digest}".encode()


def _header_map(headers: WebhookHeaders) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if isinstance(headers, Mapping):
        items: Iterable[tuple[Any, Any]] = headers.items()
        if hasattr(headers, "multi_items"):  # httpx and Starlette keep repeated headers there
            items = headers.multi_items()
    else:
        items = headers
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        found.setdefault(str(name).lower(), []).append(str(value))
    return found


def _read_headers(headers: WebhookHeaders) -> _Signed:
    found = _header_map(headers)
    values: dict[str, str] = {}
    for name in (*_REQUIRED, HEADER_KEY_ID):
        given = found.get(name.lower(), [])
        if len(given) > 1:
            # Two values leave it open which one was signed.
            raise WebhookHeaderError(name, "sent more than once")
        if given:
            values[name] = given[0].strip()
        elif name != HEADER_KEY_ID:
            raise WebhookHeaderError(name, "missing: this is not a signed Ideogram webhook")
    for name in (HEADER_GENERATION_ID, HEADER_USER_ID):
        if not values[name] or "\n" in values[name]:
            raise WebhookHeaderError(name, "empty, or not a single line")
    if not _TIMESTAMP.fullmatch(values[HEADER_TIMESTAMP]):
        raise WebhookHeaderError(HEADER_TIMESTAMP, "not Unix seconds")
    if not _SIGNATURE.fullmatch(values[HEADER_SIGNATURE]):
        raise WebhookHeaderError(HEADER_SIGNATURE, "not a hex Ed25519 signature (128 digits)")
    return _Signed(
        generation_id=values[HEADER_GENERATION_ID],
        user_id=values[HEADER_USER_ID],
        timestamp=int(values[HEADER_TIMESTAMP]),
        key_id=values.get(HEADER_KEY_ID) or None,
        signature=bytes.fromhex(values[HEADER_SIGNATURE]),
    )


def _check_timestamp(signed: _Signed, now: float, tolerance: float | None) -> None:
    if tolerance is not None and not abs(now - signed.timestamp) <= tolerance:
        raise WebhookTimestampError(signed.timestamp, now, tolerance)


def _load_crypto() -> tuple[Any, type[Exception]]:
    """``cryptography``'s Ed25519 module and its ``InvalidSignature``, imported on first use."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:
        raise ImportError(
            "verifying webhooks needs the cryptography package: "
            "pip install 'ideogram-async[webhooks]'"
        ) from exc
    return ed25519, InvalidSignature


def _verifying_key(signed: _Signed, body: bytes, keys: Iterable[WebhookKey]) -> WebhookKey | None:
    """The key that verifies the signature: the one ``Key-Id`` names first, then every other."""
    ed25519, invalid_signature = _load_crypto()
    message = signed_message(signed.generation_id, signed.user_id, signed.timestamp, body)
    # The key id is only a hint: a key rotated out keeps its id but may still sign in flight.
    ordered = sorted(keys, key=lambda k: k.key_id != signed.key_id)
    for key in ordered:
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(key.public_key).verify(
                signed.signature, message
            )
        except invalid_signature:
            continue
        return key
    return None


def _event(signed: _Signed, body: bytes, key: WebhookKey) -> WebhookEvent:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise WebhookPayloadError(f"the webhook body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise WebhookPayloadError("the webhook body is not a JSON object")
    for field in ("generation_id", "request_id"):
        named = data.get(field)
        if named is not None and named != signed.generation_id:
            raise WebhookPayloadError(
                f"the body's {field} {named!r} is not the signed id {signed.generation_id!r}"
            )
    return WebhookEvent(
        generation_id=signed.generation_id,
        user_id=signed.user_id,
        timestamp=signed.timestamp,
        key_id=key.key_id,
        data=data,
        body=body,
    )


def _signature_error(signed: _Signed, detail: str) -> WebhookSignatureError:
    named = f" (Key-Id {signed.key_id!r})" if signed.key_id else ""
    return WebhookSignatureError(
        f"no known key verifies the signature{named}: {detail}", key_id=signed.key_id
    )


def verify_webhook(
    body: bytes,
    headers: WebhookHeaders,
    keys: Iterable[WebhookKey],
    *,
    tolerance: float | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> WebhookEvent:
    """Verify a delivery with the keys given; synchronous, and no I/O.

    Args:
        body: The raw request body, exactly as received (not parsed and re-serialised).
        headers: The request's headers (a mapping, or the ASGI ``scope["headers"]`` list).
        keys: The keys to accept (``parse_jwks`` of Ideogram's JWKS). Every key is tried; the
            one ``Key-Id`` names first.
        tolerance: Seconds the timestamp may be from ``now``, either way; ``None`` skips the
            check (only for deliveries you stored and verified before).
        now: The time in Unix seconds; default ``time.time()``.

    Returns:
        The verified delivery.

    Raises:
        WebhookHeaderError: A signing header is missing, repeated or malformed.
        WebhookTimestampError: The timestamp is outside the tolerance.
        WebhookSignatureError: No key given verifies the signature.
        WebhookPayloadError: The body is not a JSON object, or names another id.
        ImportError: The ``webhooks`` extra (``cryptography``) is not installed.
    """
    signed = _read_headers(headers)
    _check_timestamp(signed, time.time() if now is None else now, tolerance)
    key = _verifying_key(signed, body, keys)
    if key is None:
        raise _signature_error(signed, "the body or a signed header was changed, or the key is new")
    return _event(signed, body, key)


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
            every credential header removed. Neither is closed by the verifier.
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
        signed = _read_headers(headers)
        _check_timestamp(signed, self._clock(), self._tolerance)
        generation = self._generation
        if not self._fresh():
            await self._refresh(generation, forced=True)
            generation = self._generation
        key = _verifying_key(signed, body, self._keys)
        if key is None:
            if not await self._refresh(generation, forced=False):
                raise _signature_error(signed, "the keys were fetched moments ago")
            key = _verifying_key(signed, body, self._keys)
            if key is None:
                raise _signature_error(signed, "not even after fetching the keys again")
        return _event(signed, body, key)

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
            last = self._attempted_at
            if rate_limited and last is not None and 0 <= now - last < self._min_refresh_interval:
                if forced:
                    raise WebhookKeysUnavailableError(
                        f"the keys at {self._jwks_url} could not be fetched {now - last:.0f}s "
                        "ago; not trying again yet"
                    )
                return False
            self._attempted_at = now
            keys = await self._fetch()
            self._keys, self._fetched_at = keys, self._clock()
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
