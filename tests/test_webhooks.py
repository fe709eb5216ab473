"""Webhook verification: signatures with real Ed25519 keys, timestamps, ids, the JWKS cache."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import anyio
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import ideogram_async as ia
from ideogram_async import webhooks as wh
from ideogram_async.testing import Emulator

from .conftest import image_response

pytestmark = pytest.mark.anyio

NOW = 1_750_000_000
GEN = "xtdZiqPwRxqY1Y7NExFmzB"
USER = "dXNlci0xMjM"
JWKS = wh.JWKS_PATH


class FakeClock:
    """A wall clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


def new_key(kid: str | None = "k1") -> tuple[Ed25519PrivateKey, ia.WebhookKey]:
    """A fresh Ed25519 key pair: the private key, and the public key as a verifier holds it."""
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, ia.WebhookKey(kid, raw)


def sign(
    private: Ed25519PrivateKey,
    body: bytes,
    *,
    generation_id: str = GEN,
    user_id: str = USER,
    timestamp: int = NOW,
    kid: str | None = "k1",
) -> dict[str, str]:
    """Headers of a delivery signed as Ideogram documents it, built here by hand from the spec."""
    message = f"{generation_id}\n{user_id}\n{timestamp}\n{hashlib.sha256(body).hexdigest()}"
    headers = {
        "X-Ideogram-Webhook-Generation-Id": generation_id,
        "X-Ideogram-Webhook-User-Id": user_id,
        "X-Ideogram-Webhook-Timestamp": str(timestamp),
        "X-Ideogram-Webhook-Signature": private.sign(message.encode()).hex(),
    }
    if kid is not None:
        headers["X-Ideogram-Webhook-Key-Id"] = kid
    return headers


def body_of(**fields: object) -> bytes:
    """A delivery's body: a generation response plus the given fields."""
    return json.dumps({**image_response(1), **fields}).encode()


BODY = body_of(generation_id=GEN)


# --- the pure verifier ----------------------------------------------------------------------


def test_a_validly_signed_delivery_verifies() -> None:
    """A delivery signed by a key given verifies, and the event carries what was signed."""
    private, public = new_key()
    event = ia.verify_webhook(BODY, sign(private, BODY), [public], now=NOW)
    assert (event.generation_id, event.user_id, event.timestamp) == (GEN, USER, NOW)
    assert event.key_id == "k1"
    assert event.body == BODY
    assert event.data["generation_id"] == GEN
    assert event.signed_at.timestamp() == NOW
    assert event.signed_at.utcoffset() is not None


def test_the_signed_message_is_the_documented_one() -> None:
    """``signed_message`` is ids, timestamp and the body's SHA-256 hex, joined by newlines."""
    digest = hashlib.sha256(b"{}").hexdigest()
    assert wh.signed_message("g", "u", 12, b"{}") == f"g\nu\n12\n{digest}".encode()


def test_a_tampered_body_fails() -> None:
    """Changing one byte of the body after signing makes the signature fail."""
    private, public = new_key()
    headers = sign(private, BODY)
    tampered = BODY.replace(b'"seed": 12345', b'"seed": 12346')
    assert tampered != BODY
    with pytest.raises(ia.WebhookSignatureError, match="no known key") as info:
        ia.verify_webhook(tampered, headers, [public], now=NOW)
    assert info.value.key_id == "k1"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Ideogram-Webhook-Generation-Id", "another-generation"),
        ("X-Ideogram-Webhook-User-Id", "another-user"),
        ("X-Ideogram-Webhook-Timestamp", str(NOW + 1)),
    ],
)
def test_a_changed_signed_header_fails(header: str, value: str) -> None:
    """Each signed header is covered: changing it after signing fails the signature."""
    private, public = new_key()
    body = body_of()  # no id in the body, so only the signature can notice
    headers = {**sign(private, body), header: value}
    with pytest.raises(ia.WebhookSignatureError):
        ia.verify_webhook(body, headers, [public], now=NOW)


