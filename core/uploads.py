"""Objects written front to back in parts, resumable after a crash (the streaming export's zip)."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, default_storage


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
        self.client = default_storage.connection.meta.client  # type: ignore[attr-defined]
        self.bucket = default_storage.bucket_name  # type: ignore[attr-defined]
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
