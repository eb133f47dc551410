"""Local and demo settings: the embedded defaults, with a real background worker.

Without REDIS_URL, Celery uses kombu's filesystem transport under ``var/broker``, so a
``celery worker`` process (``make demo`` starts one) renders jobs and builds exports
while the page shows live progress: a render never blocks the request. Set
HEADSHOT_EAGER=1 to run tasks inside the request instead (no worker needed).

DEBUG stays off unless DJANGO_DEBUG=1, so a missing page shows the friendly 404 page;
whitenoise serves the static files straight from the source folders.
"""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, REDIS_URL, VAR_DIR, env

DEBUG = env("DJANGO_DEBUG", "0") == "1"
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

BROKER_DIR = VAR_DIR / "broker"
if not REDIS_URL and env("HEADSHOT_EAGER", "0") != "1":
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host names nothing; kombu warns without one
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange bindings (kombu's default is ./control, in the working directory).
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_EAGER_PROPAGATES = False

# The embedded demo portrait (scikit-image's astronaut) is a 512 px photo with the eyes 43 px apart:
# the demo runs on it, production asks for sharper photos (base.HEADSHOT_MIN_EYE_PX).
HEADSHOT_MIN_EYE_PX = env_int("HEADSHOT_MIN_EYE_PX", 40)  # noqa: F405
HEADSHOT_MAX_UPSCALE = float(env("HEADSHOT_MAX_UPSCALE", "5") or "5")  # noqa: F405  (its face is enlarged 4.3x)
