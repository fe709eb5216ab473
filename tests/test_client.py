"""``AsyncIdeogram``: configuration, authentication, timeouts, headers, the HTTP client's
lifetime, keeping the key secret, downloads, redirects and what a result carries."""

from __future__ import annotations

import logging
from collections.abc import Callable

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