def test_a_signature_by_another_key_fails() -> None:
    """A delivery signed by a key outside the set fails, even when it names a known ``kid``."""
    _, public = new_key()
    stranger, _ = new_key()
    with pytest.raises(ia.WebhookSignatureError):
        ia.verify_webhook(BODY, sign(stranger, BODY, kid="k1"), [public], now=NOW)


@pytest.mark.parametrize("named", ["k1", "k2", "unknown", None])
def test_every_key_is_tried_whatever_key_id_says(named: str | None) -> None:
    """The ``Key-Id`` header is a hint: the key that verifies is found in the set regardless."""
    _, other = new_key("k1")
    private, right = new_key("k2")
    event = ia.verify_webhook(BODY, sign(private, BODY, kid=named), [other, right], now=NOW)
    assert event.key_id == "k2"


def test_an_uppercase_hex_signature_verifies() -> None:
    """The documented lowercase hex is not required to the letter: the same bytes verify."""
    private, public = new_key()
    headers = sign(private, BODY)
    headers["X-Ideogram-Webhook-Signature"] = headers["X-Ideogram-Webhook-Signature"].upper()
    assert ia.verify_webhook(BODY, headers, [public], now=NOW).generation_id == GEN


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_a_timestamp_outside_the_tolerance_fails(offset: int) -> None:
    """A delivery signed more than the tolerance ago (a replay), or ahead, is refused."""
    private, public = new_key()
    headers = sign(private, BODY, timestamp=NOW + offset)
    with pytest.raises(ia.WebhookTimestampError, match="tolerance of 300s") as info:
        ia.verify_webhook(BODY, headers, [public], now=NOW)
    assert (info.value.timestamp, info.value.tolerance) == (NOW + offset, 300.0)


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_a_timestamp_within_the_tolerance_passes(offset: int) -> None:
    """A timestamp up to the tolerance away, either way, is accepted."""
    private, public = new_key()
    headers = sign(private, BODY, timestamp=NOW + offset)
    assert ia.verify_webhook(BODY, headers, [public], now=NOW).timestamp == NOW + offset


def test_the_timestamp_is_signed_as_sent() -> None:
    """The signature covers the timestamp's characters: zero-padding it breaks the signature."""
    private, public = new_key()
    headers = sign(private, BODY)
    headers["X-Ideogram-Webhook-Timestamp"] = "0" + headers["X-Ideogram-Webhook-Timestamp"]
    with pytest.raises(ia.WebhookSignatureError):
        ia.verify_webhook(BODY, headers, [public], now=NOW)
    padded = f"0{NOW}"
    message = f"{GEN}\n{USER}\n{padded}\n{hashlib.sha256(BODY).hexdigest()}".encode()
    headers["X-Ideogram-Webhook-Signature"] = private.sign(message).hex()
    assert ia.verify_webhook(BODY, headers, [public], now=NOW).timestamp == NOW


def test_the_tolerance_is_configurable_and_can_be_skipped() -> None:
    """``tolerance`` narrows the window, and ``None`` skips the check for stored deliveries."""
    private, public = new_key()
    headers = sign(private, BODY, timestamp=NOW - 60)
    with pytest.raises(ia.WebhookTimestampError):
        ia.verify_webhook(BODY, headers, [public], now=NOW, tolerance=30)
    assert ia.verify_webhook(BODY, headers, [public], now=NOW + 10**6, tolerance=None)


def test_the_timestamp_is_checked_against_the_real_clock_by_default() -> None:
    """Without ``now``, a delivery signed at a long-past time is refused."""
    private, public = new_key()
    with pytest.raises(ia.WebhookTimestampError):
        ia.verify_webhook(BODY, sign(private, BODY, timestamp=1_000_000_000), [public])


@pytest.mark.parametrize(
    "header",
    [
        "X-Ideogram-Webhook-Generation-Id",
        "X-Ideogram-Webhook-User-Id",
        "X-Ideogram-Webhook-Timestamp",
        "X-Ideogram-Webhook-Signature",
    ],
)
def test_a_missing_signing_header_fails(header: str) -> None:
    """Each signing header but the key id is required, and the error names the missing one."""
    private, public = new_key()
    headers = sign(private, BODY)
    del headers[header]
    with pytest.raises(ia.WebhookHeaderError, match="missing") as info:
        ia.verify_webhook(BODY, headers, [public], now=NOW)
    assert info.value.header == header


