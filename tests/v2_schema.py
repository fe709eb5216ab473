"""The snapshot's v2 schemas (``tests/data/v2``) as JSON Schema, and a request read back as JSON.

Kept apart from the SDK's own field table on purpose: a request is checked against what the
spec says, not against what the SDK believes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from tests.conftest import multipart_parts

DATA = Path(__file__).parent / "data" / "v2"
REQUESTS: dict[str, Any] = json.loads((DATA / "requests.json").read_text())
RESPONSES: dict[str, Any] = json.loads((DATA / "responses.json").read_text())
TYPES: dict[str, Any] = json.loads((DATA / "types.json").read_text())
FILE = "<file>"


def _split(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "<["
        depth -= char in ">]"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def convert(spec: Any) -> dict[str, Any]:
    """One type of the listing's notation as JSON Schema."""
    if isinstance(spec, dict) and "object" in spec:
        return fields_schema(spec["object"])
    if isinstance(spec, dict) and "anyOf" in spec:
        return {"anyOf": [convert(s) for s in spec["anyOf"]]}
    alternatives = _split(spec)
    if len(alternatives) > 1:
        literals = [a for a in alternatives if a.startswith("'")]
        others = [convert(a) for a in alternatives if not a.startswith("'")]
        if literals:
            others.append({"enum": [a.strip("'") for a in literals]})
        return others[0] if len(others) == 1 else {"anyOf": others}
    text = alternatives[0]
    if text.startswith("'"):
        return {"const": text.strip("'")}
    if text.startswith("Array<"):
        return {"type": "array", "items": convert(text[6:-1])}
    if text.startswith("["):
        return {"type": "array", "items": convert(text[1:-1]), "minItems": 1, "maxItems": 1}
    simple = {"string": "string", "number": "number", "boolean": "boolean", "null": "null"}
    if text in simple:
        return {"type": simple[text]}
    if text == "any":
        return {}
    if text == "Blob":
        return {"const": FILE}
    return convert(TYPES[text])


def fields_schema(fields: dict[str, str]) -> dict[str, Any]:
    """An object schema: ``name?`` optional, no other property allowed."""
    return {
        "type": "object",
        "properties": {name.rstrip("?"): convert(t) for name, t in fields.items()},
        "required": [name for name in fields if not name.endswith("?")],
        "additionalProperties": False,
    }


def request_schema(path: str) -> dict[str, Any]:
    """The request schema of ``/v2/{path}``, with the raw snapshot's limits on its fields."""
    schema = fields_schema(REQUESTS[path]["fields"])
    for name, limits in REQUESTS[path].get("limits", {}).items():
        schema["properties"][name] = {**schema["properties"][name], **limits}
    return schema


def response_schema(key: str) -> dict[str, Any]:
    """A response schema of ``responses.json``; extra properties allowed (the API adds them)."""
    schema = fields_schema(RESPONSES[key]["fields"])
    schema["additionalProperties"] = True
    return schema


def _coerce(text: str, schema: dict[str, Any]) -> Any:
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", ())}
    if kinds & {"number", "integer"}:
        try:
            return json.loads(text)
        except ValueError:
            return text
    if "boolean" in kinds:
        return {"true": True, "false": False}.get(text, text)
    return text


def request_body(request: httpx.Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON a request carries: its JSON body, or its multipart parts read back.

    A file part becomes ``"<file>"``; an ``application/json`` part its JSON value; a text part
    a number or boolean where the schema says so; a repeated name (or an array field) a list.
    """
    if request.headers["content-type"].startswith("application/json"):
        return dict(json.loads(request.read()))
    body: dict[str, Any] = {}
    for name, filename, content_type, content in multipart_parts(request):
        prop = schema["properties"].get(name, {})
        if filename is not None:
            value: Any = FILE
        elif content_type == "application/json":
            value = json.loads(content)
        else:
            value = _coerce(content.decode(), prop.get("items", prop))
        if prop.get("type") == "array" and not isinstance(value, list):
            body.setdefault(name, []).append(value)
        else:
            body[name] = value
    return body


def check_request(path: str, request: httpx.Request) -> dict[str, Any]:
    """Validate a sent request against ``/v2/{path}``'s schema; returns the body read back."""
    schema = request_schema(path)
    body = request_body(request, schema)
    jsonschema.validate(body, schema)
    return body
