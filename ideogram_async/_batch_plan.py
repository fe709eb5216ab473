"""A batch's plan: each item split into calls, keyed, and matched against the manifest.

What the manifest knows of a call decides what is left to do with it: send it, resume its
job, download its images again, or nothing (finished, or failed and not to be retried).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from ._batch_files import slugify
from ._batch_models import BatchImage, BatchItem, BatchItemError, CostEstimate
from ._batch_ops import BatchOperation, operation_for
from ._exceptions import IdeogramValidationError
from ._manifest import Manifest, PartRecord, request_key
from ._prices import PriceTable

__all__ = ["Action", "Part", "PlannedItem", "estimate", "plan"]

Action = Literal["send", "resume", "download", "finished", "failed"]
PartStatus = Literal["pending", "done", "failed", "skipped", "interrupted"]

_MAX_SEED = 2_147_483_647  # as in _params, which is loaded only when a group is first used


@attrs.define(eq=False)
class Part:
    """One call of an item (an item asking for more images than a call allows has several)."""

    item: PlannedItem
    number: int
    key: str
    params: dict[str, Any]
    images: int
    cost: int | None
    record: PartRecord | None
    action: Action
    status: PartStatus = "pending"
    saved: list[BatchImage] = attrs.Factory(list)
    error: BatchItemError | None = None
    spent: int | None = 0
    request_id: str | None = None
    job_id: str | None = None

    @property
    def resumed(self) -> bool:
        """Nothing is sent for it in this run."""
        return self.action in ("finished", "failed", "download")


@attrs.define(eq=False)
class PlannedItem:
    """An item, its operation, its key, and its calls."""

    index: int
    item: BatchItem
    operation: BatchOperation
    key: str
    slug: str
    parts: list[Part] = attrs.Factory(list)
    ended: bool = False


def plan(
    items: Iterable[BatchItem | str | Mapping[str, Any]],
    *,
    operation: BatchOperation,
    manifest: Manifest | None,
    prices: PriceTable,
    saving: bool,
    retry_failed: bool,
) -> list[PlannedItem]:
    """Every item as its calls, each with what is left to do for it.

    Raises:
        TypeError: An item is not a ``BatchItem``, a prompt or a mapping, or cannot be keyed.
        ValueError: An item names no known operation, or asks for no image.
    """
    planned: list[PlannedItem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(items):
        item = _as_item(raw, index)
        op = operation_for(item.operation) if item.operation else operation
        base = request_key(op.name, item.params, item.extra_body)
        # The same request twice in one batch is two items: number the repeats.
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        key = base if occurrence == 0 else f"{base}~{occurrence}"
        prompt = item.params.get("prompt")
        slug = slugify(item.name if item.name is not None else _text_or_none(prompt))
        state = PlannedItem(index, item, op, key, slug)
        for number, (params, images) in enumerate(_split(item.params, op)):
            part_key = f"{key}.{number}"
            record = manifest.get(part_key) if manifest is not None else None
            state.parts.append(
                Part(
                    item=state,
                    number=number,
                    key=part_key,
                    params=params,
                    images=images,
                    cost=prices.cost(op.name, item.params, images),
                    record=record,
                    action=_action(record, saving=saving, retry_failed=retry_failed),
                )
            )
        planned.append(state)
    return planned


def estimate(planned: list[PlannedItem]) -> CostEstimate:
    """What the calls still to send cost, at their planned prices."""
    usd = calls = images = pending = finished = 0
    unpriced: list[int] = []
    for state in planned:
        sending = [part for part in state.parts if part.action == "send"]
        if all(part.resumed for part in state.parts):
            finished += 1
        if sending:
            pending += 1
        for part in sending:
            calls += 1
            images += part.images
            if part.cost is None:
                if not unpriced or unpriced[-1] != state.index:
                    unpriced.append(state.index)
            else:
                usd += part.cost
    return CostEstimate(usd, calls, images, pending, finished, tuple(unpriced))


def _action(record: PartRecord | None, *, saving: bool, retry_failed: bool) -> Action:
    if record is None:
        return "send"
    if record.answer is not None:
        return "download" if saving and _unsaved(record) else "finished"
    if record.job_id is not None:
        return "resume"
    if record.failure is not None and not retry_failed:
        return "failed"
    return "send"  # never sent, or sent with no answer recorded (a crash mid-call)


def _as_item(raw: BatchItem | str | Mapping[str, Any], index: int) -> BatchItem:
    if isinstance(raw, BatchItem):
        return raw
    if isinstance(raw, str):
        return BatchItem({"prompt": raw})
    if isinstance(raw, Mapping):
        return BatchItem(dict(raw))
    raise TypeError(f"item {index}: a BatchItem, a prompt or a mapping, not {type(raw).__name__}")


def _split(
    params: Mapping[str, Any], operation: BatchOperation
) -> list[tuple[dict[str, Any], int]]:
    """The calls for an item: one per ``max_images_per_call`` images, with seeds that follow on."""
    count = params.get("num_images")
    if count is None:
        return [(dict(params), 1)]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise IdeogramValidationError("num_images", count, "a whole number of images, 1 or more")
    most = operation.max_images_per_call
    calls: list[tuple[dict[str, Any], int]] = []
    seed = params.get("seed")
    for first in range(0, count, most):
        images = min(most, count - first)
        part = {**params, "num_images": images}
        if isinstance(seed, int) and first:
            part["seed"] = (seed + first) % (_MAX_SEED + 1)
        calls.append((part, images))
    return calls


def _unsaved(record: PartRecord) -> bool:
    """Whether an answered call has a safe image whose file is not on disk."""
    assert record.answer is not None
    for number, image in enumerate(record.answer.get("images") or ()):
        if image.get("url") is None or not image.get("is_image_safe", True):
            continue
        file = record.saved.get(number)
        if file is None or not Path(file).is_file():
            return True
    return False


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
