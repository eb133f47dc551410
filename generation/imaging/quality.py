"""Measurements behind the quality checks, from the face and its 68 landmarks."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image
from scipy.fft import dctn
from scipy.ndimage import laplace

from .faces import Face

FACE_SIZE = 256  # the face crop is resized to this before sharpness is measured


def face_crop(image: Image.Image, face: Face) -> np.ndarray:
    """Grey face crop in [0, 255] at a fixed size, so sharpness is comparable across photos."""
    left, top, right, bottom = face.box
    box = (max(0, left), max(0, top), min(image.width, right), min(image.height, bottom))
    return np.asarray(image.convert("L").resize((FACE_SIZE, FACE_SIZE), Image.BILINEAR, box=box), dtype=np.float64)


def sharpness(crop: np.ndarray) -> float:
    """Variance of the Laplacian on the face crop."""
    return float(laplace(crop).var())


def exposure(crop: np.ndarray) -> tuple[float, float]:
    """(mean brightness 0..255, share of clipped highlights) on the face."""
    return float(crop.mean()), float((crop >= 250).mean())


def head_pose(face: Face) -> dict[str, float]:
    """Rough yaw, pitch and roll in degrees from the landmarks (0 is facing the camera)."""
    left, right = face.left_eye, face.right_eye
    roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    nose, eyes_mid, chin = face.landmarks[30], face.eye_centre, face.landmarks[8]
    eye_dist = float(np.hypot(*(right - left))) or 1.0
    # Yaw: the nose tip moves sideways from the eyes' midpoint as the head turns.
    yaw = math.degrees(math.asin(float(np.clip((nose[0] - eyes_mid[0]) / (0.6 * eye_dist), -1, 1))))
    # Pitch: the nose tip's height between eyes and chin; about 0.30 of the way when facing
    # forward (measured on frontal portraits).
    span = float(chin[1] - eyes_mid[1]) or 1.0
    pitch = math.degrees(math.asin(float(np.clip(((nose[1] - eyes_mid[1]) / span - 0.30) / 0.3, -1, 1))))
    return {"yaw": round(yaw, 1), "pitch": round(pitch, 1), "roll": round(roll, 1)}


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
