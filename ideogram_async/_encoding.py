"""The wire encoding: an operation is data (method, path, body format), not a code path."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._checks import wire_value
from ._converter import file_fields, unstructure
from ._files import Fetch, prepare_uploads, url_inputs

if TYPE_CHECKING:
    from ._params import Params

__all__ = ["Operation", "encode_body", "merge"]


@attrs.frozen
class Operation:
    """One API operation.

    Attributes:
        method: The HTTP method.
        path: The route, with ``{name}`` placeholders for path parameters.
        result: The model the response body is structured into.
        body: ``json`` sends the parameters as a JSON object; ``multipart`` as form parts, where
            mappings travel as JSON parts and lists as repeated parts; ``none`` sends no body.
        nest: When set, the parameters travel inside one object of that name (the legacy
            ``image_request``), which is a JSON part in a multipart body.
    """

    method: Literal["GET", "POST"]
    path: str
    result: type[Any]
    body: Literal["json", "multipart", "none"] = "multipart"
    nest: str | None = None


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` laid over ``base``: mappings merged key by key, anything else replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


async def encode_body(
    op: Operation,
    params: Params | None,
    *,
    extra_body: Mapping[str, Any] | None,
    fetch: Fetch,
    pass_image_urls: bool,
) -> dict[str, Any]:
    """The body of a request, as keyword arguments for ``httpx.AsyncClient.build_request``."""
    if params is None:
        return {}
    fields: dict[str, Any] = unstructure(params)
    body: dict[str, Any] = {op.nest: fields} if op.nest else fields
    urls = url_inputs(params) if pass_image_urls and op.body == "multipart" else None
    if urls is not None:
        # Gateways that take image URLs get the same fields as one JSON object.
        specs = file_fields(type(params))
        body.update({name: v if specs[name].many else v[0] for name, v in urls.items()})
    if extra_body:
        body = merge(body, extra_body)
    if op.body == "json" or urls is not None:
        return {"json": body}
    parts = _form_parts(body)
    for name, upload in await prepare_uploads(params, fetch):
        parts.append((name, (upload.filename, upload.content, upload.content_type)))
    return {"files": parts}


_Part = tuple[str, tuple[str | None, bytes, str | None]]


def _form_parts(body: Mapping[str, Any]) -> list[_Part]:
    """Text parts, a list as repeated parts, a mapping as one JSON part; ``None`` as nothing."""
    parts: list[_Part] = []
    for name, value in body.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            # The common types first: an ABC check (``Mapping``) costs a microsecond.
            if isinstance(item, str):  # a str enum member's text is its wire value
                parts.append((name, (None, item.encode(), None)))
            elif isinstance(item, bool):
                parts.append((name, (None, b"true" if item else b"false", None)))
            elif isinstance(item, (int, float)):
                parts.append((name, (None, str(item).encode(), None)))
            elif isinstance(item, Mapping):
                parts.append((name, (None, json.dumps(item).encode(), "application/json")))
            elif item is not None:
                parts.append((name, (None, str(wire_value(item)).encode(), None)))
    return parts
