"""Saving a batch's images: names nothing from the server can steer, and no partial file.

Each image is streamed by ``client.download_to`` into a hidden temporary file in the output
folder (written atomically: complete, or not there), then published under its final name with
the extension its bytes call for. Publishing is a hard link, so it never overwrites a file; a
name that is taken gets ``-2``, ``-3``, ... .
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from ._download import TEMP_PREFIX, TEMP_SUFFIX, fsync_dir
from ._exceptions import IdeogramValidationError
from ._files import _EXTENSIONS, sniff_image

if TYPE_CHECKING:
    from ._client import AsyncIdeogram

__all__ = ["check_output_dir", "file_stem", "fsync_dir", "save_image", "slugify"]

_SLUG_MAX = 40


def slugify(text: str | None, fallback: str = "image") -> str:
    """A short, lowercase ASCII name for ``text``: ``"A Cat, at Dusk!"`` -> ``"a-cat-at-dusk"``."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_MAX:
        cut = slug[: _SLUG_MAX + 1]
        # End on a whole word where one ends late enough.
        slug = cut.rsplit("-", 1)[0] if cut.rfind("-") >= _SLUG_MAX // 2 else cut[:_SLUG_MAX]
    return slug.rstrip("-") or fallback


def file_stem(index: int, slug: str, seed: int | None) -> str:
    """``{index:03d}-{slug}-{seed}``, or ``{index:03d}-{slug}`` for an image without a seed."""
    return f"{index:03d}-{slug}" if seed is None else f"{index:03d}-{slug}-{seed}"


def check_output_dir(directory: Path) -> None:
    """Create ``directory`` if needed and prove a file can be written there; remove the
    temporary files a crashed batch left.

    Raises:
        IdeogramValidationError: It is not a folder, or cannot be written.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise IdeogramValidationError(
            "out_dir", str(directory), f"a folder where files can be written ({reason})"
        ) from exc
    for stale in directory.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


async def save_image(
    client: AsyncIdeogram, url: str, directory: Path, stem: str, *, adopt: bool = False
) -> Path:
    """Download ``url`` into ``directory`` as ``stem`` plus the extension of its content.

    With ``adopt``, an existing ``stem.ext`` (or ``stem-N.ext``) with the same bytes is taken
    as the image's file instead of writing a copy (a resumed batch that crashed after writing
    the file, before recording it).

    Raises:
        DownloadError: The download failed (nothing is left on disk).
        OSError: The file cannot be written.
    """
    from anyio import to_thread

    temp = directory / f"{TEMP_PREFIX}{os.urandom(8).hex()}{TEMP_SUFFIX}"
    await client.download_to(url, temp)  # whole at ``temp``, or nothing there
    # Once the bytes are on disk, publish them even if the batch is being cancelled.
    with anyio.CancelScope(shield=True):
        return await to_thread.run_sync(_publish, temp, directory, stem, adopt)
    raise AssertionError("unreachable")  # pragma: no cover - nothing cancels this scope


def _publish(temp: Path, directory: Path, stem: str, adopt: bool) -> Path:
    try:
        return _link(temp, directory, stem, adopt)
    finally:
        temp.unlink(missing_ok=True)


def _link(temp: Path, directory: Path, stem: str, adopt: bool) -> Path:
    with temp.open("rb") as file:
        head = file.read(16)
    os.chmod(temp, 0o644)  # as an ordinary file, not the temporary file's 0600
    ext = _EXTENSIONS.get(sniff_image(head) or "", ".bin")
    for n in itertools.count(1):
        path = directory / (f"{stem}{ext}" if n == 1 else f"{stem}-{n}{ext}")
        if adopt and path.exists():
            if _same_bytes(path, temp):
                return path
            continue
        try:
            os.link(temp, path)
        except FileExistsError:
            continue
        except OSError:
            # A file system without hard links: claim the name, then move the bytes in.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            os.close(fd)
            os.replace(temp, path)
        fsync_dir(directory)
        return path
    raise AssertionError("unreachable")  # pragma: no cover


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    with first.open("rb") as a, second.open("rb") as b:
        while chunk := a.read(1 << 16):
            if chunk != b.read(len(chunk)):
                return False
    return True
