"""A corpus of hostile and unusual uploads, built in memory (nothing is checked in).

Each case is (bytes, expected): ``expected`` is the error code a refusal must carry, or
ACCEPT for a file that is a real photo in an unusual container, which must be stored as a
clean JPEG. The faces in accepted cases are skimage's astronaut, so the checklist runs.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

import numpy as np
import pillow_heif
from PIL import Image, PngImagePlugin

ACCEPT = "accept"
CORRUPT = ("corrupt", "not_an_image")  # either sentence is a clear refusal of broken bytes


@cache
def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def save(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def raw_png(width: int, height: int, *, bit_depth: int = 8, colour: int = 0, rows: bytes | None = None) -> bytes:
    """A PNG written by hand, for headers and depths Pillow will not write (16-bit RGB, lies)."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    body = zlib.compress(rows if rows is not None else b"", 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def png16_rgb() -> bytes:
    pixels = (np.asarray(astronaut(), dtype=np.uint16) * 257).astype(">u2")
    rows = b"".join(b"\0" + row.tobytes() for row in pixels)
    return raw_png(512, 512, bit_depth=16, colour=2, rows=rows)


def grey16() -> bytes:
    grey = np.asarray(astronaut().convert("L"), dtype=np.uint16) * 257
    return save(Image.fromarray(grey.astype(np.uint16)), "PNG")


def grey16_alpha() -> bytes:
    grey = np.asarray(astronaut().convert("L"), dtype=np.uint16) * 257
    pixels = np.stack([grey, np.full_like(grey, 65535)], axis=-1).astype(">u2")
    rows = b"".join(b"\0" + row.tobytes() for row in pixels)
    return raw_png(512, 512, bit_depth=16, colour=4, rows=rows)


def jpeg_with_sof(width: int, height: int) -> bytes:
    """A tiny JPEG whose frame header claims any size."""
    data = bytearray(save(Image.new("RGB", (16, 16)), "JPEG"))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_lying_size(width: int, height: int) -> bytes:
    return raw_png(width, height, rows=b"\0" * 64)


def with_exif(**tags: object) -> bytes:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[int(tag[1:])] = value
    return save(astronaut(), "JPEG", exif=exif.tobytes())


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker secret-maker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    return save(astronaut(), "JPEG", exif=exif)


def huge_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "secret-description " + "x" * 60_000  # ImageDescription, near the 64 KB segment limit
    return save(astronaut(), "JPEG", exif=exif.tobytes())


def jpeg_comment() -> bytes:
    return save(astronaut(), "JPEG", comment=b"secret-comment: taken at 12 Home Street")


def jpeg_xmp_icc() -> bytes:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description secret-xmp="1"/></x:xmpmeta>'
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return save(astronaut(), "JPEG", xmp=xmp, icc_profile=icc)


def png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-png-text")
    info.add_itxt("Description", "secret-png-itxt", zip=True)
    return save(astronaut(), "PNG", pnginfo=info)


def mpo(second: Image.Image) -> bytes:
    return save(astronaut(), "MPO", save_all=True, append_images=[second])


