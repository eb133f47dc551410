import os

from celery import Celery

from config.threads import pin

pin()  # before numpy, OpenCV or numba load in this worker
# A server or worker started without a settings module gets production, which refuses to start
# without its secrets, rather than local (DEBUG on, a public secret key). manage.py keeps local.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("headshots")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
