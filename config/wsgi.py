import os

from django.core.wsgi import get_wsgi_application

# A server or worker started without a settings module gets production, which refuses to start
# without its secrets, rather than local (DEBUG on, a public secret key). manage.py keeps local.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
