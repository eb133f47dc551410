"""Field-level encryption for biometric data (face descriptors).

Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: a list of Fernet keys,
newest first. New values are encrypted with the first key; any key in the
list decrypts, so rotation is: put the new key first, run
``manage.py rotate_field_keys`` (``generation.services.selfie_descriptors_rotate``), then drop the old key.

``Selfie.descriptor`` stays a plain ``BinaryField(null=True)`` holding a Fernet
token: write ``selfie.descriptor = descriptor_encrypt(vector, grant=grant)``
and read ``descriptor_decrypt(selfie.descriptor, grant=grant)``, with the
``compliance.biometric`` grant the upload or the job already holds. Like the
selfie pixels, a descriptor cannot be made or read without an active consent.
(``EncryptedBinaryField`` encrypts transparently instead, but then loading a
row decrypts without a grant; prefer the helpers for descriptors.)
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

import numpy as np
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection, models
from numpy.typing import ArrayLike

DESCRIPTOR_LENGTH = 128


def dev_key(secret: str) -> str:
    """A Fernet key derived from SECRET_KEY, for embedded defaults only."""
    digest = hashlib.sha256(f"field-encryption:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def keys() -> tuple[str, ...]:
    """The configured keys, newest first; embedded defaults use a key derived from SECRET_KEY."""
    return tuple(settings.FIELD_ENCRYPTION_KEYS) or (dev_key(settings.SECRET_KEY),)


def fernet() -> MultiFernet:
    return _fernet(keys())


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return fernet().decrypt(bytes(token))
    except InvalidToken:
        raise ValueError("cannot decrypt: no configured key matches (FIELD_ENCRYPTION_KEYS)") from None


def rotate(token: bytes | memoryview) -> bytes:
    """Re-encrypt ``token`` with the newest key."""
    return fernet().rotate(bytes(token))


def descriptor_encrypt(vector: ArrayLike, *, grant: object) -> bytes:
    """Encrypt a 128-value face descriptor; needs a processing grant (active consent)."""
    from .biometric import grant_check

    grant_check(grant)
    array = np.asarray(vector, dtype=np.float64)
    if array.shape != (DESCRIPTOR_LENGTH,):
        raise ValueError(f"a face descriptor has {DESCRIPTOR_LENGTH} values, got shape {array.shape}")
    return encrypt(array.tobytes())


def descriptor_decrypt(token: bytes | memoryview | None, *, grant: object) -> np.ndarray | None:
    """Decrypt a face descriptor; needs a processing grant (active consent)."""
    from .biometric import grant_check

    grant_check(grant)
    if token is None:
        return None
    return np.frombuffer(decrypt(bytes(token)), dtype=np.float64).copy()


class EncryptedBinaryField(models.BinaryField):
    """A BinaryField whose database value is a Fernet token.

    Python values are plain bytes (or a float64 vector, stored as bytes);
    the column never holds them in clear.
    """

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        if isinstance(value, np.ndarray):
            value = value.astype(np.float64).tobytes()
        return super().get_db_prep_value(encrypt(bytes(value)), connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        if value is None:
            return None
        return decrypt(bytes(value))


class EncryptedJSONField(models.BinaryField):
    """Any JSON value (a perceptual hash, skin colour figures), stored as a Fernet token.

    Transparent: Python sees the value, the column only the token. For face
    figures that are not descriptors, where reading them needs no grant but
    a database dump must not show them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        token = encrypt(json.dumps(value, separators=(",", ":")).encode())
        return super().get_db_prep_value(token, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt(bytes(value)))

    def to_python(self, value: Any) -> Any:
        return value


def column_rotate(model: Any, name: str, batch_size: int) -> int:
    """Re-encrypt one column of Fernet tokens with the newest key; returns how many values changed."""
    column = model._meta.get_field(name).column
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {model._meta.db_table} WHERE {column} IS NOT NULL")
        rows = cursor.fetchall()
    for start in range(0, len(rows), batch_size):
        with connection.cursor() as cursor:
            for pk, token in rows[start : start + batch_size]:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s AND {column} = %s",
                    [rotate(bytes(token)), pk, token],
                )
                count += cursor.rowcount
    return count
