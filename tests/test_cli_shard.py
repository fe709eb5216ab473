"""``ideogram batch --shard K/N`` and ``--redis URL``: one batch split over several machines."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import redis

from ideogram_async.cli import main
from ideogram_async.cli._shard import manifest_name, parse_shard, take_shard

from .conftest import KEY
from .test_cli import FakeAPI, write_prompts

PROMPTS = "".join(f"prompt {i}\n" for i in range(1, 8))


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key for the official API, and none of the other settings a developer may have."""
    monkeypatch.setenv("IDEOGRAM_API_KEY", KEY)
    for name in ("IDEOGRAM_BASE_URL", "IDEOGRAM_AUTH_SCHEME", "IDEOGRAM_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("text", "shard"), [("1/1", (1, 1)), ("2/3", (2, 3)), ("3/3", (3, 3))])
def test_a_shard_is_k_of_n(text: str, shard: tuple[int, int]) -> None:
    """``K/N`` parses to ``(K, N)``."""
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "2", "a/b", "1/3/4", "-1/3"])
def test_a_bad_shard_is_refused(text: str) -> None:
    """Anything but ``K/N`` with ``1 <= K <= N`` is refused, saying what is expected."""
    with pytest.raises(argparse.ArgumentTypeError, match="K/N"):
        parse_shard(text)


def test_the_shards_split_the_items_exactly() -> None:
    """N shards are disjoint, cover every item once, and differ in size by one at most."""
    items = list(range(23))
    shards = [take_shard(items, k, 5) for k in range(1, 6)]
    assert sorted(item for shard in shards for item in shard) == items
    assert {len(shard) for shard in shards} == {4, 5}
    assert take_shard(items, 2, 5)[:3] == [1, 6, 11]


def test_each_shard_has_its_own_manifest_name() -> None:
    """The default manifest gets the shard in its name, before the extension."""
    assert manifest_name("ideogram-batch.jsonl", 2, 3) == "ideogram-batch.shard-2-of-3.jsonl"
    assert manifest_name("journal", 1, 2) == "journal.shard-1-of-2"


def test_shards_of_one_file_send_every_prompt_once(
    respx_mock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shards 1/3 to 3/3 into one folder send each prompt once, each with its own manifest."""
    api = FakeAPI(respx_mock)  # type: ignore[arg-type]
    path = write_prompts(tmp_path, PROMPTS)
    out = tmp_path / "out"
    assert main(["batch", path, "--out", str(out), "--shard", "2/3"]) == 0
    assert api.prompts() == ["prompt 2", "prompt 5"]
    for shard in ("1/3", "3/3"):
        assert main(["batch", path, "--out", str(out), "--shard", shard]) == 0
    assert sorted(api.prompts()) == sorted(PROMPTS.split("\n")[:-1])
    manifests = sorted(p.name for p in out.iterdir() if p.suffix == ".jsonl")
    assert manifests == [f"ideogram-batch.shard-{k}-of-3.jsonl" for k in (1, 2, 3)]
    # A shard run again resumes from its own manifest: nothing is sent twice.
    assert main(["batch", path, "--out", str(out), "--shard", "2/3"]) == 0
    assert len(api.requests) == 7


def test_a_bad_shard_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--shard 4/3`` stops before any request with exit code 2."""
    path = write_prompts(tmp_path, PROMPTS)
    assert main(["batch", path, "--out", str(tmp_path / "out"), "--shard", "4/3"]) == 2
    assert "K/N" in capsys.readouterr().err


def test_redis_shares_the_budget(redis_url: str, tmp_path: Path) -> None:
    """``--redis URL`` runs the batch within a budget kept in that Redis, of the given size."""
    path = write_prompts(tmp_path, PROMPTS)
    out = tmp_path / "out"
    argv = ["batch", path, "--out", str(out), "--emulator", "--redis", redis_url]
    assert main([*argv, "--max-inflight-images", "3"]) == 0
    assert len([p for p in out.iterdir() if p.suffix == ".png"]) == 7
    probe = redis.Redis.from_url(redis_url)
    try:
        state = probe.hgetall("ideogram-async:budget:{emulator}:state")
        assert state[b"max_capacity"] == b"3"
        assert probe.hlen("ideogram-async:budget:{emulator}:weights") == 0  # all given back
    finally:
        probe.close()


def test_an_unreachable_redis_fails_the_batch(tmp_path: Path) -> None:
    """A Redis that cannot be reached sends nothing and fails with a clear message."""
    path = write_prompts(tmp_path, "a fox\n")
    out = tmp_path / "out"
    argv = ["batch", path, "--out", str(out), "--emulator", "--redis", "redis://127.0.0.1:1/0"]
    assert main([*argv, "--max-retries", "0"]) != 0
    assert not [p for p in out.iterdir() if p.suffix == ".png"]
