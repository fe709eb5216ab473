from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._client import AsyncIdeogram


class Resource:
    """A group of operations, sharing its client's pipeline."""

    def __init__(self, client: AsyncIdeogram) -> None:
        self._client = client
