from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from .storages import media_token_read


def media_signed(request: HttpRequest, token: str) -> FileResponse:
    """Serve a local-storage file behind a signed link that expires in minutes
    (the embedded-defaults stand-in for an S3 presigned URL)."""
    payload = media_token_read(token)
    if not payload or not default_storage.exists(payload["k"]):
        raise Http404("This link has expired or does not exist.")
    content_type = mimetypes.guess_type(payload["k"])[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(payload["k"], "rb"), content_type=content_type)
    if payload.get("d"):
        response["Content-Disposition"] = payload["d"]
    response["Cache-Control"] = "private, no-store"
    return response
