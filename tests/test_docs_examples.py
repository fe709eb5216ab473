"""Every ```` ```python ```` block of ``docs/*.md`` and ``README.md`` runs, so no example can rot.

Each block is a complete program, run in a subprocess of its own in a fresh working directory
against one emulator served with uvicorn on a loopback port for the whole session, with
``IDEOGRAM_API_KEY`` and ``IDEOGRAM_BASE_URL`` set. A block that defines ``test_`` functions is
run with pytest instead, which exercises the package's own pytest plugin.

- Files a block names (``"boat.png"``, ``"shots.zip"``, ``"prompts.txt"``...) are created in
  its working directory first: small valid images, a ZIP of 15 images with captions, prompts.
- The emulator's clock runs a minute ahead on every reading, so a custom model finishes training
  by the time a block asks (the real API takes a while: the examples poll), and its links do
  not expire within the session.
- ``<!-- example: skip (reason) -->`` on the line before a block skips it; the reason is
  required, and a page whose every block is skipped fails unless it is listed in
  ``ALL_SKIPPED`` with the reason.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest
import uvicorn

from ideogram_async.testing import Emulator

from .conftest import JPEG, WEBP, make_png

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
# Pages whose every example may be skipped, each with the reason.
ALL_SKIPPED: dict[str, str] = {
    "docs/redis.md": "its examples need a Redis server; tests/test_redis.py runs the same calls",
}
TIMEOUT = 60.0

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*example:(?P<rest>.*?)-->\s*$")
_SKIP = re.compile(r"^\s*skip\s+\((?P<reason>[^)]*\S[^)]*)\)\s*$")
_FILE_NAME = re.compile(r"""["'](?P<name>[\w.-]+\.(?:png|jpe?g|webp|zip|txt|jsonl))["']""")
_TEST_FUNCTION = re.compile(r"^\s*(?:async\s+)?def\s+test_", re.M)


class Block(NamedTuple):
    """One ```` ```python ```` block of a page."""

    page: str
    line: int
    code: str
    marker: str | None  # the text after ``example:`` in the marker line before it, if any

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        match = _SKIP.match(self.marker or "")
        return match.group("reason").strip() if match else None


def python_blocks(text: str, page: str) -> list[Block]:
    """The ``python`` fenced blocks of a Markdown text, with the marker line before each."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        info = opening.group("info").strip().split()
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and not re.match(
            rf"^{indent}{fence[0]}{{{len(fence)},}}\s*$", lines[i]
        ):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        if info[:1] != ["python"]:
            continue
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = _MARKER.match(previous)
        blocks.append(
            Block(page, start + 1, "\n".join(body) + "\n", marker and marker.group("rest").strip())
        )
    return blocks


def all_blocks() -> list[Block]:
    return [
        block
        for page in PAGES
        for block in python_blocks(
            page.read_text(encoding="utf-8"), page.relative_to(ROOT).as_posix()
        )
    ]


BLOCKS = all_blocks()


# --- the emulator, served once for the session -----------------------------------------------


class _FastForward:
    """Wall-clock seconds that jump a minute ahead at every reading."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jump = 0.0

    def __call__(self) -> float:
        with self._lock:
            self._jump += 61.0
            return time.time() + self._jump


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    """The URL of an emulator served by uvicorn on a loopback port the OS picks."""
    emulator = Emulator(inflight_limit=1000, link_ttl=1e9, clock=_FastForward())
    config = uvicorn.Config(emulator, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="docs-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the emulator did not start")
        time.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# --- running a block -------------------------------------------------------------------------


def sample_file(name: str) -> bytes:
    """What a file a block names holds: an image of its type, an archive, or prompts."""
    suffix = name.rsplit(".", 1)[1].lower()
    if suffix == "png":
        return make_png(8, 8)
    if suffix in ("jpg", "jpeg"):
        return JPEG
    if suffix == "webp":
        return WEBP
    if suffix == "txt":
        return b"a lighthouse at dawn\na paper boat on a pond\n"
    if suffix == "jsonl":
        lines = [{"prompt": "a lighthouse at dawn", "num_images": 2}, {"prompt": "a paper boat"}]
        return "".join(json.dumps(line) + "\n" for line in lines).encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for i in range(15):
            zipped.writestr(f"shot{i:02}.png", make_png(8, 8))
            zipped.writestr(f"shot{i:02}.txt", f"product shot {i}")
    return archive.getvalue()


def environment(url: str, pycache: Path) -> dict[str, str]:
    """The examples' environment: the emulator's URL and a key, and bytecode cached once.

    Compiled modules go to one folder for the session (``PYTHONPYCACHEPREFIX``), so the second
    example on imports the SDK, httpx and pytest without compiling them again: most of what a
    block costs is that import.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEOGRAM_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        IDEOGRAM_API_KEY="docs-example-key", IDEOGRAM_BASE_URL=url, PYTHONPYCACHEPREFIX=str(pycache)
    )
    return env


def run_block(
    block: Block, url: str, workdir: Path, pycache: Path
) -> subprocess.CompletedProcess[str]:
    """Run a block as its own program (or its own pytest run) in ``workdir``."""
    for match in _FILE_NAME.finditer(block.code):
        path = workdir / match.group("name")
        if not path.exists():
            path.write_bytes(sample_file(path.name))
    if _TEST_FUNCTION.search(block.code):
        script = workdir / "test_example.py"
        uses_asyncio = "pytest.mark.asyncio" in block.code or "pytest_asyncio" in block.code
        plugin = ["-o", "asyncio_default_fixture_loop_scope=function"] if uses_asyncio else []
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin]
        if not uses_asyncio:
            command += ["-p", "no:asyncio"]
        command.append(script.name)
    else:
        script = workdir / "example.py"
        command = [sys.executable, script.name]
    script.write_text(block.code, encoding="utf-8")
    return subprocess.run(
        command,
        cwd=workdir,
        env=environment(url, pycache),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="session")
def example_results(
    request: pytest.FixtureRequest, emulator_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[Block], subprocess.CompletedProcess[str]]]:
    """Runs the selected blocks two at a time in the background; returns a block's result."""
    selected = [
        block
        for item in request.session.items
        if isinstance(item, pytest.Function) and item.originalname == "test_example_runs"
        if isinstance(block := item.callspec.params["block"], Block)
    ]
    runs: dict[str, Future[subprocess.CompletedProcess[str]]] = {}
    pycache = tmp_path_factory.mktemp("pycache")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="docs-example") as pool:
        for block in selected:
            if block.skip_reason is None:
                workdir = tmp_path_factory.mktemp("example")
                runs[block.id] = pool.submit(run_block, block, emulator_url, workdir, pycache)
        yield lambda block: runs[block.id].result()
        for future in runs.values():
            future.cancel()


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_example_runs(
    block: Block, example_results: Callable[[Block], subprocess.CompletedProcess[str]]
) -> None:
    """The block runs to completion against the emulator (exit status 0)."""
    if block.skip_reason is not None:
        pytest.skip(block.skip_reason)
    result = example_results(block)
    assert result.returncode == 0, (
        f"{block.id} failed (exit {result.returncode})\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_example_marker_is_well_formed(block: Block) -> None:
    """A marker before a block is ``<!-- example: skip (reason) -->``, with a reason."""
    if block.marker is not None:
        assert block.skip_reason, f"{block.id}: write <!-- example: skip (why) -->"


def test_no_page_skips_every_example() -> None:
    """Each page with Python examples runs at least one, unless ``ALL_SKIPPED`` says why not."""
    pages = {block.page for block in BLOCKS}
    silent = sorted(
        page
        for page in pages
        if page not in ALL_SKIPPED
        and all(b.skip_reason is not None for b in BLOCKS if b.page == page)
    )
    assert silent == []


def test_most_examples_run() -> None:
    """Skips stay the exception: at most a quarter of all the blocks are skipped."""
    skipped = [block.id for block in BLOCKS if block.skip_reason is not None]
    assert len(BLOCKS) >= 20
    assert len(skipped) <= len(BLOCKS) // 4, skipped


def test_the_block_reader_handles_markers_indents_and_other_languages() -> None:
    """Only ``python`` fences are read; indented ones too; the marker is the line before."""
    text = (
        "# Page\n\n```console\n$ ideogram demo\n```\n\n"
        "<!-- example: skip (needs a real gateway) -->\n```python\nprint(1)\n```\n\n"
        "- a list item:\n\n  ```python\n  print(2)\n  ```\n"
    )
    blocks = python_blocks(text, "page.md")
    assert [(b.line, b.code, b.skip_reason) for b in blocks] == [
        (8, "print(1)\n", "needs a real gateway"),
        (14, "print(2)\n", None),
    ]
    assert python_blocks("<!-- example: skip -->\n```python\nx\n```\n", "p")[0].skip_reason is None