def test_the_key_id_header_is_optional() -> None:
    """A delivery without ``Key-Id`` still verifies against the set."""
    private, public = new_key()
    assert ia.verify_webhook(BODY, sign(private, BODY, kid=None), [public], now=NOW).key_id == "k1"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Ideogram-Webhook-Timestamp", "1750000000.5"),
        ("X-Ideogram-Webhook-Timestamp", "-1750000000"),
        ("X-Ideogram-Webhook-Timestamp", "soon"),
        ("X-Ideogram-Webhook-Timestamp", "\u0661\u0667\u0665\u0660"),
        ("X-Ideogram-Webhook-Signature", "ab" * 63),
        ("X-Ideogram-Webhook-Signature", "zz" * 64),
        ("X-Ideogram-Webhook-Generation-Id", ""),
    ],
)
def test_a_malformed_signing_header_fails(header: str, value: str) -> None:
    """A timestamp that is not Unix seconds, or a signature that is not 64 hex bytes, is refused."""
    private, public = new_key()
    headers = {**sign(private, BODY), header: value}
    with pytest.raises(ia.WebhookHeaderError) as info:
        ia.verify_webhook(BODY, headers, [public], now=NOW)
    assert info.value.header == header


def test_headers_come_as_any_mapping_or_the_asgi_list() -> None:
    """Headers verify from a dict in any case, ``httpx.Headers``, or ASGI's raw header list."""
    private, public = new_key()
    headers = sign(private, BODY)
    lower = {name.lower(): value for name, value in headers.items()}
    raw = [(name.encode(), value.encode()) for name, value in lower.items()]
    forms: list[wh.WebhookHeaders] = [headers, lower, httpx.Headers(headers), raw]
    for form in forms:
        assert ia.verify_webhook(BODY, form, [public], now=NOW).generation_id == GEN


def test_a_repeated_signing_header_fails() -> None:
    """Two values of a signed header leave it open which was signed: refused."""
    private, public = new_key()
    headers = sign(private, BODY)
    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    raw.append((b"x-ideogram-webhook-user-id", b"someone-else"))
    with pytest.raises(ia.WebhookHeaderError, match="more than once"):
        ia.verify_webhook(BODY, raw, [public], now=NOW)
    with pytest.raises(ia.WebhookHeaderError, match="more than once"):
        ia.verify_webhook(BODY, httpx.Headers(raw), [public], now=NOW)


@pytest.mark.parametrize("field", ["generation_id", "request_id", None])
def test_the_body_may_name_the_id_either_way(field: str | None) -> None:
    """The docs' ``generation_id``, the spec's ``request_id``, or neither: all verify."""
    private, public = new_key()
    body = body_of(**({field: GEN} if field else {}))
    event = ia.verify_webhook(body, sign(private, body), [public], now=NOW)
    assert event.generation_id == GEN
    assert event.data.get(field or "generation_id") == (GEN if field else None)


@pytest.mark.parametrize("field", ["generation_id", "request_id"])
def test_a_body_naming_another_id_fails(field: str) -> None:
    """A signed body whose id differs from the signed header's is refused as inconsistent."""
    private, public = new_key()
    body = body_of(**{field: "another-id"})
    with pytest.raises(ia.WebhookPayloadError, match="not the signed id"):
        ia.verify_webhook(body, sign(private, body), [public], now=NOW)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_fails(body: bytes) -> None:
    """A signed body that is not a JSON object is refused with ``WebhookPayloadError``."""
    private, public = new_key()
    with pytest.raises(ia.WebhookPayloadError):
        ia.verify_webhook(body, sign(private, body), [public], now=NOW)


@pytest.mark.parametrize("field", ["generation_id", "request_id"])
def test_the_event_structures_into_a_result_type(field: str) -> None:
    """``event.structure(cls)`` gives the typed result the synchronous call would."""
    private, public = new_key()
    body = body_of(**{field: GEN})
    event = ia.verify_webhook(body, sign(private, body), [public], now=NOW)
    result = event.structure(ia.ImageGenerationResponse)
    assert isinstance(result, ia.ImageGenerationResponse)
    assert result.data[0].seed == 12345
    assert result.data[0].resolution.width == 1024
    with pytest.raises(ia.WebhookPayloadError, match="does not parse as CustomModel"):
        event.structure(ia.CustomModel)


