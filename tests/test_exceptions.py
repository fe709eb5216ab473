"""The exception tree, reached through real calls: every status, connection failures, timeouts
and bodies that do not parse."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

import ideogram_async as ia

from .conftest import API, KEY, image_response

pytestmark = pytest.mark.anyio

GENERATE = f"{API}/v1/ideogram-v3/generate"


async def no_sleep(_: float) -> None:
    """A sleep that returns at once."""


# --- statuses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ia.BadRequestError),
        (401, ia.AuthenticationError),
        (402, ia.PaymentRequiredError),
        (403, ia.PermissionDeniedError),
        (404, ia.NotFoundError),
        (413, ia.RequestTooLargeError),
        (418, ia.APIStatusError),
        (422, ia.UnprocessableEntityError),
    ],
)
async def test_final_status_raises_its_class_without_retry(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    status: int,
    cls: type[ia.APIStatusError],
) -> None:
    """Each final status raises exactly its class, once, with request, response and parsed body."""
    body = {"error": f"refused with {status}"}
    route = respx_mock.post(GENERATE).respond(status, json=body)
    with pytest.raises(ia.APIStatusError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert type(err) is cls
    assert route.call_count == 1
    assert err.status_code == status
    assert err.response.status_code == status
    assert err.request.url == httpx.URL(GENERATE)
    assert err.request.method == "POST"
    assert err.body == body
    assert err.error == f"refused with {status}"
    assert f"refused with {status}" in str(err)
    assert str(status) in str(err)
    assert err.maybe_billed is False
    assert len(err.attempts) == 1


async def test_payment_required_carries_the_reject_reason(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 402 says why the payment was refused in ``reject_reason``."""
    body = {"error": "Insufficient credits", "reject_reason": "insufficient_credits"}
    respx_mock.post(GENERATE).respond(402, json=body)
    with pytest.raises(ia.PaymentRequiredError) as info:
        await client.v3.generate(prompt="a fox")
    assert info.value.reject_reason == "insufficient_credits"
    assert info.value.error == "Insufficient credits"


