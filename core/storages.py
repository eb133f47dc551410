"""The two media backends, each answering the same questions (see core.media.MediaStorage).

``SignedFileSystemStorage`` is the embedded default: its ``url()`` is a signed
link to ``core:media-signed`` that expires like an S3 presigned URL.
``S3MediaStorage`` is django-storages' S3 backend plus listing.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_SALT = "media-link"


class SignedFileSystemStorage(FileSystemStorage):
    def __init__(self, **options: Any) -> None:
        options.setdefault("allow_overwrite", True)  # a key is written at exactly its name
        super().__init__(**options)

    def url(self, name: str | None, parameters: dict[str, str] | None = None, expire: int | None = None) -> str:
        disposition = (parameters or {}).get("ResponseContentDisposition", "")
        token = signing.dumps({"k": name, "d": disposition}, salt=_SALT)
        return reverse("core:media-signed", kwargs={"token": token})

    def list_prefix(self, prefix: str) -> list[str]:
        root = self.path(prefix.rstrip("/"))
        found = []
        for dirpath, _dirs, files in os.walk(root):
            rel = os.path.relpath(dirpath, self.location)
            found += [f"{rel}/{name}".replace(os.sep, "/") for name in files]
        return sorted(found)

    def local_path(self, key: str) -> str:
        return self.path(key)


def media_token_read(token: str) -> dict[str, str] | None:
    """The key and Content-Disposition a signed link names, or None when expired or forged."""
    try:
        payload: dict[str, str] = signing.loads(token, salt=_SALT, max_age=settings.MEDIA_URL_EXPIRY_SECONDS)
    except signing.BadSignature:
        return None
    return payload


class S3MediaStorage(S3Storage):
    """On S3, deleting means every version: on a versioned bucket a plain delete only hides the
    object behind a marker, and an erased face could be restored. Listing counts any key that still
    has a version or a marker, so "the prefix lists empty" is true of old versions too."""

    def delete(self, name: str) -> None:
        key = self._normalize_name(clean_name(name))
        s3_delete_every_version(client=self.connection.meta.client, bucket=self.bucket_name, key=key)

    def list_prefix(self, prefix: str) -> list[str]:
        versions = s3_versions(client=self.connection.meta.client, bucket=self.bucket_name, prefix=prefix)
        return sorted({v["Key"] for v in versions})

    def local_path(self, key: str) -> str:
        return f"s3://{self.bucket_name}/{key}"


def s3_versions(*, client: Any, bucket: str, prefix: str, latest: bool = False) -> list[dict[str, Any]]:
    """Every version and delete marker under ``prefix``: what "empty" must mean on S3.

    With ``latest``, each entry also says whether it is the current version and when it was written.
    """
    found = []
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
            entry = {"Key": version["Key"], "VersionId": version["VersionId"]}
            if latest:
                entry |= {"IsLatest": version["IsLatest"], "LastModified": version["LastModified"]}
            found.append(entry)
    return found


def s3_delete_versions(*, client: Any, bucket: str, versions: list[dict[str, Any]]) -> int:
    doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]
    for start in range(0, len(doomed), 1000):  # the API's batch limit
        batch = doomed[start : start + 1000]
        answer = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if answer.get("Errors"):  # a batch delete reports failures per key instead of raising
            failed = ", ".join(f"{e.get('Key')}: {e.get('Code')}" for e in answer["Errors"][:5])
            raise OSError(f"S3 refused to delete {len(answer['Errors'])} version(s): {failed}")
    return len(doomed)


def s3_delete_every_version(*, client: Any, bucket: str, key: str) -> int:
    """Delete every version and delete marker of exactly ``key``; returns how many went."""
    doomed = [v for v in s3_versions(client=client, bucket=bucket, prefix=key) if v["Key"] == key]
    return s3_delete_versions(client=client, bucket=bucket, versions=doomed)
