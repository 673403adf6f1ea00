"""Small real media files for upload tests: a valid PNG, and files of a given size."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MB = 1024 * 1024


def tiny_png(rgb: tuple[int, int, int] = (255, 128, 0)) -> bytes:
    """A valid 1×1 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # width, height, depth 8, RGB
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def write_png(path: Path, rgb: tuple[int, int, int] = (255, 128, 0)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tiny_png(rgb))
    return path


def sized_file(path: Path, size: int, *, head: bytes = b"") -> Path:
    """A file of exactly `size` bytes starting with `head` (sparse: big ones cost no disk)."""
    with path.open("wb") as file:
        file.write(head[:size])
        file.truncate(size)
    return path


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42"
