"""``AsyncIdeogram``: configuration, authentication, timeouts, headers, the HTTP client's
lifetime, keeping the key secret, downloads, redirects and what a result carries."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import respx

import ideogram_async as ia

from .conftest import API, KEY, PNG, image_response

pytestmark = pytest.mark.anyio

GATEWAY = "https://gateway.example/ideogram"
IMAGE_URL = "https://ideogram.ai/api/images/ephemeral/img0.png?exp=1&sig=abc"
ENV = ("IDEOGRAM_API_KEY", "IDEOGRAM_BASE_URL", "IDEOGRAM_AUTH_SCHEME", "IDEOGRAM_LOG")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Ideogram settings."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


async def no_sleep(_: float) -> None:
    """A sleep that returns at once."""


class Recorder(httpx.MockTransport):
    """A mock transport that keeps every request it receives and notes when it is closed."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.closed = False
        answer = handler or (lambda _: httpx.Response(200, json=image_response(1)))

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return answer(request)

        super().__init__(record)

    async def aclose(self) -> None:
        self.closed = True


# --- construction -------------------------------------------------------------------------------


async def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``api_key``, the key in ``IDEOGRAM_API_KEY`` is the one sent."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", "env-key-77")
    transport = Recorder()
    async with ia.AsyncIdeogram(transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.requests[0].headers["Api-Key"] == "env-key-77"


async def test_api_key_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An explicit ``api_key`` is sent instead of ``IDEOGRAM_API_KEY``."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", "env-key-77")
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.requests[0].headers["Api-Key"] == KEY


@pytest.mark.parametrize("env_value", [None, ""])
def test_missing_api_key_raises_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env_value: str | None
) -> None:
    """With no key anywhere, construction fails and tells the user which variable to set."""
    if env_value is not None:
        monkeypatch.setenv("IDEOGRAM_API_KEY", env_value)
    with pytest.raises(ia.ConfigurationError, match="IDEOGRAM_API_KEY"):
        ia.AsyncIdeogram()


async def test_base_url_defaults_to_the_official_api() -> None:
    """Without ``base_url`` or ``IDEOGRAM_BASE_URL``, calls go to https://api.ideogram.ai."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        assert client.base_url == ia.DEFAULT_BASE_URL == "https://api.ideogram.ai"
        await client.legacy.generate(prompt="a fox")
    assert str(transport.requests[0].url) == "https://api.ideogram.ai/generate"


async def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``IDEOGRAM_BASE_URL`` is used when no ``base_url`` is given."""
    monkeypatch.setenv("IDEOGRAM_BASE_URL", "https://relay.example")
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert str(transport.requests[0].url) == "https://relay.example/generate"


