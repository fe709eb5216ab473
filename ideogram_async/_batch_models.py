"""What a batch takes and gives back: items, their results, progress events and the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

__all__ = [
    "BatchEvent",
    "BatchItem",
    "BatchProgress",
    "BatchReport",
    "CostEstimate",
    "BatchItemError",
    "BatchResult",
    "BatchImage",
]

ItemStatus = Literal["done", "failed", "skipped", "interrupted"]
"""How an item ended: ``done`` (every image it made is saved, or it made none that was safe),
``failed`` (a typed error), ``skipped`` (never sent: the batch stopped, or the cost cap was
reached), ``interrupted`` (the batch was cancelled first)."""

Stage = Literal["request", "download", "save", "skipped", "interrupted"]
"""Where an item failed: the API call, the image download, writing the file; or that it was
never sent (``skipped``, ``interrupted``)."""

EventKind = Literal["sent", "accepted", "answered", "saved", "done", "failed", "skipped"]
"""``sent``: a call went out; ``accepted``: the API answered with a job id; ``answered``: a call
came back with its images; ``saved``: an image file was written; ``done``, ``failed``,
``skipped``: an item ended (``result`` is set)."""


@attrs.frozen
class BatchItem:
    """One piece of work: the parameters of one operation call.

    ``num_images`` may be more than one call allows: the batch splits the item into several
    calls (with consecutive seeds, when a ``seed`` is given).

    Attributes:
        params: The operation's keyword arguments (``prompt``, ``num_images``, files...).
        operation: ``"v3.generate"``, ``"legacy.remix"``, ...; ``None`` for the batch's.
        extra_body: Fields sent as they are (the SDK's ``extra_body`` option).
        name: The start of the item's file names; default a short form of its prompt.
        tag: Anything the caller wants back with the result (a line number...); not sent.
    """

    params: Mapping[str, Any] = attrs.field(factory=dict)
    operation: str | None = None
    extra_body: Mapping[str, Any] | None = None
    name: str | None = None
    tag: Any = attrs.field(default=None, eq=False)

    @classmethod
    def prompt(cls, prompt: str, **params: Any) -> BatchItem:
        """An item for a prompt: ``BatchItem.prompt("a fox", num_images=2)``."""
        return cls({"prompt": prompt, **params})


@attrs.frozen
class BatchItemError:
    """Why an item (or one of its images) failed.

    Attributes:
        type: The exception's class name (``RateLimitError``, ``DownloadError``...), or
            ``Skipped`` / ``Interrupted``.
        message: What went wrong.
        stage: ``request``, ``download``, ``save``, ``skipped`` or ``interrupted``.
        status_code: The HTTP status, when there was one.
        maybe_billed: Whether the request may have run and been billed.
        exception: The exception itself (``None`` when read back from a manifest).
    """

    type: str
    message: str
    stage: Stage
    status_code: int | None = None
    maybe_billed: bool = False
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_exception(cls, exc: BaseException, stage: Stage) -> BatchItemError:
        """The error for ``exc``, raised at ``stage``."""
        return cls(
            type=type(exc).__name__,
            message=str(exc),
            stage=stage,
            status_code=getattr(exc, "status_code", None),
            maybe_billed=bool(getattr(exc, "maybe_billed", False)),
            exception=exc,
        )

    def to_json(self) -> dict[str, Any]:
        """The error as plain JSON data."""
        return {
            "type": self.type,
            "message": self.message,
            "stage": self.stage,
            "status_code": self.status_code,
            "maybe_billed": self.maybe_billed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BatchItemError:
        """An error written by ``to_json``."""
        return cls(
            type=str(data.get("type", "Error")),
            message=str(data.get("message", "")),
            stage=data.get("stage", "request"),
            status_code=data.get("status_code"),
            maybe_billed=bool(data.get("maybe_billed", False)),
        )


@attrs.frozen
class BatchImage:
    """One image an item made, and the file it was saved to.

    Attributes:
        url: Its link (``None`` when it failed the safety check); links expire.
        seed: Its seed, when the operation reports one.
        resolution: Its resolution (``"1024x1024"``), when reported.
        is_image_safe: Whether it passed the safety check.
        path: The file written, or ``None`` (unsafe, or its download failed: see ``error``).
        error: Why it was not saved, when it should have been.
    """

    url: str | None
    seed: int | None = None
    resolution: str | None = None
    is_image_safe: bool = True
    path: Path | None = None
    error: BatchItemError | None = None

    def to_json(self) -> dict[str, Any]:
        """The image as plain JSON data."""
        return {
            "file": None if self.path is None else str(self.path),
            "seed": self.seed,
            "url": self.url,
            "resolution": self.resolution,
            "is_image_safe": self.is_image_safe,
        }


@attrs.frozen
class BatchResult:
    """How one item ended.

    Attributes:
        index: The item's position in the batch, from 0.
        item: The item.
        key: Its stable key in the manifest (a hash of its operation and parameters).
        status: ``done``, ``failed``, ``skipped`` or ``interrupted``.
        images: Every image its calls made, in order, saved or not.
        error: The first failure, or ``None``.
        resumed: Nothing was sent for it in this run: its result comes from the manifest
            (images missing on disk may have been downloaded again).
        cost_usd_micros: What its calls cost at the batch's prices (``None`` if unpriced;
            ``0`` when nothing was sent in this run).
        request_ids: The server's request ids, when it sends them.
        job_ids: The job ids of calls the API answered with a job.
    """

    index: int
    item: BatchItem
    key: str
    status: ItemStatus
    images: Sequence[BatchImage] = ()
    error: BatchItemError | None = None
    resumed: bool = False
    cost_usd_micros: int | None = 0
    request_ids: Sequence[str] = ()
    job_ids: Sequence[str] = ()

    @property
    def ok(self) -> bool:
        """Whether the item is done and every image it made is saved."""
        return self.status == "done" and self.error is None and self.unsafe == 0

    @property
    def files(self) -> list[Path]:
        """The files written, in the order of the images."""
        return [image.path for image in self.images if image.path is not None]

    @property
    def unsafe(self) -> int:
        """How many of its images failed the safety check (they come without a link)."""
        return sum(not image.is_image_safe for image in self.images)


@attrs.frozen
class BatchProgress:
    """Counters of a running batch, for a progress bar, a widget or a log line.

    Attributes:
        total: Items in the batch.
        done: Items done (resumed ones included).
        failed: Items failed.
        skipped: Items skipped or interrupted.
        resumed: Items finished in an earlier run (counted in ``done`` or ``failed``).
        in_flight: Calls sent and not answered yet.
        images_saved: Image files written in this run.
        cost_usd_micros: What this run's calls cost so far, at the batch's prices.
        estimated_usd_micros: What this run's calls were estimated to cost in all.
    """

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    in_flight: int = 0
    images_saved: int = 0
    cost_usd_micros: int = 0
    estimated_usd_micros: int | None = None

    @property
    def finished(self) -> int:
        """Items that have ended, however."""
        return self.done + self.failed + self.skipped


@attrs.frozen
class BatchEvent:
    """Something happened to an item.

    Attributes:
        kind: ``sent``, ``accepted``, ``answered``, ``saved``, ``done``, ``failed`` or
            ``skipped``.
        index: The item's position.
        progress: The batch's counters after the event.
        result: The item's result, for ``done``, ``failed`` and ``skipped``.
        path: The file written, for ``saved``.
        job_id: The job's id, for ``accepted``.
    """

    kind: EventKind
    index: int
    progress: BatchProgress
    result: BatchResult | None = None
    path: Path | None = None
    job_id: str | None = None


@attrs.frozen
class CostEstimate:
    """What a batch would cost, before it runs.

    Attributes:
        usd_micros: The cost of every call still to send, at the batch's prices (unpriced
            calls not included).
        calls: The calls still to send.
        images: The images those calls ask for.
        items: Items with something still to send.
        finished: Items already finished in the manifest (nothing to send).
        unpriced: The indexes of items whose operation the price table does not know.
    """

    usd_micros: int
    calls: int
    images: int
    items: int
    finished: int = 0
    unpriced: Sequence[int] = ()


@attrs.frozen
class BatchReport:
    """Every item's result, in the batch's order, and how the batch ended.

    Attributes:
        results: One result per item, in input order.
        interrupted: The batch was cancelled before every item ended.
        stopped_by: The error (401, 402, 403) that made the batch stop sending, if any.
        cost_usd_micros: What this run's calls cost, at the batch's prices.
        estimate: The estimate made before the run.
    """

    results: Sequence[BatchResult]
    interrupted: bool = False
    stopped_by: BatchItemError | None = None
    cost_usd_micros: int = 0
    estimate: CostEstimate | None = None

    @property
    def ok(self) -> bool:
        """Whether every item is done with every image saved."""
        return all(result.ok for result in self.results)

    @property
    def files(self) -> list[Path]:
        """Every file the batch's items have on disk, in item order."""
        return [path for result in self.results for path in result.files]

    def count(self, status: ItemStatus) -> int:
        """How many items ended with ``status``."""
        return sum(result.status == status for result in self.results)
