"""Production refuses a media bucket that would keep erased faces, store them unencrypted or leak them.

Against moto's S3 server: each bucket below is configured the way an operator
might leave it, and the check names what is wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from compliance.bucket import bucket_delete_every_version, bucket_problems, bucket_versions
from tests.s3server import _free_port

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, **KEYS)


def _bucket(s3: Any, name: str, *, versioned: bool = False, encrypted: bool = True, blocked: bool = True) -> str:
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if encrypted:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    if blocked:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    return name


def _noncurrent_rule(s3: Any, bucket: str, days: int) -> None:
    rule = {"ID": "old-versions", "Status": "Enabled", "Filter": {"Prefix": ""}}
    rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})


def test_a_private_encrypted_unversioned_bucket_is_fit(s3):
    assert bucket_problems(client=s3, bucket=_bucket(s3, "fit")) == []


def test_a_versioned_bucket_is_refused_unless_old_versions_expire_within_a_day(s3):
    bucket = _bucket(s3, "versioned", versioned=True)
    [problem] = bucket_problems(client=s3, bucket=bucket)
    assert "keeps old versions" in problem and "NoncurrentDays=1" in problem
    _noncurrent_rule(s3, bucket, days=30)
    assert len(bucket_problems(client=s3, bucket=bucket)) == 1
    _noncurrent_rule(s3, bucket, days=1)
    assert bucket_problems(client=s3, bucket=bucket) == []


def test_an_unencrypted_bucket_is_refused(s3):
    [problem] = bucket_problems(client=s3, bucket=_bucket(s3, "plain", encrypted=False))
    assert "no default encryption" in problem


def test_a_bucket_open_to_the_public_is_refused(s3):
    [problem] = bucket_problems(client=s3, bucket=_bucket(s3, "open", blocked=False))
    assert "does not block public access" in problem and "BlockPublicAcls" in problem


def test_deleting_a_key_removes_every_version_and_marker(s3):
    bucket = _bucket(s3, "history", versioned=True)
    for body in (b"one", b"two", b"three"):
        s3.put_object(Bucket=bucket, Key="orgs/o/members/m/selfies/s.jpg", Body=body)
    s3.put_object(Bucket=bucket, Key="orgs/o/members/m/selfies/other.jpg", Body=b"keep")
    s3.delete_object(Bucket=bucket, Key="orgs/o/members/m/selfies/s.jpg")  # a plain delete only hides it
    assert len(bucket_versions(client=s3, bucket=bucket, prefix="orgs/o/members/m/selfies/s.jpg")) == 4

    assert bucket_delete_every_version(client=s3, bucket=bucket, key="orgs/o/members/m/selfies/s.jpg") == 4
    assert [v["Key"] for v in bucket_versions(client=s3, bucket=bucket, prefix="orgs/")] == [
        "orgs/o/members/m/selfies/other.jpg"
    ]


def _production_check(endpoint: str, bucket: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "S3_", "HEADSHOT"))}
    env |= {
        "HEADSHOT_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 40,
        "DATABASE_URL": "postgres://headshots@127.0.0.1:5432/headshots",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "FIELD_ENCRYPTION_KEYS": "mO1Nf0v3Hk7o2Qk8q6mS5l9w0mYw1JtF3pQ0o7XyZ4A=",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_start_up_refuses_an_unfit_bucket_and_says_why(s3, endpoint, tmp_path):
    result = _production_check(endpoint, _bucket(s3, "startup-unfit", versioned=True, encrypted=False), tmp_path)
    assert result.returncode != 0
    assert "compliance.E101" in result.stderr and "keeps old versions" in result.stderr
    assert "no default encryption" in result.stderr


def test_production_starts_on_a_fit_bucket(s3, endpoint, tmp_path):
    result = _production_check(endpoint, _bucket(s3, "startup-fit"), tmp_path)
    assert result.returncode == 0, result.stderr
