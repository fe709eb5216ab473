"""The emulator's webhooks: its own Ed25519 keys, their JWKS, and a sender that signs and POSTs.

Every ``Emulator`` has one ``WebhookSender``, as ``emulator.webhooks``. To deliver a finished
job (from an emulated route, or from a test)::

    delivery = await emulator.webhooks.deliver(url, generation_id, body_bytes)
    # url: str             where to POST; loopback only (http or https), unless
    #                      ``emulator.webhooks.transport`` routes it (httpx.ASGITransport(app))
    # generation_id: str   the job's id, signed in X-Ideogram-Webhook-Generation-Id
    # body_bytes: bytes    the JSON body, sent exactly as given (it is what gets hashed)
    # -> Delivery(url, generation_id, status, error, headers); never raises for the receiver's
    #    answer or a connection failure (``status`` is None then and ``error`` says why)
    # keyword-only: user_id=, timestamp= (default: the emulator's clock), key_id=

``check_url(url)`` raises ``ValueError`` for a URL ``deliver`` would refuse: call it when a job
is submitted, to answer 422 then rather than fail at delivery. The keys are served at
``GET /v1/.well-known/jwks.json``; ``rotate_key()`` starts signing with a new key (the old one
stays in the set, as Ideogram keeps recently rotated keys, unless ``retire_previous=True``).
A delivery is tried once: call ``deliver`` again to emulate Ideogram's retry.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from ..webhooks import (
    HEADER_GENERATION_ID,
    HEADER_KEY_ID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_USER_ID,
    WebhookKey,
    signed_message,
)
from ._http import HTTPError, Incoming, Reply, json_reply

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["JWKS_ROUTE", "Delivery", "WebhookSender"]

JWKS_ROUTE = "/v1/.well-known/jwks.json"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@attrs.frozen
class Delivery:
    """One webhook the emulator sent.

    Attributes:
        url: Where it was POSTed.
        generation_id: The job's id.
        status: The receiver's status, or ``None`` when no answer came.
        error: Why no answer came (``None`` when one did).
        headers: The signing headers sent.
        body: The body sent.
    """

    url: str
    generation_id: str
    status: int | None
    error: str | None
    headers: dict[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)

    @property
    def ok(self) -> bool:
        """The receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


@attrs.define
class _SigningKey:
    key_id: str
    private: Ed25519PrivateKey

    def public(self) -> WebhookKey:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return WebhookKey(self.key_id, raw)


