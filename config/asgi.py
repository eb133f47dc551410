import os

from django.core.asgi import get_asgi_application

# A server or worker started without a settings module gets production, which refuses to start
# without its secrets, rather than local (DEBUG on, a public secret key). manage.py keeps local.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
