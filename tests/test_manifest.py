"""The batch manifest: stable keys, durable append-only events, and reading back after a crash."""

from __future__ import annotations

import io
import json
from pathlib import Path

import anyio
import pytest

import ideogram_async as ia
from ideogram_async._manifest import request_key

pytestmark = pytest.mark.anyio


def test_a_key_depends_on_the_request_only() -> None:
    """Keys ignore mapping order and enum-vs-text, and change with any parameter's value."""
    one = request_key("v3.generate", {"prompt": "a", "rendering_speed": "TURBO", "seed": 1})
    two = request_key(
        "v3.generate", {"seed": 1, "rendering_speed": ia.RenderingSpeed.TURBO, "prompt": "a"}
    )
    assert one == two
    assert len(one) == 32
    assert request_key("v3.remix", {"prompt": "a", "rendering_speed": "TURBO", "seed": 1}) != one
    assert request_key("v3.generate", {"prompt": "a", "seed": 2}) != request_key(
        "v3.generate", {"prompt": "a", "seed": 1}
    )
    assert request_key("v3.generate", {"prompt": "a"}, {"x": 1}) != request_key(
        "v3.generate", {"prompt": "a"}
    )


def test_files_are_keyed_by_path_or_content() -> None:
    """A path keys by its name, bytes by their hash; a nameless file object is refused."""
    by_path = request_key("v3.remix", {"image": Path("a.png")})
    assert by_path == request_key("v3.remix", {"image": Path("a.png")})
    assert request_key("v3.remix", {"image": b"x"}) != request_key("v3.remix", {"image": b"y"})
    with pytest.raises(TypeError, match="paths or bytes"):
        request_key("v3.remix", {"image": io.BytesIO(b"x")})


async def test_events_are_durable_and_read_back(tmp_path: Path) -> None:
    """Appended events are on disk at once, one JSON line each, and fold into call records."""
    path = tmp_path / "m.jsonl"
    manifest = ia.Manifest(path)
    assert not path.exists()  # reading creates nothing
    async with anyio.create_task_group() as tg:
        for n in range(20):
            tg.start_soon(manifest.append, {"event": "sent", "key": f"k{n}"})
    await manifest.append({"event": "answered", "key": "k1", "images": [{"url": "u"}]})
    await manifest.append({"event": "saved", "key": "k1", "image": 0, "file": "/x.png"})
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["event"] == "manifest"
    assert len(lines) == 23
    manifest.close()
    again = ia.Manifest(path)
    record = again.get("k1")
    assert record is not None
    assert (record.sent, record.saved, record.answer is not None) == (1, {0: "/x.png"}, True)
    assert again.get("k19") is not None


async def test_a_line_torn_by_a_crash_is_ignored_and_ended(tmp_path: Path) -> None:
    """A half-written last line is skipped on reading, and the next event starts a new line."""
    path = tmp_path / "m.jsonl"
    path.write_text('{"event": "sent", "key": "a"}\n{"event": "answ')
    manifest = ia.Manifest(path)
    assert manifest.unreadable_lines == 1
    await manifest.append({"event": "sent", "key": "b"})
    manifest.close()
    assert ia.Manifest(path).unreadable_lines == 1
    assert set(ia.Manifest(path).records) == {"a", "b"}


async def test_a_manifest_in_use_by_another_batch_is_refused(tmp_path: Path) -> None:
    """Two writers of one manifest would interleave: the second is refused."""
    path = tmp_path / "m.jsonl"
    first = ia.Manifest(path)
    await first.append({"event": "sent", "key": "a"})
    with pytest.raises(ia.ManifestError, match="in use"):
        await ia.Manifest(path).append({"event": "sent", "key": "b"})
    first.close()


def test_a_file_that_is_not_a_manifest_is_refused(tmp_path: Path) -> None:
    """A prompts file passed as the manifest by mistake is not taken for an empty manifest."""
    path = tmp_path / "prompts.txt"
    path.write_text("a fox\nan owl\n")
    with pytest.raises(ia.ManifestError, match="not a batch manifest"):
        ia.Manifest(path)
