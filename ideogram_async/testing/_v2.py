"""The emulator's v2 routes: typed operations, jobs with a delay, the polling limit, quotes.

Every ``/v2`` POST route of the SDK's route table is served. A route the SDK types has its body
checked as the SDK's own validation checks it (422 ``{"error"}`` otherwise); any other route
accepts its body as sent. ``?dry_run=true`` answers a ``price_quote`` on routes that declare
``dry_run``, and 400 on the others (where the real API might run and bill). Jobs (``async``,
``webhook_url``, or a route that only runs asynchronously) complete ``job_delay`` seconds after
they are accepted; ``GET /v2/generations/{id}`` answers with the ``GenerationResponse`` and
enforces the organisation's polling limit (``poll_limit`` per ``poll_window`` seconds, 429 with
``Retry-After`` past it). A finished job with a ``webhook_url`` is delivered through
``emulator.webhooks.deliver(url, generation_id, body)`` when the webhook sender is present:
due deliveries are made before the emulator answers its next v2 request, or by
``await emulator.v2.deliver_due()``.
"""

from __future__ import annotations

import collections
import json
import math
import secrets
from collections.abc import Callable
from typing import Any

import attrs

from .._exceptions import IdeogramValidationError
from .._v2._base import _ops
from .._v2._fields import Op
from .._v2._request import validate
from .._v2._routes import ROUTES, Route
from ._http import HTTPError, Incoming, Reply, json_reply
from ._multipart import FilePart, read_body
from ._png import render
from ._store import EmulatorStats, Settings, Store

__all__ = ["PRICES_USD_MICROS", "V2Emulator", "V2Job"]

PRICES_USD_MICROS: dict[str, int] = {
    "image/generate/ideogram-4-5": 100_000,
    "image/generate/ideogram-4": 60_000,
    "image/generate/ideogram-3": 60_000,
    "image/generate/ideogram-3-character": 150_000,
    "image/generate/z-image": 5_000,
    "image/generate/p-image-ideogram": 10_000,
    "image/upscale/auto": 251_700,
    "image/remove-background/ideogram-1": 10_000,
}
"""Per-image prices the API quoted on 2026-10-10 (``v2-notes.md``); others quote 50,000."""
_ESTIMATED = frozenset({"image/generate/auto", "image/remix/auto"})
_SIZED = ("image/upscale/", "image/reframe/", "image/inpaint/")
_NO_PROMPT = ("image/upscale/", "image/remove-background/", "design/layerize/")


@attrs.define
class V2Job:
    """One emulated generation job."""

    generation_id: str
    path: str
    created: float
    ready_at: float
    body: dict[str, Any]
    webhook_url: str | None = None
    failure_reason: str | None = None
    delivered: bool = False


