"""Production: every integration must be configured.

Private media live in S3. Configure the bucket before the first upload:

- Default encryption with SSE-KMS, so every object (selfies, cut-outs,
  headshots, exports) is encrypted at rest under a key you control::

    aws s3api put-bucket-encryption --bucket $S3_BUCKET --server-side-encryption-configuration \
      '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",
        "KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}'

- Block Public Access, all four switches on::

    aws s3api put-public-access-block --bucket $S3_BUCKET --public-access-block-configuration \
      BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true

- No bucket versioning (or a lifecycle rule expiring noncurrent versions within a
  day): erasure deletes every version and verifies the member's prefix lists empty,
  versions included; old versions would keep the data.

Start-up checks all three (compliance.bucket) and refuses to run otherwise.

The application only ever hands out presigned GET URLs that expire within
MEDIA_URL_EXPIRY_SECONDS (≤ 5 minutes). Face descriptors are additionally
encrypted in the database with FIELD_ENCRYPTION_KEYS (Fernet keys, newest first;
generate one with ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"``).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, MIDDLEWARE, REDIS_URL, S3_BUCKET, SECRET_KEY, env, env_list

for _name, _value in (
    ("DATABASE_URL", DATABASE_URL),
    ("REDIS_URL", REDIS_URL),
    ("S3_BUCKET", S3_BUCKET),
    ("FIELD_ENCRYPTION_KEYS", env_list("FIELD_ENCRYPTION_KEYS")),
):
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")

DEBUG = False
# Start-up (every manage.py command, the web image's `manage.py check`) refuses a bucket that keeps
# old versions, is unencrypted or not blocked from the public (compliance.bucket).
S3_BUCKET_CHECKS = env("S3_BUCKET_CHECKS", "on") != "off"
# The web image runs collectstatic at build time; whitenoise serves those files (the admin's CSS
# and JS) from the app process, so no separate static server is needed. Media never go this way.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))

# Optional belt and braces on top of the bucket default: ask for SSE-KMS on every PUT.
_kms_key = env("S3_KMS_KEY_ID")
if _kms_key:
    from .base import STORAGES

    STORAGES["default"]["OPTIONS"]["object_parameters"] = {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": _kms_key,
    }