def test_every_webhook_error_is_a_verification_error() -> None:
    """One ``except WebhookVerificationError`` (or ``IdeogramError``) catches them all."""
    for cls in (
        ia.WebhookHeaderError,
        ia.WebhookTimestampError,
        ia.WebhookSignatureError,
        ia.WebhookPayloadError,
        ia.WebhookKeysUnavailableError,
    ):
        assert issubclass(cls, ia.WebhookVerificationError)
        assert issubclass(cls, ia.IdeogramError)


def test_verifying_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without ``cryptography``, verification raises ``ImportError`` naming the extra."""
    private, public = new_key()
    headers = sign(private, BODY)
    monkeypatch.setitem(sys.modules, "cryptography.exceptions", None)
    with pytest.raises(ImportError, match=r"ideogram-async\[webhooks\]"):
        ia.verify_webhook(BODY, headers, [public], now=NOW)


def test_importing_the_sdk_does_not_import_the_crypto_library() -> None:
    """``import ideogram_async`` leaves ``cryptography`` unimported (it is an optional extra)."""
    code = "import sys, ideogram_async; print('cryptography' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- keys -----------------------------------------------------------------------------------


def test_a_key_round_trips_through_its_jwk() -> None:
    """``to_jwk`` gives an OKP/Ed25519 JWK with unpadded base64url ``x``; ``from_jwk`` reads it."""
    _, public = new_key("v1")
    jwk = public.to_jwk()
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"], jwk["kid"]) == (
        "OKP",
        "Ed25519",
        "EdDSA",
        "sig",
        "v1",
    )
    assert len(jwk["x"]) == 43
    assert "=" not in jwk["x"]
    assert ia.WebhookKey.from_jwk(jwk) == public
    assert ia.WebhookKey.from_jwk({**jwk, "x": jwk["x"] + "="}) == public


def test_the_documented_example_jwk_parses() -> None:
    """The example key of Ideogram's JWKS schema reads as a 32-byte key with its ``kid``."""
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "use": "sig",
        "kid": "v1",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "alg": "EdDSA",
    }
    (key,) = ia.parse_jwks({"keys": [jwk]})
    assert key.key_id == "v1"
    assert len(key.public_key) == 32


def test_parse_jwks_skips_keys_of_other_kinds() -> None:
    """RSA keys, other curves, encryption keys and broken ``x`` are skipped; Ed25519 ones kept."""
    _, good = new_key("good")
    x = good.to_jwk()["x"]
    document = {
        "keys": [
            {"kty": "RSA", "kid": "rsa", "n": "AQAB", "e": "AQAB"},
            {"kty": "OKP", "crv": "X25519", "kid": "x", "x": x},
            {"kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc", "x": x},
            {"kty": "OKP", "crv": "Ed25519", "kid": "short", "x": "AAAA"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "bad", "x": "not base64!"},
            "not an object",
            good.to_jwk(),
        ]
    }
    assert ia.parse_jwks(document) == (good,)
    assert ia.parse_jwks(json.dumps(document)) == (good,)
    assert ia.parse_jwks(json.dumps(document).encode()) == (good,)


@pytest.mark.parametrize(
    "document",
    [{"keys": []}, {"keys": [{"kty": "RSA"}]}, {}, {"keys": "nope"}, "[]", "not json"],
)
def test_parse_jwks_refuses_a_set_without_a_usable_key(document: Mapping[str, object]) -> None:
    """A document that is not a JWKS, or has no Ed25519 key, raises ``ValueError``."""
    with pytest.raises(ValueError, match="JWKS"):
        ia.parse_jwks(document)


def test_a_key_must_be_32_bytes() -> None:
    """``WebhookKey`` refuses public keys of the wrong size."""
    with pytest.raises(ValueError, match="32 bytes"):
        ia.WebhookKey("k", b"\x00" * 31)


