"""Secrets kept out of what the SDK shows: credentials in errors, signatures in logged URLs.

A server may echo the API key it was sent ("Invalid API key: ..."): it must not reach an
error's text, its stored body or its ``repr``. Image links carry signatures that grant access
until they expire: they must not reach a log line or an error's text (a stored body keeps them,
as the images they lead to were paid for). Both are replaced by ``[redacted]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx

__all__ = ["REDACTED", "redact", "redact_text", "redact_url", "request_secrets"]

REDACTED = "[redacted]"

# Query parameters that grant access: signed links (S3, GCS, Azure, CloudFront) and tokens.
_SIGNED_PARAMS = (
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-security-token",
    "x-amz-credential",
    "x-goog-signature",
    "x-goog-credential",
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "key",
    "api_key",
    "api-key",
    "apikey",
    "secret",
    "client_secret",
    "password",
)
# A value runs to the next separator; trailing punctuation (``: , . ; )``) is the sentence's, and
# ``[`` never starts one, so text already redacted stays as it is.
_QUERY_SECRET = re.compile(
    r"([?&;](?:" + "|".join(map(re.escape, _SIGNED_PARAMS)) + r")=)"
    r"[^&#\s\"'<>\[\]]*[^&#\s\"'<>\[\]:,.;)]",
    re.IGNORECASE,
)
_USERINFO_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^/\s@]+@")
_CREDENTIAL_HEADERS = ("api-key", "x-api-key", "authorization", "proxy-authorization")
# A key this long is redacted wherever it appears; a shorter one (a test's "k") only as a word,
# or every "k" of a message would go.
_SUBSTRING_LENGTH = 12


def redact_url(url: str | httpx.URL) -> str:
    """``url`` with its signatures, tokens and password replaced by ``[redacted]``.

    Other query parameters (``exp``, ``width``) stay, so a logged link still says what it was.
    """
    text = str(url)
    if "?" in text or "@" in text:
        text = _USERINFO_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
        text = _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text)
    return text


def request_secrets(request: httpx.Request | None) -> tuple[str, ...]:
    """The credentials ``request`` carries: header values, and the token after a scheme."""
    if request is None:
        return ()
    found: list[str] = []
    for name in _CREDENTIAL_HEADERS:
        value = request.headers.get(name)
        if value:
            found.append(value)
            scheme, _, token = value.partition(" ")
            if token.strip() and scheme.isalpha():
                found.append(token.strip())
    return tuple(found)


def redact_text(text: str, secrets: Iterable[str] = (), *, urls: bool = True) -> str:
    """``text`` without the ``secrets``, and (``urls``) without the signatures of its links."""
    pattern = _secrets_pattern(tuple(secrets))
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    return redact_url(text) if urls else text


def redact(value: Any, secrets: Iterable[str] = ()) -> Any:
    """``value`` (text, or JSON of dicts and lists) with the ``secrets`` in any string redacted.

    Links keep their signatures: a body's image links are what the caller paid for.
    """
    secrets = tuple(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return redact_text(value, secrets, urls=False)
    if isinstance(value, dict):
        return {redact(k, secrets): redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item, secrets) for item in value]
    return value


def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        escaped = re.escape(secret)
        if len(secret) < _SUBSTRING_LENGTH:
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        parts.append(escaped)
    return re.compile("|".join(parts)) if parts else None
