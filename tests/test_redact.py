"""Redaction: link signatures and tokens out of logged URLs, credentials out of error text."""

from __future__ import annotations

import httpx
import pytest

from ideogram_async._redact import REDACTED, redact, redact_text, redact_url, request_secrets

R = REDACTED


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://ideogram.ai/api/images/ephemeral/a.png?exp=1700000000&signature=abc123",
            f"https://ideogram.ai/api/images/ephemeral/a.png?exp=1700000000&signature={R}",
        ),
        ("https://x.blob.core.windows.net/c/a.png?sv=2024&sig=Zm9v%2Bbar", f"?sv=2024&sig={R}"),
        (
            "https://s3.example/a.png?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&X-Amz-Expires=60",
            f"?X-Amz-Credential={R}&X-Amz-Signature={R}&X-Amz-Expires=60",
        ),
        ("https://cf.example/a.png?Expires=1&Signature=abc~def&Key-Pair-Id=K1", f"Signature={R}&"),
        ("https://gw.example/a.png?token=t0k&width=512", f"?token={R}&width=512"),
        ("https://gw.example/a.png?access_token=t0k#frag", f"?access_token={R}#frag"),
        ("https://gw.example/a.png?api_key=k&key=k2", f"?api_key={R}&key={R}"),
        ("https://user:hunter2@gw.example/a.png", f"https://user:{R}@gw.example/a.png"),
        (
            "https://gw.example/a.png?exp=1&keyword=cat",
            "https://gw.example/a.png?exp=1&keyword=cat",
        ),
        ("https://gw.example/a.png", "https://gw.example/a.png"),
    ],
    ids=[
        "ideogram",
        "azure-sas",
        "s3",
        "cloudfront",
        "token",
        "access-token",
        "api-key",
        "password",
        "harmless-params",
        "no-query",
    ],
)
def test_redact_url_hides_signatures_tokens_and_passwords(url: str, shown: str) -> None:
    """Secrets in a URL are replaced; the rest of it (path, ``exp``, other params) stays."""
    text = redact_url(url)
    assert shown in text
    for secret in ("abc123", "Zm9v", "deadbeef", "abc~def", "t0k", "hunter2", "AKIA"):
        assert secret not in text


def test_redact_url_takes_an_httpx_url() -> None:
    """An ``httpx.URL`` is redacted like its text."""
    assert (
        redact_url(httpx.URL("https://a.example/i.png?sig=s")) == f"https://a.example/i.png?sig={R}"
    )


def test_redact_text_hides_links_inside_a_sentence() -> None:
    """A link quoted in a message loses its signature but the message around it stays."""
    text = redact_text("could not fetch 'https://a.example/i.png?sig=s3cr3t': gone")
    assert text == f"could not fetch 'https://a.example/i.png?sig={R}': gone"


@pytest.mark.parametrize(
    ("headers", "secrets"),
    [
        ({"Api-Key": "sk-123"}, ("sk-123",)),
        ({"Authorization": "Bearer tok-456"}, ("Bearer tok-456", "tok-456")),
        ({"X-Api-Key": "gw-789", "Accept": "application/json"}, ("gw-789",)),
        ({"Accept": "application/json"}, ()),
    ],
    ids=["api-key", "bearer", "gateway-key", "none"],
)
def test_request_secrets_are_the_credential_headers(
    headers: dict[str, str], secrets: tuple[str, ...]
) -> None:
    """The credentials of a request are its key headers' values, and a bearer's bare token."""
    request = httpx.Request("POST", "https://api.example/generate", headers=headers)
    assert set(request_secrets(request)) == set(secrets)


def test_redact_reaches_every_string_of_a_json_body() -> None:
    """Nested strings, keys and lists lose the secret; numbers and links are left alone."""
    key = "sk-live-0123456789"
    body = {
        "error": f"bad key {key}",
        "detail": [{"input": {key: key}, "n": 3}, None, f"{key}{key}"],
        "url": "https://a.example/i.png?sig=kept",
    }
    assert redact(body, [key]) == {
        "error": f"bad key {R}",
        "detail": [{"input": {R: R}, "n": 3}, None, f"{R}{R}"],
        "url": "https://a.example/i.png?sig=kept",
    }


def test_a_long_key_is_redacted_even_inside_a_word() -> None:
    """A real key is removed wherever it appears, even glued to other text."""
    key = "sk-live-0123456789"
    assert redact_text(f"x{key}y %22{key}%22", [key]) == f"x{R}y %22{R}%22"


def test_a_short_key_is_redacted_only_where_it_stands_alone() -> None:
    """A short test key ("k") is redacted as a word, so the rest of a message stays readable."""
    assert redact_text("key k is unknown (k)", ["k"]) == f"key {R} is unknown ({R})"


def test_redact_without_secrets_returns_the_value_itself() -> None:
    """With nothing to hide the body is returned as it is, not copied."""
    body = {"data": [1, 2]}
    assert redact(body, ()) is body


def test_a_signature_in_a_sentence_keeps_the_punctuation_after_it() -> None:
    """A link's signature ends before the sentence's colon, and redacting again changes nothing."""
    text = "403 from the host for https://h.example/a.png?exp=1&signature=s3cr3t: the link expired"
    once = redact_text(text)
    assert (
        once
        == f"403 from the host for https://h.example/a.png?exp=1&signature={R}: the link expired"
    )
    assert redact_text(once) == once
