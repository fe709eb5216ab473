"""Resuming a batch from its manifest: after a crash at any stage, nothing finished is resent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import ideogram_async as ia
from ideogram_async.testing import Emulator

from .test_batch import (
    Crash,
    CrashingManifest,
    crashed,
    emulator_client,
    files_in,
    generate_prompts,
)

pytestmark = pytest.mark.anyio

PROMPTS = ["a red fox", "a blue whale", "an owl"]


async def run_until_crash(client: ia.AsyncIdeogram, manifest: ia.Manifest, out: Path) -> None:
    """Run the batch and check that it died of the injected crash."""
    with pytest.raises(BaseException) as info:  # noqa: PT011 - a group or the crash itself
        await ia.Batch(client, PROMPTS, out_dir=out, manifest=manifest, concurrency=1).run()
    assert crashed(info.value)


@pytest.mark.parametrize(
    ("event", "when", "sent_twice"),
    [
        ("sent", "before", False),  # before the call went out
        ("sent", "after", False),  # journalled as sent, never reached the server
        ("answered", "before", True),  # answered, but the answer never reached the manifest
        ("answered", "after", False),  # the links are journalled, nothing downloaded yet
        ("saved", "before", False),  # the file is written, not yet journalled
        ("saved", "after", False),  # everything journalled
    ],
)
async def test_resume_after_a_crash_at_each_stage(
    tmp_path: Path, event: str, when: str, sent_twice: bool
) -> None:
    """A crash while the second item is at any stage, then a plain re-run: every item is saved
    exactly once, and only a call whose answer never reached the manifest is sent again."""
    emulator = Emulator()
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    async with emulator_client(emulator) as client:
        await run_until_crash(client, CrashingManifest(path, event, when, nth=2), out)
        report = await ia.Batch(client, PROMPTS, out_dir=out, manifest=path).run()
    assert report.ok
    assert len(files_in(out)) == 3  # no copy of a file written before the crash
    counts = Counter(generate_prompts(emulator))
    assert counts[PROMPTS[0]] == 1
    assert counts[PROMPTS[1]] == (2 if sent_twice else 1)
    assert counts[PROMPTS[2]] == 1
    assert report.results[0].resumed


async def test_a_crash_mid_download_leaves_nothing_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process dying half-way into a download leaves no image; the re-run downloads it
    again from its link and cleans the temporary file, without generating again."""
    emulator = Emulator()
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    real = ia.AsyncIdeogram.download_to

    async def dies_half_way(client: ia.AsyncIdeogram, url: str, dest: Path) -> int:
        dest.write_bytes(b"\x89PNG\r\n\x1a\n half an image")
        raise Crash("download")

    monkeypatch.setattr(ia.AsyncIdeogram, "download_to", dies_half_way)
    async with emulator_client(emulator) as client:
        await run_until_crash(client, ia.Manifest(path), out)
        assert [name for name in files_in(out) if not name.startswith(".")] == []
        monkeypatch.setattr(ia.AsyncIdeogram, "download_to", real)
        report = await ia.Batch(client, PROMPTS, out_dir=out, manifest=path).run()
    assert report.ok
    assert len(files_in(out)) == 3
    assert all(not name.startswith(".") for name in files_in(out))
    assert Counter(generate_prompts(emulator)) == Counter(PROMPTS)


async def test_a_rerun_skips_finished_items_and_fetches_missing_files(tmp_path: Path) -> None:
    """Run twice: nothing is sent the second time; a deleted file is downloaded again."""
    emulator = Emulator()
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    async with emulator_client(emulator) as client:
        first = await ia.Batch(client, PROMPTS, out_dir=out, manifest=path).run()
        first.results[1].files[0].unlink()
        second = await ia.Batch(client, PROMPTS, out_dir=out, manifest=path).run()
    assert second.ok
    assert all(result.resumed for result in second.results)
    assert second.cost_usd_micros == 0
    assert second.estimate is not None
    assert (second.estimate.calls, second.estimate.finished) == (0, 3)
    assert second.results[1].files == first.results[1].files
    assert generate_prompts(emulator) == PROMPTS


async def test_an_expired_link_is_a_typed_download_error_and_not_regenerated(
    tmp_path: Path,
) -> None:
    """A missing file whose link has expired fails its download; it is not paid for again."""
    now = [1_000_000.0]
    emulator = Emulator(link_ttl=60, clock=lambda: now[0])
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    async with emulator_client(emulator, max_retries=0) as client:
        first = await ia.Batch(client, PROMPTS[:1], out_dir=out, manifest=path).run()
        first.results[0].files[0].unlink()
        now[0] += 3600
        second = await ia.Batch(client, PROMPTS[:1], out_dir=out, manifest=path).run()
    (result,) = second.results
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.stage == "download"
    assert result.error.status_code == 410
    assert generate_prompts(emulator) == PROMPTS[:1]


async def test_failed_items_are_sent_again_only_with_retry_failed(tmp_path: Path) -> None:
    """An item that failed stays failed on a re-run, and is sent again with ``retry_failed``."""
    emulator = Emulator()
    emulator.fail_next(500, path="/v1/ideogram-v3/generate")
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    options: dict[str, Any] = {"out_dir": out, "manifest": path, "concurrency": 1}
    async with emulator_client(emulator, max_retries=0) as client:
        first = await ia.Batch(client, PROMPTS, **options).run()
        assert [r.status for r in first.results] == ["failed", "done", "done"]
        second = await ia.Batch(client, PROMPTS, **options).run()
        assert [r.status for r in second.results] == ["failed", "done", "done"]
        assert second.results[0].resumed
        third = await ia.Batch(client, PROMPTS, retry_failed=True, **options).run()
    assert third.ok
    assert Counter(generate_prompts(emulator)) == Counter([*PROMPTS, PROMPTS[0]])


async def test_repeated_items_and_changed_items_keep_their_own_keys(tmp_path: Path) -> None:
    """The same prompt twice is two items; changing one item's parameters sends only it."""
    emulator = Emulator()
    out, path = tmp_path / "out", tmp_path / "batch.jsonl"
    async with emulator_client(emulator) as client:
        first = await ia.Batch(client, ["a fox", "a fox"], out_dir=out, manifest=path).run()
        assert first.results[0].key != first.results[1].key
        items: list[Any] = ["a fox", {"prompt": "a fox", "seed": 3}]
        second = await ia.Batch(client, items, out_dir=out, manifest=path).run()
    assert [r.resumed for r in second.results] == [True, False]
    assert len(generate_prompts(emulator)) == 3
