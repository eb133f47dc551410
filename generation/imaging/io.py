"""Decoding uploads safely: size, type, pixel count, orientation, metadata."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}


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
    """Open an upload as an upright RGB image, or raise ImageRejected. With ``min_long_side``
    a JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale keeping that many pixels on its
    long side (the pixel limit applies to the full size)."""
    if len(data) > settings.SELFIE_MAX_BYTES:
        mb = settings.SELFIE_MAX_BYTES // (1024 * 1024)
        raise ImageRejected("too_large", f"The file is {len(data) / 1048576:.1f} MB; the limit is {mb} MB.")
    if not data:
        raise ImageRejected("empty", "The file is empty.")
    max_pixels = settings.SELFIE_MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow warns (and only errors at twice the limit) on decompression bombs: refuse at the limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise ImageRejected(
                    "bad_type", f"{fmt or 'This'} files are not accepted; upload a JPEG, PNG, WebP or HEIC photo."
                )
            if image.width * image.height > max_pixels:
                raise ImageRejected(
                    "too_many_pixels",
                    f"The photo has {image.width * image.height / 1e6:.0f} megapixels; the limit is "
                    f"{max_pixels / 1e6:.0f}.",
                )
            if min_long_side and fmt == "JPEG" and max(image.size) > min_long_side:
                ratio = min_long_side / max(image.size)
                image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(
                "too_many_pixels", f"The photo has more than {max_pixels / 1e6:.0f} megapixels, the limit."
            ) from None
        except UnidentifiedImageError:
            raise ImageRejected("not_an_image", "The file is not an image we can read.") from None
        except (OSError, SyntaxError, ValueError):
            raise ImageRejected("corrupt", "The image is damaged or cut short; upload it again.") from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
    upright = ImageOps.exif_transpose(image).convert("RGB")
    return DecodedImage(image=upright, original_format=ALLOWED_FORMATS[fmt])


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
        image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))
    return image.convert("RGB")
