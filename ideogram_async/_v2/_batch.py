"""The batch engine's adapter for v2 operations: each call runs as a job.

``Batch(..., operation="v2.generate_ideogram_4_5")`` submits every call through
``client.v2.submit``; the engine records the job id in its manifest the moment the job is
accepted, and a resumed batch polls that job (``client.jobs.get``) instead of paying again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .._batch_models import BatchItem, CostEstimate
from .._batch_ops import MAX_IMAGES_PER_CALL, BatchOperation, BatchSubmission, operation_for
from .._batch_plan import estimate, plan
from .._manifest import Manifest
from .._prices import PriceTable
from ._routes import ROUTES

if TYPE_CHECKING:
    from .._client import AsyncIdeogram

__all__ = ["V2JobOperation", "quote_batch", "v2_operation"]


@attrs.frozen
class V2JobOperation:
    """A v2 operation run as a job, by its method name (``v2.generate_ideogram_4_5``)."""

    name: str
    max_images_per_call: int = MAX_IMAGES_PER_CALL
    quotable: bool = False  # the route declares dry_run

    async def submit(
        self, client: AsyncIdeogram, params: Mapping[str, Any], extra_body: Any
    ) -> BatchSubmission:
        """Submit one call as a job; the engine waits for it."""
        method = getattr(client.v2.submit, self.name.removeprefix("v2."))
        options = {"extra_body": extra_body} if extra_body else {}
        return BatchSubmission(job=await method(**params, **options))

    async def resume(self, client: AsyncIdeogram, job_id: str) -> BatchSubmission:
        """The job accepted earlier, to poll: never a new submission."""
        return BatchSubmission(job=client.jobs.get(job_id))


def v2_operation(name: str) -> V2JobOperation:
    """The adapter for ``v2.<method>``.

    Raises:
        ValueError: No v2 operation that runs as a job has that method name.
    """
    from ._base import _ops  # the typed operations load on first use

    method = name.removeprefix("v2.")
    for op in _ops().values():
        if op.method == method and ROUTES["/v2/" + op.path].mode != "sync":
            takes_count = any(f.name == "num_images" for f in op.fields)
            most = MAX_IMAGES_PER_CALL if takes_count else 1
            return V2JobOperation(name, most, quotable=ROUTES["/v2/" + op.path].dry_run)
    raise ValueError(f"no v2 operation {name!r} that runs as a job")


async def quote_batch(
    client: AsyncIdeogram,
    items: Iterable[BatchItem | str | Mapping[str, Any]],
    *,
    operation: str | BatchOperation = "v3.generate",
    manifest: str | Path | Manifest | None = None,
    retry_failed: bool = False,
    prices: PriceTable | None = None,
    saving: bool = True,
) -> CostEstimate:
    """What running ``items`` would cost: v2 calls priced by the API's free quotes.

    Like ``estimate_batch``, but every call still to send of a v2 operation that declares
    ``dry_run`` is priced by a quote (nothing runs or bills); other calls are priced by the
    price table, as ``estimate_batch`` prices them.

    Args:
        client: The client that sends the quotes.
        items: The work, as for ``Batch``.
        operation: The operation of items that name none.
        manifest: The manifest a run would use (finished calls cost nothing).
        retry_failed: Count items that failed in the manifest as to be sent again.
        prices: The price table for calls without quotes; default Ideogram's list prices.
        saving: Whether the run saves images, as for ``estimate_batch``.

    Returns:
        The estimate.

    Raises:
        ManifestError: The manifest is not a batch manifest.
        ValueError: An item is malformed or names no known operation.
        APIError: A quote failed.
    """
    planned = plan(
        items,
        operation=operation_for(operation),
        manifest=Manifest(manifest) if isinstance(manifest, (str, Path)) else manifest,
        prices=prices if prices is not None else PriceTable.ideogram(),
        saving=saving,
        retry_failed=retry_failed,
    )
    for state in planned:
        op = state.operation
        if not isinstance(op, V2JobOperation) or not op.quotable:
            continue
        method = getattr(client.v2.quote, op.name.removeprefix("v2."))
        for part in state.parts:
            if part.action == "send":
                extra = {"extra_body": state.item.extra_body} if state.item.extra_body else {}
                part.cost = (await method(**part.params, **extra)).usd_micros
    return estimate(planned)
