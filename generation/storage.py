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


class ResumableUpload:
    """One object written front to back in parts, resumable from the last flushed part.

    ``state`` (JSON) is what a checkpoint stores: after a crash, ``resumable_upload``
    with that state continues at exactly the bytes it had flushed; anything written
    after it is overwritten. On S3 this is a multipart upload (parts of at least
    5 MiB but the last); on local storage a ``.partial`` file renamed at the end.
    """

    min_part_bytes = 0  # the smallest part the store accepts (but the last)

    def __init__(self, key: str, state: dict) -> None:
        self.key, self.state = key, state
        self._buffer = bytearray()

    @property
    def position(self) -> int:
        """Bytes written so far, flushed or not: the offset of the next byte."""
        return int(self.state["committed"]) + len(self._buffer)

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def write(self, data: bytes) -> None:
        self._buffer += data

    def flush(self) -> dict:
        if self._buffer:
            self._send(bytes(self._buffer))
            self.state["committed"] = int(self.state["committed"]) + len(self._buffer)
            self._buffer = bytearray()
        return dict(self.state)

    def complete(self) -> None:
        self.flush()
        self._finish()

    def _send(self, data: bytes) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def abort(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class _LocalUpload(ResumableUpload):
    def __init__(self, key: str, state: dict) -> None:
        import os

        super().__init__(key, state)
        self.path = default_storage.path(key)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.partial = self.path + ".partial"
        if not state:
            self.state = {"committed": 0}
        with open(self.partial, "ab") as fh:  # a crash may have left bytes past the checkpoint
            fh.truncate(int(self.state["committed"]))

    def _send(self, data: bytes) -> None:
        import os

        with open(self.partial, "r+b") as fh:
            fh.seek(int(self.state["committed"]))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def _finish(self) -> None:
        import os

        os.replace(self.partial, self.path)

    def abort(self) -> None:
        import os

        if os.path.exists(self.partial):
            os.remove(self.partial)


class _S3Upload(ResumableUpload):
    min_part_bytes = 5 * 1024 * 1024

    def __init__(self, key: str, state: dict) -> None:
        super().__init__(key, state)
        self.client = default_storage.connection.meta.client
        self.bucket = default_storage.bucket_name
        if not state:
            created = self.client.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType="application/zip")
            self.state = {"committed": 0, "upload_id": created["UploadId"], "parts": []}

    def _send(self, data: bytes) -> None:
        number = len(self.state["parts"]) + 1
        sent = self.client.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.state["upload_id"], PartNumber=number, Body=data
        )
        self.state["parts"] = [*self.state["parts"], [number, sent["ETag"]]]

    def _finish(self) -> None:
        parts = [{"PartNumber": n, "ETag": etag} for n, etag in self.state["parts"]]
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.state["upload_id"], MultipartUpload={"Parts": parts}
        )

    def abort(self) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.state["upload_id"])
        except Exception:  # already completed or aborted: nothing to take back
            pass


def resumable_upload(key: str, state: dict | None = None) -> ResumableUpload:
    """Start writing ``key`` (``state`` None or empty) or resume from a checkpoint's state."""
    if isinstance(default_storage, FileSystemStorage):
        return _LocalUpload(key, dict(state or {}))
    return _S3Upload(key, dict(state or {}))


def size_key(*, headshot_key_: str, platform: str) -> str:
    """Where a platform size of an approved headshot lives: beside its master, under the member's prefix."""
    return headshot_key_.removesuffix(".jpg") + f"/sizes/{platform}.jpg"
