import os

from celery import Celery

from config.threads import pin

pin()  # before numpy, OpenCV or numba load in this worker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("headshots")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