@pytest.mark.parametrize("base_url", [GATEWAY, GATEWAY + "/", httpx.URL(GATEWAY)])
async def test_a_path_in_the_base_url_prefixes_every_route(base_url: str | httpx.URL) -> None:
    """A gateway base URL with a path keeps it in front of each route, with no double slash."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, base_url=base_url, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
        await client.v3.generate(prompt="a fox")
    assert [str(r.url) for r in transport.requests] == [
        f"{GATEWAY}/generate",
        f"{GATEWAY}/v1/ideogram-v3/generate",
    ]


async def test_auth_scheme_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``IDEOGRAM_AUTH_SCHEME=bearer`` switches to ``Authorization: Bearer``."""
    monkeypatch.setenv("IDEOGRAM_AUTH_SCHEME", "bearer")
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    assert "Api-Key" not in transport.requests[0].headers


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"api_key": ""}, "IDEOGRAM_API_KEY"),
        ({"base_url": "ftp://api.ideogram.ai"}, "base_url"),
        ({"base_url": "api.ideogram.ai"}, "base_url"),
        ({"base_url": "https://"}, "base_url"),
        ({"auth_scheme": "basic"}, "auth_scheme"),
        ({"max_inflight_images": 0}, "max_inflight_images"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
def test_invalid_options_raise_configuration_error(kwargs: dict[str, object], match: str) -> None:
    """Each invalid option fails at construction with a ``ConfigurationError`` naming it."""
    options: dict[str, object] = {"api_key": KEY, **kwargs}
    with pytest.raises(ia.ConfigurationError, match=match):
        ia.AsyncIdeogram(**options)  # type: ignore[arg-type]


def test_invalid_auth_scheme_in_the_environment_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown ``IDEOGRAM_AUTH_SCHEME`` is refused, not silently replaced."""
    monkeypatch.setenv("IDEOGRAM_AUTH_SCHEME", "token")
    with pytest.raises(ia.ConfigurationError, match="auth_scheme"):
        ia.AsyncIdeogram(api_key=KEY)


async def test_http_client_and_transport_together_are_refused() -> None:
    """Passing both an HTTP client and a transport is ambiguous, so it is refused."""
    async with httpx.AsyncClient() as http:
        with pytest.raises(ia.ConfigurationError, match="http_client or transport"):
            ia.AsyncIdeogram(api_key=KEY, http_client=http, transport=Recorder())


async def test_async_with_returns_the_client() -> None:
    """``async with AsyncIdeogram(...) as c`` binds the client itself."""
    client = ia.AsyncIdeogram(api_key=KEY, transport=Recorder())
    async with client as entered:
        assert entered is client


# --- authentication -----------------------------------------------------------------------------


async def test_api_key_scheme_sends_the_api_key_header_only(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """The default dialect is Ideogram's ``Api-Key`` header, with no ``Authorization``."""
    route = respx_mock.post(f"{API}/generate").respond(200, json=image_response(1))
    await client.legacy.generate(prompt="a fox")
    headers = route.calls.last.request.headers
    assert headers["Api-Key"] == KEY
    assert "Authorization" not in headers


async def test_bearer_scheme_sends_authorization_only(respx_mock: respx.MockRouter) -> None:
    """The gateway dialect sends ``Authorization: Bearer <key>`` and no ``Api-Key``."""
    route = respx_mock.post(f"{GATEWAY}/v1/ideogram-v3/generate").respond(
        200, json=image_response(1)
    )
    async with ia.AsyncIdeogram(api_key=KEY, base_url=GATEWAY, auth_scheme="bearer") as client:
        await client.v3.generate(prompt="a fox")
    headers = route.calls.last.request.headers
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert "Api-Key" not in headers


# --- timeouts -----------------------------------------------------------------------------------


def _timeouts(seconds: float | None) -> dict[str, float | None]:
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


async def test_default_timeout_reaches_the_request() -> None:
    """Without a timeout option, each request carries ``DEFAULT_TIMEOUT`` (180 s, 10 s connect)."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.requests[0].extensions["timeout"] == {
        "connect": 10.0,
        "read": 180.0,
        "write": 180.0,
        "pool": 180.0,
    }
    assert ia.DEFAULT_TIMEOUT.as_dict() == transport.requests[0].extensions["timeout"]


@pytest.mark.parametrize(
    ("call_options", "expected"),
    [
        ({}, _timeouts(12.5)),
        ({"timeout": ia.USE_CLIENT_DEFAULT}, _timeouts(12.5)),
        ({"timeout": 3.0}, _timeouts(3.0)),
        ({"timeout": httpx.Timeout(5.0, read=60.0)}, {**_timeouts(5.0), "read": 60.0}),
        ({"timeout": None}, _timeouts(None)),
    ],
    ids=["omitted", "USE_CLIENT_DEFAULT", "seconds", "httpx.Timeout", "None"],
)
async def test_per_call_timeout_overrides_the_client_timeout(
    call_options: dict[str, object], expected: dict[str, float | None]
) -> None:
    """A call's ``timeout`` wins; ``USE_CLIENT_DEFAULT`` keeps the client's; ``None`` sets none."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, timeout=12.5, transport=transport) as client:
        await client.legacy.generate(prompt="a fox", **call_options)  # type: ignore[arg-type]
    assert transport.requests[0].extensions["timeout"] == expected


async def test_client_timeout_none_means_no_timeout() -> None:
    """``AsyncIdeogram(timeout=None)`` sends requests without any time limit."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, timeout=None, transport=transport) as client:
        await client.v3.generate(prompt="a fox")
    assert transport.requests[0].extensions["timeout"] == _timeouts(None)


# --- headers ------------------------------------------------------------------------------------


async def test_default_headers_are_sent_with_every_request() -> None:
    """``default_headers`` reach every API request, beside the SDK's own headers."""
    transport = Recorder()
    async with ia.AsyncIdeogram(
        api_key=KEY, default_headers={"X-Team": "art"}, transport=transport
    ) as client:
        await client.legacy.generate(prompt="a fox")
        await client.v3.generate(prompt="a fox")
    for request in transport.requests:
        assert request.headers["X-Team"] == "art"
        assert request.headers["Api-Key"] == KEY
        assert request.headers["User-Agent"] == f"ideogram-async/{ia.__version__}"
        assert request.headers["Accept"] == "application/json"


async def test_default_headers_cannot_replace_the_credential() -> None:
    """The configured key is sent even if ``default_headers`` names the same header."""
    transport = Recorder()
    async with ia.AsyncIdeogram(
        api_key=KEY, default_headers={"Api-Key": "other"}, transport=transport
    ) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.requests[0].headers["Api-Key"] == KEY


async def test_extra_headers_apply_to_one_call_only() -> None:
    """A call's ``extra_headers`` are added (overriding defaults) for that call and no other."""
    transport = Recorder()
    async with ia.AsyncIdeogram(
        api_key=KEY, default_headers={"X-Team": "art"}, transport=transport
    ) as client:
        await client.legacy.generate(
            prompt="a fox", extra_headers={"X-Team": "ops", "X-Trace": "t-1"}
        )
        await client.legacy.generate(prompt="a fox")
    first, second = transport.requests
    assert (first.headers["X-Team"], first.headers["X-Trace"]) == ("ops", "t-1")
    assert first.headers["Api-Key"] == KEY
    assert second.headers["X-Team"] == "art"
    assert "X-Trace" not in second.headers


# --- the HTTP client's lifetime -----------------------------------------------------------------


async def test_injected_http_client_is_used_and_left_open() -> None:
    """An injected ``httpx.AsyncClient`` carries the calls and still works after the SDK closes."""
    transport = Recorder()
    async with httpx.AsyncClient(transport=transport) as http:
        async with ia.AsyncIdeogram(api_key=KEY, http_client=http) as client:
            await client.legacy.generate(prompt="a fox")
        await client.aclose()
        assert not http.is_closed
        response = await http.get(f"{API}/still-open")
        assert response.status_code == 200
    assert [r.url.path for r in transport.requests] == ["/generate", "/still-open"]


async def test_client_created_http_client_is_closed_with_the_sdk() -> None:
    """The HTTP client the SDK creates is closed, with the given transport, on ``aclose()``."""
    transport = Recorder()
    client = ia.AsyncIdeogram(api_key=KEY, transport=transport)
    await client.legacy.generate(prompt="a fox")
    assert not transport.closed
    await client.aclose()
    assert transport.closed


async def test_async_with_closes_the_client_created_http_client() -> None:
    """Leaving ``async with`` closes the HTTP client (and transport) the SDK created."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        await client.legacy.generate(prompt="a fox")
    assert transport.closed


async def test_transport_injection_carries_the_calls() -> None:
    """A ``transport=`` receives the SDK's requests, authenticated, at the configured URL."""
    transport = Recorder()
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        result = await client.v3.generate(prompt="a fox")
    assert len(transport.requests) == 1
    assert transport.requests[0].url == httpx.URL(f"{API}/v1/ideogram-v3/generate")
    assert result.data[0].url == IMAGE_URL


# --- the key stays secret -----------------------------------------------------------------------


def test_repr_never_shows_the_key() -> None:
    """``repr(client)`` shows the base URL and scheme but never the key."""
    for scheme in ("api-key", "bearer"):
        client = ia.AsyncIdeogram(api_key=KEY, auth_scheme=scheme)
        text = repr(client) + str(client)
        assert KEY not in text
        assert API in text
        assert scheme in text


@pytest.mark.parametrize("scheme", ["api-key", "bearer"])
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(401, json={"error": "bad key"}),
        httpx.Response(500, text="internal error"),
        httpx.ConnectError("connection refused"),
    ],
    ids=["401", "500", "connect-error"],
)
async def test_errors_never_show_the_key(
    respx_mock: respx.MockRouter, scheme: str, answer: httpx.Response | Exception
) -> None:
    """Neither ``str()`` nor ``repr()`` of a failed call's error contains the key."""
    route = respx_mock.post(f"{API}/generate")
    if isinstance(answer, Exception):
        route.side_effect = answer
    else:
        route.return_value = answer
    async with ia.AsyncIdeogram(
        api_key=KEY,
        auth_scheme=scheme,  # type: ignore[arg-type]
        max_retries=1,
        retry_billed=True,
        sleep=no_sleep,
    ) as client:
        with pytest.raises(ia.APIError) as info:
            await client.legacy.generate(prompt="a fox")
    err = info.value
    assert route.called
    for text in (str(err), repr(err), repr(err.args)):
        assert KEY not in text