# --- the async verifier ---------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    """The wall clock shared by the emulator (which signs) and the verifier."""
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    """An emulator whose webhook timestamps follow ``clock``."""
    return Emulator(clock=clock)


def jwks_fetches(emulator: Emulator) -> int:
    """How many times the emulator served its JWKS."""
    return sum(1 for r in emulator.requests if r.path == JWKS)


def delivery(
    emulator: Emulator,
    body: bytes = BODY,
    *,
    key_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Headers the emulator signs ``body`` with, as it would deliver it."""
    return emulator.webhooks.sign(GEN, body, key_id=key_id, timestamp=timestamp)


async def test_the_verifier_fetches_the_keys_without_credentials(
    emulator: Emulator, clock: FakeClock
) -> None:
    """Keys come from the client's base URL, and the fetch carries no API key."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        assert verifier.jwks_url == emulator.base_url + JWKS
        assert verifier.keys == ()
        event = await verifier.verify(BODY, delivery(emulator))
    assert event.key_id == emulator.webhooks.signing_key_id
    (fetch,) = [r for r in emulator.requests if r.path == JWKS]
    assert fetch.status == 200
    assert not {"api-key", "authorization", "cookie"} & set(fetch.headers)
    assert verifier.keys == emulator.webhooks.public_keys()


async def test_a_bare_httpx_client_sends_no_credentials_either(
    emulator: Emulator, clock: FakeClock
) -> None:
    """Credential headers on an injected ``httpx`` client are stripped from the key fetch."""
    secret = {"Authorization": "Bearer sk-secret", "Api-Key": "sk-secret", "Cookie": "s=1"}
    async with httpx.AsyncClient(transport=emulator.transport(), headers=secret) as http:
        url = emulator.base_url + JWKS
        verifier = ia.WebhookVerifier(http, jwks_url=url, clock=clock)
        assert (await verifier.verify(BODY, delivery(emulator))).generation_id == GEN
    (fetch,) = [r for r in emulator.requests if r.path == JWKS]
    assert not {"api-key", "authorization", "cookie"} & set(fetch.headers)


def test_a_bare_httpx_client_defaults_to_ideograms_keys() -> None:
    """With an ``httpx`` client and no ``jwks_url``, the keys come from Ideogram itself."""
    verifier = ia.WebhookVerifier(httpx.AsyncClient())
    assert verifier.jwks_url == "https://api.ideogram.ai/v1/.well-known/jwks.json"


async def test_the_keys_are_cached(emulator: Emulator, clock: FakeClock) -> None:
    """Many deliveries within the cache's lifetime cost one fetch."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        for _ in range(5):
            clock.now += 60
            await verifier.verify(BODY, delivery(emulator))
    assert jwks_fetches(emulator) == 1


async def test_the_cache_expires_after_its_ttl(emulator: Emulator, clock: FakeClock) -> None:
    """Keys are fetched again once ``cache_ttl`` (24 hours by default) has passed, not before."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        await verifier.verify(BODY, delivery(emulator))
        clock.now += 86400 - 1
        await verifier.verify(BODY, delivery(emulator))
        assert jwks_fetches(emulator) == 1
        clock.now += 1
        await verifier.verify(BODY, delivery(emulator))
        assert jwks_fetches(emulator) == 2
        short = ia.WebhookVerifier(client, clock=clock, cache_ttl=600)
        await short.verify(BODY, delivery(emulator))
        clock.now += 600
        await short.verify(BODY, delivery(emulator))
    assert jwks_fetches(emulator) == 4


@pytest.mark.parametrize(
    ("options", "step"),
    [
        pytest.param({"cache_ttl": 10, "min_refresh_interval": 60}, 10, id="ttl-within-interval"),
        pytest.param({"min_refresh_interval": 0}, -3600, id="clock-set-back"),
    ],
)
async def test_an_expired_cache_is_fetched_again(
    emulator: Emulator, clock: FakeClock, options: dict[str, Any], step: float
) -> None:
    """A cache past its TTL (even within the refresh interval, or set back) is fetched again."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock, **options)
        await verifier.verify(BODY, delivery(emulator))
        clock.now += step
        await verifier.verify(BODY, delivery(emulator))
    assert jwks_fetches(emulator) == 2


@pytest.mark.parametrize("retire_previous", [True, False])
async def test_a_rotated_key_is_picked_up_by_a_refresh(
    emulator: Emulator, clock: FakeClock, retire_previous: bool
) -> None:
    """A delivery signed by a key newer than the cache makes one refetch, then verifies."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        old = emulator.webhooks.signing_key_id
        assert (await verifier.verify(BODY, delivery(emulator))).key_id == old
        new = emulator.webhooks.rotate_key(retire_previous=retire_previous)
        clock.now += 3600
        event = await verifier.verify(BODY, delivery(emulator))
    assert event.key_id == new != old
    assert jwks_fetches(emulator) == 2
    assert [k.key_id for k in verifier.keys] == ([new] if retire_previous else [old, new])


async def test_a_key_rotated_out_but_still_published_verifies_without_a_fetch(
    emulator: Emulator, clock: FakeClock
) -> None:
    """After a rotation, deliveries still signed by the previous key verify from the cache."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        old = emulator.webhooks.signing_key_id
        await verifier.verify(BODY, delivery(emulator))
        emulator.webhooks.rotate_key()
        event = await verifier.verify(BODY, delivery(emulator, key_id=old))
    assert event.key_id == old
    assert jwks_fetches(emulator) == 1


async def test_refreshes_on_failure_are_rate_limited(emulator: Emulator, clock: FakeClock) -> None:
    """Forged deliveries cause at most one refetch per ``min_refresh_interval``."""
    stranger = Emulator(clock=clock).webhooks
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock, min_refresh_interval=30)
        await verifier.verify(BODY, delivery(emulator))
        clock.now += 30
        for attempt in range(10):
            with pytest.raises(ia.WebhookSignatureError) as info:
                await verifier.verify(BODY, stranger.sign(GEN, BODY))
            if attempt:
                assert "moments ago" in str(info.value)
        assert jwks_fetches(emulator) == 2
        clock.now += 29
        with pytest.raises(ia.WebhookSignatureError):
            await verifier.verify(BODY, stranger.sign(GEN, BODY))
        assert jwks_fetches(emulator) == 2
        clock.now += 1
        with pytest.raises(ia.WebhookSignatureError, match="not even after"):
            await verifier.verify(BODY, stranger.sign(GEN, BODY))
    assert jwks_fetches(emulator) == 3


async def test_a_refresh_too_soon_after_the_last_fetch_is_skipped(
    emulator: Emulator, clock: FakeClock
) -> None:
    """A key rotated in moments after a fetch is not fetched for until the interval has passed."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock, min_refresh_interval=30)
        await verifier.verify(BODY, delivery(emulator))
        emulator.webhooks.rotate_key(retire_previous=True)
        clock.now += 10
        with pytest.raises(ia.WebhookSignatureError, match="moments ago"):
            await verifier.verify(BODY, delivery(emulator))
        clock.now += 20
        assert (await verifier.verify(BODY, delivery(emulator))).key_id == "emu-2"
    assert jwks_fetches(emulator) == 2


async def test_concurrent_deliveries_share_one_refresh(
    emulator: Emulator, clock: FakeClock
) -> None:
    """Deliveries arriving together after a rotation wait for one fetch and all verify."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        await verifier.verify(BODY, delivery(emulator))
        emulator.webhooks.rotate_key(retire_previous=True)
        clock.now += 60
        headers = delivery(emulator)
        verified: list[str | None] = []

        async def receive() -> None:
            verified.append((await verifier.verify(BODY, headers)).key_id)

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(receive)
    assert verified == ["emu-2"] * 20
    assert jwks_fetches(emulator) == 2


async def test_the_first_fetch_is_shared_by_concurrent_deliveries(
    emulator: Emulator, clock: FakeClock
) -> None:
    """Deliveries arriving together before any key is cached cause one fetch."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        headers = delivery(emulator)
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(verifier.verify, BODY, headers)
    assert jwks_fetches(emulator) == 1


async def test_a_bad_delivery_never_causes_a_fetch(emulator: Emulator, clock: FakeClock) -> None:
    """Malformed or stale deliveries are refused before any key is fetched."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        stale = delivery(emulator, timestamp=NOW - 3600)
        with pytest.raises(ia.WebhookTimestampError):
            await verifier.verify(BODY, stale)
        with pytest.raises(ia.WebhookHeaderError):
            await verifier.verify(BODY, {})
    assert jwks_fetches(emulator) == 0


async def test_the_verifier_applies_its_tolerance(emulator: Emulator, clock: FakeClock) -> None:
    """``tolerance`` is checked against the verifier's clock; ``None`` skips it."""
    async with emulator.client() as client:
        headers = delivery(emulator)
        clock.now += 120
        with pytest.raises(ia.WebhookTimestampError):
            await ia.WebhookVerifier(client, clock=clock, tolerance=60).verify(BODY, headers)
        clock.now += 10**6
        lenient = ia.WebhookVerifier(client, clock=clock, tolerance=None)
        assert (await lenient.verify(BODY, headers)).timestamp == NOW


async def test_unavailable_keys_raise_and_are_retried_later(
    emulator: Emulator, clock: FakeClock
) -> None:
    """A failed fetch raises ``WebhookKeysUnavailableError``; retries wait the refresh interval."""
    emulator.fail_next(503, path=JWKS)
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock, min_refresh_interval=30)
        with pytest.raises(ia.WebhookKeysUnavailableError, match="answered 503"):
            await verifier.verify(BODY, delivery(emulator))
        clock.now += 10
        with pytest.raises(ia.WebhookKeysUnavailableError, match="not trying again yet"):
            await verifier.verify(BODY, delivery(emulator))
        assert jwks_fetches(emulator) == 1
        clock.now += 20
        assert (await verifier.verify(BODY, delivery(emulator))).generation_id == GEN
    assert jwks_fetches(emulator) == 2


