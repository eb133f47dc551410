"""The request our pages see: Django's, plus what the middleware adds (typed, not patched ad hoc)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AppRequest(HttpRequest):
    """A page request: ``htmx`` comes from django-htmx's middleware."""

    htmx: HtmxDetails