class WebhookSender:
    """The emulator's webhook keys and sender (``emulator.webhooks``).

    Keys are made on first use, so an emulator that sends no webhook needs no ``cryptography``.

    Args:
        clock: Wall-clock Unix seconds, for the signed timestamp (the emulator's clock).
        user_id: The account id deliveries are signed for.
        transport: An ``httpx`` transport deliveries go through; with one, any URL is allowed
            (``httpx.ASGITransport(app)`` delivers in-process). Without, only loopback.
        timeout: Seconds a receiver has to answer.

    Attributes:
        user_id: As above; assignable.
        transport: As above; assignable.
        deliveries: Every delivery made, in order.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        user_id: str = "emulator-user",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._clock = clock
        self.user_id = user_id
        self.transport = transport
        self._timeout = timeout
        self._keys: list[_SigningKey] = []  # the published set; the last one signs
        self._made = 0
        self.deliveries: list[Delivery] = []

    def __repr__(self) -> str:
        return f"<WebhookSender keys={[k.key_id for k in self._keys]!r}>"

    # --- keys -----------------------------------------------------------------------------------

    @property
    def signing_key_id(self) -> str:
        """The ``kid`` of the key that signs now."""
        return self._signing().key_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ``kid`` of every key in the published set, oldest first."""
        self._signing()
        return tuple(key.key_id for key in self._keys)

    def public_keys(self) -> tuple[WebhookKey, ...]:
        """The published keys, as a verifier holds them."""
        self._signing()
        return tuple(key.public() for key in self._keys)

    def jwks(self) -> dict[str, Any]:
        """The published key set, as ``GET /v1/.well-known/jwks.json`` serves it."""
        return {"keys": [key.to_jwk() for key in self.public_keys()]}

    def rotate_key(self, *, retire_previous: bool = False) -> str:
        """Sign with a new key from now on; returns its ``kid``.

        Args:
            retire_previous: Also take every older key out of the published set (a verifier
                that cached them then fails on them, as after a compromise).
        """
        self._signing()
        key = self._new_key()
        self._keys = [key] if retire_previous else [*self._keys, key]
        return key.key_id

    def retire_key(self, key_id: str) -> None:
        """Take a key out of the published set (not the signing key).

        Raises:
            KeyError: No published key has that ``kid``.
            ValueError: It is the signing key.
        """
        if key_id == self.signing_key_id:
            raise ValueError("the signing key cannot be retired: rotate_key() first")
        kept = [key for key in self._keys if key.key_id != key_id]
        if len(kept) == len(self._keys):
            raise KeyError(key_id)
        self._keys = kept

    def _signing(self) -> _SigningKey:
        if not self._keys:
            self._keys.append(self._new_key())
        return self._keys[-1]

    def _new_key(self) -> _SigningKey:
        try:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        except ImportError as exc:
            raise ImportError(
                "the emulator's webhooks need the cryptography package: "
                "pip install 'ideogram-async[emulator]'"
            ) from exc
        self._made += 1
        return _SigningKey(f"emu-{self._made}", Ed25519PrivateKey.generate())

    # --- signing and sending ----------------------------------------------------------------

    def sign(
        self,
        generation_id: str,
        body: bytes,
        *,
        user_id: str | None = None,
        timestamp: int | None = None,
        key_id: str | None = None,
    ) -> dict[str, str]:
        """The headers that sign ``body`` as a delivery for ``generation_id``.

        Args:
            generation_id: The job's id.
            body: The exact bytes to be sent.
            user_id: The account id; default ``self.user_id``.
            timestamp: Unix seconds; default the clock's now.
            key_id: The published key to sign with; default the signing key.

        Raises:
            KeyError: No published key has ``key_id``.
        """
        key = self._signing()
        if key_id is not None:
            named = [k for k in self._keys if k.key_id == key_id]
            if not named:
                raise KeyError(f"no published webhook key has kid {key_id!r}")
            key = named[0]
        user = self.user_id if user_id is None else user_id
        stamp = int(self._clock()) if timestamp is None else timestamp
        signature = key.private.sign(signed_message(generation_id, user, stamp, body))
        return {
            HEADER_GENERATION_ID: generation_id,
            HEADER_USER_ID: user,
            HEADER_TIMESTAMP: str(stamp),
            HEADER_KEY_ID: key.key_id,
            HEADER_SIGNATURE: signature.hex(),
        }

    def check_url(self, url: str) -> None:
        """Refuse a URL ``deliver`` would not send to.

        Raises:
            ValueError: Not an absolute http(s) URL, or (without ``transport``) not loopback.
        """
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"webhook_url {url!r} is not a URL") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(f"webhook_url {url!r} is not an absolute http(s) URL")
        if self.transport is None and not _is_loopback(parsed.host):
            raise ValueError(
                f"webhook_url {url!r}: the emulator delivers only to loopback addresses "
                "(127.0.0.0/8, ::1, localhost), unless webhooks.transport is set"
            )

    async def deliver(
        self,
        url: str,
        generation_id: str,
        body_bytes: bytes,
        *,
        user_id: str | None = None,
        timestamp: int | None = None,
        key_id: str | None = None,
    ) -> Delivery:
        """Sign ``body_bytes`` and POST it to ``url``, once; the outcome is recorded and returned.

        Args:
            url: Where to POST (see ``check_url``).
            generation_id: The job's id.
            body_bytes: The JSON body, sent as is.
            user_id: The account id; default ``self.user_id``.
            timestamp: Unix seconds; default the clock's now.
            key_id: The published key to sign with; default the signing key.

        Returns:
            The delivery: the receiver's status, or the error that left it without one.

        Raises:
            ValueError: ``check_url`` refuses ``url``.
        """
        self.check_url(url)
        headers = self.sign(
            generation_id, body_bytes, user_id=user_id, timestamp=timestamp, key_id=key_id
        )
        status: int | None = None
        error: str | None = None
        # No proxies from the environment, no redirects: a delivery goes where it is told.
        async with httpx.AsyncClient(
            transport=self.transport, timeout=self._timeout, trust_env=False
        ) as http:
            try:
                response = await http.post(
                    url,
                    content=body_bytes,
                    headers={
                        "Content-Type": "application/json",
                        "User-Agent": "ideogram-emulator-webhooks",
                        **headers,
                    },
                )
                status = response.status_code
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
        delivery = Delivery(url, generation_id, status, error, headers, body_bytes)
        self.deliveries.append(delivery)
        return delivery

    # --- the JWKS route -------------------------------------------------------------------------

    async def serve_jwks(self, request: Incoming) -> Reply:
        """``GET /v1/.well-known/jwks.json``: public, cacheable for a day, as Ideogram's."""
        try:
            document = self.jwks()
        except ImportError as exc:
            raise HTTPError(501, str(exc)) from exc
        reply = json_reply(document)
        return attrs.evolve(reply, headers=(("cache-control", "public, max-age=86400"),))


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
