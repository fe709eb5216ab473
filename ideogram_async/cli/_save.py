"""Saving images: file names from prompts, and files that never overwrite one another."""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from .._files import _EXTENSIONS, sniff_image

__all__ = ["extension_for", "file_stem", "slugify", "write_new"]

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


def extension_for(data: bytes) -> str:
    """The file extension for image bytes, judged by their first bytes."""
    return _EXTENSIONS.get(sniff_image(data) or "", ".bin")


def write_new(directory: Path, stem: str, data: bytes) -> Path:
    """Write ``data`` to a new file ``stem.ext`` in ``directory``, or ``stem-2.ext``, ... .

    The file is created exclusively, so concurrent writers and earlier runs are never
    overwritten. Blocking: run it in a worker thread.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ext = extension_for(data)
    for n in itertools.count(1):
        path = directory / (f"{stem}{ext}" if n == 1 else f"{stem}-{n}{ext}")
        try:
            file = path.open("xb")
        except FileExistsError:
            continue
        try:
            with file:
                file.write(data)
        except BaseException:
            path.unlink(missing_ok=True)  # no half-written image left behind
            raise
        return path
    raise AssertionError("unreachable")  # pragma: no cover