class V2Emulator:
    """The v2 half of an ``Emulator`` (reached as ``emulator.v2``).

    Attributes:
        job_delay: Seconds from a job's acceptance to its completion.
        poll_limit: Polls allowed per ``poll_window`` seconds (the organisation's limit).
        poll_window: The window of ``poll_limit``, in seconds.
        jobs: Every job accepted, by id.
        polls: Polls answered (429s included); ``poll_rate_limited`` counts the 429s.
    """

    def __init__(
        self,
        settings: Settings,
        stats: EmulatorStats,
        store: Store,
        webhooks: Callable[[], Any],
        *,
        job_delay: float = 0.0,
        poll_limit: int = 1000,
        poll_window: float = 10.0,
    ) -> None:
        self._settings = settings
        self._stats = stats
        self._store = store
        self._webhooks = webhooks
        self.job_delay = job_delay
        self.poll_limit = poll_limit
        self.poll_window = poll_window
        self.jobs: dict[str, V2Job] = {}
        self.polls = 0
        self.poll_rate_limited = 0
        self._poll_times: collections.deque[float] = collections.deque()
        self._fail_next: list[str] = []

    def fail_next_job(self, reason: str = "Emulated failure") -> None:
        """Make the next job accepted end ``failed`` with ``reason``."""
        self._fail_next.append(reason)

    def routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        """``(method, pattern, handler)`` for the emulator's route table."""
        return [
            ("GET", r"/v2/generations/(?P<generation_id>[^/]+)", self.poll),
            ("GET", r"/v2/account/usage", self.usage),
            ("POST", r"/v2/(?P<path>.+)", self.submit),
        ]

    # --- submissions ----------------------------------------------------------------------

    async def submit(self, request: Incoming, path: str) -> Reply:
        """Any ``/v2`` POST route of the table."""
        await self.deliver_due()
        route = ROUTES.get("/v2/" + path)
        if route is None:
            raise HTTPError(404, f"No route /v2/{path}")
        body = _fields(request, route)
        typed = _ops().get(path)
        if typed is not None:
            body = _checked(typed, route, body)
        if ("dry_run", "true") in request.query():
            if not route.dry_run:
                raise HTTPError(400, f"/v2/{path} does not take dry_run")
            return json_reply(self._quote(path, body))
        check_url = getattr(self._webhooks(), "check_url", None)
        if "webhook_url" in body and check_url is not None:
            try:
                check_url(body["webhook_url"])
            except ValueError as exc:
                raise HTTPError(422, f"webhook_url: {exc}") from exc
        as_job = route.mode == "always" or body.get("async") is True or "webhook_url" in body
        given = body.get("seed")
        seed = given if isinstance(given, int) else secrets.randbelow(2**31)
        if route.mode == "sync":
            return json_reply(self._describe(path))
        if as_job:
            job = self._accept(path, route, body, seed, request.base_url)
            answer: dict[str, Any] = {"generation_id": job.generation_id}
            if route.mode == "opt" or path.startswith("image/reframe/"):
                answer["seed"] = seed
            if path.startswith("image/reframe/") and route.mode == "always":
                answer.update(width=1024, height=1024)
            if path.startswith("video/") or path in ("tool/living-image", "tool/product-360-video"):
                answer["created"] = _iso(job.created)
            if path.endswith("ideogram-4-5"):
                answer["generation_kind"] = "sampling"
            return json_reply(answer)
        return json_reply(self._result(path, body, seed, request.base_url, secrets.token_hex(8)))

    def _accept(
        self, path: str, route: Route, body: dict[str, Any], seed: int, base_url: str
    ) -> V2Job:
        now = self._settings.clock()
        generation_id = "gen_" + secrets.token_hex(8)
        result = self._result(path, body, seed, base_url, generation_id)
        job = V2Job(
            generation_id,
            path,
            now,
            now + self.job_delay,
            result,
            webhook_url=body.get("webhook_url"),
            failure_reason=self._fail_next.pop(0) if self._fail_next else None,
        )
        self.jobs[generation_id] = job
        return job

    def _result(
        self, path: str, body: dict[str, Any], seed: int, base_url: str, generation_id: str
    ) -> dict[str, Any]:
        count = _count(body)
        width, height = 64, 64
        data = []
        for index in range(count):
            png = render(path, seed + index, width, height)
            self._stats.images_generated += 1
            url = self._store.put(png, "image/png", base_url)
            item: dict[str, Any] = {"url": url, "is_image_safe": True, "resolution": "1024x1024"}
            if not path.startswith("image/remove-background/"):
                item["seed"] = seed + index
            if not path.startswith(_NO_PROMPT):
                item["prompt"] = str(body.get("prompt", ""))
            if path.startswith("design/layerize/"):
                item.update(object_type="layerized_image", text_blocks=[])
            data.append(item)
        result: dict[str, Any] = {"generation_id": generation_id, "data": data}
        if not path.startswith("image/remove-background/"):
            result["seed"] = seed
        if path.endswith("ideogram-4-5"):
            result["generation_kind"] = "sampling"
        if path.startswith(_SIZED):
            result.update(width=1024, height=1024)
        return result

    def _describe(self, path: str) -> dict[str, Any]:
        common = {"created": _iso(self._settings.clock()), "description_id": secrets.token_hex(8)}
        if path.endswith("ideogram-4"):
            prompt = {
                "high_level_description": "An emulated picture",
                "compositional_deconstruction": {"background": "plain", "elements": []},
            }
            return {**common, "json_prompt": prompt}
        return {**common, "descriptions": [{"text": "An emulated picture"}]}

    def _quote(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        count = _count(body)
        each = PRICES_USD_MICROS.get(path, 50_000)
        estimated = path in _ESTIMATED or path not in PRICES_USD_MICROS
        quote: dict[str, Any] = {
            "object": "price_quote",
            "billing_identifier": path.replace("/", "_").replace("-", "_"),
            "quantity": count,
            "usd_micros": each * count,
            "credit_millis": each * count // 10,
            "qualifier": "estimate" if estimated else "exact",
        }
        if estimated:
            quote["upper_bound_usd_micros"] = 2 * each * count
        return quote

    # --- polling --------------------------------------------------------------------------

    async def poll(self, request: Incoming, generation_id: str) -> Reply:
        """``GET /v2/generations/{id}``, under the organisation's polling limit."""
        now = self._settings.clock()
        self.polls += 1
        times = self._poll_times
        while times and times[0] <= now - self.poll_window:
            times.popleft()
        if len(times) >= self.poll_limit:
            self.poll_rate_limited += 1
            self._stats.rate_limited += 1
            wait = max(1, math.ceil(times[0] + self.poll_window - now))
            reply = HTTPError(429, "Too many polls: 1,000 per 10 seconds per organization")
            return attrs.evolve(reply.reply(), headers=(("retry-after", str(wait)),))
        times.append(now)
        await self.deliver_due()
        job = self.jobs.get(generation_id)
        if job is None:
            raise HTTPError(404, f"No generation {generation_id}")
        return json_reply(self._status(job, now))

    def _status(self, job: V2Job, now: float) -> dict[str, Any]:
        status: dict[str, Any] = {"generation_id": job.generation_id, "created": _iso(job.created)}
        if now < job.ready_at:
            return {**status, "status": "pending"}
        cost = PRICES_USD_MICROS.get(job.path, 50_000) * max(1, len(job.body.get("data", [])))
        if job.failure_reason is not None:
            return {**status, "status": "failed", "failure_reason": job.failure_reason}
        data = [
            {**item, "object_type": item.get("object_type", "image.generation")}
            for item in job.body["data"]
        ]
        return {
            **status,
            "status": "completed",
            "response_type": "url",
            "data": data,
            "usage_cost_usd_micros": cost,
        }

    async def deliver_due(self) -> int:
        """Send the webhooks of finished jobs not yet delivered; returns how many were sent."""
        sender = self._webhooks()
        deliver = getattr(sender, "deliver", None)
        if deliver is None:
            return 0
        now = self._settings.clock()
        sent = 0
        for job in list(self.jobs.values()):
            if job.webhook_url and not job.delivered and now >= job.ready_at:
                job.delivered = True
                body = json.dumps(self._status(job, now)).encode()
                await deliver(job.webhook_url, job.generation_id, body)
                sent += 1
        return sent

    async def usage(self, request: Incoming) -> Reply:
        """``GET /v2/account/usage``: one bucket with one line per kind of job accepted."""
        query = dict(request.query())
        if "start_time" not in query:
            raise HTTPError(422, "start_time is required")
        lines: dict[str, int] = collections.Counter()
        for job in self.jobs.values():
            lines[job.path] += PRICES_USD_MICROS.get(job.path, 50_000)
        items = [
            {
                "product": path.split("/")[1] if "/" in path else path,
                "endpoint": f"/v2/{path}",
                "description": f"Emulated {path}",
                "cost_total": f"{micros / 1_000_000:.6f}",
                "currency_code": "USD",
                "source": "api",
                "billed_units": {"quantity": "1", "unit": "image", "unit_price": "0.05"},
            }
            for path, micros in sorted(lines.items())
        ]
        bucket = {"start_time": query["start_time"], "end_time": _iso(self._settings.clock())}
        return json_reply({"buckets": [{**bucket, "line_items": items}]})


def _fields(request: Incoming, route: Route) -> dict[str, Any]:
    """The body's fields; multipart text parts read back into JSON values where they are."""
    fields = read_body(request.headers.get("content-type", ""), request.body)
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        return fields
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, FilePart) or (
            isinstance(value, list) and value and isinstance(value[0], FilePart)
        ):
            items = value if isinstance(value, list) else [value]
            out[name] = [(p.filename, p.data, p.content_type or "") for p in items]
        elif name in route.json_parts and isinstance(value, str):
            try:
                out[name] = json.loads(value)
            except ValueError as exc:
                raise HTTPError(422, f"{name} must be JSON: {exc}") from exc
        else:
            out[name] = value
    return out


