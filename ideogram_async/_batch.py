"""``Batch``: many calls through one client, every image saved, nothing paid for twice.

The batch is a client of the public API. Its calls wait in the client's in-flight budget,
which does the limiting; the batch only bounds how many calls are under way (``concurrency``)
so that 10,000 items do not make 10,000 waiting tasks. Each call goes queued -> sent ->
(accepted, with a job id) -> answered -> saved, and each step is journalled in the manifest
before the next, so a resumed batch skips what is finished and never sends a finished call
again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import anyio
import attrs

from ._batch_files import check_output_dir, file_stem, save_image
from ._batch_models import (
    BatchEvent,
    BatchImage,
    BatchItem,
    BatchItemError,
    BatchProgress,
    BatchReport,
    BatchResult,
    CostEstimate,
    EventKind,
)
from ._batch_ops import BatchOperation, BatchSubmission, operation_for
from ._batch_plan import Part, PartStatus, PlannedItem, estimate, plan
from ._exceptions import (
    AuthenticationError,
    IdeogramError,
    PaymentRequiredError,
    PermissionDeniedError,
)
from ._manifest import Manifest
from ._prices import PriceTable

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from ._client import AsyncIdeogram

__all__ = ["Batch", "estimate_batch"]

# Answers from the API after which every later call would fail alike: stop sending.
_STOPS_BATCH = (AuthenticationError, PaymentRequiredError, PermissionDeniedError)
# What an item's call may raise and still be just that item's failure.
_ITEM_FAILURES = (IdeogramError, OSError, TypeError, ValueError)
_INTERRUPTED = BatchItemError("Interrupted", "the batch was cancelled first", "interrupted")


class Batch:
    """Run many calls of image operations through one client, saving every image.

    Use it as an async context manager and iterate over the results as items end, or
    ``await batch.run()`` for every result in input order::

        async with Batch(client, ["a fox", "an owl"], out_dir="out") as batch:
            async for result in batch:
                print(result.index, result.status, result.files)

    One failing item never stops the others: each ends ``done`` (its images saved) or with a
    typed error. After a 401, 402 or 403 from the API no further call is sent and the items
    left are ``skipped``. ``cancel()`` stops the batch promptly: calls in flight are
    cancelled (their budget places given back) and the items left end ``interrupted``.

    With a ``manifest``, every call is journalled; running the same items with the same
    manifest again skips finished items, downloads again only images whose files are
    missing, and sends failed items again only with ``retry_failed``.

    Args:
        client: The client; its in-flight budget limits the calls.
        items: The work: ``BatchItem``s, prompts (``str``), or parameter mappings.
        operation: The operation of items that name none: a name such as ``"v3.generate"``
            or ``"legacy.remix"``, or a ``BatchOperation`` adapter.
        out_dir: Where images are saved (created if needed, and checked writable before any
            call); ``None`` saves nothing, and results keep only the links.
        manifest: The manifest's path (or a ``Manifest``); ``None`` for none (no resume).
        retry_failed: Send again items that failed in an earlier run of the manifest.
        prices: The price table for estimates and the cost cap; default Ideogram's list prices.
        max_cost_usd_micros: Stop sending once the cost of this run's calls would pass it.
        concurrency: The most calls under way at once (waiting for the budget, in flight, or
            downloading); default twice the budget's capacity, at least 4.
        on_event: Called with each ``BatchEvent`` (progress) as it happens.

    Raises:
        ValueError: An item is malformed, names no known operation, or a cost cap is set and
            an item's operation has no price.
        TypeError: An item's parameters cannot be keyed (an open file object without a name).
    """

    def __init__(
        self,
        client: AsyncIdeogram,
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
    ) -> None:
        if max_cost_usd_micros is not None and max_cost_usd_micros < 0:
            raise ValueError("max_cost_usd_micros must be 0 or more")
        if concurrency is not None and concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._client = client
        self._default_operation = operation_for(operation)
        self._out_dir = None if out_dir is None else Path(out_dir).expanduser().absolute()
        self._manifest = Manifest(manifest) if isinstance(manifest, (str, Path)) else manifest
        self._retry_failed = retry_failed
        self._prices = prices if prices is not None else PriceTable.ideogram()
        self._cap = max_cost_usd_micros
        self._concurrency = concurrency or max(4, 2 * client.inflight_budget.capacity)
        self._on_event = on_event
        self._items = plan(
            items,
            operation=self._default_operation,
            manifest=self._manifest,
            prices=self._prices,
            saving=self._out_dir is not None,
            retry_failed=retry_failed,
        )
        self._estimate = estimate(self._items)
        if self._cap is not None and self._estimate.unpriced:
            index = self._estimate.unpriced[0]
            raise ValueError(
                f"item {index} ({self._items[index].operation.name}) has no price in the table, "
                "so a cost cap cannot be kept: add its price (PriceTable.with_prices)"
            )

        self._results: dict[int, BatchResult] = {}
        self._progress = BatchProgress(
            total=len(self._items), estimated_usd_micros=self._estimate.usd_micros
        )
        self._spent = 0
        self._committed = 0
        self._stopped: BatchItemError | None = None
        self._capped = False
        self._cancelled = False
        self._started = False
        self._task_group: TaskGroup | None = None
        self._work_scope = anyio.CancelScope()
        self._failure: BaseException | None = None

    def __repr__(self) -> str:
        return f"<Batch items={len(self._items)} finished={self._progress.finished}>"

    # --- planning -----------------------------------------------------------------------------

    def estimate(self) -> CostEstimate:
        """What the calls still to send would cost, from the manifest and the price table.

        Nothing is sent: this is what ``--dry-run`` prints.
        """
        return self._estimate

    @property
    def progress(self) -> BatchProgress:
        """The counters now."""
        return self._progress

    # --- running ------------------------------------------------------------------------------

    async def __aenter__(self) -> Batch:
        if self._started:
            raise RuntimeError("a Batch runs once; make a new one to run again")
        self._started = True
        if self._out_dir is not None:
            # Before any call: a paid image must never find nowhere to go.
            from anyio import to_thread

            await to_thread.run_sync(check_output_dir, self._out_dir)
        self._send, self._receive = anyio.create_memory_object_stream[BatchResult](math.inf)
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        task_group.start_soon(self._run)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None
        if exc is not None:
            # The body's own exception propagates as it is, not wrapped in a group.
            self._task_group.cancel_scope.cancel()
        try:
            await self._task_group.__aexit__(None, None, None)
        finally:
            self._receive.close()
            if self._manifest is not None:
                self._manifest.close()
        if self._failure is not None and exc is None:
            raise self._failure
        return None

    def __aiter__(self) -> Batch:
        return self

    async def __anext__(self) -> BatchResult:
        if not self._started:
            raise RuntimeError("iterate over a Batch inside `async with batch:`")
        try:
            return await self._receive.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def run(self) -> BatchReport:
        """Run every item; the report, with every result in input order.

        Returns:
            The report; after ``cancel()`` it is ``interrupted`` and the items left are too.

        Raises:
            IdeogramValidationError: ``out_dir`` is not a folder that can be written.
            ManifestError: Another batch holds the manifest.
        """
        async with self:
            async for _ in self:
                pass
        return self.report()

    def cancel(self) -> None:
        """Stop: cancel the calls under way, send nothing more; the items left end
        ``interrupted``. Safe to call from an event callback or a signal handler's task."""
        self._cancelled = True
        self._work_scope.cancel()

    def report(self) -> BatchReport:
        """Every result so far in input order; items not ended are ``interrupted``."""
        results = [
            self._results.get(state.index) or self._result(state, unfinished="interrupted")
            for state in self._items
        ]
        return BatchReport(
            results=results,
            interrupted=any(result.status == "interrupted" for result in results),
            stopped_by=self._stopped,
            cost_usd_micros=self._spent,
            estimate=self._estimate,
        )

    async def _run(self) -> None:
        try:
            with self._work_scope:
                for state in self._items:
                    for part in state.parts:
                        if part.action in ("finished", "failed"):
                            self._resolve_resumed(part)
                    if all(part.status != "pending" for part in state.parts):
                        self._end_item(state)
                work = iter(
                    [p for state in self._items for p in state.parts if p.status == "pending"]
                )
                async with anyio.create_task_group() as workers:
                    for _ in range(self._concurrency):
                        workers.start_soon(self._worker, work)
            if self._cancelled:
                self._end_all("interrupted")
        except Exception as exc:  # the journal cannot be written, or a callback failed
            self._failure = _single(exc)
            self._task_group_cancel()
        finally:
            self._send.close()

    def _task_group_cancel(self) -> None:
        if self._task_group is not None:
            self._task_group.cancel_scope.cancel()

    async def _worker(self, work: Iterator[Part]) -> None:
        for part in work:
            await self._run_part(part)
            if part.status != "pending":
                self._end_part(part)

    async def _run_part(self, part: Part) -> None:
        if part.action == "download":
            self._resolve_answered(part, resumed=True)
            await self._download(part, adopt=True)
            part.status = "done"
            return
        if part.action == "send":
            skip = self._refusal(part)
            if skip is not None:
                part.status, part.error = "skipped", skip
                return
        submission = await self._call(part)
        if submission is None:
            return
        await self._answered(part, submission)
        await self._download(part, adopt=False)
        part.status = "done"

    def _refusal(self, part: Part) -> BatchItemError | None:
        """Why ``part`` must not be sent now, if it must not."""
        if self._stopped is not None:
            return BatchItemError(
                "Skipped",
                f"not sent: an earlier call failed with {self._stopped.type}",
                "skipped",
                self._stopped.status_code,
            )
        over = self._cap is not None and (
            self._capped or self._spent + self._committed + (part.cost or 0) > self._cap
        )
        if over:
            self._capped = True
            return BatchItemError(
                "Skipped",
                f"not sent: it would take the cost past the cap of {self._cap} USD micros",
                "skipped",
            )
        return None

    async def _call(self, part: Part) -> BatchSubmission | None:
        """Send (or resume) the call; ``None`` when it failed (``part`` says how)."""
        state = part.item
        if part.action == "send":
            self._committed += part.cost or 0
        self._update(in_flight=self._progress.in_flight + 1)
        try:
            if part.action == "resume":
                assert part.record is not None
                assert part.record.job_id is not None
                part.job_id = part.record.job_id
                submission = await state.operation.resume(self._client, part.job_id)
            else:
                await self._journal(
                    {
                        "event": "sent",
                        "key": part.key,
                        "operation": state.operation.name,
                        "item": state.index,
                        "images": part.images,
                    }
                )
                self._emit("sent", state)
                submission = await state.operation.submit(
                    self._client, part.params, state.item.extra_body
                )
            if submission.job is not None:
                part.job_id = submission.job.id
                await self._journal({"event": "accepted", "key": part.key, "job_id": part.job_id})
                self._emit("accepted", state, job_id=part.job_id)
                submission = attrs.evolve(submission, result=await submission.job.wait())
        except _ITEM_FAILURES as exc:
            error = BatchItemError.from_exception(exc, "request")
            part.status, part.error = "failed", error
            if part.action == "send":
                self._committed -= part.cost or 0
                if error.maybe_billed:
                    self._spent += part.cost or 0
            if isinstance(exc, _STOPS_BATCH) and self._stopped is None:
                self._stopped = error
            await self._journal({"event": "failed", "key": part.key, "error": error.to_json()})
            return None
        finally:
            self._update(in_flight=self._progress.in_flight - 1)
        if part.action == "send":
            self._committed -= part.cost or 0
        return submission

    async def _answered(self, part: Part, submission: BatchSubmission) -> None:
        """Journal the answer (its links, before any download), and count its cost."""
        result = submission.result
        images = [
            BatchImage(
                url=getattr(image, "url", None),
                seed=getattr(image, "seed", None),
                resolution=_text_or_none(getattr(image, "resolution", None)),
                is_image_safe=bool(getattr(image, "is_image_safe", True)),
            )
            for image in getattr(result, "data", None) or ()
        ]
        cost = submission.cost_usd_micros
        if cost is None:
            cost = part.cost if part.action == "send" else 0
        part.saved = images
        part.spent = cost
        part.request_id = getattr(result, "request_id", None)
        self._spent += cost or 0
        await self._journal(
            {
                "event": "answered",
                "key": part.key,
                "request_id": part.request_id,
                "cost_usd_micros": cost,
                "images": [image.to_json() for image in images],
            }
        )
        self._emit("answered", part.item)

    async def _download(self, part: Part, *, adopt: bool) -> None:
        """Save each safe image not saved yet; a failure is that image's error."""
        if self._out_dir is None:
            return
        saved = part.record.saved if part.record is not None else {}
        for number, image in enumerate(part.saved):
            if image.url is None or not image.is_image_safe:
                continue
            existing = saved.get(number)
            if existing is not None and Path(existing).is_file():
                part.saved[number] = attrs.evolve(image, path=Path(existing))
                continue
            stem = file_stem(part.item.index, part.item.slug, image.seed)
            try:
                path = await save_image(self._client, image.url, self._out_dir, stem, adopt=adopt)
            except (IdeogramError, OSError) as exc:
                error = BatchItemError.from_exception(
                    exc, "save" if isinstance(exc, OSError) else "download"
                )
                part.saved[number] = attrs.evolve(image, error=error)
                part.error = part.error or error
                await self._journal(
                    {
                        "event": "download_failed",
                        "key": part.key,
                        "image": number,
                        "error": error.to_json(),
                    }
                )
                continue
            part.saved[number] = attrs.evolve(image, path=path)
            await self._journal(
                {"event": "saved", "key": part.key, "image": number, "file": str(path)}
            )
            self._update(images_saved=self._progress.images_saved + 1)
            self._emit("saved", part.item, path=path)

    def _resolve_answered(self, part: Part, *, resumed: bool) -> None:
        """Fill ``part`` from its manifest answer."""
        assert part.record is not None
        assert part.record.answer is not None
        answer = part.record.answer
        part.saved = [
            BatchImage(
                url=image.get("url"),
                seed=image.get("seed"),
                resolution=image.get("resolution"),
                is_image_safe=bool(image.get("is_image_safe", True)),
            )
            for image in answer.get("images") or ()
        ]
        part.request_id = answer.get("request_id")
        part.job_id = part.record.job_id
        part.spent = 0 if resumed else answer.get("cost_usd_micros")

    def _resolve_resumed(self, part: Part) -> None:
        """A call finished (or failed) in an earlier run: its result, from the manifest."""
        assert part.record is not None
        if part.action == "failed":
            assert part.record.failure is not None
            part.status, part.error = "failed", BatchItemError.from_json(part.record.failure)
            part.spent = 0
            return
        self._resolve_answered(part, resumed=True)
        saved = part.record.saved
        for number, image in enumerate(part.saved):
            if number in saved:
                part.saved[number] = attrs.evolve(image, path=Path(saved[number]))
        part.status = "done"

    # --- ending items -------------------------------------------------------------------------

    def _end_part(self, part: Part) -> None:
        state = part.item
        if not state.ended and all(p.status != "pending" for p in state.parts):
            self._end_item(state)

    def _end_item(self, state: PlannedItem) -> None:
        state.ended = True
        result = self._result(state)
        self._results[state.index] = result
        progress = self._progress
        if result.status == "done":
            changes = {"done": progress.done + 1}
        elif result.status == "failed":
            changes = {"failed": progress.failed + 1}
        else:
            changes = {"skipped": progress.skipped + 1}
        if result.resumed:
            changes["resumed"] = progress.resumed + 1
        self._update(**changes)
        kind: EventKind = "skipped"
        if result.status in ("done", "failed"):
            kind = "done" if result.status == "done" else "failed"
        self._emit(kind, state, result=result)
        self._send.send_nowait(result)

    def _end_all(self, status: PartStatus) -> None:
        for state in self._items:
            if state.ended:
                continue
            for part in state.parts:
                if part.status == "pending":
                    part.status = status
                    part.error = _INTERRUPTED
            self._end_item(state)

    def _result(self, state: PlannedItem, unfinished: PartStatus | None = None) -> BatchResult:
        statuses = [
            unfinished if part.status == "pending" and unfinished else part.status
            for part in state.parts
        ]
        errors = [part.error for part in state.parts if part.error is not None]
        if "failed" in statuses or (errors and errors[0].stage in ("download", "save")):
            status: Literal["done", "failed", "skipped", "interrupted"] = "failed"
        elif "interrupted" in statuses:
            status = "interrupted"
        elif "skipped" in statuses:
            status = "skipped"
        else:
            status = "done"
        error = errors[0] if errors else None
        if error is None and status == "interrupted":
            error = _INTERRUPTED
        spent = [part.spent for part in state.parts]
        return BatchResult(
            index=state.index,
            item=state.item,
            key=state.key,
            status=status,
            images=tuple(image for part in state.parts for image in part.saved),
            error=error,
            resumed=all(part.resumed for part in state.parts),
            cost_usd_micros=None if None in spent else sum(s or 0 for s in spent),
            request_ids=tuple(p.request_id for p in state.parts if p.request_id),
            job_ids=tuple(p.job_id for p in state.parts if p.job_id),
        )

    # --- journal and events -------------------------------------------------------------------

    async def _journal(self, event: Mapping[str, Any]) -> None:
        if self._manifest is not None:
            await self._manifest.append(event)

    def _update(self, **changes: int) -> None:
        if self._spent != self._progress.cost_usd_micros:
            changes["cost_usd_micros"] = self._spent
        self._progress = attrs.evolve(self._progress, **changes)

    def _emit(
        self,
        kind: EventKind,
        state: PlannedItem,
        *,
        result: BatchResult | None = None,
        path: Path | None = None,
        job_id: str | None = None,
    ) -> None:
        if self._spent != self._progress.cost_usd_micros:
            self._update()
        if self._on_event is not None:
            self._on_event(BatchEvent(kind, state.index, self._progress, result, path, job_id))


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def estimate_batch(
    items: Iterable[BatchItem | str | Mapping[str, Any]],
    *,
    operation: str | BatchOperation = "v3.generate",
    manifest: str | Path | Manifest | None = None,
    retry_failed: bool = False,
    prices: PriceTable | None = None,
    saving: bool = True,
) -> CostEstimate:
    """What running ``items`` would cost, without a client and without sending anything.

    It reads the manifest (if any) as ``Batch`` would, so calls already finished cost nothing.

    Args:
        items: The work, as for ``Batch``.
        operation: The operation of items that name none.
        manifest: The manifest a run would use.
        retry_failed: Count items that failed in the manifest as to be sent again.
        prices: The price table; default Ideogram's list prices.
        saving: Whether the run saves images (an ``out_dir``): then answered calls whose
            files are missing count as finished, to be downloaded again at no cost.

    Returns:
        The estimate.

    Raises:
        ManifestError: The manifest is not a batch manifest.
        ValueError: An item is malformed or names no known operation.
    """
    return estimate(
        plan(
            items,
            operation=operation_for(operation),
            manifest=Manifest(manifest) if isinstance(manifest, (str, Path)) else manifest,
            prices=prices if prices is not None else PriceTable.ideogram(),
            saving=saving,
            retry_failed=retry_failed,
        )
    )


def _single(exc: BaseException) -> BaseException:
    """The one exception inside (nested) exception groups of one, else ``exc``."""
    inner = getattr(exc, "exceptions", None)
    while inner is not None and len(inner) == 1:
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    return exc
