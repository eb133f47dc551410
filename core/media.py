"""Where media live, and short-lived links to them.

Keys are namespaced by organisation and the pseudonymous member id (the
membership UUID), so one prefix holds everything about one person and
erasure can prove it is empty by listing it.

Face data (selfies, cut-outs, descriptors) is read or written only with an
``AccessGrant`` for the member who owns the prefix. This module defines the
protocol; ``compliance.biometric`` mints the only grants, after checking
consent, so storage needs nothing from the apps above it.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# Keys holding face data: reading or writing them needs a grant.
BIOMETRIC_FOLDERS = ("/selfies/", "/cutouts/", "/descriptors/")


class AccessDenied(PermissionError):
    """Face data was touched without a grant that covers it."""


class AccessGrant(Protocol):
    """Permission to touch one member's face data (see compliance.biometric)."""

    def authorize(self, key: str, *, write: bool) -> None:
        """Raise unless this grant allows reading (or writing) ``key`` now."""


class MediaStorage(Protocol):
    """What ``core.storages`` adds to Django's storages, so callers need no isinstance."""

    def save(self, name: str, content: Any, max_length: int | None = None) -> str: ...
    def open(self, name: str, mode: str = "rb") -> Any: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...
    def url(self, name: str, parameters: dict[str, str] | None = None, expire: int | None = None) -> str: ...
    def list_prefix(self, prefix: str) -> list[str]: ...
    def local_path(self, key: str) -> str: ...


def _storage() -> MediaStorage:
    return cast(MediaStorage, default_storage)


def member_prefix(*, organization_id: object, member_id: object) -> str:
    return f"orgs/{organization_id}/members/{member_id}/"


def is_biometric(key: str) -> bool:
    return key.startswith("orgs/") and any(folder in key for folder in BIOMETRIC_FOLDERS)


def _authorize(key: str, grant: AccessGrant | None, *, write: bool) -> None:
    if not is_biometric(key):
        return
    if grant is None or not callable(getattr(grant, "authorize", None)):
        raise AccessDenied(f"{key} holds face data: pass a grant from compliance.biometric.biometric_grant()")
    grant.authorize(key, write=write)


def put(key: str, data: bytes, *, grant: AccessGrant | None = None) -> None:
    """Write bytes at exactly ``key``, replacing what was there."""
    _authorize(key, grant, write=True)
    saved = _storage().save(key, ContentFile(data))
    if saved != key:  # pragma: no cover - a storage that renames breaks idempotency
        raise RuntimeError(f"storage wrote {saved!r} instead of {key!r}")


def get(key: str, *, grant: AccessGrant | None = None) -> bytes:
    _authorize(key, grant, write=False)
    with _storage().open(key, "rb") as fh:
        return cast(bytes, fh.read())


def delete(key: str) -> None:
    if key:
        _storage().delete(key)


def list_prefix(prefix: str) -> list[str]:
    """Every key under ``prefix``, recursively, sorted."""
    return _storage().list_prefix(prefix)


def media_url(key: str, *, download_name: str | None = None) -> str:
    """A link that works for MEDIA_URL_EXPIRY_SECONDS (≤ 5 minutes)."""
    params = {}
    if download_name:
        params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
    return _storage().url(key, parameters=params or None, expire=settings.MEDIA_URL_EXPIRY_SECONDS)


def local_path(key: str) -> str:
    """A filesystem path for ``key`` where storage is local, else its s3:// address."""
    return _storage().local_path(key)


def s3_target() -> tuple[Any, str] | None:
    """The boto3 client and bucket name when media live on S3 (to list or delete versions), else None."""
    storage = _storage()
    bucket = getattr(storage, "bucket_name", None)
    if not bucket:
        return None
    return storage.connection.meta.client, bucket  # type: ignore[attr-defined]
