"""Reading request bodies: ``multipart/form-data``, JSON and URL-encoded forms."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

import attrs

from ._http import HTTPError

__all__ = ["FilePart", "parse_content_type", "parse_multipart", "read_body"]


@attrs.frozen
class FilePart:
    """An uploaded file: a multipart part that has a file name."""

    filename: str
    content_type: str | None
    data: bytes = attrs.field(repr=lambda data: f"<{len(data)} bytes>")


_PARAM = re.compile(r';\s*([\w*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """A ``Content-Type`` (or ``Content-Disposition``) value: its lower-cased kind and params."""
    kind, _, rest = value.partition(";")
    params = {}
    for name, raw in _PARAM.findall(";" + rest):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1]).replace("%22", '"')
        params[name.lower()] = raw
    return kind.strip().lower(), params


def parse_multipart(body: bytes, boundary: str) -> list[tuple[str, str | FilePart]]:
    """The parts of a multipart body in order: text as ``str``, files as ``FilePart``.

    Raises:
        HTTPError: 400, the body is not well-formed multipart.
    """
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        raise HTTPError(400, "Malformed multipart body: no closing boundary")
    parts: list[tuple[str, str | FilePart]] = []
    for chunk in chunks[1:-1]:
        _, _, chunk = chunk.partition(b"\r\n")  # the rest of the boundary line
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise HTTPError(400, "Malformed multipart body: a part has no header block")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        kind, disposition = parse_content_type(headers.get("content-disposition", ""))
        if kind != "form-data" or "name" not in disposition:
            raise HTTPError(400, "Malformed multipart body: a part has no form-data name")
        name = disposition["name"]
        if "filename" in disposition:
            parts.append(
                (name, FilePart(disposition["filename"], headers.get("content-type"), content))
            )
            continue
        try:
            parts.append((name, content.decode("utf-8")))
        except UnicodeDecodeError as exc:
            raise HTTPError(400, f"Malformed multipart body: field {name!r} is not UTF-8") from exc
    return parts


def read_body(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a request body, by name.

    A JSON object is returned as it is. A form gives each name its value, or the list of its
    values when the name is repeated; files are ``FilePart``. An empty body has no fields.

    Raises:
        HTTPError: 400, the body cannot be read as its content type says.
    """
    kind, params = parse_content_type(content_type)
    if kind == "multipart/form-data":
        if "boundary" not in params:
            raise HTTPError(400, "Malformed multipart body: no boundary in Content-Type")
        return _group(parse_multipart(body, params["boundary"]))
    if kind == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise HTTPError(400, "Malformed form body: not UTF-8") from exc
        return _group([(name, value) for name, value in pairs])
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise HTTPError(400, f"Malformed JSON body: {exc}") from exc
    if not isinstance(data, dict):
        raise HTTPError(400, "Malformed JSON body: expected an object")
    return data


def _group(pairs: list[tuple[str, str | FilePart]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name not in fields:
            fields[name] = value
        elif isinstance(fields[name], list):
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]
    return fields
