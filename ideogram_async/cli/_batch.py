"""The batch layer: run items concurrently through one client, saving every image at once.

It is deliberately thin (``run_batch`` and ``run_item``), so a fuller engine (resumable
manifests, cost caps) can take it over. ``ItemResult`` is what every command reports.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.to_thread
import attrs

import ideogram_async as ia

from ._exit import ExitCode, exit_code_for
from ._save import file_stem, slugify, write_new

__all__ = [
    "BatchItem",
    "ImageResult",
    "ItemError",
    "ItemResult",
    "PromptsFileError",
    "check_params",
    "overall_exit_code",
    "parse_prompts",
    "run_batch",
    "run_item",
]

Stage = Literal["request", "download", "save", "skipped"]

# After these, every later item would fail the same way: stop sending.
_STOPS_BATCH = (ia.AuthenticationError, ia.PermissionDeniedError, ia.PaymentRequiredError)


class PromptsFileError(ValueError):
    """A line of a prompts file cannot be read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@attrs.frozen
class BatchItem:
    """One prompt to generate from, with its own parameters.

    Attributes:
        prompt: The prompt.
        params: Keyword arguments for the generate method (``num_images``, ``aspect_ratio``...).
        extra_body: Fields sent as they are (the SDK's ``extra_body``).
        line: The line of the prompts file it came from.
    """

    prompt: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    extra_body: Mapping[str, Any] | None = None
    line: int | None = None


@attrs.frozen
class ItemError:
    """Why an item failed, and the exit code that failure earns."""

    type: str
    message: str
    exit_code: ExitCode
    stage: Stage
    status_code: int | None = None

    @classmethod
    def from_exception(
        cls, exc: BaseException, stage: Stage, exit_code: ExitCode | None = None
    ) -> ItemError:
        """The error for an exception raised at ``stage``."""
        return cls(
            type=type(exc).__name__,
            message=str(exc),
            exit_code=exit_code if exit_code is not None else exit_code_for(exc),
            stage=stage,
            status_code=getattr(exc, "status_code", None),
        )

    def to_json(self) -> dict[str, Any]:
        """The error as ``--json`` reports it."""
        return {
            "type": self.type,
            "message": self.message,
            "exit_code": int(self.exit_code),
            "stage": self.stage,
            "status_code": self.status_code,
        }


