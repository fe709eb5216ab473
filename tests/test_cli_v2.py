"""The CLI's v2 additions: v2 models as --model, ``ideogram quote``, ``ideogram job ID``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

import ideogram_async.testing as testing
from ideogram_async.cli import main
from ideogram_async.testing import Emulator

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One emulator that every ``--emulator`` run of the test talks to, jobs done at once."""
    shared = Emulator()

    def same(**_: Any) -> Emulator:
        return shared

    monkeypatch.setattr(testing, "Emulator", same)
    return shared


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    """Run the CLI with ``--json``; its exit code and the JSON it printed."""
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_generate_with_a_v2_model_runs_it_as_a_job(
    emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--model nano-banana-2 posts to its v2 route in its spelling, waits, and saves."""
    out = tmp_path / "out"
    argv = ["generate", "a fox", "--model", "nano-banana-2", "--aspect-ratio", "16x9"]
    code = main([*argv, "--emulator", "-n", "2", "-o", str(out)])
    assert code == 0
    files = sorted(out.iterdir())
    assert len(files) == 2
    assert files[0].read_bytes().startswith(PNG_MAGIC)
    posts = [r for r in emulator.requests if r.method == "POST"]
    assert [r.path for r in posts] == ["/v2/image/generate/nano-banana-2"]
    assert posts[0].fields["aspect_ratio"] == "16:9"
    assert posts[0].fields["async"] is True


def test_an_option_the_v2_model_does_not_take_is_a_usage_error(emulator: Emulator) -> None:
    """--negative-prompt with Ideogram 4.0 exits 2 before any request."""
    argv = ["generate", "a fox", "--model", "ideogram-4", "--negative-prompt", "x", "--emulator"]
    assert main(argv) == 2
    assert emulator.requests == []


def test_quote_prints_the_price_and_bills_nothing(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """ideogram quote sends a dry_run and prints the quote; no job is created."""
    code, body = run_json(["quote", "ideogram-4-5", "a fox", "-n", "3", "--emulator"], capsys)
    assert code == 0
    assert body["usd_micros"] == 300_000
    assert body["qualifier"] == "exact"
    assert emulator.requests[0].query == {"dry_run": ["true"]}
    assert emulator.v2.jobs == {}


def test_quote_checks_fields_given_as_params(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --param the model does not take is a usage error, and nothing is sent."""
    code = main(["quote", "ideogram-4", "a fox", "--param", "quality=high", "--emulator"])
    assert code == 2
    assert emulator.requests == []


def test_job_resumes_by_id_and_saves_the_images(
    emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ideogram job ID polls a job submitted elsewhere and saves its images; no POST is made."""

    async def submit() -> str:
        async with emulator.client() as client:
            job = await client.v2.submit.generate_ideogram_4(prompt="a fox", num_images=2)
            return job.id

    generation_id = anyio.run(submit)
    posts_before = len([r for r in emulator.requests if r.method == "POST"])
    out = tmp_path / "out"
    code, body = run_json(["job", generation_id, "--emulator", "-o", str(out)], capsys)
    assert code == 0
    assert len(body["files"]) == 2
    assert body["usd_micros"] == 120_000
    assert len([r for r in emulator.requests if r.method == "POST"]) == posts_before
    code, body = run_json(["job", generation_id, "--no-wait", "--emulator"], capsys)
    assert body["status"] == "completed"
