"""Production: every integration must be configured.

Private media live in S3. Configure the bucket with default encryption
(SSE-KMS: ``aws s3api put-bucket-encryption`` with ``aws:kms``) and Block
Public Access on; the application only ever hands out presigned GET URLs that
expire within MEDIA_URL_EXPIRY_SECONDS.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, REDIS_URL, S3_BUCKET, SECRET_KEY, env

for _name, _value in (("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL), ("S3_BUCKET", S3_BUCKET)):
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
