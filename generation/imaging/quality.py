"""Measurements behind the quality checks, from the face and its 68 landmarks."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy.fft import dctn
from scipy.ndimage import laplace

from .faces import Face

FACE_SIZE = 256  # the face crop is resized to this before sharpness is measured
SKIN_AB = 12.0  # CIELAB a*b* distance from the nose-bridge skin within which a pixel counts as skin


def face_crop(image: Image.Image, face: Face) -> np.ndarray:
    """Grey face crop in [0, 255] at a fixed size, so sharpness is comparable across photos."""
    left, top, right, bottom = face.box
    box = (max(0, left), max(0, top), min(image.width, right), min(image.height, bottom))
    return np.asarray(image.convert("L").resize((FACE_SIZE, FACE_SIZE), Image.BILINEAR, box=box), dtype=np.float64)


def sharpness(crop: np.ndarray) -> float:
    """Variance of the Laplacian on the face crop."""
    return float(laplace(crop).var())


def eye_aspect_ratio(face: Face) -> float:
    """Mean eye height over width of both eyes; closed eyes fall below about 0.15."""

    def ear(points: np.ndarray) -> float:
        vertical = np.linalg.norm(points[1] - points[5]) + np.linalg.norm(points[2] - points[4])
        return float(vertical / (2 * np.linalg.norm(points[0] - points[3]) + 1e-6))

    return (ear(face.landmarks[36:42]) + ear(face.landmarks[42:48])) / 2


def perceptual_hash(image: Image.Image) -> str:
    """64-bit DCT hash (pHash) as 16 hex digits."""
    small = np.asarray(image.convert("L").resize((32, 32), Image.LANCZOS), dtype=np.float64)
    low = dctn(small, norm="ortho")[:8, :8].ravel()
    bits = low > np.median(low[1:])
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hash_distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


# A generic adult head in millimetres (x right, y down, z away from the camera; nose tip at the origin),
# at six of dlib's 68 landmarks: nose tip, chin, outer eye corners, mouth corners.
HEAD_MODEL_POINTS = (30, 8, 36, 45, 48, 54)
HEAD_MODEL = np.array(
    [
        [0.0, 0.0, 0.0],
        [0.0, 63.6, 12.5],
        [-43.3, -32.7, 26.0],
        [43.3, -32.7, 26.0],
        [-28.9, 28.9, 24.1],
        [28.9, 28.9, 24.1],
    ]
)


def head_pose_3d(face: Face, image_size: tuple[int, int]) -> dict[str, float]:
    """Yaw, pitch and roll in degrees from a perspective fit (PnP) of a 3D head model to the landmarks.

    The camera is assumed to have a focal length of the photo's long side (a phone's main or
    front camera is within 20% of that); pitch > 0 is the chin up, yaw > 0 the head turned to
    the photo's right.
    """
    from scipy.optimize import least_squares
    from scipy.spatial.transform import Rotation

    points = face.landmarks[list(HEAD_MODEL_POINTS)]
    focal = float(max(image_size))
    centre = np.array(image_size, dtype=np.float64) / 2
    eye_px = float(np.hypot(*(points[3] - points[2]))) or 1.0
    start = np.array([0.0, 0.0, 0.0, *((points[0] - centre) * (focal * 86.6 / eye_px) / focal), focal * 86.6 / eye_px])

    def residual(params: np.ndarray) -> np.ndarray:
        rotated = Rotation.from_rotvec(params[:3]).apply(HEAD_MODEL) + params[3:]
        projected = focal * rotated[:, :2] / rotated[:, 2:3] + centre
        return (projected - points).ravel() / eye_px

    fit = least_squares(residual, start, method="lm")
    pitch, yaw, roll = Rotation.from_rotvec(fit.x[:3]).as_euler("xyz", degrees=True)
    return {"yaw": round(float(-yaw), 1), "pitch": round(float(pitch), 1), "roll": round(float(roll), 1)}


def face_hull_pixels(image: Image.Image, face: Face, *, size: int = 256) -> np.ndarray:
    """RGB pixels (N x 3, 0..255) inside the face's landmark hull (jaw line and brows), on a
    ``size`` px copy of the face: the wall behind the face never counts."""
    from PIL import ImageDraw

    left, top, right, bottom = face.box
    pad = 0.15 * (right - left)
    box = (max(0, left - pad), max(0, top - pad), min(image.width, right + pad), min(image.height, bottom + pad))
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return np.zeros((0, 3))
    crop = image.convert("RGB").resize((size, size), Image.BILINEAR, box=box)
    sx, sy = size / (box[2] - box[0]), size / (box[3] - box[1])
    outline = np.concatenate([face.landmarks[0:17], face.landmarks[26:16:-1]])
    polygon = [((x - box[0]) * sx, (y - box[1]) * sy) for x, y in outline]
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).polygon(polygon, fill=255)
    return np.asarray(crop, dtype=np.float64)[np.asarray(mask) > 0]


def hull_exposure(image: Image.Image, face: Face) -> tuple[float, float]:
    """(mean brightness 0..255, share of clipped highlights) inside the face's landmark hull."""
    pixels = face_hull_pixels(image, face)
    if not len(pixels):
        return 0.0, 0.0
    luma = pixels @ np.array([0.299, 0.587, 0.114])
    clipped = (pixels.max(axis=1) >= 250) & (pixels.min(axis=1) >= 235)
    return float(luma.mean()), float(clipped.mean())


