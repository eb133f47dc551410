"""Settings shared by every environment.

One switch per integration: each real service turns on when its variable is
set, and a variable that is set but unusable stops start-up with
``ImproperlyConfigured`` naming it. With nothing set the project runs on
embedded defaults: SQLite and files under ``var/``, Celery tasks run eagerly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, overload
from urllib.parse import unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


VAR_DIR = Path(env("HEADSHOT_VAR_DIR", str(BASE_DIR / "var")))
# Model files belong to the installed checkout (`make install` fetches them), not to the
# data folder, so a different HEADSHOT_VAR_DIR still finds them.
MODELS_DIR = Path(env("HEADSHOT_MODELS_DIR", str(BASE_DIR / "var" / "models")))

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-change-me-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "core",
    "teams",
    "compliance",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
LOGIN_URL = "teams:login"
LOGIN_REDIRECT_URL = "teams:home"
LOGOUT_REDIRECT_URL = "teams:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.membership",
            ],
        },
    },
]

# --- Database: DATABASE_URL switches to Postgres (or any URL Django supports).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except Exception as exc:  # the parser raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from exc
    if not _db.get("ENGINE"):
        raise ImproperlyConfigured("DATABASE_URL names an unsupported database scheme")
    DATABASES = {"default": _db}
else:
    # Embedded defaults live in VAR_DIR; core.apps creates it at start-up, not at import.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: REDIS_URL switches Celery and the cache to Redis.
REDIS_URL = env("REDIS_URL")
if REDIS_URL and urlparse(REDIS_URL).scheme not in ("redis", "rediss"):
    raise ImproperlyConfigured("REDIS_URL must start with redis:// or rediss://")

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Routing follows the job's engine: see generation.services.jobs._enqueue_render.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # render queues: one job at a time per process, none held back
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 900)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 960)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Retention (compliance.services.retention): idempotent and safe to overlap, so hourly is fine;
    # hourly also makes a policy of "0 days" mean "within the hour" for anything the job hook missed.
    "retention-sweep": {"task": "compliance.tasks.retention_sweep_task", "schedule": crontab(minute=17)},
    "jobs-sweep": {"task": "generation.tasks.jobs_sweep_task", "schedule": 60.0},
    # An export chunk whose worker died holds its lease until it expires; this picks it up again.
    "exports-resume": {"task": "generation.tasks.exports_resume_task", "schedule": crontab(minute="*")},
    # Reminders are due by day; hourly keeps each one within the hour of when it falls due.
    "invitation-reminders": {"task": "teams.tasks.invitation_reminders_task", "schedule": crontab(minute=41)},
    # Organisations whose contract ended (compliance.services.organization_deletion).
    # Storage against the database: objects no row owns are deleted and reported (daily).
    "storage-reconcile": {"task": "compliance.tasks.storage_reconcile_task", "schedule": crontab(minute=31, hour=3)},
    "organization-deletions": {"task": "compliance.tasks.organization_deletions_task", "schedule": crontab(minute=47)},
}
# Jobs always end (generation.services.sweep). A worker touches its running job every
# JOB_HEARTBEAT_SECONDS; silent for JOB_HEARTBEAT_TIMEOUT_SECONDS means the worker is gone, and the job
# is sent again, JOB_MAX_ATTEMPTS claims in all, then failed with the reason. A queued job the broker
# lost is sent again after JOB_QUEUED_RESEND_SECONDS and failed after JOB_QUEUED_MAX_SECONDS.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 15)
JOB_HEARTBEAT_TIMEOUT_SECONDS = env_int("JOB_HEARTBEAT_TIMEOUT_SECONDS", 120)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_QUEUED_RESEND_SECONDS = env_int("JOB_QUEUED_RESEND_SECONDS", 600)
JOB_QUEUED_MAX_SECONDS = env_int("JOB_QUEUED_MAX_SECONDS", 24 * 3600)
CELERY_RESULT_BACKEND: str | None
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
# Uploads store a selfie decoded at no less than this long side (renders decode at 2,000 px).
SELFIE_STORED_LONG_SIDE = env_int("SELFIE_STORED_LONG_SIDE", 2000)
# Exports are built in chunks far below the task time limit (generation.services.exports).
EXPORT_PART_BYTES = env_int("EXPORT_PART_BYTES", 8 * 1024 * 1024)  # S3 parts: at least 5 MiB
EXPORT_CHUNK_MEMBERS = env_int("EXPORT_CHUNK_MEMBERS", 500)
EXPORT_CHUNK_SECONDS = env_int("EXPORT_CHUNK_SECONDS", 60)
EXPORT_LEASE_SECONDS = env_int("EXPORT_LEASE_SECONDS", 300)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Longer than the longest job, so an acked-late task is not redelivered mid-run.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Storage: S3_BUCKET switches private media to S3 (django-storages).
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "static/"
# The stylesheet, the vendored htmx and the favicon: no CDN, so the site works offline.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL_EXPIRY_SECONDS = 300  # presigned / signed media links live at most 5 minutes

S3_BUCKET = env("S3_BUCKET")


def media_storage() -> dict[str, Any]:
    """The media backend the environment asks for: S3 when S3_BUCKET is set, else local files."""
    bucket = env("S3_BUCKET")
    s3_vars = ("S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION")
    if not bucket and any(env(name) for name in s3_vars):
        # Half an S3 configuration must not silently fall back to local files.
        raise ImproperlyConfigured("S3_BUCKET must be set when other S3_* variables are")
    if not bucket:
        return {"BACKEND": "core.storages.SignedFileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
    endpoint = env("S3_ENDPOINT_URL")
    if endpoint and urlparse(endpoint).scheme not in ("http", "https"):
        raise ImproperlyConfigured("S3_ENDPOINT_URL must be an http:// or https:// URL")
    access, secret = env("S3_ACCESS_KEY_ID"), env("S3_SECRET_ACCESS_KEY")
    if bool(access) != bool(secret):
        missing = "S3_SECRET_ACCESS_KEY" if access else "S3_ACCESS_KEY_ID"
        raise ImproperlyConfigured(f"{missing} must be set together with its pair")
    return {
        "BACKEND": "core.storages.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": access,
            "secret_key": secret,
            "region_name": env("S3_REGION", "us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": MEDIA_URL_EXPIRY_SECONDS,
            "file_overwrite": True,
            "addressing_style": env("S3_ADDRESSING_STYLE", "path"),
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail: EMAIL_URL (smtp://user:pass@host:587, smtp+ssl://..., console://) or EMAIL_HOST switches
# to SMTP. With neither, mails are written as files under VAR_DIR/mail (one .log file per message).
EMAIL_URL = env("EMAIL_URL")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Team headshots <headshots@localhost>")
# Links inside e-mails are absolute; tasks have no request to build them from.
SITE_URL = (env("HEADSHOT_SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
if EMAIL_URL:
    _mail = urlparse(EMAIL_URL)
    if _mail.scheme == "console":
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    elif _mail.scheme in ("smtp", "smtp+tls", "smtp+ssl", "smtps"):
        if not _mail.hostname:
            raise ImproperlyConfigured("EMAIL_URL must name a host, e.g. smtp://user:pass@mail.example.com:587")
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        EMAIL_HOST = _mail.hostname
        EMAIL_PORT = _mail.port or (465 if _mail.scheme in ("smtp+ssl", "smtps") else 587)
        EMAIL_HOST_USER = unquote(_mail.username or "")
        EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
        EMAIL_USE_SSL = _mail.scheme in ("smtp+ssl", "smtps")
        EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    else:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtp+tls://, smtp+ssl:// or console://")
elif env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST", "")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env("EMAIL_USE_TLS", "0") == "1"
    EMAIL_USE_SSL = env("EMAIL_USE_SSL", "0") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 30)  # first retry of a failed send; doubles each time

# Invitation reminders (teams.services.invitation_reminders_send, run by beat): every
# INVITATION_REMINDER_DAYS days after the last mail, at most INVITATION_REMINDER_MAX times.
INVITATION_REMINDER_DAYS = env_int("INVITATION_REMINDER_DAYS", 3)
INVITATION_REMINDER_MAX = env_int("INVITATION_REMINDER_MAX", 3)
PASSWORD_RESET_PER_IP = env_int("PASSWORD_RESET_PER_IP", 10)
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3)

# --- Field-level encryption of face descriptors (compliance.crypto): Fernet keys, newest first.
# Rotation: prepend a new key, re-encrypt, then drop the old one. Without the variable a key is
# derived from SECRET_KEY by compliance.crypto (embedded defaults only; production refuses to start without it).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# --- Uploads
SELFIE_MAX_BYTES = 20 * 1024 * 1024
SELFIE_MAX_PIXELS = 50_000_000
# Uploads are decoded at no more than about this many pixels on the long side (JPEG draft mode,
# then a resize): the checklist and the renders need far less, and a 49 MP photo stays cheap.
SELFIE_DECODE_LONG_SIDE = env_int("SELFIE_DECODE_LONG_SIDE", 4000)
BRAND_IMAGE_MAX_BYTES = env_int("BRAND_IMAGE_MAX_BYTES", 8 * 1024 * 1024)
# C2PA signing (issue 3): PEM private key and certificate chain. Unset: a dev pair is made under VAR_DIR/c2pa.
# The person segmenter: any class with person_mask(image) -> float32 HxW in [0, 1]
# (generation.imaging.segment.Segmenter), for example an ONNX portrait-matting model.
HEADSHOT_SEGMENTER = env("HEADSHOT_SEGMENTER", "generation.imaging.segment.MediaPipeSelfieSegmenter")
# Face pixels the checklist asks for: the distance between the eye centres in the photo. A 1024 px
# headshot sets the eyes about 184 px apart, so 80 px means at most about 2.3x enlargement.
HEADSHOT_MIN_EYE_PX = env_int("HEADSHOT_MIN_EYE_PX", 80)
# ... and no face is enlarged more than this to reach the eye distance the team's style renders
# (the checklist's face_pixels rule): 1.5x keeps skin and eyelashes sharp at 100%.
HEADSHOT_MAX_UPSCALE = float(env("HEADSHOT_MAX_UPSCALE", "1.5") or "1.5")

C2PA_SIGNING_KEY = env("HEADSHOT_C2PA_SIGNING_KEY", "")
C2PA_SIGNING_CERT = env("HEADSHOT_C2PA_SIGNING_CERT", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 14)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate.
        "teams.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Team headshots API",
    "DESCRIPTION": "Invite staff, record consent, upload selfies, render and review headshots, export.",
    "VERSION": "0.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
    ],
    # A style's engines and a job's engines (which add "provided") are different choice sets.
    "ENUM_NAME_OVERRIDES": {
        "StyleEngineEnum": "generation.models.Engine",
        "JobEngineEnum": "generation.models.JOB_ENGINES",
    },
    # Swagger UI and ReDoc served from our own static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Credential endpoints (teams.throttle): an account is locked for AUTH_LOCKOUT_SECONDS after
# AUTH_LOCKOUT_ATTEMPTS failures in a row; one address after five times as many.
AUTH_LOCKOUT_ATTEMPTS = env_int("AUTH_LOCKOUT_ATTEMPTS", 10)
AUTH_LOCKOUT_SECONDS = env_int("AUTH_LOCKOUT_SECONDS", 900)

# API tokens (teams.tokens) expire; sign in again for a new one.
API_TOKEN_TTL_SECONDS = env_int("API_TOKEN_TTL_SECONDS", 30 * 24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    # Refuses a password too like the user's e-mail or names (the e-mail itself included).
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# --- Diffusion engine (GPU workers; needs the `diffusion` extra: pip install .[diffusion]).
# A style's options name the base model as a local path (relative paths are
# looked up under MODELS_DIR) or as a hub id. Hub ids only resolve from the
# local cache unless DIFFUSION_ALLOW_HUB_DOWNLOADS=1: tests and CI never
# touch a hub, and production images should mount weights read-only.
DIFFUSION_ALLOW_HUB_DOWNLOADS = env("DIFFUSION_ALLOW_HUB_DOWNLOADS", "0") == "1"
DIFFUSION_DEFAULT_MODEL = env("DIFFUSION_DEFAULT_MODEL", "diffusers/stable-diffusion-xl-1.0-inpainting-0.1")
DIFFUSION_DEVICE = env("DIFFUSION_DEVICE", "auto")  # auto | cuda | cuda:N | cpu
# On CUDA the pipeline runs in this dtype (bfloat16 or float16); on CPU always float32.
DIFFUSION_DTYPE = env("DIFFUSION_DTYPE", "bfloat16")
if DIFFUSION_DTYPE not in ("bfloat16", "float16", "float32"):
    raise ImproperlyConfigured("DIFFUSION_DTYPE must be bfloat16, float16 or float32")
# torch.compile the UNet once per worker process: slower first job, faster after.
DIFFUSION_COMPILE = env("DIFFUSION_COMPILE", "0") == "1"
# Load every current diffusion style's pipeline when a worker process that
# consumes the `gpu` queue starts (worker_process_init): auto | 1 | 0.
DIFFUSION_WARM_ON_START = env("DIFFUSION_WARM_ON_START", "auto")
# Identity adapters for `generate` mode. PhotoMaker v1 (Apache-2.0, CLIP-based
# ID encoder) is the default and is licence-clean for commercial use.
# InstantID, PuLID, IP-Adapter-FaceID and PhotoMaker v2 depend on InsightFace's
# antelopev2 face model, whose licence allows NON-COMMERCIAL RESEARCH USE ONLY;
# a style can name them only where this is set to 1 by someone who has checked
# that licence for their deployment.
DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS = env("DIFFUSION_ALLOW_NONCOMMERCIAL_ADAPTERS", "0") == "1"
