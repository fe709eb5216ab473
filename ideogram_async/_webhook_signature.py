"""Ideogram's webhook signature scheme: the headers, the signed message, the keys, the checks.

``webhooks.py`` is the public face (and adds the key-fetching ``WebhookVerifier``); this module
does no I/O.
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
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypeVar, Union

import attrs

from ._exceptions import IdeogramError

__all__ = [
    "DEFAULT_TOLERANCE",
    "HEADER_GENERATION_ID",
    "HEADER_KEY_ID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "HEADER_USER_ID",
    "Signed",
    "WebhookEvent",
    "WebhookHeaderError",
    "WebhookHeaders",
    "WebhookKey",
    "WebhookKeysUnavailableError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookVerificationError",
    "build_event",
    "check_timestamp",
    "parse_jwks",
    "read_headers",
    "signature_error",
    "signed_message",
    "verify_webhook",
    "verifying_key",
]

HEADER_GENERATION_ID = "X-Ideogram-Webhook-Generation-Id"
HEADER_USER_ID = "X-Ideogram-Webhook-User-Id"
HEADER_TIMESTAMP = "X-Ideogram-Webhook-Timestamp"
HEADER_KEY_ID = "X-Ideogram-Webhook-Key-Id"
HEADER_SIGNATURE = "X-Ideogram-Webhook-Signature"

DEFAULT_TOLERANCE = 300.0
"""Seconds a delivery's timestamp may be from now, either way."""

WebhookHeaders = Union[Mapping[str, str], Iterable[tuple[bytes, bytes]]]
"""A delivery's headers: any mapping of names to values (``httpx.Headers``, a framework's
request headers, a ``dict``), or the raw ASGI ``scope["headers"]`` list."""

logger = logging.getLogger("ideogram_async.webhooks")

_T = TypeVar("_T")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
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


class Signed(NamedTuple):
    """What the headers say, checked for form."""

    generation_id: str
    user_id: str
    timestamp: int
    timestamp_text: str  # as sent: the signature covers these characters, not the number
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


def read_headers(headers: WebhookHeaders) -> Signed:
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
    return Signed(
        generation_id=values[HEADER_GENERATION_ID],
        user_id=values[HEADER_USER_ID],
        timestamp=int(values[HEADER_TIMESTAMP]),
        timestamp_text=values[HEADER_TIMESTAMP],
        key_id=values.get(HEADER_KEY_ID) or None,
        signature=bytes.fromhex(values[HEADER_SIGNATURE]),
    )


def check_timestamp(signed: Signed, now: float, tolerance: float | None) -> None:
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


def verifying_key(signed: Signed, body: bytes, keys: Iterable[WebhookKey]) -> WebhookKey | None:
    """The key that verifies the signature: the one ``Key-Id`` names first, then every other."""
    ed25519, invalid_signature = _load_crypto()
    message = signed_message(signed.generation_id, signed.user_id, signed.timestamp_text, body)
    # The id is only a hint ("try every key in the set"): it picks the first key to try.
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


def build_event(signed: Signed, body: bytes, key: WebhookKey) -> WebhookEvent:
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


def signature_error(signed: Signed, detail: str) -> WebhookSignatureError:
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
    signed = read_headers(headers)
    check_timestamp(signed, time.time() if now is None else now, tolerance)
    key = verifying_key(signed, body, keys)
    if key is None:
        raise signature_error(signed, "the body or a signed header was changed, or the key is new")
    return build_event(signed, body, key)