async def test_a_failed_refresh_after_a_rotation_raises_unavailable(
    emulator: Emulator, clock: FakeClock
) -> None:
    """When the refetch that a new key needs fails, the error says so (the sender retries)."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        await verifier.verify(BODY, delivery(emulator))
        emulator.webhooks.rotate_key(retire_previous=True)
        emulator.fail_next(mode="reset", path=JWKS)
        clock.now += 60
        with pytest.raises(ia.WebhookKeysUnavailableError, match="failed"):
            await verifier.verify(BODY, delivery(emulator))


@pytest.mark.parametrize(
    "body", [{"keys": []}, {"error": "nope"}, {"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}]
)
async def test_a_jwks_without_usable_keys_is_unavailable(
    emulator: Emulator, clock: FakeClock, body: dict[str, object]
) -> None:
    """A 200 whose body has no Ed25519 key raises ``WebhookKeysUnavailableError``."""
    emulator.fail_next(200, path=JWKS, body=body)
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        with pytest.raises(ia.WebhookKeysUnavailableError, match="do not parse"):
            await verifier.verify(BODY, delivery(emulator))


async def test_refresh_fetches_at_once(emulator: Emulator, clock: FakeClock) -> None:
    """``refresh()`` fetches whatever the cache and the rate limit say, and returns the keys."""
    async with emulator.client() as client:
        verifier = ia.WebhookVerifier(client, clock=clock)
        first = await verifier.refresh()
        emulator.webhooks.rotate_key()
        second = await verifier.refresh()
    assert [k.key_id for k in first] == ["emu-1"]
    assert [k.key_id for k in second] == ["emu-1", "emu-2"]
    assert jwks_fetches(emulator) == 2


@pytest.mark.parametrize(
    "options",
    [
        {"cache_ttl": 0},
        {"cache_ttl": 86401},
        {"min_refresh_interval": -1},
        {"timeout": 0},
        {"tolerance": -1},
    ],
)
def test_the_verifier_refuses_options_out_of_range(options: dict[str, Any]) -> None:
    """A cache longer than 24 hours, or a negative interval or tolerance, is refused."""
    with pytest.raises(ValueError, match="must be"):
        ia.WebhookVerifier(httpx.AsyncClient(), **options)