def _checked(op: Op, route: Route, body: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in op.fields}
    unknown = sorted(set(body) - known)
    if unknown:
        raise HTTPError(422, f"Unknown field {unknown[0]!r} for /v2/{op.path}")
    typed: dict[str, Any] = {}
    for spec in op.fields:
        if spec.name not in body:
            continue
        value = body[spec.name]
        kind = spec.kind
        if isinstance(value, str) and kind in ("int", "num", "bool"):
            value = _scalar(spec.name, value, kind)
        if kind == "file" and isinstance(value, list) and len(value) == 1:
            value = value[0]
        typed[spec.name] = value
    try:
        checked = validate(op, route, typed)
    except IdeogramValidationError as exc:
        raise HTTPError(422, str(exc)) from exc
    if body.get("async") is not None:
        checked["async"] = typed.get("async")
    return checked


def _count(body: dict[str, Any]) -> int:
    number = body.get("num_images")
    return number if isinstance(number, int) and number > 0 else 1


def _scalar(name: str, text: str, kind: str) -> Any:
    try:
        if kind == "bool":
            return {"true": True, "false": False}[text]
        return int(text) if kind == "int" else float(text)
    except (KeyError, ValueError) as exc:
        raise HTTPError(422, f"{name}={text!r} is not a valid {kind}") from exc


def _iso(seconds: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat().replace("+00:00", "Z")