async def test_log_lines_never_show_the_key(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """Debug and retry log lines name the request but never the key."""
    caplog.set_level(logging.DEBUG)
    respx_mock.post(f"{API}/generate").mock(
        side_effect=[
            httpx.Response(503, json={"error": "busy"}),
            httpx.Response(200, json=image_response(1)),
        ]
    )
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").respond(401, json={"error": "bad key"})
    async with ia.AsyncIdeogram(api_key=KEY, sleep=no_sleep) as client:
        await client.legacy.generate(prompt="a fox")
        with pytest.raises(ia.AuthenticationError):
            await client.v3.generate(prompt="a fox")
    lines = [record.getMessage() for record in caplog.records]
    assert any("retrying" in line for line in lines)
    assert any("/generate" in line for line in lines)
    assert all(KEY not in line for line in lines)
    assert KEY not in caplog.text


# --- downloads ----------------------------------------------------------------------------------


async def test_download_sends_no_credential(respx_mock: respx.MockRouter) -> None:
    """A download carries neither the key nor the default headers, in either auth dialect."""
    route = respx_mock.get(IMAGE_URL).respond(200, content=PNG)
    for scheme in ("api-key", "bearer"):
        async with ia.AsyncIdeogram(
            api_key=KEY,
            auth_scheme=scheme,
            default_headers={"Cookie": "session=1", "X-Team": "art"},
        ) as client:
            assert await client.download(IMAGE_URL) == PNG
    for call in route.calls:
        headers = call.request.headers
        for name in ("Api-Key", "Authorization", "Cookie", "X-Team"):
            assert name not in headers
        assert KEY not in str(headers.raw)
    assert route.call_count == 2


async def test_download_strips_credentials_from_an_injected_http_client(
    respx_mock: respx.MockRouter,
) -> None:
    """Credentials set on an injected HTTP client are not sent with a download either."""
    route = respx_mock.get(IMAGE_URL).respond(200, content=PNG)
    headers = {"Authorization": "Bearer other-secret", "Cookie": "session=1"}
    async with httpx.AsyncClient(headers=headers) as http:
        client = ia.AsyncIdeogram(api_key=KEY, http_client=http)
        image = ia.GeneratedImage(
            prompt="p", resolution=ia.ImageResolution("4x4"), seed=1, url=IMAGE_URL
        )
        assert await client.download(image) == PNG
    sent = route.calls.last.request.headers
    assert "Authorization" not in sent
    assert "Cookie" not in sent


async def test_download_ignores_an_injected_http_client_auth(
    respx_mock: respx.MockRouter,
) -> None:
    """An ``auth=`` configured on an injected HTTP client is not applied to a download."""
    route = respx_mock.get(IMAGE_URL).respond(200, content=PNG)
    async with httpx.AsyncClient(auth=httpx.BasicAuth("user", "secret")) as http:
        client = ia.AsyncIdeogram(api_key=KEY, http_client=http)
        assert await client.download(IMAGE_URL) == PNG
    assert "Authorization" not in route.calls.last.request.headers


async def test_download_follows_a_redirect_without_credentials(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A link that redirects to a CDN is followed, and no hop carries a credential."""
    cdn = "https://cdn.example/img0.png"
    first = respx_mock.get(IMAGE_URL).respond(302, headers={"Location": cdn})
    second = respx_mock.get(cdn).respond(200, content=PNG)
    assert await client.download(IMAGE_URL) == PNG
    for route in (first, second):
        headers = route.calls.last.request.headers
        assert "Api-Key" not in headers
        assert "Authorization" not in headers


@pytest.mark.parametrize("image", [None, ""], ids=["unsafe-image", "empty-url"])
async def test_download_refuses_an_image_without_url(
    client: ia.AsyncIdeogram, image: str | None
) -> None:
    """An image that failed the safety check (no URL) cannot be downloaded; nothing is sent."""
    target: ia.GeneratedImage | str
    if image is None:
        target = ia.GeneratedImage(
            prompt="p", resolution=ia.ImageResolution("1024x1024"), seed=1, url=None
        )
        assert target.is_image_safe is False
    else:
        target = image
    with pytest.raises(ia.IdeogramValidationError) as info:
        await client.download(target)
    assert info.value.param == "image"


async def test_download_failure_raises_a_download_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An expired link's 404 surfaces as ``DownloadError``, not as bytes of an error page."""
    respx_mock.get(IMAGE_URL).respond(404, text="expired")
    with pytest.raises(ia.DownloadError) as info:
        await client.download(IMAGE_URL)
    assert (info.value.status_code, info.value.body) == (404, "expired")


# --- redirects ----------------------------------------------------------------------------------


def _redirect_to_elsewhere(request: httpx.Request) -> httpx.Response:
    if request.url.host == "api.ideogram.ai":
        return httpx.Response(307, headers={"Location": "https://collector.example/steal"})
    return httpx.Response(200, json=image_response(1))


async def test_a_redirect_from_the_api_is_not_followed() -> None:
    """A 3xx from the API surfaces as an error; the key is never sent to the other origin."""
    transport = Recorder(_redirect_to_elsewhere)
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport) as client:
        with pytest.raises(ia.APIStatusError) as info:
            await client.legacy.generate(prompt="a fox")
    assert info.value.status_code == 307
    assert [r.url.host for r in transport.requests] == ["api.ideogram.ai"]


async def test_a_redirect_is_not_followed_even_by_an_injected_redirecting_client() -> None:
    """An injected client set to follow redirects still never carries the key elsewhere."""
    transport = Recorder(_redirect_to_elsewhere)
    async with (
        httpx.AsyncClient(transport=transport, follow_redirects=True) as http,
        ia.AsyncIdeogram(api_key=KEY, http_client=http) as client,
    ):
        with pytest.raises(ia.APIStatusError) as info:
            await client.legacy.generate(prompt="a fox")
    assert info.value.status_code == 307
    assert [r.url.host for r in transport.requests] == ["api.ideogram.ai"]
    assert all(KEY not in str(r.headers.raw) for r in transport.requests[1:])


# --- results ------------------------------------------------------------------------------------


async def test_result_keeps_the_response_and_its_request_id(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A result carries the ``httpx.Response`` it came from and the ``x-request-id`` header."""
    respx_mock.post(f"{API}/generate").respond(
        200, json=image_response(1), headers={"x-request-id": "req-123"}
    )
    result = await client.legacy.generate(prompt="a fox")
    assert isinstance(result.response, httpx.Response)
    assert result.response.status_code == 200
    assert result.response.json() == image_response(1)
    assert result.request_id == "req-123"


async def test_request_id_is_none_without_the_header(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A response without a request id header gives ``request_id`` ``None``."""
    respx_mock.post(f"{API}/generate").respond(200, json=image_response(1))
    result = await client.legacy.generate(prompt="a fox")
    assert result.request_id is None


# --- secrets the server echoes ------------------------------------------------------------------

SIGNED = "https://cdn.example/img.png?exp=1700000000&sig=s3cr3t-sig&X-Amz-Signature=abcdef"


def _echo_key_answers(key: str) -> dict[str, httpx.Response]:
    """Answers that echo ``key`` back, as a careless server or gateway does."""
    return {
        "401-json": httpx.Response(401, json={"error": f"Invalid API key: {key}"}),
        "401-text": httpx.Response(401, text=f"Invalid API key: {key}"),
        "403-nested": httpx.Response(
            403, json={"detail": [{"msg": "denied", "input": {"Api-Key": key}}, f"x{key}y"]}
        ),
        "500-text": httpx.Response(500, text=f"upstream refused Bearer {key}"),
        "200-not-json": httpx.Response(200, text=f"<html>key {key} is not allowed</html>"),
        "200-wrong-shape": httpx.Response(200, json={"data": f"{key}", "created": 0}),
    }


@pytest.mark.parametrize("scheme", ["api-key", "bearer"])
@pytest.mark.parametrize("answer", list(_echo_key_answers(KEY)))
async def test_an_echoed_key_is_redacted_from_every_error(
    respx_mock: respx.MockRouter, scheme: str, answer: str
) -> None:
    """Whatever status and body echo the key, no text the error shows or stores contains it."""
    respx_mock.post(f"{API}/generate").mock(return_value=_echo_key_answers(KEY)[answer])
    async with ia.AsyncIdeogram(
        api_key=KEY,
        auth_scheme=scheme,  # type: ignore[arg-type]
        max_retries=0,
    ) as client:
        with pytest.raises(ia.APIError) as info:
            await client.legacy.generate(prompt="a fox")
    err = info.value
    shown = [str(err), repr(err), err.message, repr(err.body), repr(err.args)]
    shown.append(repr(getattr(err, "error", None)))
    assert all(KEY not in text for text in shown), shown
    assert "[redacted]" in repr(err.body)
    assert err.response is not None
    assert KEY in err.response.text


async def test_a_short_key_is_redacted_as_a_word_only(respx_mock: respx.MockRouter) -> None:
    """A key too short to tell from text ("k") is redacted where it stands alone, not in words."""
    respx_mock.post(f"{API}/generate").respond(401, json={"error": "key k is unknown"})
    async with ia.AsyncIdeogram(api_key="k", max_retries=0) as client:
        with pytest.raises(ia.AuthenticationError) as info:
            await client.legacy.generate(prompt="a fox")
    assert info.value.error == "key [redacted] is unknown"


async def test_a_gateway_credential_in_default_headers_is_redacted(
    respx_mock: respx.MockRouter,
) -> None:
    """A gateway's ``X-Api-Key`` given in ``default_headers`` is kept out of errors too."""
    gateway_key = "gw-0123456789abcdef"
    respx_mock.post(f"{API}/generate").respond(403, text=f"no access for {gateway_key}")
    async with ia.AsyncIdeogram(
        api_key=KEY, default_headers={"X-Api-Key": gateway_key}, max_retries=0
    ) as client:
        with pytest.raises(ia.PermissionDeniedError) as info:
            await client.legacy.generate(prompt="a fox")
    assert gateway_key not in str(info.value)
    assert gateway_key not in repr(info.value.body)


async def test_error_messages_hide_link_signatures_but_the_body_keeps_them(
    respx_mock: respx.MockRouter,
) -> None:
    """A link in an error's text loses its signature; the stored body keeps the paid-for link."""
    respx_mock.post(f"{API}/generate").respond(
        200, json={"created": 0, "data": [{"url": SIGNED, "seed": "not a number"}]}
    )
    async with ia.AsyncIdeogram(api_key=KEY, max_retries=0) as client:
        with pytest.raises(ia.APIResponseParseError) as info:
            await client.legacy.generate(prompt="a fox")
    err = info.value
    assert "s3cr3t-sig" not in str(err)
    assert "abcdef" not in repr(err)
    assert err.body["data"][0]["url"] == SIGNED


async def test_debug_log_redacts_signatures_and_tokens_in_urls(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """The debug line of a request names its URL with signatures and tokens redacted."""
    caplog.set_level(logging.DEBUG, logger="ideogram_async")
    route = respx_mock.get(url__startswith=f"{API}/models").respond(
        200, json={"models": [], "next_page_token": None}
    )
    async with ia.AsyncIdeogram(api_key=KEY) as client:
        extra = {"token": "tok-secret", "Signature": "sig-secret", "exp": "1700000000"}
        await client.models.list(extra_body=extra)
    assert route.called
    assert "tok-secret" in str(route.calls[0].request.url)
    lines = [r.getMessage() for r in caplog.records if r.name == "ideogram_async"]
    assert any("token=[redacted]" in line and "exp=1700000000" in line for line in lines), lines
    assert "tok-secret" not in caplog.text
    assert "sig-secret" not in caplog.text


# --- what a failure without a response says -----------------------------------------------------

TIMEOUT = httpx.Timeout(180.0, connect=10.0, write=30.0, pool=5.0)


def _raising(exc: httpx.RequestError) -> httpx.MockTransport:
    """A transport whose every request fails with ``exc`` (as httpx raises it: no text)."""

    def handle(request: httpx.Request) -> httpx.Response:
        raise type(exc)(str(exc), request=request)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("exc", "cls", "message"),
    [
        (httpx.ReadTimeout(""), ia.APITimeoutError, "read timeout after 180 s on POST /generate"),
        (httpx.ConnectTimeout(""), ia.APITimeoutError, "connect timeout after 10 s on POST"),
        (httpx.WriteTimeout(""), ia.APITimeoutError, "write timeout after 30 s on POST /generate"),
        (httpx.PoolTimeout(""), ia.APITimeoutError, "pool timeout after 5 s on POST /generate"),
        (
            httpx.ReadError(""),
            ia.APIConnectionError,
            "the connection was closed by the server while reading the response on POST /generate",
        ),
        (
            httpx.WriteError(""),
            ia.APIConnectionError,
            "the connection failed while the request was being sent on POST /generate",
        ),
        (
            httpx.RemoteProtocolError(""),
            ia.APIConnectionError,
            "the server broke off the response on POST /generate",
        ),
        (httpx.ConnectError(""), ia.APIConnectionError, "could not connect to api.ideogram.ai"),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            ia.APIConnectionError,
            "broke off the response on POST /generate (RemoteProtocolError: Server disconnected",
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
async def test_a_failure_without_text_still_says_what_happened(
    exc: httpx.RequestError, cls: type[ia.APIError], message: str
) -> None:
    """Timeouts name which one fired and its value; resets say what happened, not an empty text."""
    async with ia.AsyncIdeogram(
        api_key=KEY, transport=_raising(exc), timeout=TIMEOUT, max_retries=0
    ) as client:
        with pytest.raises(cls) as info:
            await client.legacy.generate(prompt="a fox")
    assert message in info.value.message
    assert info.value.message.endswith(")")  # httpx's name, its text if any
    assert type(exc).__name__ in info.value.message
    assert isinstance(info.value.__cause__, type(exc))


async def test_a_per_call_timeout_is_the_one_named() -> None:
    """A call's own timeout, not the client's, is the value the message gives."""
    transport = _raising(httpx.ReadTimeout(""))
    async with ia.AsyncIdeogram(api_key=KEY, transport=transport, max_retries=0) as client:
        with pytest.raises(ia.APITimeoutError, match=r"read timeout after 2\.5 s on POST"):
            await client.legacy.generate(prompt="a fox", timeout=2.5)


@pytest.mark.parametrize(
    ("exc", "body_sent", "failure"),
    [
        (httpx.ReadError(""), False, "write"),
        (httpx.RemoteProtocolError(""), False, "write"),
        (httpx.ReadError(""), True, "read"),
        (httpx.RemoteProtocolError(""), True, "protocol"),
        (httpx.ReadTimeout(""), False, "read_timeout"),
        (httpx.ConnectError(""), False, "connect"),
    ],
)
def test_a_reset_is_judged_by_whether_the_body_was_sent(
    exc: httpx.HTTPError, body_sent: bool, failure: str
) -> None:
    """A read error or protocol error before the body was fully sent counts as a failed write."""
    from ideogram_async._failures import transport_failure

    request = httpx.Request("POST", f"{API}/remix")
    _, outcome = transport_failure(request, exc, body_sent=body_sent)
    assert outcome.failure == failure


# --- a reset during a large upload --------------------------------------------------------------

BIG_PNG = PNG + b"\0" * (9 * 1024 * 1024)
"""Larger than any socket buffer on the loopback, so the server can cut the upload short."""


def _read_head(conn: socket.socket) -> tuple[bytes, int]:
    """Read a request's head; return the body bytes read past it and its Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the client closed the connection")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return rest, length


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset, as a proxy that gives up on a request does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


@contextmanager
def _upload_server(plan: list[str]) -> Iterator[tuple[str, list[str]]]:
    """A raw HTTP server on 127.0.0.1 acting out ``plan``, one step per connection.

    ``cut``: reset after 64 KiB of the body; ``swallow``: reset after the whole body, with no
    answer; ``answer``: read the whole body and answer 200 with a generation.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small receive window makes the client block mid-body instead of buffering it all.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    done: list[str] = []

    def serve() -> None:
        for step in plan:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(20)
            if step != "cut":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
            with conn:
                received, length = _read_head(conn)
                if step == "cut":
                    while len(received) < 65536:
                        received += conn.recv(65536)
                    _reset(conn)
                    done.append(step)
                    continue
                while len(received) < length:
                    chunk = conn.recv(1 << 20)
                    if not chunk:
                        break
                    received += chunk
                if step == "swallow":
                    _reset(conn)
                else:
                    body = json.dumps(image_response(1)).encode()
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
                done.append(step)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", done
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes an accept() still waiting
        listener.close()
        thread.join(timeout=20)


# httpcore stops iterating httpx's multipart body when the write fails; trio warns when that
# unfinished generator is collected. It is httpx's to close, not the SDK's (see _collect).
ABANDONED_BODY = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <async_generator object MultipartStream"
    ":pytest.PytestUnraisableExceptionWarning"
)


def _collect() -> None:
    """Collect the abandoned body now, so its warning (if any) is this test's, not a later one's."""
    gc.collect()


@ABANDONED_BODY
async def test_a_reset_mid_upload_is_retried_as_not_sent() -> None:
    """A reset before the body was fully sent (httpx calls it a read error) is safely retried."""
    attempts: list[ia.Attempt] = []
    with _upload_server(["cut", "answer"]) as (url, done):
        async with ia.AsyncIdeogram(
            api_key=KEY, base_url=url, sleep=no_sleep, on_retry=attempts.append
        ) as client:
            result = await client.legacy.remix(prompt="a fox", image_file=BIG_PNG)
    assert len(result.data) == 1
    assert done == ["cut", "answer"]
    assert [a.reason for a in attempts] == ["write (nothing was sent)"]
    _collect()


@ABANDONED_BODY
async def test_a_reset_mid_upload_is_reported_as_not_billed() -> None:
    """Without retries, a reset mid-upload raises an error that says the request was not sent."""
    with _upload_server(["cut"]) as (url, done):
        async with ia.AsyncIdeogram(api_key=KEY, base_url=url, max_retries=0) as client:
            with pytest.raises(ia.APIConnectionError) as info:
                await client.legacy.remix(prompt="a fox", image_file=BIG_PNG)
    assert done == ["cut"]
    assert info.value.maybe_billed is False
    assert "before the request was fully sent on POST /remix" in str(info.value)
    del info
    _collect()


async def test_a_reset_after_the_whole_upload_may_be_billed() -> None:
    """A reset once the body was fully sent may follow a run: not retried, marked maybe billed."""
    with _upload_server(["swallow"]) as (url, done):
        async with ia.AsyncIdeogram(api_key=KEY, base_url=url, sleep=no_sleep) as client:
            with pytest.raises(ia.APIConnectionError) as info:
                await client.legacy.remix(prompt="a fox", image_file=BIG_PNG)
    assert done == ["swallow"]
    assert info.value.maybe_billed is True
    # httpx says ReadError or RemoteProtocolError, as the reset or the close arrives first.
    (attempt,) = info.value.attempts
    assert attempt.reason.endswith("after the request was sent")


# --- what a client builds -----------------------------------------------------------------------


def test_a_client_with_a_transport_builds_no_ssl_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """An injected transport brings its own TLS: the client builds no SSL context of its own."""
    import ssl

    import ideogram_async._client as client_module

    built: list[str] = []
    real_create = httpx.create_ssl_context

    def default_context() -> ssl.SSLContext:
        built.append("sdk")
        return ssl.create_default_context()

    def create(verify: object = True, **kwargs: object) -> ssl.SSLContext:
        if not isinstance(verify, ssl.SSLContext):
            built.append("httpx")  # httpx loading a CA bundle itself
        return real_create(verify=verify, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(client_module, "_default_ssl_context", default_context)
    monkeypatch.setattr("httpx._transports.default.create_ssl_context", create)
    ia.AsyncIdeogram(api_key=KEY, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert built == []
    ia.AsyncIdeogram(api_key=KEY)
    assert built == ["sdk"]


async def test_a_small_form_is_sent_in_one_chunk_and_a_large_upload_streams() -> None:
    """A form under 1 MiB goes as one chunk (one socket write); a larger upload streams."""
    chunks: list[list[bytes]] = []

    class Transport(httpx.AsyncBaseTransport):
        """Records the chunks of each body as a connection would write them."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            assert isinstance(request.stream, httpx.AsyncByteStream)
            chunks.append([chunk async for chunk in request.stream])
            return httpx.Response(200, json=image_response())

    async with ia.AsyncIdeogram(api_key=KEY, base_url=API, transport=Transport()) as client:
        await client.v3.generate(prompt="a fox")
        await client.v3.remix(prompt="a fox", image=PNG + b"\0" * (1 << 20))
    small, large = chunks
    assert len(small) == 1
    assert b'name="prompt"\r\n\r\na fox\r\n' in small[0]
    assert len(large) > 1
    assert sum(map(len, large)) > 1 << 20
