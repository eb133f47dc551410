"""Is the media bucket fit to hold faces? Checked at start-up in production.

Erasure proves a member's prefix is empty by listing it. That proof is only
true if deleted objects do not live on as old versions, and the bucket must
not leak: so the bucket must have versioning off (or a lifecycle rule that
expires noncurrent versions within a day), default encryption, and public
access blocked. ``bucket_problems`` says what is wrong in words an operator
can act on; the system check turns each into a start-up error.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from core.storages import s3_delete_every_version, s3_delete_versions, s3_versions

MAX_NONCURRENT_DAYS = 1
_PUBLIC_SWITCHES = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_ALL_USERS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _expires_noncurrent_quickly(client: Any, bucket: str) -> bool:
    try:
        rules = client.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except ClientError as exc:
        if _code(exc) == "NoSuchLifecycleConfiguration":
            return False
        raise
    for rule in rules:
        whole_bucket = not (
            rule.get("Prefix") or rule.get("Filter", {}).get("Prefix") or rule.get("Filter", {}).get("And")
        )
        days = rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
        if rule.get("Status") == "Enabled" and whole_bucket and days is not None and days <= MAX_NONCURRENT_DAYS:
            return True
    return False


def _versioning_problem(client: Any, bucket: str) -> str | None:
    status = client.get_bucket_versioning(Bucket=bucket).get("Status")
    if status in ("Enabled", "Suspended") and not _expires_noncurrent_quickly(client, bucket):
        return (
            f"bucket {bucket} keeps old versions (versioning {status}) and no lifecycle rule expires noncurrent "
            f"versions within {MAX_NONCURRENT_DAYS} day: an erased face would live on. Suspend versioning and "
            "delete old versions, or add a whole-bucket rule with NoncurrentVersionExpiration NoncurrentDays=1."
        )
    return None


def _encryption_problem(client: Any, bucket: str) -> str | None:
    try:
        rules = client.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError as exc:
        if _code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        rules = []
    if not any(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules):
        return f"bucket {bucket} has no default encryption: turn on SSE-KMS (see config/settings/production.py)."
    return None


def _public_problem(client: Any, bucket: str) -> str | None:
    try:
        block = client.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError as exc:
        if _code(exc) == "NoSuchPublicAccessBlockConfiguration":
            block = {}
        elif _code(exc) in ("NotImplemented", "XNotImplemented"):
            return _public_without_block_api(client, bucket)  # e.g. MinIO
        else:
            raise
    off = [name for name in _PUBLIC_SWITCHES if not block.get(name)]
    if off:
        return f"bucket {bucket} does not block public access ({', '.join(off)} off): turn on all four switches."
    return None


def _public_without_block_api(client: Any, bucket: str) -> str | None:
    """Servers without Block Public Access: no public grant and no policy are the equivalent."""
    grants = client.get_bucket_acl(Bucket=bucket).get("Grants", [])
    if any(g.get("Grantee", {}).get("URI") in _ALL_USERS for g in grants):
        return f"bucket {bucket} grants access to everyone in its ACL: remove the grant."
    try:
        client.get_bucket_policy(Bucket=bucket)
    except ClientError as exc:
        if _code(exc) in ("NoSuchBucketPolicy", "NoSuchPolicy"):
            return None
        raise
    return f"bucket {bucket} has a bucket policy; this server cannot block public access, so allow none."


def bucket_problems(*, client: Any, bucket: str) -> list[str]:
    """Everything that makes ``bucket`` unfit for face data; empty when it is fit."""
    checks = (_versioning_problem, _encryption_problem, _public_problem)
    return [problem for check in checks if (problem := check(client, bucket))]


# The version helpers live with the S3 backend (core.storages); these names are compliance's.
bucket_versions = s3_versions
bucket_delete_versions = s3_delete_versions
bucket_delete_every_version = s3_delete_every_version


def s3_client_from_settings() -> Any:
    """A boto3 client for the media bucket, from the same options django-storages uses."""
    import boto3
    from django.conf import settings

    options: dict[str, Any] = dict(settings.STORAGES["default"].get("OPTIONS", {}))
    return boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
        region_name=options.get("region_name"),
    )


def check_media_bucket(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check (production): refuse to start on a bucket unfit for faces."""
    from django.conf import settings
    from django.core.checks import Error

    if not getattr(settings, "S3_BUCKET_CHECKS", False) or not getattr(settings, "S3_BUCKET", ""):
        return []
    try:
        problems = bucket_problems(client=s3_client_from_settings(), bucket=str(settings.S3_BUCKET))
    except Exception as exc:  # unreachable, no rights to read the settings: also not fit to start
        problems = [f"cannot read the settings of bucket {settings.S3_BUCKET}: {exc}"]
    return [
        Error(problem, hint="Set S3_BUCKET_CHECKS=off only for a bucket you checked by hand.", id=f"compliance.E10{n}")
        for n, problem in enumerate(problems, start=1)
    ]
