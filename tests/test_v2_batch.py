"""The batch engine runs v2 operations as jobs: ids in the manifest, resumed by polling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ideogram_async as ia
from ideogram_async._batch_ops import operation_for
from ideogram_async.testing import Emulator

from .test_batch import CrashingManifest, crashed, emulator_client

pytestmark = pytest.mark.anyio


def v2_posts(emulator: Emulator) -> list[str]:
    """The paths of the v2 submissions the emulator received."""
    return [r.path for r in emulator.requests if r.method == "POST" and r.path.startswith("/v2/")]


async def test_a_v2_batch_records_job_ids_and_saves_every_image(tmp_path: Path) -> None:
    """Each call is a job whose id reaches the manifest; the images are saved; cost is the job's."""
    emulator = Emulator()
    manifest = tmp_path / "m.jsonl"
    async with emulator_client(emulator) as client:
        client.jobs.first_poll_delay = 0
        report = await ia.Batch(
            client,
            [ia.BatchItem.prompt("a fox", num_images=2), "an owl"],
            operation="v2.generate_ideogram_4",
            out_dir=tmp_path / "out",
            manifest=manifest,
        ).run()
    assert report.ok
    assert len(list((tmp_path / "out").iterdir())) == 3
    events = [json.loads(line) for line in manifest.read_text().splitlines()]
    accepted = [e for e in events if e.get("event") == "accepted"]
    assert len(accepted) == 2
    assert all(e["job_id"].startswith("gen_") for e in accepted)
    assert report.cost_usd_micros == 3 * 60_000  # the emulator's price per image, from the jobs


async def test_a_crashed_v2_batch_polls_its_jobs_instead_of_paying_again(tmp_path: Path) -> None:
    """After a crash once the job was accepted, the re-run polls it by id: one submission only."""
    emulator = Emulator()
    manifest = tmp_path / "m.jsonl"
    async with emulator_client(emulator) as client:
        client.jobs.first_poll_delay = 0
        crashing = CrashingManifest(manifest, "accepted", "after")
        with pytest.raises(BaseException) as caught:  # noqa: PT011 - a group or the crash
            await ia.Batch(
                client,
                ["a fox"],
                operation="v2.generate_ideogram_4_5",
                out_dir=tmp_path,
                manifest=crashing,
            ).run()
        assert crashed(caught.value)
        report = await ia.Batch(
            client,
            ["a fox"],
            operation="v2.generate_ideogram_4_5",
            out_dir=tmp_path,
            manifest=manifest,
        ).run()
    assert report.ok
    assert v2_posts(emulator) == ["/v2/image/generate/ideogram-4-5"]


def test_v2_operation_names_are_checked() -> None:
    """An unknown v2 method, or one that cannot run as a job (describe), is refused."""
    assert operation_for("v2.upscale_topaz_bloom_2").max_images_per_call == 1
    assert operation_for("v2.generate_nano_banana_2").max_images_per_call == 8
    for name in ("v2.generate_ideogram_9", "v2.describe_ideogram_4"):
        with pytest.raises(ValueError, match="no v2 operation"):
            operation_for(name)


async def test_quote_batch_prices_v2_calls_by_quotes(tmp_path: Path) -> None:
    """quote_batch asks the API's free quotes for v2 calls; nothing runs, nothing is billed."""
    emulator = Emulator()
    items: list[ia.BatchItem | str] = [ia.BatchItem.prompt("a fox", num_images=10), "an owl"]
    async with emulator_client(emulator) as client:
        quoted = await ia.quote_batch(client, items, operation="v2.generate_ideogram_4_5")
    assert quoted.calls == 3  # 10 images split 8 + 2, then 1
    assert quoted.usd_micros == 11 * 100_000
    assert quoted.unpriced == ()
    assert emulator.v2.jobs == {}
    assert all(r.query == {"dry_run": ["true"]} for r in emulator.requests)


async def test_quote_batch_uses_the_price_table_for_other_operations() -> None:
    """For an operation without quotes, quote_batch is estimate_batch and sends nothing."""
    emulator = Emulator()
    async with emulator_client(emulator) as client:
        quoted = await ia.quote_batch(client, ["a fox"], operation="v3.generate")
    assert quoted == ia.estimate_batch(["a fox"], operation="v3.generate")
    assert emulator.requests == []
