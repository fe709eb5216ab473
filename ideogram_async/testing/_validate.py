"""Request fields to the SDK's own parameter classes, so the emulator accepts what the SDK does.

The wire carries text (multipart forms) or JSON; the SDK's ``_params`` classes carry Python
values and hold the spec's rules (required fields, enums, ranges, exclusive pairs). Fields are
turned into those values here, then the class is built: its ``IdeogramValidationError`` becomes
a 422, as the API answers a field it refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from .._converter import file_fields
from .._exceptions import IdeogramValidationError
from .._files import Upload, prepare_uploads
from .._params import Params
from ._http import HTTPError
from ._multipart import FilePart

__all__ = ["Resolve", "build", "checked_uploads", "nested_fields"]

P = TypeVar("P", bound=Params)

Resolve = Callable[[str, str], "tuple[str, bytes, str]"]
"""Turns ``(field, url)`` into ``(filename, content, content_type)``, or raises ``HTTPError``."""

_INTEGERS = frozenset({"seed", "num_images", "image_weight", "resemblance", "detail"})
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_INTEGER = re.compile(r"[+-]?\d+")


def nested_fields(cls: type[Params], fields: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The fields of a request nested in one JSON object (the legacy ``image_request``).

    Beside the nest only the files of ``cls`` are read, as the API reads them.
    """
    if name not in fields:
        raise HTTPError(422, f"{name} is required")
    inner = fields[name]
    if isinstance(inner, str):
        try:
            inner = json.loads(inner)
        except ValueError as exc:
            raise HTTPError(422, f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(inner, dict):
        raise HTTPError(422, f"{name} must be a JSON object")
    files = file_fields(cls)
    return {**inner, **{key: value for key, value in fields.items() if key in files}}


def build(cls: type[P], fields: Mapping[str, Any], resolve: Resolve) -> P:
    """An instance of the parameters class ``cls`` from request fields.

    Unknown fields are ignored, as the API ignores them. File fields take uploaded files, or
    links that ``resolve`` fetches; a plain string is never read as a local path.

    Raises:
        HTTPError: 422 for a missing or refused field; 400 for a link that cannot be fetched.
    """
    known = attrs.fields_dict(cls)
    files = file_fields(cls)
    kwargs: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in known or value is None:
            continue
        if name in files:
            items = [_file(name, item, resolve) for item in _listed(value) if item != ""]
            if not items:
                continue
            if files[name].many:
                kwargs[name] = items
            elif len(items) == 1:
                kwargs[name] = items[0]
            else:
                raise HTTPError(422, f"{name} takes one file, got {len(items)}")
        else:
            kwargs[name] = _coerce(name, value)
    for name, field in known.items():
        if field.default is attrs.NOTHING and name not in kwargs:
            raise HTTPError(422, f"{name} is required")
    try:
        return cls(**kwargs)
    except IdeogramValidationError as exc:
        raise HTTPError(422, str(exc)) from exc


async def checked_uploads(params: Params) -> list[tuple[str, Upload]]:
    """The files of ``params``, checked as the SDK checks them: PNG, JPEG or WebP, 10 MB.

    Raises:
        HTTPError: 422 for a file the API would refuse.
    """

    async def no_fetch(url: str, param: str) -> bytes:  # links were resolved by ``build``
        raise HTTPError(400, f"{param}: cannot fetch {url}")

    try:
        return await prepare_uploads(params, no_fetch)
    except IdeogramValidationError as exc:
        raise HTTPError(422, str(exc)) from exc


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _file(name: str, item: Any, resolve: Resolve) -> tuple[str, bytes, str]:
    if isinstance(item, FilePart):
        return (item.filename or name, item.data, item.content_type or "")
    if isinstance(item, str) and item[:8].lower().startswith(("http://", "https://")):
        return resolve(name, item)
    raise HTTPError(422, f"{name} must be an uploaded file or an image URL")


def _coerce(name: str, value: Any) -> Any:
    """Form text to the value the field holds; anything else is left for the class to judge."""
    if isinstance(value, str):
        if name in _INTEGERS and _INTEGER.fullmatch(value.strip()):
            return int(value)
        if name == "transparent_background" and value.strip().lower() in _BOOLEANS:
            return _BOOLEANS[value.strip().lower()]
        if name == "color_palette" and value.lstrip().startswith("{"):
            try:
                return json.loads(value)
            except ValueError:
                return value
    if isinstance(value, FilePart):
        raise HTTPError(422, f"{name} must be a form field, not a file")
    return value
