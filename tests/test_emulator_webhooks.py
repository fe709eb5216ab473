"""The emulator's webhooks: its keys and JWKS route, rotation, and the sender, end to end."""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

import httpx
import pytest

import ideogram_async as ia
from ideogram_async.testing import Emulator, WebhookSender
from ideogram_async.testing._app import EMULATOR_URL
from ideogram_async.webhooks import JWKS_PATH

from .conftest import image_response, serve_on_loopback

pytestmark = pytest.mark.anyio

GEN = "gen-123"
BODY = json.dumps({"generation_id": GEN, **image_response(1)}).encode()


class Receiver:
    """A webhook receiver (plain ASGI): verifies each delivery, answers 204, 401 or 503.

    Its verifier fetches the keys of ``emulator`` in-process, and is made on the first delivery
    (inside the server's event loop).
    """

    def __init__(self) -> None:
        self.url = ""
        self.emulator = Emulator()
        self.verifier: ia.WebhookVerifier | None = None
        self.events: list[ia.WebhookEvent] = []
        self.refused: list[str] = []
        self.min_refresh_interval = 30.0

    def reset(self, emulator: Emulator, *, min_refresh_interval: float = 30.0) -> None:
        """Receive for ``emulator`` from now on, with nothing cached or recorded."""
        self.emulator, self.verifier = emulator, None
        self.min_refresh_interval = min_refresh_interval
        self.events.clear()
        self.refused.clear()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point."""
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if self.verifier is None:
            http = httpx.AsyncClient(transport=self.emulator.transport())
            self.verifier = ia.WebhookVerifier(
                http,
                jwks_url=EMULATOR_URL + JWKS_PATH,
                min_refresh_interval=self.min_refresh_interval,
            )
        try:
            event = await self.verifier.verify(body, scope["headers"])
        except ia.WebhookKeysUnavailableError:
            status = 503
        except ia.WebhookVerificationError as exc:
            self.refused.append(type(exc).__name__)
            status = 401
        else:
            self.events.append(event)
            status = 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture(scope="module")
def served() -> Iterator[Receiver]:
    """A ``Receiver`` served by uvicorn on loopback for the module's tests."""
    receiver = Receiver()
    with serve_on_loopback(receiver) as url:
        receiver.url = f"{url}/hooks/ideogram"
        yield receiver


@pytest.fixture
def receiver(served: Receiver) -> Receiver:
    """The served receiver, verifying deliveries of a fresh emulator."""
    served.reset(Emulator())
    return served


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- keys and the JWKS route ----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/ideogram"])
async def test_the_jwks_route_serves_the_keys_publicly(prefix: str) -> None:
    """``GET /v1/.well-known/jwks.json`` needs no key, is cacheable, and lists the signing key."""
    emulator = Emulator(api_key="only-this", route_prefix=prefix)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        response = await http.get(f"{emulator.base_url}{JWKS_PATH}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=86400"
    keys = ia.parse_jwks(response.content)
    assert [k.key_id for k in keys] == [emulator.webhooks.signing_key_id] == ["emu-1"]
    assert keys == emulator.webhooks.public_keys()


async def test_each_emulator_has_keys_of_its_own() -> None:
    """Two emulators sign with different keys, so one's deliveries fail against the other's."""
    first, second = Emulator().webhooks, Emulator().webhooks
    assert first.public_keys() != second.public_keys()
    with pytest.raises(ia.WebhookSignatureError):
        ia.verify_webhook(BODY, second.sign(GEN, BODY), first.public_keys())


def test_rotation_publishes_the_new_key_beside_the_old() -> None:
    """``rotate_key`` signs with a new key and keeps the old one published unless retired."""
    sender = WebhookSender()
    assert list(sender.key_ids) == ["emu-1"]
    assert sender.rotate_key() == "emu-2"
    assert sender.signing_key_id == "emu-2"
    assert list(sender.key_ids) == ["emu-1", "emu-2"]
    assert sender.rotate_key(retire_previous=True) == "emu-3"
    assert list(sender.key_ids) == ["emu-3"]
    assert [jwk["kid"] for jwk in sender.jwks()["keys"]] == ["emu-3"]


def test_retiring_a_key_takes_it_out_of_the_set() -> None:
    """``retire_key`` drops an old key; the signing key and unknown ids are refused."""
    sender = WebhookSender()
    sender.rotate_key()
    sender.retire_key("emu-1")
    assert list(sender.key_ids) == ["emu-2"]
    with pytest.raises(ValueError, match="signing key"):
        sender.retire_key("emu-2")
    with pytest.raises(KeyError):
        sender.retire_key("emu-1")


def test_signed_headers_verify_with_the_published_keys() -> None:
    """``sign`` makes the five headers; any published key may sign, and each verifies."""
    now = 1_750_000_000.0
    sender = WebhookSender(clock=lambda: now, user_id="user-9")
    sender.rotate_key()
    for kid in ("emu-1", "emu-2"):
        headers = sender.sign(GEN, BODY, key_id=kid)
        assert headers["X-Ideogram-Webhook-Key-Id"] == kid
        assert headers["X-Ideogram-Webhook-Timestamp"] == "1750000000"
        assert headers["X-Ideogram-Webhook-Signature"].islower()
        event = ia.verify_webhook(BODY, headers, sender.public_keys(), now=now)
        assert (event.key_id, event.user_id, event.generation_id) == (kid, "user-9", GEN)
    with pytest.raises(KeyError, match="emu-7"):
        sender.sign(GEN, BODY, key_id="emu-7")


def test_without_cryptography_the_jwks_route_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An emulator without the crypto library serves everything but its keys (501, with a hint)."""
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.ed25519", None)
    emulator = Emulator()
    with pytest.raises(ImportError, match=r"ideogram-async\[emulator\]"):
        emulator.webhooks.jwks()


async def test_without_cryptography_the_route_answers_501(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JWKS route answers 501 naming the extra when the crypto library is missing."""
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.ed25519", None)
    emulator = Emulator()
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        response = await http.get(f"{emulator.base_url}{JWKS_PATH}")
    assert response.status_code == 501
    assert "ideogram-async[emulator]" in response.json()["error"]


# --- where deliveries may go ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "https://127.9.8.7/hook",
        "http://[::1]:9000/hook",
        "http://localhost:5000/hook",
        "http://LOCALHOST./hook",
    ],
)
def test_loopback_urls_are_accepted(url: str) -> None:
    """Loopback addresses and ``localhost``, over http or https, may receive deliveries."""
    WebhookSender().check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "https://localhost.example.com/hook",
        "ftp://127.0.0.1/hook",
        "/relative/hook",
        "not a url at all",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    """Anything but loopback (or not absolute http(s)) is refused before any byte is sent."""
    sender = WebhookSender()
    with pytest.raises(ValueError, match="webhook_url"):
        sender.check_url(url)


