"""A zip written front to back, one piece at a time, that can be resumed.

Only STORED entries (JPEGs do not compress; recompressing them costs CPU for
nothing). Every entry's CRC and size are known before its header is written,
so no data descriptors; the caller keeps each entry's (name, crc, size,
offset) and hands them back for the central directory at the end, which is
what lets an interrupted build resume from a checkpoint: the writer itself
holds no state but the running offset. ZIP64 records are added when the
archive passes 65,535 entries or 4 GiB, as zipfile and every unzip expect.

Streaming zip libraries (zipstream-ng, stream-zip) keep the central
directory inside a generator, so a build that dies cannot pick up where it
stopped; hence this small writer.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

_UTF8 = 0x0800
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF


class Entry(NamedTuple):
    name: str
    crc: int
    size: int
    offset: int


def dos_time(moment: datetime) -> tuple[int, int]:
    """(time, date) as zip headers store them."""
    year = max(moment.year, 1980)
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


def local_file(name: str, data: bytes, *, offset: int, stamp: tuple[int, int]) -> tuple[bytes, Entry]:
    """The local header followed by the data, and the entry to remember for the central directory."""
    encoded = name.encode()
    crc = zlib.crc32(data)
    header = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, _UTF8, 0, stamp[0], stamp[1], crc, len(data), len(data), len(encoded), 0
    )
    return header + encoded + data, Entry(name, crc, len(data), offset)


def central_directory(entries: Iterable[Entry], *, stamp: tuple[int, int]) -> Iterable[bytes]:
    for entry in entries:
        encoded = entry.name.encode()
        extra = b""
        offset = entry.offset
        if offset >= _MAX32:
            extra, offset = struct.pack("<HHQ", 0x0001, 8, entry.offset), _MAX32
        version = 45 if extra else 20
        yield (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 45,  # made by: Unix, zip 4.5
                version,
                _UTF8,
                0,
                stamp[0],
                stamp[1],
                entry.crc,
                entry.size,
                entry.size,
                len(encoded),
                len(extra),
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + encoded
            + extra
        )


def end_records(*, count: int, directory_offset: int, directory_size: int) -> bytes:
    """End of central directory (with the ZIP64 record and locator when the archive needs them)."""
    records = b""
    if count >= _MAX16 or directory_offset >= _MAX32 or directory_size >= _MAX32:
        zip64_at = directory_offset + directory_size
        records += struct.pack(
            "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, directory_size, directory_offset
        )
        records += struct.pack("<IIQI", 0x07064B50, 0, zip64_at, 1)
    records += struct.pack(
        "<IHHHHIIH",
        0x06054B50,
        0,
        0,
        min(count, _MAX16),
        min(count, _MAX16),
        min(directory_size, _MAX32),
        min(directory_offset, _MAX32),
        0,
    )
    return records
