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
    def list_prefix(self, prefix: str) -> list[str]:
        return sorted(obj.key for obj in self.bucket.objects.filter(Prefix=prefix))

    def local_path(self, key: str) -> str:
        return f"s3://{self.bucket_name}/{key}"
