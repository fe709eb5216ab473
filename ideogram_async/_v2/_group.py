"""``client.v2``: the typed operations, their job and quote forms, any other route, and usage."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .._checks import fail
from .._types import USE_CLIENT_DEFAULT
from ._base import _ops, job_from
from ._generated import V2Operations, V2Quotes, V2Submissions
from ._notices import read_json
from ._request import post, validate
from ._results import GenerationResult, PriceQuote, UsageReport
from ._routes import ROUTES, Route

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._jobs import Job
    from .._types import FileInput, RequestOptions

__all__ = ["V2"]


class V2(V2Operations):
    """Ideogram's v2 API: ``/v2/{content}/{action}/{model}``. Every method takes ``RequestOptions``.

    One method per operation and model (``generate_ideogram_4_5``, ``upscale_topaz_bloom_2``):
    each takes exactly the fields that model takes. The same methods on ``submit`` return a
    ``Job`` at once, and on ``quote`` a ``PriceQuote`` (only for operations that declare
    ``dry_run``). ``submit_operation`` reaches every other ``/v2`` route (tools, workflows,
    video). Enum values are lowercase in v2.
    """

    @functools.cached_property
    def submit(self) -> V2Submissions:
        """The operations submitted as jobs: each returns a ``Job`` as soon as it is accepted."""
        return V2Submissions(self._client)

    @functools.cached_property
    def quote(self) -> V2Quotes:
        """Free price quotes (``dry_run``) for the operations that declare them."""
        return V2Quotes(self._client)

    async def submit_operation(
        self,
        path: str,
        *,
        fields: Mapping[str, Any] | None = None,
        files: Mapping[str, FileInput | Sequence[FileInput]] | None = None,
        webhook_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Job[GenerationResult]:
        """Submit any known ``/v2`` operation as a job: tools, workflows, video and the rest.

        The route must be in the SDK's route table (from the 2026-10-07 spec). Files go only in
        the file fields the route declares, within its limits; a route the SDK types (an image
        operation) has its fields checked as its typed method would.

        Args:
            path: The route, as ``/v2/tool/vectorizer`` or ``tool/vectorizer``.
            fields: The body fields (asset identifiers as mappings); never ``async``.
            files: Uploads by field name; one file, or a list for list fields.
            webhook_url: An HTTPS URL Ideogram POSTs the result to.
            **options: Per-call ``RequestOptions``.

        Returns:
            The ``Job``; ``await job.wait()`` gives the ``GenerationResult``.

        Raises:
            IdeogramValidationError: Unknown route, one that answers at once (describe), or a
                field or file the route does not take.
            APIError: The request failed.
        """
        route, body = self._generic(path, fields, files)
        if route.mode == "sync":
            fail("path", path, "an operation that runs as a job (this one answers at once)")
        if webhook_url is not None:
            body["webhook_url"] = webhook_url
        if route.mode == "opt":
            body["async"] = True
        answer = await post(self._client, route, _typed(route), body, options, weight=_weight(body))
        return job_from(self._client, answer, GenerationResult.from_wire)

    async def quote_operation(
        self,
        path: str,
        *,
        fields: Mapping[str, Any] | None = None,
        files: Mapping[str, FileInput | Sequence[FileInput]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> PriceQuote:
        """Price any known ``/v2`` operation that declares ``dry_run``; nothing runs or bills.

        Args:
            path: The route, as ``/v2/tool/vectorizer`` or ``tool/vectorizer``.
            fields: The body fields, as for ``submit_operation``.
            files: Uploads by field name.
            **options: Per-call ``RequestOptions``.

        Returns:
            The ``PriceQuote``.

        Raises:
            IdeogramValidationError: Unknown route, or one that does not declare ``dry_run``
                (a ``dry_run`` sent to it could run and bill).
            APIError: The request failed.
        """
        key = "/v2/" + path.removeprefix("/").removeprefix("v2/")
        if key in ROUTES and not ROUTES[key].dry_run:
            # A dry_run sent to an operation that does not declare it could run and bill.
            fail("path", path, "an operation that declares dry_run")
        route, body = self._generic(path, fields, files)
        answer = await post(self._client, route, _typed(route), body, options, dry_run=True)
        return PriceQuote.from_wire(answer.body, answer.response)

    async def account_usage(
        self,
        *,
        start_time: dt.datetime | str,
        end_time: dt.datetime | str | None = None,
        bucket_width: str | None = None,
        sources: Sequence[Literal["api", "app"]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> UsageReport:
        """Usage and spend of the account (``GET /v2/account/usage``), bucket by bucket.

        Args:
            start_time: The start of the period (a ``datetime`` or an ISO 8601 string).
            end_time: Its end; default now.
            bucket_width: The width of each bucket, as the API names it.
            sources: ``api``, ``app`` or both; default both.
            **options: Per-call ``RequestOptions`` (``extra_body`` adds query fields).

        Returns:
            The ``UsageReport``; money is ``Decimal`` (``cost_total``) and integer USD micros.

        Raises:
            IdeogramValidationError: A parameter is invalid.
            APIError: The request failed.
        """
        query: dict[str, Any] = {"start_time": _iso("start_time", start_time)}
        if end_time is not None:
            query["end_time"] = _iso("end_time", end_time)
        if bucket_width is not None:
            query["bucket_width"] = bucket_width
        if sources is not None:
            for source in sources:
                if source not in ("api", "app"):
                    fail("sources", source, "api or app")
            query["sources"] = list(sources)
        query.update(options.get("extra_body") or {})
        client = self._client
        url = client._base_url + "/v2/account/usage"
        timeout = client._timeout_for(options.get("timeout", USE_CLIENT_DEFAULT))
        headers = {**client._headers, **options.get("extra_headers", {})}

        def build() -> httpx.Request:
            return client._http.build_request(
                "GET", url, headers=headers, params=query, timeout=timeout
            )

        response = await client._send(build, weight=1, policy=client._policy)
        return UsageReport.from_wire(read_json("/v2/account/usage", response), response)

    def _generic(
        self,
        path: str,
        fields: Mapping[str, Any] | None,
        files: Mapping[str, Any] | None,
    ) -> tuple[Route, dict[str, Any]]:
        key = "/v2/" + path.removeprefix("/").removeprefix("v2/")
        route = ROUTES.get(key)
        if route is None:
            fail("path", path, "a /v2 route the SDK knows (see ideogram_async.V2_ROUTES)")
        body = dict(fields or {})
        for reserved in ("async", "dry_run"):
            if reserved in body:
                fail(f"fields[{reserved!r}]", body[reserved], "left to the SDK")
        for name, value in (files or {}).items():
            if name not in route.files:
                allowed = ", ".join(route.files) or "no files"
                fail(f"files[{name!r}]", "a file", f"a file field of {route.path}: {allowed}")
            body[name] = value
        typed = _typed(route)
        if typed is not None:
            known = {f.name for f in typed.fields}
            for name in body:
                if name not in known and name != "webhook_url":
                    fail(name, body[name], f"a field of {route.path}: " + ", ".join(sorted(known)))
            body = validate(typed, route, body)
        else:
            for name, limit in route.files.items():
                if name in body:
                    value = body[name]
                    items = list(value) if isinstance(value, list) else [value]
                    if limit is None and len(items) != 1:
                        fail(name, f"{len(items)} files", "one file")
                    if limit and len(items) > limit:
                        fail(name, f"{len(items)} files", f"at most {limit} files")
                    body[name] = items
        return route, body


def _typed(route: Route) -> Any:
    return _ops().get(route.path.removeprefix("/v2/"))


def _weight(fields: Mapping[str, Any]) -> int:
    number = fields.get("num_images")
    return number if isinstance(number, int) and number > 0 else 1


def _iso(name: str, value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value:
        return value
    fail(name, value, "a datetime or an ISO 8601 string")
