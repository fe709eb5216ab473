"""The batch engine's adapter for v2 operations: each call runs as a job.

``Batch(..., operation="v2.generate_ideogram_4_5")`` submits every call through
``client.v2.submit``; the engine records the job id in its manifest the moment the job is
accepted, and a resumed batch polls that job (``client.jobs.get``) instead of paying again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._batch_ops import MAX_IMAGES_PER_CALL, BatchSubmission
from ._base import _ops
from ._routes import ROUTES

if TYPE_CHECKING:
    from .._client import AsyncIdeogram

__all__ = ["V2JobOperation", "v2_operation"]


@attrs.frozen
class V2JobOperation:
    """A v2 operation run as a job, by its method name (``v2.generate_ideogram_4_5``)."""

    name: str
    max_images_per_call: int = MAX_IMAGES_PER_CALL

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
    method = name.removeprefix("v2.")
    for op in _ops().values():
        if op.method == method and ROUTES["/v2/" + op.path].mode != "sync":
            takes_count = any(f.name == "num_images" for f in op.fields)
            return V2JobOperation(name, MAX_IMAGES_PER_CALL if takes_count else 1)
    raise ValueError(f"no v2 operation {name!r} that runs as a job")