async def test_unprocessable_entity_carries_the_server_text(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 422 (a failed safety check) keeps the server's words in ``error`` and its message."""
    text = "Prompt failed the safety check."
    respx_mock.post(GENERATE).respond(422, json={"error": text})
    with pytest.raises(ia.UnprocessableEntityError) as info:
        await client.v3.generate(prompt="a fox")
    assert info.value.error == text
    assert text in str(info.value)


async def test_a_gateways_nested_error_message_is_the_servers_text(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A gateway's ``{"error": {"message": ...}}`` gives the error's text and its message."""
    body = {"error": {"message": "upstream model is busy", "type": "upstream_error"}}
    respx_mock.post(GENERATE).respond(400, json=body)
    with pytest.raises(ia.BadRequestError) as info:
        await client.v3.generate(prompt="a fox")
    assert info.value.error == "upstream model is busy"
    assert "upstream model is busy" in str(info.value)


@pytest.mark.parametrize("field", ["error", "message", "detail"])
async def test_server_text_is_read_from_any_usual_field(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, field: str
) -> None:
    """The server's text is found in ``error``, ``message`` or ``detail``."""
    respx_mock.post(GENERATE).respond(400, json={field: "bad aspect ratio"})
    with pytest.raises(ia.BadRequestError) as info:
        await client.v3.generate(prompt="a fox")
    assert info.value.error == "bad aspect ratio"


async def test_rate_limit_carries_reason_limit_and_retry_after(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 429 exposes ``reject_reason``, ``max_inflight_requests`` and ``retry_after``."""
    body = {"error": "Too many", "reject_reason": "inflight_limit", "max_inflight_requests": 3}
    route = respx_mock.post(GENERATE).respond(429, json=body, headers={"Retry-After": "7"})
    with pytest.raises(ia.RateLimitError) as info:
        await client.v3.generate(prompt="a fox", rate_limit_timeout=0)
    err = info.value
    assert route.call_count == 1
    assert err.status_code == 429
    assert err.reject_reason == "inflight_limit"
    assert err.max_inflight_requests == 3
    assert err.retry_after == 7.0
    assert err.maybe_billed is False
    assert err.body == body


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_server_errors_that_may_have_run_say_maybe_billed(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, status: int
) -> None:
    """500, 502 and 504 raise ``InternalServerError`` marked ``maybe_billed``, without retry."""
    route = respx_mock.post(GENERATE).respond(status, json={"error": "boom"})
    with pytest.raises(ia.InternalServerError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert route.call_count == 1
    assert err.status_code == status
    assert err.maybe_billed is True
    assert "billed" in str(err)


async def test_service_unavailable_is_raised_once_retries_are_exhausted(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 503 on every attempt raises ``InternalServerError`` after the retries, not billed."""
    route = respx_mock.post(GENERATE).respond(503, json={"error": "overloaded"})
    with pytest.raises(ia.InternalServerError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert route.call_count == 3  # the first attempt and the client's 2 retries
    assert err.status_code == 503
    assert err.maybe_billed is False
    assert [a.number for a in err.attempts] == [1, 2, 3]
    assert "3 attempts" in str(err)


async def test_non_json_error_body_is_kept_as_text(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An error page that is not JSON is kept in ``body`` as text, with no server text parsed."""
    page = "<html><body>502 Bad Gateway</body></html>"
    respx_mock.post(GENERATE).respond(502, text=page, headers={"Content-Type": "text/html"})
    with pytest.raises(ia.InternalServerError) as info:
        await client.v3.generate(prompt="a fox")
    assert info.value.body == page
    assert info.value.error is None


# --- no response --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "cls", "attempts", "billed"),
    [
        (httpx.ConnectError, ia.APIConnectionError, 3, False),
        (httpx.RemoteProtocolError, ia.APIConnectionError, 1, True),
        (httpx.ReadError, ia.APIConnectionError, 1, True),
        (httpx.ConnectTimeout, ia.APITimeoutError, 3, False),
        (httpx.ReadTimeout, ia.APITimeoutError, 1, True),
        (httpx.PoolTimeout, ia.APITimeoutError, 3, False),
    ],
)
async def test_transport_failures_become_sdk_errors(
    client: ia.AsyncIdeogram,
    respx_mock: respx.MockRouter,
    raised: type[httpx.TransportError],
    cls: type[ia.APIConnectionError],
    attempts: int,
    billed: bool,
) -> None:
    """A transport failure raises the SDK's class, never httpx's, with httpx's as the cause."""
    route = respx_mock.post(GENERATE).mock(side_effect=raised)
    with pytest.raises(ia.APIConnectionError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert type(err) is cls
    assert not isinstance(err, httpx.HTTPError)
    assert isinstance(err.__cause__, raised)
    assert err.response is None
    assert err.request.url == httpx.URL(GENERATE)
    assert route.call_count == attempts
    assert err.maybe_billed is billed


async def test_timeout_is_also_a_connection_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """Code that catches ``APIConnectionError`` also catches a timeout."""
    respx_mock.post(GENERATE).mock(side_effect=httpx.ReadTimeout)
    with pytest.raises(ia.APIConnectionError) as info:
        await client.v3.generate(prompt="a fox")
    assert isinstance(info.value, ia.APITimeoutError)


# --- bodies that do not parse -------------------------------------------------------------------


async def test_success_with_a_non_json_body_raises_parse_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 200 whose body is not JSON raises ``APIResponseParseError``, billed, with the raw text."""
    route = respx_mock.post(GENERATE).respond(200, text="<html>oops</html>")
    with pytest.raises(ia.APIResponseParseError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert route.call_count == 1
    assert err.maybe_billed is True
    assert err.body == "<html>oops</html>"
    assert err.response is not None
    assert err.response.status_code == 200
    assert err.request.url == httpx.URL(GENERATE)
    assert isinstance(err.__cause__, ValueError)
    assert "billed" in str(err)


@pytest.mark.parametrize(
    "body",
    [
        {"data": image_response(1)["data"]},
        {"created": "2000-01-23T04:56:07Z", "data": [{"prompt": "p"}]},
        {"created": "not a date", "data": []},
        [1, 2, 3],
    ],
    ids=["no-created", "image-without-seed", "bad-created", "a-list"],
)
async def test_success_with_a_body_missing_fields_raises_parse_error(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter, body: Any
) -> None:
    """A 200 whose JSON lacks what the result needs raises ``APIResponseParseError``, billed."""
    respx_mock.post(GENERATE).respond(200, json=body)
    with pytest.raises(ia.APIResponseParseError) as info:
        await client.v3.generate(prompt="a fox")
    err = info.value
    assert err.maybe_billed is True
    assert err.body == body
    assert "ImageGenerationResponse" in str(err)
    assert not isinstance(err, httpx.HTTPError)


# --- validation ---------------------------------------------------------------------------------


async def test_validation_error_is_raised_before_anything_is_sent(
    client: ia.AsyncIdeogram,
) -> None:
    """A bad argument raises ``IdeogramValidationError``, a ``ValueError``, before any request."""
    with pytest.raises(ValueError, match="num_images") as info:
        await client.v3.generate(prompt="a fox", num_images=9)
    err = info.value
    assert isinstance(err, ia.IdeogramValidationError)
    assert (err.param, err.value) == ("num_images", 9)
    assert "1 to 8" in err.allowed


def test_configuration_error_is_a_value_error() -> None:
    """A client that cannot be built raises ``ConfigurationError``, catchable as ``ValueError``."""
    with pytest.raises(ValueError, match="auth_scheme") as info:
        ia.AsyncIdeogram(api_key=KEY, auth_scheme="basic")  # type: ignore[arg-type]
    assert isinstance(info.value, ia.ConfigurationError)


# --- the tree -----------------------------------------------------------------------------------

STATUS_CLASSES = [
    ia.BadRequestError,
    ia.AuthenticationError,
    ia.PaymentRequiredError,
    ia.PermissionDeniedError,
    ia.NotFoundError,
    ia.RequestTooLargeError,
    ia.UnprocessableEntityError,
    ia.RateLimitError,
    ia.InternalServerError,
]
PARENTS: dict[type[Exception], type[Exception]] = {
    ia.ConfigurationError: ia.IdeogramError,
    ia.IdeogramValidationError: ia.IdeogramError,
    ia.APIError: ia.IdeogramError,
    ia.APIConnectionError: ia.APIError,
    ia.APITimeoutError: ia.APIConnectionError,
    ia.APIResponseParseError: ia.APIError,
    ia.APIStatusError: ia.APIError,
    **dict.fromkeys(STATUS_CLASSES, ia.APIStatusError),
}


@pytest.mark.parametrize(("cls", "parent"), PARENTS.items(), ids=lambda c: c.__name__)
def test_class_tree(cls: type[Exception], parent: type[Exception]) -> None:
    """Every class sits under its documented parent, and so under ``IdeogramError``."""
    assert cls.__bases__[0] is parent
    assert issubclass(cls, ia.IdeogramError)
    assert not issubclass(cls, httpx.HTTPError)


def test_only_configuration_and_validation_errors_are_value_errors() -> None:
    """``ConfigurationError`` and ``IdeogramValidationError`` are ``ValueError``; API errors not."""
    value_errors = {cls for cls in PARENTS if issubclass(cls, ValueError)}
    assert value_errors == {ia.ConfigurationError, ia.IdeogramValidationError}
    assert issubclass(ia.IdeogramError, Exception)


async def test_a_bare_404_says_to_check_the_base_url_and_its_prefix(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """A 404 without the API's error body names the URL asked for and the base URL to check."""
    respx_mock.post(f"{API}/v1/ideogram-v3/generate").respond(404, text="Not Found")
    with pytest.raises(ia.NotFoundError) as caught:
        await client.v3.generate(prompt="a fox")
    message = str(caught.value)
    assert f"nothing answers at {API}/v1/ideogram-v3/generate." in message
    assert "IDEOGRAM_BASE_URL" in message
    assert "path prefix" in message
    assert KEY not in message


async def test_a_404_with_the_apis_error_keeps_its_text_without_the_hint(
    client: ia.AsyncIdeogram, respx_mock: respx.MockRouter
) -> None:
    """An unknown id's 404 (the API's own error body) reads as the API wrote it."""
    respx_mock.get(f"{API}/models/m-1").respond(404, json={"error": "Model not found"})
    with pytest.raises(ia.NotFoundError) as caught:
        await client.models.get("m-1")
    assert str(caught.value) == "404 Not Found from GET /models/m-1: Model not found"


# --- redaction ----------------------------------------------------------------------------------


class _OwnError(ia.APIError):
    """A subclass defined elsewhere (as downloads and jobs define theirs)."""


@pytest.mark.parametrize("cls", [ia.APIError, ia.APIConnectionError, _OwnError])
def test_every_api_error_redacts_its_requests_credentials(cls: type[ia.APIError]) -> None:
    """Any ``APIError`` built from a request hides that request's key in text, body and repr."""
    request = httpx.Request("POST", GENERATE, headers={"Authorization": f"Bearer {KEY}"})
    err = cls(
        f"refused {KEY} at https://x.example/a.png?sig=abc",
        request=request,
        body={"echo": [f"Bearer {KEY}"]},
    )
    for text in (str(err), repr(err), err.message, repr(err.body)):
        assert KEY not in text
    assert err.body == {"echo": ["[redacted]"]}
    assert "sig=[redacted]" in err.message
    assert request.headers["Authorization"] == f"Bearer {KEY}"  # what was sent is untouched


def test_status_errors_redact_the_servers_error_field() -> None:
    """``error`` and ``reject_reason`` come from the redacted body, never the raw one."""
    request = httpx.Request("POST", GENERATE, headers={"Api-Key": KEY})
    body = {"error": f"key {KEY} is over quota", "reject_reason": f"quota:{KEY}"}
    response = httpx.Response(402, json=body, request=request)
    err = ia.PaymentRequiredError("402", request=request, response=response, body=body)
    assert err.error == "key [redacted] is over quota"
    assert err.reject_reason == "quota:[redacted]"


def test_job_and_body_errors_redact_their_text_attributes() -> None:
    """``JobFailedError.failure_reason`` and ``ResponseBodyError.error`` hide the key too."""
    request = httpx.Request("GET", f"{API}/v2/generations/g1", headers={"Api-Key": KEY})
    response = httpx.Response(200, json={}, request=request)
    failed = ia.JobFailedError(
        "g1", f"bad key {KEY}", None, request=request, response=response, body={}
    )
    body_error = ia.ResponseBodyError(
        f"failed: {KEY}",
        request=request,
        response=response,
        body={},
        reported_status=401,
        error=f"bad key {KEY}",
    )
    assert failed.failure_reason == "bad key [redacted]"
    assert body_error.error == "bad key [redacted]"
    assert KEY not in str(failed) + repr(failed) + str(body_error) + repr(body_error)


def test_a_validation_error_shows_a_signed_link_without_its_signature() -> None:
    """A signed link refused as input keeps its signature on ``value`` but not in the text."""
    link = "https://cdn.example/in.png?exp=1&sig=s3cr3t"
    err = ia.IdeogramValidationError("image_file", link, f"a URL that can be downloaded ({link})")
    assert "s3cr3t" not in str(err)
    assert "s3cr3t" not in repr(err)
    assert err.value == link