@attrs.define
class ImageResult:
    """One image an item returned, and the file it was saved to (``None`` if it was not)."""

    seed: int | None
    url: str | None
    resolution: str | None
    is_image_safe: bool
    file: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The image as ``--json`` reports it."""
        return {
            "file": self.file,
            "seed": self.seed,
            "url": self.url,
            "resolution": self.resolution,
            "is_image_safe": self.is_image_safe,
        }


@attrs.define
class ItemResult:
    """What came of one item: its images and files, or its error."""

    index: int
    prompt: str | None
    line: int | None = None
    images: list[ImageResult] = attrs.field(factory=list)
    descriptions: list[str] | None = None
    request_id: str | None = None
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        """Whether the item succeeded entirely."""
        return self.error is None

    @property
    def files(self) -> list[str]:
        """The files written, in the order the API returned the images."""
        return [image.file for image in self.images if image.file is not None]

    @property
    def seeds(self) -> list[int]:
        """The seeds of the images returned."""
        return [image.seed for image in self.images if image.seed is not None]

    def to_json(self) -> dict[str, Any]:
        """The item as ``--json`` reports it."""
        data: dict[str, Any] = {
            "index": self.index,
            "line": self.line,
            "prompt": self.prompt,
            "ok": self.ok,
            "files": self.files,
            "seeds": self.seeds,
            "images": [image.to_json() for image in self.images],
            "request_id": self.request_id,
            "error": self.error.to_json() if self.error else None,
        }
        if self.descriptions is not None:
            data["descriptions"] = self.descriptions
        return data


def overall_exit_code(results: Sequence[ItemResult]) -> ExitCode:
    """0 when all succeeded; a stopped batch's cause; one shared failure's code; else 1."""
    errors = [result.error for result in results if result.error is not None]
    if not errors:
        return ExitCode.OK
    skipped = [error for error in errors if error.stage == "skipped"]
    if skipped:
        return skipped[0].exit_code
    codes = {error.exit_code for error in errors}
    if len(errors) == len(results) and len(codes) == 1:
        return codes.pop()
    return ExitCode.PARTIAL


async def run_item(
    client: ia.AsyncIdeogram,
    index: int,
    call: Callable[[], Awaitable[Any]],
    out_dir: Path,
    *,
    prompt: str | None,
    slug: str,
    line: int | None = None,
) -> ItemResult:
    """Make one request and save each image it returns, downloaded at once (links expire).

    Failures are reported in the result, never raised (cancellation aside).
    """
    result = ItemResult(index=index, prompt=prompt, line=line)
    try:
        response = await call()
    except (ia.IdeogramError, OSError) as exc:
        result.error = ItemError.from_exception(exc, "request")
        return result
    result.request_id = response.request_id
    if isinstance(response, ia.DescribeResponse):
        result.descriptions = [description.text for description in response.descriptions]
        return result

    unsafe = 0
    for image in response.data:
        seed = getattr(image, "seed", None)
        resolution = getattr(image, "resolution", None)
        saved = ImageResult(
            seed=seed,
            url=image.url,
            resolution=str(resolution) if resolution is not None else None,
            is_image_safe=image.is_image_safe,
        )
        result.images.append(saved)
        if image.url is None:
            unsafe += 1
            continue
        try:
            data = await client.download(image.url)
            path = await anyio.to_thread.run_sync(
                write_new, out_dir, file_stem(index, slug, seed), data
            )
        except ia.IdeogramError as exc:
            # A link that fails is a network matter, whatever status it answered with.
            result.error = result.error or ItemError.from_exception(exc, "download", ExitCode.API)
        except OSError as exc:
            result.error = result.error or ItemError.from_exception(exc, "save")
        else:
            saved.file = str(path)
    if unsafe and result.error is None:
        result.error = ItemError(
            type="UnsafeImage",
            message=f"{unsafe} of {len(response.data)} images failed the safety check "
            "and came without a link",
            exit_code=ExitCode.PARTIAL,
            stage="request",
        )
    return result


async def run_batch(
    client: ia.AsyncIdeogram,
    items: Sequence[BatchItem],
    out_dir: Path,
    *,
    model: Literal["v3", "legacy"] = "v3",
    concurrency: int = 10,
    on_result: Callable[[ItemResult], object] | None = None,
) -> list[ItemResult]:
    """Generate from every item concurrently through ``client``, saving every image.

    At most ``concurrency`` items are in progress at once; the client's in-flight image
    budget limits them further. After a 401, 402 or 403 no further item is sent: those left
    are reported as skipped.

    Args:
        client: The client; its budget is shared by all items.
        items: The prompts, with their parameters.
        out_dir: Where images are saved (created when the first one arrives).
        model: ``v3`` (``client.v3.generate``) or ``legacy`` (``client.legacy.generate``).
        concurrency: The most items in progress at once.
        on_result: Called with each item's result as it finishes.

    Returns:
        One result per item, in the order of ``items``.
    """
    generate = client.v3.generate if model == "v3" else client.legacy.generate
    results: list[ItemResult | None] = [None] * len(items)
    pending = iter(enumerate(items))
    stopped: list[ItemError] = []

    async def worker() -> None:
        for index, item in pending:
            if stopped:
                result = ItemResult(index=index, prompt=item.prompt, line=item.line)
                result.error = ItemError(
                    type="Skipped",
                    message=f"not sent: an earlier item failed with {stopped[0].type}",
                    exit_code=stopped[0].exit_code,
                    stage="skipped",
                )
            else:
                options: dict[str, Any] = {}
                if item.extra_body:
                    options["extra_body"] = item.extra_body
                call = partial(generate, prompt=item.prompt, **item.params, **options)
                result = await run_item(
                    client,
                    index,
                    call,
                    out_dir,
                    prompt=item.prompt,
                    slug=slugify(item.prompt),
                    line=item.line,
                )
                error = result.error
                if error is not None and error.type in {c.__name__ for c in _STOPS_BATCH}:
                    stopped.append(error)
            results[index] = result
            if on_result is not None:
                on_result(result)

    async with anyio.create_task_group() as tg:
        for _ in range(max(1, min(concurrency, len(items)))):
            tg.start_soon(worker)
    return [result for result in results if result is not None]


def parse_prompts(text: str) -> list[BatchItem]:
    """Read a prompts file: one prompt a line, or a JSON object a line (JSONL), mixed freely.

    Blank lines and lines starting with ``#`` are skipped. A JSON line needs a ``"prompt"``;
    its other keys are the item's parameters, and ``"extra_body"`` (an object) is sent as is.

    Raises:
        PromptsFileError: A line is not valid JSON or lacks a prompt.
    """
    items = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("{"):
            items.append(BatchItem(prompt=line, line=number))
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise PromptsFileError(number, f"not valid JSON ({exc})") from exc
        if not isinstance(obj, dict):
            raise PromptsFileError(number, "a JSON line must be an object")
        prompt = obj.pop("prompt", None)
        if not isinstance(prompt, str) or not prompt.strip():
            raise PromptsFileError(number, 'a JSON line needs a non-empty "prompt" string')
        extra = obj.pop("extra_body", None)
        if extra is not None and not isinstance(extra, dict):
            raise PromptsFileError(number, '"extra_body" must be a JSON object')
        items.append(BatchItem(prompt=prompt, params=obj, extra_body=extra, line=number))
    return items


def check_params(items: Sequence[BatchItem], allowed: Collection[str]) -> None:
    """Refuse a parameter the generate method does not take (a typo would be lost otherwise).

    Raises:
        PromptsFileError: An item has an unknown parameter.
    """
    for item in items:
        unknown = sorted(set(item.params) - set(allowed))
        if unknown:
            raise PromptsFileError(
                item.line or 0,
                f"unknown parameter {unknown[0]!r}; known: {', '.join(sorted(allowed))} "
                '(send other fields in "extra_body")',
            )
