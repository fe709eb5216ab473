"""``client.batches``: the batch engine as an operation group (so it has a sync twin)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .._batch import Batch, estimate_batch
from .._batch_models import BatchEvent, BatchItem, BatchReport, CostEstimate
from .._batch_ops import BatchOperation
from .._manifest import Manifest
from .._prices import PriceTable
from ._base import Resource

__all__ = ["Batches"]


class Batches(Resource):
    """Many calls of the image operations, every image saved; see ``Batch`` for the details.

    For results as items end, use ``Batch`` itself (``async with Batch(client, items) as
    batch: async for result in batch``).
    """

    async def run(
        self,
        items: Iterable[BatchItem | str | Mapping[str, Any]],
        *,
        operation: str | BatchOperation = "v3.generate",
        out_dir: str | Path | None = None,
        manifest: str | Path | Manifest | None = None,
        retry_failed: bool = False,
        prices: PriceTable | None = None,
        max_cost_usd_micros: int | None = None,
        concurrency: int | None = None,
        on_event: Callable[[BatchEvent], object] | None = None,
    ) -> BatchReport:
        """Run every item through this client; the report, every result in input order.

        Args:
            items: ``BatchItem``s, prompts, or parameter mappings.
            operation: The operation of items that name none (``"v3.generate"``, ...).
            out_dir: Where images are saved (checked writable before any call); ``None``
                keeps the links only.
            manifest: The manifest's path, for resuming; ``None`` for none.
            retry_failed: Send again items that failed in an earlier run of the manifest.
            prices: The price table; default Ideogram's list prices.
            max_cost_usd_micros: Stop sending once this run's cost would pass it.
            concurrency: The most calls under way at once; default twice the budget.
            on_event: Called with each ``BatchEvent``.

        Returns:
            The report.

        Raises:
            IdeogramValidationError: ``out_dir`` cannot be written.
            ManifestError: Another batch holds the manifest.
            ValueError: An item is malformed, or a cap is set and an item has no price.
        """
        batch = Batch(
            self._client,
            items,
            operation=operation,
            out_dir=out_dir,
            manifest=manifest,
            retry_failed=retry_failed,
            prices=prices,
            max_cost_usd_micros=max_cost_usd_micros,
            concurrency=concurrency,
            on_event=on_event,
        )
        return await batch.run()

    def estimate(
        self,
        items: Iterable[BatchItem | str | Mapping[str, Any]],
        *,
        operation: str | BatchOperation = "v3.generate",
        manifest: str | Path | Manifest | None = None,
        retry_failed: bool = False,
        prices: PriceTable | None = None,
    ) -> CostEstimate:
        """What running ``items`` would cost; nothing is sent.

        Args:
            items: As for ``run``.
            operation: As for ``run``.
            manifest: The manifest a run would use: calls finished in it cost nothing.
            retry_failed: Count items failed in the manifest as to be sent again.
            prices: The price table; default Ideogram's list prices.

        Returns:
            The estimate.
        """
        return estimate_batch(
            items, operation=operation, manifest=manifest, retry_failed=retry_failed, prices=prices
        )
