"""``ideogram batch --shard K/N``: one of N machines takes every Nth prompt of a shared file."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TypeVar

__all__ = ["manifest_name", "parse_shard", "take_shard"]

_T = TypeVar("_T")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` → ``(2, 3)``: shard K of N, K counted from 1 (an ``argparse`` type)."""
    k, sep, n = text.partition("/")
    try:
        shard, shards = int(k), int(n)
    except ValueError:
        shard = shards = 0
    if not sep or shards < 1 or not 1 <= shard <= shards:
        raise argparse.ArgumentTypeError(
            f"expected K/N with 1 <= K <= N (such as 2/3), got {text!r}"
        )
    return shard, shards


def take_shard(items: Sequence[_T], shard: int, shards: int) -> list[_T]:
    """Items ``K-1, K-1+N, K-1+2N, ...`` of the file: the N shards are disjoint, cover every
    item, and stay within one item of each other in size, whatever the file's order."""
    return list(items[shard - 1 :: shards])


def manifest_name(base: str, shard: int, shards: int) -> str:
    """``ideogram-batch.jsonl`` → ``ideogram-batch.shard-2-of-3.jsonl``: each shard its own."""
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        return f"{base}.shard-{shard}-of-{shards}"
    return f"{stem}.shard-{shard}-of-{shards}.{suffix}"
