"""Where media live, and short-lived links to them.

Keys are namespaced by organisation and the pseudonymous member id (the
membership UUID), so one prefix holds everything about one person and
erasure can prove it is empty by listing it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

_SALT = "media-link"


def member_prefix(*, organization_id, member_id) -> str:
    return f"orgs/{organization_id}/members/{member_id}/"


def selfie_key(*, organization_id, member_id, selfie_id) -> str:
    return f"{member_prefix(organization_id=organization_id, member_id=member_id)}selfies/{selfie_id}.jpg"


def headshot_key(*, organization_id, member_id, job_id, variant_index: int) -> str:
    # Derived from (job, variant): a redelivered render overwrites, never duplicates.
    prefix = member_prefix(organization_id=organization_id, member_id=member_id)
    return f"{prefix}jobs/{job_id}/variant-{variant_index}.jpg"


def cutout_key(*, organization_id, member_id, selfie_id) -> str:
    return f"{member_prefix(organization_id=organization_id, member_id=member_id)}cutouts/{selfie_id}.png"


# Keys holding face data. Reading or writing them needs a compliance.biometric grant.
BIOMETRIC_FOLDERS = ("/selfies/", "/cutouts/", "/descriptors/")


def is_biometric(key: str) -> bool:
    return key.startswith("orgs/") and any(folder in key for folder in BIOMETRIC_FOLDERS)


def _authorize(key: str, grant, *, write: bool) -> None:
    if is_biometric(key):
        from compliance.biometric import storage_authorize

        storage_authorize(key, grant, write=write)


def export_key(*, organization_id, export_id) -> str:
    return f"orgs/{organization_id}/exports/{export_id}.zip"


def put(key: str, data: bytes, *, grant=None) -> None:
    """Write bytes at exactly ``key``, replacing what was there."""
    _authorize(key, grant, write=True)
    if default_storage.exists(key) and isinstance(default_storage, FileSystemStorage):
        default_storage.delete(key)  # FileSystemStorage would otherwise pick a new name
    saved = default_storage.save(key, ContentFile(data))
    if saved != key:  # pragma: no cover - a storage that renames breaks idempotency
        raise RuntimeError(f"storage wrote {saved!r} instead of {key!r}")


def get(key: str, *, grant=None) -> bytes:
    _authorize(key, grant, write=False)
    with default_storage.open(key, "rb") as fh:
        return fh.read()


def delete(key: str) -> None:
    if key:
        default_storage.delete(key)


def list_prefix(prefix: str) -> list[str]:
    """Every key under ``prefix``, recursively."""
    if isinstance(default_storage, FileSystemStorage):
        root = default_storage.path(prefix.rstrip("/"))
        import os

        found = []
        for dirpath, _dirs, files in os.walk(root):
            rel = os.path.relpath(dirpath, default_storage.location)
            found += [f"{rel}/{name}".replace(os.sep, "/") for name in files]
        return sorted(found)
    bucket = default_storage.bucket
    return sorted(obj.key for obj in bucket.objects.filter(Prefix=prefix))


def media_url(key: str, *, download_name: str | None = None) -> str:
    """A link that works for MEDIA_URL_EXPIRY_SECONDS (≤ 5 minutes)."""
    if isinstance(default_storage, FileSystemStorage):
        token = signing.dumps({"k": key, "n": download_name}, salt=_SALT)
        return reverse("media-signed", kwargs={"token": token})
    params = {}
    if download_name:
        params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
    return default_storage.url(key, parameters=params or None, expire=settings.MEDIA_URL_EXPIRY_SECONDS)


def media_token_read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=_SALT, max_age=settings.MEDIA_URL_EXPIRY_SECONDS)
    except signing.BadSignature:
        return None


def local_path(key: str) -> str:
    """A filesystem path for ``key`` where storage is local, else its s3:// address."""
    if isinstance(default_storage, FileSystemStorage):
        return default_storage.path(key)
    return f"s3://{default_storage.bucket_name}/{key}"
