"""Deterministic PNG pictures, encoded with ``zlib`` and ``struct`` alone, and image sizes."""

from __future__ import annotations

import hashlib
import struct
import zlib

__all__ = ["encode", "image_size", "pixel_size", "render"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SOFTWARE = b"Software\x00ideogram-async emulator"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode(width: int, height: int, rows: list[bytes], *, alpha: bool) -> bytes:
    """A PNG of 8-bit RGB (or RGBA) rows, each ``width`` pixels long."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"tEXt", _SOFTWARE)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def pixel_size(width: int, height: int, longest: int = 64) -> tuple[int, int]:
    """``width`` x ``height`` scaled down so its longest side is ``longest`` pixels."""
    if width >= height:
        return longest, max(1, round(longest * height / width))
    return max(1, round(longest * width / height)), longest


def render(key: str, seed: int, width: int, height: int, *, transparent: bool = False) -> bytes:
    """A picture that depends only on its arguments: colours and pattern come from a hash.

    A transparent picture keeps an opaque disc in the middle and clears the rest.
    """
    digest = hashlib.sha256(f"{key}\x00{seed}".encode()).digest()
    colours = [digest[i : i + 3] for i in (0, 3, 6)]
    pattern = digest[9] % 4
    bands = 2 + digest[10] % 6
    # Per column and per row once: this runs for every image the emulator makes.
    us = [x / width for x in range(width)]
    across = [(u - 0.5) ** 2 for u in us]
    columns = [int(u * bands) for u in us]
    rows = []
    for y in range(height):
        v = y / height
        down = (v - 0.5) ** 2
        if pattern == 0:  # diagonal stripes
            indices = [int((u + v) * bands) % 3 for u in us]
        elif pattern == 1:  # checks
            band = int(v * bands)
            indices = [(column + band) % 2 * 2 for column in columns]
        elif pattern == 2:  # rings
            indices = [int(((a + down) ** 0.5) * bands * 2) % 3 for a in across]
        else:  # horizontal bands
            indices = [int(v * bands) % 3] * width
        if transparent:
            opaque = [a + down <= 0.16 for a in across]
            pixels = zip(indices, opaque, strict=True)
            rows.append(b"".join([colours[i] + (b"\xff" if o else b"\x00") for i, o in pixels]))
        else:
            rows.append(b"".join([colours[i] for i in indices]))
    return encode(width, height, rows, alpha=transparent)


def image_size(data: bytes) -> tuple[int, int] | None:
    """The ``(width, height)`` of a PNG, JPEG or WebP image, read from its header; else ``None``."""
    try:
        if data.startswith(_SIGNATURE) and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_size(data)
    except (struct.error, IndexError):
        return None
    return None


_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    offset = 2
    while offset + 9 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return (int(width), int(height)) if width and height else None
        offset += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    kind = data[12:16]
    if kind == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if kind == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
