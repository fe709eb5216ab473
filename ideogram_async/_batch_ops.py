"""How a batch calls an operation: an adapter per operation, so job-based ones can plug in.

An adapter submits one call and answers with either the result or a job to wait for. The
batch records a job's id in its manifest the moment the job is accepted, and a resumed batch
asks the adapter to ``resume`` the job by its id instead of submitting the call again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from ._client import AsyncIdeogram

__all__ = [
    "IMAGE_OPERATIONS",
    "BatchOperation",
    "JobLike",
    "MethodOperation",
    "BatchSubmission",
    "operation_for",
]

MAX_IMAGES_PER_CALL = 8


@runtime_checkable
class JobLike(Protocol):
    """What a batch needs of a job: its id, and a way to wait for its result."""

    @property
    def id(self) -> str: ...

    async def wait(self, *, timeout: float | None = None) -> Any: ...


@attrs.frozen
class BatchSubmission:
    """What submitting a call gave: its result at once, or a job that will have it.

    Attributes:
        result: The operation's result (``ImageGenerationResponse`` and the like).
        job: A job to wait for, for operations that answer with one.
        cost_usd_micros: What the API says the call cost, when it says.
    """

    result: Any = None
    job: JobLike | None = None
    cost_usd_micros: int | None = None


class BatchOperation(Protocol):
    """An operation a batch can run: a name (for keys and prices) and how to call it."""

    @property
    def name(self) -> str:
        """``"v3.generate"`` and the like: part of each call's key, and its price's key."""
        ...

    @property
    def max_images_per_call(self) -> int:
        """The most images one call may ask for; larger items are split."""
        ...

    async def submit(
        self, client: AsyncIdeogram, params: Mapping[str, Any], extra_body: Any
    ) -> BatchSubmission:
        """Send one call; its result, or the job that will have it."""
        ...

    async def resume(self, client: AsyncIdeogram, job_id: str) -> BatchSubmission:
        """Wait for a job accepted earlier (perhaps by another process), by its id.

        Raises:
            NotImplementedError: The operation does not answer with jobs.
        """
        ...


@attrs.frozen
class MethodOperation:
    """An operation that is a method of the client: ``client.<group>.<method>(**params)``.

    It answers synchronously (the result is in the response). A job-based operation is an
    adapter of its own whose ``submit`` returns ``BatchSubmission(job=...)``.
    """

    name: str
    max_images_per_call: int = MAX_IMAGES_PER_CALL

    def method(self, client: AsyncIdeogram) -> Callable[..., Awaitable[Any]]:
        """The bound method this operation calls."""
        group, _, method = self.name.partition(".")
        bound: Callable[..., Awaitable[Any]] = getattr(getattr(client, group), method)
        return bound

    async def submit(
        self, client: AsyncIdeogram, params: Mapping[str, Any], extra_body: Any
    ) -> BatchSubmission:
        """Call the method; its result."""
        options = {"extra_body": extra_body} if extra_body else {}
        return BatchSubmission(result=await self.method(client)(**params, **options))

    async def resume(self, client: AsyncIdeogram, job_id: str) -> BatchSubmission:
        """Synchronous operations have no jobs to resume."""
        raise NotImplementedError(f"{self.name} does not answer with jobs")


IMAGE_OPERATIONS: Mapping[str, BatchOperation] = {
    name: MethodOperation(name, 1 if name in ("images.remove_background",) else 8)
    for name in (
        "legacy.generate",
        "legacy.remix",
        "legacy.edit",
        "legacy.upscale",
        "legacy.reframe",
        "v3.generate",
        "v3.generate_transparent",
        "v3.remix",
        "v3.inpaint",
        "v3.reframe",
        "v3.replace_background",
        "images.edit",
        "images.remove_background",
    )
}
"""The operations that make images, by name, as a batch runs them."""


def operation_for(operation: str | BatchOperation) -> BatchOperation:
    """The adapter for an operation name (or the adapter itself).

    Raises:
        ValueError: No operation that makes images has that name.
    """
    if not isinstance(operation, str):
        return operation
    try:
        return IMAGE_OPERATIONS[operation]
    except KeyError:
        raise ValueError(
            f"no image operation {operation!r}; known: {', '.join(sorted(IMAGE_OPERATIONS))}"
        ) from None
