"""What the typed v2 methods share: look the operation up, check, send, and read the answer."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._exceptions import APIResponseParseError
from .._jobs import Job
from .._resources._base import Resource
from ._fields import OPS, Op
from ._request import V2Answer, post, validate
from ._results import DescribeV3Result, DescribeV4Result, GenerationResult, PriceQuote
from ._routes import ROUTES

if TYPE_CHECKING:
    from .._types import RequestOptions

__all__ = ["V2Base", "job_from", "op"]


@functools.cache
def _ops() -> dict[str, Op]:
    return {o.path: o for o in OPS}


def op(path: str) -> Op:
    """The typed operation at ``path`` (after ``/v2/``)."""
    return _ops()[path]


def _reader(o: Op) -> Any:
    if o.result == "describe_v3":
        return DescribeV3Result.from_wire
    if o.result == "describe_v4":
        return DescribeV4Result.from_wire
    return GenerationResult.from_wire


def job_from(client: Any, answer: V2Answer, convert: Any) -> Job[Any]:
    """The job an accepted submission names."""
    generation_id = answer.body.get("generation_id")
    if not isinstance(generation_id, str) or not generation_id:
        raise APIResponseParseError(
            f"{answer.response.request.url.path} accepted the request but named no generation_id",
            request=answer.response.request,
            response=answer.response,
            body=answer.body,
            maybe_billed=True,
        )
    return Job(client.jobs, generation_id, convert)


class V2Base(Resource):
    """The shared machinery of ``client.v2``, ``client.v2.submit`` and ``client.v2.quote``."""

    async def _run(self, path: str, given: Mapping[str, Any], options: RequestOptions) -> Any:
        """Run an operation to its result: at once, or as a job waited on (always-async ones)."""
        o, route = op(path), ROUTES["/v2/" + path]
        fields = validate(o, route, given)
        answer = await post(self._client, route, o, fields, options, weight=_weight(fields))
        if route.mode == "always":
            return await job_from(self._client, answer, _reader(o)).wait()
        return _reader(o)(answer.body, answer.response)

    async def _submit(self, path: str, given: Mapping[str, Any], options: RequestOptions) -> Any:
        """Submit an operation as a job and return its handle at once."""
        o, route = op(path), ROUTES["/v2/" + path]
        fields = validate(o, route, given)
        if route.mode == "opt":
            fields["async"] = True
        answer = await post(self._client, route, o, fields, options, weight=_weight(fields))
        return job_from(self._client, answer, _reader(o))

    async def _quote(
        self, path: str, given: Mapping[str, Any], options: RequestOptions
    ) -> PriceQuote:
        """Price an operation with ``dry_run``: nothing runs, nothing is billed."""
        o, route = op(path), ROUTES["/v2/" + path]
        fields = validate(o, route, given)
        answer = await post(self._client, route, o, fields, options, dry_run=True)
        return PriceQuote.from_wire(answer.body, answer.response)


def _weight(fields: Mapping[str, Any]) -> int:
    number = fields.get("num_images")
    return number if isinstance(number, int) and number > 0 else 1
