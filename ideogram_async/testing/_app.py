"""``Emulator``: Ideogram's API as an ASGI app, with injected faults and a record of requests."""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal
from urllib.parse import parse_qs

import anyio
import attrs
import httpx

from .._client import AsyncIdeogram
from ._custom import CustomOps
from ._generate import OPERATIONS, ImageOps, OpSpec
from ._http import HTTPError, Incoming, Reply, json_reply
from ._multipart import FilePart, read_body
from ._store import GATEWAY_429_BODY, IMAGE_ROUTE, EmulatorStats, Settings, Store
from ._v2 import V2Emulator
from ._webhooks import JWKS_ROUTE, WebhookSender

__all__ = ["EmulatedConnectionReset", "Emulator", "FaultMode", "RecordedRequest"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[..., Awaitable[Reply]]

FaultMode = Literal["status", "reset", "malformed", "slow"]
"""``status``: an error status; ``reset``: the connection drops mid-response; ``malformed``: a
200 whose body is not JSON; ``slow``: the answer comes after a delay."""

EMULATOR_URL = "http://emulator.invalid"
REDACTED = "REDACTED"
_CREDENTIALS = frozenset({"api-key", "authorization", "proxy-authorization", "cookie"})
_MALFORMED = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class EmulatedConnectionReset(httpx.ReadError):
    """Raised by the app to drop a connection; in-process it reaches the client as a read error.

    On a real server the response is cut short instead, which the client sees as a protocol error.
    """


@attrs.frozen
class RecordedRequest:
    """A request the emulator received.

    Attributes:
        method: The HTTP method.
        path: The path as it arrived (with any route prefix).
        headers: Lower-cased names; credentials (``api-key``, ``authorization``, cookies) are
            replaced by ``REDACTED``.
        fields: The body's fields: a JSON object as sent, or form fields (a list where a name
            repeats) with each file as ``{"filename", "content_type", "size"}``.
        query: The query parameters.
        status: The status answered, or ``None`` when the connection was reset.
    """

    method: str
    path: str
    headers: dict[str, str]
    fields: dict[str, Any]
    query: dict[str, list[str]]
    status: int | None


@attrs.define
class _Fault:
    mode: FaultMode
    status: int
    body: dict[str, Any] | None
    path: str | None
    remaining: int
    delay: float

    def matches(self, route: str, is_image: bool) -> bool:
        if self.path is None:
            return not is_image
        return route == self.path or route.startswith(self.path.rstrip("/") + "/")


@attrs.frozen
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    needs_key: bool = True


class _Transport(httpx.ASGITransport):
    """``httpx.ASGITransport`` that keeps the request's read timeout, as a network would."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout") or {}
        limit = timeout.get("read")
        if limit is None:
            return await super().handle_async_request(request)
        try:
            with anyio.fail_after(limit):
                return await super().handle_async_request(request)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(
                f"the emulator did not answer within {limit}s", request=request
            ) from exc


class Emulator:
    """An emulator of Ideogram's API: an ASGI app to use in-process or on a port.

    It validates requests as the API does, returns small deterministic PNGs from signed,
    expiring links, enforces the in-flight image limit, and can inject faults.

    >>> emu = Emulator()
    >>> async with emu.client() as client:
    ...     result = await client.v3.generate(prompt="a lighthouse", seed=7)
    ...     png = await client.download(result.data[0])

    Args:
        api_key: The only key accepted; ``None`` accepts any non-empty key. Keys come as
            ``Api-Key`` or ``Authorization: Bearer``.
        inflight_limit: Images in flight (the sum of ``num_images`` of running calls) past which
            a call is refused with 429.
        announce_limit: Whether that 429 says why and what the limit is, as Ideogram's does
            (``reject_reason``, ``max_inflight_requests``). ``False`` answers as relay gateways
            do: ``{"error": {"message": ..., "type": "upstream_error"}}``, nothing more.
        latency: Seconds each generation takes (``anyio.sleep``).
        link_ttl: Seconds an image link stays valid.
        route_prefix: A path every route sits under, as on gateways (``"/ideogram"``).
        clock: Wall-clock seconds, for link expiry, timestamps and training (for tests).

    Attributes:
        requests: Every request received, in order.
        stats: Counters: requests, images generated, 429s sent, images in flight.
        webhooks: Its webhook signing keys (served at ``/v1/.well-known/jwks.json``) and sender.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        inflight_limit: int = 10,
        announce_limit: bool = True,
        latency: float = 0.0,
        link_ttl: float = 86400.0,
        route_prefix: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if inflight_limit < 1:
            raise ValueError("inflight_limit must be at least 1")
        if latency < 0 or link_ttl <= 0:
            raise ValueError("latency must be 0 or more, and link_ttl more than 0")
        prefix = route_prefix.strip("/")
        self._settings = Settings(
            api_key=api_key,
            inflight_limit=inflight_limit,
            announce_limit=announce_limit,
            latency=latency,
            link_ttl=link_ttl,
            route_prefix=f"/{prefix}" if prefix else "",
            clock=clock,
        )
        self.stats = EmulatorStats()
        self.requests: list[RecordedRequest] = []
        self._store = Store(self._settings, self.stats)
        self._custom = CustomOps(self._settings)
        self._images = ImageOps(self._settings, self.stats, self._store, self._custom.available)
        self._faults: list[_Fault] = []
        self.webhooks = WebhookSender(clock=clock)
        # v2 routes and jobs (``emulator.v2.job_delay``...); webhooks through ``self.webhooks``.
        self.v2 = V2Emulator(self._settings, self.stats, self._store, lambda: self.webhooks)
        self._routes = self._make_routes()

    def __repr__(self) -> str:
        return f"<Emulator route_prefix={self._settings.route_prefix!r}>"

    @property
    def route_prefix(self) -> str:
        """The path every route sits under (``""`` or, say, ``"/ideogram"``)."""
        return self._settings.route_prefix

    @property
    def base_url(self) -> str:
        """The base URL of ``client()`` (in-process; a server is reached at its own address)."""
        return EMULATOR_URL + self._settings.route_prefix

    def transport(self) -> httpx.ASGITransport:
        """An ``httpx`` transport that sends requests to this emulator in-process."""
        return _Transport(app=self)

    def client(self, **kwargs: Any) -> AsyncIdeogram:
        """An ``AsyncIdeogram`` wired to this emulator in-process; ``kwargs`` override defaults.

        The defaults: ``base_url`` ``http://emulator.invalid`` plus the route prefix, the
        emulator's key (or ``"emulator-key"``), and ``transport=self.transport()``.
        """
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "api_key": self._settings.api_key or "emulator-key",
            "transport": self.transport(),
        }
        if "http_client" in kwargs:
            del options["transport"]
        options.update(kwargs)
        return AsyncIdeogram(**options)

    def fail_next(
        self,
        status: int = 500,
        *,
        count: int = 1,
        body: dict[str, Any] | None = None,
        mode: FaultMode = "status",
        path: str | None = None,
        delay: float = 10.0,
    ) -> None:
        """Make the next ``count`` matching requests fail.

        Args:
            status: The status for ``mode="status"``.
            count: How many requests fail.
            body: The JSON body for ``mode="status"``; default ``{"error": ...}`` (a 429 gets
                the body of the in-flight limit, a gateway's without ``announce_limit``).
            mode: ``status`` answers ``status`` with ``body``; ``reset`` drops the connection
                mid-response; ``malformed`` answers 200 with a body that is not JSON; ``slow``
                waits ``delay`` seconds, then answers as usual.
            path: Only requests to this route (``"/v1/ideogram-v3/generate"``, no route
                prefix); ``None`` matches every API request. Image downloads match only a
                ``path`` of ``"/images"``.
            delay: The seconds a ``slow`` answer waits.
        """
        if mode not in ("status", "reset", "malformed", "slow"):
            raise ValueError(f"mode must be status, reset, malformed or slow, got {mode!r}")
        if count < 1 or not 100 <= status <= 599 or delay < 0:
            raise ValueError("count must be at least 1, status 100-599, delay 0 or more")
        prefix = self._settings.route_prefix
        if path is not None and prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        self._faults.append(_Fault(mode, status, body, path, count, delay))

    # --- ASGI -----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI 3 entry point (``http`` and ``lifespan``)."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read(receive)
        if body is None:  # the client went away
            return
        request = self._incoming(scope, body)
        self.stats.requests += 1
        try:
            reply = await self._handle(request)
        except _Reset:
            self._record(request, None)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            await send({"type": "http.response.body", "body": b'{"created":', "more_body": True})
            raise EmulatedConnectionReset("connection reset by the emulator") from None
        self._record(request, reply.status)
        if reply.status == 429:
            self.stats.rate_limited += 1
        headers = [
            (b"content-type", reply.content_type.encode()),
            (b"content-length", str(len(reply.body)).encode()),
            (b"x-request-id", f"emu-{self.stats.requests}".encode()),
            *((name.encode(), value.encode()) for name, value in reply.headers),
        ]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    def _incoming(self, scope: Scope, body: bytes) -> Incoming:
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", ()):
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        server = scope.get("server") or ("localhost", None)
        host = headers.get("host") or (f"{server[0]}:{server[1]}" if server[1] else server[0])
        prefix = self._settings.route_prefix
        path: str = scope["path"]
        if not prefix:
            route = path
        elif path.startswith(prefix + "/"):
            route = path[len(prefix) :]
        else:
            route = ""  # outside the prefix: no route matches
        return Incoming(
            method=scope["method"].upper(),
            path=route,
            full_path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            base_url=f"{scope.get('scheme', 'http')}://{host}{prefix}",
        )

    # --- dispatch -------------------------------------------------------------------------------

    def _make_routes(self) -> list[_Route]:
        def image_op(spec: OpSpec) -> Handler:
            async def handler(request: Incoming) -> Reply:
                return await self._images.run(request, spec)

            return handler

        custom = self._custom
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/datasets", custom.list_datasets),
            ("POST", "/datasets", custom.create_dataset),
            ("GET", "/datasets/(?P<dataset_id>[^/]+)", custom.get_dataset),
            ("POST", "/datasets/(?P<dataset_id>[^/]+)/upload_assets", custom.upload_assets),
            ("POST", "/v1/ideogram-v3/train-model", custom.train),
            ("GET", "/models", custom.list_models),
            ("GET", "/models/(?P<model_id>[^/]+)", custom.get_model),
        ]
        table += [("POST", re.escape(path), image_op(spec)) for path, spec in OPERATIONS.items()]
        table += self.v2.routes()
        routes = [_Route(m, re.compile(p), h) for m, p, h in table]
        for method in ("GET", "HEAD"):
            routes.append(_Route(method, IMAGE_ROUTE, self._serve_image, needs_key=False))
        jwks = re.compile(re.escape(JWKS_ROUTE))
        routes.append(_Route("GET", jwks, self.webhooks.serve_jwks, needs_key=False))
        return routes

    async def _handle(self, request: Incoming) -> Reply:
        matches = [(r, m) for r in self._routes if (m := r.pattern.fullmatch(request.path))]
        if not matches:
            return HTTPError(404, f"No route {request.full_path}").reply()
        chosen = next(((r, m) for r, m in matches if r.method == request.method), None)
        if chosen is None:
            return HTTPError(405, f"Method {request.method} not allowed here").reply()
        route, match = chosen
        fault = self._take_fault(request.path, is_image=not route.needs_key)
        if fault is not None:
            if fault.mode == "reset":
                raise _Reset
            if fault.mode == "malformed":
                return Reply(200, _MALFORMED, "text/html")
            if fault.mode == "status":
                return json_reply(self._fault_body(fault), fault.status)
            await anyio.sleep(fault.delay)
        try:
            if route.needs_key:
                self._authenticate(request)
            return await route.handler(request, **match.groupdict())
        except HTTPError as exc:
            return exc.reply()

    def _take_fault(self, route: str, *, is_image: bool) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(route, is_image):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _fault_body(self, fault: _Fault) -> dict[str, Any]:
        if fault.body is not None:
            return fault.body
        if fault.status == 429 and not self._settings.announce_limit:
            return GATEWAY_429_BODY
        if fault.status == 429:
            return {
                "error": "Emulated rate limit: too many images in flight",
                "reject_reason": "inflight_limit",
                "max_inflight_requests": self._settings.inflight_limit,
            }
        return {"error": f"Emulated failure ({fault.status})"}

    def _authenticate(self, request: Incoming) -> None:
        key = request.headers.get("api-key", "").strip()
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if not key and scheme.lower() == "bearer":
            key = token.strip()
        if not key:
            raise HTTPError(401, "Missing API key: send Api-Key, or Authorization: Bearer")
        expected = self._settings.api_key
        if expected is not None and not hmac.compare_digest(key.encode(), expected.encode()):
            raise HTTPError(401, "Invalid API key")

    async def _serve_image(self, request: Incoming, id: str, ext: str) -> Reply:
        query = parse_qs(request.query_string)
        exp, sig = query.get("exp", [None])[0], query.get("sig", [None])[0]
        image = self._store.open(f"{id}.{ext}", exp, sig)
        body = b"" if request.method == "HEAD" else image.data
        return Reply(200, body, image.content_type, (("cache-control", "private, max-age=86400"),))

    def _record(self, request: Incoming, status: int | None) -> None:
        headers = {
            name: (REDACTED if name != "authorization" else _redact_authorization(value))
            if name in _CREDENTIALS
            else value
            for name, value in request.headers.items()
        }
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.full_path,
                headers=headers,
                fields=_recorded_fields(request),
                query=parse_qs(request.query_string, keep_blank_values=True),
                status=status,
            )
        )


class _Reset(Exception):
    """A ``reset`` fault: ``__call__`` cuts the response short."""


async def _read(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _redact_authorization(value: str) -> str:
    scheme, space, _ = value.partition(" ")
    return f"{scheme} {REDACTED}" if space else REDACTED


def _recorded_fields(request: Incoming) -> dict[str, Any]:
    try:
        fields = read_body(request.headers.get("content-type", ""), request.body)
    except HTTPError:
        return {}

    def described(value: Any) -> Any:
        if isinstance(value, FilePart):
            return {
                "filename": value.filename,
                "content_type": value.content_type,
                "size": len(value.data),
            }
        if isinstance(value, list):
            return [described(item) for item in value]
        return value

    return {name: described(value) for name, value in fields.items()}