def ultra_hdr() -> bytes:
    """Android's Ultra HDR layout: a primary JPEG with hdrgm XMP, and a greyscale gain map as
    the second MPF image."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description hdrgm:Version="1.0"/></x:xmpmeta>'
    gain = astronaut().convert("L").resize((128, 128))
    return save(astronaut(), "MPO", save_all=True, append_images=[gain.convert("RGB")], xmp=xmp)


def heic(*, primary_second: bool = False, alpha: bool = False) -> bytes:
    pillow_heif.register_heif_opener()
    photo = astronaut().convert("RGBA") if alpha else astronaut()
    thumb = Image.new(photo.mode, (64, 64), "red")
    if primary_second:
        return save(thumb, "HEIF", save_all=True, append_images=[photo], primary_index=1, quality=80)
    return save(photo, "HEIF", quality=80)


def apng() -> bytes:
    frames = [astronaut(), astronaut().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return save(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)


def animated_webp() -> bytes:
    frames = [astronaut(), astronaut().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return save(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)


def transparent(mode: str, fmt: str) -> bytes:
    rgba = astronaut().convert("RGBA")
    alpha = Image.new("L", rgba.size, 255)
    alpha.paste(0, (0, 0, 40, 40))
    rgba.putalpha(alpha)
    return save(rgba.convert(mode) if mode != "RGBA" else rgba, fmt)


def truncated(data: bytes, keep: float | int) -> bytes:
    return data[: keep if isinstance(keep, int) else int(len(data) * keep)]


def zip_bomb_png() -> bytes:
    # 7100 x 7100 greyscale zeros: ~50 KB on the wire, 50.4 MP once decoded.
    return raw_png(7100, 7100, rows=b"".join(b"\0" + b"\0" * 7100 for _ in range(7100)))


def polyglot_zip_after_jpeg() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.sh", "echo secret-zip-payload")
    return save(astronaut(), "JPEG") + archive.getvalue()


def gifar() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Main.class", b"\xca\xfe\xba\xbe")
    return save(Image.new("P", (64, 64)), "GIF") + archive.getvalue()


def bad_crc_png() -> bytes:
    data = bytearray(save(astronaut(), "PNG"))
    data[29] ^= 0xFF  # inside IHDR's CRC
    return bytes(data)


def garbage_scan_jpeg() -> bytes:
    data = bytearray(save(astronaut(), "JPEG"))
    start = data.index(b"\xff\xda") + 20
    data[start : start + 4000] = bytes((i * 37) % 256 for i in range(4000))
    return bytes(data)


def big_jpeg(width: int, height: int) -> bytes:
    return save(Image.new("RGB", (width, height), (120, 130, 140)), "JPEG", quality=80)


def cmyk_jpeg() -> bytes:
    return save(astronaut().convert("CMYK"), "JPEG")


def orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return save(astronaut().crop((0, 0, 512, 384)), "JPEG", exif=exif)


CASES: dict[str, tuple[Callable[[], bytes], object]] = {
    # --- not photos at all
    "empty file": (lambda: b"", ("empty", "invalid")),
    "one byte": (lambda: b"\xff", ("not_an_image",)),
    "random bytes": (lambda: bytes((i * 7919) % 256 for i in range(5000)), ("not_an_image",)),
    "a PDF": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", ("not_an_image",)),
    "HTML named .jpg": (lambda: b"<html><script>alert(1)</script></html>", ("not_an_image",)),
    "SVG with script": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
        ("not_an_image",),
    ),
    "a ZIP": (lambda: polyglot_zip_after_jpeg()[-200:], ("not_an_image",)),
    "only a JPEG SOI marker": (lambda: b"\xff\xd8\xff", CORRUPT),
    "only a PNG signature": (lambda: b"\x89PNG\r\n\x1a\n", CORRUPT),
    "over 20 MB": (lambda: b"\xff\xd8" + b"\0" * (21 * 1024 * 1024), ("too_large",)),
    # --- formats we do not take
    "a GIF": (lambda: save(astronaut().convert("P"), "GIF"), ("bad_type",)),
    "an animated GIF": (
        lambda: save(astronaut().convert("P"), "GIF", save_all=True, append_images=[astronaut().convert("P")]),
        ("bad_type",),
    ),
    "a BMP": (lambda: save(astronaut(), "BMP"), ("bad_type",)),
    "a TIFF": (lambda: save(astronaut(), "TIFF"), ("bad_type",)),
    "an ICO": (lambda: save(astronaut(), "ICO"), ("bad_type",)),
    "a PPM": (lambda: save(astronaut(), "PPM"), ("bad_type",)),
    "a GIF with a JAR appended (GIFAR)": (gifar, ("bad_type",)),
    # --- bombs and lying headers
    "PNG bomb, 1-bit 8000x7000": (lambda: save(Image.new("1", (8000, 7000)), "PNG"), ("too_many_pixels",)),
    "PNG bomb, zlib zeros 7100x7100": (zip_bomb_png, ("too_many_pixels",)),
    "PNG header claiming 100000x100000": (lambda: png_lying_size(100_000, 100_000), ("too_many_pixels",)),
    "PNG header claiming 2^31 wide": (lambda: png_lying_size(2**31 - 1, 1), ("too_many_pixels", *CORRUPT)),
    "PNG header with zero width": (lambda: png_lying_size(0, 100), CORRUPT),
    "JPEG header claiming 65000x65000": (lambda: jpeg_with_sof(65000, 65000), ("too_many_pixels",)),
    "JPEG header claiming 9000x9000, no data": (lambda: jpeg_with_sof(9000, 9000), ("too_many_pixels",)),
    # libjpeg pads a short scan with grey and only warns: stored as a blank photo the checklist refuses.
    "JPEG header claiming 3000x3000, no data": (lambda: jpeg_with_sof(3000, 3000), (ACCEPT, *CORRUPT)),
    # --- extreme shapes
    "PNG 10x20000 strip": (lambda: save(Image.new("L", (10, 20000)), "PNG"), ("too_small",)),
    "PNG 20000x10 strip": (lambda: save(Image.new("L", (20000, 10)), "PNG"), ("too_small",)),
    "PNG 100x5000 strip": (lambda: save(Image.new("L", (100, 5000)), "PNG"), ("bad_shape",)),
    "JPEG 3000x200 panorama": (lambda: big_jpeg(3000, 200), ("bad_shape",)),
    "PNG 1x1": (lambda: save(Image.new("RGB", (1, 1)), "PNG"), ("too_small",)),
    "JPEG 8x8": (lambda: save(Image.new("RGB", (8, 8)), "JPEG"), ("too_small",)),
    # --- truncations
    "JPEG cut at 10%": (lambda: truncated(save(astronaut(), "JPEG"), 0.1), CORRUPT),
    "JPEG cut at 60%": (lambda: truncated(save(astronaut(), "JPEG"), 0.6), CORRUPT),
    "JPEG cut before EOI": (lambda: truncated(save(astronaut(), "JPEG"), -200), CORRUPT),
    "PNG cut at 50%": (lambda: truncated(save(astronaut(), "PNG"), 0.5), CORRUPT),
    "PNG 7000x7000 cut to 270 bytes": (lambda: truncated(save(Image.new("L", (7000, 7000)), "PNG"), 270), CORRUPT),
    "WebP cut at 50%": (lambda: truncated(save(astronaut(), "WEBP"), 0.5), CORRUPT),
    "HEIC cut at 50%": (lambda: truncated(heic(), 0.5), CORRUPT),
    "PNG with a broken CRC": (bad_crc_png, CORRUPT),
    "PNG with a corrupt zlib stream": (lambda: raw_png(64, 64)[:-30] + b"\x00" * 18, CORRUPT),
    # --- polyglots that are still photos: accepted, and the payload is not stored
    "JPEG with a ZIP appended": (polyglot_zip_after_jpeg, ACCEPT),
    "PNG with HTML appended": (lambda: save(astronaut(), "PNG") + b"<script>secret-html()</script>", ACCEPT),
    "JPEG with garbage in the scan": (garbage_scan_jpeg, (ACCEPT, *CORRUPT)),
    # --- odd modes
    "greyscale PNG": (lambda: save(astronaut().convert("L"), "PNG"), ACCEPT),
    "greyscale JPEG": (lambda: save(astronaut().convert("L"), "JPEG"), ACCEPT),
    "16-bit greyscale PNG": (grey16, ACCEPT),
    "16-bit RGB PNG": (png16_rgb, ACCEPT),
    "16-bit greyscale with alpha PNG": (grey16_alpha, ACCEPT),
    "1-bit PNG": (lambda: save(astronaut().convert("1"), "PNG"), ACCEPT),
    "palette PNG": (lambda: save(astronaut().convert("P"), "PNG"), ACCEPT),
    "palette PNG with transparency": (lambda: transparent("P", "PNG"), ACCEPT),
    "RGBA PNG with a transparent corner": (lambda: transparent("RGBA", "PNG"), ACCEPT),
    "LA PNG": (lambda: transparent("LA", "PNG"), ACCEPT),
    "RGBA WebP": (lambda: transparent("RGBA", "WEBP"), ACCEPT),
    "CMYK JPEG": (cmyk_jpeg, ACCEPT),
    "progressive JPEG": (lambda: save(astronaut(), "JPEG", progressive=True), ACCEPT),
    "lossless WebP": (lambda: save(astronaut(), "WEBP", lossless=True), ACCEPT),
    # --- animations: the first frame
    "animated PNG": (apng, ACCEPT),
    "animated WebP": (animated_webp, ACCEPT),
    # --- phone containers
    "MPO stereo pair": (lambda: mpo(astronaut().transpose(Image.Transpose.FLIP_LEFT_RIGHT)), ACCEPT),
    "Ultra HDR JPEG with a gain map": (ultra_hdr, ACCEPT),
    "HEIC": (heic, ACCEPT),
    "HEIC with two images, the second primary": (lambda: heic(primary_second=True), ACCEPT),
    "HEIC with alpha": (lambda: heic(alpha=True), ACCEPT),
    # --- metadata that must not survive
    "JPEG with GPS": (gps_jpeg, ACCEPT),
    "JPEG with 60 KB of EXIF": (huge_exif, ACCEPT),
    "JPEG with a comment": (jpeg_comment, ACCEPT),
    "JPEG with XMP and an ICC profile": (jpeg_xmp_icc, ACCEPT),
    "PNG with text chunks": (png_text, ACCEPT),
    "JPEG with EXIF orientation (6)": (lambda: orientation(6), ACCEPT),
    "JPEG with an invalid EXIF orientation (9)": (lambda: orientation(9), ACCEPT),
    "JPEG with broken EXIF bytes": (
        lambda: save(astronaut(), "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff"),
        ACCEPT,
    ),
    # --- big, legal photos: decoded at reduced scale
    "49 MP JPEG": (lambda: big_jpeg(8576, 5720), ACCEPT),
    "49 MP PNG": (lambda: save(Image.new("L", (7000, 7000), 128), "PNG"), ACCEPT),
}

# Words planted in metadata and payloads above: none may reach a stored file.
SECRETS = (b"secret", b"Exif", b"hdrgm", b"xmpmeta", b"ICC_PROFILE", b"PhoneMaker")
