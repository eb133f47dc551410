"""moto's standalone S3 server for tests: real HTTP, real boto3, no AWS."""

from __future__ import annotations

import os
import socket

BUCKET = "headshots-test"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
_started: list[str] = []  # the endpoint of the server this process started, if any


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto_s3() -> str:
    """Start the server, create the bucket and export the S3_* variables."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=endpoint,
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        S3_REGION="us-east-1",
    )
    _started.append(endpoint)
    _make_bucket(endpoint)
    return endpoint


def _make_bucket(endpoint: str) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, **KEYS)
    client.create_bucket(Bucket=BUCKET)
    # Versioned, the hard case: a plain delete would leave old versions behind, so every test
    # that proves storage empty by listing it proves it of every version.
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})


def reset_moto_s3() -> None:
    """Empty the server started here (moto's reset API), then make the bucket again.

    moto keeps every object, every version of it, in this process's memory: without a reset
    between tests a whole run holds every photo and export it ever wrote (over 20 GB)."""
    if not _started:
        return
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{_started[0]}/moto-api/reset", method="POST"), timeout=30)
    _make_bucket(_started[0])