async def test_a_refused_url_raises_from_deliver() -> None:
    """``deliver`` refuses a non-loopback URL without sending or recording anything."""
    sender = WebhookSender()
    with pytest.raises(ValueError, match="loopback"):
        await sender.deliver("https://example.com/hook", GEN, BODY)
    assert sender.deliveries == []


async def test_a_transport_routes_deliveries_anywhere_in_process() -> None:
    """With ``transport`` set, any host is accepted and the delivery reaches that transport."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    sender = WebhookSender(transport=httpx.MockTransport(answer))
    delivery = await sender.deliver("https://hooks.example.com/ideogram", GEN, BODY)
    assert (delivery.status, delivery.ok, delivery.error) == (202, True, None)
    (request,) = seen
    assert request.method == "POST"
    assert request.content == BODY
    assert request.headers["content-type"] == "application/json"
    for name, value in delivery.headers.items():
        assert request.headers[name] == value
    assert sender.deliveries == [delivery]


async def test_a_receiver_that_is_not_there_is_recorded_not_raised() -> None:
    """A refused connection leaves ``status`` ``None`` and the reason in ``error``."""
    sender = WebhookSender()
    delivery = await sender.deliver(f"http://127.0.0.1:{free_port()}/hook", GEN, BODY)
    assert (delivery.status, delivery.ok) == (None, False)
    assert delivery.error is not None
    assert "ConnectError" in delivery.error
    assert sender.deliveries == [delivery]


# --- end to end, on loopback ----------------------------------------------------------------


async def test_a_delivery_reaches_a_receiver_on_loopback_and_verifies(receiver: Receiver) -> None:
    """The emulator signs and POSTs; the receiver fetches the JWKS, verifies, and gets the event."""
    delivery = await receiver.emulator.webhooks.deliver(receiver.url, GEN, BODY)
    assert delivery.status == 204, receiver.refused
    (event,) = receiver.events
    assert (event.generation_id, event.body) == (GEN, BODY)
    assert event.structure(ia.ImageGenerationResponse).data[0].seed == 12345


async def test_a_forged_delivery_is_refused_on_loopback(receiver: Receiver) -> None:
    """A delivery signed by another key set is answered 401 and never handled."""
    stranger = Emulator().webhooks
    delivery = await stranger.deliver(receiver.url, GEN, BODY)
    assert delivery.status == 401
    assert receiver.events == []
    assert receiver.refused == ["WebhookSignatureError"]


async def test_a_rotated_key_is_verified_on_loopback(receiver: Receiver) -> None:
    """After the emulator rotates its key, the receiver's verifier picks the new one up."""
    receiver.reset(Emulator(), min_refresh_interval=0)
    webhooks = receiver.emulator.webhooks
    assert (await webhooks.deliver(receiver.url, GEN, BODY)).status == 204
    webhooks.rotate_key(retire_previous=True)
    assert (await webhooks.deliver(receiver.url, GEN, BODY)).status == 204
    assert [e.key_id for e in receiver.events] == ["emu-1", "emu-2"]


async def test_a_replayed_delivery_is_refused_on_loopback(receiver: Receiver) -> None:
    """A delivery signed an hour ago is answered 401 as a replay."""
    webhooks = receiver.emulator.webhooks
    stale = int(time.time()) - 3600
    assert (await webhooks.deliver(receiver.url, GEN, BODY, timestamp=stale)).status == 401
    assert receiver.refused == ["WebhookTimestampError"]
