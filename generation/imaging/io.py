"""Decoding uploads safely: size, type, pixel count, shape, orientation, modes, metadata.

Every photo a phone makes opens here: JPEG, MPO and Ultra HDR JPEG (the primary
image; the gain map or second view is ignored), PNG, WebP, and HEIC (the primary
image of a multi-image file). 16-bit and greyscale modes are scaled, and
transparency is flattened onto white, before the RGB conversion. Whatever an
upload does to the decoder, the caller sees one ``ImageRejected`` with a sentence
a person understands.

Cost is bounded before the full decode: the byte size, the pixel count and the
shape are checked on the header, and a large JPEG is decoded at 1/2, 1/4 or 1/8
scale (libjpeg's draft mode) so a 49 MP photo costs about a quarter of its full
decode.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pillow_heif
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

# Pillow's format name -> what we call it. MPO is how Pillow names a JPEG that carries a
# second image (multi-picture format: stereo pairs, Ultra HDR gain maps).
ALLOWED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
MAX_ASPECT = 4  # a selfie is never a strip: longer than 4:1 is refused before decoding
MIN_SIDE = 16  # below this no check can run; the checklist refuses small photos with a reason


class ImageRejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class DecodedImage:
    image: Image.Image  # RGB, upright
    original_format: str


def decode_upload(data: bytes, *, min_long_side: int | None = None) -> DecodedImage:
    """Open an upload as an upright RGB image, or raise ImageRejected. A large JPEG is decoded
    at the smallest 1/2, 1/4 or 1/8 scale keeping ``min_long_side`` (default
    SELFIE_DECODE_LONG_SIDE) pixels on its long side; the pixel limit applies to the full size."""
    if len(data) > settings.SELFIE_MAX_BYTES:
        mb = settings.SELFIE_MAX_BYTES // (1024 * 1024)
        raise ImageRejected("too_large", f"The file is {len(data) / 1048576:.1f} MB; the limit is {mb} MB.")
    if not data:
        raise ImageRejected("empty", "The file is empty.")
    max_pixels = settings.SELFIE_MAX_PIXELS
    long_side = min_long_side or settings.SELFIE_DECODE_LONG_SIDE
    with warnings.catch_warnings():
        # Pillow warns (and only errors at twice the limit) on decompression bombs: refuse at the limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            image, fmt = _open_checked(data, max_pixels, long_side)
            upright = _bounded(_to_rgb(ImageOps.exif_transpose(image)), long_side)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(
                "too_many_pixels", f"The photo has more than {max_pixels / 1e6:.0f} megapixels, the limit."
            ) from None
        except UnidentifiedImageError:
            raise ImageRejected("not_an_image", "The file is not an image we can read.") from None
        except MemoryError:
            raise ImageRejected("too_many_pixels", "The photo is too large to open.") from None
        except Exception:  # noqa: BLE001 - any decoder failure on hostile bytes is the file's fault
            raise ImageRejected("corrupt", "The image is damaged or cut short; upload it again.") from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
    return DecodedImage(image=upright, original_format=ALLOWED_FORMATS[fmt])


def _open_checked(data: bytes, max_pixels: int, long_side: int) -> tuple[Image.Image, str]:
    """Open the first (primary) image, checking everything the header tells before decoding."""
    image = Image.open(io.BytesIO(data))
    fmt = image.format or ""
    if fmt not in ALLOWED_FORMATS:
        raise ImageRejected(
            "bad_type", f"{fmt or 'This'} files are not accepted; upload a JPEG, PNG, WebP or HEIC photo."
        )
    width, height = image.size
    if width * height > max_pixels:
        raise ImageRejected(
            "too_many_pixels",
            f"The photo has {width * height / 1e6:.0f} megapixels; the limit is {max_pixels / 1e6:.0f}.",
        )
    if min(width, height) < MIN_SIDE:
        raise ImageRejected("too_small", f"The photo is {width}×{height} pixels; that is too small to check.")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(
            "bad_shape",
            f"The photo is {width}×{height} pixels; a portrait may be at most {MAX_ASPECT} times as long as wide.",
        )
    if fmt in ("JPEG", "MPO"):
        _draft(image, long_side)
    image.load()  # only the primary frame: an animation's later frames and an MPO's gain map are never decoded
    return image, fmt


def _bounded(image: Image.Image, long_side: int) -> Image.Image:
    """Keep at most ``long_side`` (with some slack, so a photo just above it is left alone)."""
    if max(image.size) > long_side * 1.5:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def _draft(image: Image.Image, long_side: int) -> None:
    """Decode a JPEG at the smallest 1/2, 1/4 or 1/8 scale that keeps ``long_side`` pixels."""
    if max(image.size) >= 2 * long_side:
        ratio = long_side / max(image.size)
        image.draft(image.mode if image.mode in ("RGB", "L") else "RGB", _scaled(image.size, ratio))


def _scaled(size: tuple[int, int], ratio: float) -> tuple[int, int]:
    return math.ceil(size[0] * ratio), math.ceil(size[1] * ratio)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB with the right values: 16-bit and float greyscale are scaled (a plain convert clips
    them to white), and transparency is flattened onto white rather than black."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or float(values.max(initial=0)) > 255 else 255.0
        if image.mode == "F" and float(values.max(initial=0)) <= 1.0:
            top = 1.0
        grey = np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def without_metadata(image: Image.Image) -> Image.Image:
    """An RGB copy that carries nothing but pixels.

    Pillow keeps a decoded file's comment, EXIF, XMP, ICC profile and text
    chunks in ``info`` and writes some of them back on save (a JPEG comment
    survives a plain re-encode). Colours are converted to sRGB first, so
    dropping a wide-gamut profile does not shift them.
    """
    rgb = _to_srgb(image).convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.info = {}
    return clean


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image.convert("RGB"), source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except Exception:  # a broken profile: keep the pixels as they are
        return image


def encode_jpeg(image: Image.Image, *, quality: int = 92, optimize: bool = True) -> bytes:
    """Re-encode without any metadata: no EXIF (so no GPS), XMP, ICC, comments or text."""
    out = io.BytesIO()
    without_metadata(image).save(out, "JPEG", quality=quality, optimize=optimize)
    return out.getvalue()


def open_rgb(data: bytes, *, min_long_side: int | None = None) -> Image.Image:
    """Open an image this service stored itself. With ``min_long_side``, a JPEG is decoded
    at the smallest 1/2, 1/4 or 1/8 scale that keeps at least that many pixels on its long
    side (libjpeg's draft mode): a 12 MP selfie renders from a 3 MP decode, several times faster."""
    image = Image.open(io.BytesIO(data))
    if min_long_side and image.format == "JPEG" and max(image.size) > min_long_side:
        ratio = min_long_side / max(image.size)
        image.draft("RGB", _scaled(image.size, ratio))
    return image.convert("RGB")