def _polygon_mask(points: np.ndarray, size: int) -> np.ndarray:
    from PIL import ImageDraw

    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).polygon([(float(x), float(y)) for x, y in points], fill=255)
    return np.asarray(mask) > 0


def mouth_uncovered(image: Image.Image, face: Face, *, size: int = 256) -> tuple[float, float]:
    """(skin share, mouth texture): is the mouth area skin, and does it hold a mouth?

    dlib places the 68 landmarks on a covered face too (it guesses the mouth), so both come from the
    pixels, on a ``size`` px copy of the face box in CIELAB:

    * skin share: the share of pixels between the nostrils and the mouth line, cheek to cheek (jaw
      points 2-4 and 12-14), whose colour (a*, b*) lies within SKIN_AB of the skin on the nose
      bridge between the eyes, which no mask, hand or microphone covers. A mask in any colour that
      skin is not (blue, white, black, most printed cloth) leaves almost none; a beard or a moustache
      still leaves skin between and beside it (real faces 0.40 and up, a small face in a group 0.21).
    * mouth texture: the spread of lightness (L* standard deviation) over the lips (landmarks 48-59)
      and a ring around them. Lips, their dark seam, teeth and beard hair all vary; a mask, even a
      skin-coloured one, is flat there (real faces 7.3 and up, painted masks 2.2 and below).

    A hand over the mouth is skin-coloured and its fingers have edges, so neither measure refuses it
    reliably; neither does boldly printed cloth in skin-like colours nor a microphone that covers
    only the lips.
    """
    from skimage.color import rgb2lab

    left, top, right, bottom = face.box
    pad = 0.15 * (right - left)
    box = (max(0, left - pad), max(0, top - pad), min(image.width, right + pad), min(image.height, bottom + pad))
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return 1.0, 100.0
    crop = image.convert("RGB").resize((size, size), Image.BILINEAR, box=box)
    points = (face.landmarks - [box[0], box[1]]) * [size / (box[2] - box[0]), size / (box[3] - box[1])]
    lab = rgb2lab(np.asarray(crop, dtype=np.float64) / 255.0)
    eyes = float(np.hypot(*(points[42:48].mean(axis=0) - points[36:42].mean(axis=0))))
    yy, xx = np.mgrid[0:size, 0:size]
    centre = (points[27] + points[28]) / 2
    bridge = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= (0.15 * eyes) ** 2
    if not bridge.any():
        return 1.0, 100.0
    skin_ab = np.median(lab[bridge][:, 1:], axis=0)
    skin_l = float(np.median(lab[bridge][:, 0]))
    band = lab[_polygon_mask(points[[2, 3, 4, 48, 57, 54, 12, 13, 14, 35, 33, 31]], size)]
    skin_like = (np.hypot(*(band[:, 1:] - skin_ab).T) < SKIN_AB) & (band[:, 0] > 0.35 * skin_l)
    lips = points[48:60]
    middle = lips.mean(axis=0)
    mouth = _polygon_mask(middle + (lips - middle) * [1.5, 2.0], size)
    share = float(skin_like.mean()) if len(band) else 1.0
    texture = float(lab[..., 0][mouth].std()) if mouth.any() else 100.0
    return share, texture
